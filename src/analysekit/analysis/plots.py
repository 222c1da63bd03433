"""Figures for deficits and benchmarks (matplotlib/seaborn, Dutch labels).

Every ``plot_*`` function returns a :class:`matplotlib.figure.Figure` built with the
object API (``Figure()``, no pyplot state), so it works under the Agg backend, in worker
processes and in notebooks (Jupyter shows a returned Figure). Colours and fonts come from
one place: :data:`DOMEIN_KLEUREN`, :data:`ACCENT`, :data:`PEER_KLEUR` and :func:`style`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from analysekit.analysis.deficits import DOMEINEN, TOTAAL
from analysekit.analysis.forecast import Projection
from analysekit.errors import ParameterError

DOMEIN_KLEUREN = {
    "Sociale basisvoorzieningen": "#4C72B0",
    "Wmo": "#DD8452",
    "Jeugd": "#55A868",
    "Participatie": "#8172B3",
    TOTAAL: "#4D4D4D",
}
ACCENT = "#C44E52"  # the gemeente itself
PEER_KLEUR = "#1F3A5F"  # peers
NEUTRAAL = "#B0B0B0"
PEER_RAND = "#1F77B4"  # peer outlines on a map (contrasts with the warm colour scale)
GF_KLEUREN = {"verdeelmodel": "#9ECAE1", "iu_du": "#4292C6"}

MATEN = {
    "netto_eur": "netto kosten (€)",
    "netto_per_inwoner": "netto kosten per inwoner (€)",
    "netto_per_doelgroep": "netto kosten per doelgroeplid (€)",
    "netto_per_client": "netto kosten per cliënt (€)",
    "netto_per_huishouden": "netto kosten per huishouden (€)",
    "tekort_eur": "structureel tekort (€)",
    "tekort_per_inwoner": "structureel tekort per inwoner (€)",
    "overschrijding_eur": "overschrijding t.o.v. begroting (€)",
    "overschrijding_per_inwoner": "overschrijding per inwoner (€)",
    "gf_per_inwoner": "gemeentefonds per inwoner (€)",
}
BRON = "Bron: CBS (Iv3, kerncijfers), BZK (gemeentefonds); bewerking analysekit."


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Context with the kit's seaborn/matplotlib style (white grid, readable sizes)."""
    rc = {
        "figure.dpi": 110, "savefig.dpi": 150, "savefig.bbox": "tight",
        "font.size": 10, "axes.titlesize": 12, "axes.titleweight": "bold",
        "axes.labelsize": 10, "legend.fontsize": 9, "legend.frameon": False,
        "axes.spines.top": False, "axes.spines.right": False,
    }
    with sns.axes_style("whitegrid"), mpl.rc_context(rc):
        yield


def fmt_getal(x: float, decimals: int = 0) -> str:
    """Format a number the Dutch way: ``1234567.8`` → ``1.234.568``."""
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "–"
    s = f"{x:,.{decimals}f}"
    return s.replace(",", "_").replace(".", ",").replace("_", ".")


def fmt_eur(x: float, compact: bool = True) -> str:
    """Format euros the Dutch way, compact for large amounts (``€ 12,3 mln``)."""
    if x is None or not np.isfinite(x):
        return "–"
    a = abs(x)
    if compact and a >= 1e9:
        return f"€ {_compact(x / 1e9)} mld"
    if compact and a >= 1e6:
        return f"€ {_compact(x / 1e6)} mln"
    if a < 10 and x != round(x):
        return f"€ {fmt_getal(x, 2)}"
    return f"€ {fmt_getal(x)}"


def _compact(v: float) -> str:
    """One decimal, dropped when it is zero: 12.0 → ``12``, 1.25 → ``1,2``."""
    r = round(v, 1)
    return fmt_getal(r, 0 if r == round(r) else 1)


_EUR_AXIS = FuncFormatter(lambda x, _pos: fmt_eur(x))


def _new_figure(width: float = 8.0, height: float = 4.5) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig


def _footer(fig: Figure, text: str = BRON) -> None:
    fig.text(0.0, -0.01, text, fontsize=7.5, color="#555555", ha="left", va="top")


def _rows(df: pd.DataFrame, gm_code: str, what: str) -> pd.DataFrame:
    rows = df.loc[df["gm_code"] == gm_code]
    if rows.empty:
        raise ParameterError(f"{what}: no rows for gemeente {gm_code!r}")
    return rows


