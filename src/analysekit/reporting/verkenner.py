"""The verkenner: explore one gemeente against its peers, choice by choice (issue 19).

This module holds the state and the redraw logic, without any widget: a
:class:`Keuze` (what the user chose), a :class:`Verkenner` that turns a change of the
choice into the parts of the page that changed, and the data it reads. The widgets live
in :mod:`analysekit.reporting.verkenner_app`, the figures in
:mod:`analysekit.reporting.verkenner_views`; the notebook ``notebooks/verkenner.ipynb``
only builds and shows the app, and ``analysekit verken`` serves it through Voilà
(:mod:`analysekit.reporting.verkenner_serve`).

**Redraw only what changed.** The page has four parts: the figure, the key figures
(``cijfers``), one message line (``melding``) and the equivalent report command
(``commando``). Each part depends on some fields of the choice only
(:data:`DEPENDS`; e.g. the ladder has no domein or lens, and the position figure shows
every domein unless the lens exists per domein only); :meth:`Verkenner.kies` computes a
part again only when one of its fields changed, and returns only the parts whose content
changed. Each part is kept in a small memory per key, so going back to an earlier choice
costs nothing. The data behind them are the report's all-gemeenten computations
(:func:`analysekit.reporting.cache.shared` through the report sections), computed once per
data and code version.

**Missing is not zero.** A gemeente without a submission for the period shows
"geen gegevens" (figure and key figures) and one Dutch line saying what is missing and
what exists; it is never drawn as 0 and never counted in a peer median.
**A bad choice** (a period that is not in the data, a lens that does not exist for the
whole sociaal domein, filters that leave too few peers) gives one Dutch line, never a
traceback.
"""

from __future__ import annotations

import dataclasses
import re
import shlex
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from analysekit.errors import AnalysekitError, ParameterError, UnknownGemeente
from analysekit.nl import GEEN_GEGEVENS, eur, finite, getal
from analysekit.reporting.verkenner_views import LENZEN, PER_DOMEIN
from analysekit.settings import DEFAULT_GEMEENTE
from analysekit.vocab import DOMEINEN, TOTAAL, VERSLAGSOORTEN

__all__ = [
    "DEPENDS",
    "FILTERS",
    "LENZEN",
    "REPORT_NOTEBOOK",
    "VIEWS",
    "Bron",
    "Keuze",
    "Verkenner",
    "commando",
    "zoek_gemeente",
]

#: The views: key → Dutch label.
VIEWS: dict[str, str] = {
    "ontwikkeling": "ontwikkeling tegen de peers",
    "positie": "positie tussen de peers",
    "prijs_volume": "prijs × volume",
    "ladder": "transformatieladder",
    "gap": "tekort t.o.v. gemeentefonds",
}

#: The hard peer filters offered (all "zelfde … als de gemeente"): key → Dutch label.
FILTERS: dict[str, str] = {
    "provincie": "zelfde provincie",
    "grootteklasse": "zelfde grootteklasse",
    "stedelijkheid": "zelfde stedelijkheid",
}

#: The report the "rapport maken" button runs.
REPORT_NOTEBOOK = "foto-sociaal-domein"

_PEER_FIELDS = ("gm_code", "jaar", "verslagsoort", "n_peers", "filters", "gewichten")
#: Which fields of the choice each part of the page depends on (per view for the figure).
DEPENDS: dict[str, tuple[str, ...]] = {
    "figuur:ontwikkeling": (*_PEER_FIELDS, "domein"),
    "figuur:positie": (*_PEER_FIELDS, "lens", "domein_figuur"),
    "figuur:prijs_volume": _PEER_FIELDS,
    "figuur:ladder": _PEER_FIELDS,
    "figuur:gap": ("gm_code", "jaar", "verslagsoort", "totaal"),
    "cijfers": (*_PEER_FIELDS, "domein", "lens"),
    "melding": (*_PEER_FIELDS, "domein", "lens", "view"),
    "commando": ("gm_code", "jaar", "verslagsoort", "n_peers", "filters", "gewichten"),
}
PARTS = ("figuur", "cijfers", "melding", "commando")


def _default_jaar() -> int:
    """The report's default year (its ``parameters`` cell): the newest with net figures."""
    from analysekit.reporting.params import notebook_parameters

    return int(notebook_parameters(REPORT_NOTEBOOK)["jaar"])


