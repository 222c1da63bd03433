"""Pandera schemas of the analysis outputs (the contract between analysis and reporting).

One schema per output table; documented in docs/tables.md ("Analysis outputs"):

* :data:`LENZEN` — :func:`analysekit.analysis.deficits.deficits_all`;
* :data:`GF_GAP` — :func:`analysekit.analysis.gemeentefonds_gap.gap`;
* :data:`NATIONAAL` — :func:`analysekit.analysis.gemeentefonds_gap.national_check`;
* :data:`PEERS` — :func:`analysekit.analysis.peers.peers`;
* :data:`POSITIE` — :func:`analysekit.analysis.peers.position`;
* :data:`BESPARING` — :func:`analysekit.analysis.peers.savings_potential`;
* :data:`HEFBOOM` — :attr:`analysekit.analysis.levers.LeverResult.table`;
* :data:`HEFBOOM_EUR` — :func:`analysekit.analysis.levers.to_euros`;
* :data:`SIMULATIE` — :meth:`analysekit.analysis.register.MonteCarloResult.summary`.

Columns not listed are allowed (``strict=False``), so adding a column is not a break;
removing or retyping one is. :func:`check` validates and raises a one-line DataError.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrors

from analysekit.errors import DataError
from analysekit.vocab import DOMEINEN, GM_CODE, TOTAAL, VERSLAGSOORTEN

__all__ = [
    "BESPARING",
    "GF_GAP",
    "HEFBOOM",
    "HEFBOOM_EUR",
    "LENZEN",
    "NATIONAAL",
    "PEERS",
    "POSITIE",
    "SCHEMAS",
    "SIMULATIE",
    "check",
]

_GM = pa.Column(str, pa.Check.str_matches(rf"^{GM_CODE}$"))
_DOMEIN = pa.Column(str, pa.Check.isin([*DOMEINEN, TOTAAL]))
_DOMEIN4 = pa.Column(str, pa.Check.isin(list(DOMEINEN)))
_VS = pa.Column(str, pa.Check.isin(list(VERSLAGSOORTEN)))
_JAAR = pa.Column(int, pa.Check.in_range(2000, 2100))
_EUR = pa.Column(float, nullable=True)
_TEKEN = pa.Column(str, pa.Check.isin(["tekort", "overschot", "in evenwicht", "–"]))
_P = pa.Column(float, pa.Check.in_range(0.0, 1.0), nullable=True)


def _no_zero_for_missing(df: pd.DataFrame) -> pd.Series:
    """A gemeente without a submission has NaN amounts, never 0."""
    return ~(~df["geleverd"] & df["netto_eur"].notna())


LENZEN = pa.DataFrameSchema(
    {
        "gm_code": _GM, "jaar": _JAAR, "domein": _DOMEIN, "verslagsoort": _VS,
        "geleverd": pa.Column(bool),
        "lasten_eur": _EUR, "baten_eur": _EUR, "netto_eur": _EUR,
        "inwoners": pa.Column(None, pa.Check.gt(0), nullable=True),
        "netto_per_inwoner": _EUR,
        "netto_begroting_eur": _EUR, "netto_jaarrekening_eur": _EUR,
        "overschrijding_eur": _EUR,
        "gf_verdeelmodel_eur": _EUR, "gf_iu_du_eur": _EUR, "gf_eur": _EUR,
        "gf_uitkeringsjaar": pa.Column("Int64", nullable=True),
        "gf_zelfde_jaar": pa.Column(bool),
        "tekort_eur": _EUR, "tekort_teken": _TEKEN, "tekort_per_inwoner": _EUR,
    },
    checks=[pa.Check(_no_zero_for_missing, error="geleverd=False met een bedrag")],
    unique=["gm_code", "jaar", "domein"], strict=False, coerce=False, name="lenzen",
)

GF_GAP = pa.DataFrameSchema(
    {
        "gm_code": _GM, "jaar": _JAAR, "verslagsoort": _VS, "domein": _DOMEIN4,
        "methode": pa.Column(str, pa.Check.isin(["kit", "bzk"])),
        "overhead": pa.Column(bool), "geleverd": pa.Column(bool),
        "lasten_eur": _EUR, "baten_eur": _EUR, "overhead_eur": _EUR,
        "netto_eur": _EUR, "gf_eur": _EUR,
        "gf_uitkeringsjaar": pa.Column("Int64", nullable=True),
        "gf_zelfde_jaar": pa.Column(bool), "gf_label": pa.Column(str),
        "tekort_eur": _EUR, "tekort_teken": _TEKEN, "tekort_per_inwoner": _EUR,
    },
    checks=[pa.Check(_no_zero_for_missing, error="geleverd=False met een bedrag")],
    unique=["gm_code", "jaar", "verslagsoort", "domein"], strict=False, name="gf_gap",
)

NATIONAAL = pa.DataFrameSchema(
    {
        "jaar": _JAAR, "verslagsoort": _VS,
        "methode": pa.Column(str, pa.Check.isin(["kit", "bzk"])), "overhead": pa.Column(bool),
        "domein": _DOMEIN, "n_gemeenten": pa.Column(int, pa.Check.ge(0)),
        "netto_eur": pa.Column(float), "gf_eur": pa.Column(float), "tekort_eur": pa.Column(float),
        "tekort_pct": _EUR, "gf_zelfde_jaar": pa.Column(bool),
    },
    unique=["jaar", "verslagsoort", "methode", "overhead", "domein"], strict=False,
    name="nationaal",
)

PEERS = pa.DataFrameSchema(
    {
        "rang": pa.Column(int, pa.Check.ge(1)), "gm_code": _GM,
        "afstand": pa.Column(float, pa.Check.ge(0)),
        "lijkt_op": pa.Column(str), "verschilt_in": pa.Column(str),
    },
    unique=["gm_code"], strict=False, name="peers",
)

POSITIE = pa.DataFrameSchema(
    {
        "gm_code": _GM, "eigen": _EUR,
        "n_peers_met_waarde": pa.Column(int, pa.Check.ge(0)),
        "peer_mediaan": _EUR, "peer_q1": _EUR, "peer_q3": _EUR,
        "rang": pa.Column(float, pa.Check.ge(1), nullable=True),
        "groep_n": pa.Column(int, pa.Check.ge(1)),
        "percentiel": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
        "z": _EUR, "maat": pa.Column(str),
    },
    strict=False, name="positie",
)

BESPARING = pa.DataFrameSchema(
    {
        "gm_code": _GM, "inwoners": pa.Column(None, pa.Check.gt(0)),
        "eigen_per_inwoner": _EUR, "mediaan_per_inwoner": _EUR,
        "potentieel_eur": _EUR, "potentieel_laag_eur": _EUR, "potentieel_hoog_eur": _EUR,
        "n_peers_met_waarde": pa.Column(int, pa.Check.ge(0)),
    },
    checks=[pa.Check(lambda d: (d["potentieel_laag_eur"] <= d["potentieel_hoog_eur"])
                     | d["potentieel_laag_eur"].isna(), error="laag > hoog")],
    strict=False, name="besparing",
)

HEFBOOM = pa.DataFrameSchema(
    {
        "term": pa.Column(str), "effect": pa.Column(float, nullable=True),
        "se": pa.Column(float, pa.Check.ge(0), nullable=True),
        "ci_low": pa.Column(float, nullable=True), "ci_high": pa.Column(float, nullable=True),
        "p": _P, "n": pa.Column(int, pa.Check.ge(0)),
        "n_gemeenten": pa.Column(int, pa.Check.ge(0)),
        "design": pa.Column(str, pa.Check.isin(["doorsnede", "panel", "event-study"])),
    },
    checks=[pa.Check(lambda d: (d["ci_low"] <= d["ci_high"]) | d["ci_low"].isna(),
                     error="ci_low > ci_high")],
    strict=False, name="hefboom",
)

HEFBOOM_EUR = pa.DataFrameSchema(
    {
        "gm_code": _GM, "term": pa.Column(str), "effect_eur": _EUR,
        "ci_low_eur": _EUR, "ci_high_eur": _EUR, "p": _P, "design": pa.Column(str),
        "claim": pa.Column(str),
    },
    strict=False, name="hefboom_eur",
)

SIMULATIE = pa.DataFrameSchema(
    {
        "jaar": pa.Column(int), "besparing_gemiddeld": pa.Column(float),
        "besparing_p10": pa.Column(float), "besparing_p50": pa.Column(float),
        "besparing_p90": pa.Column(float),
        "kans_tekort_gedekt": pa.Column(float, pa.Check.in_range(0, 1), nullable=True,
                                        required=False),
        "kans_tekort_gedekt_se": pa.Column(float, pa.Check.in_range(0, 0.5), nullable=True,
                                           required=False),
    },
    checks=[
        pa.Check(lambda d: (d["besparing_p10"] <= d["besparing_p50"])
                 & (d["besparing_p50"] <= d["besparing_p90"]), error="P10 ≤ P50 ≤ P90"),
        pa.Check(lambda d: ("kans_tekort_gedekt" in d) == ("kans_tekort_gedekt_se" in d),
                 error="een kans zonder standaardfout", element_wise=False),
    ],
    unique=["jaar"], strict=False, name="simulatie",
)

SCHEMAS = {s.name: s for s in (LENZEN, GF_GAP, NATIONAAL, PEERS, POSITIE, BESPARING, HEFBOOM,
                               HEFBOOM_EUR, SIMULATIE)}


def check(df: pd.DataFrame, schema: str | pa.DataFrameSchema) -> pd.DataFrame:
    """Validate an analysis output; raise a one-line DataError naming table and column.

    Args:
        df: The output frame.
        schema: A schema or its name (a key of :data:`SCHEMAS`).

    Returns:
        ``df`` unchanged.
    """
    s = SCHEMAS[schema] if isinstance(schema, str) else schema
    try:
        s.validate(df, lazy=False)
    except (SchemaError, SchemaErrors) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise DataError(f"analyse-uitvoer {s.name}: {first}") from None
    return df
