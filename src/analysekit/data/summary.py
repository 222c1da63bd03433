"""A printed summary of one gemeente's sociaal domein (used by ``make demo``)."""

from __future__ import annotations

import pandas as pd

from analysekit.data.load import load
from analysekit.data.schemas import DOMEINEN
from analysekit.errors import ParameterError


def _eur(x: float) -> str:
    return f"€ {x / 1e6:,.1f} mln".replace(",", "X").replace(".", ",").replace("X", ".")


def summary_frame(gm_code: str, jaar: int | None = None) -> tuple[pd.DataFrame, int, int]:
    """Net cost per domein for every available year and verslagsoort of one gemeente.

    Returns:
        (frame with jaar, verslagsoort, domein, lasten_eur, baten_eur, netto_eur,
        netto_per_inwoner), the chosen jaar, and the inwoners used.
    """
    iv3 = load("iv3", gemeente=gm_code)
    iv3 = iv3[iv3["domein"].isin(DOMEINEN)]
    if jaar is None:
        jr = iv3[iv3["verslagsoort"] == "jaarrekening"]
        jaar = int(jr["jaar"].max()) if not jr.empty else int(iv3["jaar"].max())
    elif jaar not in set(iv3["jaar"]):
        years = ", ".join(str(j) for j in sorted(iv3["jaar"].unique()))
        raise ParameterError(f"jaar {jaar} is not in the Iv3 data; available: {years}")
    gem = load("gemeenten", gemeente=gm_code)
    inw = gem.set_index("jaar")["inwoners"]
    agg = iv3.groupby(["jaar", "verslagsoort", "domein"], as_index=False)[
        ["lasten_eur", "baten_eur"]
    ].sum()
    agg["netto_eur"] = agg["lasten_eur"] - agg["baten_eur"]
    agg["netto_per_inwoner"] = agg["netto_eur"] / agg["jaar"].map(inw)
    return agg, jaar, int(inw.get(jaar, inw.iloc[-1]))


def summary_text(gemeente: str = "Tilburg", jaar: int | None = None) -> str:
    """Return a short Dutch text summary for the terminal."""
    from analysekit.data.lookup import gemeente as resolve

    g = resolve(gemeente)
    agg, jaar, inwoners = summary_frame(g.gm_code, jaar)
    n_inw = f"{inwoners:,}".replace(",", ".")
    lines = [f"Sociaal domein {g.naam} ({g.gm_code}), {n_inw} inwoners"]
    for vs in ("jaarrekening", "begroting"):
        sub = agg[(agg["jaar"] == jaar) & (agg["verslagsoort"] == vs)]
        if sub.empty:
            continue
        lines.append(f"\n{vs.capitalize()} {jaar}: netto lasten (lasten − baten)")
        for _, r in sub.set_index("domein").reindex(list(DOMEINEN)).dropna(how="all").iterrows():
            per_inw = f"{r.netto_per_inwoner:,.0f}".replace(",", ".")
            lines.append(f"  {r.name:<28} {_eur(r.netto_eur):>16}   € {per_inw} per inwoner")
        lines.append(f"  {'Totaal sociaal domein':<28} {_eur(sub.netto_eur.sum()):>16}")
    trend = agg[agg["verslagsoort"] == "begroting"].groupby("jaar")["netto_eur"].sum()
    if len(trend) > 1:
        lines.append(
            "\nBegroot sociaal domein per jaar: "
            + ", ".join(f"{j}: {_eur(v)}" for j, v in trend.items())
        )
    lines.append(
        "\nBron: CBS Iv3 (onbewerkte Iv3-data), bedragen in euro's; inwoners CBS 1 januari."
    )
    return "\n".join(lines)
