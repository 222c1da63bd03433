"""Gemeentefonds (algemene uitkering) from the BZK circulaire files in the mirror.

Source folder: ``michielsd-begrotingsanalysetool/Brondata/GF`` (see its ``SOURCE.md``,
section 3). Per circulaire (``GF_<circulaire>_<uitkeringsjaar>_*``, e.g. ``GF_S2024_2025``)
there are three tab-separated files, plus one file of uitkeringsfactoren:

* ``Clusterdata/*_Volumina.csv`` — volume of every verdeelmaatstaf per gemeente
  (``CBS`` = gemeentecode without ``GM``, ``Naam``, ``Prov``, one column per maatstaf code).
* ``Clusterdata/*_Gewichten.csv`` — amount per unit (EUR) of every maatstaf per cluster.
  Rows *without* a code are not maatstaven: they assign an integratie- or
  decentralisatie-uitkering (IU/DU, a column of the SIUDU file) to one cluster with weight 1.
* ``Clusterdata/*_SIUDU.csv`` — IU/DU amounts per gemeente in euros.
* ``Uitkeringsfactor.csv`` — comma-separated, ``Circulaire,Jaar,Uitkeringsfactor``.

Numbers use decimal ``,`` and thousands ``.``; ``-`` (Excel accounting format) means zero;
a few very large WOZ volumes are written in E-notation by the spreadsheet (``2,1543E+11``).
Anything else that is not a number is a :class:`~analysekit.errors.DataError`.

How the tables are computed (canonical tables ``gf_maatstaven``, ``gf_gewichten`` and
``gemeentefonds``, see ``docs/tables.md``):

* ``verdeelmodel`` per gemeente and cluster = Σ_maatstaf gewicht × volume × factor, with
  factor = the circulaire's uitkeringsfactor, except for the OZB inkomstenmaatstaven
  (codes starting with ``WOZ``): the OZB-aftrek (rekentarief × WOZ-waarde) is deducted
  without the uitkeringsfactor. ``gf_gewichten.uitkeringsfactor`` holds the factor actually
  applied (1.0 for the WOZ rows), so the row-wise product reproduces the table exactly.
* Lump sums: ``vast`` (vast bedrag) is paid once to *every* gemeente; the city amounts
  (code ``Amsterdam``, ``Den Haag``, ``Rotterdam``) once to that city only. Their volume is
  therefore 1 (or 0), not a count of units. The Volumina files carry these as indicator
  columns (``vast nieuw``, ``Amsterdam``, ...); the adapter constructs the volumes from the
  rule above, checks them against those columns and stores the maatstaf as ``vast``.
* ``integratie_decentralisatie`` = the SIUDU amounts, each assigned to the cluster given by
  the code-less Gewichten row of the same name (matched case- and punctuation-insensitive,
  so ``Beschermd wonen`` = ``beschermd wonen`` and ``ART.12`` = ``Art. 12``). SIUDU columns
  without such a row go to domein ``Overig``; see :func:`unassigned_siudu_columns` (in the
  current mirror only ``ART.12`` in M2024→2024, the artikel-12 aanvullende uitkering).
* Clusters map to ``domein`` via :data:`CLUSTER_DOMEIN`; all other clusters (including the
  negative clusters ``Overige eigen middelen`` and ``Onroerendezaakbelasting``) are
  ``Overig``. Amounts are summed per domein.

Cross-check with the repository's own ``Analysedata/GF/GF_<circ>_<jaar>.csv`` (derived by its
script ``bereken_gf.py``): for the four sociaal-domein clusters the verdeelmodel agrees to
floating-point precision for every gemeente in five of the six circulaires. The differences
are explained by the repository script, not by the data: (1) it never matches the Gewichten
code ``vast`` to the Volumina column ``vast nieuw``, so the vast bedrag is missing from its
Bestuur en ondersteuning, Infrastructuur and OZB clusters; (2) it adds IU/DU amounts to the
clusters only when the number of code-less Gewichten rows equals the number of SIUDU
columns (only in S2024→2024) and then matches names case-sensitively, so there it includes
all IU/DU except ``Beschermd wonen``, ``Participatie`` and ``ART.12``.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysekit import vocab
from analysekit.errors import DataError
from analysekit.paths import mirror_dir

GF_DIR = ("michielsd-begrotingsanalysetool", "Brondata", "GF")
CLUSTER_DIR = (*GF_DIR, "Clusterdata")
UF_FILE = (*GF_DIR, "Uitkeringsfactor.csv")

CLUSTER_DOMEIN: dict[str, str] = {
    "Sociale basisvoorzieningen": "Sociale basisvoorzieningen",
    "Participatie": "Participatie",
    "Individuele voorzieningen Wmo": "Wmo",
    "Individuele voorzieningen Jeugd": "Jeugd",
}
"""Published cluster name → domein; every other cluster is ``Overig``."""

#: Domeinen of a gemeentefonds cluster: the four sociaal-domein clusters and Overig.
DOMEINEN = (*vocab.DOMEINEN, vocab.OVERIG)

LUMP_SUMS: dict[str, str | None] = {
    "vast": None,
    "Amsterdam": "GM0363",
    "Den Haag": "GM0518",
    "Rotterdam": "GM0599",
}
"""Lump-sum maatstaven: code → the only gemeente that receives it (None = every gemeente)."""

VOLUME_ALIASES = {"vast nieuw": "vast"}
"""Volumina column names that differ from the Gewichten code of the same maatstaf."""

_FILE_RE = re.compile(r"^GF_([MS]\d{4})_(\d{4})_Volumina\.csv$")
_NUMBER_RE = r"-?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?(?:[eE][+-]?\d+)?"
_ID_COLUMNS = ("CBS", "Naam", "Prov")


@dataclass(frozen=True)
class Circulaire:
    """One circulaire × uitkeringsjaar, e.g. ``S2024`` for 2025."""

    circulaire: str
    uitkeringsjaar: int

    @property
    def label(self) -> str:
        """File label, e.g. ``S2024_2025``."""
        return f"{self.circulaire}_{self.uitkeringsjaar}"

    @property
    def recency(self) -> tuple[int, int]:
        """Sort key: later publication year first, septembercirculaire after meicirculaire."""
        return int(self.circulaire[1:]), 0 if self.circulaire[0] == "M" else 1


# --------------------------------------------------------------------------------------
# low-level reading
# --------------------------------------------------------------------------------------


@dataclass
class _Sheet:
    """A tab-separated file: header, body (strings) and the file line of every row."""

    path: Path
    header: list[str]
    body: pd.DataFrame  # columns are header positions 0..n-1
    lines: np.ndarray

    def col(self, name: str) -> pd.Series:
        return self.body[self.header.index(name)]


def _read_sheet(path: Path) -> _Sheet:
    """Read a tab-separated file strictly: every row must have as many fields as the header."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(f"{path}: bestand niet gevonden in de mirror") from None
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path}: geen UTF-8-tekst (byte {exc.start}); verwacht: een UTF-8-bestand"
        ) from None
    reader = csv.reader(io.StringIO(text), delimiter="\t")
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    for fields in reader:
        if not any(f.strip() for f in fields):
            continue  # blank line
        if header is None:
            header = [f.strip() for f in fields]
            if len(header) < 3:
                raise DataError(
                    f"{path}: regel {reader.line_num}: kopregel heeft {len(header)} veld(en); "
                    "verwacht: een kopregel gescheiden door tabs met minstens 3 kolommen"
                )
            continue
        if len(fields) != len(header):
            raise DataError(
                f"{path}: regel {reader.line_num}: {len(fields)} velden; verwacht: {len(header)} "
                "(evenveel als de kopregel, gescheiden door tabs)"
            )
        rows.append(fields)
        lines.append(reader.line_num)
    if header is None or not rows:
        raise DataError(f"{path}: geen datarijen; verwacht: een kopregel en één rij per gemeente")
    body = pd.DataFrame(rows, columns=range(len(header)), dtype="str")
    return _Sheet(path, header, body, np.asarray(lines))


