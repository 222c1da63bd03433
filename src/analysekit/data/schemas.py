"""Schemas and metadata of the canonical tables.

One declaration per table (:data:`TABLES`) gives, per column, the dtype, unit, description
and checks. From it come both the pandera schema that validates the table before it is
written and the ``<table>.meta.yaml`` file written beside the parquet file (owid-style
metadata: title, unit, source next to each dataset).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysekit.data.levering import REDENEN
from analysekit.errors import DataError
from analysekit.vocab import DOMEINEN, GM_CODE, OVERIG, TOTAAL, VERSLAGSOORTEN

if TYPE_CHECKING:
    import pandera.pandas as pa


class _Check:
    """A pandera ``Check`` named by constructor and arguments, made when a schema is built.

    pandera is imported by :func:`schema` and :func:`validate` only: reading a table or
    resolving a gemeente uses the declarations below but never validates (importing
    pandera costs about 0.2 s per process).
    """

    def __init__(self, name: str, *args: Any) -> None:
        self.name, self.args = name, args

    def __repr__(self) -> str:
        return f"Check.{self.name}{self.args!r}"

    def build(self) -> pa.Check:
        """The pandera check."""
        import pandera.pandas as pa

        return getattr(pa.Check, self.name)(*self.args)

#: Values of a ``domein`` column: the four sociaal-domein clusters and ``Overig``.
DOMEINEN_ALL = (*DOMEINEN, OVERIG)

#: The documented rule of :mod:`analysekit.data.levering`, written into the metadata.
LEVERING_REGEL = (
    "Per gemeente x jaar x verslagsoort: zijn alle lasten en baten over alle taakvelden 0 of "
    "leeg, of ontbreekt de gemeente in de bron, dan is er geen levering ('geen gegevens'): "
    "geleverd = false en de gemeente heeft voor dat jaar en die verslagsoort geen rijen in "
    "iv3. Een enkel taakveld dat in een geleverde opgave echt 0 is, blijft 0."
)


#: The rules of :mod:`analysekit.data.series`, written into the metadata of domein_reeks.
REEKS_REGEL = (
    "Elk jaar wordt uitgedrukt in de indeling van indeling_jaar via de tabel herindelingen: "
    "samengevoegde gemeenten worden opgeteld, een gesplitste gemeente wordt verdeeld naar "
    "aandeel (oppervlakte). Leverde één voorganger niet, dan is de rij 'geen gegevens' "
    "(geleverd = false, alle bedragen leeg), tenzij die voorganger in de loop van dat jaar "
    "opging in een gemeente die wel leverde (Weesp 2022). Baten en netto zijn leeg tenzij de "
    "bron voor elke voorganger baten per taakveld heeft (baten_bekend). Definitie 'vast' laat "
    "6.1 en 6.91/6.92 in alle jaren weg; 'breuk' noemt een definitiebreuk in het jaar waarin "
    "die begint."
)


@dataclass(frozen=True)
class Col:
    """One column: pandera dtype, unit, description, checks and nullability."""

    dtype: Any
    description: str
    unit: str = ""
    checks: tuple = ()
    nullable: bool = False


@dataclass(frozen=True)
class Table:
    """One canonical table: metadata plus columns and the unique key."""

    title: str
    description: str
    source: str
    columns: dict[str, Col]
    key: tuple[str, ...]
    geo: bool = False
    extra: dict = field(default_factory=dict)
    rule: str = ""


_gm = Col(str, "CBS gemeentecode (GM + 4 cijfers)", checks=(_Check("str_matches", f"^{GM_CODE}$"),))
_verslagsoort = Col(
    str, "begroting of jaarrekening", checks=(_Check("isin", list(VERSLAGSOORTEN)),)
)
_jaar = Col(int, "jaar", "jaar", checks=(_Check("in_range", 1990, 2100),))
_eur = "EUR"

TABLES: dict[str, Table] = {
    "iv3": Table(
        title="Iv3 lasten en baten per gemeente en taakveld",
        description=(
            "Lasten, baten en salarissen per gemeente, boekjaar, verslagsoort (begroting of "
            "jaarrekening) en taakveld, in euro's. Vervangen aggregaatcodes zijn verwijderd. "
            "Alleen echte leveringen: een gemeente zonder levering (zie iv3_levering) heeft "
            "geen rijen; ontbrekend is geen 0."
        ),
        source=(
            "CBS, Gemeenten <jaar> onbewerkte Iv3-data (dataderden.cbs.nl, 45063NED e.a.), "
            "kolom k_2ePlaatsing_2; offline via de mirror: michielsd-begrotingsanalysetool "
            "(jaarrekening 2023, begroting 2023–2025, met baten) en cbs-iv3-meerjarig (overige "
            "jaren 2017–2026, alleen lasten). CC BY 4.0."
        ),
        columns={
            "gm_code": _gm,
            "jaar": _jaar,
            "verslagsoort": _verslagsoort,
            "taakveld": Col(
                str,
                "taakveldcode zoals gepubliceerd in dat boekjaar",
                checks=(_Check("str_matches", r"^\d\.\d+[a-z]?$"),),
            ),
            "taakveld_naam": Col(str, "officiële naam uit het CBS Iv3-definitiebestand"),
            "domein": Col(
                str,
                "domein (gemeentefondscluster) of Overig",
                checks=(_Check("isin", list(DOMEINEN_ALL)),),
            ),
            "lasten_eur": Col(float, "lasten (som L-categorieën)", _eur),
            "baten_eur": Col(
                float,
                "baten (som B-categorieën); NaN waar de bron geen baten per taakveld heeft "
                "(zie baten_bekend) — ontbrekend, nooit 0",
                _eur,
                nullable=True,
            ),
            "salarissen_eur": Col(
                float, "salarissen en sociale lasten (L1.1)", _eur, nullable=True
            ),
            "baten_bekend": Col(
                bool,
                "true als de bron van deze opgave baten per taakveld heeft (netto te "
                "berekenen); false = alleen lasten (bruto), baten_eur NaN",
            ),
        },
        key=("gm_code", "jaar", "verslagsoort", "taakveld"),
        rule=LEVERING_REGEL,
    ),
    "iv3_levering": Table(
        title="Iv3-levering per gemeente, jaar en verslagsoort",
        description=(
            "Eén rij per gemeente van de indeling van dat jaar, per jaar en verslagsoort in de "
            "bron: of de gemeente echte Iv3-cijfers leverde. Niet geleverd = 'geen gegevens' "
            "(NaN in analyses, nooit 0)."
        ),
        source="Afgeleid uit de Iv3-bron (zie iv3) en de indeling (gemeenten) door analysekit.",
        columns={
            "gm_code": _gm,
            "jaar": _jaar,
            "verslagsoort": _verslagsoort,
            "geleverd": Col(bool, "true als de gemeente echte cijfers leverde"),
            "reden": Col(
                str,
                "geleverd; alle lasten en baten 0 of leeg; gemeente ontbreekt in de bron",
                checks=(_Check("isin", list(REDENEN)),),
            ),
            "n_taakvelden_niet_nul": Col(
                int,
                "aantal taakvelden met lasten of baten ongelijk aan 0",
                "taakvelden",
                (_Check("ge", 0),),
            ),
        },
        key=("gm_code", "jaar", "verslagsoort"),
        rule=LEVERING_REGEL,
    ),
    "iv3_totalen": Table(
        title="Iv3-totalen per opgave (gemeente, jaar, verslagsoort)",
        description=(
            "Totale lasten en baten, reservemutaties, algemene uitkering, specifieke "
            "uitkeringen (SPUK; ook op hoofdtaakveld 6), heffingen, salarissen, inhuur en "
            "inwoners per echte opgave, in euro's. Niet-geleverde opgaven staan er niet in."
        ),
        source=(
            "CBS, Gemeenten <jaar> onbewerkte Iv3-data (45038NED 2017 … 45078NED 2026), "
            "samengevat in de mirror cbs-iv3-meerjarig (iv3_totalen.csv.gz). CC BY 4.0."
        ),
        columns={
            "gm_code": _gm,
            "jaar": _jaar,
            "verslagsoort": _verslagsoort,
            "inwoners": Col(int, "inwoners volgens de opgave", "personen", (_Check("ge", 0),)),
            "lasten_eur": Col(float, "totale lasten (excl. reservemutaties)", _eur),
            "baten_eur": Col(float, "totale baten (excl. reservemutaties)", _eur),
            "reserve_lasten_eur": Col(float, "toevoegingen aan reserves (0.10)", _eur),
            "reserve_baten_eur": Col(float, "onttrekkingen aan reserves (0.10)", _eur),
            "lasten_hoofdtaakveld6_eur": Col(float, "lasten hoofdtaakveld 6", _eur),
            "algemene_uitkering_eur": Col(float, "algemene uitkering (0.7)", _eur),
            "spuk_baten_eur": Col(float, "specifieke uitkeringen (baten), totaal", _eur),
            "spuk_baten_hoofdtaakveld6_eur": Col(
                float, "specifieke uitkeringen (baten) op hoofdtaakveld 6", _eur
            ),
            "heffingen_eur": Col(float, "heffingen (baten)", _eur),
            "salarissen_eur": Col(float, "salarissen en sociale lasten", _eur),
            "inhuur_eur": Col(float, "inhuur derden", _eur),
        },
        key=("gm_code", "jaar", "verslagsoort"),
    ),
    "domein_reeks": Table(
        title="Vergelijkbare reeks per domein (één indeling, 2017–2026)",
        description=(
            "Lasten (en baten/netto waar bekend) per gemeente van de nieuwste indeling, jaar, "
            "verslagsoort en domein; voorgangers opgeteld via de herindelingstabel. "
            "definitie 'gepubliceerd' volgt de taakvelden van elk jaar; 'vast' laat 6.1 en "
            "6.91/6.92 weg zodat de definitie over alle jaren gelijk is. Breuken staan in "
            "'breuk'. Niet geleverd (ook door één voorganger) = NaN, nooit 0."
        ),
        source="Afgeleid uit iv3, iv3_levering, herindelingen en gemeenten door analysekit.",
        columns={
            "gm_code": _gm,
            "indeling_jaar": _jaar,
            "jaar": _jaar,
            "verslagsoort": _verslagsoort,
            "definitie": Col(
                str, "gepubliceerd of vast", checks=(_Check("isin", ["gepubliceerd", "vast"]),)
            ),
            "domein": Col(
                str,
                "domein of Sociaal domein (som)",
                checks=(_Check("isin", [*DOMEINEN, TOTAAL]),),
            ),
            "lasten_eur": Col(float, "lasten", _eur, nullable=True),
            "baten_eur": Col(
                float, "baten; NaN tenzij bekend voor elke voorganger", _eur, nullable=True
            ),
            "netto_eur": Col(float, "lasten − baten; NaN tenzij baten bekend", _eur, nullable=True),
            "inwoners": Col(
                float, "inwoners (1 januari), opgeteld over voorgangers", "personen", nullable=True
            ),
            "lasten_per_inwoner": Col(float, "lasten per inwoner", _eur, nullable=True),
            "netto_per_inwoner": Col(float, "netto per inwoner", _eur, nullable=True),
            "geleverd": Col(bool, "false als een voorganger niet leverde: geen gegevens"),
            "baten_bekend": Col(bool, "true als baten voor elke voorganger bekend zijn"),
            "n_voorgangers": Col(int, "aantal gemeenten waaruit de waarde is opgeteld", "",
                                 (_Check("ge", 1),)),
            "breuk": Col(
                str, "definitiebreuk die in dit jaar begint (leeg = geen)", nullable=True
            ),
        },
        key=("gm_code", "jaar", "verslagsoort", "definitie", "domein"),
        rule=REEKS_REGEL,
    ),
    "gemeenten": Table(
        title="Gemeenten per indelingsjaar",
        description="Naam, provincie, inwoners (1 januari), grootteklasse en stedelijkheid.",
        source=(
            "CBS Gebieden in Nederland / 70072ned (inwoners), CBS gebiedsindelingen (namen), "
            "KWB 2017/2021 (stedelijkheid); via de mirror."
        ),
        columns={
            "gm_code": _gm,
            "jaar": _jaar,
            "naam": Col(str, "CBS-naam van de gemeente"),
            "provincie": Col(str, "provincie"),
            "inwoners": Col(int, "inwoners op 1 januari", "personen", (_Check("gt", 0),)),
            "grootteklasse": Col(str, "CBS gemeentegrootteklasse"),
            "stedelijkheid": Col(
                "Int64",
                "stedelijkheid 1 (zeer sterk) t/m 5 (niet)",
                "klasse",
                (_Check("in_range", 1, 5),),
                nullable=True,
            ),
            "stedelijkheid_label": Col(str, "stedelijkheid in woorden", nullable=True),
            "centrumfunctie": Col(str, "centrumfunctie (2023+)", nullable=True),
            "sociale_structuur": Col(str, "sociale structuur (2023+)", nullable=True),
        },
        key=("gm_code", "jaar"),
    ),
    "kenmerken": Table(
        title="Structuurkenmerken per gemeente en jaar (lang formaat)",
        description="Bevolking naar leeftijd, huishoudens, inkomen, bijstand, Wmo, jeugdzorg, "
        "dichtheid en gemeentefondsmaatstaven. Eenheden en definities: kenmerken.yaml.",
        source="CBS 70072ned, KWB (83765NED, 85039NED), 60039fvw; BZK circulaires.",
        columns={
            "gm_code": _gm,
            "jaar": _jaar,
            "kenmerk": Col(str, "naam van het kenmerk (zie kenmerken.yaml)"),
            "waarde": Col(float, "waarde", "zie eenheid"),
            "eenheid": Col(str, "eenheid van de waarde"),
            "bron": Col(str, "brontabel"),
        },
        key=("gm_code", "jaar", "kenmerk"),
    ),
    "gf_maatstaven": Table(
        title="Gemeentefonds: maatstaven (volumina) per circulaire",
        description="Volume per verdeelmaatstaf per gemeente.",
        source="BZK, gemeentefondscirculaires (Clusterdata Volumina); via de mirror.",
        columns={
            "gm_code": _gm,
            "circulaire": Col(
                str, "circulaire, bv. M2024", checks=(_Check("str_matches", r"^[MS]\d{4}$"),)
            ),
            "uitkeringsjaar": _jaar,
            "maatstaf": Col(str, "code van de maatstaf"),
            "maatstaf_naam": Col(str, "naam van de maatstaf", nullable=True),
            "volume": Col(float, "volume", "eenheden van de maatstaf"),
        },
        key=("gm_code", "circulaire", "uitkeringsjaar", "maatstaf"),
    ),
    "gf_gewichten": Table(
        title="Gemeentefonds: gewichten per maatstaf en cluster",
        description="Bedrag per eenheid per maatstaf en cluster, met uitkeringsfactor.",
        source="BZK, gemeentefondscirculaires (Clusterdata Gewichten, Uitkeringsfactor).",
        columns={
            "circulaire": Col(str, "circulaire"),
            "uitkeringsjaar": _jaar,
            "maatstaf": Col(str, "code van de maatstaf"),
            "maatstaf_naam": Col(str, "naam", nullable=True),
            "cluster": Col(str, "cluster zoals gepubliceerd"),
            "domein": Col(str, "domein", checks=(_Check("isin", list(DOMEINEN_ALL)),)),
            "gewicht_eur": Col(float, "bedrag per eenheid", _eur),
            "uitkeringsfactor": Col(float, "uitkeringsfactor", ""),
        },
        key=("circulaire", "uitkeringsjaar", "maatstaf", "cluster"),
    ),
    "gemeentefonds": Table(
        title="Gemeentefonds: objectief budget per gemeente en domein",
        description="verdeelmodel = Σ gewicht × volume × uitkeringsfactor; "
        "integratie_decentralisatie = IU/DU toegerekend aan het cluster.",
        source="BZK, gemeentefondscirculaires; berekend door analysekit.",
        columns={
            "gm_code": _gm,
            "circulaire": Col(str, "circulaire"),
            "uitkeringsjaar": _jaar,
            "domein": Col(str, "domein", checks=(_Check("isin", list(DOMEINEN_ALL)),)),
            "soort": Col(
                str,
                "verdeelmodel of integratie_decentralisatie",
                checks=(_Check("isin", ["verdeelmodel", "integratie_decentralisatie"]),),
            ),
            "bedrag_eur": Col(float, "bedrag", _eur),
        },
        key=("gm_code", "circulaire", "uitkeringsjaar", "domein", "soort"),
    ),
    "grenzen": Table(
        title="Gemeentegrenzen per indelingsjaar",
        description="Gegeneraliseerde gemeentegrenzen, WGS84 (EPSG:4326).",
        source="CBS/PDOK gebiedsindelingen; via de mirror.",
        columns={"gm_code": _gm, "jaar": _jaar, "naam": Col(str, "naam")},
        key=("gm_code", "jaar"),
        geo=True,
    ),
    "herindelingen": Table(
        title="Crosswalk tussen gemeentelijke indelingen",
        description="Aandeel van een oude gemeente dat naar een nieuwe gaat (som 1 per oude code).",
        source="Afgeleid uit de CBS-grenzen (oppervlakte-overlap).",
        columns={
            "van_jaar": _jaar,
            "van_gm_code": _gm,
            "naar_jaar": _jaar,
            "naar_gm_code": _gm,
            "aandeel": Col(float, "aandeel", "fractie", (_Check("in_range", 0, 1),)),
            "sleutel": Col(str, "identiek, samenvoeging of oppervlak"),
        },
        key=("van_jaar", "van_gm_code", "naar_jaar", "naar_gm_code"),
    ),
}


def schema(name: str) -> pa.DataFrameSchema:
    """Return the pandera schema of a canonical table."""
    import pandera.pandas as pa

    t = TABLES[name]
    cols = {
        c: pa.Column(spec.dtype, checks=[k.build() for k in spec.checks],
                     nullable=spec.nullable, coerce=True)
        for c, spec in t.columns.items()
    }
    return pa.DataFrameSchema(cols, unique=list(t.key), strict=False, name=name)


def validate(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Validate (and coerce) a table; raise :class:`DataError` with one line on failure."""
    from pandera.errors import SchemaError, SchemaErrors

    try:
        return schema(name).validate(df, lazy=False)
    except (SchemaError, SchemaErrors) as exc:
        first = str(exc).strip().splitlines()
        detail = " ".join(first[:3])[:400]
        raise DataError(f"tabel {name!r} voldoet niet aan het schema: {detail}") from None


def metadata(name: str, rows: int, built_from: list[str]) -> dict[str, Any]:
    """Return the metadata document written beside a table."""
    t = TABLES[name]
    return {
        "table": name,
        "title": t.title,
        "description": t.description,
        "source": t.source,
        "licence": "CC BY 4.0 (CBS); BZK open data",
        "key": list(t.key),
        "rows": rows,
        "built_from": built_from,
        **({"rule": t.rule} if t.rule else {}),
        "columns": {
            c: {
                "dtype": str(
                    spec.dtype if not isinstance(spec.dtype, type) else spec.dtype.__name__
                ),
                "unit": spec.unit,
                "description": spec.description,
            }
            for c, spec in t.columns.items()
        },
    }
