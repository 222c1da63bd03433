"""The deficit a hefbomen register is set against in the Monte Carlo, named for what it is.

:func:`choose_target` picks one amount per gemeente, in a fixed order (the user's
``tekort_eur``; else the first positive lens: the overrun jaarrekening − begroting of one
year, the gap to the peers' median, the gap to the gemeentefonds). Each of these is **one
year's figure held flat** over the simulated years, with no uncertainty: its
:class:`Target` has ``sd == 0`` (:attr:`Target.vast`), its :attr:`Target.titel` says which
year and that it is held flat ("overschrijding 2023 (één jaar), vast gehouden"), and no
band is drawn for it. Nothing here is called *structureel*: that word needs a measured
persistence over several years.

The multi-year measure (:mod:`analysekit.analysis.persistence`, issue 17) is the kind
``structureel``, tried before ``overschrijding``: the mean overrun on the lasten over the
last years when the rule calls it structureel, with ``sd`` = its spread over those years
(then ``vast`` is False and the figure draws its band). :func:`choose_target` takes it as
the argument ``structureel``.

:func:`gap_target` is the per-year alternative from a projection (four or more observed
years): the projected value per year with the standard deviation backed out of its 95%
prediction interval.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import pandas as pd

from analysekit import nl
from analysekit.analysis.forecast import Projection
from analysekit.errors import ParameterError
from analysekit.vocab import DOMEINEN, TOTAAL

__all__ = [
    "TARGET_KINDS",
    "GapTarget",
    "Target",
    "choose_target",
    "gap_target",
    "sd_from_interval",
]

#: Kinds of :class:`Target`, in the order :func:`choose_target` tries them.
TARGET_KINDS = ("opgegeven", "structureel", "overschrijding", "peers_mediaan", "gemeentefonds",
                "geen")


@dataclasses.dataclass(frozen=True)
class Target:
    """The deficit a register is set against (see :func:`choose_target`).

    Attributes:
        kind: One of :data:`TARGET_KINDS`; ``"geen"`` when no lens shows a deficit.
        amount: Euros per year (> 0), or None when there is no target.
        label: Dutch sentence naming the lens, year and basis.
        jaar: Year the amount was measured in (None for a given or absent target).
        sd: Standard deviation of the amount (0: one figure, held flat, no band).
        tried: Per lens tried, its value (NaN when not measurable), for the report.
    """

    kind: str
    amount: float | None
    label: str
    jaar: int | None = None
    sd: float = 0.0
    tried: tuple[tuple[str, float], ...] = ()

    @property
    def has_target(self) -> bool:
        """True when there is a positive deficit to set the hefbomen against."""
        return self.amount is not None

    @property
    def name(self) -> str:
        """Alias of :attr:`kind`."""
        return self.kind

    @property
    def vast(self) -> bool:
        """True when the amount is one figure held flat (no uncertainty, no band)."""
        return not (nl.finite(self.sd) and float(self.sd) > 0)

    @property
    def titel(self) -> str:
        """What the amount is, for a title, legend or table (Dutch, lower case).

        E.g. ``overschrijding 2023 (één jaar), vast gehouden``.
        """
        vast = ", vast gehouden" if self.vast else ""
        jaar = f" {self.jaar}" if self.jaar is not None else ""
        return {
            "opgegeven": f"opgegeven tekort{', elk jaar gelijk' if self.vast else ''}",
            "structureel": "structurele overschrijding op de lasten (gemiddelde over de "
                           "laatste jaren, met hun spreiding)",
            "overschrijding": f"overschrijding{jaar} (één jaar){vast}",
            "peers_mediaan": f"verschil met de mediaan van vergelijkbare gemeenten{jaar}"
                             f"{' (één jaar)' if jaar else ''}{vast}",
            "gemeentefonds": f"verschil met het gemeentefonds{jaar} (één jaar){vast}",
            "geen": "geen tekort",
        }.get(self.kind, f"tekort{jaar}{vast}")


def _latest(rows: pd.DataFrame, col: str, prefer: str | None = None) -> pd.Series | None:
    if col not in rows.columns:
        return None
    r = rows.loc[rows[col].notna()]
    if "geleverd" in r.columns:
        r = r.loc[r["geleverd"].astype(bool)]
    if prefer is not None and prefer in r.columns and r[prefer].astype(bool).any():
        r = r.loc[r[prefer].astype(bool)]
    if r.empty:
        return None
    return r.sort_values("jaar").iloc[-1]


def _peer_gap(peer_gap_eur: float | pd.DataFrame | None, domein: str) -> float:
    from analysekit.analysis.deficits import canonical_domein

    if isinstance(peer_gap_eur, pd.DataFrame):
        pg = peer_gap_eur
        pg = (pg.loc[pg["domein"].map(canonical_domein) == domein, "potentieel_eur"]
              if "domein" in pg.columns else pg["potentieel_eur"])
        return float(pg.iloc[0]) if len(pg) else math.nan
    if peer_gap_eur is None:
        return math.nan
    if nl.finite(peer_gap_eur):
        return float(peer_gap_eur)
    raise ParameterError(f"peer_gap_eur = {peer_gap_eur!r}: verwacht een bedrag of de "
                         "tabel van savings_potential")


def choose_target(
    lenses: pd.DataFrame,
    tekort_eur: float | None = None,
    *,
    peer_gap_eur: float | pd.DataFrame | None = None,
    domein: str = TOTAAL,
    structureel: pd.Series | dict | None = None,
) -> Target:
    """Pick the deficit the hefbomen are set against, in a fixed order.

    1. ``tekort_eur`` given by the user (e.g. from the own begroting): used as is.
    2. Else the first **positive** measured deficit of the gemeente, in this order:
       the overrun (jaarrekening − begroting, ``overschrijding_eur``), the gap to the
       peers' median (``peer_gap_eur``: :func:`analysekit.analysis.peers.savings_potential`
       output or an amount), the gap to the gemeentefonds (``tekort_eur`` of the lenses;
       a same-year comparison preferred over a mismatched one). Each uses the latest
       year with a delivered value: one year's figure, held flat (``sd = 0``).
    3. Else no target (``kind="geen"``): the report says that no lens shows a deficit,
       instead of a probability of 100%.

    Args:
        lenses: Rows of :func:`analysekit.analysis.deficits.deficits_all` (or the
            trajectory) for one gemeente, one or more years.
        tekort_eur: A deficit given by the user, euros per year (> 0).
        peer_gap_eur: The gap to the peers' median in euros (own − median) × inwoners.
        domein: Domein of the lenses to use (default the total).
        structureel: The gemeente's row of
            :func:`analysekit.analysis.persistence.persistence` for ``domein`` (the measured
            structural overrun on the lasten). When its status is *structureel* and the
            amount positive, it is the target (tried before the one-year overrun), with
            ``sd`` = its spread over those years.

    Returns:
        A :class:`Target`.

    Raises:
        ParameterError: ``tekort_eur`` not a positive finite number, ``lenses`` not a
            frame of one gemeente, or an unknown ``domein``.
    """
    from analysekit.analysis.deficits import canonical_domein

    if tekort_eur is not None:
        if (isinstance(tekort_eur, bool) or not nl.finite(tekort_eur)
                or float(tekort_eur) <= 0):
            raise ParameterError(f"tekort_eur = {tekort_eur!r}: verwacht een positief bedrag "
                                 "in euro per jaar")
        return Target("opgegeven", float(tekort_eur),
                      f"opgegeven tekort van {nl.eur(float(tekort_eur), compact=True)} per jaar")
    if not isinstance(lenses, pd.DataFrame) or "gm_code" not in lenses.columns:
        raise ParameterError("lenses: verwacht de lenzentabel (deficits_all) van één gemeente")
    if lenses["gm_code"].nunique() > 1:
        raise ParameterError(f"lenses: {lenses['gm_code'].nunique()} gemeenten; geef de "
                             "rijen van één gemeente")
    domein = canonical_domein(domein)
    if domein not in (*DOMEINEN, TOTAAL):
        raise ParameterError(f"domein {domein!r} onbekend; kies uit {(*DOMEINEN, TOTAAL)}")
    rows = lenses.loc[lenses["domein"].map(canonical_domein) == domein]
    tried: list[tuple[str, float]] = []

    if structureel is not None:  # the measured structural overrun (issue 17)
        st = dict(structureel)
        v = float(st["structureel_eur"]) if nl.finite(st.get("structureel_eur")) else math.nan
        tried.append(("structureel", v))
        if bool(st.get("structureel")) and v > 0:
            sd = float(st["structureel_sd_eur"]) if nl.finite(st.get("structureel_sd_eur")) \
                else 0.0
            return Target(
                "structureel", v,
                f"structurele overschrijding op de lasten: in {int(st['n_laatste_overschreden'])} "
                f"van de {int(st['n_laatste'])} jaren {st['laatste_jaren']} lagen de lasten in de "
                f"jaarrekening boven de begroting, gemiddeld {nl.eur(v, compact=True)} per jaar "
                f"(spreiding over die jaren {nl.eur(sd, compact=True)})",
                int(st["laatste_jaar"]) if nl.finite(st.get("laatste_jaar")) else None, sd,
                tuple(tried))

    ov = _latest(rows, "overschrijding_eur")
    v = float(ov["overschrijding_eur"]) if ov is not None else math.nan
    tried.append(("overschrijding", v))
    if v > 0:
        return Target("overschrijding", v,
                      f"overschrijding: jaarrekening {int(ov['jaar'])} {nl.eur(v, compact=True)} "
                      f"hoger dan de begroting van dat jaar", int(ov["jaar"]), 0.0, tuple(tried))

    peer = _peer_gap(peer_gap_eur, domein)
    tried.append(("peers_mediaan", peer))
    jaar_peer = int(rows["jaar"].max()) if len(rows) else None
    if peer > 0:
        return Target("peers_mediaan", peer,
                      f"verschil met de mediaan van vergelijkbare gemeenten: "
                      f"{nl.eur(peer, compact=True)} meer netto lasten", jaar_peer, 0.0,
                      tuple(tried))

    gf = _latest(rows, "tekort_eur", prefer="gf_zelfde_jaar")
    v = float(gf["tekort_eur"]) if gf is not None else math.nan
    tried.append(("gemeentefonds", v))
    if v > 0:
        bron = f" ({gf['gf_bron']})" if "gf_bron" in gf.index else ""
        return Target("gemeentefonds", v,
                      f"tekort ten opzichte van het gemeentefonds in {int(gf['jaar'])}: "
                      f"{nl.eur(v, compact=True)}{bron}", int(gf["jaar"]), 0.0, tuple(tried))
    return Target("geen", None,
                  "geen van de lenzen (overschrijding, mediaan van vergelijkbare gemeenten, "
                  "gemeentefonds) toont een tekort; er is dus geen tekort om te dekken",
                  None, 0.0, tuple(tried))


# --------------------------------------------------------------------------- projection


@dataclasses.dataclass(frozen=True)
class GapTarget:
    """A gap per simulated year, from a projection or from the last observed year.

    Attributes:
        per_jaar: jaar → (expected gap, standard deviation), euros.
        uitleg: Dutch sentence on where the numbers come from (filled in by the report).
        geprojecteerd: True when it comes from a projection with an interval.
        laatste_jaar: Last observed year of the gap.
        laatste_tekort: The gap in that year.
        laatste_verslagsoort: Verslagsoort of that year.
        sd_jaar: Year whose overrun is the standard deviation (no projection), or None.
        jaren: The observed years.
        n_points: Number of observed years the projection used.
    """

    per_jaar: dict[int, tuple[float, float]]
    uitleg: str
    geprojecteerd: bool
    laatste_jaar: int
    laatste_tekort: float
    laatste_verslagsoort: str = ""
    sd_jaar: int | None = None
    jaren: tuple[int, ...] = ()
    n_points: int = 0


def sd_from_interval(proj: Projection) -> dict[int, tuple[float, float]]:
    """Jaar → (expected value, standard deviation) backed out of a projection's interval."""
    from scipy import stats

    q = (stats.t.ppf(1 - proj.alpha / 2, proj.n_points - 2) if proj.method == "ols"
         else stats.norm.ppf(1 - proj.alpha / 2))
    f = proj.forecast.set_index("jaar")
    return {int(j): (float(r["verwachting"]), float((r["bovengrens"] - r["ondergrens"]) / (2 * q)))
            for j, r in f.iterrows()}