def _naam(df: pd.DataFrame, gm_code: str) -> str:
    if "naam" in df.columns:
        n = df.loc[df["gm_code"] == gm_code, "naam"].dropna()
        if len(n):
            return str(n.iloc[0])
    return gm_code


# --------------------------------------------------------------------------- deficits


def plot_domain_trends(
    traj: pd.DataFrame,
    gm_code: str,
    measure: str = "netto_per_inwoner",
    domeinen: Sequence[str] = DOMEINEN,
    projections: Mapping[str, Projection] | None = None,
) -> Figure:
    """Line per domein over the years; filled markers = jaarrekening, open = begroting.

    Args:
        traj: :func:`~analysekit.analysis.deficits.trajectory_all` output (or one gemeente).
        gm_code: The gemeente.
        measure: Column to draw (see :data:`MATEN`).
        domeinen: Domains to draw.
        projections: Optional domein → :class:`Projection` of the same measure; drawn
            dashed with the prediction band when ``ok``.
    """
    rows = _rows(traj, gm_code, "plot_domain_trends")
    with style():
        fig = _new_figure()
        ax = fig.subplots()
        for dom in domeinen:
            r = rows.loc[rows["domein"] == dom].sort_values("jaar")
            if r.empty:
                continue
            c = DOMEIN_KLEUREN.get(dom, NEUTRAAL)
            ax.plot(r["jaar"], r[measure], color=c, lw=2, label=dom)
            jr = r["verslagsoort"] == "jaarrekening"
            ax.scatter(r.loc[jr, "jaar"], r.loc[jr, measure], color=c, s=40, zorder=3)
            ax.scatter(r.loc[~jr, "jaar"], r.loc[~jr, measure], facecolor="white",
                       edgecolor=c, s=40, lw=1.5, zorder=3)
            p = (projections or {}).get(dom)
            if p is not None and p.ok:
                f = p.forecast
                last = r.iloc[-1]
                xs = np.r_[last["jaar"], f["jaar"]]
                ax.plot(xs, np.r_[last[measure], f["verwachting"]], color=c, ls="--", lw=1.5)
                ax.fill_between(f["jaar"], f["ondergrens"], f["bovengrens"], color=c, alpha=0.15,
                                lw=0)
        ax.yaxis.set_major_formatter(_EUR_AXIS)
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        ax.axhline(0, color="#888888", lw=0.8)
        ax.set_xlabel("jaar")
        ax.set_ylabel(MATEN.get(measure, measure))
        ax.set_title(f"{_naam(rows, gm_code)}: {MATEN.get(measure, measure)} per domein")
        handles, labels = ax.get_legend_handles_labels()
        handles += [
            Line2D([], [], marker="o", ls="", color="#555555", label="jaarrekening"),
            Line2D([], [], marker="o", ls="", markerfacecolor="white",
                   markeredgecolor="#555555", label="begroting"),
        ]
        if projections and any(p.ok for p in projections.values()):
            handles.append(Line2D([], [], ls="--", color="#555555",
                                  label="projectie (met voorspellingsinterval)"))
        ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.01, 0.5))
        _footer(fig)
    return fig


