"""Gemeentefonds mirror adapter: real BZK circulaire figures, cross-check, bad input."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysekit.data.mirror import gemeentefonds as gfmod
from analysekit.data.mirror.gemeentefonds import build_gemeentefonds
from analysekit.errors import DataError

GF = ("michielsd-begrotingsanalysetool", "Brondata", "GF")
CLUSTERS = GF + ("Clusterdata",)
ANALYSE = ("michielsd-begrotingsanalysetool", "Analysedata", "GF")
LABELS = ["M2023_2024", "S2023_2024", "M2024_2024", "S2024_2024", "M2024_2025", "S2024_2025"]
SOCIAAL = {
    "Sociale basisvoorzieningen": "Sociale basisvoorzieningen",
    "Participatie": "Participatie",
    "Individuele voorzieningen Wmo": "Wmo",
    "Individuele voorzieningen Jeugd": "Jeugd",
}


def nl_number(text: str) -> float:
    """Independent parse of a Dutch-formatted cell ('5.124,19' -> 5124.19)."""
    return float(text.strip().replace(".", "").replace(",", "."))


def raw_row(mirror: Path, fname: str, key_col: str, key: str) -> dict[str, str]:
    with open(mirror.joinpath(*CLUSTERS, fname), encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row[key_col].strip() == key:
                return row
    raise KeyError(key)


def repo_gf(mirror: Path, label: str) -> pd.DataFrame:
    """The repository's own derived GF_<label>.csv, indexed by gemeente name."""
    df = pd.read_csv(mirror.joinpath(*ANALYSE, f"GF_{label}.csv"), sep=";", index_col=0)
    return df.set_index("Gemeenten")


@pytest.fixture(scope="module")
def gf(mirror):
    return build_gemeentefonds(mirror)


@pytest.fixture(scope="module")
def wide(gf):
    """gemeentefonds as gm_code × (label, soort, domein)."""
    df = gf["gemeentefonds"].assign(
        label=lambda d: d["circulaire"] + "_" + d["uitkeringsjaar"].astype(str)
    )
    return df.pivot_table(
        index="gm_code", columns=["label", "soort", "domein"], values="bedrag_eur"
    )


# ------------------------------------------------------------------------ shape and keys


def test_six_circulaires_with_342_gemeenten_each(gf):
    for name in ("gf_maatstaven", "gemeentefonds"):
        df = gf[name]
        labels = df["circulaire"] + "_" + df["uitkeringsjaar"].astype(str)
        counts = df.groupby(labels)["gm_code"].nunique().to_dict()
        assert counts == dict.fromkeys(LABELS, 342), name
        assert df["gm_code"].str.fullmatch(r"GM\d{4}").all()
    # 342 × 6 × 5 domeinen × 2 soorten
    assert len(gf["gemeentefonds"]) == 342 * 6 * 5 * 2
    assert set(gf["gemeentefonds"]["domein"]) == set(gfmod.DOMEINEN)


def test_keys_unique_and_columns_as_documented(gf):
    keys = {
        "gf_maatstaven": ["gm_code", "circulaire", "uitkeringsjaar", "maatstaf"],
        "gf_gewichten": ["circulaire", "uitkeringsjaar", "maatstaf", "cluster"],
        "gemeentefonds": ["gm_code", "circulaire", "uitkeringsjaar", "domein", "soort"],
    }
    cols = {
        "gf_maatstaven": [
            "gm_code",
            "circulaire",
            "uitkeringsjaar",
            "maatstaf",
            "maatstaf_naam",
            "volume",
        ],
        "gf_gewichten": [
            "circulaire",
            "uitkeringsjaar",
            "maatstaf",
            "maatstaf_naam",
            "cluster",
            "domein",
            "gewicht_eur",
            "uitkeringsfactor",
        ],
        "gemeentefonds": [
            "gm_code",
            "circulaire",
            "uitkeringsjaar",
            "domein",
            "soort",
            "bedrag_eur",
        ],
    }
    for name, key in keys.items():
        df = gf[name]
        assert list(df.columns) == cols[name]
        assert not df.duplicated(key).any(), name
        assert df["uitkeringsjaar"].dtype == "int64"
        num = {
            "gf_maatstaven": "volume",
            "gf_gewichten": "gewicht_eur",
            "gemeentefonds": "bedrag_eur",
        }[name]
        assert df[num].notna().all()


