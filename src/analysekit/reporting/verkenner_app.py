"""The widgets of the verkenner (ipywidgets): controls left, figure and key figures right.

The app only wires controls to :class:`~analysekit.reporting.verkenner.Verkenner` and
shows the parts it returns; what to compute and when lives there. Every control is a
native, labelled form element (select, radio, checkbox, slider, text field, button), so
the page works with the keyboard alone (Tab through the controls in reading order).

"Rapport maken" runs ``analysekit report`` for the current choice in a subprocess (the
page stays responsive), then links the HTML (under Voilà, when the reports folder is the
folder ``analysekit verken`` serves) and shows the command.
"""

from __future__ import annotations

import base64
import html
import os
import shlex
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from analysekit.reporting.verkenner import (
    FILTERS,
    LENZEN,
    REPORT_NOTEBOOK,
    VIEWS,
    Verkenner,
    commando,
    gemeente_opties,
)
from analysekit.settings import DEFAULT_GEMEENTE
from analysekit.vocab import DOMEINEN, TOTAAL, VERSLAGSOORTEN

__all__ = ["FILES_ENV", "VerkennerApp", "verkenner"]

#: Environment variable set by ``analysekit verken``: the reports folder, which Voilà
#: serves at ``voila/files/``, so a report can be linked from the page.
FILES_ENV = "ANALYSEKIT_VERKEN_FILES"

_CSS = """<style>
.ak-verkenner .ak-cijfers {border-collapse: collapse; margin: 4px 0; font-size: 14px;
  min-width: 460px;}
.ak-verkenner .ak-cijfers caption {text-align: left; font-weight: bold; padding-bottom: 4px;}
.ak-verkenner .ak-cijfers th {text-align: left; font-weight: normal; padding: 2px 16px 2px 0;}
.ak-verkenner .ak-cijfers td {text-align: right; padding: 2px 0; white-space: nowrap;}
.ak-verkenner .ak-melding {min-height: 1.4em; color: #8a1c1c; font-weight: bold;}
.ak-verkenner .ak-figuur img {max-width: 100%; height: auto;}
.ak-verkenner code {white-space: pre-wrap; word-break: break-word;}
.ak-verkenner .widget-label {min-width: 9em;}
</style>"""


