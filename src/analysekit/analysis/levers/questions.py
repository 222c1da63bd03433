"""The pre-specified panel questions on the real Iv3 2017–2024 (docs/levers.md).

* **a. Herindeling** (:func:`fit_herindeling`): do the mergers of 2018–2023 change lasten
  per inwoner per domein? Staggered difference-in-differences on the newest indeling
  (predecessors summed before the merger, :func:`analysekit.data.series.domein_reeks`),
  never-merged gemeenten as controls, Sun–Abraham event-time effects with pre-trends, and
  a randomisation placebo over fake mergers (:func:`herindeling_placebo`, seeded; the
  reporting layer computes it once per data build).
* **b. Transformation ladder** (:func:`fit_ladder`): within a gemeente, does a higher
  voorliggend share last year go with lower maatwerk + geëscaleerd lasten per inwoner this
  year? Gemeente and year effects, errors clustered by gemeente, next year's share as a
  placebo lead. An association.
* **c.** The user's adoption file on the same real outcomes: :func:`reeks_panel` gives
  the panel :func:`fit_event_study` takes.

Outcomes are lasten (bruto) per inwoner: the multi-year Iv3 has no baten per taakveld
before 2023 (docs/tables.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysekit.analysis.levers.event_study import fit_event_study, sunab_design
from analysekit.analysis.levers.panel import fit_panel
from analysekit.analysis.levers.result import LeverResult
from analysekit.errors import DataError
from analysekit.vocab import TAAKVELD_GROEPEN

MERGER_YEARS = (2018, 2023)
"""First and last merger year studied (the Iv3 series starts in 2017: one year before)."""
PLACEBO_DRAWS = 200
PLACEBO_SEED = 20_180_101
OUTCOME = "lasten_per_inwoner"
LADDER_OUTCOME = "maatwerk_per_inwoner"
LADDER_LEVER = "aandeel_voorliggend_vorig_jaar"
LADDER_LEAD = "aandeel_voorliggend_volgend_jaar"
LADDER_LEVEL = "voorliggend_per_inwoner_vorig_jaar"


def mergers(herindelingen: pd.DataFrame, codes: pd.Index | list[str]) -> pd.DataFrame:
    """Per gemeente of the reference indeling: its merger year and its role in question a.

    A gemeente is *merged* in year Y when whole gemeenten were joined into it on 1 January
    of Y (crosswalk ``sleutel = samenvoeging``), Y in :data:`MERGER_YEARS`; the first such
    year counts. Gemeenten merged in 2016–2017 (no Iv3 year before) and gemeenten that only
    received part of a split gemeente (``oppervlak``, e.g. Haaren 2021) are left out; the
    rest are never-merged controls.

    Returns:
        Frame gm_code, fusiejaar (NaN for controls), rol (``fusie``, ``controle``,
        ``vroeg`` or ``deel``).
    """
    h = herindelingen.loc[herindelingen["van_gm_code"] != herindelingen["naar_gm_code"]]
    first, last = MERGER_YEARS
    out = pd.DataFrame({"gm_code": sorted(codes)})
    fus = h.loc[h["sleutel"] == "samenvoeging"].groupby("naar_gm_code")["naar_jaar"].min()
    deel = set(h.loc[h["sleutel"] == "oppervlak", "naar_gm_code"])
    jaar = out["gm_code"].map(fus)
    out["fusiejaar"] = jaar.where(jaar.between(first, last))
    out["rol"] = np.select(
        [jaar.between(first, last), jaar < first, out["gm_code"].isin(deel)],
        ["fusie", "vroeg", "deel"], "controle")
    return out


def reeks_panel(reeks: pd.DataFrame, domein: str) -> pd.DataFrame:
    """Jaarrekening lasten per inwoner of one domein on the reference indeling (delivered).

    Args:
        reeks: :func:`analysekit.data.series.domein_reeks` (definitie ``gepubliceerd``).
        domein: One of the domeinen or ``Sociaal domein``.
    """
    r = reeks.loc[(reeks["verslagsoort"] == "jaarrekening") & (reeks["domein"] == domein)
                  & reeks["geleverd"] & reeks[OUTCOME].notna()]
    if r.empty:
        raise DataError(f"domein_reeks: geen jaarrekeningen voor domein {domein!r}")
    return r[["gm_code", "jaar", OUTCOME, "inwoners", "n_voorgangers"]].reset_index(drop=True)


def _adoption(roles: pd.DataFrame) -> pd.DataFrame:
    f = roles.loc[roles["rol"] == "fusie"]
    return pd.DataFrame({"gm_code": f["gm_code"], "hefboom": "herindeling",
                         "adoptiejaar": f["fusiejaar"].astype(int)})


def fit_herindeling(reeks: pd.DataFrame, herindelingen: pd.DataFrame, domein: str, *,
                    method: str = "sunab", leads: int = 4, lags: int = 3,
                    alpha: float = 0.05) -> LeverResult:
    """Question a for one domein: event-time effects of a merger on lasten per inwoner.

    Returns:
        The event study (``fit_event_study``) of mergers 2018–2023, never-merged controls;
        ``data.attrs["rollen"]`` holds :func:`mergers`.
    """
    panel = reeks_panel(reeks, domein)
    roles = mergers(herindelingen, panel["gm_code"].unique())
    keep = set(roles.loc[roles["rol"].isin(["fusie", "controle"]), "gm_code"])
    res = fit_event_study(panel.loc[panel["gm_code"].isin(keep)], OUTCOME, _adoption(roles),
                          leads=leads, lags=lags, method=method, alpha=alpha,
                          source="domein_reeks")
    left = roles.loc[roles["rol"].isin(["vroeg", "deel"])]
    res.diagnostics.notes.append(
        f"{int((left['rol'] == 'vroeg').sum())} gemeenten die in 2016–2017 fuseerden en "
        f"{int((left['rol'] == 'deel').sum())} die alleen een deel van een opgesplitste "
        f"gemeente kregen, zijn weggelaten")
    res.data.attrs["rollen"] = roles
    return res


@dataclass
class Placebo:
    """Randomisation inference for question a: mergers given to random gemeenten.

    Attributes:
        observed: The estimated mean effect after the merger (t+0 … t+lags).
        draws: The same estimate for each random assignment.
        p: Two-sided p-value: share of draws at least as far from 0 as ``observed``
            (the observed assignment counted as one draw).
        seed: Seed of the draws.
    """

    observed: float
    draws: np.ndarray
    p: float
    seed: int


def herindeling_placebo(reeks: pd.DataFrame, herindelingen: pd.DataFrame, domein: str, *,
                        n_draws: int = PLACEBO_DRAWS, seed: int = PLACEBO_SEED,
                        leads: int = 4, lags: int = 3) -> Placebo:
    """Fake mergers: the real merger years given to randomly drawn gemeenten, re-estimated.

    Each draw keeps the number of mergers per year and draws which gemeenten (from all
    merged and never-merged ones) get them; the statistic is the mean effect t+0 … t+lags
    of :func:`fit_herindeling`'s Sun–Abraham estimator (the same design; for the real
    mergers it equals the linearmodels estimate, tested). Seeded
    (``numpy.random.default_rng(seed)``).
    """
    panel = reeks_panel(reeks, domein)
    roles = mergers(herindelingen, panel["gm_code"].unique())
    pool = roles.loc[roles["rol"].isin(["fusie", "controle"])]
    panel = panel.loc[panel["gm_code"].isin(set(pool["gm_code"]))]
    real = _adoption(roles)
    # Fixed effects partialled out once (Frisch-Waugh-Lovell): demean by gemeente, then
    # project off the gemeente-demeaned year dummies. Each draw then costs one small
    # least-squares fit; for the real mergers it equals fit_herindeling (tested).
    ent = pd.factorize(panel["gm_code"])[0]
    jaar = panel["jaar"].to_numpy()

    def within(x: np.ndarray) -> np.ndarray:
        means = np.stack([np.bincount(ent, col) for col in x.T], 1) / np.bincount(ent)[:, None]
        return x - means[ent]

    years = within(pd.get_dummies(jaar, drop_first=True, dtype=float).to_numpy())
    proj = np.linalg.pinv(years)
    yw = within(panel[[OUTCOME]].to_numpy(float))[:, 0]
    yw -= years @ (proj @ yw)

    def att(adoption: pd.DataFrame) -> float:
        """The mean Sun–Abraham effect t+0 … t+lags, as fit_event_study estimates it."""
        g = panel["gm_code"].map(adoption.set_index("gm_code")["adoptiejaar"]).to_numpy(float)
        dummies, weights = sunab_design(g, (jaar - np.nan_to_num(g)).astype(int), leads, lags)
        d = within(dummies.to_numpy())
        beta = pd.Series(np.linalg.lstsq(d - years @ (proj @ d), yw, rcond=None)[0],
                         index=dummies.columns)
        post = [t for t in weights if t.startswith("t+")]
        return float(np.mean([sum(w * beta[term] for term, w in weights[t].items())
                              for t in post]))

    rng = np.random.default_rng(seed)
    codes, n = pool["gm_code"].to_numpy(), len(real)
    draws = np.array([att(real.assign(gm_code=rng.choice(codes, n, replace=False)))
                      for _ in range(n_draws)])
    obs = att(real)
    p = (1 + int((np.abs(draws) >= abs(obs)).sum())) / (n_draws + 1)
    return Placebo(obs, draws, p, seed)


def ladder_panel(iv3: pd.DataFrame, reeks: pd.DataFrame,
                 levering: pd.DataFrame | None = None) -> pd.DataFrame:
    """Question b's panel on the reference indeling: voorliggend share and maatwerk lasten.

    Per gemeente × jaar (jaarrekening): lasten voorliggend (6.1, 6.2x), maatwerk +
    geëscaleerd (6.6–6.8x) and all sociaal-domein taakvelden, summed over predecessors
    (:func:`analysekit.data.herindeling.to_indeling`), kept where every predecessor
    delivered (``domein_reeks.geleverd``); the share of last and next year by calendar
    year (a gap gives NaN).
    """
    from analysekit.analysis.levers.frame import delivered_only
    from analysekit.data.herindeling import to_indeling

    jr = delivered_only(iv3.loc[iv3["verslagsoort"] == "jaarrekening"], levering)
    tv = jr["taakveld"].astype(str)
    groups = {"voorliggend": TAAKVELD_GROEPEN["voorliggend"],
              "maatwerk": TAAKVELD_GROEPEN["maatwerk"] | TAAKVELD_GROEPEN["geescaleerd"],
              "sociaal": TAAKVELD_GROEPEN["sociaal_domein"]}
    sums = jr[["gm_code", "jaar"]].assign(
        **{k: jr["lasten_eur"].where(tv.isin(v), 0.0) for k, v in groups.items()})
    sums = sums.groupby(["gm_code", "jaar"], as_index=False).sum()
    target = int(reeks["indeling_jaar"].iloc[0])
    mapped = to_indeling(sums, list(groups), naar_jaar=target)
    ok = reeks.loc[(reeks["verslagsoort"] == "jaarrekening") & (reeks["domein"] == "Sociaal domein")
                   & reeks["geleverd"], ["gm_code", "jaar", "inwoners"]]
    p = mapped.merge(ok, on=["gm_code", "jaar"], how="inner")
    per = p["inwoners"].where(p["inwoners"] > 0)
    p["aandeel_voorliggend"] = p["voorliggend"] / p["sociaal"].where(p["sociaal"] > 0)
    p[LADDER_OUTCOME] = p["maatwerk"] / per
    p["voorliggend_per_inwoner"] = p["voorliggend"] / per
    cols = ["aandeel_voorliggend", "voorliggend_per_inwoner"]
    prev = p[["gm_code", "jaar", *cols]].assign(jaar=p["jaar"] + 1)
    nxt = p[["gm_code", "jaar", "aandeel_voorliggend"]].assign(jaar=p["jaar"] - 1)
    p = (p.merge(prev.rename(columns={"aandeel_voorliggend": LADDER_LEVER,
                                      "voorliggend_per_inwoner": LADDER_LEVEL}),
                 on=["gm_code", "jaar"], how="left")
          .merge(nxt.rename(columns={"aandeel_voorliggend": LADDER_LEAD}),
                 on=["gm_code", "jaar"], how="left"))
    return p.sort_values(["gm_code", "jaar"]).reset_index(drop=True)


def fit_ladder(panel: pd.DataFrame, *, level: bool = False, lead: bool = True,
               alpha: float = 0.05) -> LeverResult:
    """Question b: maatwerk + geëscaleerd per inwoner on last year's voorliggend share.

    Args:
        panel: :func:`ladder_panel`.
        level: Use last year's voorliggend lasten per inwoner instead of the share (the
            share has maatwerk in its denominator, so part of a negative relation is
            mechanical; the level has not).
        lead: Add next year's share as a placebo (it should not matter if the relation
            runs from last year's share to this year's lasten).
        alpha: 1 - confidence level.
    """
    lever = LADDER_LEVEL if level else LADDER_LEVER
    controls = [LADDER_LEAD] if lead else []
    sample = panel.dropna(subset=[lever, LADDER_OUTCOME, *controls])
    return fit_panel(sample, LADDER_OUTCOME, lever, controls, alpha=alpha, source="ladder")
