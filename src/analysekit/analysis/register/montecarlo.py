"""The seeded, vectorised Monte Carlo of a hefbomen register, and its tornado table.

See :mod:`analysekit.analysis.register` for the model per draw and lever.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysekit import nl
from analysekit.analysis.gap_target import Target
from analysekit.analysis.register.figures import kans_zin, plot_savings, plot_tornado_table
from analysekit.analysis.register.model import Register, Tekort, read_register
from analysekit.errors import ParameterError
from analysekit.settings import MAX_N_DRAWS, MAX_SIMULATIE_BYTES

__all__ = [
    "MonteCarloResult",
    "mc_standard_error",
    "plot_tornado",
    "simulate",
    "simulation_bytes",
    "tornado_table",
]

# ---------------------------------------------------------------------------
# Monte Carlo
# ---------------------------------------------------------------------------


def _draw_amounts(
    rng: np.random.Generator, lo: np.ndarray, ml: np.ndarray, hi: np.ndarray, n: int, dist: str
) -> np.ndarray:
    span = hi - lo
    flat = span <= 0
    safe = np.where(flat, 1.0, span)
    if dist == "pert":
        a = 1.0 + 4.0 * (ml - lo) / safe
        b = 1.0 + 4.0 * (hi - ml) / safe
        u = rng.beta(np.where(flat, 1.0, a), np.where(flat, 1.0, b), size=(n, lo.size))
    else:  # triangular by inverse CDF
        c = (ml - lo) / safe
        v = rng.random((n, lo.size))
        u = np.where(v < c, np.sqrt(v * c), 1.0 - np.sqrt((1.0 - v) * (1.0 - c)))
    return lo + np.where(flat, 0.0, u) * span


def _deficit_spec(
    deficit: Any, register: Register
) -> tuple[dict[int, float], dict[int, float]] | None:
    if deficit is None:
        if register.tekort is None:
            return None
        t = register.tekort
        return dict(zip(t.jaren, t.verwacht, strict=True)), dict(zip(t.jaren, t.sd, strict=True))
    if isinstance(deficit, Tekort):
        return dict(zip(deficit.jaren, deficit.verwacht, strict=True)), dict(
            zip(deficit.jaren, deficit.sd, strict=True)
        )
    if isinstance(deficit, Target):
        if deficit.amount is None:
            return None
        return {-1: float(deficit.amount)}, {-1: float(deficit.sd)}
    if isinstance(deficit, (int, float, np.integer, np.floating)) and not isinstance(
            deficit, bool):
        if not math.isfinite(float(deficit)):
            raise ParameterError(f"deficit = {deficit!r}: geen getal (ontbrekende gegevens?); "
                                 "geef een eindig bedrag")
        return {-1: float(deficit)}, {-1: 0.0}
    if isinstance(deficit, pd.DataFrame):
        if not {"jaar", "verwacht"} <= set(deficit.columns):
            raise ParameterError(
                "deficit: een tabel heeft kolommen jaar, verwacht en (optioneel) sd"
            )
        sd = deficit["sd"] if "sd" in deficit.columns else pd.Series(0.0, index=deficit.index)
        mu = dict(zip(deficit["jaar"].astype(int), deficit["verwacht"].astype(float), strict=True))
        return mu, dict(zip(deficit["jaar"].astype(int), sd.fillna(0).astype(float), strict=True))
    if isinstance(deficit, (Mapping, pd.Series)):
        mu, sd = {}, {}
        for k, v in dict(deficit).items():
            if isinstance(v, (tuple, list)) and len(v) == 2:
                mu[int(k)], sd[int(k)] = float(v[0]), float(v[1])
            else:
                mu[int(k)], sd[int(k)] = float(v), 0.0
        return mu, sd
    raise ParameterError(
        f"deficit: type {type(deficit).__name__} niet ondersteund; geef een getal, "
        f"{{jaar: bedrag}}, {{jaar: (verwacht, sd)}} of een tabel jaar/verwacht/sd"
    )


@dataclass
class MonteCarloResult:
    """Simulated savings of a register against the deficit.

    Attributes:
        register: The register simulated.
        years: Simulated years.
        totals: ``(n_draws, n_years)`` total savings per draw and year (euros).
        deficit: ``(n_draws, n_years)`` deficit draws, or None.
        seed: Seed used.
        verdeling: ``"pert"`` or ``"driehoek"``.
        risk_names: Names of the quantified (shared) risks.
        tekort_titel: What the deficit is (:attr:`Target.titel`, e.g. ``overschrijding
            2023 (één jaar), vast gehouden``), for the figure's title and legend.
    """

    register: Register
    years: np.ndarray
    totals: np.ndarray
    deficit: np.ndarray | None
    seed: int | None
    verdeling: str
    risk_names: list[str]
    _amount_real: np.ndarray = field(repr=False)
    _occ: np.ndarray = field(repr=False)
    _red: np.ndarray = field(repr=False)
    _delay: np.ndarray = field(repr=False)
    _start: np.ndarray = field(repr=False)
    _ramp: np.ndarray = field(repr=False)
    tekort_titel: str = "tekort"

    @property
    def n_draws(self) -> int:
        """Number of draws."""
        return int(self.totals.shape[0])

    def _year_index(self, year: int | None) -> int:
        if year is None:
            return len(self.years) - 1
        hits = np.flatnonzero(self.years == int(year))
        if hits.size == 0:
            raise ParameterError(
                f"jaar {year} is niet gesimuleerd; beschikbaar: {', '.join(map(str, self.years))}"
            )
        return int(hits[0])

    def contributions(self, year: int | None = None, occ: np.ndarray | None = None) -> np.ndarray:
        """Return ``(n_draws, n_levers)`` savings per lever in ``year`` (default last year)."""
        y = self.years[self._year_index(year)]
        occ = self._occ if occ is None else occ
        mult, delay = _risk_effects(occ, self._red, self._delay, self._amount_real.shape)
        frac = np.clip((y - (self._start[None, :] + delay) + 1) / self._ramp[None, :], 0.0, 1.0)
        return self._amount_real * mult * frac

    def summary(self) -> pd.DataFrame:
        """Per year: mean, P10/P50/P90 of total savings, deficit and P(savings ≥ deficit).

        ``kans_tekort_gedekt_se`` is the Monte Carlo standard error of that probability,
        √(p(1 − p)/n). Schema :data:`analysekit.analysis.schemas.SIMULATIE`.
        """
        q = np.percentile(self.totals, [10, 50, 90], axis=0)
        out = pd.DataFrame(
            {
                "jaar": self.years,
                "besparing_gemiddeld": self.totals.mean(axis=0),
                "besparing_p10": q[0],
                "besparing_p50": q[1],
                "besparing_p90": q[2],
            }
        )
        if self.deficit is not None:
            has = ~np.isnan(self.deficit[0])
            for col in ("tekort_verwacht", "tekort_sd", "kans_tekort_gedekt",
                        "kans_tekort_gedekt_se", "restant_tekort_p50"):
                out[col] = np.nan
            d, t = self.deficit[:, has], self.totals[:, has]
            out.loc[has, "tekort_verwacht"] = d.mean(axis=0)
            out.loc[has, "tekort_sd"] = d.std(axis=0)
            p = (t >= d).mean(axis=0)
            out.loc[has, "kans_tekort_gedekt"] = p
            out.loc[has, "kans_tekort_gedekt_se"] = mc_standard_error(p, self.n_draws)
            out.loc[has, "restant_tekort_p50"] = np.median(d - t, axis=0)
        return out

    def per_lever(self, year: int | None = None) -> pd.DataFrame:
        """Per lever in ``year``: expected savings and P10/P50/P90 of its contribution."""
        c = self.contributions(year)
        q = np.percentile(c, [10, 50, 90], axis=0)
        return pd.DataFrame(
            {
                "naam": [h.naam for h in self.register.hefbomen],
                "domein": [h.domein for h in self.register.hefbomen],
                "verwacht": c.mean(axis=0),
                "p10": q[0],
                "p50": q[1],
                "p90": q[2],
                "kans": [h.kans for h in self.register.hefbomen],
            }
        ).sort_values("verwacht", ascending=False, ignore_index=True)

    def tornado(self, year: int | None = None) -> pd.DataFrame:
        """Return the tornado table; see :func:`tornado_table`."""
        return tornado_table(self, year)

    def summary_nl(self, year: int | None = None) -> str:
        """Dutch summary of the last (or given) year."""
        i = self._year_index(year)
        s = self.summary().iloc[i]
        e = {k: nl.eur(s[k], compact=True) for k in
             ("besparing_p10", "besparing_p50", "besparing_p90", "besparing_gemiddeld")}
        parts = [
            f"Monte Carlo ({nl.getal(self.n_draws)} trekkingen, seed {self.seed}, bedragen "
            f"{'beta-PERT' if self.verdeling == 'pert' else 'driehoeksverdeling'}, realisatie "
            f"Bernoulli(kans), lineaire ingroei).",
            f"Besparing {int(s['jaar'])}: P10 {e['besparing_p10']}, P50 "
            f"{e['besparing_p50']}, P90 {e['besparing_p90']} (verwacht "
            f"{e['besparing_gemiddeld']}; nominaal potentieel "
            f"{nl.eur(self.register.potentieel, compact=True)}).",
        ]
        if "kans_tekort_gedekt" in s and not math.isnan(s["kans_tekort_gedekt"]):
            parts.append(
                f"Tekort {int(s['jaar'])} ({self.tekort_titel}): "
                f"{nl.eur(s['tekort_verwacht'], compact=True)}; kans dat de hefbomen het "
                f"tekort dekken: "
                f"{kans_zin(s['kans_tekort_gedekt'], s['kans_tekort_gedekt_se'], self.n_draws)}."
            )
        if self.register.illustratief:
            parts.append("Let op: dit register is illustratief, geen echte begrotingscijfers.")
        return " ".join(parts)

    def plot(self) -> Figure:
        """Fan chart of savings per year against the deficit; see :func:`plot_savings`."""
        return plot_savings(self)


def _risk_effects(
    occ: np.ndarray, red: np.ndarray, delay: np.ndarray, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Multiplier and delay per draw and lever from the risk occurrences.

    Only the levers a risk applies to are touched, so own risks cost one column each.
    """
    mult = np.ones(shape)
    for r in range(occ.shape[1]):
        idx = np.flatnonzero(red[:, r])
        if idx.size:
            mult[:, idx] *= np.where(occ[:, r, None], 1.0 - red[idx, r][None, :], 1.0)
    d = np.zeros(shape)
    dr = np.flatnonzero(delay.any(axis=0))
    if dr.size:
        d = occ[:, dr].astype(float) @ delay[:, dr].T
    return mult, d