def plot_gap_vs_gemeentefonds(
    deficits: pd.DataFrame,
    gm_code: str,
    per_inwoner: bool = True,
    domeinen: Sequence[str] = DOMEINEN,
) -> Figure:
    """Net cost beside the gemeentefonds budget (verdeelmodel + IU/DU) per domein.

    Args:
        deficits: :func:`~analysekit.analysis.deficits.deficits_all` output for one year.
        gm_code: The gemeente.
        per_inwoner: Per inwoner (default) or in total euros.
        domeinen: Domains to show.
    """
    rows = _rows(deficits, gm_code, "plot_gap_vs_gemeentefonds")
    if rows["jaar"].nunique() > 1:
        raise ParameterError("plot_gap_vs_gemeentefonds needs one jaar; filter the trajectory")
    rows = rows.set_index("domein").reindex([d for d in domeinen if d in set(rows["domein"])])
    div = rows["inwoners"].astype("float64") if per_inwoner else 1.0
    netto = rows["netto_eur"] / div
    vm = rows["gf_verdeelmodel_eur"].fillna(0) / div
    iu = rows["gf_iu_du_eur"].fillna(0) / div
    gap = rows["tekort_eur"] / div
    x = np.arange(len(rows))
    w = 0.38
    with style():
        fig = _new_figure(8.5, 4.8)
        ax = fig.subplots()
        ax.bar(x - w / 2, netto, w, color=[DOMEIN_KLEUREN.get(d, NEUTRAAL) for d in rows.index],
               label="netto kosten")
        ax.bar(x + w / 2, vm, w, color=GF_KLEUREN["verdeelmodel"],
               label="gemeentefonds: verdeelmodel")
        ax.bar(x + w / 2, iu, w, bottom=vm, color=GF_KLEUREN["iu_du"],
               label="gemeentefonds: IU/DU")
        top = np.nanmax(np.r_[netto.to_numpy(), (vm + iu).to_numpy(), 0.0])
        for i, g in enumerate(gap):
            if np.isfinite(g):
                txt = ("tekort " if g > 0 else "overschot ") + fmt_eur(abs(g))
                ax.text(x[i], max(netto.iloc[i], vm.iloc[i] + iu.iloc[i]) + 0.03 * top, txt,
                        ha="center", va="bottom", fontsize=8.5,
                        color=ACCENT if g > 0 else "#2E7D32")
        ax.set_xticks(x, [d.replace("Sociale basisvoorzieningen", "Sociale basis-\nvoorzieningen")
                          for d in rows.index])
        ax.yaxis.set_major_formatter(_EUR_AXIS)
        ax.axhline(0, color="#888888", lw=0.8)
        unit = "per inwoner" if per_inwoner else "totaal"
        jaar = int(rows["jaar"].iloc[0])
        vs = rows["verslagsoort"].iloc[0]
        ax.set_ylabel(f"€ {unit}")
        ax.set_title(f"{_naam(deficits, gm_code)} {jaar} ({vs}): netto kosten vs gemeentefonds")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
        ax.set_ylim(top=top * 1.15 if top > 0 else None)
        _footer(fig, f"{BRON} Gemeentefonds: {rows['gf_bron'].iloc[0]}.")
    return fig


def plot_taakveld_breakdown(
    breakdown: pd.DataFrame,
    gm_code: str | None = None,
    top: int | None = None,
    naam: str | None = None,
) -> Figure:
    """Horizontal bars of net cost per taakveld, coloured by domein, begroting as a tick.

    Args:
        breakdown: :func:`~analysekit.analysis.deficits.taakveld_breakdown` output.
        gm_code: The gemeente (default: the only one in ``breakdown``).
        top: Show only the ``top`` largest taakvelden by |net cost|.
        naam: Name for the title (default: gm_code).
    """
    if gm_code is None:
        codes = breakdown["gm_code"].unique()
        if len(codes) != 1:
            raise ParameterError("plot_taakveld_breakdown: several gemeenten; pass gm_code")
        gm_code = str(codes[0])
    rows = _rows(breakdown, gm_code, "plot_taakveld_breakdown").copy()
    order = {d: i for i, d in enumerate(DOMEINEN)}
    rows["_o"] = rows["domein"].map(order)
    if top:
        rows = rows.loc[rows["netto_eur"].abs().nlargest(top).index]
    rows = rows.sort_values(["_o", "taakveld"], ascending=[False, False])
    names = rows.get("taakveld_naam", rows["taakveld"]).fillna("")
    labels = [f"{t} {n}".strip()[:48] for t, n in zip(rows["taakveld"], names, strict=True)]
    with style():
        fig = _new_figure(9.5, max(3.0, 0.28 * len(rows) + 1.6))
        ax = fig.subplots()
        y = np.arange(len(rows))
        ax.barh(y, rows["netto_eur"],
                color=[DOMEIN_KLEUREN.get(d, NEUTRAAL) for d in rows["domein"]])
        if "netto_begroting_eur" in rows.columns and rows["netto_begroting_eur"].notna().any() and (
                (rows["verslagsoort"] == "jaarrekening").any()):
            ax.scatter(rows["netto_begroting_eur"], y, marker="|", s=120, color="black", zorder=3)
        ax.set_yticks(y, labels)
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(5))
        ax.xaxis.set_major_formatter(_EUR_AXIS)
        ax.axvline(0, color="#888888", lw=0.8)
        ax.set_xlabel("netto kosten (lasten − baten)")
        jaar = int(rows["jaar"].iloc[0]) if "jaar" in rows.columns else ""
        vs = rows["verslagsoort"].iloc[0] if "verslagsoort" in rows.columns else ""
        ax.set_title(f"{naam or gm_code} {jaar} ({vs}): netto kosten per taakveld")
        handles = [Patch(color=DOMEIN_KLEUREN[d], label=d) for d in DOMEINEN
                   if d in set(rows["domein"])]
        if (rows.get("verslagsoort", pd.Series(dtype=str)) == "jaarrekening").any():
            handles.append(Line2D([], [], marker="|", ls="", color="black", markersize=10,
                                  label="begroting"))
        fig.legend(handles=handles, loc="outside lower center", ncol=len(handles))
        _footer(fig)
    return fig


