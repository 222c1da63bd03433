"""Shared computations and Dutch formatting for the report notebooks.

Notebooks hold the narrative and the parameters; what a report computes lives here or in
:mod:`analysekit.analysis`. Right after its parameter check a notebook builds a
:class:`ReportContext`::

    p = check(globals(), notebook="foto-sociaal-domein")
    ctx = ReportContext.from_params(p)

and reads everything from it (``ctx.deficits``, ``ctx.benchmark``, ``ctx.simulation`` …).

**Shared computation.** What is the same for every gemeente (the three lenses for all
gemeenten, the trajectory, the peer characteristics, the lever regressions, the goal
indicators, the list of sources, the tornado of the shipped register) goes through
:func:`analysekit.reporting.batch.shared` under a key that names every parameter it
depends on. In a batch each value is computed once and loaded from the batch cache by the
other workers; in JupyterLab it is computed once per kernel. Per report what is left is
filtering, one peer search, a small seeded simulation and the figures.

**Illustrative defaults.** Without ``register``/``goals`` parameters the reports use the
examples shipped in ``src/analysekit/registers``. They are not the gemeente's own: the
register is labelled ILLUSTRATIEF, the goals VOORBEELD, in every table and figure. To
make the illustration proportionate, the shipped register is scaled to the gemeente's
inwoners and shifted to start after the last data year, and the shipped goals are
rebased on the gemeente's own value in the first year with data (same relative change
as in the example). Both adjustments are stated in the report. A register or goals file
given as a parameter is used as it is.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import json
import math
import re
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysekit.analysis import deficits as D
from analysekit.analysis import goals as G
from analysekit.analysis import levers as L
from analysekit.analysis import peers as PE
from analysekit.analysis import register as R
from analysekit.analysis.forecast import Projection
from analysekit.errors import AnalysekitError, DataError, ParameterError
from analysekit.paths import processed_dir, raw_dir
from analysekit.reporting.batch import shared

__all__ = [
    "ReportContext",
    "box",
    "eur",
    "getal",
    "glue_headlines",
    "kans",
    "pct",
    "show",
    "table",
]

#: The register and goals shipped as examples (src/analysekit/registers).
DEFAULT_REGISTER = "illustratief_tilburg.yaml"
DEFAULT_GOALS = "doelen_voorbeeld.yaml"
#: The gemeente whose size the shipped register's amounts describe (Tilburg).
TEMPLATE_GEMEENTE = "GM0855"
#: Outcome domains of the lever regressions.
REGRESSIE_DOMEINEN = (*L.DOMEINEN, L.SOCIAAL_DOMEIN)
#: Lever regressions: kenmerk names of the controls, in Dutch.
_CONTROL_LABELS = {
    "jongeren_per_inwoner": "jongeren per inwoner",
    "inwoners_75_plus_drempel_per_inwoner": "inwoners 75+ (met drempel) per inwoner",
    "lage_inkomens_huishoudens_per_inwoner": "huishoudens met laag inkomen per inwoner",
    "bijstandsontvangers_per_inwoner": "bijstandsontvangers per inwoner",
    "eenpersoonshuishoudens_per_inwoner": "eenpersoonshuishoudens per inwoner",
    "omgevingsadressendichtheid_gf": "omgevingsadressendichtheid",
}
LEVER_LABELS = {
    "aandeel_voorliggend": "aandeel voorliggend veld (6.1 + 6.2) in de lasten",
    "voorliggend_vs_maatwerk": "voorliggend veld t.o.v. voorliggend + maatwerk",
    "aandeel_salaris_toegang": "salarisaandeel in de toegang (wijkteams in eigen dienst)",
    "aandeel_salaris_sociaal_domein": "salarisaandeel in het sociaal domein",
    "aandeel_jeugd_verblijf": "aandeel jeugdhulp met verblijf",
    "aandeel_pgb": "aandeel pgb in maatwerk",
    "voorliggend_per_inwoner": "lasten voorliggend veld per inwoner (€)",
}


# --------------------------------------------------------------------------- formatting


def _finite(x: Any) -> bool:
    try:
        return x is not None and not pd.isna(x) and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def getal(x: Any, decimals: int = 0) -> str:
    """Format a number the Dutch way: ``1234567.8`` → ``1.234.568``; missing → ``–``."""
    if not _finite(x):
        return "–"
    text = f"{float(x):,.{decimals}f}"
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return "0" if text in ("-0", "-0,0") else text


def eur(x: Any, decimals: int = 0, compact: bool = False) -> str:
    """Format euros the Dutch way.

    Args:
        x: Amount in euros.
        decimals: Decimals (not compact).
        compact: ``€ 76,2 mln`` / ``€ 1,3 mld`` for amounts of a million or more,
            thousands rounded (``€ 512.000``) from 10.000.

    Returns:
        E.g. ``€ 76.214.000``, ``-€ 9,5 mln``; ``–`` when missing.
    """
    if not _finite(x):
        return "–"
    v = float(x)
    sign = "-" if v < 0 and round(abs(v), decimals) > 0 else ""
    a = abs(v)
    if compact and a >= 999_950_000:
        return f"{sign}€ {getal(a / 1e9, 1)} mld"
    if compact and a >= 999_950:
        return f"{sign}€ {getal(a / 1e6, 1)} mln"
    if compact and a >= 10_000:
        return f"{sign}€ {getal(round(a, -3))}"
    return f"{sign}€ {getal(a, decimals)}"


def pct(x: Any, decimals: int = 0, sign: bool = False) -> str:
    """Format a percentage given in percent: ``14.05`` → ``14%`` (``+14,1%`` with sign)."""
    if not _finite(x):
        return "–"
    text = getal(x, decimals)
    if sign and float(x) > 0 and text.strip("0,") != "":
        text = "+" + text
    return f"{text}%"


def kans(p: Any, decimals: int = 0) -> str:
    """Format a probability given as a fraction: ``0.873`` → ``87%``."""
    return pct(100.0 * float(p), decimals) if _finite(p) else "–"


_NUMERIC_START = re.compile(r"^\s*[-+−–]?\s*(€|\d)")


def _is_text_column(values: pd.Series) -> bool:
    """A column of words (left-aligned) rather than figures (right-aligned)."""
    shown = [str(v) for v in values if not (v is None or (isinstance(v, float) and
                                                           math.isnan(v)))]
    shown = [v for v in shown if v not in ("–", "-", "")]
    return bool(shown) and not all(_NUMERIC_START.match(v) for v in shown)


def table(df: pd.DataFrame, caption: str | None = None) -> Any:
    """Display a small (pre-formatted) table as plain HTML, without the index.

    Text columns are left-aligned, figures right-aligned. Much faster than a pandas
    Styler and free of JavaScript; the text/plain fallback is the table as text, so it
    is readable (and comparable) outside a browser too.
    """
    from IPython.display import HTML

    cols = [str(c) for c in df.columns]
    left = [_is_text_column(df.iloc[:, i]) for i in range(df.shape[1])]

    def cell(tag: str, value: Any, is_left: bool) -> str:
        text = "–" if value is None or (isinstance(value, float) and math.isnan(value)) \
            else str(value)
        align = "left" if is_left else "right"
        return f'<{tag} style="text-align:{align}">{html.escape(text)}</{tag}>'

    head = "".join(cell("th", c, lf) for c, lf in zip(cols, left, strict=True))
    body = "".join(
        "<tr>" + "".join(cell("td", v, lf) for v, lf in zip(row, left, strict=True)) + "</tr>"
        for row in df.itertuples(index=False, name=None)
    )
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    markup = (f'<table class="ak-tabel">{cap}<thead><tr>{head}</tr></thead>'
              f"<tbody>{body}</tbody></table>")
    text = df.to_string(index=False)

    class _Table(HTML):
        def __repr__(self) -> str:
            return text

    return _Table(markup)


def _nl_list(items: Sequence[str]) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " en " + items[-1]


# --------------------------------------------------------------------------- errors


def _fail(message: str) -> None:
    """Stop the notebook at the top with a one-line parameter error (and the error box)."""
    from analysekit.reporting import params as P

    show = getattr(P, "_show_error", None)
    if show is not None:
        show(message)
    raise P.NotebookParameterError(message) from None


# --------------------------------------------------------------------------- small results


@dataclasses.dataclass(frozen=True)
class GapTarget:
    """The structural gap the hefbomen are set against in the Monte Carlo.

    Attributes:
        per_jaar: jaar → (expected gap, standard deviation), euros.
        uitleg: Dutch sentence on where the numbers come from.
        geprojecteerd: True when it comes from a projection with an interval.
        laatste_jaar: Last observed year of the gap.
        laatste_tekort: The gap in that year.
    """

    per_jaar: dict[int, tuple[float, float]]
    uitleg: str
    geprojecteerd: bool
    laatste_jaar: int
    laatste_tekort: float


@dataclasses.dataclass
class LeverFits:
    """The lever regressions of one year and domein (the same for every gemeente)."""

    jaar: int
    verslagsoort: str
    domein: str
    frame: pd.DataFrame
    results: dict[str, L.LeverResult]
    skipped: dict[str, str]
    panel: dict[str, L.LeverResult]
    panel_note: str
    event: L.LeverResult | None = None
    event_note: str = ""


@dataclasses.dataclass
class GoalsView:
    """Goals with observations and status for one gemeente."""

    doelen: list[G.Doel]
    observed: pd.DataFrame
    status: pd.DataFrame
    voorbeeld: bool
    bron: str
    toelichting: str
    aanpassing: str


# --------------------------------------------------------------------------- cached readers


@functools.lru_cache(maxsize=16)
def _read_register(path: str, mtime_ns: int) -> R.Register:
    return R.read_register(path)


@functools.lru_cache(maxsize=16)
def _read_goals(path: str, mtime_ns: int) -> G.DoelenBestand:
    return G.read_goals(path)


def _stamp(path: str | Path) -> tuple[str, int]:
    p = Path(path)
    return str(p), p.stat().st_mtime_ns


# --------------------------------------------------------------------------- the context


@dataclasses.dataclass
class ReportContext:
    """Everything a report needs for one gemeente, computed on first use.

    Build it with :meth:`from_params`. Results are cached properties; the parts that
    are the same for every gemeente are shared through
    :func:`analysekit.reporting.batch.shared` (see the module docstring).
    """

    gm_code: str
    naam: str
    provincie: str | None
    jaar: int
    verslagsoort: str = "jaarrekening"
    indeling: int | None = None
    n_peers: int = 10
    register_file: str | None = None
    goals_file: str | None = None
    domein: str = L.SOCIAAL_DOMEIN
    n_draws: int = 10_000
    seed: int = 2024
    adoptie_file: str | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict, repr=False)
    _projections: dict[tuple[str, str], Projection] = dataclasses.field(
        default_factory=dict, repr=False, compare=False)

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_params(cls, p: Mapping[str, Any]) -> ReportContext:
        """Build and validate the context from a notebook's validated parameters.

        Args:
            p: The :class:`~analysekit.reporting.params.Params` returned by ``check()``
                (a plain mapping works too).

        Returns:
            The context; data-dependent checks (the gemeente has data for ``jaar``, the
            indeling, the register and goals files) have been done.

        Raises:
            NotebookParameterError: One line naming the bad parameter.
        """
        try:
            ctx = cls._build(p)
            ctx._validate()
        except AnalysekitError as exc:
            _fail(str(exc))
        return ctx

    @classmethod
    def _build(cls, p: Mapping[str, Any]) -> ReportContext:
        from analysekit.reporting.params import resolve_gemeente

        g = resolve_gemeente(p.get("gemeente", "Tilburg"))
        jaar = p.get("jaar")
        if jaar is None:
            raise ParameterError("parameter jaar is missing; expected a year like 2023")
        kwargs: dict[str, Any] = {
            "gm_code": g.gm_code,
            "naam": g.naam,
            "provincie": g.provincie,
            "jaar": int(jaar),
            "params": dict(p),
        }
        for key in ("verslagsoort", "indeling", "n_peers", "domein", "n_draws", "seed"):
            if p.get(key) is not None:
                kwargs[key] = p[key]
        for key, field in (("register", "register_file"), ("goals", "goals_file"),
                           ("adoptie", "adoptie_file")):
            if p.get(key):
                kwargs[field] = str(p[key])
        if kwargs.get("adoptie_file"):  # relative paths: from the project root, as register
            from analysekit.paths import project_root

            a = Path(kwargs["adoptie_file"]).expanduser()
            if not a.is_absolute() and not a.exists():
                a = project_root() / a
            kwargs["adoptie_file"] = str(a)
        return cls(**kwargs)

    def _validate(self) -> None:
        if self.verslagsoort not in D.VERSLAGSOORTEN:
            raise ParameterError(
                f"verslagsoort {self.verslagsoort!r} is unknown; expected begroting or jaarrekening"
            )
        from analysekit.reporting.params import iv3_available

        pairs = set(iv3_available())
        if (self.jaar, self.verslagsoort) not in pairs:
            have = sorted(j for j, v in pairs if v == self.verslagsoort)
            raise ParameterError(
                f"no {self.verslagsoort} for jaar {self.jaar} in the data; "
                f"{self.verslagsoort} covers {', '.join(map(str, have)) or 'no year'}"
            )
        if not (self.deficits_all["gm_code"] == self.gm_code).any():
            raise ParameterError(
                f"gemeente {self.naam} ({self.gm_code}) has no Iv3 data for {self.jaar}; "
                "it did not exist in that year's indeling"
            )
        if self.indeling is not None:
            gem = self.tables["gemeenten"]
            years = sorted(int(j) for j in gem["jaar"].unique())
            if self.indeling not in years:
                raise ParameterError(
                    f"indeling {self.indeling} is not in the data; available: "
                    f"{years[0]}–{years[-1]}"
                )
            own = set(gem.loc[gem["jaar"] == self.indeling, "gm_code"])
            base = set(gem.loc[gem["jaar"] == self.jaar, "gm_code"])
            if own != base:
                raise ParameterError(
                    f"indeling {self.indeling} differs from the indeling of jaar {self.jaar} "
                    f"({len(own ^ base)} gemeenten differ); this report shows figures in the "
                    f"indeling of their year: use indeling={self.jaar}"
                )
        if not isinstance(self.n_peers, int) or not 1 <= self.n_peers <= 100:
            raise ParameterError(f"n_peers {self.n_peers!r} is impossible; expected 1–100")
        if self.domein not in REGRESSIE_DOMEINEN:
            raise ParameterError(
                f"domein {self.domein!r} is unknown; expected one of "
                f"{', '.join(REGRESSIE_DOMEINEN)}"
            )
        if int(self.n_draws) < 1000:
            raise ParameterError(f"n_draws {self.n_draws} is too small; expected at least 1000")
        if self.adoptie_file is not None and not Path(self.adoptie_file).is_file():
            raise ParameterError(f"parameter adoptie: file {self.adoptie_file} does not exist")
        # read the register and goals now, so a bad file stops the report at the top
        _ = self.register_source
        _ = self.goals_source

    # ------------------------------------------------------------------ data

    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The canonical tables the analyses need (loaded once per process)."""
        return D.load_inputs()

    @property
    def basis(self) -> str:
        """``"jaarrekening 2023"``: what the figures of ``jaar`` are based on."""
        return f"{self.verslagsoort} {self.jaar}"

    @cached_property
    def deficits_all(self) -> pd.DataFrame:
        """The three lenses for all gemeenten in ``jaar`` (shared)."""
        t = self.tables
        jaar, vs = self.jaar, self.verslagsoort
        return shared(
            f"deficits_all_{jaar}_{vs}",
            lambda: D.deficits_all(t["iv3"], t["gemeenten"], t["kenmerken"],
                                   t["gemeentefonds"], jaar, verslagsoort=vs),
        )

    @cached_property
    def deficits(self) -> pd.DataFrame:
        """The three lenses of the gemeente, one row per domein plus the total, by domein."""
        return D.for_gemeente(self.deficits_all, self.gm_code).set_index("domein")

    def lens(self, domein: str = D.TOTAAL) -> pd.Series:
        """One row of :attr:`deficits` (default: the sociaal domein total)."""
        return self.deficits.loc[domein]

    @cached_property
    def inwoners(self) -> int:
        """Inwoners of the gemeente (the denominator of the per-inwoner figures)."""
        return int(self.lens()["inwoners"])

    @cached_property
    def trajectory_all(self) -> pd.DataFrame:
        """The lenses for every year in the data, all gemeenten (shared).

        With ``verslagsoort="jaarrekening"`` each year uses the jaarrekening where there
        is one and the begroting otherwise; with ``"begroting"`` every year the begroting.
        """
        t = self.tables
        forced = "begroting" if self.verslagsoort == "begroting" else None
        return shared(
            f"trajectory_all_{forced or 'standaard'}",
            lambda: D.trajectory_all(t["iv3"], t["gemeenten"], t["kenmerken"],
                                     t["gemeentefonds"], verslagsoort=forced),
        )

    @cached_property
    def trajectory(self) -> pd.DataFrame:
        """The trajectory rows of the gemeente."""
        return D.for_gemeente(self.trajectory_all, self.gm_code)

    def projection(self, domein: str = D.TOTAAL, measure: str = "tekort_eur") -> Projection:
        """Projection of a measure of one domein with a 95% prediction interval (cached)."""
        key = (domein, measure)
        if key not in self._projections:
            self._projections[key] = D.project_gap(self.trajectory_all, self.gm_code, domein,
                                                   measure=measure)
        return self._projections[key]

    @cached_property
    def jaren(self) -> list[tuple[int, str]]:
        """(jaar, verslagsoort) of the trajectory of the gemeente, in order."""
        r = self.trajectory.loc[self.trajectory["domein"] == D.TOTAAL]
        return [(int(j), str(v)) for j, v in zip(r["jaar"], r["verslagsoort"], strict=True)]

    @cached_property
    def jaarrekening_jaren(self) -> list[int]:
        """Years with a jaarrekening in the iv3 table."""
        iv3 = self.tables["iv3"]
        return sorted(int(j) for j in iv3.loc[iv3["verslagsoort"] == "jaarrekening",
                                               "jaar"].unique())

    @cached_property
    def taakvelden(self) -> pd.DataFrame:
        """Net cost per taakveld behind each domein for the gemeente in ``jaar``."""
        t = self.tables
        jaar, vs = self.jaar, self.verslagsoort

        def compute() -> pd.DataFrame:
            iv3 = t["iv3"]
            if vs == "begroting":
                iv3 = iv3.loc[iv3["verslagsoort"] == "begroting"]
            return D.taakveld_breakdown(iv3, jaar)

        alle = shared(f"taakvelden_{jaar}_{vs}", compute)
        return alle.loc[alle["gm_code"] == self.gm_code].reset_index(drop=True)

    # ------------------------------------------------------------------ peers

    @cached_property
    def peer_data(self) -> PE.PeerData:
        """Standardised peer characteristics of all gemeenten (shared)."""
        t = self.tables
        jaar = self.jaar
        return shared(f"peer_data_{jaar}",
                      lambda: PE.peer_data(t["kenmerken"], t["gemeenten"], jaar))

    @cached_property
    def benchmark(self) -> PE.Benchmark:
        """Peers, classic group, position and savings potential of the gemeente.

        The same steps as :func:`analysekit.analysis.peers.benchmark`, with the lenses
        narrowed to the gemeente, its peers and its classic group first (the position is
        computed on those rows only, so this is cheap per report).
        """
        code, data, values = self.gm_code, self.peer_data, self.deficits_all
        p = PE.peers(code, self.n_peers, data=data)
        kl = PE.klassieke_groep(code, data.info.reset_index().assign(jaar=data.jaar), data.jaar)
        kl = kl[kl["gm_code"].isin(values["gm_code"])]
        keep = {code, *p["gm_code"], *kl["gm_code"]}
        sub = values.loc[values["gm_code"].isin(keep)]
        return PE.Benchmark(
            gm_code=code, jaar=self.jaar, peers=p, klassiek=kl,
            position=PE.position(sub, code, p, "netto_per_inwoner"),
            position_klassiek=(PE.position(sub, code, kl, "netto_per_inwoner") if len(kl)
                               else pd.DataFrame()),
            savings=PE.savings_potential(sub, code, p, "netto_per_inwoner"),
            values=values,
        )

    @cached_property
    def peer_explanation(self) -> pd.DataFrame:
        """Per peer: what makes it similar and different (Dutch labels)."""
        p = self.benchmark.peers
        labels = PE.KENMERK_LABELS
        pattern = re.compile(
            r"\b(" + "|".join(re.escape(k) for k in sorted(labels, key=len, reverse=True))
            + r")\b"
        )

        def relabel(text: str) -> str:
            return pattern.sub(lambda m: labels[m.group(1)], text)

        return pd.DataFrame({
            "rang": p["rang"],
            "gemeente": p["naam"],
            "provincie": p["provincie"],
            "inwoners": [getal(v) for v in p["inwoners"]],
            "afstand": [getal(v, 2) for v in p["afstand"]],
            "lijkt op in": [relabel(str(s)) for s in p["lijkt_op"]],
            "verschilt in (peer − eigen, in sd)": [relabel(str(s)) for s in p["verschilt_in"]],
        })

    @cached_property
    def median_all(self) -> pd.Series:
        """Median per domein over all gemeenten of the net cost per inwoner."""
        return self.deficits_all.groupby("domein")["netto_per_inwoner"].median()

    # ------------------------------------------------------------------ levers

    @cached_property
    def levers(self) -> LeverFits:
        """Cross-section lever regressions (HC3) for ``domein`` in ``jaar`` (shared)."""
        t = self.tables
        jaar, vs, dom = self.jaar, self.verslagsoort, self.domein
        jr_years = self.jaarrekening_jaren
        adoptie = self.adoptie_file
        key = f"levers_{jaar}_{vs}_{dom}"
        if adoptie:
            key += "_" + "_".join(str(x) for x in _stamp(adoptie))
        return shared(key, lambda: _fit_levers(t, jaar, vs, dom, jr_years, adoptie))

    @cached_property
    def lever_table(self) -> pd.DataFrame:
        """Per lever: effect per sd with interval, p, n, R² and the euros for the gemeente.

        The euros move the gemeente's own value of the lever to the median of all
        gemeenten (:func:`analysekit.analysis.levers.to_euros` with ``delta="mediaan"``):
        a translation of an association, not a saving.
        """
        rows = []
        for lever, res in self.levers.results.items():
            r = res.effect()
            sd = float(res.data[lever].std())
            try:
                e = res.to_euros(self.gm_code, delta="mediaan").iloc[0]
                own = res.source_data.loc[res.source_data["gm_code"] == self.gm_code, lever]
                eigen = float(own.iloc[0]) if len(own) else float("nan")
            except AnalysekitError:
                e, eigen = None, float("nan")
            rows.append({
                "hefboom": lever,
                "omschrijving": LEVER_LABELS.get(lever, lever),
                "effect_per_sd": r["effect"] * sd,
                "ci_low_per_sd": r["ci_low"] * sd,
                "ci_high_per_sd": r["ci_high"] * sd,
                "p": float(r["p"]),
                "n": int(r["n"]),
                "r2": res.diagnostics.r2,
                "bp_p": res.diagnostics.breusch_pagan_p,
                "eigen": eigen,
                "mediaan": float(res.data[lever].median()),
                "euro": float(e["effect_eur"]) if e is not None else float("nan"),
                "euro_laag": float(e["ci_low_eur"]) if e is not None else float("nan"),
                "euro_hoog": float(e["ci_high_eur"]) if e is not None else float("nan"),
            })
        return pd.DataFrame(rows)

    def lever_display(self) -> pd.DataFrame:
        """:attr:`lever_table` formatted in Dutch for the report."""
        t = self.lever_table
        lever_fmt = {c: (lambda v: getal(v, 0)) if c == "voorliggend_per_inwoner"
                     else (lambda v: pct(100 * v, 1)) for c in t["hefboom"]}
        return pd.DataFrame({
            "hefboom": t["omschrijving"],
            "netto kosten per inwoner bij +1 sd (95%-interval)": [
                f"{eur(a)} ({eur(b)} tot {eur(c)})"
                for a, b, c in zip(t["effect_per_sd"], t["ci_low_per_sd"], t["ci_high_per_sd"],
                                   strict=True)],
            "p": [L._fmt_p(v) for v in t["p"]],
            "n": t["n"],
            f"{self.naam_kort}": [lever_fmt[h](v) for h, v in zip(t["hefboom"], t["eigen"],
                                                                   strict=True)],
            "mediaan": [lever_fmt[h](v) for h, v in zip(t["hefboom"], t["mediaan"], strict=True)],
            f"als {self.naam_kort} op de mediaan zat: netto lasten per jaar (95%-interval)": [
                f"{eur(a, compact=True)} ({eur(b, compact=True)} tot {eur(c, compact=True)})"
                for a, b, c in zip(t["euro"], t["euro_laag"], t["euro_hoog"], strict=True)],
        })

    # ------------------------------------------------------------------ register

    @property
    def register_is_default(self) -> bool:
        """True when no register was given and the shipped illustrative one is used."""
        return self.register_file is None

    @cached_property
    def register_source(self) -> R.Register:
        """The register as read from its file (validated)."""
        path = self.register_file or str(R.template_path(DEFAULT_REGISTER))
        return _read_register(*_stamp(path))

    @cached_property
    def last_data_year(self) -> int:
        """The last year of the trajectory (the newest begroting)."""
        return max(j for j, _ in self.jaren)

    @cached_property
    def template_factor(self) -> float:
        """Inwoners of the gemeente / inwoners of the template gemeente (Tilburg)."""
        all_ = self.deficits_all
        ref = all_.loc[(all_["gm_code"] == TEMPLATE_GEMEENTE) & (all_["domein"] == D.TOTAAL),
                       "inwoners"]
        return self.inwoners / float(ref.iloc[0]) if len(ref) else 1.0

    @cached_property
    def register(self) -> R.Register:
        """The register used in the report (the shipped one adapted, see the module doc)."""
        reg = self.register_source
        if not self.register_is_default:
            return reg
        return _adapt_register(reg, self.template_factor, self.template_shift)

    @cached_property
    def template_shift(self) -> int:
        """Years the shipped register is shifted so that it starts after the data."""
        first = min(h.startjaar for h in self.register_source.hefbomen)
        return self.last_data_year + 1 - first

    @cached_property
    def register_note(self) -> str:
        """Dutch sentence on what the register is (and how the shipped one was adapted)."""
        reg = self.register
        if reg.illustratief and self.register_is_default:
            return (
                f"ILLUSTRATIEF: het hefbomenregister is het voorbeeld dat met analysekit "
                f"wordt meegeleverd ({reg.bron}), niet het register van {self.naam_kort}. "
                f"De bedragen zijn verzonnen, losjes gebaseerd op de totalen die Tilburg "
                f"openbaar maakte. Om de werkwijze op schaal te tonen zijn ze omgerekend naar "
                f"het aantal inwoners van {self.naam_kort} "
                f"(factor {getal(self.template_factor, 2)}) "
                f"en verschoven naar startjaren vanaf {self.last_data_year + 1}. "
                "Vervang het door het eigen register (parameter register)."
            )
        if reg.illustratief:
            return (f"ILLUSTRATIEF: het register {reg.bron} is als illustratief gemarkeerd; "
                    "de bedragen zijn geen echte begrotingscijfers.")
        return f"Register: {reg.bron} (opgegeven als parameter)."

    @cached_property
    def gap_target(self) -> GapTarget:
        """The structural gap of the sociaal domein that the hefbomen are set against."""
        rows = self.trajectory.loc[self.trajectory["domein"] == D.TOTAAL].sort_values("jaar")
        rows = rows.loc[rows["tekort_eur"].notna()]
        if rows.empty:
            raise DataError(f"no structural gap for {self.gm_code}: gemeentefonds data missing")
        last = rows.iloc[-1]
        laatste_jaar, laatste = int(last["jaar"]), float(last["tekort_eur"])
        years = self.simulation_years
        proj = self.projection(D.TOTAAL, "tekort_eur")
        if proj.ok:
            from scipy import stats

            q = (stats.t.ppf(1 - proj.alpha / 2, proj.n_points - 2) if proj.method == "ols"
                 else stats.norm.ppf(1 - proj.alpha / 2))
            f = proj.forecast.set_index("jaar")
            per = {int(j): (float(r["verwachting"]),
                            float((r["bovengrens"] - r["ondergrens"]) / (2 * q)))
                   for j, r in f.iterrows()}
            last_f = max(per)
            for y in years:
                if y > last_f:
                    per[y] = per[last_f]
            return GapTarget(per, f"geprojecteerd structureel tekort ({proj.message})", True,
                             laatste_jaar, laatste)
        ov = rows.loc[rows["overschrijding_eur"].notna()]
        if len(ov):
            o = ov.iloc[-1]
            sd = abs(float(o["overschrijding_eur"]))
            why_sd = (f"met als onzekerheid (standaardafwijking) het verschil tussen begroting "
                      f"en jaarrekening in {int(o['jaar'])}: {eur(sd, compact=True)}")
        else:
            sd = 0.0
            why_sd = "zonder onzekerheidsmarge (er is geen jaar met begroting én jaarrekening)"
        vs = str(last["verslagsoort"])
        jaren = ", ".join(str(int(j)) for j in rows["jaar"])
        uitleg = (
            f"Een projectie is niet mogelijk: er zijn {proj.n_points} waarnemingsjaren "
            f"({jaren}) en voor een trend met onzekerheidsmarge zijn er minstens vier nodig. "
            f"Daarom is aangenomen dat het structureel tekort van {laatste_jaar} ({vs}) gelijk "
            f"blijft: {eur(laatste, compact=True)}, {why_sd}."
        )
        return GapTarget({y: (laatste, sd) for y in years}, uitleg, False, laatste_jaar, laatste)

    @cached_property
    def simulation_years(self) -> list[int]:
        """Years simulated: first startjaar to the last year of full effect."""
        hs = self.register.hefbomen
        first = min(h.startjaar for h in hs)
        last = max(h.startjaar + max(h.ingroei_jaren, 1) - 1 for h in hs)
        proj = self.projection(D.TOTAAL, "tekort_eur")
        if proj.ok:
            last = max(last, int(proj.forecast["jaar"].max()))
        return list(range(first, last + 1))

    @cached_property
    def simulation(self) -> R.MonteCarloResult:
        """Seeded Monte Carlo of the register against :attr:`gap_target`."""
        return R.simulate(self.register, deficit=self.gap_target.per_jaar,
                          years=self.simulation_years, n_draws=int(self.n_draws),
                          seed=int(self.seed))

    @cached_property
    def simulation_summary(self) -> pd.Series:
        """The :meth:`MonteCarloResult.summary` row of the last simulated year."""
        return self.simulation.summary().iloc[-1]

    @cached_property
    def tornado(self) -> pd.DataFrame:
        """Tornado table of the last simulated year (shared for the shipped register)."""
        if not self.register_is_default:
            return self.simulation.tornado()
        years, n, seed, shift = self.simulation_years, int(self.n_draws), int(self.seed), \
            self.template_shift
        src = self.register_source
        key = f"tornado_{src.bron}_{shift}_{years[0]}_{years[-1]}_{n}_{seed}"

        def compute() -> pd.DataFrame:
            reg = _adapt_register(src, 1.0, shift)
            return R.simulate(reg, years=years, n_draws=n, seed=seed).tornado()

        base = shared(key, compute)
        out = base.copy()
        for c in ("laag", "hoog", "zwaai", "basis"):
            out[c] = out[c] * self.template_factor
        return out

    def tornado_figure(self, top: int = 12) -> Any:
        """Tornado chart of the last simulated year, labelled when illustrative."""
        from matplotlib.figure import Figure

        t = self.tornado.head(top).iloc[::-1]
        fig = Figure(figsize=(9, 0.9 + 0.38 * len(t)), dpi=100, layout="constrained")
        ax = fig.subplots()
        colors = np.where(t["soort"] == "risico", "#c55a11", "#1f4e79")
        labels = [("Risico: " if s == "risico" else "") + _short(n, 55)
                  for s, n in zip(t["soort"], t["naam"], strict=True)]
        ax.barh(labels, (t["hoog"] - t["laag"]) / 1e6, left=t["laag"] / 1e6, color=colors)
        base = float(t["basis"].iloc[0]) / 1e6 if len(t) else 0.0
        ax.axvline(base, color="black", lw=0.8)
        y = self.simulation.years[-1]
        ax.set_xlabel(f"totale besparing {y} (€ mln); zwarte lijn = verwachting")
        title = (f"Spreiding van de besparing in {y}: hefboom P10–P90 (blauw), "
                 "risico wel / niet (oranje)")
        if self.register.illustratief:
            title += "\nILLUSTRATIEF register, geen echte cijfers"
        ax.set_title(title, fontsize=10)
        ax.tick_params(axis="y", labelsize=8)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        return fig

    def savings_figure(self) -> Any:
        """Fan chart of the simulated savings against the gap."""
        return self.simulation.plot()

    @cached_property
    def register_display(self) -> pd.DataFrame:
        """The register as a Dutch table."""
        rows = []
        for h in self.register.hefbomen:
            risks = "; ".join(R._risk_text(r) for r in h.risicos) if h.risicos else "–"
            rows.append({
                "hefboom": h.naam,
                "domein": h.domein,
                "besparing per jaar (min – waarschijnlijk – max)":
                    f"{eur(h.besparing_min, compact=True)} – "
                    f"{eur(h.besparing_waarschijnlijk, compact=True)} – "
                    f"{eur(h.besparing_max, compact=True)}",
                "kans": kans(h.kans),
                "start (ingroei)": f"{h.startjaar} ({h.ingroei_jaren} jr)",
                "eigenaar": h.eigenaar,
                "risico's": risks,
            })
        return pd.DataFrame(rows)

    def register_summary_display(self) -> pd.DataFrame:
        """The register per domein: levers, most likely and expected amounts, shared risks."""
        rows = []
        for dom in R.DOMEINEN:
            hs = [h for h in self.register.hefbomen if h.domein == dom]
            if not hs:
                continue
            risks: dict[str, int] = {}
            for h in hs:
                for r in h.risicos:
                    if r.quantified:
                        risks[r.naam] = risks.get(r.naam, 0) + 1
            top = sorted(risks, key=lambda k: (-risks[k], k))[:2]
            rows.append({
                "domein": dom,
                "hefbomen": len(hs),
                "waarschijnlijke besparing bij volledig effect": eur(
                    sum(h.besparing_waarschijnlijk for h in hs), compact=True),
                "× kans op realisatie": eur(sum(h.kans * h.besparing_waarschijnlijk for h in hs),
                                            compact=True),
                "eerste start": min(h.startjaar for h in hs),
                "belangrijkste risico's": "; ".join(top) if top else "–",
            })
        return pd.DataFrame(rows)

    # ------------------------------------------------------------------ goals

    @property
    def goals_is_default(self) -> bool:
        """True when no goals file was given and the shipped example is used."""
        return self.goals_file is None

    @cached_property
    def goals_source(self) -> G.DoelenBestand:
        """The goals file as read (validated)."""
        path = self.goals_file or str(R.template_path(DEFAULT_GOALS))
        return _read_goals(*_stamp(path))

    def _indicator(self, definitie: str) -> pd.DataFrame:
        t = self.tables
        return shared(f"indicator_{definitie}", lambda: _indicator_all(t, definitie))

    @cached_property
    def goals(self) -> GoalsView:
        """Goals with observed values (jaarrekening where present, else begroting) and status."""
        src = self.goals_source
        parts = []
        for d in src.doelen:
            rows = pd.DataFrame(columns=["jaar", "waarde", "bron"])
            if d.definitie in G.INDICATORS:
                a = self._indicator(d.definitie)
                rows = a.loc[a["gm_code"] == self.gm_code, ["jaar", "waarde", "bron"]]
            if d.waarden:
                own = pd.DataFrame(d.waarden, columns=["jaar", "waarde"])
                own["bron"] = "voorbeeldwaarden (verzonnen)" if src.voorbeeld else "doelenbestand"
                rows = pd.concat([rows.loc[~rows["jaar"].isin(own["jaar"])], own])
            if len(rows):
                parts.append(rows.assign(indicator=d.indicator))
        cols = ["indicator", "jaar", "waarde", "bron"]
        observed = (pd.concat(parts, ignore_index=True)[cols].astype({"jaar": int, "waarde": float})
                    .sort_values(["indicator", "jaar"], ignore_index=True)
                    if parts else pd.DataFrame(columns=cols))
        doelen = list(src.doelen)
        aanpassing = ""
        if self.goals_is_default:
            doelen, aanpassing = _rebase_goals(doelen, observed, self.naam_kort)
        status = G.goal_status(doelen, observed)
        if src.voorbeeld and self.goals_is_default:
            bron = (f"VOORBEELD: de doelen komen uit het meegeleverde voorbeeldbestand "
                    f"({src.bron}) en zijn niet de doelen van {self.naam_kort}.")
        elif src.voorbeeld:
            bron = f"VOORBEELD: het doelenbestand {src.bron} is als voorbeeld gemarkeerd."
        else:
            bron = f"Doelen: {src.bron} (opgegeven als parameter)."
        return GoalsView(doelen, observed, status, bool(src.voorbeeld), bron, src.toelichting,
                         aanpassing)

    def goals_box(self) -> Any:
        """The note on where the goals come from (orange when they are an example)."""
        g = self.goals
        text = " ".join(t for t in (g.bron, g.toelichting, g.aanpassing) if t)
        return box(text, "illustratief" if g.voorbeeld else "info")

    def register_box(self) -> Any:
        """The note on where the register comes from (orange when illustrative)."""
        return box(self.register_note, "illustratief" if self.register.illustratief else "info")

    def goals_display(self) -> pd.DataFrame:
        """The goal status as a Dutch table."""
        s = self.goals.status

        def val(v: float, eenheid: str) -> str:
            if not _finite(v):
                return "–"
            if "aandeel" in eenheid:
                return pct(100 * v, 1)
            return getal(v, 0 if abs(v) >= 100 else 1)

        return pd.DataFrame({
            "doel": s["indicator"],
            "eigenaar": s["eigenaar"],
            "baseline": [f"{val(v, e)} ({int(j)})" for v, e, j in
                         zip(s["baseline_waarde"], s["eenheid"], s["baseline_jaar"], strict=True)],
            "doel (deadline)": [f"{val(v, e)} ({int(j)})" for v, e, j in
                                zip(s["doel_waarde"], s["eenheid"], s["deadline"], strict=True)],
            "laatste meting": [f"{val(v, e)} ({int(j)})" if _finite(j) else "–" for v, e, j in
                               zip(s["laatste_waarde"], s["eenheid"], s["laatste_jaar"],
                                   strict=True)],
            "status": [str(x).upper() for x in s["status"]],
            "toelichting": s["toelichting"],
        })

    def goals_figure(self) -> Any:
        """Progress chart of the goals (title says VOORBEELD when it is one)."""
        g = self.goals
        fig = G.plot_progress(g.doelen, g.observed, g.status)
        if g.voorbeeld:
            fig.suptitle("VOORBEELD-doelen (geen echte doelen van de gemeente): voortgang op "
                         "een lineair pad van baseline naar doel", fontsize=11)
        return fig

    # ------------------------------------------------------------------ sources and params

    @cached_property
    def sources(self) -> dict[str, Any]:
        """Sources of the figures: tables (with years), mirror snapshot, gemeentefonds."""
        t = self.tables
        return shared("bronnen", lambda: _sources(t))

    def sources_sentence(self) -> str:
        """Dutch paragraph naming the sources, the gemeentefonds used and the snapshot."""
        snap = self.sources["snapshot"]
        if snap.get("offline"):
            mappen = "; ".join(
                f"{m['map']} ({m['versie'] or str(m['bestanden']) + ' bestanden'})"
                for m in snap["mappen"]
            )
            herkomst = (
                "De gegevens komen uit de **offline mirror** van echte CBS- en BZK-bestanden "
                f"(momentopname, opgehaald op {snap['opgehaald']}): {mappen}."
            )
        else:
            herkomst = (f"De gegevens zijn opgehaald bij de bron (modus {snap.get('modus')}, "
                        f"{snap.get('opgehaald', '')}).")
        return (
            "Cijfers: CBS (Iv3-gegevens van gemeenten, Regionale kerncijfers, Kerncijfers wijken "
            "en buurten; CC BY 4.0) en het Ministerie van BZK (gemeentefondscirculaires). "
            f"Gemeentefonds voor het structureel tekort: {self.lens()['gf_bron']}. {herkomst}"
        )

    def sources_display(self) -> pd.DataFrame:
        """The tables used, with source, years and rows, as a Dutch table."""
        return pd.DataFrame(self.sources["tabellen"])

    def parameters_display(self) -> pd.DataFrame:
        """The parameters of this report as a Dutch table."""
        rows = []
        for k, v in self.params.items():
            if k == "gemeente":
                shown = f"{self.naam} ({self.gm_code})"
            elif k == "register" and not v:
                shown = f"geen: meegeleverd ILLUSTRATIEF register {DEFAULT_REGISTER}"
            elif k == "goals" and not v:
                shown = f"geen: meegeleverde VOORBEELD-doelen {DEFAULT_GOALS}"
            elif k == "indeling" and v is None:
                shown = f"geen: indeling van {self.jaar}"
            elif isinstance(v, str) and k in ("register", "goals", "adoptie"):
                shown = Path(v).name
            else:
                shown = str(v)
            rows.append({"parameter": k, "waarde": shown})
        return pd.DataFrame(rows)

    # ------------------------------------------------------------------ narrative

    def lens_display(self, kind: str = "kosten") -> pd.DataFrame:
        """The three lenses per domein as a Dutch table.

        Args:
            kind: ``"kosten"`` (net cost: total, per inwoner, per doelgroep, per cliënt) or
                ``"tekort"`` (gemeentefonds, structural gap, overrun vs begroting).
        """
        d = self.deficits.reset_index()
        if kind == "kosten":
            def per(v: Any, label: Any) -> str:
                return f"{eur(v)} per {label}" if _finite(v) and isinstance(label, str) else "–"

            return pd.DataFrame({
                "domein": d["domein"],
                f"netto lasten ({self.basis})": [eur(v, compact=True) for v in d["netto_eur"]],
                "per inwoner": [eur(v) for v in d["netto_per_inwoner"]],
                "per doelgroep": [per(v, lab) for v, lab in
                                  zip(d["netto_per_doelgroep"], d["doelgroep"], strict=True)],
                "per cliënt": [per(v, lab) for v, lab in
                               zip(d["netto_per_client"], d["clienten_soort"], strict=True)],
            })
        if kind == "tekort":
            return pd.DataFrame({
                "domein": d["domein"],
                "netto lasten": [eur(v, compact=True) for v in d["netto_eur"]],
                "gemeentefonds": [eur(v, compact=True) for v in d["gf_eur"]],
                "tekort (+) / overschot (−)": [eur(v, compact=True) for v in d["tekort_eur"]],
                "tekort per inwoner": [eur(v) for v in d["tekort_per_inwoner"]],
                f"jaarrekening − begroting {self.jaar}": [
                    f"{eur(v, compact=True)} ({pct(q, 1, sign=True)})" if _finite(v) else "–"
                    for v, q in zip(d["overschrijding_eur"], d["overschrijding_pct"],
                                    strict=True)],
            })
        if kind == "overschrijding":
            return pd.DataFrame({
                "domein": d["domein"],
                f"begroting {self.jaar}": [eur(v, compact=True) for v in d["netto_begroting_eur"]],
                f"jaarrekening {self.jaar}": [eur(v, compact=True)
                                              for v in d["netto_jaarrekening_eur"]],
                "verschil": [eur(v, compact=True) for v in d["overschrijding_eur"]],
                "verschil %": [pct(v, 1, sign=True) for v in d["overschrijding_pct"]],
                "per inwoner": [eur(v) for v in d["overschrijding_per_inwoner"]],
            })
        raise ParameterError(
            f"kind {kind!r} unknown; expected kosten, tekort or overschrijding"
        )

    def taakveld_display(self, top: int | None = None) -> pd.DataFrame:
        """Net cost per taakveld (largest first) as a Dutch table."""
        t = self.taakvelden.copy()
        t = t.reindex(t["netto_eur"].abs().sort_values(ascending=False).index)
        if top:
            t = t.head(top)
        return pd.DataFrame({
            "taakveld": t["taakveld"],
            "naam": t.get("taakveld_naam", t["taakveld"]),
            "domein": t["domein"],
            f"netto ({t['verslagsoort'].iloc[0] if len(t) else ''})": [
                eur(v, compact=True) for v in t["netto_eur"]],
            "aandeel in domein": [pct(v) for v in t["aandeel_domein"]],
            "jaarrekening − begroting": [eur(v, compact=True) for v in t["overschrijding_eur"]],
        })

    def noemers_note(self) -> str:
        """Dutch note on the denominators used (kenmerk and year), read from the lenses."""
        d = self.deficits.reset_index()
        parts = [f"inwoners {int(d['noemer_jaar_inwoners'].iloc[0])}"]
        for lab_col, ken_col, year_col in (("doelgroep", "doelgroep_kenmerk",
                                            "noemer_jaar_doelgroep"),
                                           ("clienten_soort", "clienten_kenmerk",
                                            "noemer_jaar_clienten")):
            seen = set()
            for lab, ken, yr in zip(d[lab_col], d[ken_col], d[year_col], strict=True):
                if isinstance(lab, str) and lab not in seen and not pd.isna(yr):
                    seen.add(lab)
                    parts.append(f"{lab}: {ken}, {int(yr)}")
        return ("Noemers (kenmerk, jaar): " + "; ".join(parts) + ". Elk uit het jaar dat het "
                f"dichtst bij {self.jaar} ligt; oudere jaren en rates maal inwoners zijn "
                "benaderingen.")

    def gap_sentence(self) -> str:
        """Dutch sentence on the structural gap of the sociaal domein in ``jaar``."""
        tot = self.lens()
        gap, gap_pi = float(tot["tekort_eur"]), float(tot["tekort_per_inwoner"])
        circ = f"{tot['gf_circulaire']}, uitkeringsjaar {tot['gf_uitkeringsjaar']}"
        doms = self.deficits.loc[list(D.DOMEINEN), "tekort_eur"].dropna()
        if gap > 0:
            worst = doms.idxmax()
            return (
                f"Tegenover het objectieve budget uit het gemeentefonds ({circ}) heeft "
                f"{self.naam_kort} op het sociaal domein een **structureel tekort van "
                f"{eur(gap, compact=True)}** ({eur(gap_pi)} per inwoner); het grootste tekort zit "
                f"bij {worst} ({eur(doms[worst], compact=True)})."
            )
        best = doms.idxmin()
        return (
            f"De netto lasten liggen **{eur(-gap, compact=True)} onder** het objectieve budget "
            f"uit het gemeentefonds ({circ}; {eur(-gap_pi)} per inwoner): op deze maatstaf is er "
            f"geen structureel tekort. Het grootste verschil zit bij {best} "
            f"({eur(doms[best], compact=True)}). Het gemeentefonds is niet geoormerkt: dit is "
            "een vergelijking met een norm, geen boekhoudkundig tekort."
        )

    def overrun_sentence(self) -> str:
        """Dutch sentence on jaarrekening − begroting of ``jaar`` (or why it is missing)."""
        tot = self.lens()
        ov = tot["overschrijding_eur"]
        if not _finite(ov):
            return (f"Voor {self.jaar} zijn er niet zowel een begroting als een jaarrekening; "
                    "de overschrijding is daarom niet te berekenen.")
        doms = self.deficits.loc[list(D.DOMEINEN), "overschrijding_eur"].dropna()
        big = doms.abs().idxmax()
        richting = "hoger" if ov > 0 else "lager"
        return (
            f"De jaarrekening {self.jaar} kwam {eur(abs(ov), compact=True)} "
            f"({pct(abs(tot['overschrijding_pct']), 1)}) {richting} uit dan de begroting; het "
            f"grootste verschil zit bij {big} ({eur(doms[big], compact=True)})."
        )

    def cost_sentence(self) -> str:
        """Dutch sentence: net cost of the sociaal domein, per inwoner, vs all gemeenten."""
        tot = self.lens()
        med = float(self.median_all[D.TOTAAL])
        diff = 100.0 * (float(tot["netto_per_inwoner"]) / med - 1.0)
        werkwoord = "besteedde" if self.verslagsoort == "jaarrekening" else "begrootte"
        return (
            f"{self.naam_kort} ({getal(self.inwoners)} inwoners) {werkwoord} in {self.jaar} "
            f"netto **{eur(tot['netto_eur'], compact=True)}** aan het sociaal domein: "
            f"**{eur(tot['netto_per_inwoner'])} per inwoner**, {pct(abs(diff))} "
            f"{'meer' if diff > 0 else 'minder'} dan de mediaan van alle gemeenten "
            f"({eur(med)})."
        )

    def trajectory_sentence(self) -> str:
        """Dutch sentence on the development over the years and whether projecting works."""
        r = self.trajectory.loc[self.trajectory["domein"] == D.TOTAAL].sort_values("jaar")
        steps = ", ".join(f"{int(j)} ({v}) {eur(x, compact=True)}" for j, v, x in
                          zip(r["jaar"], r["verslagsoort"], r["netto_eur"], strict=True))
        proj = self.projection(D.TOTAAL, "tekort_eur")
        if proj.ok:
            f = proj.forecast.iloc[-1]
            extra = (f" Doorgetrokken komt het structureel tekort in {int(f['jaar'])} op "
                     f"{eur(f['verwachting'], compact=True)} (95%-interval "
                     f"{eur(f['ondergrens'], compact=True)} tot "
                     f"{eur(f['bovengrens'], compact=True)}).")
        else:
            extra = (f" Een projectie met onzekerheidsmarge is op {proj.n_points} jaren niet "
                     "mogelijk: daarvoor zijn er minstens vier nodig.")
        return f"Netto lasten sociaal domein per jaar: {steps}.{extra}"

    def trajectory_display(self, measure: str = "netto_per_inwoner") -> pd.DataFrame:
        """Per domein the measure for every year (columns ``2023 (jaarrekening)`` …)."""
        t = self.trajectory
        wide = t.pivot_table(index="domein", columns="jaar", values=measure, aggfunc="first",
                             sort=False)
        soort = dict(zip(t["jaar"], t["verslagsoort"], strict=False))
        order = [d for d in (*D.DOMEINEN, D.TOTAAL) if d in wide.index]
        out = pd.DataFrame({"domein": order})
        for j in sorted(wide.columns):
            out[f"{int(j)} ({soort[j]})"] = [eur(v) for v in wide.loc[order, j]]
        return out

    def position_sentence(self) -> str:
        """Dutch sentence on the position among the distance-based peers."""
        b = self.benchmark
        pos = b.position.set_index("domein").loc[D.TOTAAL]
        sav = b.savings.set_index("domein").loc[D.TOTAAL]
        names = _nl_list(list(b.peers["naam"].head(3)))
        verschil = float(sav["potentieel_per_inwoner"])
        return (
            f"Tussen de {len(b.peers)} meest vergelijkbare gemeenten (onder meer {names}) staat "
            f"{self.naam_kort} op plaats {int(pos['rang'])} van {int(pos['groep_n'])} "
            f"(1 = laagste netto lasten per inwoner). Het verschil met de mediaan van die "
            f"gemeenten is {eur(verschil)} per inwoner, {eur(sav['potentieel_eur'], compact=True)} "
            f"in totaal (tussen {eur(sav['potentieel_laag_eur'], compact=True)} en "
            f"{eur(sav['potentieel_hoog_eur'], compact=True)} gemeten tegen het 75e en 25e "
            "percentiel). Dat is een benchmarkverschil, geen bewezen besparing."
        )

    def scenario_sentence(self) -> str:
        """Dutch sentences on the Monte Carlo: P10/P50/P90 against the gap, P(closed)."""
        s = self.simulation_summary
        y = int(s["jaar"])
        pre = "ILLUSTRATIEF: " if self.register.illustratief else ""
        text = (
            f"{pre}Met {getal(self.simulation.n_draws)} trekkingen (seed {self.seed}) leveren de "
            f"{len(self.register.hefbomen)} hefbomen in {y} samen P10 "
            f"{eur(s['besparing_p10'], compact=True)}, P50 {eur(s['besparing_p50'], compact=True)} "
            f"en P90 {eur(s['besparing_p90'], compact=True)} op (nominaal potentieel "
            f"{eur(self.register.potentieel, compact=True)})."
        )
        g = self.gap_target
        mu = g.per_jaar.get(y, (float("nan"), 0.0))[0]
        if _finite(mu) and mu > 0:
            text += (f" Tegenover een structureel tekort van {eur(mu, compact=True)} is de kans "
                     f"dat de hefbomen het tekort dekken **{kans(s['kans_tekort_gedekt'])}**.")
        elif _finite(mu):
            text += (f" Er is op deze maatstaf geen structureel tekort om te dekken (de netto "
                     f"lasten liggen {eur(-mu, compact=True)} onder het gemeentefondsbudget); "
                     f"de kans dat het tekort gedekt is, is daarom "
                     f"{kans(s['kans_tekort_gedekt'])}.")
        return text

    def kernpunten(self) -> list[str]:
        """Three to five key points in Dutch with the headline figures (for the summary)."""
        points = [self.cost_sentence(), self.gap_sentence()]
        if _finite(self.lens()["overschrijding_eur"]):
            points.append(self.overrun_sentence())
        points.append(self.position_sentence().split(". Dat is")[0] + ".")
        points.append(self.trajectory_sentence())
        return points[:5]

    # ------------------------------------------------------------------ benchmark tables

    def position_display(self) -> pd.DataFrame:
        """Position per domein among the peers and in the classic group (Dutch table)."""
        b = self.benchmark
        pos = b.position.set_index("domein")
        kl = (b.position_klassiek.set_index("domein") if len(b.position_klassiek)
              else pd.DataFrame(index=pos.index, columns=pos.columns))
        return pd.DataFrame({
            "domein": pos.index,
            f"{self.naam_kort} (per inwoner)": [eur(v) for v in pos["eigen"]],
            f"mediaan {len(b.peers)} peers": [eur(v) for v in pos["peer_mediaan"]],
            "peers 25e–75e percentiel": [f"{eur(a)} – {eur(c)}" for a, c in
                                         zip(pos["peer_q1"], pos["peer_q3"], strict=True)],
            "rang (1 = laagst)": [f"{int(r)} van {int(n)}" if _finite(r) else "–"
                                  for r, n in zip(pos["rang"], pos["groep_n"], strict=True)],
            "percentiel": [getal(v) for v in pos["percentiel"]],
            "z": [getal(v, 2) for v in pos["z"]],
            f"mediaan klassieke groep ({len(b.klassiek)})": [
                eur(v) for v in kl["peer_mediaan"].reindex(pos.index)],
        })

    def savings_display(self) -> pd.DataFrame:
        """Benchmark savings potential per domein with the IQR band (Dutch table)."""
        sv = self.benchmark.savings
        return pd.DataFrame({
            "domein": sv["domein"],
            "verschil met mediaan per inwoner": [eur(v) for v in sv["potentieel_per_inwoner"]],
            "potentieel (eigen − mediaan) × inwoners": [eur(v, compact=True)
                                                         for v in sv["potentieel_eur"]],
            "band (t.o.v. 75e – 25e percentiel)": [
                f"{eur(a, compact=True)} tot {eur(b, compact=True)}"
                for a, b in zip(sv["potentieel_laag_eur"], sv["potentieel_hoog_eur"],
                                strict=True)],
            "interkwartielafstand × inwoners": [eur(v, compact=True) for v in sv["iqr_eur"]],
        })

    def klassiek_sentence(self) -> str:
        """Dutch sentence describing the classic grootteklasse × stedelijkheid group."""
        kl = self.benchmark.klassiek
        info = self.peer_data.info.loc[self.gm_code]
        overlap = len(set(kl["gm_code"]) & set(self.benchmark.peers["gm_code"]))
        return (
            f"De klassieke vergelijkingsgroep van {self.naam_kort} zijn de {len(kl)} andere "
            f"gemeenten met dezelfde CBS-grootteklasse ({_klasse(info['grootteklasse'])}) en "
            f"stedelijkheid ({info['stedelijkheid_label']}). {overlap} daarvan zitten ook tussen "
            f"de {len(self.benchmark.peers)} peers op afstand."
        )

    def klassiek_display(self) -> pd.DataFrame:
        """The classic group: naam, provincie, inwoners."""
        kl = self.benchmark.klassiek
        return pd.DataFrame({"gemeente": kl["naam"], "provincie": kl["provincie"],
                             "inwoners": [getal(v) for v in kl["inwoners"]]})

    def peer_bron_display(self) -> pd.DataFrame:
        """The peer characteristics: label, kenmerk, per what, and the years used."""
        b = self.peer_data.bron
        return pd.DataFrame({
            "kenmerk": [PE.KENMERK_LABELS.get(k, k) for k in b["kenmerk"]],
            "bron (kenmerk)": b["bron_kenmerk"],
            "gedeeld door": b["per"].fillna("–"),
            "jaren (aantal gemeenten)": b["jaren"],
        })

    def map_values(self, domein: str = D.TOTAAL) -> pd.DataFrame:
        """gm_code and net cost per inwoner of one domein for all gemeenten (for a map)."""
        d = self.deficits_all
        return d.loc[d["domein"] == domein, ["gm_code", "netto_per_inwoner"]]

    # ------------------------------------------------------------------ lever tables

    @property
    def main_lever(self) -> str:
        """The lever with the smallest p-value (shown with full diagnostics)."""
        return str(self.lever_table.sort_values("p")["hefboom"].iloc[0])

    @staticmethod
    def claim(design: str = "doorsnede") -> str:
        """What a design can claim, in Dutch (see :data:`analysekit.analysis.levers.CLAIMS`)."""
        return L.CLAIMS[design]

    def controls_text(self) -> str:
        """The controls of the lever regressions, in Dutch."""
        return ", ".join(_CONTROL_LABELS.get(c, c) for c in self.levers.frame.attrs["controls"])

    def lever_diagnostics_display(self) -> pd.DataFrame:
        """Per lever: n, R², Breusch-Pagan, highest VIF and the most influential gemeente."""
        rows = []
        for lever, res in self.levers.results.items():
            d = res.diagnostics
            top = d.influential.iloc[0] if len(d.influential) else None
            rows.append({
                "hefboom": LEVER_LABELS.get(lever, lever),
                "n": d.n,
                "R²": getal(d.r2, 3),
                "R² gecorrigeerd": getal(d.r2_adj, 3),
                "Breusch-Pagan p": L._fmt_p(d.breusch_pagan_p),
                "hoogste VIF": getal(float(d.vif.max()) if len(d.vif) else float("nan"), 2),
                "meest invloedrijke gemeente (effect zonder)": (
                    f"{self._name_of(top['gm_code'])} ({getal(top['effect_zonder'], 3)})"
                    if top is not None else "–"),
            })
        return pd.DataFrame(rows)

    def _name_of(self, gm_code: str) -> str:
        info = self.peer_data.info
        if gm_code in info.index:
            return re.sub(r"\s*\(gemeente\)\s*$", "", str(info.at[gm_code, "naam"]))
        return gm_code

    def lever_forest_figure(self) -> Any:
        """Forest plot: per lever the association per sd with its 95% interval (€/inwoner)."""
        from matplotlib.figure import Figure

        t = self.lever_table.iloc[::-1]
        fig = Figure(figsize=(8.5, 1.2 + 0.55 * len(t)), dpi=100, layout="constrained")
        ax = fig.subplots()
        y = np.arange(len(t))
        ax.errorbar(t["effect_per_sd"], y,
                    xerr=[t["effect_per_sd"] - t["ci_low_per_sd"],
                          t["ci_high_per_sd"] - t["effect_per_sd"]],
                    fmt="o", color="#1f4e79", capsize=4)
        ax.axvline(0, color="grey", lw=0.8, ls="--")
        ax.set_yticks(y, [_short(LEVER_LABELS.get(h, h), 48) for h in t["hefboom"]])
        ax.set_xlabel("verschil in netto lasten per inwoner (€) bij +1 standaardafwijking "
                      "van de hefboom (95%-interval)")
        ax.set_title(f"Samenhang hefbomen en netto lasten {self.levers.domein.lower()}, "
                     f"doorsnede {self.levers.verslagsoort} {self.levers.jaar} (HC3)", fontsize=10)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        return fig

    def panel_display(self) -> pd.DataFrame:
        """Panel (TWFE) estimates per lever, where the data allow a panel (Dutch table)."""
        rows = []
        for lever, res in self.levers.panel.items():
            r = res.effect()
            rows.append({
                "hefboom": LEVER_LABELS.get(lever, lever),
                "effect per eenheid": getal(r["effect"], 2),
                "95%-interval": f"{getal(r['ci_low'], 2)} tot {getal(r['ci_high'], 2)}",
                "p": L._fmt_p(float(r["p"])),
                "n": int(r["n"]),
                "gemeenten": int(r["n_gemeenten"]),
            })
        return pd.DataFrame(rows)

    # ------------------------------------------------------------------ scenario tables

    def simulation_display(self) -> pd.DataFrame:
        """Per simulated year: P10/P50/P90 of the savings, the gap and P(gap closed)."""
        s = self.simulation.summary()
        out = pd.DataFrame({
            "jaar": s["jaar"].astype(int),
            "besparing P10": [eur(v, compact=True) for v in s["besparing_p10"]],
            "P50": [eur(v, compact=True) for v in s["besparing_p50"]],
            "P90": [eur(v, compact=True) for v in s["besparing_p90"]],
        })
        if "tekort_verwacht" in s:
            out["structureel tekort (verwacht)"] = [eur(v, compact=True)
                                                    for v in s["tekort_verwacht"]]
            out["kans tekort gedekt"] = [kans(v) for v in s["kans_tekort_gedekt"]]
        return out

    def tornado_display(self, top: int = 8) -> pd.DataFrame:
        """The largest drivers of the spread in savings (Dutch table)."""
        t = self.tornado.head(top)
        return pd.DataFrame({
            "soort": t["soort"],
            "naam": t["naam"],
            "laag": [eur(v, compact=True) for v in t["laag"]],
            "hoog": [eur(v, compact=True) for v in t["hoog"]],
            "zwaai": [eur(v, compact=True) for v in t["zwaai"]],
        })

    # ------------------------------------------------------------------ map

    @cached_property
    def grenzen(self) -> Any:
        """Gemeente boundaries of the indeling (default: the indeling of ``jaar``)."""
        import analysekit

        year = self.indeling or self.jaar
        return shared(f"grenzen_{year}", lambda: _grenzen(analysekit.load("grenzen"), year))

    # ------------------------------------------------------------------ names and headlines

    @property
    def naam_kort(self) -> str:
        """The name without the CBS suffix: ``Utrecht (gemeente)`` → ``Utrecht``."""
        return re.sub(r"\s*\(gemeente\)\s*$", "", self.naam)

    @cached_property
    def headlines(self) -> dict[str, float]:
        """The headline figures glued for the site (real data only, never illustrative)."""
        d = self.deficits
        tot = d.loc[D.TOTAAL]
        out: dict[str, float] = {
            "inwoners": self.inwoners,
            "netto_sd_eur": float(tot["netto_eur"]),
            "netto_sd_per_inwoner": float(tot["netto_per_inwoner"]),
            "verschil_mediaan_pct": 100.0 * (float(tot["netto_per_inwoner"])
                                             / float(self.median_all[D.TOTAAL]) - 1.0),
        }
        short = {"Jeugd": "jeugd", "Wmo": "wmo", "Participatie": "participatie",
                 "Sociale basisvoorzieningen": "basis"}
        for dom, key in short.items():
            out[f"netto_{key}_per_inwoner"] = float(d.loc[dom, "netto_per_inwoner"])
            out[f"netto_{key}_eur"] = float(d.loc[dom, "netto_eur"])
        if _finite(tot["tekort_eur"]):
            out["tekort_sd_eur"] = float(tot["tekort_eur"])
            out["tekort_sd_per_inwoner"] = float(tot["tekort_per_inwoner"])
        if _finite(tot["overschrijding_eur"]):
            out["overschrijding_sd_eur"] = float(tot["overschrijding_eur"])
        pos = self.benchmark.position.set_index("domein")
        if _finite(pos.loc[D.TOTAAL, "peer_mediaan"]):
            out["verschil_peers_pct"] = 100.0 * (float(tot["netto_per_inwoner"])
                                                 / float(pos.loc[D.TOTAAL, "peer_mediaan"]) - 1.0)
        sav = self.benchmark.savings.set_index("domein")
        out["potentieel_peers_eur"] = float(sav.loc[D.TOTAAL, "potentieel_eur"])
        return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in out.items()
                if _finite(v)}