def mc_standard_error(p: Any, n: int) -> Any:
    """Monte Carlo standard error of a probability estimated from ``n`` draws: √(p(1−p)/n)."""
    p_arr = np.asarray(p, dtype="float64")
    return np.sqrt(p_arr * (1.0 - p_arr) / float(n))


def simulation_bytes(n_draws: int, n_levers: int, n_risks: int, n_years: int) -> int:
    """Estimated memory of :func:`simulate`, in bytes (see ``MAX_SIMULATIE_BYTES``)."""
    return 8 * int(n_draws) * (6 * int(n_levers) + 2 * int(n_risks) + 3 * int(n_years))


def _check_n_draws(n_draws: object) -> int:
    if isinstance(n_draws, bool) or not isinstance(n_draws, (int, np.integer)):
        if isinstance(n_draws, float) and n_draws.is_integer():
            n_draws = int(n_draws)
        else:
            raise ParameterError(f"n_draws = {n_draws!r}: verwacht een geheel getal "
                                 f"van 1 tot {nl.getal(MAX_N_DRAWS)}")
    if not 1 <= int(n_draws) <= MAX_N_DRAWS:
        raise ParameterError(f"n_draws = {n_draws!r}: verwacht een geheel getal van 1 tot "
                             f"{nl.getal(MAX_N_DRAWS)} (analysekit.settings.MAX_N_DRAWS)")
    return int(n_draws)