def _numbers(sheet: _Sheet, positions: list[int]) -> pd.DataFrame:
    """Convert the given columns to float (decimal ',', thousands '.', '-' = 0)."""
    n_rows = len(sheet.body)
    # one vectorised pass over all cells, column after column
    cells = pd.Series(sheet.body[positions].to_numpy().ravel(order="F"), dtype="str").str.strip()
    cells = cells.mask(cells == "-", "0")
    ok = cells.str.fullmatch(_NUMBER_RE).to_numpy()
    if not ok.all():
        flat = int(np.flatnonzero(~ok)[0])
        i, pos = flat % n_rows, positions[flat // n_rows]
        raise DataError(
            f"{sheet.path}: regel {sheet.lines[i]}, kolom '{sheet.header[pos]}': "
            f"{sheet.body[pos].iloc[i]!r} is geen getal; verwacht: decimaalteken ',' en "
            "duizendtal '.' (of '-' voor nul)"
        )
    values = (
        cells.str.replace(".", "", regex=False).str.replace(",", ".", regex=False).astype("float64")
    )
    matrix = values.to_numpy().reshape((n_rows, len(positions)), order="F")
    return pd.DataFrame(
        matrix, index=sheet.body.index, columns=[sheet.header[p] for p in positions]
    )


def _require(sheet: _Sheet, names: tuple[str, ...], what: str) -> None:
    missing = [n for n in names if n not in sheet.header]
    if missing:
        raise DataError(
            f"{sheet.path}: kolom(men) {', '.join(repr(m) for m in missing)} ontbreken; "
            f"verwacht: {what}"
        )


def _no_duplicate_columns(sheet: _Sheet, allowed: tuple[str, ...] = ()) -> None:
    seen: set[str] = set()
    for name in sheet.header:
        if name in seen and name not in allowed:
            raise DataError(
                f"{sheet.path}: kolom '{name}' komt twee keer voor; verwacht: unieke kolommen"
            )
        seen.add(name)


def _gm_codes(sheet: _Sheet, pos: int) -> pd.Series:
    """'855' → 'GM0855'; raise on non-numeric or duplicate codes."""
    raw = sheet.body[pos].str.strip()
    ok = raw.str.fullmatch(r"\d{1,4}")
    if not ok.all():
        i = int(np.flatnonzero(~ok.to_numpy())[0])
        raise DataError(
            f"{sheet.path}: regel {sheet.lines[i]}, kolom '{sheet.header[pos]}': "
            f"{raw.iloc[i]!r} is geen gemeentecode; verwacht: hoogstens 4 cijfers (CBS-code "
            "zonder GM)"
        )
    codes = "GM" + raw.str.zfill(4)
    _check_unique(sheet, codes)
    return codes


def _check_unique(sheet: _Sheet, codes: pd.Series) -> None:
    dup = codes.duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        first = int(np.flatnonzero((codes == codes.iloc[i]).to_numpy())[0])
        raise DataError(
            f"{sheet.path}: regel {sheet.lines[i]}: gemeente {codes.iloc[i]} komt twee keer voor "
            f"(ook regel {sheet.lines[first]}); verwacht: één rij per gemeente"
        )


def _norm_name(name: str) -> str:
    """Match key for IU/DU names: case-folded, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", name.casefold())


# --------------------------------------------------------------------------------------
# per-file readers
# --------------------------------------------------------------------------------------


def list_circulaires(mirror: str | os.PathLike[str] | None = None) -> list[Circulaire]:
    """Return the circulaires present in the mirror, oldest first.

    Raises:
        DataError: The folder is missing, holds no Volumina files, or a circulaire lacks its
            Gewichten or SIUDU file.
    """
    folder = mirror_dir(mirror).joinpath(*CLUSTER_DIR)
    if not folder.is_dir():
        raise DataError(
            f"{folder}: map niet gevonden in de mirror; verwacht: {'/'.join(CLUSTER_DIR)}"
        )
    found = []
    for p in sorted(folder.iterdir()):
        m = _FILE_RE.match(p.name)
        if not m:
            continue
        c = Circulaire(m.group(1), int(m.group(2)))
        for kind in ("Gewichten", "SIUDU"):
            if not (folder / f"GF_{c.label}_{kind}.csv").is_file():
                raise DataError(
                    f"{folder / f'GF_{c.label}_{kind}.csv'}: bestand niet gevonden; elk "
                    f"GF_{c.label}_Volumina.csv hoort bij een {kind}-bestand"
                )
        found.append(c)
    if not found:
        raise DataError(
            f"{folder}: geen bestanden GF_<circulaire>_<jaar>_Volumina.csv; verwacht: "
            "BZK-clusterdata"
        )
    return sorted(found, key=lambda c: (c.uitkeringsjaar, c.recency))


def newest_per_uitkeringsjaar(circulaires: list[Circulaire]) -> dict[int, Circulaire]:
    """Pick the newest circulaire per uitkeringsjaar (septembercirculaire over meicirculaire)."""
    out: dict[int, Circulaire] = {}
    for c in circulaires:
        if c.uitkeringsjaar not in out or c.recency > out[c.uitkeringsjaar].recency:
            out[c.uitkeringsjaar] = c
    return out


def read_uitkeringsfactoren(
    mirror: str | os.PathLike[str] | None = None,
) -> dict[tuple[str, int], float]:
    """Return ``{(circulaire, uitkeringsjaar): uitkeringsfactor}`` from Uitkeringsfactor.csv."""
    path = mirror_dir(mirror).joinpath(*UF_FILE)
    if not path.is_file():
        raise DataError(
            f"{path}: bestand niet gevonden in de mirror; verwacht: {'/'.join(UF_FILE)}"
        )
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader, [])]
        if header[:3] != ["Circulaire", "Jaar", "Uitkeringsfactor"]:
            raise DataError(
                f"{path}: kopregel {header!r}; verwacht: 'Circulaire,Jaar,Uitkeringsfactor'"
            )
        out: dict[tuple[str, int], float] = {}
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue
            line = reader.line_num
            if len(fields) != 3:
                raise DataError(f"{path}: regel {line}: {len(fields)} velden; verwacht: 3")
            circ, jaar, factor = (f.strip() for f in fields)
            if not re.fullmatch(r"[MS]\d{4}", circ) or not re.fullmatch(r"\d{4}", jaar):
                raise DataError(
                    f"{path}: regel {line}: {circ!r}, {jaar!r}; verwacht: een circulaire als "
                    "'M2024' en een jaar als '2025'"
                )
            try:
                value = float(factor)
            except ValueError:
                raise DataError(
                    f"{path}: regel {line}, kolom 'Uitkeringsfactor': {factor!r} is geen getal; "
                    "verwacht: bijv. 1.457"
                ) from None
            if (circ, int(jaar)) in out:
                raise DataError(
                    f"{path}: regel {line}: {circ} {jaar} komt twee keer voor; verwacht: één keer"
                )
            out[(circ, int(jaar))] = value
    return out


def _read_gewichten(path: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """Return (weights: maatstaf × cluster frame with a 'maatstaf_naam' column, IU/DU → cluster)."""
    sheet = _read_sheet(path)
    _require(
        sheet,
        ("Codering maatstaf", "Naam maatstaf"),
        "'Codering maatstaf', 'Naam maatstaf' en één kolom per cluster",
    )
    _no_duplicate_columns(sheet)
    code_pos, name_pos = (
        sheet.header.index("Codering maatstaf"),
        sheet.header.index("Naam maatstaf"),
    )
    total_pos = sheet.header.index("Totaal") if "Totaal" in sheet.header else None
    cluster_pos = [i for i in range(len(sheet.header)) if i not in (code_pos, name_pos, total_pos)]
    if not cluster_pos:
        raise DataError(f"{path}: geen clusterkolommen; verwacht: bijv. 'Participatie'")
    clusters = [sheet.header[i] for i in cluster_pos]
    values = _numbers(sheet, cluster_pos)
    if total_pos is not None:
        total = _numbers(sheet, [total_pos])["Totaal"]
        off = (values.sum(axis=1) - total).abs() > 0.01 * len(clusters) + 1e-9 * total.abs()
        if off.any():
            i = int(np.flatnonzero(off.to_numpy())[0])
            raise DataError(
                f"{path}: regel {sheet.lines[i]}: de clustergewichten tellen op tot "
                f"{values.sum(axis=1).iloc[i]:.2f} maar 'Totaal' is {total.iloc[i]:.2f}; "
                "verwacht: clusters die optellen tot het totaal"
            )
    code = sheet.body[code_pos].str.strip()
    name = sheet.body[name_pos].str.strip()
    has_code = code != ""
    dup = code[has_code].duplicated()
    if dup.any():
        i = int(np.flatnonzero(has_code.to_numpy())[np.flatnonzero(dup.to_numpy())[0]])
        raise DataError(
            f"{path}: regel {sheet.lines[i]}: maatstafcode {code.iloc[i]!r} komt twee keer "
            "voor; verwacht: één rij per maatstaf"
        )
    weights = values[has_code.to_numpy()].copy()
    weights.index = pd.Index(code[has_code], name="maatstaf")
    weights.insert(0, "maatstaf_naam", name[has_code].to_numpy())

    iudu: dict[str, str] = {}
    for i in np.flatnonzero(~has_code.to_numpy()):
        row = values.iloc[i]
        ones = [c for c in clusters if row[c] == 1.0]
        if len(ones) != 1 or not ((row == 0.0) | (row == 1.0)).all() or not name.iloc[i]:
            raise DataError(
                f"{path}: regel {sheet.lines[i]}: rij zonder maatstafcode "
                f"({name.iloc[i]!r}); verwacht: een IU/DU-naam met gewicht 1 in precies één "
                "cluster"
            )
        iudu[name.iloc[i]] = ones[0]
    return weights, iudu


def _read_volumina(path: Path, lump_sums: list[str]) -> tuple[pd.DataFrame, pd.Series]:
    """Return (volumes: gm_code × maatstaf, names: gm_code → Naam)."""
    sheet = _read_sheet(path)
    _require(sheet, ("CBS", "Naam"), "'CBS', 'Naam' en één kolom per maatstaf")
    _no_duplicate_columns(sheet)
    gm = _gm_codes(sheet, sheet.header.index("CBS"))
    names = sheet.col("Naam").str.strip()
    pos = [i for i, h in enumerate(sheet.header) if h not in _ID_COLUMNS]
    vol = _numbers(sheet, pos)
    vol = vol.rename(columns=VOLUME_ALIASES)
    if vol.columns.duplicated().any():
        both = [f"{a!r}/{b!r}" for a, b in VOLUME_ALIASES.items() if {a, b} <= set(sheet.header)]
        raise DataError(
            f"{path}: kolommen {', '.join(both)} staan er allebei; verwacht: één van beide"
        )
    vol.index = pd.Index(gm.to_numpy(), name="gm_code")
    names.index = vol.index
    for code in lump_sums:
        city = LUMP_SUMS[code]
        if city is not None and city not in vol.index:
            raise DataError(
                f"{path}: gemeente {city} (vast bedrag '{code}') ontbreekt; verwacht: een rij "
                "voor deze gemeente"
            )
        expected = pd.Series(1.0 if city is None else 0.0, index=vol.index)
        if city is not None:
            expected[city] = 1.0
        if code in vol.columns:
            bad = vol[code] != expected
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise DataError(
                    f"{path}: regel {sheet.lines[i]}, kolom '{code}': {vol[code].iloc[i]:g}; "
                    f"verwacht: {expected.iloc[i]:g} (vast bedrag, één keer betaald "
                    f"{'aan elke gemeente' if city is None else 'alleen aan ' + city})"
                )
        vol[code] = expected
    return vol, names


def _read_siudu(path: Path, names: pd.Series) -> pd.DataFrame:
    """Return IU/DU amounts (EUR): gm_code × published column name.

    Files without a ``CBS`` column are keyed by ``Naam``, resolved with the Volumina names of
    the same circulaire. A repeated ``CBS`` column must equal the first one and is dropped.
    """
    sheet = _read_sheet(path)
    _require(sheet, ("Naam",), "'CBS' (optioneel), 'Naam', 'Prov' en één kolom per IU/DU")
    _no_duplicate_columns(sheet, allowed=("CBS",))
    cbs_pos = [i for i, h in enumerate(sheet.header) if h == "CBS"]
    if cbs_pos:
        gm = _gm_codes(sheet, cbs_pos[0])
        for extra in cbs_pos[1:]:
            other = "GM" + sheet.body[extra].str.strip().str.zfill(4)
            bad = other != gm
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise DataError(
                    f"{path}: regel {sheet.lines[i]}: tweede kolom 'CBS' bevat "
                    f"{sheet.body[extra].iloc[i]!r}; verwacht: opnieuw de gemeentecode"
                )
    else:
        by_name = pd.Series(names.index, index=names.to_numpy())
        raw = sheet.col("Naam").str.strip()
        gm = raw.map(by_name)
        if gm.isna().any():
            i = int(np.flatnonzero(gm.isna().to_numpy())[0])
            raise DataError(
                f"{path}: regel {sheet.lines[i]}, kolom 'Naam': {raw.iloc[i]!r} is geen gemeente "
                "uit het Volumina-bestand van deze circulaire; verwacht: dezelfde namen"
            )
        _check_unique(sheet, gm)
    pos = [i for i, h in enumerate(sheet.header) if h not in _ID_COLUMNS]
    amounts = _numbers(sheet, pos)
    amounts.index = pd.Index(gm.to_numpy(), name="gm_code")
    missing = names.index.difference(amounts.index)
    if len(missing) or len(amounts.index.difference(names.index)):
        extra = amounts.index.difference(names.index)
        raise DataError(
            f"{path}: gemeenten wijken af van het Volumina-bestand "
            f"(ontbrekend {list(missing[:3])}, extra {list(extra[:3])}); verwacht: dezelfde "
            "gemeenten"
        )
    return amounts


# --------------------------------------------------------------------------------------
# one circulaire
# --------------------------------------------------------------------------------------


@dataclass
class CirculaireData:
    """Parsed files of one circulaire."""

    circulaire: Circulaire
    uitkeringsfactor: float
    weights: pd.DataFrame  # maatstaf × (maatstaf_naam + clusters)
    volumes: pd.DataFrame  # gm_code × maatstaf
    names: pd.Series  # gm_code → Naam
    iudu_clusters: dict[str, str]  # IU/DU name as in Gewichten → cluster
    siudu: pd.DataFrame  # gm_code × IU/DU column (EUR)

    @property
    def clusters(self) -> list[str]:
        """Cluster names as published."""
        return [c for c in self.weights.columns if c != "maatstaf_naam"]

    def factors(self) -> pd.Series:
        """Factor applied per maatstaf: the uitkeringsfactor, 1.0 for the WOZ (OZB) maatstaven."""
        idx = self.weights.index
        return pd.Series(
            np.where(idx.str.upper().str.startswith("WOZ"), 1.0, self.uitkeringsfactor), index=idx
        )

    def siudu_cluster(self) -> dict[str, str | None]:
        """SIUDU column → cluster (None when no Gewichten row names it)."""
        lookup = {_norm_name(k): v for k, v in self.iudu_clusters.items()}
        return {col: lookup.get(_norm_name(col)) for col in self.siudu.columns}


def read_circulaire(
    circulaire: Circulaire,
    mirror: str | os.PathLike[str] | None = None,
    factors: dict[tuple[str, int], float] | None = None,
) -> CirculaireData:
    """Read and check the three files of one circulaire.

    Raises:
        DataError: A malformed file, missing column, non-numeric amount, duplicate gemeente,
            or a maatstaf with weights but no volumes.
    """
    root = mirror_dir(mirror)
    folder = root.joinpath(*CLUSTER_DIR)
    factors = factors if factors is not None else read_uitkeringsfactoren(root)
    key = (circulaire.circulaire, circulaire.uitkeringsjaar)
    if key not in factors:
        raise DataError(
            f"{root.joinpath(*UF_FILE)}: geen uitkeringsfactor voor {circulaire.circulaire} "
            f"{circulaire.uitkeringsjaar}; verwacht: een rij voor elke circulaire in Clusterdata"
        )
    gpath = folder / f"GF_{circulaire.label}_Gewichten.csv"
    vpath = folder / f"GF_{circulaire.label}_Volumina.csv"
    weights, iudu = _read_gewichten(gpath)
    lumps = [c for c in weights.index if c in LUMP_SUMS]
    volumes, names = _read_volumina(vpath, lumps)
    no_volume = [c for c in weights.index if c not in volumes.columns]
    if no_volume:
        raise DataError(
            f"{vpath}: geen kolom voor maatstaf {no_volume[0]!r} uit {gpath.name}; verwacht: "
            "één volumekolom per maatstafcode"
        )
    siudu = _read_siudu(folder / f"GF_{circulaire.label}_SIUDU.csv", names)
    return CirculaireData(circulaire, factors[key], weights, volumes, names, iudu, siudu)


def unassigned_siudu_columns(mirror: str | os.PathLike[str] | None = None) -> dict[str, list[str]]:
    """Return, per circulaire label, the SIUDU columns no Gewichten row assigns to a cluster.

    Their amounts are reported under domein ``Overig``.
    """
    root = mirror_dir(mirror)
    factors = read_uitkeringsfactoren(root)
    out = {}
    for c in list_circulaires(root):
        data = read_circulaire(c, root, factors)
        out[c.label] = [k for k, v in data.siudu_cluster().items() if v is None]
    return out


def _domein(cluster: str | None) -> str:
    return CLUSTER_DOMEIN.get(cluster or "", "Overig")


def _tables_for(data: CirculaireData) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    c = data.circulaire
    codes = list(data.weights.index)
    clusters = data.clusters
    factor = data.factors()

    vol_long = data.volumes.rename_axis(columns="maatstaf").stack().rename("volume").reset_index()
    vol_long["maatstaf_naam"] = vol_long["maatstaf"].map(data.weights["maatstaf_naam"])
    vol_long.insert(1, "circulaire", c.circulaire)
    vol_long.insert(2, "uitkeringsjaar", c.uitkeringsjaar)
    maatstaven = vol_long[
        ["gm_code", "circulaire", "uitkeringsjaar", "maatstaf", "maatstaf_naam", "volume"]
    ]

    w = data.weights[clusters].rename_axis(columns="cluster").stack().rename("gewicht_eur")
    gewichten = w.reset_index()
    gewichten.insert(0, "circulaire", c.circulaire)
    gewichten.insert(1, "uitkeringsjaar", c.uitkeringsjaar)
    gewichten.insert(3, "maatstaf_naam", gewichten["maatstaf"].map(data.weights["maatstaf_naam"]))
    gewichten.insert(5, "domein", gewichten["cluster"].map(_domein))
    gewichten["uitkeringsfactor"] = gewichten["maatstaf"].map(factor)

    # verdeelmodel: (gm × maatstaf) @ (maatstaf × cluster), factor folded into the weights
    wmat = data.weights.loc[codes, clusters].to_numpy() * factor.loc[codes].to_numpy()[:, None]
    per_cluster = pd.DataFrame(
        data.volumes[codes].to_numpy() @ wmat, index=data.volumes.index, columns=clusters
    )
    verdeel = per_cluster.T.groupby(pd.Index([_domein(k) for k in clusters])).sum().T

    assign = data.siudu_cluster()
    iu = data.siudu.T.groupby(pd.Index([_domein(assign[k]) for k in data.siudu.columns])).sum().T

    parts = []
    for soort, frame in (("verdeelmodel", verdeel), ("integratie_decentralisatie", iu)):
        frame = frame.reindex(index=data.volumes.index, columns=list(DOMEINEN), fill_value=0.0)
        long = frame.rename_axis(columns="domein").stack().rename("bedrag_eur").reset_index()
        long["soort"] = soort
        parts.append(long)
    gf = pd.concat(parts, ignore_index=True)
    gf.insert(1, "circulaire", c.circulaire)
    gf.insert(2, "uitkeringsjaar", c.uitkeringsjaar)
    gf = gf[["gm_code", "circulaire", "uitkeringsjaar", "domein", "soort", "bedrag_eur"]]
    return maatstaven, gewichten, gf


def _finish(df: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    df = df.sort_values(key).reset_index(drop=True)
    for col in df.columns:
        if col in ("uitkeringsjaar",):
            df[col] = df[col].astype("int64")
        elif col in ("volume", "gewicht_eur", "uitkeringsfactor", "bedrag_eur"):
            df[col] = df[col].astype("float64")
        else:
            df[col] = df[col].astype("str")
    return df


def build_gemeentefonds(mirror: str | os.PathLike[str] | None = None) -> dict[str, pd.DataFrame]:
    """Build ``gf_maatstaven``, ``gf_gewichten`` and ``gemeentefonds`` from the mirror.

    Args:
        mirror: Mirror folder (or a snapshot with the same layout); default
            :func:`analysekit.paths.mirror_dir`.

    Returns:
        ``{"gf_maatstaven": ..., "gf_gewichten": ..., "gemeentefonds": ...}`` as described in
        ``docs/tables.md``; all amounts in euros.

    Raises:
        DataError: A malformed file, missing column, non-numeric amount or duplicate gemeente;
            the message names the file, line/column and what was expected.
    """
    root = mirror_dir(mirror)
    factors = read_uitkeringsfactoren(root)
    out: dict[str, list[pd.DataFrame]] = {
        "gf_maatstaven": [],
        "gf_gewichten": [],
        "gemeentefonds": [],
    }
    for c in list_circulaires(root):
        m, g, f = _tables_for(read_circulaire(c, root, factors))
        out["gf_maatstaven"].append(m)
        out["gf_gewichten"].append(g)
        out["gemeentefonds"].append(f)
    keys = {
        "gf_maatstaven": ["circulaire", "uitkeringsjaar", "gm_code", "maatstaf"],
        "gf_gewichten": ["circulaire", "uitkeringsjaar", "maatstaf", "cluster"],
        "gemeentefonds": ["circulaire", "uitkeringsjaar", "gm_code", "domein", "soort"],
    }
    return {
        name: _finish(pd.concat(frames, ignore_index=True), keys[name])
        for name, frames in out.items()
    }