# --------------------------------------------------------------------------- helpers


def glue_headlines(ctx: ReportContext) -> dict[str, float]:
    """Record the headline figures with scrapbook (the site collects them).

    Only figures from the CBS/BZK data are glued, never illustrative ones. Outside a
    notebook (no IPython) nothing is glued and the figures are only returned.
    """
    values = ctx.headlines
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return values
    if get_ipython() is None:
        return values
    import contextlib

    import scrapbook as sb

    try:  # compiled-once JSON-schema validation of the scraps (site.py's helper)
        from analysekit.reporting.site import _cached_scrap_validation as fast
    except ImportError:  # pragma: no cover - fall back to scrapbook's own validation
        fast = contextlib.nullcontext
    with fast():
        for k, v in values.items():
            sb.glue(k, v)
    return values


def show(fig: Any, alt: str) -> None:
    """Display a figure as an embedded PNG with an alt text (used by the HTML export).

    The PNG is rendered here rather than left to the kernel's matplotlib backend, so the
    figure appears the same in JupyterLab, a papermill kernel and the in-process engine,
    whatever backend is active.
    """
    import io as _io

    from IPython.display import Image, display

    buf = _io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    display(Image(data=buf.getvalue(), format="png"), metadata={"alt": alt})


def box(text: str, kind: str = "illustratief") -> Any:
    """A coloured note for the report: ``illustratief`` (orange), ``info`` (blue)."""
    from IPython.display import HTML

    colours = {"illustratief": ("#b45309", "#fff7ed"), "info": ("#1f4e79", "#eef4fa")}
    edge, fill = colours.get(kind, colours["info"])

    class _Box(HTML):
        def __repr__(self) -> str:
            return text

    return _Box(
        f'<div class="ak-{kind}" style="border-left:4px solid {edge};background:{fill};'
        f'padding:0.6em 0.9em;margin:0.6em 0">{html.escape(text)}</div>'
    )