def test_newest_circulaire_per_year():
    cs = [
        gfmod.Circulaire(*x)
        for x in [
            ("M2023", 2024),
            ("S2023", 2024),
            ("M2024", 2024),
            ("S2024", 2024),
            ("M2024", 2025),
            ("S2024", 2025),
        ]
    ]
    newest = gfmod.newest_per_uitkeringsjaar(cs)
    assert {j: c.label for j, c in newest.items()} == {2024: "S2024_2024", 2025: "S2024_2025"}


# ------------------------------------------------------------------------ raw cells


def test_tilburg_jong_volume_equals_raw_cell(gf, mirror):
    vol = gf["gf_maatstaven"].set_index(["gm_code", "circulaire", "uitkeringsjaar", "maatstaf"])[
        "volume"
    ]
    row = raw_row(mirror, "GF_S2024_2025_Volumina.csv", "Naam", "Tilburg")
    assert row["CBS"] == "855" and row["jong"] == "39428,32898"
    assert vol[("GM0855", "S2024", 2025, "jong")] == nl_number(row["jong"]) == 39428.32898
    # the 2024 files are written with thousands separators: '39.070,00'
    row = raw_row(mirror, "GF_M2024_2024_Volumina.csv", "Naam", "Tilburg")
    assert row["jong"] == "39.070,00"
    assert vol[("GM0855", "M2024", 2024, "jong")] == 39070.0
    # E-notation written by the spreadsheet: '2,04289E+11' (Amsterdam WOZwe80, S2024→2025)
    row = raw_row(mirror, "GF_S2024_2025_Volumina.csv", "Naam", "Amsterdam")
    assert row["WOZwe80"] == "2,04289E+11"
    assert vol[("GM0363", "S2024", 2025, "WOZwe80")] == 2.04289e11


def test_weight_cells_equal_raw_cells(gf, mirror):
    w = gf["gf_gewichten"].set_index(["circulaire", "uitkeringsjaar", "maatstaf", "cluster"])
    row = raw_row(mirror, "GF_S2024_2025_Gewichten.csv", "Codering maatstaf", "bo3_nw")
    assert row["Participatie"] == "5.124,19"
    got = w.loc[("S2024", 2025, "bo3_nw", "Participatie")]
    assert got["gewicht_eur"] == nl_number(row["Participatie"]) == 5124.19
    assert got["domein"] == "Participatie"
    assert got["uitkeringsfactor"] == 1.457
    row = raw_row(mirror, "GF_S2024_2025_Gewichten.csv", "Codering maatstaf", "jong")
    got = w.loc[("S2024", 2025, "jong", "Individuele voorzieningen Jeugd")]
    assert got["gewicht_eur"] == nl_number(row["Individuele voorzieningen Jeugd"]) == 302.24
    assert got["domein"] == "Jeugd"
    # OZB inkomstenmaatstaf: published as a rate per euro WOZ, deducted without the factor
    got = w.loc[("S2024", 2025, "WOZwe80", "Onroerendezaakbelasting")]
    assert got["gewicht_eur"] == -0.000914 and got["uitkeringsfactor"] == 1.0
    assert got["domein"] == "Overig"