def simulate(
    register: Register | str | Path,
    *,
    deficit: Any = None,
    years: Sequence[int] | None = None,
    n_draws: int = 100_000,
    seed: int | None = 0,
    verdeling: str = "pert",
) -> MonteCarloResult:
    """Simulate total savings per year of a register (vectorised, seeded).

    Args:
        register: A :class:`Register` or a register file.
        deficit: Deficit to set the savings against: None (use the register's ``tekort``),
            a number (every year), ``{jaar: bedrag}``, ``{jaar: (verwacht, sd)}``, a
            :class:`Tekort`, a :class:`Target` (from :func:`choose_target`; no target means
            no deficit), or a DataFrame jaar / verwacht / sd.
        years: Years to simulate (default: first startjaar up to the last year of full
            effect or of the deficit).
        n_draws: Number of draws, 1 to ``analysekit.settings.MAX_N_DRAWS``; refused when
            the estimate of :func:`simulation_bytes` exceeds ``MAX_SIMULATIE_BYTES``.
        seed: Seed of the numpy Generator (same seed, same result).
        verdeling: ``"pert"`` (beta-PERT, λ = 4) or ``"driehoek"`` (triangular).

    Returns:
        A :class:`MonteCarloResult`.

    Raises:
        ParameterError: Bad register, n_draws, seed, verdeling, years or deficit, or a
            simulation too large for memory.
    """
    if not isinstance(register, (Register, str, Path)):
        raise ParameterError(f"register: verwacht een Register of een bestandspad, niet "
                             f"{type(register).__name__}")
    if not isinstance(register, Register):
        register = read_register(register)
    if verdeling not in {"pert", "driehoek"}:
        raise ParameterError(f"verdeling = {verdeling!r}: kies 'pert' of 'driehoek'")
    n = _check_n_draws(n_draws)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))
                             or seed < 0):
        raise ParameterError(f"seed = {seed!r}: verwacht een geheel getal ≥ 0 of None")
    hs = register.hefbomen
    if not hs:
        raise ParameterError("register: geen hefbomen om te simuleren")
    lo = np.array([h.besparing_min for h in hs])
    ml = np.array([h.besparing_waarschijnlijk for h in hs])
    hi = np.array([h.besparing_max for h in hs])
    kans = np.array([h.kans for h in hs])
    start = np.array([h.startjaar for h in hs], dtype=float)
    ramp = np.array([max(h.ingroei_jaren, 1) for h in hs], dtype=float)
    risk_names: list[str] = []
    risk_kans: list[float] = []
    index: dict[str, int] = {}
    for h in hs:
        for r in h.risicos:
            if r.quantified and r.naam.casefold() not in index:
                index[r.naam.casefold()] = len(risk_names)
                risk_names.append(r.naam)
                risk_kans.append(float(r.kans or 0.0))
    red = np.zeros((len(hs), len(risk_names)))
    dly = np.zeros((len(hs), len(risk_names)))
    for i, h in enumerate(hs):
        for r in h.risicos:
            if r.quantified:
                j = index[r.naam.casefold()]
                # two entries of the same risk in one lever combine multiplicatively
                red[i, j] = 1.0 - (1.0 - red[i, j]) * (1.0 - r.vermindering)
                dly[i, j] += r.vertraging_jaren
    spec = _deficit_spec(deficit, register)
    if years is None:
        first = int(start.min())
        last = int((start + ramp - 1).max())
        if spec is not None:
            dy = [y for y in spec[0] if y != -1]
            if dy:
                first, last = min(first, min(dy)), max(last, max(dy))
        years_arr = np.arange(first, last + 1)
    else:
        if isinstance(years, (str, bytes)) or not isinstance(years, (Sequence, np.ndarray,
                                                                     range)):
            raise ParameterError(f"years = {years!r}: verwacht een lijst jaartallen")
        bad = [y for y in years if isinstance(y, bool) or not isinstance(y, (int, np.integer))]
        if bad:
            raise ParameterError(f"years: {bad[0]!r} is geen jaartal (geheel getal)")
        years_arr = np.array(sorted({int(y) for y in years}))
        if years_arr.size == 0:
            raise ParameterError("years: lege lijst")
    est = simulation_bytes(n, len(hs), len(risk_names), int(years_arr.size))
    if est > MAX_SIMULATIE_BYTES:
        raise ParameterError(
            f"n_draws = {nl.getal(n)} vraagt naar schatting {nl.getal(est / 1024**3, 1)} GiB "
            f"geheugen ({len(hs)} hefbomen, {len(risk_names)} risico's, {years_arr.size} jaren); "
            f"de grens is {nl.getal(MAX_SIMULATIE_BYTES / 1024**3, 1)} GiB "
            "(analysekit.settings.MAX_SIMULATIE_BYTES): kies minder trekkingen"
        )
    rng = np.random.default_rng(seed)
    amounts = _draw_amounts(rng, lo, ml, hi, n, verdeling)
    realised = rng.random((n, len(hs))) < kans[None, :]
    occ = rng.random((n, len(risk_names))) < np.asarray(risk_kans)[None, :]
    amount_real = amounts * realised
    mult, delay = _risk_effects(occ, red, dly, amount_real.shape)
    base = amount_real * mult
    # levers that no risk can delay have the same ramp fraction in every draw: a mat-vec
    delayed = dly.any(axis=1)
    base_fixed, base_del = base[:, ~delayed], base[:, delayed]
    start_del = start[None, delayed] + delay[:, delayed]
    totals = np.empty((n, years_arr.size))
    for j, y in enumerate(years_arr):
        frac = np.clip((y - start[~delayed] + 1.0) / ramp[~delayed], 0.0, 1.0)
        totals[:, j] = base_fixed @ frac
        if base_del.shape[1]:
            frac_d = np.clip((y - start_del + 1.0) / ramp[None, delayed], 0.0, 1.0)
            totals[:, j] += (base_del * frac_d).sum(axis=1)
    deficit_draws = None
    if spec is not None:
        mu, sd = spec
        z = rng.standard_normal(n)
        deficit_draws = np.full((n, years_arr.size), np.nan)
        for j, y in enumerate(years_arr):
            key = -1 if -1 in mu else int(y)
            if key in mu:
                deficit_draws[:, j] = mu[key] + sd[key] * z
    return MonteCarloResult(
        register=register,
        years=years_arr,
        totals=totals,
        deficit=deficit_draws,
        seed=seed,
        verdeling=verdeling,
        risk_names=risk_names,
        _amount_real=amount_real,
        _occ=occ,
        _red=red,
        _delay=dly,
        _start=start,
        _ramp=ramp,
        tekort_titel=_deficit_title(deficit, register),
    )