def _grenzen(gdf: Any, year: int) -> Any:
    years = sorted(int(y) for y in gdf["jaar"].unique())
    chosen = year if year in years else max((y for y in years if y <= year), default=years[-1])
    out = gdf.loc[gdf["jaar"] == chosen].to_crs(28992)
    return out.reset_index(drop=True)


def _klasse(label: Any) -> str:
    """``150000tot250000inwoners`` → ``150.000 tot 250.000 inwoners`` (CBS grootteklasse)."""
    text = str(label)
    m = re.fullmatch(r"(\d+)tot(\d+)inwoners", text)
    if m:
        return f"{getal(int(m.group(1)))} tot {getal(int(m.group(2)))} inwoners"
    m = re.fullmatch(r"minderdan(\d+)inwoners", text)
    if m:
        return f"minder dan {getal(int(m.group(1)))} inwoners"
    m = re.fullmatch(r"(\d+)inwonersofmeer", text)
    if m:
        return f"{getal(int(m.group(1)))} inwoners of meer"
    return text


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _adapt_register(reg: R.Register, factor: float, shift: int) -> R.Register:
    """Scale the amounts and shift the start years of a register (for the shipped example)."""
    levers = [
        dataclasses.replace(
            h,
            besparing_min=h.besparing_min * factor,
            besparing_waarschijnlijk=h.besparing_waarschijnlijk * factor,
            besparing_max=h.besparing_max * factor,
            startjaar=h.startjaar + shift,
        )
        for h in reg.hefbomen
    ]
    return dataclasses.replace(reg, hefbomen=levers, tekort=None)