def gap_target(rows: pd.DataFrame, proj: Projection, years: Sequence[int]) -> GapTarget:
    """The gap per simulated year, from the observed rows and their projection.

    With a projection (four or more observed years) the gap per year is the projected
    value and its standard deviation is backed out of the 95% prediction interval. Without
    one, the last observed gap is held constant, with as standard deviation the gap
    between begroting and jaarrekening in the last year that has both (or none).

    Args:
        rows: Trajectory rows of the total (jaar, verslagsoort, tekort_eur,
            overschrijding_eur), with a known tekort.
        proj: Projection of ``tekort_eur`` over those rows.
        years: The simulated years.

    Returns:
        A :class:`GapTarget` with an empty ``uitleg`` (the report writes it).
    """
    rows = rows.sort_values("jaar")
    last = rows.iloc[-1]
    laatste_jaar, laatste = int(last["jaar"]), float(last["tekort_eur"])
    common = {"laatste_jaar": laatste_jaar, "laatste_tekort": laatste,
              "laatste_verslagsoort": str(last["verslagsoort"]),
              "jaren": tuple(int(j) for j in rows["jaar"]), "n_points": proj.n_points}
    if proj.ok:
        per = sd_from_interval(proj)
        last_f = max(per)
        for y in years:
            if y > last_f:
                per[y] = per[last_f]
        return GapTarget(per, "", True, **common)
    ov = rows.loc[rows["overschrijding_eur"].notna()]
    if len(ov):
        o = ov.iloc[-1]
        sd, sd_jaar = abs(float(o["overschrijding_eur"])), int(o["jaar"])
    else:
        sd, sd_jaar = 0.0, None
    return GapTarget({int(y): (laatste, sd) for y in years}, "", False, sd_jaar=sd_jaar, **common)
