"""The verkenner in a real browser: ``analysekit verken`` (Voilà) and headless Chromium.

Starts the real command on a free 127.0.0.1 port, opens the page in Debian's ``chromium``
over the DevTools protocol (a small client on ``websocket-client``; nothing is
downloaded) and checks that the first view renders with a figure, that choosing another
gemeente with the keyboard changes the figure and the numbers, that the console shows no
errors, that every request goes to 127.0.0.1, and that Ctrl-C stops the server with exit
code 130 and one line.

Chromium missing: like tests/test_browser.py, the test fails under ``make test`` and in CI
(``CI=true`` or ``ANALYSEKIT_REQUIRE_BROWSER=1``) and is skipped otherwise.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from cdp import CHROMIUM, MISSING, REQUIRED, DevTools, require_chromium

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None and not REQUIRED, reason=MISSING),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``analysekit verken`` on a free port, as a user starts it."""

    def __init__(self, reports: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = dict(os.environ, ANALYSEKIT_REPORTS=str(reports))
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "import sys; from analysekit.cli import main; "
             "sys.exit(main(sys.argv[1:]))", "verken", "--port", str(self.port)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url + "voila/static/voila.js", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.proc.kill()
                    raise RuntimeError(f"verken did not start: {self.proc.communicate()}") from None
                time.sleep(0.2)

    def interrupt(self) -> tuple[int, str, str]:
        """Ctrl-C (SIGINT), as a terminal sends it; returns exit code, stdout, stderr."""
        self.proc.send_signal(signal.SIGINT)
        out, err = self.proc.communicate(timeout=30)
        return self.proc.returncode, out, err


@pytest.fixture(scope="module", autouse=True)
def _chromium_present() -> None:
    require_chromium()  # only reached under make test / CI (otherwise skipped above)


FIGURE = "(document.querySelector('.ak-figuur img') || {}).src || ''"
NUMBERS = "(document.querySelector('.ak-cijfers') || {}).innerText || ''"


def test_verkenner_in_chromium(built, tmp_path):
    server = Server(tmp_path / "rapporten")
    browser = DevTools(tmp_path / "chromium-profiel")
    try:
        browser.call("Page.navigate", url=server.url)
        # the first view renders with a figure and the numbers of the default gemeente
        first = browser.wait_js(f"({FIGURE}).length > 1000 && ({FIGURE})")
        numbers = browser.wait_js(NUMBERS)
        assert "Tilburg" in numbers and "€" in numbers, numbers
        assert browser.js("document.querySelector('.ak-figuur img').naturalWidth") >= 700
        assert "Tilburg" in browser.js("document.querySelector('.ak-figuur img').alt")
        assert "analysekit report Tilburg" in browser.js("document.body.innerText")
        assert not browser.js("document.querySelector('.jp-InputArea-editor, .jp-InputPrompt')"
                              " !== null"), "code is shown"

        # every control has a label the keyboard user hears: <label for>, or aria
        unlabelled = browser.js("""[...document.querySelectorAll(
                '.ak-verkenner input, .ak-verkenner select, .ak-verkenner button')]
            .filter(el => el.offsetParent !== null && !(el.labels && el.labels.length)
                    && !el.getAttribute('aria-label') && !el.textContent.trim()
                    && !el.closest('label'))
            .map(el => el.outerHTML.slice(0, 80))""")
        assert unlabelled == [], unlabelled

        # choose another gemeente with the keyboard: type in the search field, Enter
        browser.js("(() => { const i = document.querySelector('.ak-verkenner input[list]');"
                   " i.focus(); i.select(); })()")
        browser.type_text("Land van Cuijk")
        browser.press_enter()
        browser.wait_js(f"({NUMBERS}).includes('Land van Cuijk')")
        second = browser.wait_js(f"({FIGURE}) !== {json.dumps(first)} && ({FIGURE})")
        assert second != first
        numbers2 = browser.js(NUMBERS)
        assert numbers2 != numbers and "€" in numbers2

        # a gemeente without a jaarrekening 2023: one Dutch line, "geen gegevens", no 0
        browser.js("(() => { const i = document.querySelector('.ak-verkenner input[list]');"
                   " i.focus(); i.select(); })()")
        browser.type_text("Vijfheerenlanden")
        browser.press_enter()
        browser.wait_js(f"({NUMBERS}).includes('Vijfheerenlanden')")
        melding = browser.wait_js("document.querySelector('.ak-melding').innerText")
        assert "geen jaarrekening" in melding and "geen gegevens" in melding, melding
        assert "€ 0\n" not in browser.js(NUMBERS) + "\n"
        assert "Traceback" not in browser.js("document.body.innerText")

        # "rapport maken": the report of the current choice, linked from the page
        browser.js("[...document.querySelectorAll('.ak-verkenner button')]"
                   ".find(b => b.textContent.includes('Rapport maken')).click()")
        href = browser.wait_js("(document.querySelector('.ak-verkenner a[href*=\"voila/files/\"]')"
                               " || {}).href", timeout=240)
        assert href.startswith(server.url) and href.endswith(".html"), href
        assert "analysekit report Vijfheerenlanden -n foto-sociaal-domein" in browser.js(
            "document.body.innerText")
        with urllib.request.urlopen(href, timeout=30) as resp:
            assert resp.status == 200 and b"Vijfheerenlanden" in resp.read()

        assert browser.errors() == []
        urls = browser.requested_urls()
        assert urls
        outside = [u for u in urls if not u.startswith((server.url, "data:", "blob:"))]
        assert outside == [], outside
        if os.environ.get("ANALYSEKIT_VERKEN_SCREENSHOT"):
            browser.screenshot(Path(os.environ["ANALYSEKIT_VERKEN_SCREENSHOT"]))
    finally:
        browser.close()
        code, _out, err = server.interrupt()
    assert code == 130
    lines = [x for x in err.splitlines() if x.strip()]
    assert lines[-1] == "analysekit: verkenner gestopt (Ctrl-C)", err