class VerkennerApp:
    """The verkenner's widgets around one :class:`Verkenner`.

    Args:
        gemeente: Name or code of the first gemeente.
        **keuze: Further fields of the first choice (``jaar``, ``view`` …).
    """

    def __init__(self, gemeente: str = DEFAULT_GEMEENTE, **keuze: Any) -> None:
        import ipywidgets as W

        self.v = Verkenner(gemeente, **keuze)
        k, info = self.v.keuze, self.v.info
        perioden = self.v.bron.perioden()
        wide = {"description_width": "9em"}
        lay = W.Layout(width="330px")
        self.gemeente = W.Combobox(
            value=f"{info.naam} ({info.gm_code})", options=gemeente_opties(),
            description="Gemeente", placeholder="naam of GM-code", ensure_option=False,
            continuous_update=False, style=wide, layout=lay)
        self.view = W.RadioButtons(options=[(v, key) for key, v in VIEWS.items()],
                                   value=k.view, description="Weergave", style=wide, layout=lay)
        self.domein = W.Dropdown(options=[*DOMEINEN, TOTAAL], value=k.domein,
                                 description="Domein", style=wide, layout=lay)
        self.jaar = W.Dropdown(options=sorted({j for j, _ in perioden}), value=k.jaar,
                               description="Jaar", style=wide, layout=lay)
        self.verslagsoort = W.Dropdown(options=list(VERSLAGSOORTEN), value=k.verslagsoort,
                                       description="Verslagsoort", style=wide, layout=lay)
        self.lens = W.Dropdown(options=[(v, key) for key, v in LENZEN.items()], value=k.lens,
                               description="Lens", style=wide, layout=lay)
        self.n_peers = W.IntSlider(value=k.n_peers, min=3, max=40, description="Aantal peers",
                                   continuous_update=False, style=wide, layout=lay)
        self.filters = {f: W.Checkbox(value=f in k.filters, description=label, indent=False)
                        for f, label in FILTERS.items()}
        self.gewichten = {
            name: W.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.5, description=label,
                                continuous_update=False, readout_format=".1f",
                                style={"description_width": "13em"},
                                layout=W.Layout(width="310px"))
            for name, label in self.v.bron.kenmerken(k.jaar).items()}
        gewichten = W.Accordion(children=[W.VBox(list(self.gewichten.values()))],
                                titles=("Gewichten van de kenmerken",),
                                layout=W.Layout(width="330px", overflow="visible"))
        self.knop = W.Button(description="Rapport maken", button_style="primary",
                             tooltip="Het rapport foto-sociaal-domein voor deze keuze maken")
        self.figuur = W.HTML(layout=W.Layout(width="820px")).add_class("ak-figuur")
        self.cijfers = W.HTML()
        self.melding = W.HTML().add_class("ak-melding")
        self.commando = W.HTML()
        self.rapport = W.HTML()
        self._busy = False
        self._thread: threading.Thread | None = None

        for name in ("view", "domein", "jaar", "verslagsoort", "lens", "n_peers"):
            getattr(self, name).observe(lambda ch, name=name: self._kies(**{name: ch["new"]}),
                                        names="value")
        self.gemeente.observe(self._gemeente, names="value")
        for box in self.filters.values():
            box.observe(lambda _ch: self._kies(filters=[f for f, b in self.filters.items()
                                                        if b.value]), names="value")
        for s in self.gewichten.values():
            s.observe(lambda _ch: self._kies(gewichten={n: w.value for n, w in
                                                        self.gewichten.items()}),
                      names="value")
        self.knop.on_click(lambda _b: self.maak_rapport())

        peers = W.VBox([W.HTML("<b>Peers</b>"), self.n_peers, *self.filters.values(), gewichten])
        links = W.VBox([self.gemeente, self.domein, self.jaar, self.verslagsoort, self.lens,
                        self.view, peers, self.knop, self.rapport],
                       layout=W.Layout(width="350px", overflow="visible"))
        rechts = W.VBox([self.melding, self.figuur, self.cijfers, self.commando])
        self.widget = W.VBox([W.HTML(_CSS), W.HBox([links, rechts])]).add_class("ak-verkenner")
        self._toon(self.v.parts(force=True))

    # ------------------------------------------------------------------ events

    def _gemeente(self, change: dict[str, Any]) -> None:
        if self._busy:
            return
        parts = self.v.kies(gemeente=change["new"])
        info = self.v.info
        canonical = f"{info.naam} ({info.gm_code})"
        if "figuur" in parts or "commando" in parts:
            self._busy = True
            try:
                self.gemeente.value = canonical
            finally:
                self._busy = False
        self._toon(parts)

    def _kies(self, **changes: Any) -> None:
        self._toon(self.v.kies(**changes))

    def _toon(self, parts: dict[str, Any]) -> None:
        """Put the changed parts on the page (the others stay as they are)."""
        if "figuur" in parts:
            k = self.v.keuze
            alt = html.escape(f"{self.v.info.naam_kort}: {VIEWS[k.view]}, {k.domein}, "
                              f"{k.verslagsoort} {k.jaar}")
            data = base64.b64encode(parts["figuur"]).decode("ascii")
            self.figuur.value = f'<img alt="{alt}" src="data:image/png;base64,{data}">'
        if "cijfers" in parts:
            self.cijfers.value = parts["cijfers"]
        if "melding" in parts:
            text = parts["melding"]
            self.melding.value = (f'<p role="status">{html.escape(text)}</p>' if text
                                  else '<p role="status"></p>')
        if "commando" in parts:
            self.commando.value = ("<p>Hetzelfde als rapport (in een terminal):<br>"
                                   f"<code>{html.escape(parts['commando'])}</code></p>")

    # ------------------------------------------------------------------ report

    def maak_rapport(self, wait: bool = False) -> None:
        """Run the report of the current choice in a subprocess; link it when done."""
        if self._thread is not None and self._thread.is_alive():
            return
        k, info = self.v.keuze, self.v.info
        cmd = commando(info, k)
        self.knop.disabled = True
        self.rapport.value = f"<p>Rapport wordt gemaakt …<br><code>{html.escape(cmd)}</code></p>"
        self._thread = threading.Thread(target=self._run_report, args=(info, k, cmd),
                                        daemon=True)
        self._thread.start()
        if wait:
            self._thread.join()

    def _run_report(self, info: Any, k: Any, cmd: str) -> None:
        from analysekit.reporting.runner import plan_report, reports_dir

        args = shlex.split(cmd)[2:]
        params = {"jaar": k.jaar, "verslagsoort": k.verslagsoort, "n_peers": k.n_peers}
        try:
            proc = subprocess.run(
                [sys.executable, "-c", "import sys; from analysekit.cli import main; "
                 "sys.exit(main(sys.argv[1:]))", "report", *args],
                capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                lines = [x for x in proc.stderr.splitlines() if x.strip()]
                self.rapport.value = ("<p>Het rapport is niet gemaakt: "
                                      f"{html.escape(lines[-1] if lines else '?')}</p>")
                return
            path = plan_report(info, REPORT_NOTEBOOK, params, root=reports_dir()).html
            self.rapport.value = (f"<p>Rapport klaar ({html.escape(info.naam_kort)}, "
                                  f"{k.verslagsoort} {k.jaar}): {_link(path)}</p>")
        except Exception as exc:  # noqa: BLE001 - the page shows one line, never a traceback
            self.rapport.value = f"<p>Het rapport is niet gemaakt: {html.escape(str(exc))}</p>"
        finally:
            self.knop.disabled = False


def _link(path: Path) -> str:
    """A link to the report when Voilà serves its folder, else its path as text."""
    served = os.environ.get(FILES_ENV)
    if served:
        try:
            rel = path.resolve().relative_to(Path(served).resolve())
        except ValueError:
            rel = None
        if rel is not None:
            href = html.escape("voila/files/" + rel.as_posix())
            return f'<a href="{href}" target="_blank" rel="noopener">{html.escape(path.name)}</a>'
    return f"<code>{html.escape(str(path))}</code>"


def verkenner(gemeente: str = DEFAULT_GEMEENTE, **keuze: Any) -> Any:
    """Build the verkenner and return its widget (the notebook displays it)."""
    return VerkennerApp(gemeente, **keuze).widget