def test_lump_sums_are_paid_once_per_gemeente_or_city(gf, mirror):
    vol = gf["gf_maatstaven"].query("circulaire == 'S2024' and uitkeringsjaar == 2025")
    vol = vol.set_index(["gm_code", "maatstaf"])["volume"]
    assert (vol.xs("vast", level="maatstaf") == 1.0).all()
    for code, city in (("Amsterdam", "GM0363"), ("Den Haag", "GM0518"), ("Rotterdam", "GM0599")):
        v = vol.xs(code, level="maatstaf")
        assert v[city] == 1.0 and v.drop(city).eq(0.0).all(), code
    # cluster Overig holds the waddengemeenten maatstaven and the two city lump sums: for
    # Amsterdam it is exactly its lump sum × uitkeringsfactor, for Tilburg zero
    row = raw_row(mirror, "GF_S2024_2025_Gewichten.csv", "Codering maatstaf", "Amsterdam")
    assert row["Overig"] == "74.175.269,15"
    gw = gf["gf_gewichten"].query(
        "circulaire == 'S2024' and uitkeringsjaar == 2025 and cluster == 'Overig'"
    )
    gw = gw.set_index("maatstaf")["gewicht_eur"]
    overig = (vol.unstack("maatstaf")[gw.index] * gw * 1.457).sum(axis=1)
    assert overig["GM0363"] == pytest.approx(nl_number(row["Overig"]) * 1.457, rel=1e-12)
    assert overig["GM0599"] == pytest.approx(27_064_336.61 * 1.457, rel=1e-12)
    assert overig["GM0855"] == 0.0


def test_row_contract_reproduces_verdeelmodel(gf):
    weights = gf["gf_gewichten"].query("gewicht_eur != 0")
    m = gf["gf_maatstaven"].merge(
        weights, on=["circulaire", "uitkeringsjaar", "maatstaf"], suffixes=("", "_g")
    )
    m["bedrag"] = m["gewicht_eur"] * m["volume"] * m["uitkeringsfactor"]
    ours = m.groupby(["gm_code", "circulaire", "uitkeringsjaar", "domein"])["bedrag"].sum()
    vm = gf["gemeentefonds"].query(
        "soort == 'verdeelmodel' and domein in @ours.index.unique('domein')"
    )
    vm = vm.set_index(["gm_code", "circulaire", "uitkeringsjaar", "domein"])["bedrag_eur"]
    pd.testing.assert_series_equal(ours.sort_index(), vm.sort_index(), check_names=False, rtol=1e-9)


# ------------------------------------------------------------------------ cross-check with repo


@pytest.mark.parametrize("label", [lbl for lbl in LABELS if lbl != "S2024_2024"])
def test_sociaal_domein_agrees_with_repo_derived_files(wide, mirror, label):
    repo = repo_gf(mirror, label)
    ours = wide[label]["verdeelmodel"]
    codes = gfmod.read_circulaire(gfmod.Circulaire(label[:5], int(label[6:])), mirror).names
    for cluster, domein in SOCIAAL.items():
        theirs = repo.loc[codes.to_numpy(), cluster].to_numpy()
        assert ours.loc[codes.index, domein].to_numpy() == pytest.approx(theirs, rel=1e-9)
        # Tilburg and the national total explicitly
        assert ours.loc["GM0855", domein] == pytest.approx(repo.loc["Tilburg", cluster], rel=1e-9)
        assert ours[domein].sum() == pytest.approx(repo.loc["Nederland", cluster], rel=1e-9)


def test_s2024_2024_repo_includes_iudu_except_case_mismatches(wide, mirror):
    """In S2024→2024 the repo script added IU/DU, but missed 'Beschermd wonen'/'Participatie'."""
    label = "S2024_2024"
    data = gfmod.read_circulaire(gfmod.Circulaire("S2024", 2024), mirror)
    repo = repo_gf(mirror, label).loc[data.names.to_numpy()]
    repo.index = data.names.index
    ours = wide[label]["verdeelmodel"] + wide[label]["integratie_decentralisatie"]
    missed = {"Wmo": data.siudu["Beschermd wonen"], "Participatie": data.siudu["Participatie"]}
    for cluster, domein in SOCIAAL.items():
        expected = (ours[domein] - missed.get(domein, 0.0)).loc[repo.index]
        assert expected.to_numpy() == pytest.approx(repo[cluster].to_numpy(), rel=1e-9)
    assert ours.loc["GM0855", "Jeugd"] == pytest.approx(
        repo.loc["GM0855", "Individuele voorzieningen Jeugd"]
    )


