"""Figures and probability wording of the register's Monte Carlo.

:func:`plot_savings` (the fan chart against the deficit, named for what it is; a band only
for a deficit with a spread), :func:`plot_tornado_table` (Dutch axis) and
:func:`kans_precisie` / :func:`kans_zin` (a probability with its Monte Carlo precision; 0
and 1 as rule-of-three bounds). Takes a simulation result by its attributes; imports
nothing of the register itself.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysekit import nl

__all__ = ["kans_precisie", "kans_zin", "plot_savings", "plot_tornado_table"]


# ---------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------


def _decimals(fraction: float, least: int = 1) -> int:
    """Decimals that show a fraction, in percent, with one significant digit (at most 4)."""
    x = 100.0 * abs(float(fraction))
    return least if x <= 0 else max(least, min(4, -math.floor(math.log10(x))))


def kans_precisie(p: Any, se: Any, n: int, kort: bool = False) -> tuple[str, str]:
    """A simulated probability and its Monte Carlo precision, as Dutch text.

    An estimate strictly between 0 and 1 is shown with its standard error
    (``("57%", "± 0,5 procentpunt")``; below 1% or above 99% with the decimals the error
    needs). An estimate of exactly 0 (or 1) has no standard error: the probability is then
    only known to be below (or above) the **rule of three** bound 3/n, the 95% upper bound
    when none of ``n`` draws succeeded (``("minder dan 0,03%", "in geen van de 10.000
    trekkingen; …")``).

    Args:
        p: The estimated probability (share of draws).
        se: Its Monte Carlo standard error.
        n: Number of draws.
        kort: Write a bound as ``< 0,03%`` (for a figure) instead of ``minder dan 0,03%``.

    Returns:
        (probability, precision); both ``–`` when ``p`` is missing.
    """
    if not nl.finite(p):
        return nl.ONTBREEKT, nl.ONTBREEKT
    v, n = float(p), int(n)
    bound = min(1.0, 3.0 / n)
    d = _decimals(bound, 0)
    # a bound is rounded outward, so the text never claims more than 3/n supports
    step = 10.0 ** d
    upper = math.ceil(round(100.0 * bound * step, 6)) / step
    lower = math.floor(round((100.0 - 100.0 * bound) * step, 6)) / step
    if v == 0.0:
        return (f"{'<' if kort else 'minder dan'} {nl.pct(upper, d)}",
                f"in geen van de {nl.getal(n)} trekkingen gedekt; met 95% zekerheid minder "
                f"dan 3 op {nl.getal(n)}, de regel van drie")
    if v == 1.0:
        return (f"{'>' if kort else 'meer dan'} {nl.pct(lower, d)}",
                f"in alle {nl.getal(n)} trekkingen gedekt; met 95% zekerheid in meer dan "
                f"{nl.getal(n - 3)} op {nl.getal(n)}, de regel van drie")
    d = _decimals(se)
    shown = nl.kans(v) if 0.01 <= v <= 0.99 else nl.kans(v, d)
    return shown, f"± {nl.getal(100 * float(se), d)} procentpunt"


def kans_zin(p: Any, se: Any, n: int) -> str:
    """``57% (± 0,5 procentpunt, Monte-Carlo-standaardfout)``; 0 and 1 by the rule of three."""
    kans, precisie = kans_precisie(p, se, n)
    if kans == nl.ONTBREEKT:
        return kans
    if precisie.startswith("±"):
        return f"{kans} ({precisie}, Monte-Carlo-standaardfout)"
    return f"{kans} ({precisie})"


def plot_savings(result: Any) -> Figure:
    """Fan chart: P10–P90 band and P50 of total savings per year, with the deficit.

    The deficit is named for what it is (``result.tekort_titel``). A deficit without
    uncertainty (one figure held flat) is drawn as points without a band; one with a
    standard deviation gets its P10–P90 range.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from analysekit.analysis import plots as P

    s = result.summary()
    x = s["jaar"].to_numpy()
    naam = result.tekort_titel
    with P.style():
        fig = P.new_figure(8, 4.5)
        ax = fig.subplots()
        mln = {c: s[c].to_numpy(float) / 1e6 for c in
               ("besparing_p10", "besparing_p90", "besparing_p50", "besparing_gemiddeld")}
        ax.fill_between(x, mln["besparing_p10"], mln["besparing_p90"], color="#9dc3e6",
                        alpha=0.7, lw=0)
        ax.plot(x, mln["besparing_p50"], "o-", color="#1f4e79")
        ax.plot(x, mln["besparing_gemiddeld"], "--", color="#1f4e79", lw=1)
        handles = [
            Patch(color="#9dc3e6", alpha=0.7, lw=0, label="besparing P10–P90"),
            Line2D([], [], marker="o", color="#1f4e79", label="besparing P50"),
            Line2D([], [], ls="--", color="#1f4e79", lw=1, label="verwacht"),
        ]
        low, high = 0.0, float(mln["besparing_p90"].max())
        has = (s["tekort_verwacht"].notna().to_numpy() if "tekort_verwacht" in s
               else np.zeros(len(s), bool))
        if has.any():
            t = s.loc[has, "tekort_verwacht"].to_numpy(float) / 1e6
            sd = s.loc[has, "tekort_sd"].fillna(0).to_numpy(float)
            band = bool((sd > 0).any())
            label = "tekort" if naam == "tekort" else f"tekort: {naam}"
            if band:
                err = 1.2816 * sd / 1e6
                ax.errorbar(x[has], t, yerr=err, fmt="s", color="#c00000", capsize=4)
                label += "; P10–P90"
                low = min(low, float((t - err).min()))
            else:
                ax.plot(x[has], t, "s", color="#c00000")
                low = min(low, float(t.min()))
            if bool((t <= 0).all()):
                label += ": negatief = overschot"
            handles.append(Line2D([], [], marker="s", ls="", color="#c00000", label=label))
            for _, r in s.loc[has].iterrows():
                kans, _prec = kans_precisie(r["kans_tekort_gedekt"], r["kans_tekort_gedekt_se"],
                                            result.n_draws, kort=True)
                ax.annotate(f"kans gedekt\n{kans}", (r["jaar"], r["tekort_verwacht"] / 1e6),
                            textcoords="offset points", xytext=(0, 7), fontsize=8,
                            color="#c00000", ha="center", va="bottom",
                            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                                  "alpha": 0.85})
            high = max(high, float(t.max()))
        ax.set_xticks(x)
        ax.xaxis.grid(False)
        ax.set_xlim(x.min() - 0.4, x.max() + 0.4)  # room for the centred labels
        P.dutch_axis(ax.yaxis, 5)
        # room above the highest point for the two-line probability labels
        ax.set_ylim(bottom=1.08 * low if low < 0 else 0, top=high + 0.2 * (high - min(low, 0)))
        ax.set_xlabel("jaar")
        ax.set_ylabel("€ mln per jaar")
        title = ("Besparing hefbomen (Monte Carlo) tegenover het tekort" if has.any()
                 else "Besparing hefbomen (Monte Carlo)")
        if result.register.illustratief:
            title += "\nILLUSTRATIEF register, geen echte cijfers"
        P.header(fig, ax, title, handles, loc="center")
    return fig


def plot_tornado_table(tornado: pd.DataFrame, jaar: int, illustratief: bool = False,
                       top: int = 15) -> Figure:
    """Tornado chart from a tornado table (:func:`tornado_table`), Dutch axis.

    Per lever its P10–P90 (blue), per risk with / without (orange), largest swing on top;
    the black line is the expected total. Tick labels are written the Dutch way
    (``7,75``), through :func:`analysekit.analysis.plots.dutch_axis`.

    Args:
        tornado: Columns soort, naam, laag, hoog, basis (euros), largest swing first.
        jaar: The simulated year it describes.
        illustratief: Label the figure as an illustrative register.
        top: Number of bars.
    """
    from matplotlib.patches import Patch

    from analysekit.analysis import plots as P

    t = tornado.head(top).iloc[::-1]
    colors = np.where(t["soort"] == "risico", "#c55a11", "#1f4e79")
    labels = [P.wrap(("Risico: " if k == "risico" else "") + str(n), 3.2, 8.5)
              for k, n in zip(t["soort"], t["naam"], strict=True)]
    lines = sum(lab.count("\n") + 1 for lab in labels)
    with P.style():
        fig = P.new_figure(8, 1.9 + 0.17 * lines + 0.12 * len(t))
        ax = fig.subplots()
        base = float(t["basis"].iloc[0]) / 1e6 if len(t) else 0.0
        pos = np.arange(len(t))
        P.bars(ax, pos, (t["hoog"] - t["laag"]) / 1e6, 0.7, t["laag"] / 1e6, color=colors,
               horizontal=True)
        ax.set_yticks(pos, labels)
        ax.set_ylim(-0.6, len(t) - 0.4)
        ax.yaxis.grid(False)
        ax.tick_params(axis="y", labelsize=8.5)
        ax.axvline(base, color="black", lw=0.8)
        P.dutch_axis(ax.xaxis, 5)
        ax.set_xlabel(f"totale besparing {jaar} (€ mln); zwarte lijn = verwachting")
        handles = [Patch(color="#1f4e79", label="hefboom: P10 en P90"),
                   Patch(color="#c55a11", label="risico: treedt op / treedt niet op")]
        ax.use_sticky_edges = False  # a little room left of the lowest P10
        ax.margins(x=0.03)
        title = f"Wat bepaalt de spreiding van de besparing in {jaar}?"
        if illustratief:
            title += "\nILLUSTRATIEF register, geen echte cijfers"
        P.header(fig, ax, title, handles)
    return fig
