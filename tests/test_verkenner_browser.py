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
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("CI", "").lower() == "true" or bool(
    os.environ.get("ANALYSEKIT_REQUIRE_BROWSER")
)
MISSING = (
    "headless Chromium is not installed: run `make browser` (as root, installs the Debian "
    "package) or `sudo apt-get install chromium`"
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None and not REQUIRED, reason=MISSING),
]

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-port=0", "--window-size=1366,900"]


class DevTools:
    """A minimal Chrome DevTools Protocol client for one page."""

    def __init__(self, user_data_dir: Path) -> None:
        import websocket

        self.proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={user_data_dir}",
                                      "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = user_data_dir / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError("chromium did not start its DevTools endpoint")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        while True:  # the port file can appear a moment before the endpoint listens
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list",
                                            timeout=10) as resp:
                    page = next(t for t in json.load(resp) if t["type"] == "page")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60,
                                              suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")

    def call(self, method: str, **params):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)
        raise TimeoutError(method)

    def js(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_js(self, expression: str, timeout: float = 90) -> object:
        """Poll ``expression`` until it is truthy; return its value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.js(expression)
            if value:
                return value
            time.sleep(0.2)
        raise TimeoutError(expression)

    def type_text(self, text: str) -> None:
        self.call("Input.insertText", text=text)

    def press_enter(self) -> None:
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter",
                      windowsVirtualKeyCode=13, nativeVirtualKeyCode=13, text="\r")

    def screenshot(self, path: Path, height: int = 1100) -> None:
        import base64

        self.call("Emulation.setDeviceMetricsOverride", width=1366, height=height,
                  deviceScaleFactor=1, mobile=False)
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def errors(self) -> list[str]:
        out = []
        for msg in self.events:
            method, params = msg.get("method"), msg.get("params", {})
            if method == "Runtime.exceptionThrown":
                out.append(json.dumps(params["exceptionDetails"])[:300])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error",
                                                                                  "assert"):
                out.append(json.dumps(params.get("args"))[:300])
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                out.append(params["entry"].get("text", ""))
        return out

    def requested_urls(self) -> list[str]:
        return [m["params"]["request"]["url"] for m in self.events
                if m.get("method") == "Network.requestWillBeSent"]

    def close(self) -> None:
        ws = getattr(self, "ws", None)
        if ws is not None:
            ws.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


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
    if CHROMIUM is None:  # only reached under make test / CI (otherwise skipped above)
        pytest.fail(f"{MISSING}; `make test` and CI need it", pytrace=False)


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