def _rebase_goals(
    doelen: list[G.Doel], observed: pd.DataFrame, naam: str
) -> tuple[list[G.Doel], str]:
    """Rebase example goals on the gemeente's own first observed value (same relative change)."""
    out, changed = [], []
    for d in doelen:
        obs = observed.loc[observed["indicator"] == d.indicator].sort_values("jaar")
        if d.definitie not in G.INDICATORS or obs.empty or d.baseline_waarde == 0:
            out.append(d)
            continue
        first = obs.iloc[0]
        bj, bw = int(first["jaar"]), float(first["waarde"])
        ratio = d.doel_waarde / d.baseline_waarde
        deadline = max(d.deadline, bj + 1)
        out.append(dataclasses.replace(d, baseline_jaar=bj, baseline_waarde=bw,
                                       doel_waarde=bw * ratio, deadline=deadline))
        changed.append(d.indicator)
    note = ""
    if changed:
        note = (
            f"Om de werkwijze met de eigen cijfers te tonen zijn de voorbeelddoelen die uit de "
            f"CBS-gegevens berekend worden ({_nl_list(changed)}) omgerekend: baseline = de "
            f"eigen waarde van {naam} in het eerste jaar met gegevens, doel = dezelfde "
            f"relatieve verandering als in het voorbeeld. Het zijn geen afgesproken doelen."
        )
    return out, note