@dataclasses.dataclass(frozen=True)
class Keuze:
    """What the user chose (immutable; :meth:`Verkenner.kies` makes a new one)."""

    gm_code: str
    jaar: int
    verslagsoort: str = "jaarrekening"
    domein: str = TOTAAL
    lens: str = "netto_per_inwoner"
    n_peers: int = 10
    filters: tuple[str, ...] = ()
    gewichten: tuple[tuple[str, float], ...] = ()
    view: str = "positie"

    @property
    def domein_figuur(self) -> str | None:
        """The domein as the position figure uses it: only for a lens per domein."""
        return self.domein if self.lens in PER_DOMEIN else None

    @property
    def totaal(self) -> bool:
        """True for the lens in total euros (the gap figure is then in euros, not per inwoner)."""
        return self.lens == "netto_eur"

    def key(self, part: str) -> tuple[Any, ...]:
        """The values of the fields ``part`` depends on (see :data:`DEPENDS`)."""
        name = f"figuur:{self.view}" if part == "figuur" else part
        return (name, *(getattr(self, f) for f in DEPENDS[name]))


# --------------------------------------------------------------------------- gemeente


def zoek_gemeente(text: str) -> tuple[Any, str]:
    """Resolve what the user typed: a name, a GM code, ``Naam (GM0000)`` or an old name.

    Returns:
        ``(GemeenteInfo, note)``: the note is a Dutch line when an old name was resolved
        to the gemeente it merged into (empty otherwise).

    Raises:
        UnknownGemeente: Unknown, ambiguous, or split over several gemeenten.
    """
    from analysekit.reporting.gemeente_info import resolve_gemeente

    q = str(text or "").strip()
    m = re.fullmatch(r".*\((GM\d{4})\)", q)
    if m:
        q = m.group(1)
    try:
        return resolve_gemeente(q), ""
    except UnknownGemeente:
        import warnings

        from analysekit.data import lookup

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                old = lookup.gemeente(q)
            except AnalysekitError:
                old = None
        opv = tuple(getattr(old, "opvolgers", ()) or ())
        if len(opv) != 1:
            raise
        new = resolve_gemeente(opv[0].gm_code)
        return new, (f"{old.naam} ({old.gm_code}) bestaat sinds {old.jaar + 1} niet meer en is "
                     f"opgegaan in {new.naam_kort}; de verkenner toont {new.naam_kort}.")


def gemeente_opties() -> list[str]:
    """``Naam (GM0000)`` for every gemeente of the newest indeling, by name (the search list)."""
    from analysekit.data import lookup

    g = lookup.all_gemeenten()
    return sorted((f"{n} ({c})" for c, n in zip(g["gm_code"], g["naam"], strict=True)),
                  key=str.casefold)


def commando(info: Any, k: Keuze) -> str:
    """The ``analysekit report`` command that makes the report of the current choice."""
    parts = ["analysekit", "report", shlex.quote(info.naam_kort), "-n", REPORT_NOTEBOOK,
             "-p", f"jaar={k.jaar}", "-p", f"verslagsoort={k.verslagsoort}",
             "-p", f"n_peers={k.n_peers}"]
    return " ".join(parts)


# --------------------------------------------------------------------------- data


