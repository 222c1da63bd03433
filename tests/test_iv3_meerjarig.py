"""The cbs-iv3-meerjarig adapter: real figures from the mirror, and refusals of bad files.

Real: the adapter reproduces the raw gzip (thousands → euros), agrees with the michielsd
files on every shared lasten cell (sub-taakvelden rolled up as the folder's SOURCE.md
says), the built iv3 table covers 2017–2026 with baten only where a source has them, and
the PGB split of begroting 2026 adds up. Synthetic (labelled): cut, altered and malformed
files are refused with one line.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil

import numpy as np
import pandas as pd
import pytest

from analysekit.data.mirror import iv3_meerjarig as M
from analysekit.errors import DataError

FOLDER = "cbs-iv3-meerjarig"


def _rollup(code: str) -> str:
    """The parent a sub-taakveld is rolled up into (SOURCE.md of cbs-iv3-meerjarig)."""
    m = (
        re.match(r"^(6\.7[1-4])[a-d]$", code)
        or re.match(r"^(6\.8[12])[ab]$", code)
        or re.match(r"^(6\.(?:7[1569]|8[12]))\d$", code)
    )
    return m.group(1) if m else code


@pytest.fixture(scope="module")
def raw(mirror):
    return pd.read_csv(mirror / FOLDER / M.LASTEN_FILE, dtype={"taakveld": str})


@pytest.fixture(scope="module")
def lasten(mirror):
    return M.read_lasten(mirror)


def test_adapter_equals_the_raw_file_in_euros(raw, lasten):
    assert len(lasten) == len(raw) == 327_990
    assert lasten["baten_eur"].isna().all() and lasten["salarissen_eur"].isna().all()
    key = ["gm_code", "jaar", "verslagsoort", "taakveld"]
    m = lasten.merge(raw, on=key, validate="one_to_one")
    assert (m["lasten_eur"] == m["lasten_k_eur"] * 1000).all()
    til = lasten[(lasten.gm_code == "GM0855") & (lasten.jaar == 2017)
                 & (lasten.verslagsoort == "jaarrekening") & (lasten.taakveld == "6.72")]
    assert til["lasten_eur"].item() == 46_827_000.0  # raw line: GM0855,2017,...,6.72,46827.0
    named = lasten.dropna(subset=[M.NAAM_COLUMN])
    assert set(named["taakveld"]) == {"6.71", "6.72", "6.73", "6.74", "6.75", "6.76", "6.79",
                                      "6.81", "6.82"}
    assert (named["jaar"] >= 2023).all()


def test_every_shared_lasten_cell_agrees_with_michielsd(mirror, raw):
    from analysekit.data.mirror.iv3 import build_iv3_raw

    mich = build_iv3_raw(mirror)
    mich = mich.assign(taakveld=mich["taakveld"].map(_rollup))
    a = mich.groupby(["gm_code", "jaar", "verslagsoort", "taakveld"])["lasten_eur"].sum() / 1000
    b = raw.set_index(["gm_code", "jaar", "verslagsoort", "taakveld"])["lasten_k_eur"]
    both = pd.concat([a.rename("mich"), b.rename("mj")], axis=1, join="inner")
    assert len(both) == 71_086  # jaarrekening 2023, begroting 2023-2025
    assert (both["mich"] == both["mj"]).all()  # exactly, cell by cell
    # Cells only michielsd has are 0, except 0.10 (reserves) and 0.11 (resultaat), which
    # the meerjarig file leaves out of the per-taakveld lasten (SOURCE.md).
    only = a[a.index.difference(b.index)]
    rest = only[~only.index.get_level_values("taakveld").isin(["0.10", "0.11"])]
    assert len(rest) > 0 and (rest == 0).all()


def test_built_iv3_covers_2017_2026_with_baten_only_where_known(built):
    import analysekit as ak

    iv3 = ak.load("iv3", columns=["jaar", "verslagsoort", "baten_eur", "baten_bekend"])
    cells = iv3.groupby(["jaar", "verslagsoort"])["baten_bekend"].agg(["all", "any"])
    assert sorted(iv3["jaar"].unique()) == list(range(2017, 2027))
    met_baten = {(2023, "jaarrekening"), (2023, "begroting"), (2024, "begroting"),
                 (2025, "begroting")}
    for key, row in cells.iterrows():
        assert bool(row["all"]) == bool(row["any"]) == (key in met_baten), key
    assert iv3.loc[~iv3["baten_bekend"], "baten_eur"].isna().all()  # missing, never 0
    assert iv3.loc[iv3["baten_bekend"], "baten_eur"].notna().all()
    assert len(cells) == 18  # begroting 2017-2026, jaarrekening 2017-2024


def test_built_iv3_sums_equal_the_raw_file_for_meerjarig_years(built, raw):
    import analysekit as ak

    iv3 = ak.load("iv3", jaar=[2017, 2021, 2024], verslagsoort="jaarrekening")
    got = iv3.groupby(["jaar"])["lasten_eur"].sum()
    want = raw[(raw.verslagsoort == "jaarrekening") & raw.jaar.isin([2017, 2021, 2024])]
    want = want.groupby("jaar")["lasten_k_eur"].sum() * 1000
    pd.testing.assert_series_equal(got, want, check_names=False, rtol=1e-12)
    names = iv3.loc[iv3.taakveld.isin(["6.73", "6.74"]), ["taakveld", "taakveld_naam", "domein"]]
    assert set(names["domein"]) == {"Jeugd"} and set(names["taakveld"]) == {"6.73", "6.74"}
    assert names["taakveld_naam"].str.contains("samen").all()


def test_pgb_2026_is_divided_and_adds_up(built, raw):
    import analysekit as ak

    iv3 = ak.load("iv3", jaar=2026)
    assert not (iv3["taakveld"] == "6.79").any()
    pgb = iv3[iv3.taakveld.isin(["6.791", "6.792"])]
    assert set(pgb.groupby("taakveld")["domein"].first()) == {"Wmo", "Jeugd"}
    assert pgb["taakveld_naam"].str.contains("geschat").all()
    got = pgb.groupby("gm_code")["lasten_eur"].sum()
    want = raw[(raw.jaar == 2026) & (raw.taakveld == "6.79")].set_index("gm_code")
    want = want["lasten_k_eur"].reindex(got.index) * 1000
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-12)
    # Tilburg: the share of PGB Wmo is that of its own begroting 2025
    b25 = ak.load("iv3", gemeente="GM0855", jaar=2025).set_index("taakveld")["lasten_eur"]
    share = b25["6.791"] / (b25["6.791"] + b25["6.792"])
    t = pgb[pgb.gm_code == "GM0855"].set_index("taakveld")["lasten_eur"]
    assert t["6.791"] / t.sum() == pytest.approx(share, rel=1e-12)


def test_split_pgb_synthetic():
    """Synthetic: A has its own 2025 shares, B none (national share), C no 2025 at all."""
    lasten = pd.DataFrame({
        "gm_code": ["GM0001", "GM0002", "GM0003", "GM0001"],
        "jaar": [2026, 2026, 2026, 2026],
        "verslagsoort": "begroting",
        "taakveld": ["6.79", "6.79", "6.79", "6.1"],
        "lasten_eur": [100.0, 50.0, 10.0, 7.0],
        "baten_eur": np.nan, "salarissen_eur": np.nan, M.NAAM_COLUMN: None,
    })
    ref = pd.DataFrame({
        "gm_code": ["GM0001", "GM0001", "GM0002", "GM0002"],
        "jaar": 2025, "verslagsoort": "begroting",
        "taakveld": ["6.791", "6.792", "6.791", "6.792"],
        "lasten_eur": [30.0, 10.0, 0.0, 0.0],
    })
    out = M.split_pgb(lasten, ref).set_index(["gm_code", "taakveld"])["lasten_eur"]
    assert out[("GM0001", "6.791")] == 75.0 and out[("GM0001", "6.792")] == 25.0
    assert out[("GM0002", "6.791")] == 37.5  # national 30 / 40
    assert out[("GM0003", "6.792")] == 2.5
    assert out[("GM0001", "6.1")] == 7.0 and len(out) == 7


def test_totalen_table(built, mirror):
    import analysekit as ak

    tot = ak.load("iv3_totalen")
    raw = pd.read_csv(mirror / FOLDER / M.TOTALEN_FILE)
    assert len(tot) == len(raw) - 25  # the 25 all-zero submissions are not there
    til = tot[(tot.gm_code == "GM0855") & (tot.jaar == 2024)
              & (tot.verslagsoort == "jaarrekening")].iloc[0]
    r = raw[(raw.gm_code == "GM0855") & (raw.jaar == 2024)
            & (raw.verslagsoort == "jaarrekening")].iloc[0]
    assert til["spuk_baten_hoofdtaakveld6_eur"] == r["spuk_baten_hoofdtaakveld6_k_eur"] * 1000
    assert til["inwoners"] == r["inwoners"]


# ----------------------------------------------------------------- bad files (synthetic)


def _copy_folder(mirror, tmp_path):
    dest = tmp_path / "mirror" / FOLDER
    dest.mkdir(parents=True)
    for name in (M.LASTEN_FILE, M.TOTALEN_FILE):
        shutil.copyfile(mirror / FOLDER / name, dest / name)
    return tmp_path / "mirror"


def test_cut_gzip_is_refused_by_the_adapter(mirror, tmp_path):
    m = _copy_folder(mirror, tmp_path)
    path = m / FOLDER / M.LASTEN_FILE
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # synthetic: cut mid-stream
    with pytest.raises(DataError, match="afgebroken of beschadigd") as err:
        M.read_lasten(m)
    assert "\n" not in str(err.value)


def test_bad_values_name_file_row_and_column(tmp_path):
    root = tmp_path / "mirror" / FOLDER
    root.mkdir(parents=True)
    head = "gm_code,jaar,verslagsoort,cbs_verslagsoort,taakveld,lasten_k_eur\n"
    cases = {
        "GM0001,2017,begroting,2017X000,6.1,abc\n": r"rij 2, kolom 'lasten_k_eur'",
        "XX0001,2017,begroting,2017X000,6.1,1\n": r"rij 2, kolom 'gm_code'",
        "GM0001,2017,plan,2017X000,6.1,1\n": r"rij 2, kolom 'verslagsoort'",
        "GM0001,2017,begroting,2017X000,6.1,1\n" * 2: "dubbele rij",
    }
    for body, msg in cases.items():
        with gzip.open(root / M.LASTEN_FILE, "wt") as fh:  # synthetic file
            fh.write(head + body)
        with pytest.raises(DataError, match=msg):
            M.read_lasten(tmp_path / "mirror")
    with gzip.open(root / M.LASTEN_FILE, "wt") as fh:
        fh.write("gm_code,jaar\nGM0001,2017\n")
    with pytest.raises(DataError, match="ontbreken"):
        M.read_lasten(tmp_path / "mirror")


def test_fetch_copies_the_gzip_files_and_build_refuses_a_cut_or_altered_one(mirror, tmp_path):
    from analysekit.data.fetch import fetch_mirror
    from analysekit.data.provenance import verify_raw

    m = _copy_folder(mirror, tmp_path)
    raw_root = tmp_path / "raw"
    entries = {e["name"]: e for e in fetch_mirror(m, raw_root)}
    e = entries[f"mirror/{FOLDER}/{M.LASTEN_FILE}"]
    assert e["rows"] == 327_990 and len(e["sha256"]) == 64
    assert entries[f"mirror/{FOLDER}/{M.TOTALEN_FILE}"]["rows"] == 6_398
    manifest = json.loads((raw_root / "manifest.json").read_text())
    assert len(manifest["files"]) == 2
    assert verify_raw(raw_root) == 2
    copy = raw_root / "mirror" / FOLDER / M.LASTEN_FILE
    good = copy.read_bytes()
    copy.write_bytes(good[:-200])  # synthetic: cut
    with pytest.raises(DataError, match="afgebroken of beschadigd"):
        verify_raw(raw_root)
    # synthetic: altered but valid gzip with the same number of rows
    text = gzip.decompress(good).decode().replace(",6.72,46827.0", ",6.72,46828.0")
    copy.write_bytes(gzip.compress(text.encode(), compresslevel=1))
    with pytest.raises(DataError, match="sha256 wijkt af"):
        verify_raw(raw_root)
    # synthetic: a valid gzip with one row less
    copy.write_bytes(gzip.compress(text[: text.rstrip().rfind("\n")].encode(), compresslevel=1))
    with pytest.raises(DataError, match="datarijen"):
        verify_raw(raw_root)