def plot_projection(projection: Projection, titel: str = "", measure: str = "tekort_eur") -> Figure:
    """Observed series with the projection and its prediction interval, or the reason why not.

    Args:
        projection: Output of :func:`~analysekit.analysis.forecast.project`.
        titel: Title.
        measure: Used for the axis label.
    """
    with style():
        fig = _new_figure(7.5, 4.2)
        ax = fig.subplots()
        o = projection.observed
        ax.plot(o["jaar"], o["waarde"], marker="o", color=PEER_KLEUR, lw=2, label="waargenomen")
        if projection.ok:
            f = projection.forecast
            ax.plot(np.r_[o["jaar"].iloc[-1], f["jaar"]], np.r_[o["waarde"].iloc[-1],
                    f["verwachting"]], ls="--", color=ACCENT, lw=1.8, label="projectie")
            pct = round(projection.coverage * 100)
            ax.fill_between(f["jaar"], f["ondergrens"], f["bovengrens"], color=ACCENT, alpha=0.18,
                            lw=0, label=f"{pct}%-voorspellingsinterval")
            ax.legend(loc="best")
        ax.text(0.01, 0.02, _wrap(projection.message, 95), transform=ax.transAxes, fontsize=8,
                va="bottom", ha="left", color="#333333",
                bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"})
        ax.yaxis.set_major_formatter(_EUR_AXIS)
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        ax.set_xlabel("jaar")
        ax.set_ylabel(MATEN.get(measure, measure))
        ax.set_title(titel or f"Projectie: {MATEN.get(measure, measure)}")
        _footer(fig)
    return fig


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


# --------------------------------------------------------------------------- benchmark


def plot_peer_strip(
    values: pd.DataFrame,
    gm_code: str,
    peer_list: pd.DataFrame | Sequence[str],
    measure: str = "netto_per_inwoner",
    domeinen: Sequence[str] = DOMEINEN,
) -> Figure:
    """Box + strip of the peers per domein, with the gemeente highlighted.

    Args:
        values: Long table with gm_code, domein and ``measure`` (e.g. deficits_all).
        gm_code: The gemeente.
        peer_list: Peer table (gm_code column) or gm_codes.
        measure: Column to compare.
        domeinen: Domains to show.
    """
    codes = (peer_list["gm_code"].astype(str).tolist() if isinstance(peer_list, pd.DataFrame)
             else [str(c) for c in peer_list])
    own = _rows(values, gm_code, "plot_peer_strip")
    peer_rows = values.loc[values["gm_code"].isin(codes) & values["domein"].isin(domeinen)]
    order = [d for d in domeinen if d in set(values["domein"])]
    with style():
        fig = _new_figure(8.5, 1.1 * len(order) + 1.6)
        ax = fig.subplots()
        groups = [peer_rows.loc[peer_rows["domein"] == d, measure].dropna().to_numpy()
                  for d in order]
        ax.boxplot(groups, positions=np.arange(len(order)), orientation="horizontal",
                   widths=0.55, showfliers=False, patch_artist=True,
                   boxprops={"facecolor": "#E6E6E6", "edgecolor": "#555555"},
                   medianprops={"color": "#555555"}, whiskerprops={"color": "#555555"},
                   capprops={"color": "#555555"})
        ax.set_yticks(np.arange(len(order)), order)
        ax.invert_yaxis()
        rng = np.random.default_rng(0)  # seeded jitter: the same figure every run
        pos = peer_rows["domein"].map({d: i for i, d in enumerate(order)}).to_numpy(float)
        ax.scatter(peer_rows[measure], pos + rng.uniform(-0.18, 0.18, len(pos)), s=22,
                   color=PEER_KLEUR, alpha=0.75, zorder=4)
        o = own.set_index("domein").reindex(order)
        ax.scatter(o[measure], np.arange(len(order)), marker="D", s=90, color=ACCENT,
                   edgecolor="white", lw=1.2, zorder=5)
        ax.xaxis.set_major_formatter(_EUR_AXIS)
        ax.set_xlabel(MATEN.get(measure, measure))
        ax.set_ylabel("")
        jaar = f" {int(own['jaar'].iloc[0])}" if "jaar" in own.columns else ""
        ax.set_title(f"{_naam(values, gm_code)}{jaar} tussen {len(codes)} vergelijkbare gemeenten")
        ax.legend(handles=[
            Line2D([], [], marker="D", ls="", color=ACCENT, markersize=8,
                   label=_naam(values, gm_code)),
            Line2D([], [], marker="o", ls="", color=PEER_KLEUR, label="vergelijkbare gemeenten"),
            Patch(facecolor="#E6E6E6", edgecolor="#555555", label="kwartielen peers"),
        ], loc="lower right")
        _footer(fig)
    return fig


def plot_choropleth(
    grenzen: pd.DataFrame,
    values: pd.DataFrame,
    column: str,
    gm_code: str | None = None,
    peer_list: pd.DataFrame | Sequence[str] | None = None,
    titel: str | None = None,
    cmap: str = "YlOrRd",
) -> Figure:
    """Choropleth of a per-gemeente figure with the gemeente and its peers outlined.

    Args:
        grenzen: GeoDataFrame with gm_code and geometry (table ``grenzen`` of one jaar).
        values: gm_code and ``column`` (one row per gemeente).
        column: Column to colour by.
        gm_code: Gemeente to outline thickly (optional).
        peer_list: Peers to outline (optional).
        titel: Title (default: the column label).
        cmap: Matplotlib colormap name.
    """
    import geopandas as gpd

    if not isinstance(grenzen, gpd.GeoDataFrame):
        raise ParameterError("plot_choropleth needs a GeoDataFrame (table grenzen)")
    if "jaar" in grenzen.columns and grenzen["jaar"].nunique() > 1:
        raise ParameterError("plot_choropleth: grenzen holds several jaren; select one indeling")
    if values["gm_code"].duplicated().any():
        raise ParameterError("plot_choropleth: values must have one row per gm_code")
    geo = grenzen[["gm_code", "geometry"]].merge(values[["gm_code", column]], on="gm_code",
                                                 how="left")
    geo = gpd.GeoDataFrame(geo, geometry="geometry", crs=grenzen.crs)
    if geo.crs is not None and geo.crs.to_epsg() != 28992:
        geo = geo.to_crs(28992)
    codes = ([] if peer_list is None else
             peer_list["gm_code"].astype(str).tolist() if isinstance(peer_list, pd.DataFrame)
             else [str(c) for c in peer_list])
    with style():
        fig = _new_figure(7.0, 8.0)
        ax = fig.subplots()
        geo.plot(column=column, ax=ax, cmap=cmap, legend=True, edgecolor="white", linewidth=0.2,
                 missing_kwds={"color": "#EEEEEE", "label": "onbekend"},
                 legend_kwds={"label": MATEN.get(column, column), "shrink": 0.6,
                              "format": _EUR_AXIS if "eur" in column or "per_" in column
                              else None})
        if codes:
            geo[geo["gm_code"].isin(codes)].boundary.plot(ax=ax, color=PEER_RAND, linewidth=1.4)
        if gm_code is not None:
            geo[geo["gm_code"] == gm_code].boundary.plot(ax=ax, color="black", linewidth=2.6)
        ax.set_axis_off()
        ax.set_title(titel or MATEN.get(column, column))
        handles = []
        if gm_code is not None:
            naam = gm_code
            if "naam" in grenzen.columns:
                hit = grenzen.loc[grenzen["gm_code"] == gm_code, "naam"]
                naam = str(hit.iloc[0]) if len(hit) else gm_code
            handles.append(Line2D([], [], color="black", lw=2.6, label=naam))
        if codes:
            handles.append(Line2D([], [], color=PEER_RAND, lw=1.4,
                                  label="vergelijkbare gemeenten"))
        if handles:
            ax.legend(handles=handles, loc="upper left")
        _footer(fig, "Bron: CBS/PDOK gebiedsindelingen, CBS, BZK; bewerking analysekit.")
    return fig