class Bron:
    """The data the verkenner reads: the report's shared all-gemeenten values.

    Every method returns values computed once per data and code version (the report
    cache) or once per choice (a small memory here).
    """

    def __init__(self) -> None:
        self._ctx: dict[tuple[int, str], Any] = {}
        self._lenzen: dict[tuple[int, str], pd.DataFrame] = {}
        self._peers: OrderedDict[tuple[Any, ...], pd.DataFrame] = OrderedDict()

    def perioden(self) -> tuple[tuple[int, str], ...]:
        """The (jaar, verslagsoort) pairs in the iv3 table."""
        from analysekit.reporting.params import iv3_available

        return iv3_available()

    def check_periode(self, jaar: int, verslagsoort: str) -> None:
        """Raise a one-line :class:`ParameterError` for a period that is not in the data."""
        if (jaar, verslagsoort) not in self.perioden():
            have = "; ".join(
                f"{vs} {_reeksen(sorted(j for j, v in self.perioden() if v == vs))}"
                for vs in VERSLAGSOORTEN if any(v == vs for _, v in self.perioden()))
            raise ParameterError(f"er is geen {verslagsoort} {jaar} in de gegevens; "
                                 f"wel: {have}")

    def ctx(self, jaar: int, verslagsoort: str) -> Any:
        """A report context of the period (its sections hold the shared values)."""
        key = (jaar, verslagsoort)
        if key not in self._ctx:
            from analysekit.reporting.context import ReportContext
            from analysekit.reporting.params import from_mapping

            self.check_periode(jaar, verslagsoort)
            self._ctx[key] = ReportContext(from_mapping(
                {"gemeente": DEFAULT_GEMEENTE, "jaar": jaar, "verslagsoort": verslagsoort}))
        return self._ctx[key]

    def lenzen(self, jaar: int, verslagsoort: str) -> pd.DataFrame:
        """The lenses of every gemeente in one period, plus ``lasten_per_inwoner``."""
        key = (jaar, verslagsoort)
        if key not in self._lenzen:
            d = self.ctx(jaar, verslagsoort).lenzen.deficits_all
            self._lenzen[key] = d.assign(
                lasten_per_inwoner=d["lasten_eur"] / d["inwoners"].astype("float64"))
        return self._lenzen[key]

    def geleverd(self, gm_code: str, jaar: int, verslagsoort: str) -> bool:
        """Whether the gemeente delivered Iv3 figures for the period."""
        lev = self.ctx(jaar, verslagsoort).lenzen.levering
        r = lev.loc[(lev["gm_code"] == gm_code) & (lev["jaar"] == jaar)
                    & (lev["verslagsoort"] == verslagsoort), "geleverd"]
        return bool(r.any())

    def cellen(self, gm_code: str, geleverd: bool = True) -> list[tuple[int, str]]:
        """The periods the gemeente did (or did not) deliver."""
        j, v = self.perioden()[0]
        lev = self.ctx(j, v).lenzen.levering
        r = lev.loc[(lev["gm_code"] == gm_code) & (lev["geleverd"] == geleverd)]
        return sorted((int(a), str(b)) for a, b in zip(r["jaar"], r["verslagsoort"], strict=True))

    def kenmerken(self, jaar: int) -> dict[str, str]:
        """The peer characteristics of ``jaar``: name → Dutch label."""
        from analysekit.analysis.peers import KENMERK_LABELS

        j, v = next(c for c in self.perioden() if c[0] == jaar)
        return {k: KENMERK_LABELS.get(k, k) for k in self.ctx(j, v).positie.peer_data.kenmerken}

    def peers(self, k: Keuze) -> pd.DataFrame:
        """The peers of the choice (:class:`analysekit.analysis.peers.PeerSelection`)."""
        key = tuple(getattr(k, f) for f in _PEER_FIELDS)
        if key not in self._peers:
            from analysekit.analysis import peers as PE

            ctx = self.ctx(k.jaar, k.verslagsoort)
            sel = PE.peer_selection(k.jaar, k.verslagsoort, data=ctx.positie.peer_data,
                                    levering=ctx.lenzen.levering)
            self._peers[key] = sel.peers(
                k.gm_code, k.n_peers, weights=dict(k.gewichten) or None,
                filters={f: PE.SAME for f in k.filters} or None)
            while len(self._peers) > 64:
                self._peers.popitem(last=False)
        return self._peers[key]


# --------------------------------------------------------------------------- the verkenner


