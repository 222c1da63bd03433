"""Transformation ladder: exact shares on synthetic data, Tilburg from the raw mirror, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import synthetic_prijs_volume as S
from matplotlib.figure import Figure

from analysekit.analysis import ladder as L
from analysekit.analysis import peers as P
from analysekit.analysis import prijs_volume as PV
from analysekit.errors import ParameterError, UnknownGemeente
from analysekit.vocab import TAAKVELD_GROEPEN, TREDEN


def _one(df: pd.DataFrame, **key) -> pd.Series:
    m = np.ones(len(df), dtype=bool)
    for k, v in key.items():
        m &= (df[k] == v).to_numpy()
    assert m.sum() == 1
    return df.loc[m].iloc[0]


@pytest.fixture(scope="module")
def syn() -> pd.DataFrame:
    return L.ladder_all(S.iv3())


def test_synthetic_shares_exact(syn):
    r = _one(syn, gm_code="GM9001", jaar=2023, verslagsoort="jaarrekening")
    assert (r["voorliggend_eur"], r["maatwerk_eur"], r["geescaleerd_eur"]) == (
        6_000_000.0, 31_000_000.0, 3_000_000.0)
    assert (r["aandeel_voorliggend"], r["aandeel_maatwerk"], r["aandeel_geescaleerd"]) == (
        15.0, 77.5, 7.5)
    ok = syn["status"] == "ok"
    np.testing.assert_allclose(syn.loc[ok, [f"aandeel_{t}" for t in TREDEN]].sum(axis=1), 100.0)


def test_synthetic_non_delivered(syn):
    r = _one(syn, gm_code="GM9006", jaar=2023, verslagsoort="jaarrekening")
    assert r["status"] == "geen gegevens"
    assert r[[f"aandeel_{t}" for t in TREDEN]].isna().all() and np.isnan(r["ladder_eur"])


def test_synthetic_position_and_change(syn):
    pos = L.ladder_positie(syn, S.peer_tabel(), 2023)
    g = _one(pos, gm_code="GM9001", trede="geescaleerd")
    # peers GM9002–GM9005 (GM9006 not delivered): 10, 10, 300/35, 7.5 -> 0 below, 1 equal
    assert g["n_peers"] == 4 and g["percentiel"] == 12.5
    assert g["peers_samen"] == pytest.approx(100 * 12 / 135, rel=1e-12)
    assert g["peer_mediaan"] == pytest.approx((10 + 300 / 35) / 2, rel=1e-12)
    ch = _one(L.ladder_verandering(syn), gm_code="GM9001", jaar=2023,
              verslagsoort="jaarrekening")
    assert ch["vorig_jaar"] == 2022
    assert (ch["verandering_voorliggend"], ch["verandering_maatwerk"],
            ch["verandering_geescaleerd"]) == (-5.0, 7.5, -2.5)
    zin = L.ladder_zin(pos, "GM9001", "Synthetisch", L.ladder_verandering(syn))
    assert zin.startswith("Van de lasten op de transformatieladder (jaarrekening 2023) gaat "
                          "bij Synthetisch 15% voorliggend, 78% maatwerk en 8% geëscaleerd")
    assert "bij 4 vergelijkbare gemeenten" in zin
    assert "Verandering sinds jaarrekening 2022: voorliggend −5,0 procentpunt" in zin
    assert "geen verdeling mogelijk (geen gegevens)" in L.ladder_zin(pos, "GM9006")


def test_bad_input(syn):
    with pytest.raises(ParameterError, match="basis 'bruto' onbekend"):
        L.ladder_all(S.iv3(), basis="bruto")
    with pytest.raises(ParameterError, match="geen ladderrijen voor jaarrekening 2019"):
        L.ladder_positie(syn, S.peer_tabel(), 2019)
    with pytest.raises(ParameterError, match="verslagsoort 'x' onbekend"):
        L.ladder_positie(syn, S.peer_tabel(), 2023, "x")
    with pytest.raises(UnknownGemeente):
        L.ladder_zin(L.ladder_positie(syn, S.peer_tabel(), 2023), "GM0001")


def test_netto_basis_flags_non_positive(syn):
    iv3 = S.iv3()
    iv3.loc[(iv3["gm_code"] == "GM9002") & (iv3["taakveld"] == "6.81a")
            & (iv3["jaar"] == 2023), "baten_eur"] = 5_000_000.0
    n = L.ladder_all(iv3, basis="netto")
    r = _one(n, gm_code="GM9002", jaar=2023, verslagsoort="jaarrekening")
    assert r["status"] == "negatieve trede" and np.isnan(r["aandeel_geescaleerd"])


# --------------------------------------------------------------------------- real mirror


@pytest.fixture(scope="module")
def real(built):
    import analysekit

    iv3 = analysekit.load("iv3")
    return L.ladder_all(iv3, levering=PV.levering_tabel(iv3))


def test_tilburg_shares_from_raw_mirror(real, mirror):
    raw = pd.read_csv(mirror / "michielsd-begrotingsanalysetool/Analysedata/Iv3/"
                      "2023_jaarrekening.csv", sep=";")
    raw = raw.loc[raw["Gemeenten"] == "Tilburg"]
    code = raw["Taakveld"].str.split(" ").str[0]
    lasten = {t: 1000.0 * raw.loc[code.isin(TAAKVELD_GROEPEN[t]), "Lasten"].sum()
              for t in TREDEN}
    assert lasten["voorliggend"] == 116_979_000.0  # 6.1 84,811 + 6.2 32,168 (× 1,000)
    total = sum(lasten.values())
    r = _one(real, gm_code="GM0855", jaar=2023, verslagsoort="jaarrekening")
    for t in TREDEN:
        assert r[f"{t}_eur"] == pytest.approx(lasten[t], rel=1e-12)
        assert r[f"aandeel_{t}"] == pytest.approx(100 * lasten[t] / total, rel=1e-12)
    assert round(r["aandeel_voorliggend"]) == 36 and round(r["aandeel_geescaleerd"]) == 19


def test_gm1961_is_geen_gegevens(real):
    r = _one(real, gm_code="GM1961", jaar=2023, verslagsoort="jaarrekening")
    assert r["status"] == "geen gegevens" and np.isnan(r["aandeel_maatwerk"])


def test_real_position_and_figure(real, built):
    import analysekit
    from analysekit.analysis.plots_prijs_volume import plot_ladder

    ken, gem = analysekit.load("kenmerken"), analysekit.load("gemeenten")
    ap = P.all_peers(P.peer_data(ken, gem, 2023), k=10)
    pos = L.ladder_positie(real, ap, 2023)
    t = pos.loc[pos["gm_code"] == "GM0855"]
    assert (t["n_peers"] == 10).all() and t["percentiel"].between(0, 100).all()
    codes = ap.loc[ap["gm_code"] == "GM0855", "peer_gm_code"].tolist()
    namen = dict(zip(gem["gm_code"], gem["naam"], strict=False))
    fig = plot_ladder(real, "GM0855", codes, 2023, namen=namen)
    assert isinstance(fig, Figure)
    texts = " ".join(x.get_text() for x in fig.findobj(lambda a: hasattr(a, "get_text")))
    assert "Tilburg" in texts and "36%" in texts and "geëscaleerd" in texts
    with pytest.raises(ParameterError, match="geen ladderrij"):
        plot_ladder(real, "GM0000", codes, 2023)


def test_change_across_an_iv3_revision_is_named(syn):
    """SYNTHETIC: 2022 → 2023 straddles the 2023 revision; the sentence says so."""
    ch = L.ladder_verandering(syn)
    r = _one(ch, gm_code="GM9001", jaar=2023, verslagsoort="jaarrekening")
    assert r["revisie"] == 2023
    same = syn.loc[syn["jaar"] == 2023].assign(jaar=2024)
    both = L.ladder_verandering(pd.concat([syn.loc[syn["jaar"] == 2023], same]))
    assert both.loc[both["jaar"] == 2024, "revisie"].isna().all()
    pos = L.ladder_positie(syn, S.peer_tabel(), 2023)
    zin = L.ladder_zin(pos, "GM9001", "Synthetisch", ch)
    assert zin.endswith("In 2023 veranderde de Iv3-indeling van deze taakvelden: een deel van "
                        "die verandering is een andere boeking, geen verschuiving in de zorg.")


def test_aggregate_code_takes_the_step_of_its_sub_codes():
    """SYNTHETIC: the multi-year series books jeugdhulp on 6.73/6.75 (not in the mapping);
    they are maatwerk like all their sub-codes, so the shares match the refined booking."""
    iv3 = S.iv3()
    agg = iv3.assign(taakveld=iv3["taakveld"].replace({"6.72a": "6.75"}))
    a, b = L.ladder_all(iv3), L.ladder_all(agg)
    cols = ["ladder_eur", *[f"aandeel_{t}" for t in TREDEN]]
    pd.testing.assert_frame_equal(a[cols], b[cols])
    odd = iv3.assign(taakveld=iv3["taakveld"].replace({"6.72a": "6.9"}))  # 6.91/6.92: no step
    ok = a["status"] == "ok"  # (the not-delivered gemeente has NaN in both)
    assert (L.ladder_all(odd).loc[ok, "maatwerk_eur"] == a.loc[ok, "maatwerk_eur"] - 3e6).all()