def test_repo_misses_the_vast_bedrag(gf, mirror):
    """Bestuur en ondersteuning: ours − repo = 342 × vast bedrag × uitkeringsfactor."""
    m = (
        gf["gf_maatstaven"]
        .query("circulaire == 'S2024' and uitkeringsjaar == 2025")
        .merge(
            gf["gf_gewichten"].query("cluster == 'Bestuur en ondersteuning'"),
            on=["circulaire", "uitkeringsjaar", "maatstaf"],
        )
    )
    ours = (m["gewicht_eur"] * m["volume"] * m["uitkeringsfactor"]).sum()
    repo = repo_gf(mirror, "S2024_2025").loc["Nederland", "Bestuur en ondersteuning"]
    assert ours - repo == pytest.approx(342 * 529_200.02 * 1.457, rel=1e-9)


# ------------------------------------------------------------------------ IU/DU


def test_iudu_totals_and_assignment(gf, mirror, wide):
    row = raw_row(mirror, "GF_S2024_2025_SIUDU.csv", "Naam", "Tilburg")
    amounts = {
        k: (0.0 if v.strip() == "-" else nl_number(v))
        for k, v in row.items()
        if k not in ("CBS", "Naam", "Prov")
    }
    iu = wide["S2024_2025"]["integratie_decentralisatie"].loc["GM0855"]
    assert iu.sum() == pytest.approx(sum(amounts.values()), abs=0.5)
    wmo = [
        "Beschermd wonen",
        "maatschappelijke opvang",
        "Nationaal Actieplan Dakloosheid",
        "vrouwenopvang",
    ]
    assert iu["Wmo"] == pytest.approx(sum(amounts[k] for k in wmo), abs=0.5)
    assert iu["Jeugd"] == amounts["jeugdhulp aan kinderen in een AZC"]
    # only ART.12 in M2024→2024 has no Gewichten row; it is reported under Overig
    assert gfmod.unassigned_siudu_columns(mirror) == {
        lbl: (["ART.12"] if lbl == "M2024_2024" else []) for lbl in LABELS
    }


def test_siudu_without_cbs_column_is_matched_by_name(wide):
    # GF_M2024_2025_SIUDU.csv has no CBS column; Tilburg still gets its Beschermd wonen (Wmo)
    assert wide["M2024_2025"]["integratie_decentralisatie"].loc["GM0855", "Wmo"] > 1e7


# ------------------------------------------------------------------------ bad input


@pytest.fixture()
def fake_mirror(mirror, tmp_path):
    """A mirror with one circulaire (S2024→2025) copied to tmp_path, same sub-paths."""
    dst = tmp_path.joinpath(*CLUSTERS)
    dst.mkdir(parents=True)
    for kind in ("Volumina", "Gewichten", "SIUDU"):
        shutil.copy(mirror.joinpath(*CLUSTERS, f"GF_S2024_2025_{kind}.csv"), dst)
    shutil.copy(mirror.joinpath(*GF, "Uitkeringsfactor.csv"), tmp_path.joinpath(*GF))
    return tmp_path


