"""A printed summary of one gemeente's sociaal domein (used by ``make demo``).

Missing is not zero: a jaar × verslagsoort for which the gemeente delivered no Iv3
figures (see :mod:`analysekit.data.levering`) is shown as "geen gegevens", never as € 0.
A gemeente that no longer exists (e.g. Haaren) is refused with one line naming its
successors.
"""

from __future__ import annotations

import warnings

import pandas as pd

from analysekit import nl, settings
from analysekit.data.load import load
from analysekit.errors import ParameterError
from analysekit.vocab import DOMEINEN, TOTAAL, VERSLAGSOORTEN


def summary_frame(gm_code: str, jaar: int | None = None) -> tuple[pd.DataFrame, int, int | None]:
    """Net cost per domein for every delivered year and verslagsoort of one gemeente.

    Returns:
        (frame with jaar, verslagsoort, domein, lasten_eur, baten_eur, netto_eur,
        netto_per_inwoner), the chosen jaar, and the inwoners of that jaar (None when the
        gemeenten table has no row for it).

    Raises:
        ParameterError: ``jaar`` is not in the Iv3 data (the message lists the years).
    """
    lev = load("iv3_levering", gemeente=gm_code)
    years = sorted(int(j) for j in lev["jaar"].unique())
    if jaar is None:
        jr = lev[lev["verslagsoort"].eq("jaarrekening")]
        jaar = int(jr["jaar"].max()) if not jr.empty else years[-1] if years else None
    elif int(jaar) not in years:
        shown = ", ".join(str(j) for j in years)
        raise ParameterError(f"jaar {jaar} staat niet in de Iv3-gegevens; beschikbaar: {shown}")
    if jaar is None:
        raise ParameterError(
            f"gemeente {gm_code} heeft geen Iv3-gegevens in de kit; verwacht: een gemeente "
            "uit de tabel iv3"
        )
    iv3 = load("iv3", gemeente=gm_code)
    iv3 = iv3[iv3["domein"].isin(DOMEINEN)]
    inw = load("gemeenten", gemeente=gm_code).set_index("jaar")["inwoners"]
    # Baten per taakveld are unknown (NaN) for the years only cbs-iv3-meerjarig covers:
    # min_count keeps them NaN (never 0), so netto is NaN there and shown as bruto lasten.
    agg = iv3.groupby(["jaar", "verslagsoort", "domein"], as_index=False)[
        ["lasten_eur", "baten_eur"]
    ].sum(min_count=1)
    agg["netto_eur"] = agg["lasten_eur"] - agg["baten_eur"]
    agg["netto_per_inwoner"] = agg["netto_eur"] / agg["jaar"].map(inw)
    inwoners = inw.get(jaar)
    return agg, int(jaar), None if inwoners is None or pd.isna(inwoners) else int(inwoners)


def _resolve(gemeente: str):  # noqa: ANN202 - returns lookup.Gemeente
    """Resolve the gemeente; a former gemeente is refused with its successors."""
    from analysekit.data.lookup import HerindelingWarning
    from analysekit.data.lookup import gemeente as resolve

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HerindelingWarning)
        g = resolve(gemeente)
    if g.opgeheven:
        opv = ", ".join(f"{o.naam} ({o.gm_code}, {nl.pct(100 * o.aandeel)})" for o in g.opvolgers)
        raise ParameterError(
            f"gemeente {g.naam} ({g.gm_code}) bestond tot {g.jaar} en valt buiten de huidige "
            "indeling (haar Iv3-cijfers tellen mee in de reeks van haar opvolgers: "
            f"domein_reeks); het gebied ging naar {opv}; vraag een van die gemeenten op"
        )
    return g


def summary_text(gemeente: str = settings.DEFAULT_GEMEENTE, jaar: int | None = None) -> str:
    """Return a short Dutch text summary for the terminal.

    Raises:
        UnknownGemeente: The gemeente cannot be resolved.
        ParameterError: A former gemeente (the message names its successors) or a jaar
            outside the Iv3 data.
    """
    from analysekit.data.build import require_built

    require_built(echo=lambda s: None)
    g = _resolve(gemeente)
    agg, jaar, inwoners = summary_frame(g.gm_code, jaar)
    lev = load("iv3_levering", gemeente=g.gm_code, jaar=jaar)
    geleverd = dict(zip(lev["verslagsoort"], lev["geleverd"], strict=True))
    inw = f", {nl.getal(inwoners)} inwoners" if inwoners else ""
    lines = [f"{TOTAAL} {g.naam} ({g.gm_code}){inw}"]
    for vs in reversed(VERSLAGSOORTEN):  # jaarrekening first
        if vs not in geleverd:
            continue
        if not geleverd[vs]:
            lines.append(
                f"\n{vs.capitalize()} {jaar}: {nl.GEEN_GEGEVENS} "
                f"({g.naam} heeft geen Iv3-cijfers geleverd; niet als € 0 gerekend)"
            )
            continue
        sub = agg[(agg["jaar"] == jaar) & (agg["verslagsoort"] == vs)]
        netto = sub["baten_eur"].notna().all()
        col, label = ("netto_eur", "netto lasten (lasten − baten)") if netto else (
            "lasten_eur", "lasten (bruto; de bron heeft voor dit jaar geen baten per "
            "taakveld, netto is niet te berekenen)"
        )
        lines.append(f"\n{vs.capitalize()} {jaar}: {label}")
        inw_jaar = inwoners if inwoners else float("nan")
        for domein, r in sub.set_index("domein").reindex(list(DOMEINEN)).iterrows():
            per = r[col] / inw_jaar
            per_inw = f"   {nl.eur(per)} per inwoner" if nl.finite(per) else ""
            lines.append(f"  {domein:<28} {nl.mln(r[col]):>16}{per_inw}")
        lines.append(f"  {'Totaal ' + TOTAAL.lower():<28} {nl.mln(sub[col].sum()):>16}")
    # Over the years only lasten are known everywhere: the trend line is bruto lasten.
    trend = agg[agg["verslagsoort"] == "begroting"].groupby("jaar")["lasten_eur"].sum()
    missing = load("iv3_levering", gemeente=g.gm_code, verslagsoort="begroting")
    missing = missing.loc[~missing["geleverd"], "jaar"].astype(int).tolist()
    if len(trend) + len(missing) > 1:
        parts = {int(j): nl.mln(v) for j, v in trend.items()}
        parts.update({j: nl.GEEN_GEGEVENS for j in missing})
        lines.append(
            f"\nBegrote lasten (bruto) {TOTAAL.lower()} per jaar: "
            + ", ".join(f"{j}: {t}" for j, t in sorted(parts.items()))
        )
    lines.append(
        "\nBron: CBS Iv3 (onbewerkte Iv3-data), bedragen in euro's; inwoners CBS 1 januari."
    )
    return "\n".join(lines)
