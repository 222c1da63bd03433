"""SYNTHETIC tables for prijs × volume and the ladder, with known answers (not real data).

Made up so that every split is exact in floating point (all numbers are small integers or
exact binary fractions). gm_codes GM90xx do not exist. Shapes follow docs/tables.md.

Every gemeente has 100,000 inwoners in every year, so net cost per inwoner = netto / 100,000
and volume (clients per 1,000) = clients / 100.

Wmo, jaarrekening 2023 (clients: kenmerk ``wmo_clienten``, a count, in 2022 and 2023):

=======  ======  =====  ======  =====================================
gm_code  volume  price  y (€)   role
=======  ======  =====  ======  =====================================
GM9001   60      5000   300     the gemeente
GM9002   40      5000   200     peer
GM9003   50      4000   200     peer
GM9004   50      5000   250     peer
GM9005   60      5000   300     peer
GM9006   –       –      –       peer, jaarrekening 2023 NOT delivered (all 0)
=======  ======  =====  ======  =====================================

Peer medians (GM9006 left out): volume 50, y 225, so price ref = 1000 × 225 / 50 = 4500.
GM9001 − median = 75 = volume (60 − 50) × 4500 / 1000 = 45 + price 50 × 500 / 1000 = 25
+ interaction 10 × 500 / 1000 = 5. Kitagawa: volume 10 × 9500 / 2000 = 47.5, price
500 × 110 / 2000 = 27.5.

GM9001 Wmo jaarrekening 2022: volume 50 (5,000 clients in 2022), price 4000, y 200. Change
2022 → 2023 = 100 = volume 10 × 4000 / 1000 = 40 + price 50 × 1000 / 1000 = 50 + interaction
10 × 1000 / 1000 = 10.

Jeugd (kenmerk ``jongeren_met_jeugdzorg``, 2023): GM9002 has 0 jongeren (→ ``klein aantal``),
GM9003 has 8 (< 10 → ``klein aantal``), GM9004 has no row (→ ``geen cliëntentelling``).

Participatie (kenmerk ``bijstand_per_1000``, a rate, 2021 only): both cost years use 2021, so the
change 2022 → 2023 cannot be split (status says the client year is the same).

Jeugd net cost is 6.72a = 3,000,000 for everyone (€ 30 per inwoner).

Ladder (lasten, jaarrekening 2023, GM9001): 6.1 = 3,000,000 and 6.2 = 3,000,000 (voorliggend
6,000,000); 6.71a lasten = Wmo netto + baten − 3,000,000 = 28,000,000 and 6.72a = 3,000,000
(maatwerk 31,000,000); 6.81a = 3,000,000 (geëscaleerd); ladder 40,000,000 → 15% / 77.5% /
7.5%. 6.3 (Participatie) and 0.1 are not on the ladder.
"""

from __future__ import annotations

import pandas as pd

INWONERS = 100_000
BATEN = 1_000_000.0

# gm_code → (Wmo volume, Wmo y €/inwoner) for jaarrekening 2023
WMO_2023 = {"GM9001": (60, 300), "GM9002": (40, 200), "GM9003": (50, 200),
            "GM9004": (50, 250), "GM9005": (60, 300)}
GEMEENTEN = [*WMO_2023, "GM9006"]
NIET_GELEVERD = ("GM9006", 2023, "jaarrekening")


def _iv3_rows(gm: str, jaar: int, vs: str, netto_wmo: float, zero: bool = False) -> list[dict]:
    def row(tv: str, domein: str, lasten: float, baten: float) -> dict:
        if zero:
            lasten = baten = 0.0
        return {"gm_code": gm, "jaar": jaar, "verslagsoort": vs, "taakveld": tv,
                "taakveld_naam": tv, "domein": domein, "lasten_eur": float(lasten),
                "baten_eur": float(baten), "salarissen_eur": float("nan")}

    return [
        # Wmo net cost on 6.71a; ladder lasten: see the module docstring
        row("6.71a", "Wmo", netto_wmo + BATEN - 3_000_000.0, BATEN),
        row("6.81a", "Wmo", 3_000_000.0, 0.0),
        row("6.72a", "Jeugd", 3_000_000.0, 0.0),
        row("6.1", "Sociale basisvoorzieningen", 3_000_000.0, 0.0),
        row("6.2", "Sociale basisvoorzieningen", 3_000_000.0, 0.0),
        row("6.3", "Participatie", 3_000_000.0, 2_500_000.0),
        row("0.1", "Overig", 5_000_000.0, 0.0),
    ]


def iv3() -> pd.DataFrame:
    """SYNTHETIC table iv3: jaarrekening 2022 and 2023; GM9006 2023 all zero (not delivered)."""
    rows = []
    for gm in GEMEENTEN:
        y23 = WMO_2023.get(gm, (50, 250))[1]
        rows += _iv3_rows(gm, 2023, "jaarrekening", y23 * INWONERS,
                          zero=(gm, 2023, "jaarrekening") == NIET_GELEVERD)
        y22 = 200 if gm == "GM9001" else y23
        rows += _iv3_rows(gm, 2022, "jaarrekening", y22 * INWONERS)
    return pd.DataFrame(rows)


def gemeenten() -> pd.DataFrame:
    """SYNTHETIC table gemeenten: 100,000 inwoners for every gemeente in 2021–2023."""
    return pd.DataFrame([
        {"gm_code": gm, "jaar": j, "naam": f"Synthetisch {gm[-1]}", "inwoners": INWONERS}
        for gm in GEMEENTEN for j in (2021, 2022, 2023)
    ])


def kenmerken() -> pd.DataFrame:
    """SYNTHETIC table kenmerken with the client counts described in the module docstring."""
    rows = []

    def add(gm: str, jaar: int, kenmerk: str, waarde: float, eenheid: str = "personen") -> None:
        rows.append({"gm_code": gm, "jaar": jaar, "kenmerk": kenmerk, "waarde": float(waarde),
                     "eenheid": eenheid, "bron": "synthetisch"})

    for gm in GEMEENTEN:
        v23 = WMO_2023.get(gm, (50, 250))[0]
        add(gm, 2023, "wmo_clienten", v23 * INWONERS / 1000)
        add(gm, 2022, "wmo_clienten", (50 if gm == "GM9001" else v23) * INWONERS / 1000)
        add(gm, 2021, "bijstand_per_1000", 25.0, "per 1000 inwoners")
    jeugd = {"GM9001": 2000, "GM9002": 0, "GM9003": 8, "GM9005": 1500, "GM9006": 1000}
    for gm, n in jeugd.items():
        add(gm, 2023, "jongeren_met_jeugdzorg", n)
    return pd.DataFrame(rows)


def peer_tabel() -> pd.DataFrame:
    """SYNTHETIC peers: GM9001's peers are GM9002–GM9006; each other gemeente has GM9001."""
    rows = [{"gm_code": "GM9001", "peer_gm_code": p} for p in GEMEENTEN[1:]]
    rows += [{"gm_code": g, "peer_gm_code": "GM9001"} for g in GEMEENTEN[1:]]
    return pd.DataFrame(rows)