def edit(root: Path, kind: str, fn) -> Path:
    path = root.joinpath(*CLUSTERS, f"GF_S2024_2025_{kind}.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    path.write_text("".join(fn(lines)), encoding="utf-8")
    return path


def one_line(exc: pytest.ExceptionInfo) -> str:
    msg = str(exc.value)
    assert "\n" not in msg
    return msg


def test_fake_mirror_builds(fake_mirror):
    out = build_gemeentefonds(fake_mirror)
    assert out["gemeentefonds"]["gm_code"].nunique() == 342


def test_malformed_row_names_file_and_line(fake_mirror):
    edit(fake_mirror, "Volumina", lambda ls: [*ls[:4], ls[4].rstrip("\r\n") + "\t7\r\n", *ls[5:]])
    with pytest.raises(DataError) as exc:
        build_gemeentefonds(fake_mirror)
    msg = one_line(exc)
    assert (
        "GF_S2024_2025_Volumina.csv" in msg
        and "regel 5" in msg
        and "53 velden; verwacht: 52" in msg
    )


def test_missing_column_is_named(fake_mirror):
    edit(fake_mirror, "Gewichten", lambda ls: [ls[0].replace("Naam maatstaf", "Naam"), *ls[1:]])
    with pytest.raises(
        DataError, match=r"GF_S2024_2025_Gewichten\.csv: kolom\(men\) 'Naam maatstaf' ontbreken"
    ):
        build_gemeentefonds(fake_mirror)


def test_missing_maatstaf_column_in_volumina(fake_mirror):
    def drop_jong(lines):
        idx = lines[0].rstrip("\r\n").split("\t").index("jong")
        return [
            "\t".join(f for i, f in enumerate(ln.rstrip("\r\n").split("\t")) if i != idx) + "\r\n"
            for ln in lines
        ]

    edit(fake_mirror, "Volumina", drop_jong)
    with pytest.raises(DataError, match=r"Volumina\.csv: geen kolom voor maatstaf 'jong'"):
        build_gemeentefonds(fake_mirror)


def test_non_numeric_amount_names_line_and_column(fake_mirror):
    def bad(lines):
        fields = lines[2].split("\t")
        fields[4] = "n.v.t."
        return [lines[0], lines[1], "\t".join(fields), *lines[3:]]

    edit(fake_mirror, "SIUDU", bad)
    with pytest.raises(DataError) as exc:
        build_gemeentefonds(fake_mirror)
    msg = one_line(exc)
    assert "GF_S2024_2025_SIUDU.csv: regel 3, kolom 'Participatie'" in msg
    assert "'n.v.t.' is geen getal" in msg


def test_point_decimal_is_rejected_not_misread(fake_mirror):
    # '0.5' would silently become 5 under "remove thousands dots": it must fail instead
    def bad(lines):
        fields = lines[1].split("\t")
        fields[3] = "0.5"
        return [lines[0], "\t".join(fields), *lines[2:]]

    edit(fake_mirror, "Volumina", bad)
    with pytest.raises(DataError, match=r"regel 2, kolom 'vest': '0\.5' is geen getal"):
        build_gemeentefonds(fake_mirror)


def test_duplicate_gemeente(fake_mirror):
    edit(
        fake_mirror,
        "Volumina",
        lambda ls: [*ls, ls[1] if ls[-1].endswith("\n") else "\r\n" + ls[1]],
    )
    with pytest.raises(DataError, match=r"gemeente GM1979 komt twee keer voor \(ook regel 2\)"):
        build_gemeentefonds(fake_mirror)


def test_lump_sum_for_the_wrong_city(fake_mirror):
    def move(lines):
        header = lines[0].rstrip("\r\n").split("\t")
        idx = header.index("Amsterdam")
        out = []
        for ln in lines[1:]:
            fields = ln.rstrip("\r\n").split("\t")
            fields[idx] = "1" if fields[1] == "Tilburg" else "0"
            out.append("\t".join(fields) + "\r\n")
        return [lines[0], *out]

    edit(fake_mirror, "Volumina", move)
    with pytest.raises(
        DataError, match=r"kolom 'Amsterdam': 0; verwacht: 1 \(vast bedrag, .* alleen aan GM0363\)"
    ):
        build_gemeentefonds(fake_mirror)


def test_bad_uitkeringsfactor_and_missing_file(fake_mirror):
    uf = fake_mirror.joinpath(*GF, "Uitkeringsfactor.csv")
    uf.write_text(uf.read_text().replace("S2024,2025,1.457", "S2024,2025,1,457"))
    with pytest.raises(DataError, match=r"Uitkeringsfactor\.csv: regel \d+: 4 velden; verwacht: 3"):
        build_gemeentefonds(fake_mirror)
    uf.write_text("Circulaire,Jaar,Uitkeringsfactor\nS2024,2025,1.457\n")
    fake_mirror.joinpath(*CLUSTERS, "GF_S2024_2025_SIUDU.csv").unlink()
    with pytest.raises(DataError, match=r"GF_S2024_2025_SIUDU\.csv: bestand niet gevonden"):
        build_gemeentefonds(fake_mirror)