def _indicator_all(t: Mapping[str, pd.DataFrame], definitie: str) -> pd.DataFrame:
    """A goal indicator for all gemeenten: jaarrekening where present, else begroting."""
    kw = {"iv3": t["iv3"], "gemeenten": t["gemeenten"], "kenmerken": t["kenmerken"]}
    jr = G.compute_indicator(definitie, verslagsoort="jaarrekening", **kw)
    bg = G.compute_indicator(definitie, verslagsoort="begroting", **kw)
    if jr.equals(bg):  # does not depend on the Iv3 (e.g. a kenmerk per inwoner)
        return jr.assign(bron="CBS-kenmerken")
    jr = jr.assign(bron="jaarrekening")
    bg = bg.assign(bron="begroting")
    key = pd.MultiIndex.from_frame(jr[["gm_code", "jaar"]])
    extra = bg.loc[~pd.MultiIndex.from_frame(bg[["gm_code", "jaar"]]).isin(key)]
    return (pd.concat([jr, extra], ignore_index=True)
            .sort_values(["gm_code", "jaar"], ignore_index=True))


def _fit_levers(
    t: Mapping[str, pd.DataFrame],
    jaar: int,
    vs: str,
    domein: str,
    jr_years: list[int],
    adoptie: str | None = None,
) -> LeverFits:
    """Fit every lever candidate in one cross-section (HC3), and more where data allow.

    A panel needs two or more jaarrekening years; an event study also an adoption file.
    """
    rf = L.regression_frame(t["iv3"], t["gemeenten"], t["kenmerken"], domein, jaar,
                            verslagsoort=vs)
    controls = rf.attrs["controls"]
    results: dict[str, L.LeverResult] = {}
    skipped: dict[str, str] = {}
    for lever in rf.attrs["levers"]:
        try:
            results[lever] = L.fit_cross_section(rf, "netto_per_inwoner", lever, controls,
                                                 jaar=jaar)
        except AnalysekitError as exc:
            skipped[lever] = str(exc)
    panel: dict[str, L.LeverResult] = {}
    event, event_note = None, ""
    if len(jr_years) >= 2:
        pf = L.regression_frame(t["iv3"], t["gemeenten"], t["kenmerken"], domein, jr_years,
                                verslagsoort="jaarrekening")
        for lever in results:
            try:
                panel[lever] = L.fit_panel(pf, "netto_per_inwoner", lever, pf.attrs["controls"])
            except AnalysekitError as exc:
                skipped[f"{lever} (panel)"] = str(exc)
        note = (f"Panel met vaste effecten voor gemeente en jaar over de jaarrekeningen "
                f"{_nl_list([str(j) for j in jr_years])}.")
        if adoptie:
            try:
                event = L.fit_event_study(pf, "netto_per_inwoner", adoptie,
                                          controls=pf.attrs["controls"])
            except AnalysekitError as exc:
                event_note = f"Event study niet geschat: {exc}"
    else:
        only = f"één jaarrekeningjaar ({jr_years[0]})" if jr_years else "geen jaarrekening"
        note = (
            f"Een panel (vaste effecten voor gemeente en jaar) of een event study is op deze "
            f"gegevens niet mogelijk: er is {only}. Zo'n ontwerp vergelijkt dezelfde gemeente "
            f"over meerdere jaren met gerealiseerde cijfers; begrotingen zijn plannen, daarop "
            f"schatten we geen effecten. Hieronder staat daarom alleen de doorsnede."
        )
        if adoptie:
            event_note = (f"Het invoeringsbestand {Path(adoptie).name} is niet gebruikt: een "
                          f"event study vraagt meerdere jaarrekeningjaren.")
    return LeverFits(jaar, vs, domein, rf, results, skipped, panel, note, event, event_note)