def tornado_table(result: MonteCarloResult, year: int | None = None) -> pd.DataFrame:
    """Which levers and risks drive the spread of total savings in ``year``.

    For a lever: total savings with that lever at its P10 and at its P90 (its own amount,
    realisation and risks) and every other lever at its expected value, i.e.
    ``E[total] - E[lever] + P10/P90(lever)``. For a quantified risk: expected total savings
    when the risk is forced to occur (low) and forced not to occur (high), everything else
    drawn as simulated. Sorted by swing (high - low), largest first.

    Args:
        result: Simulation result.
        year: Year (default the last simulated year).

    Returns:
        Frame soort (hefboom/risico), naam, laag, hoog, zwaai, basis (expected total).
    """
    c = result.contributions(year)
    total = c.sum(axis=1)
    base = float(total.mean())
    mean_c = c.mean(axis=0)
    q10, q90 = np.percentile(c, [10, 90], axis=0)
    rows = [
        {
            "soort": "hefboom",
            "naam": h.naam,
            "laag": base - mean_c[i] + q10[i],
            "hoog": base - mean_c[i] + q90[i],
        }
        for i, h in enumerate(result.register.hefbomen)
    ]
    for r, name in enumerate(result.risk_names):
        on = result._occ.copy()
        on[:, r] = True
        off = result._occ.copy()
        off[:, r] = False
        rows.append(
            {
                "soort": "risico",
                "naam": name,
                "laag": float(result.contributions(year, on).sum(axis=1).mean()),
                "hoog": float(result.contributions(year, off).sum(axis=1).mean()),
            }
        )
    out = pd.DataFrame(rows)
    out["zwaai"] = out["hoog"] - out["laag"]
    out["basis"] = base
    return out.sort_values("zwaai", ascending=False, ignore_index=True)



def _deficit_title(deficit: Any, register: Register) -> str:
    """What the deficit of a simulation is, for its figure (see :attr:`Target.titel`)."""
    if isinstance(deficit, Target):
        return deficit.titel
    if deficit is None and register.tekort is not None:
        return "tekort uit het register"
    return "tekort"


def plot_tornado(result: MonteCarloResult, year: int | None = None, top: int = 15) -> Figure:
    """Tornado chart of the levers and risks that drive the spread of savings in ``year``."""
    y = int(result.years[result._year_index(year)])
    return plot_tornado_table(tornado_table(result, year), y, result.register.illustratief, top)
