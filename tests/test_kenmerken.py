"""Kenmerken mirror adapter: real figures from each source, priority, yaml, bad input."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysekit.data.mirror import kenmerken as km
from analysekit.data.mirror.kenmerken import build_kenmerken, combine_kenmerken, kenmerken_spec
from analysekit.errors import DataError

RK = km.RK_FILE


@pytest.fixture(scope="module")
def kenm(mirror):
    return build_kenmerken(mirror)


@pytest.fixture(scope="module")
def val(kenm):
    s = kenm.set_index(["gm_code", "jaar", "kenmerk"])
    return lambda gm, jaar, kenmerk: s.loc[(gm, jaar, kenmerk)]


def raw_rk(mirror: Path, gm: str, periode: str, column: str) -> float:
    with open(mirror.joinpath(*RK), encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            if row["RegioS"] == gm and row["Perioden"] == periode:
                return float(row[column].strip())
    raise KeyError((gm, periode))


# ------------------------------------------------------------------------ contract


def test_columns_key_and_units(kenm):
    assert list(kenm.columns) == ["gm_code", "jaar", "kenmerk", "waarde", "eenheid", "bron"]
    assert not kenm.duplicated(["gm_code", "jaar", "kenmerk"]).any()
    assert kenm["gm_code"].str.fullmatch(r"GM\d{4}").all()
    assert kenm["jaar"].dtype == "int64" and kenm["waarde"].dtype == "float64"
    assert kenm["waarde"].notna().all()
    assert kenm["eenheid"].notna().all() and (kenm["eenheid"].str.len() > 0).all()
    assert kenm["kenmerk"].str.fullmatch(r"[a-z0-9_]+").all()


def test_every_kenmerk_is_described_in_yaml_and_vice_versa(kenm):
    spec = kenmerken_spec()
    built = set(kenm["kenmerk"])
    live_only = {k for k, v in spec.items() if v.get("alleen_live")}
    assert built <= set(spec), sorted(built - set(spec))
    # every kenmerk is built offline, except those marked alleen_live (and those are not)
    assert set(spec) - live_only <= built, sorted(set(spec) - live_only - built)
    assert not live_only & built, sorted(live_only & built)
    for name, entry in spec.items():
        assert entry.get("eenheid") and entry.get("definitie") and entry.get("bron"), name
    # units in the table come from the yaml
    units = kenm.drop_duplicates("kenmerk").set_index("kenmerk")["eenheid"]
    assert all(units[k] == spec[k]["eenheid"] for k in units.index)
    # every bron in the table is declared for its kenmerk ('gf:S2024_2025' → 'gf')
    pairs = kenm[["kenmerk", "bron"]].drop_duplicates()
    for kenmerk, bron in pairs.itertuples(index=False):
        assert bron.split(":")[0] in spec[kenmerk]["bron"], (kenmerk, bron)


def test_gemeenten_per_year(kenm):
    inw = kenm[kenm["kenmerk"] == "inwoners"].groupby("jaar")["gm_code"].nunique()
    assert inw[2004] == 483 and inw[2017] == 388 and inw[2019] == 355
    assert inw[2021] == 352 and inw[2022] == 345 and inw[2023] == 342
    assert inw.index.min() == 2004 and inw.index.max() == 2023


# ------------------------------------------------------------------------ real figures


def test_tilburg_inwoners_2023_equals_raw_70072ned(val, mirror):
    raw = raw_rk(mirror, "GM0855", "2023JJ00", "TotaleBevolking_1")
    assert raw == 227_707
    row = val("GM0855", 2023, "inwoners")
    assert row["waarde"] == raw and row["bron"] == "70072ned" and row["eenheid"] == "personen"
    assert (
        val("GM0855", 2023, "inwoners_80_plus")["waarde"]
        == raw_rk(mirror, "GM0855", "2023JJ00", "k_80JaarOfOuder_12")
        == 9287
    )
    expected = 100 * (30051 + 9287) / 227707
    assert val("GM0855", 2023, "aandeel_65_plus_pct")["waarde"] == pytest.approx(expected, abs=1e-4)


def test_national_population_2021(kenm):
    nl = kenm.query("kenmerk == 'inwoners' and jaar == 2021")["waarde"].sum()
    assert nl == 17_475_415  # SOURCE.md: equal to the KWB 2021 national total


def test_fvw_2019_names_all_matched_and_figures(val, mirror):
    fvw = pd.read_csv(
        mirror.joinpath(*km.FVW_FILE),
        sep=";",
        dtype=str,
        encoding="utf-8-sig",
        keep_default_na=False,
    )
    names = fvw[fvw.iloc[:, 1].str.strip() != ""].iloc[:, 0].tolist()
    mapping, unmatched = km.fvw_gm_codes(names, mirror)
    assert len(names) == 355 and unmatched == []
    assert mapping["Utrecht (gemeente)"] == "GM0344"
    assert mapping["'s-Gravenhage (gemeente)"] == "GM0518"
    assert mapping["Hengelo (O.)"] == "GM0164"
    assert mapping["Bergen (L.)"] == "GM0893" and mapping["Bergen (NH.)"] == "GM0373"
    assert val("GM0855", 2019, "bijstandsuitkeringen")["waarde"] == 6582
    assert val("GM0855", 2019, "bijstandsuitkeringen")["bron"] == "60039fvw"
    assert val("GM0855", 2019, "inwoners_75_plus")["waarde"] == 11311 + 3902
    assert val("GM0855", 2019, "eenouderhuishoudens")["waarde"] == 7984
    assert val("GM0358", 2019, "inwoners")["waarde"] == 31728  # Aalsmeer, as in SOURCE.md


def test_spatial_heart_figures(val):
    # uitkeringsontvangers tot AOW-leeftijd: all benefits, not bijstand (SOURCE.md)
    assert val("GM0855", 2019, "uitkeringsontvangers_tot_aow")["waarde"] == 20240
    assert val("GM1680", 2013, "uitkeringsontvangers_tot_aow")["waarde"] == 2190  # Aa en Hunze
    row = val("GM0855", 2019, "gemiddeld_gestandaardiseerd_inkomen")
    assert row["waarde"] == 29_400 and row["eenheid"] == "EUR"
    assert val("GM0855", 2015, "inwoners_75_plus")["waarde"] == 10251 + 3473


def test_kwb2021_figures(val):
    assert val("GM0855", 2021, "omgevingsadressendichtheid")["waarde"] == 2807
    assert val("GM0855", 2021, "omgevingsadressendichtheid")["bron"] == "85039NED"
    assert val("GM0855", 2021, "bijstand_per_1000")["waarde"] == 31.09
    assert val("GM0855", 2021, "wmo_clienten_per_1000")["waarde"] == 84
    assert val("GM0855", 2021, "jeugdzorg_pct")["waarde"] == 10.2
    assert val("GM0855", 2021, "lage_inkomens_pct")["waarde"] == 7.8
    assert val("GM0855", 2021, "gemiddeld_inkomen_per_inwoner")["waarde"] == 26_900
    assert val("GM0855", 2021, "stedelijkheid")["waarde"] == 1
    assert val("GM0855", 2021, "oppervlakte_land_ha")["waarde"] == 12_596


def test_kwb2017_figures(val):
    assert val("GM0855", 2017, "huishoudens")["waarde"] == 105_095
    assert val("GM0855", 2017, "omgevingsadressendichtheid")["waarde"] == 2700
    assert val("GM0855", 2017, "eenpersoonshuishoudens_pct")["waarde"] == 45
    assert val("GM0855", 2017, "stedelijkheid")["bron"] == "83765NED"


def test_gemeentefonds_volumina_newest_circulaire(val):
    row = val("GM0855", 2025, "jongeren")
    assert row["waarde"] == 39428.32898 and row["bron"] == "gf:S2024_2025"
    # 2024: septembercirculaire 2024 wins over M2024, S2023 and M2023 ('39.032,00')
    row = val("GM0855", 2024, "jongeren")
    assert row["waarde"] == 39032.0 and row["bron"] == "gf:S2024_2024"
    assert val("GM0855", 2025, "bijstandsontvangers")["waarde"] == pytest.approx(6745.70947)
    assert val("GM0855", 2025, "gf_woonr")["eenheid"] == "woonruimten"


def test_gf_kenmerk_names():
    assert km.gf_kenmerk_name("inw75+dr") == "inwoners_75_plus_drempel"
    assert km.gf_kenmerk_name("cf.regionaal") == "gf_cf_regionaal"
    assert km.gf_kenmerk_name("WOZwe80") == "gf_wozwe80"


# ------------------------------------------------------------------------ priority


def test_priority_70072ned_over_kwb(val, mirror):
    # Haarlem 2021: KWB 2021 says 162,553, 70072ned 162,543; 70072ned is kept
    kwb = km.read_kwb2021(mirror).set_index(["gm_code", "kenmerk"])
    assert kwb.loc[("GM0392", "inwoners"), "waarde"] == 162_553
    row = val("GM0392", 2021, "inwoners")
    assert row["waarde"] == 162_543 and row["bron"] == "70072ned"
    # density 2017: the 70072ned panel (via tinatiresome) before KWB 2017; they agree here
    row = val("GM0855", 2017, "bevolkingsdichtheid")
    assert row["waarde"] == 1824 and row["bron"] == "70072ned"


def test_combine_keeps_the_first_frame_on_duplicates():
    """Synthetic frames: exact answer."""
    high = pd.DataFrame(
        {
            "gm_code": ["GM0001", "GM0001"],
            "jaar": [2020, 2020],
            "kenmerk": ["inwoners", "stedelijkheid"],
            "waarde": [100.0, 2.0],
            "bron": ["A", "A"],
        }
    )
    low = pd.DataFrame(
        {
            "gm_code": ["GM0001", "GM0002"],
            "jaar": [2020, 2020],
            "kenmerk": ["inwoners", "inwoners"],
            "waarde": [999.0, 50.0],
            "bron": ["B", "B"],
        }
    )
    out = combine_kenmerken([high, low]).set_index(["gm_code", "kenmerk"])
    assert out.loc[("GM0001", "inwoners"), "waarde"] == 100.0
    assert out.loc[("GM0001", "inwoners"), "bron"] == "A"
    assert out.loc[("GM0002", "inwoners"), "bron"] == "B"
    assert out.loc[("GM0001", "stedelijkheid"), "eenheid"] == "klasse"
    assert len(out) == 3
    # reversed priority → the other value
    out = combine_kenmerken([low, high]).set_index(["gm_code", "kenmerk"])
    assert out.loc[("GM0001", "inwoners"), "waarde"] == 999.0


def test_combine_rejects_undescribed_kenmerk():
    df = pd.DataFrame(
        {
            "gm_code": ["GM0001"],
            "jaar": [2020],
            "kenmerk": ["iets_nieuws"],
            "waarde": [1.0],
            "bron": ["A"],
        }
    )
    with pytest.raises(KeyError, match="iets_nieuws"):
        combine_kenmerken([df])


# ------------------------------------------------------------------------ bad input


@pytest.fixture()
def fake(mirror, tmp_path):
    """Copy one mirror file to the same sub-path under tmp_path; return (root, path)."""

    def make(parts: tuple[str, ...]) -> tuple[Path, Path]:
        dst = tmp_path.joinpath(*parts)
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(mirror.joinpath(*parts), dst)
        return tmp_path, dst

    return make


def test_non_numeric_population(fake):
    root, path = fake(RK)
    text = path.read_text(encoding="utf-8-sig")
    path.write_text(text.replace('"   25218"', '"25.2k"', 1), encoding="utf-8")
    with pytest.raises(DataError) as exc:
        km.read_regionale_kerncijfers(root)
    msg = str(exc.value)
    assert "\n" not in msg
    assert "regionale_kerncijfers_subset.csv: rij 2, kolom 'TotaleBevolking_1'" in msg


def test_missing_column(fake):
    root, path = fake(km.KWB2021_FILE)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("WelfareCare|Wmo care clients (per 1k)", "Wmo", 1), encoding="utf-8"
    )
    with pytest.raises(
        DataError, match=r"nl_data_gemeenten_flat\.csv: kolom\(men\) 'WelfareCare\|Wmo"
    ):
        km.read_kwb2021(root)


def test_duplicate_gemeente_year(fake):
    root, path = fake(km.KWB2017_FILE)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    with pytest.raises(
        DataError, match=r"gem_2017_kwb_attributes\.csv: rij 390: gm_code=GM0003 komt twee keer"
    ):
        km.read_kwb2017(root)


def test_bad_gm_code(fake):
    root, path = fake(km.TINA_FILE)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace("GM0003", "0003", 1)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError, match=r"rij 2, kolom 'gm_code': '0003' is geen gemeentecode"):
        km.read_spatial_heart(root)


def test_unknown_fvw_name_is_reported(fake):
    root, path = fake(km.FVW_FILE)
    fake(km.FVW_NAMES_FILE)
    text = path.read_text(encoding="utf-8-sig")
    path.write_text(text.replace("\nTilburg;", "\nTilburcht;", 1), encoding="utf-8")
    with pytest.warns(
        UserWarning, match=r"1 gemeentenaam/-namen niet in de indeling 2019, weggelaten: Tilburcht"
    ):
        out = km.read_fvw_2019(root)
    assert "GM0855" not in set(out["gm_code"]) and out["gm_code"].nunique() == 354


def test_live_only_kenmerk_comes_from_the_live_kwb(tmp_path):
    """jongeren_met_jeugdzorg (alleen_live) is read by the live KWB path.

    The real 84799NED capture is served by the local CBS server; its JongerenMetJeugdzorgInNatura
    column is empty (not yet published when captured), so two gemeenten get synthetic counts.
    """
    from cbs_server import CbsServer, Table, _kwb2020

    from analysekit.data import live
    from analysekit.data.cbs_odata import CbsClient

    assert kenmerken_spec()["jongeren_met_jeugdzorg"]["alleen_live"] is True
    props, rows, info = _kwb2020()
    key = next(p["Key"] for p in props if str(p["Key"]).startswith("JongerenMetJeugdzorgInNatura"))
    synthetic = {"GM0855": 3210.0, "GM0363": 12345.0}  # synthetic counts
    gm_rows = [
        {**r, key: synthetic.get(r["WijkenEnBuurten"].strip(), r[key])}
        for r in rows
        if str(r["WijkenEnBuurten"]).startswith("GM")
    ]
    srv = CbsServer([Table("84799NED", "opendata", props, dict(info), {}, rows=gm_rows)])
    srv.start()
    try:
        client = CbsClient(sleep=lambda s: None, retries=1, timeout=10)
        out = live.fetch_kwb(client, 2020, root=srv.opendata, work_dir=tmp_path, progress=False)
    finally:
        srv.stop()
    got = out[out["kenmerk"] == "jongeren_met_jeugdzorg"].set_index("gm_code")
    assert got["waarde"].to_dict() == synthetic
    assert set(got["eenheid"]) == {"personen"} and set(got["bron"]) == {"84799NED"}
    assert "84799NED" in kenmerken_spec()["jongeren_met_jeugdzorg"]["bron"]