def _read_meta(name: str) -> dict[str, Any]:
    import yaml

    path = processed_dir() / f"{name}.meta.yaml"
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def _mirror_commits(folders: Sequence[str]) -> dict[str, str]:
    """``folder → 'commit abc1234 (2025-04-28)'`` from the mirror's SOURCE.md files."""
    from analysekit.paths import mirror_dir

    try:
        root = mirror_dir()
    except AnalysekitError:
        return {}
    out = {}
    for f in folders:
        p = root / f / "SOURCE.md"
        if not p.is_file():
            continue
        m = re.search(r"commit\s+`([0-9a-f]{7,40})`\s*(\(([^)]+)\))?", p.read_text("utf-8"))
        if m:
            out[f] = f"commit {m.group(1)[:10]}" + (f" ({m.group(3)})" if m.group(3) else "")
    return out


def _sources(t: Mapping[str, pd.DataFrame]) -> dict[str, Any]:
    """Collect the sources: per table the meta.yaml source and the years; the raw snapshot."""
    iv3, gem, ken, gf = t["iv3"], t["gemeenten"], t["kenmerken"], t["gemeentefonds"]
    pairs = iv3[["jaar", "verslagsoort"]].drop_duplicates().sort_values(["verslagsoort", "jaar"])
    iv3_years = "; ".join(
        f"{vs} {', '.join(str(int(j)) for j in g['jaar'])}"
        for vs, g in pairs.groupby("verslagsoort", sort=False)
    )
    gjaren = sorted(int(j) for j in gem["jaar"].unique())
    kb = (ken.groupby("bron")["jaar"].agg(["min", "max"]).reset_index()
          if len(ken) else pd.DataFrame(columns=["bron", "min", "max"]))
    kyears = "; ".join(
        f"{r['bron']} {int(r['min'])}" + (f"–{int(r['max'])}" if r["max"] != r["min"] else "")
        for _, r in kb.iterrows()
    )
    circ = (gf[["circulaire", "uitkeringsjaar"]].drop_duplicates()
            .sort_values(["uitkeringsjaar", "circulaire"]))
    circs = ", ".join(f"{c} (uitkeringsjaar {int(u)})" for c, u in
                      zip(circ["circulaire"], circ["uitkeringsjaar"], strict=True))
    years = {"iv3": iv3_years, "gemeenten": f"{gjaren[0]}–{gjaren[-1]}" if gjaren else "",
             "kenmerken": kyears, "gemeentefonds": circs}
    grenzen = processed_dir() / "grenzen.parquet"
    if grenzen.is_file():
        gj = sorted(int(j) for j in pd.read_parquet(grenzen, columns=["jaar"])["jaar"].unique())
        years["grenzen"] = f"{gj[0]}–{gj[-1]}" if gj else ""
    rows = []
    for name in ("iv3", "gemeenten", "kenmerken", "gemeentefonds", "grenzen"):
        meta = _read_meta(name)
        if not meta:
            continue
        rows.append({
            "tabel": name,
            "inhoud": str(meta.get("title", "")),
            "bron": " ".join(str(meta.get("source", "")).split()),
            "jaren": years.get(name, ""),
            "rijen": getal(meta.get("rows")),
        })
    manifest_path = raw_dir() / "manifest.json"
    snapshot: dict[str, Any] = {"modus": "onbekend", "mappen": []}
    if manifest_path.is_file():
        files = json.loads(manifest_path.read_text("utf-8")).get("files", [])
        modes = sorted({str(f.get("source", "")).split(":", 1)[0] for f in files})
        mirror = [f for f in files if str(f.get("source", "")).startswith("mirror:")]
        folders: dict[str, list[dict]] = {}
        for f in mirror:
            folder = str(f["source"]).split(":", 1)[1].split("/", 1)[0]
            folders.setdefault(folder, []).append(f)
        commits = _mirror_commits(list(folders))
        snapshot = {
            "modus": ", ".join(modes),
            "offline": bool(mirror),
            "opgehaald": min((str(f.get("retrieved_at", "")) for f in files), default="")[:10],
            "mappen": [
                {"map": k, "bestanden": len(v), "versie": commits.get(k, "")}
                for k, v in sorted(folders.items())
            ],
        }
    return {"tabellen": rows, "snapshot": snapshot, "circulaires": circs}