class Verkenner:
    """The state of one verkenner and the parts of its page.

    Args:
        gemeente: Name or code of the first gemeente (default the kit's default).
        bron: The data (default a new :class:`Bron`).
        **keuze: Further fields of the first :class:`Keuze`.
    """

    def __init__(self, gemeente: str = DEFAULT_GEMEENTE, bron: Bron | None = None,
                 **keuze: Any) -> None:
        self.bron = bron or Bron()
        info, _ = zoek_gemeente(gemeente)
        self.info = info
        self.keuze = Keuze(gm_code=info.gm_code, jaar=keuze.pop("jaar", None) or _default_jaar(),
                           **keuze)
        self.notitie = ""  #: a note from resolving the gemeente (an old name)
        self._shown: dict[str, tuple[Any, ...]] = {}
        self._content: dict[str, Any] = {}
        self._memo: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        #: Seconds the last :meth:`kies` took per part (for the benchmark).
        self.timings: dict[str, float] = {}

    # ------------------------------------------------------------------ changes

    def kies(self, **changes: Any) -> dict[str, Any]:
        """Apply a change of the choice and return the parts of the page that changed.

        Args:
            **changes: Fields of :class:`Keuze`; ``gemeente`` (a name, code or old name)
                instead of ``gm_code``.

        Returns:
            ``{part: content}`` for the parts whose content changed: ``figuur`` (PNG
            bytes), ``cijfers`` (HTML), ``melding`` (one Dutch line, or ""), ``commando``.
            A gemeente that cannot be resolved changes only the message.
        """
        self.notitie = ""
        if "gemeente" in changes:
            text = changes.pop("gemeente")
            try:
                info, self.notitie = zoek_gemeente(text)
            except AnalysekitError as exc:
                return self._alleen_melding(str(exc))
            self.info = info
            changes["gm_code"] = info.gm_code
        try:
            self.keuze = dataclasses.replace(self.keuze, **_normalise(changes))
        except AnalysekitError as exc:
            return self._alleen_melding(str(exc))
        return self.parts()

    def parts(self, force: bool = False) -> dict[str, Any]:
        """The parts whose key changed since they were last shown (all with ``force``)."""
        import time

        out: dict[str, Any] = {}
        self.timings = {}
        for part in PARTS:
            key = self.keuze.key(part) + ((self.notitie,) if part == "melding" else ())
            if not force and self._shown.get(part) == key:
                continue
            t0 = time.perf_counter()
            try:
                value = self._memoised(key, lambda part=part: self._make(part))
            except Exception as exc:  # noqa: BLE001 - the page shows one line, no traceback
                return self._alleen_melding(
                    f"deze keuze kon niet worden berekend ({type(exc).__name__}: {exc})")
            self.timings[part] = time.perf_counter() - t0
            self._shown[part] = key
            if force or self._content.get(part) != value:
                out[part] = self._content[part] = value
        return out

    def _alleen_melding(self, text: str) -> dict[str, Any]:
        """Only the message line changes (the rest keeps the last good choice)."""
        self._shown.pop("melding", None)  # shown again at the next good choice
        self._content["melding"] = _zin(text)
        return {"melding": _zin(text)}

    def _memoised(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        if key in self._memo:
            self._memo.move_to_end(key)
            return self._memo[key]
        value = make()
        self._memo[key] = value
        while len(self._memo) > 256:
            self._memo.popitem(last=False)
        return value

    # ------------------------------------------------------------------ the parts

    def _make(self, part: str) -> Any:
        if part == "figuur":
            return self.figuur()
        if part == "cijfers":
            return self.cijfers_html()
        if part == "melding":
            return self.melding()
        return commando(self.info, self.keuze)

    def fout(self) -> str:
        """The one Dutch line about a bad choice ("" when the choice is fine)."""
        k = self.keuze
        try:
            self.bron.check_periode(k.jaar, k.verslagsoort)
            if k.lens in PER_DOMEIN and k.domein == TOTAAL and k.view == "positie":
                raise ParameterError(
                    f"de lens '{LENZEN[k.lens]}' bestaat per domein, niet voor het hele "
                    f"{TOTAAL.lower()}; kies een domein (bijvoorbeeld Jeugd)")
            self.bron.peers(k)
        except AnalysekitError as exc:
            return _zin(str(exc))
        return ""

    def melding(self) -> str:
        """One Dutch line: a bad choice, missing figures, or the resolved old name."""
        k = self.keuze
        fout = self.fout()
        if fout:
            return fout
        text = self.notitie
        if not self.bron.geleverd(k.gm_code, k.jaar, k.verslagsoort):
            near = sorted(self.bron.cellen(k.gm_code),
                          key=lambda c: (abs(c[0] - k.jaar), c[1] != k.verslagsoort, -c[0]))
            wel = [f"{v} {j}" for j, v in near[:2]]
            text = (f"{self.info.naam_kort} heeft over {k.jaar} geen {k.verslagsoort} aan CBS "
                    f"geleverd ({GEEN_GEGEVENS}); "
                    + (f"dichtstbij wel: {', '.join(wel)}." if wel
                       else "ook geen andere opgave.")
                    + (f" {text}" if text else ""))
        return text

    def figuur(self) -> bytes:
        """The figure of the current view as PNG bytes ("geen gegevens" when impossible)."""
        from analysekit.analysis.plots import png_bytes
        from analysekit.reporting import verkenner_views as V

        k = self.keuze
        titel = f"{self.info.naam_kort}: {VIEWS[k.view]}"
        if self.fout():
            return png_bytes(V.leeg(titel, "keuze niet mogelijk"))
        try:
            fig = V.TEKENAARS[k.view](self.bron, k, self.info)
        except AnalysekitError:
            fig = V.leeg(titel, GEEN_GEGEVENS)
        return png_bytes(fig)

    def cijfers(self) -> dict[str, Any]:
        """Key figures of the chosen domein and lens: own value, peers, Nederland."""
        k = self.keuze
        out: dict[str, Any] = {"eigen": np.nan, "mediaan": np.nan, "q1": np.nan, "q3": np.nan,
                               "rang": None, "n": 0, "nederland": np.nan, "n_nl": 0,
                               "peers": []}
        if self.fout():
            return out
        d = self.bron.lenzen(k.jaar, k.verslagsoort)
        d = d.loc[d["domein"] == k.domein]
        d = d.loc[d["geleverd"].astype(bool)]
        vals = d.set_index("gm_code")[k.lens].astype("float64")
        p = self.bron.peers(k)
        pv = vals.reindex(p["gm_code"].astype(str)).dropna()
        out["peers"] = [re.sub(r"\s*\(gemeente\)$", "", str(n)) for n in p["naam"]]
        out["eigen"] = float(vals.get(k.gm_code, np.nan))
        out["n"] = int(len(pv))
        if len(pv):
            out["q1"], out["mediaan"], out["q3"] = np.quantile(pv.to_numpy(), [0.25, 0.5, 0.75])
            if finite(out["eigen"]):
                out["rang"] = int((pv < out["eigen"]).sum()) + 1
        nl_vals = vals.dropna()
        out["nederland"] = float(nl_vals.median()) if len(nl_vals) else np.nan
        out["n_nl"] = int(len(nl_vals))
        return out

    def cijfers_html(self) -> str:
        """:meth:`cijfers` as a small Dutch HTML table (missing: "geen gegevens")."""
        import html

        k = self.keuze
        c = self.cijfers()
        compact = k.lens == "netto_eur"

        def bedrag(x: Any) -> str:
            return eur(x, compact=compact) if finite(x) else GEEN_GEGEVENS

        rows = [
            (f"{self.info.naam_kort}", bedrag(c["eigen"])),
            (f"mediaan {c['n']} peers", bedrag(c["mediaan"])),
            ("peers 25e–75e percentiel",
             f"{bedrag(c['q1'])} – {bedrag(c['q3'])}" if finite(c["q1"]) else GEEN_GEGEVENS),
            ("rang tussen de peers (1 = laagst)",
             f"{c['rang']} van {c['n'] + 1}" if c["rang"] else GEEN_GEGEVENS),
            (f"mediaan Nederland ({getal(c['n_nl'])} gemeenten)", bedrag(c["nederland"])),
        ]
        head = (f"{html.escape(k.domein)}, {html.escape(LENZEN[k.lens])}, "
                f"{html.escape(k.verslagsoort)} {k.jaar}")
        body = "".join(f"<tr><th scope='row'>{html.escape(a)}</th>"
                       f"<td class='ak-getal'>{html.escape(b)}</td></tr>" for a, b in rows)
        peers = html.escape(", ".join(c["peers"])) or GEEN_GEGEVENS
        return (f"<table class='ak-cijfers'><caption>{head}</caption>{body}</table>"
                f"<p class='ak-peers'><b>Peers:</b> {peers}</p>")


def _reeksen(jaren: list[int]) -> str:
    """``[2017, 2018, 2019, 2021]`` → ``2017–2019, 2021``."""
    out: list[list[int]] = []
    for j in jaren:
        if out and j == out[-1][-1] + 1:
            out[-1].append(j)
        else:
            out.append([j])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in out)


