"""SYNTHETIC canonical-shaped tables with known answers (not real data).

Everything in this module is made up so that the analysis functions can be tested with exact,
hand-computable answers. The shapes and column names follow docs/tables.md (iv3, gemeenten,
kenmerken, gemeentefonds); gm_codes GM9xxx do not exist in reality.

Hand-computed answers (used in tests/test_deficits.py):

* Per gemeente ``i`` (scale ``s_i``) and jaarrekening 2023, net cost per domain is
  ``NETTO_BASIS[domein] * s_i``: Jeugd = (1_000_000 − 100_000 + 500_000) × s = 1_400_000 × s,
  Wmo = (2_000_000 − 200_000) × s = 1_800_000 × s, Participatie = (3_000_000 − 2_500_000) × s
  = 500_000 × s, Sociale basisvoorzieningen = 400_000 × s.
* Begroting 2023 is 90 % of the jaarrekening amounts (lasten and baten), so the overrun is
  10 % of the jaarrekening net cost: Jeugd overrun = 140_000 × s.
* Begroting 2024 is 110 % of the jaarrekening 2023 amounts.
* Gemeentefonds: uitkeringsjaren 2024 (circulaires M2024 and S2024) and 2025 (M2024). For
  jaar 2023 the nearest uitkeringsjaar is 2024 and the newest circulaire for it S2024.
  S2024 verdeelmodel per domain = ``GF_BASIS[domein] * s_i``, IU/DU = ``IUDU_BASIS[domein] * s_i``.
  M2024 amounts are double (so picking the wrong circulaire is visible).
* Kenmerken: jongeren, inwoners_75_plus_drempel, huishoudens for 2021 and 2024 only (so for
  jaar 2023 the nearest year is 2024, and for 2022 it is 2021); client counts for 2021 only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

JAAR = 2023

# gm_code, naam, provincie, inwoners 2023, grootteklasse, stedelijkheid, scale s_i
GEMEENTEN = [
    ("GM9001", "Synthetisch Alfa", "Noord", 100_000, "100000tot150000inwoners", 1, 1.0),
    ("GM9002", "Synthetisch Beta", "Noord", 50_000, "50000tot100000inwoners", 2, 0.5),
    ("GM9003", "Synthetisch Gamma", "Zuid", 20_000, "20000tot50000inwoners", 3, 0.2),
    ("GM9004", "Synthetisch Delta", "Zuid", 10_000, "10000tot20000inwoners", 4, 0.1),
    ("GM9005", "Synthetisch Epsilon", "Zuid", 200_000, "150000tot250000inwoners", 1, 2.0),
]

# taakveld, taakveld_naam, domein, lasten, baten (jaarrekening 2023 at scale 1)
TAAKVELDEN = [
    ("0.1", "Bestuur", "Overig", 999_000.0, 0.0),
    ("6.1", "Samenkracht en burgerparticipatie", "Sociale basisvoorzieningen", 400_000.0, 0.0),
    ("6.3", "Inkomensregelingen", "Participatie", 3_000_000.0, 2_500_000.0),
    ("6.71a", "Huishoudelijke hulp (Wmo)", "Wmo", 2_000_000.0, 200_000.0),
    ("6.72a", "Jeugdhulp begeleiding", "Jeugd", 1_000_000.0, 100_000.0),
    ("6.82a", "Jeugdbescherming", "Jeugd", 500_000.0, 0.0),
]

NETTO_BASIS = {
    "Sociale basisvoorzieningen": 400_000.0,
    "Participatie": 500_000.0,
    "Wmo": 1_800_000.0,
    "Jeugd": 1_400_000.0,
}
GF_BASIS = {  # S2024 verdeelmodel at scale 1
    "Sociale basisvoorzieningen": 300_000.0,
    "Participatie": 400_000.0,
    "Wmo": 1_500_000.0,
    "Jeugd": 1_000_000.0,
}
IUDU_BASIS = {  # S2024 integratie/decentralisatie at scale 1
    "Sociale basisvoorzieningen": 0.0,
    "Participatie": 50_000.0,
    "Wmo": 100_000.0,
    "Jeugd": 0.0,
}
# kenmerken at scale 1 (values × s_i); year 2024 is 2 % higher than 2021 for the first three
KENMERKEN_BASIS = {
    "jongeren": 20_000.0,
    "inwoners_75_plus_drempel": 5_000.0,
    "huishoudens": 45_000.0,
}
CLIENTEN_BASIS = {  # 2021 only
    "wmo_clienten": 6_000.0,
    "jongeren_met_jeugdzorg": 2_000.0,
    "bijstandsontvangers": 4_000.0,
}


def scale(gm_code: str) -> float:
    """Return the synthetic scale factor s_i of a gemeente."""
    return {g[0]: g[6] for g in GEMEENTEN}[gm_code]


def gemeenten() -> pd.DataFrame:
    """SYNTHETIC table ``gemeenten`` for 2023 and 2024 (inwoners +1 % in 2024)."""
    rows = []
    for code, naam, prov, inw, gk, sted, _s in GEMEENTEN:
        for jaar, factor in ((2023, 1.0), (2024, 1.01)):
            rows.append({
                "gm_code": code, "jaar": jaar, "naam": naam, "provincie": prov,
                "inwoners": int(round(inw * factor)), "grootteklasse": gk,
                "stedelijkheid": sted, "stedelijkheid_label": f"klasse {sted}",
                "centrumfunctie": None, "sociale_structuur": None,
            })
    df = pd.DataFrame(rows)
    df["stedelijkheid"] = df["stedelijkheid"].astype("Int64")
    return df


def iv3() -> pd.DataFrame:
    """SYNTHETIC table ``iv3``: jaarrekening 2023, begroting 2023 (×0.9), begroting 2024 (×1.1)."""
    rows = []
    for code, *_rest, s in GEMEENTEN:
        for jaar, soort, factor in (
            (2023, "jaarrekening", 1.0),
            (2023, "begroting", 0.9),
            (2024, "begroting", 1.1),
        ):
            for tv, naam, dom, lasten, baten in TAAKVELDEN:
                rows.append({
                    "gm_code": code, "jaar": jaar, "verslagsoort": soort, "taakveld": tv,
                    "taakveld_naam": naam, "domein": dom,
                    "lasten_eur": lasten * s * factor, "baten_eur": baten * s * factor,
                    "salarissen_eur": np.nan,
                })
    return pd.DataFrame(rows)


def kenmerken() -> pd.DataFrame:
    """SYNTHETIC table ``kenmerken`` (long): denominators 2021 and 2024, clients 2021."""
    rows = []
    for code, *_rest, s in GEMEENTEN:
        for naam, base in KENMERKEN_BASIS.items():
            for jaar, factor in ((2021, 1.0), (2024, 1.02)):
                rows.append((code, jaar, naam, base * s * factor, "personen", "synthetisch"))
        for naam, base in CLIENTEN_BASIS.items():
            rows.append((code, 2021, naam, base * s, "personen", "synthetisch"))
    return pd.DataFrame(rows, columns=["gm_code", "jaar", "kenmerk", "waarde", "eenheid", "bron"])


def kenmerken_rates() -> pd.DataFrame:
    """SYNTHETIC ``kenmerken`` with client RATES only (as in the KWB), jaar 2021.

    Per gemeente: inwoners 2021 = 100_000 × s, wmo_clienten_per_1000 = 60, bijstand_per_1000
    = 40, jeugdzorg_pct = 10 with inwoners 0–4, 5–9, 10–14, 15–19 = 5_000, 5_000, 5_000,
    5_000 × s, so 0–17 = 18_000 × s. Expected counts: Wmo 6_000 × s, bijstand 4_000 × s,
    jeugdzorg 1_800 × s.
    """
    rows = []
    for code, *_rest, s in GEMEENTEN:
        for naam, v in (("inwoners", 100_000 * s), ("wmo_clienten_per_1000", 60.0),
                        ("bijstand_per_1000", 40.0), ("jeugdzorg_pct", 10.0),
                        ("inwoners_0_4", 5_000 * s), ("inwoners_5_9", 5_000 * s),
                        ("inwoners_10_14", 5_000 * s), ("inwoners_15_19", 5_000 * s)):
            rows.append((code, 2021, naam, float(v), "", "synthetisch"))
    return pd.DataFrame(rows, columns=["gm_code", "jaar", "kenmerk", "waarde", "eenheid", "bron"])


def gemeentefonds() -> pd.DataFrame:
    """SYNTHETIC table ``gemeentefonds``: S2024/M2024 for 2024, M2024 for 2025."""
    rows = []
    for code, *_rest, s in GEMEENTEN:
        for circ, uj, factor in (("S2024", 2024, 1.0), ("M2024", 2024, 2.0), ("M2024", 2025, 3.0)):
            for dom in GF_BASIS:
                rows.append((code, circ, uj, dom, "verdeelmodel", GF_BASIS[dom] * s * factor))
                rows.append((code, circ, uj, dom, "integratie_decentralisatie",
                             IUDU_BASIS[dom] * s * factor))
            rows.append((code, circ, uj, "Overig", "verdeelmodel", 123.0))
    return pd.DataFrame(
        rows, columns=["gm_code", "circulaire", "uitkeringsjaar", "domein", "soort", "bedrag_eur"]
    )


def peer_features() -> tuple[pd.DataFrame, pd.DataFrame]:
    """SYNTHETIC peer features with population mean 0 and std 1, so z = raw value.

    Returns:
        ``(features, info)``: features indexed by gm_code with columns ``x`` and ``y``;
        info with naam, provincie, inwoners, grootteklasse, stedelijkheid.

    Points (x, y): GM9101 (−1, −1), GM9102 (−1, 1), GM9103 (1, −1), GM9104 (1, 1),
    GM9105 (−1, −1), GM9106 (1, 1). Means are 0 and population standard deviations 1.
    From GM9101: GM9105 at 0, GM9102 and GM9103 at 2 (tie, broken by gm_code), GM9104 and
    GM9106 at √8.
    """
    codes = [f"GM910{i}" for i in range(1, 7)]
    feats = pd.DataFrame(
        {"x": [-1.0, -1.0, 1.0, 1.0, -1.0, 1.0], "y": [-1.0, 1.0, -1.0, 1.0, -1.0, 1.0]},
        index=pd.Index(codes, name="gm_code"),
    )
    info = pd.DataFrame({
        "gm_code": codes,
        "naam": [f"Synthetisch {c}" for c in codes],
        "provincie": ["Noord", "Noord", "Zuid", "Zuid", "Zuid", "Noord"],
        "inwoners": [10_000, 20_000, 30_000, 40_000, 50_000, 60_000],
        "grootteklasse": ["10000tot20000inwoners", "20000tot50000inwoners",
                          "20000tot50000inwoners", "20000tot50000inwoners",
                          "50000tot100000inwoners", "50000tot100000inwoners"],
        "stedelijkheid": pd.array([1, 2, 2, 3, 1, 2], dtype="Int64"),
    })
    return feats, info


def peer_values() -> pd.DataFrame:
    """SYNTHETIC per-inwoner net cost for the peer gemeenten (domain Jeugd and Wmo).

    Jeugd per inwoner: GM9101 500, GM9102 300, GM9103 400, GM9104 200, GM9105 600, GM9106 100.
    Wmo per inwoner: all 250 (ties everywhere).
    """
    codes = [f"GM910{i}" for i in range(1, 7)]
    jeugd = [500.0, 300.0, 400.0, 200.0, 600.0, 100.0]
    rows = [(c, "Jeugd", v) for c, v in zip(codes, jeugd, strict=True)]
    rows += [(c, "Wmo", 250.0) for c in codes]
    return pd.DataFrame(rows, columns=["gm_code", "domein", "netto_per_inwoner"])


def random_tables(n: int = 342, seed: int = 0) -> dict[str, pd.DataFrame]:
    """SYNTHETIC random tables of real size (n gemeenten) for benchmarks without the build.

    Args:
        n: Number of gemeenten.
        seed: Seed of the random generator.

    Returns:
        Dict with iv3, gemeenten, kenmerken, gemeentefonds.
    """
    rng = np.random.default_rng(seed)
    codes = [f"GM{i:04d}" for i in range(1, n + 1)]
    inw = rng.integers(1_000, 900_000, n)
    gem = pd.DataFrame({
        "gm_code": codes, "jaar": 2023, "naam": codes, "provincie": rng.choice(list("ABCD"), n),
        "inwoners": inw, "grootteklasse": "x", "stedelijkheid": pd.array(
            rng.integers(1, 6, n), dtype="Int64"),
    })
    tv = [(f"6.{j}", dom) for j, dom in enumerate(
        ["Sociale basisvoorzieningen", "Participatie", "Wmo", "Jeugd"] * 6 + ["Overig"] * 40)]
    iv = []
    for soort in ("jaarrekening", "begroting"):
        df = pd.DataFrame({
            "gm_code": np.repeat(codes, len(tv)),
            "taakveld": [t for t, _ in tv] * n,
            "domein": [d for _, d in tv] * n,
        })
        df["jaar"] = 2023
        df["verslagsoort"] = soort
        df["taakveld_naam"] = df["taakveld"]
        df["lasten_eur"] = rng.gamma(2.0, 1e6, len(df))
        df["baten_eur"] = rng.gamma(1.0, 2e5, len(df))
        df["salarissen_eur"] = np.nan
        iv.append(df)
    iv3_df = pd.concat(iv, ignore_index=True)
    ken = []
    for naam in ("jongeren", "inwoners_75_plus_drempel", "huishoudens", "wmo_clienten",
                 "jongeren_met_jeugdzorg", "bijstandsontvangers", "eenpersoonshuishoudens",
                 "lage_inkomens_huishoudens", "omgevingsadressendichtheid_gf", "gf_woonr",
                 "inwoners_gf"):
        ken.append(pd.DataFrame({
            "gm_code": codes, "jaar": 2023, "kenmerk": naam,
            "waarde": inw * rng.uniform(0.02, 0.4, n), "eenheid": "personen", "bron": "synth",
        }))
    gf = []
    for dom in ("Sociale basisvoorzieningen", "Participatie", "Wmo", "Jeugd"):
        for soort in ("verdeelmodel", "integratie_decentralisatie"):
            gf.append(pd.DataFrame({
                "gm_code": codes, "circulaire": "M2024", "uitkeringsjaar": 2024, "domein": dom,
                "soort": soort, "bedrag_eur": inw * rng.uniform(50, 500, n),
            }))
    return {
        "iv3": iv3_df, "gemeenten": gem, "kenmerken": pd.concat(ken, ignore_index=True),
        "gemeentefonds": pd.concat(gf, ignore_index=True),
    }
