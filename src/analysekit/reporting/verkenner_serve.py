"""``analysekit verken``: the verkenner notebook as a local web page, served by Voilà.

Voilà runs the notebook ``notebooks/verkenner.ipynb`` in a kernel per visitor and shows
its widgets without any code (``strip_sources``). It listens on 127.0.0.1 unless told
otherwise, and loads nothing from the internet: the page uses the kit's Voilà template
(``verkenner_voila/voila/templates/analysekit``), Voilà's lab template without its
Font Awesome CDN links, MathJax or mermaid; everything else comes from this server.
Reports made with "rapport maken" are served at ``voila/files/`` (only the ``.html`` and
``.png`` files of the reports folder; see :func:`serve_dir`).

Ctrl-C stops the server: exit code 130 and one line, as ``make lab``.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from analysekit.errors import ParameterError
from analysekit.interrupt import Interrupted

__all__ = ["TEMPLATE", "register", "template_root", "voila_command"]

#: The name of the kit's Voilà template.
TEMPLATE = "analysekit"
DEFAULT_IP = "127.0.0.1"
DEFAULT_PORT = 8866


def template_root() -> Path:
    """The folder to add to ``JUPYTER_PATH`` so Voilà finds the kit's template."""
    return Path(__file__).parent / "verkenner_voila"


def notebook() -> Path:
    """The verkenner notebook (``notebooks/verkenner.ipynb``)."""
    from analysekit.reporting.notebooks import notebook_path

    return notebook_path("verkenner")


def check_port(ip: str, port: int) -> None:
    """Refuse a port that is out of range or already in use (one Dutch line)."""
    if not 1 <= port <= 65535:
        raise ParameterError(f"--port {port} kan niet; verwacht: een poort van 1 tot 65535")
    with socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET) as s:
        try:
            s.bind((ip, port))
        except OSError as exc:
            raise ParameterError(
                f"--ip {ip} --port {port}: dat adres is niet te gebruiken ({exc.strerror}); "
                "kies een andere poort, bijv. --port 8867") from None


#: The folder inside the reports folder that holds the served copy of the notebook.
SERVED_NOTEBOOK_DIR = "_verkenner"


def serve_dir(reports: Path) -> Path:
    """Prepare the folder Voilà serves: the reports folder, with a copy of the notebook.

    Voilà serves files below its root only (``voila/files/``, and tornado refuses links
    that point outside it), and the notebook must be below the root too. So the root is
    the reports folder, and the notebook is copied to ``_verkenner/verkenner.ipynb`` in it
    (removed when the server stops); a report made with "rapport maken" is then at
    ``voila/files/<gemeente>/<periode>/<notebook>.html``.

    Returns:
        The path of the copied notebook.
    """
    import shutil

    folder = reports / SERVED_NOTEBOOK_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "verkenner.ipynb"
    shutil.copyfile(notebook(), target)
    return target


def voila_command(ip: str, port: int, reports: Path) -> list[str]:
    """The Voilà command line for the verkenner (no browser, no code, local assets)."""
    return [
        sys.executable, "-m", "voila",
        str(reports / SERVED_NOTEBOOK_DIR / "verkenner.ipynb"),
        "--no-browser",
        f"--Voila.ip={ip}",
        f"--Voila.port={port}",
        "--Voila.port_retries=0",
        f"--Voila.root_dir={reports}",
        f"--template={TEMPLATE}",
        "--theme=light",
        "--strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        r"--VoilaConfiguration.file_allowlist=.*\.(html|png)",
        "--Voila.log_level=ERROR",
    ]


def voila_env(reports: Path) -> dict[str, str]:
    """The environment of the Voilà server: the template path and the served reports."""
    from analysekit.reporting.runner import REPORTS_ENV
    from analysekit.reporting.verkenner_app import FILES_ENV

    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(template_root()), env.get("JUPYTER_PATH", "")) if p)
    env[FILES_ENV] = str(reports)
    env[REPORTS_ENV] = str(reports)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def serve(ip: str = DEFAULT_IP, port: int = DEFAULT_PORT, reports: Path | None = None) -> int:
    """Run the Voilà server until it stops or Ctrl-C (then :class:`Interrupted`)."""
    from analysekit.reporting.runner import reports_dir

    check_port(ip, port)
    reports = (reports or reports_dir()).resolve()
    host = f"[{ip}]" if ":" in ip else ip
    nb = serve_dir(reports)
    typer.echo(f"Verkenner start op http://{host}:{port}/ (stoppen met Ctrl-C)")
    # its own session: Ctrl-C reaches this process only, which stops the server once
    proc = subprocess.Popen(voila_command(ip, port, reports), env=voila_env(reports),
                            cwd=nb.parent, start_new_session=True)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        raise Interrupted("verkenner gestopt (Ctrl-C)") from None
    finally:
        with contextlib.suppress(ProcessLookupError):
            if proc.poll() is None:
                proc.kill()
        nb.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            nb.parent.rmdir()


def register(app: typer.Typer) -> None:
    """Attach ``verken`` to the main ``analysekit`` app."""

    @app.command("verken")
    def verken_cmd(
        ip: Annotated[str, typer.Option(
            "--ip", help="Adres waarop de verkenner luistert (0.0.0.0: ook van buiten).")
        ] = DEFAULT_IP,
        port: Annotated[int, typer.Option("--port", help="Poort van de verkenner.")
                        ] = DEFAULT_PORT,
        reports: Annotated[Path | None, typer.Option(
            "--reports", help="Map voor de rapporten van 'rapport maken' "
            "(standaard reports/ of $ANALYSEKIT_REPORTS).")] = None,
    ) -> int:
        """De verkenner als lokale webpagina (Voilà): kiezen, vergelijken, rapport maken."""
        return serve(ip, port, reports)