def _zin(text: str) -> str:
    """One line, starting with a capital and ending with a full stop."""
    text = " ".join(str(text).split())
    if text and not text.endswith((".", "!", "?")):
        text += "."
    return text[:1].upper() + text[1:]


def _normalise(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Check and normalise changed fields (widget values → the types of :class:`Keuze`)."""
    fields = {f.name for f in dataclasses.fields(Keuze)}
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in fields:
            raise ParameterError(f"onbekende keuze {name!r}; verwacht: een van {sorted(fields)}")
        if name in ("jaar", "n_peers"):
            value = int(value)
        elif name == "filters":
            value = tuple(sorted(f for f in value if f))
        elif name == "gewichten":
            items = value.items() if isinstance(value, Mapping) else value
            value = tuple(sorted((str(a), float(b)) for a, b in items if float(b) != 1.0))
        elif name == "verslagsoort" and value not in VERSLAGSOORTEN:
            raise ParameterError(f"verslagsoort {value!r}; verwacht: {' of '.join(VERSLAGSOORTEN)}")
        elif name == "domein" and value not in (*DOMEINEN, TOTAAL):
            raise ParameterError(f"domein {value!r}; verwacht: een van {[*DOMEINEN, TOTAAL]}")
        elif name == "lens" and value not in LENZEN:
            raise ParameterError(f"lens {value!r}; verwacht: een van {list(LENZEN)}")
        elif name == "view" and value not in VIEWS:
            raise ParameterError(f"weergave {value!r}; verwacht: een van {list(VIEWS)}")
        out[name] = value
    return out
