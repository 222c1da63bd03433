"""Prijs × volume: exact splits on synthetic data, Tilburg by hand from the raw mirror."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import synthetic_prijs_volume as S
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from analysekit.analysis import peers as P
from analysekit.analysis import prijs_volume as PV
from analysekit.errors import DataError, ParameterError, UnknownGemeente
from analysekit.vocab import TAAKVELD_GROEPEN

# --------------------------------------------------------------------------- synthetic


@pytest.fixture(scope="module")
def syn() -> dict:
    iv3, ken, gem = S.iv3(), S.kenmerken(), S.gemeenten()
    pv23 = PV.prijs_volume_all(iv3, ken, gem, 2023)
    pv22 = PV.prijs_volume_all(iv3, ken, gem, 2022)
    return {"iv3": iv3, "ken": ken, "gem": gem, "pv23": pv23, "pv22": pv22}


def _row(df: pd.DataFrame, gm: str, dom: str) -> pd.Series:
    r = df.loc[(df["gm_code"] == gm) & (df["domein"] == dom)]
    assert len(r) == 1
    return r.iloc[0]


def test_synthetic_volume_price_identity(syn):
    r = _row(syn["pv23"], "GM9001", "Wmo")
    assert (r["netto_per_inwoner"], r["volume"], r["prijs"]) == (300.0, 60.0, 5000.0)
    assert r["clienten"] == 6000.0 and r["status"] == "ok"
    assert r["clienten_jaar"] == 2023 and not r["jaar_afwijkend"]
    ok = syn["pv23"]["status"] == "ok"
    pv = syn["pv23"].loc[ok]
    np.testing.assert_allclose(pv["volume"] * pv["prijs"] / 1000, pv["netto_per_inwoner"],
                               rtol=1e-12)


def test_synthetic_split_vs_peers_is_exact(syn):
    d = PV.decompose_vs_peers(syn["pv23"], S.peer_tabel())
    r = _row(d, "GM9001", "Wmo")
    # peer medians without the non-delivered GM9006: volume 50, y 225, price 4500
    assert (r["ref_volume"], r["ref_netto_per_inwoner"], r["ref_prijs"]) == (50.0, 225.0, 4500.0)
    assert r["n_peers"] == 4
    assert (r["verschil"], r["volume_deel"], r["prijs_deel"], r["interactie"]) == (
        75.0, 45.0, 25.0, 5.0)
    assert r["volume_deel"] + r["prijs_deel"] + r["interactie"] == r["verschil"]
    k = _row(PV.decompose_vs_peers(syn["pv23"], S.peer_tabel(), methode="kitagawa"),
             "GM9001", "Wmo")
    assert (k["volume_deel"], k["prijs_deel"], k["interactie"]) == (47.5, 27.5, 0.0)
    assert k["volume_deel"] + k["prijs_deel"] == k["verschil"]


def test_synthetic_split_vs_earlier_year_is_exact(syn):
    d = PV.decompose_vs_jaar(syn["pv23"], syn["pv22"])
    r = _row(d, "GM9001", "Wmo")
    assert (r["verschil"], r["volume_deel"], r["prijs_deel"], r["interactie"]) == (
        100.0, 40.0, 50.0, 10.0)
    assert r["ref_jaar"] == 2022 and r["ref_clienten_jaar"] == 2022
    # Participatie: one client count (2021) for both years -> no split, reason given
    p = _row(d, "GM9001", "Participatie")
    assert np.isnan(p["volume_deel"]) and "zelfde cliëntenjaar" in p["status"]
    # GM9006 did not deliver 2023: no split
    assert _row(d, "GM9006", "Wmo")["status"] == "geen gegevens"


def test_parts_add_up_on_random_inputs():
    rng = np.random.default_rng(12)
    v_a, v_b = rng.uniform(1, 100, 1000), rng.uniform(1, 100, 1000)
    p_a, p_b = rng.uniform(100, 30000, 1000), rng.uniform(100, 30000, 1000)
    y_a, y_b = v_a * p_a / 1000, v_b * p_b / 1000
    for m in PV.METHODEN:
        d = PV.decompose(y_a, v_a, p_a, y_b, v_b, p_b, m)
        np.testing.assert_allclose(d["volume_deel"] + d["prijs_deel"] + d["interactie"],
                                   d["verschil"], rtol=1e-12, atol=1e-9)


def test_small_zero_and_missing_client_counts(syn):
    pv = syn["pv23"]
    assert _row(pv, "GM9002", "Jeugd")["status"] == "klein aantal"  # 0 clients
    assert _row(pv, "GM9003", "Jeugd")["status"] == "klein aantal"  # 8 < 10
    assert _row(pv, "GM9004", "Jeugd")["status"] == "geen cliëntentelling"
    for gm in ("GM9002", "GM9003", "GM9004"):
        r = _row(pv, gm, "Jeugd")
        assert np.isnan(r["clienten"]) and np.isnan(r["volume"]) and np.isnan(r["prijs"])
    # the threshold is a parameter: at 5 the 8 clients of GM9003 count
    pv5 = PV.prijs_volume_all(syn["iv3"], syn["ken"], syn["gem"], 2023, min_clienten=5)
    assert _row(pv5, "GM9003", "Jeugd")["clienten"] == 8.0
    # the gemeente's Jeugd split: only GM9005 and GM9006 have a count; GM9006 not delivered
    d = PV.decompose_vs_peers(pv, S.peer_tabel())
    r = _row(d, "GM9001", "Jeugd")
    assert r["n_peers"] == 1 and r["status"].startswith("minder dan 3 peers")
    assert np.isnan(r["verschil"])


def test_client_year_differs_is_reported(syn):
    r = _row(syn["pv23"], "GM9001", "Participatie")
    assert r["clienten_jaar"] == 2021 and r["jaar_afwijkend"]
    assert r["volume"] == 25.0 and r["clienten"] == 2500.0


def test_non_delivered_is_nan_not_zero(syn):
    for dom in PV.PV_DOMEINEN:
        r = _row(syn["pv23"], "GM9006", dom)
        assert r["status"] == "geen gegevens"
        assert np.isnan(r["netto_eur"]) and np.isnan(r["netto_per_inwoner"])
    lev = PV.levering_uit_iv3(syn["iv3"])
    hit = lev.loc[(lev["gm_code"] == "GM9006") & (lev["jaar"] == 2023)]
    assert not hit["geleverd"].iloc[0]
    # a gemeente × jaar × verslagsoort without any iv3 rows is not delivered either
    iv3 = syn["iv3"].loc[~((syn["iv3"]["gm_code"] == "GM9005") & (syn["iv3"]["jaar"] == 2023))]
    pv = PV.prijs_volume_all(iv3, syn["ken"], syn["gem"], 2023)
    assert _row(pv, "GM9005", "Wmo")["status"] == "geen gegevens"


def test_lasten_only_source_is_nan_not_lasten(syn):
    """SYNTHETIC: a submission whose source has lasten but no baten per taakveld (the
    multi-year lasten series) has no net cost and no split, and is no peer reference."""
    iv3 = syn["iv3"].copy()
    iv3.loc[(iv3["jaar"] == 2023) & (iv3["gm_code"] == "GM9002"), "baten_eur"] = np.nan
    pv = PV.prijs_volume_all(iv3, syn["ken"], syn["gem"], 2023)
    for dom in PV.PV_DOMEINEN:
        r = _row(pv, "GM9002", dom)
        assert r["status"] == PV.STATUS_GEEN_BATEN
        assert np.isnan(r["netto_eur"]) and np.isnan(r["prijs"])
    assert _row(pv, "GM9001", "Wmo")["status"] == "ok"
    out = PV.decompose_vs_peers(pv, ["GM9002", "GM9003", "GM9004", "GM9005"], gm_code="GM9001")
    assert _row(out, "GM9001", "Wmo")["n_peers"] == 3
    zin = PV.zin(_row(PV.decompose_vs_peers(pv, S.peer_tabel()), "GM9002", "Wmo"))
    assert "alleen lasten per taakveld in de gegevens, geen baten" in zin
    # a later begroting year whose indeling is not in table gemeenten: the newest before it
    later = iv3.loc[iv3["jaar"] == 2023].assign(jaar=2024)
    pv24 = PV.prijs_volume_all(pd.concat([iv3, later]), syn["ken"], syn["gem"], 2024)
    assert set(pv24["jaar"]) == {2024} and len(pv24) == len(pv)


def test_sentences_synthetic(syn):
    d = PV.decompose_vs_peers(syn["pv23"], S.peer_tabel())
    z = PV.zinnen(d, "GM9001", naam="Synthetisch")
    assert z[0].startswith("Synthetisch geeft € 75 per inwoner meer uit aan Wmo dan de "
                           "mediaan van 4 vergelijkbare gemeenten")
    assert "€ 45 meer doordat meer inwoners een Wmo-voorziening hebben" in z[0]
    assert "€ 25 meer doordat de Wmo per cliënt duurder is" in z[0]
    assert "(en € 5 meer door de samenhang van beide)" in z[0]
    assert "geen splitsing" in z[1]  # Jeugd: too few peers
    assert "want er zijn minder dan 3 vergelijkbare gemeenten met gegevens" in z[1]
    assert "2 jaar vóór het kostenjaar 2023" in z[2]  # Participatie, client year 2021
    for dom in PV.PV_DOMEINEN:
        assert "geen oorzakelijk effect" in PV.kanttekening(dom)
    assert "verblijf" in PV.kanttekening("Jeugd") and "jeugdbescherming" in PV.kanttekening(
        "Jeugd")
    assert "huishoudelijke hulp" in PV.kanttekening("Wmo")
    assert "re-integratie" in PV.kanttekening("Participatie")


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("kwargs, match", [
    ({"jaar": "2023"}, "jaar='2023'; verwacht: een jaartal als geheel getal"),
    ({"jaar": 2030}, "jaar 2030 staat niet in"),
    ({"verslagsoort": "kwartaal"}, "verslagsoort 'kwartaal' onbekend"),
    ({"min_clienten": 0}, "min_clienten=0; verwacht: een geheel getal ≥ 1"),
])
def test_bad_arguments(syn, kwargs, match):
    args = {"jaar": 2023, **kwargs}
    with pytest.raises(ParameterError, match=match) as e:
        PV.prijs_volume_all(syn["iv3"], syn["ken"], syn["gem"], **args)
    assert "\n" not in str(e.value)


def test_bad_decompose_arguments(syn):
    with pytest.raises(ParameterError, match="methode 'oaxaca' onbekend"):
        PV.decompose_vs_peers(syn["pv23"], S.peer_tabel(), methode="oaxaca")
    with pytest.raises(ParameterError, match="geef ook gm_code= mee"):
        PV.decompose_vs_peers(syn["pv23"], ["GM9002", "GM9003"])
    with pytest.raises(ParameterError, match="verwacht: gm_codes"):
        PV.decompose_vs_peers(syn["pv23"], ["Tilburg"], gm_code="GM9001")
    with pytest.raises(ParameterError, match="meerdere jaren"):
        PV.decompose_vs_peers(pd.concat([syn["pv23"], syn["pv22"]]), S.peer_tabel())
    with pytest.raises(ParameterError, match="ligt niet vóór pv"):
        PV.decompose_vs_jaar(syn["pv22"], syn["pv23"])
    with pytest.raises(DataError, match="mist kolom"):
        PV.prijs_volume_all(syn["iv3"].drop(columns="domein"), syn["ken"], syn["gem"], 2023)
    with pytest.raises(UnknownGemeente):
        PV.zinnen(PV.decompose_vs_peers(syn["pv23"], S.peer_tabel()), "GM0001")


# --------------------------------------------------------------------------- real mirror


@pytest.fixture(scope="module")
def real(built):
    import analysekit

    iv3, ken, gem = (analysekit.load(n) for n in ("iv3", "kenmerken", "gemeenten"))
    pv = PV.prijs_volume_all(iv3, ken, gem, 2023, levering=PV.levering_tabel(iv3))
    ap = P.all_peers(P.peer_data(ken, gem, 2023), k=10)
    return {"pv": pv, "peers": ap, "d": PV.decompose_vs_peers(pv, ap)}


def _raw_jaarrekening_2023(mirror) -> pd.DataFrame:
    """Raw Iv3 jaarrekening 2023 (thousands of euros), keyed by gm_code, read directly."""
    base = mirror / "michielsd-begrotingsanalysetool"
    d = pd.read_csv(base / "Analysedata/Iv3/2023_jaarrekening.csv", sep=";")
    ren = pd.read_csv(base / "Brondata/gemeentenamen.csv", sep="\t")
    back = dict(zip(ren["GFnaam"], ren["Iv3naam"], strict=True))
    codes = pd.read_csv(mirror / "rubensan19-kaarten/KoppelCodes.csv", sep=";",
                        encoding="utf-8-sig")
    name2gm = dict(zip(codes["gemeenteNaam"], codes["gemeentCode"], strict=True))
    d["gm_code"] = d["Gemeenten"].map(lambda n: name2gm.get(back.get(n, n)))
    d["code"] = d["Taakveld"].str.split(" ").str[0]
    return d


def _raw_net_per_inwoner(raw: pd.DataFrame, gm: str, domein: str) -> float:
    rows = raw.loc[(raw["gm_code"] == gm) & raw["code"].isin(TAAKVELD_GROEPEN[domein])]
    netto = 1000.0 * (rows["Lasten"].fillna(0).sum() - rows["Baten"].fillna(0).sum())
    return netto / float(raw.loc[raw["gm_code"] == gm, "Inwonertal"].iloc[0])


def _raw_jeugd_volume(mirror, gm: str) -> float:
    """% jongeren met jeugdzorg (KWB 2021) × jongeren 0–17 (70072ned 2021) per 1,000 inwoners."""
    kwb = pd.read_csv(mirror / "nlstat-kwb2021/nl_data_gemeenten_flat.csv")
    pct = float(kwb.loc[kwb["gm_code"] == gm, "WelfareCare|Youth welfare (%)"].iloc[0])
    rk = pd.read_csv(mirror / "lostconnectionhere-r_practice/data/regionale_kerncijfers_subset.csv",
                     sep=";", encoding="utf-8-sig", dtype=str)
    r = rk.loc[(rk["RegioS"].str.strip() == gm) & (rk["Perioden"] == "2021JJ00")].iloc[0]
    n = {c: float(r[c].strip()) for c in ("TotaleBevolking_1", "JongerDan5Jaar_4",
                                          "k_5Tot10Jaar_5", "k_10Tot15Jaar_6", "k_15Tot20Jaar_7")}
    jong = (n["JongerDan5Jaar_4"] + n["k_5Tot10Jaar_5"] + n["k_10Tot15Jaar_6"]
            + 0.6 * n["k_15Tot20Jaar_7"])
    return 1000.0 * pct / 100.0 * jong / n["TotaleBevolking_1"]


def test_tilburg_own_figures_by_hand(real, mirror):
    raw = _raw_jaarrekening_2023(mirror)
    pv = real["pv"]
    # Jeugd: net cost from the raw Iv3 file, volume from KWB 2021 × 70072ned 2021
    y = _raw_net_per_inwoner(raw, "GM0855", "Jeugd")
    v = _raw_jeugd_volume(mirror, "GM0855")
    r = _row(pv, "GM0855", "Jeugd")
    assert r["netto_per_inwoner"] == pytest.approx(y, rel=1e-12)
    assert r["netto_per_inwoner"] == pytest.approx(76_214_000 / 227_707, rel=1e-12)
    assert r["volume"] == pytest.approx(v, rel=1e-12)
    assert r["prijs"] == pytest.approx(1000 * y / v, rel=1e-12)
    assert r["clienten_jaar"] == 2021 and r["jaar_afwijkend"]
    # Wmo: KWB 2021 publishes 84 Wmo-cliënten per 1,000 inwoners for Tilburg
    kwb = pd.read_csv(mirror / "nlstat-kwb2021/nl_data_gemeenten_flat.csv")
    wmo = float(kwb.loc[kwb["gm_code"] == "GM0855", "WelfareCare|Wmo care clients (per 1k)"]
                .iloc[0])
    r = _row(pv, "GM0855", "Wmo")
    assert wmo == 84.0 and r["volume"] == 84.0
    assert r["netto_per_inwoner"] == pytest.approx(_raw_net_per_inwoner(raw, "GM0855", "Wmo"),
                                                   rel=1e-12)
    # Participatie: BZK maatstaf bo3_nw (S2024, uitkeringsjaar 2024) per 1,000 inwoners 2024
    base = mirror / "michielsd-begrotingsanalysetool/Brondata"
    vol = pd.read_csv(base / "GF/Clusterdata/GF_S2024_2024_Volumina.csv", sep="\t",
                      decimal=",", thousands=".")
    bo3 = float(vol.loc[vol["CBS"] == 855, "bo3_nw"].iloc[0])
    kl = pd.read_csv(base / "Gemeenteklassen/2024.csv", sep="\t")
    inw24 = float(kl.loc[kl["Gemeenten"] == "Tilburg", "Inwonertal"].iloc[0])
    r = _row(pv, "GM0855", "Participatie")
    assert r["clienten"] == pytest.approx(bo3) and bo3 == pytest.approx(6701.33)
    assert r["volume"] == pytest.approx(1000 * bo3 / inw24, rel=1e-12)
    assert r["clienten_jaar"] == 2024


def test_tilburg_jeugd_split_by_hand(real, mirror):
    raw = _raw_jaarrekening_2023(mirror)
    codes = real["peers"].loc[real["peers"]["gm_code"] == "GM0855", "peer_gm_code"].tolist()
    y = np.array([_raw_net_per_inwoner(raw, c, "Jeugd") for c in codes])
    v = np.array([_raw_jeugd_volume(mirror, c) for c in codes])
    y_b, v_b = np.median(y), np.median(v)
    p_b = 1000 * y_b / v_b
    y_a = _raw_net_per_inwoner(raw, "GM0855", "Jeugd")
    v_a = _raw_jeugd_volume(mirror, "GM0855")
    p_a = 1000 * y_a / v_a
    r = _row(real["d"], "GM0855", "Jeugd")
    assert r["n_peers"] == 10
    assert r["ref_netto_per_inwoner"] == pytest.approx(y_b, rel=1e-12)
    assert r["ref_volume"] == pytest.approx(v_b, rel=1e-12)
    assert r["verschil"] == pytest.approx(y_a - y_b, rel=1e-10)
    assert r["volume_deel"] == pytest.approx((v_a - v_b) * p_b / 1000, rel=1e-10)
    assert r["prijs_deel"] == pytest.approx(v_b * (p_a - p_b) / 1000, rel=1e-10)
    assert r["interactie"] == pytest.approx((v_a - v_b) * (p_a - p_b) / 1000, rel=1e-10)
    assert r["volume_deel"] + r["prijs_deel"] + r["interactie"] == pytest.approx(
        r["verschil"], rel=1e-12)
    # the measured Tilburg split (jaarrekening 2023; documented in docs/prijs-volume.md)
    assert round(r["verschil"]) == -17 and round(r["volume_deel"]) == 3
    assert round(r["prijs_deel"]) == -20


def test_all_gemeenten_parts_add_up(real):
    d = real["d"]
    ok = d["status"] == "ok"
    assert ok.sum() > 900
    np.testing.assert_allclose(d.loc[ok, ["volume_deel", "prijs_deel", "interactie"]].sum(axis=1),
                               d.loc[ok, "verschil"], rtol=1e-9, atol=1e-9)
    assert d.loc[~ok, ["verschil", "volume_deel", "prijs_deel"]].isna().all().all()


def test_gm1961_jaarrekening_2023_is_geen_gegevens(real):
    for dom in PV.PV_DOMEINEN:
        r = _row(real["d"], "GM1961", dom)
        assert r["status"] == "geen gegevens" and np.isnan(r["netto_per_inwoner"])
        assert np.isnan(r["verschil"])
    assert all("geen gegevens" in z for z in PV.zinnen(real["d"], "GM1961"))
    # and it is never a peer value: no peer median uses it
    users = real["peers"].loc[real["peers"]["peer_gm_code"] == "GM1961", "gm_code"]
    d = real["d"].loc[real["d"]["gm_code"].isin(users) & (real["d"]["domein"] == "Jeugd")]
    assert (d["n_peers"] <= 9).all()


def test_figure(real):
    from analysekit.analysis.plots_prijs_volume import plot_prijs_volume

    fig = plot_prijs_volume(real["d"], "GM0855")
    assert isinstance(fig, Figure)
    assert not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)
    texts = " ".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))
    assert "Tilburg" in texts and "Jeugd" in texts and "€ 335" in texts
    fig = plot_prijs_volume(real["d"], "GM1961")
    texts = " ".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))
    assert "geen gegevens" in texts
    with pytest.raises(ParameterError, match="geen rijen voor gemeente"):
        plot_prijs_volume(real["d"], "GM0000")


def test_sources_in_words_and_real_tilburg_sentences(real):
    assert PV.bron_label("85039NED") == "CBS Kerncijfers wijken en buurten 2021, tabel 85039NED"
    assert PV.bron_label("gf:S2024_2025") == ("BZK, maatstaf gemeentefonds, "
                                               "septembercirculaire 2024, uitkeringsjaar 2025")
    assert PV.bron_label("onbekend") == "onbekend" and PV.bron_label(None) == ""
    z = PV.zinnen(real["d"], "GM0855", "Tilburg")
    # Participatie: interaction −€ 6,70 reads as "minder", never as "−€ 7"
    assert "(en € 7 minder door de samenhang van beide)" in z[2] and "−€" not in " ".join(z)
    assert "(de samenhang van beide is minder dan € 1)" in z[1]  # Jeugd: -€ 0,18
    assert ("Het aantal bijstandsontvangers komt uit 2024 (BZK, maatstaf gemeentefonds, "
            "septembercirculaire 2024, uitkeringsjaar 2024), 1 jaar na het kostenjaar 2023."
            ) in z[2]
    assert PV.zin({**real["d"].iloc[0].to_dict(), "status": "ok", "verschil": 1.0,
                   "volume_deel": 0.3, "prijs_deel": -0.2, "interactie": 0.9,
                   "referentie": "peers", "n_peers": 10}, "X").count("minder dan € 1") == 2
    g = PV.zinnen(real["d"], "GM1961", "Vijfheerenlanden")
    assert g[0] == ("Wmo (jaarrekening 2023): geen splitsing in prijs en volume voor "
                    "Vijfheerenlanden, want er zijn geen gegevens: Vijfheerenlanden heeft over "
                    "de jaarrekening 2023 geen Iv3-cijfers aan het CBS geleverd.")
