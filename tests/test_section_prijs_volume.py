"""Section *prijs_volume* of the reports: real figures from the mirror, every gemeente safe.

Tilburg's split and ladder are the figures of docs/prijs-volume.md (recomputed by hand in
tests/test_prijs_volume.py); Vijfheerenlanden (GM1961) has no jaarrekening 2023 and must get
"geen gegevens" sentences, never a 0; and the section's data functions must not raise for
any of the 342 gemeenten (no figures in that loop: it has to stay cheap).
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from analysekit.analysis import peers as PE
from analysekit.analysis.prijs_volume import tijd as PVT
from analysekit.nl import GEEN_GEGEVENS
from analysekit.reporting.context import ReportContext
from analysekit.reporting.params import from_mapping


@pytest.fixture(scope="module")
def tilburg(built):
    return ReportContext.from_params({"gemeente": "Tilburg", "jaar": 2023,
                                      "verslagsoort": "jaarrekening"})


def test_same_peers_as_positie_and_shared_path(tilburg):
    s = tilburg.prijs_volume
    assert s.peer_codes == list(tilburg.positie.benchmark.peers["gm_code"])
    assert s._shared_peers_match()
    # the shared all-gemeenten split gives the same rows as decomposing Tilburg alone
    alone = s.split.copy()
    s.__dict__.pop("split")
    s.__dict__["all_peers"] = s.all_peers.iloc[0:0]  # force the per-gemeente path
    try:
        per = s.split
    finally:
        s.__dict__.pop("all_peers")
        s.__dict__.pop("split")
    cols = ["verschil", "volume_deel", "prijs_deel", "interactie", "ref_netto_per_inwoner"]
    assert (per[cols] - alone[cols]).abs().max().max() < 1e-9


def test_tilburg_sentences_table_and_years(tilburg):
    s = tilburg.prijs_volume
    z = s.zinnen()
    assert [x.split(" per inwoner")[0] for x in z] == [
        "Tilburg geeft € 42", "Tilburg geeft € 17", "Tilburg geeft € 29"]
    # issue 16 §6: the difference is that of the figures shown (€ 441 tegen € 470), not € 28
    assert "€ 29 per inwoner minder uit aan Participatie" in z[2] and "(€ 441 tegen € 470;" in z[2]
    assert s.split_display().set_index("domein").loc["Participatie", "verschil"].replace(
        "\u00a0", " ") == "−€ 29"
    assert "€ 3 meer doordat meer jongeren jeugdzorg krijgen" in z[1]
    assert "€ 20 minder doordat jeugdzorg per jongere goedkoper is" in z[1]
    t = s.split_display().set_index("domein").map(lambda v: v.replace("\u00a0", " "))
    assert t.loc["Jeugd", "verschil"] == "−€ 17" and t.loc["Jeugd", "door volume"] == "+€ 3"
    assert t.loc["Jeugd", "door prijs"] == "−€ 20" and t.loc["Jeugd", "samenhang"] == "€ 0"
    assert t.loc["Wmo", "Tilburg per inwoner"] == "€ 542"
    assert "toelichting" not in t.columns  # every domein has a split
    v = s.volume_prijs_display().set_index("domein").map(lambda x: x.replace("\u00a0", " "))
    assert v.loc["Jeugd", "per 1.000 inwoners Tilburg"] == "18,4"
    assert v.loc["Jeugd", "kosten per cliënt peers"] == "€ 19.337"
    assert v.loc["Participatie", "cliëntenjaar"] == "2024"
    assert v.loc["Wmo", "peers met gegevens"] == "10"
    j = s.jaren_sentence()
    assert "Kosten: Iv3 jaarrekening 2023" in j
    assert "Voor Wmo, Jeugd en Participatie komt het aantal cliënten uit een ander jaar" in j
    k = s.kanttekening()
    assert "geen oorzakelijk effect" in k and "verblijf" in k and "huishoudelijke hulp" in k


def test_tilburg_ladder(tilburg):
    s = tilburg.prijs_volume
    zin = s.ladder_zin()
    assert "36% voorliggend, 45% maatwerk en 19% geëscaleerd" in zin
    assert "bij 10 vergelijkbare gemeenten is de mediaan 26% voorliggend" in zin
    # the data hold jaarrekening 2022 (cbs-iv3-meerjarig), so the change is against that one:
    # raw lasten Tilburg (GM0855), k EUR, 2022: voorliggend 6.1 75.847 + 6.2 2.190 = 78.037,
    # maatwerk 6.6 + 6.71 + 6.72 = 134.727, geëscaleerd 6.81 + 6.82 = 100.660 -> 24,90% /
    # 42,99% / 32,12%; 2023: 36,18% / 44,74% / 19,07% -> +11,3 / +1,8 / −13,0 pp
    assert ("Verandering sinds jaarrekening 2022: voorliggend +11,3 procentpunt, maatwerk "
            "+1,8 procentpunt, geëscaleerd −13,0 procentpunt.") in zin
    assert "Een eerdere jaarrekening staat niet in de gegevens" not in zin
    assert "In 2023 veranderde de Iv3-indeling" in zin  # the Jeugd split of 2023 is named
    t = s.ladder_display().set_index("trede")
    assert t.loc["geëscaleerd", "lasten Tilburg"] == "€ 61,7 mln"
    assert t.loc["geëscaleerd", "aandeel Tilburg"] == "19%"
    assert t.loc["geëscaleerd", "aandeel hoger dan bij"] == "10% van de peers"
    y = s.ladder_jaren_display().set_index("stuk")
    assert y.loc["begroting 2025", "verandering voorliggend"] == "+5,2 pp"
    assert y.loc["begroting 2025", "verandering maatwerk"] == "−5,9 pp"
    assert y.loc["jaarrekening 2023", "verandering geëscaleerd"] == "−13,0 pp"
    assert y.loc["jaarrekening 2017", "verandering maatwerk"] == "–"  # first year in the data
    assert list(y.index[:8]) == [f"jaarrekening {j}" for j in range(2017, 2025)]
    assert "boekingsregels" in s.ladder_kanttekening()


def test_tilburg_over_time(tilburg):
    """Issue 17 §7: prijs × volume 2020 → 2021 (lasten; KWB bijstand 2020 and 2021)."""
    s = tilburg.prijs_volume
    assert s.tijd_jaren_label() == "2020 → 2021"
    z = [x.replace("\u00a0", " ") for x in s.tijd_zinnen()]
    assert len(z) == 3 and "geen cliëntentelling uit de KWB voor zowel 2020 als 2021" in z[0]
    assert z[2].startswith("Bij Tilburg daalden de lasten voor Participatie van € 944 naar "
                           "€ 897 per inwoner (jaarrekening 2020 → 2021): € 24 minder doordat "
                           "minder inwoners bijstand ontvangen (31,9 → 31,1 per 1.000")
    assert s.tijd_zinnen(alleen_splitsing=True) == [s.tijd_zinnen()[2]]
    t = s.tijd_display().set_index("domein").map(lambda v: v.replace("\u00a0", " "))
    assert list(t.index) == ["Participatie"]
    assert t.loc["Participatie", "verandering"] == "−€ 47"
    assert t.loc["Participatie", "lasten per cliënt 2020 → 2021"] == "€ 29.612 → € 28.864"
    k = s.tijd_kanttekening()
    assert "lasten (bruto)" in k and "6.1" in k and "onder de 10" in k
    assert "KWB" in s.tijd_kanttekening(kort=True)
    # data without two client years (or without domein_reeks): one plain sentence, nothing else
    saved = {k: s.__dict__.pop(k) for k in ("tijd_all", "tijd") if k in s.__dict__}
    try:
        s.__dict__["tijd_all"] = pd.DataFrame(columns=PVT.TIJD_COLUMNS)
        assert s.tijd_zinnen() == ["Prijs × volume over de tijd: de gegevens hebben voor geen "
                                   "enkel domein een cliëntentelling uit twee jaren met kosten "
                                   "van beide jaren."]
        assert s.tijd_zinnen(alleen_splitsing=True) == []
        assert s.tijd_display().empty and s.tijd_kanttekening() == ""
    finally:
        s.__dict__.pop("tijd_all", None)
        s.__dict__.pop("tijd", None)
        s.__dict__.update(saved)


def test_gm1961_geen_gegevens_never_zero(built):
    # a report for GM1961 falls back to the begroting (params), so that one has a split ...
    ctx = ReportContext.from_params({"gemeente": "GM1961", "jaar": 2023})
    assert ctx.verslagsoort == "begroting"
    assert all("geen splitsing" not in z for z in ctx.prijs_volume.zinnen())
    # ... while the section itself, asked for the missing jaarrekening, says "geen gegevens"
    ctx = ReportContext(dataclasses.replace(ctx.params, verslagsoort="jaarrekening"))
    s = ctx.prijs_volume
    for z in s.zinnen():
        assert "geen gegevens" in z and "€ 0" not in z
    t = s.split_display()
    assert (t["verschil"] == "–").all() and (t["toelichting"] == GEEN_GEGEVENS).all()
    assert (s.volume_prijs_display()["kosten per cliënt peers"] == "–").all()
    assert "geen verdeling mogelijk (geen gegevens)" in s.ladder_zin()
    assert (s.ladder_display()["aandeel Vijfheerenlanden"] == "–").all()
    assert s.ladder_jaren_display().set_index("stuk").loc[
        "jaarrekening 2023", "voorliggend"] == GEEN_GEGEVENS


def test_every_gemeente_without_error(tilburg):
    """The data functions of the section for all 342 gemeenten (no figures)."""
    info = tilburg.positie.peer_data.info
    ap = PE.all_peers(tilburg.positie.peer_data, tilburg.params.n_peers)
    peers_of = ap.groupby("gm_code")["peer_gm_code"].apply(list).to_dict()
    assert len(info) == 342
    n_geen = n_tijd = 0
    for code in info.index:
        ctx = ReportContext(from_mapping({"gemeente": code, "jaar": 2023}))
        s = ctx.prijs_volume
        # positie's peers are checked equal above (Tilburg) and below (a sample); the loop
        # takes them from the same rule so that it does not run 342 peer searches
        s.__dict__["peer_codes"] = peers_of[code]
        z = s.zinnen()
        assert len(z) == 3 and all(isinstance(x, str) and x for x in z)
        assert not any("nan" in x.lower() for x in z), (code, z)
        n_geen += sum("geen splitsing" in x for x in z)
        assert s.jaren_sentence().startswith("Kosten:")
        assert len(s.split_display()) == 3 and len(s.volume_prijs_display()) == 3
        assert s.ladder_zin()
        assert len(s.ladder_display()) == 3
        assert len(s.ladder_jaren_display()) >= 1
        zt = s.tijd_zinnen()  # over time: one sentence per domein, never "nan" or "€ 0"
        assert len(zt) == 3 and not any("nan" in x.lower() for x in zt), (code, zt)
        n_tijd += sum(x.startswith("Bij ") for x in zt)
    # 3 (GM1961) + 24 without a client count + 5 small counts, as in docs/prijs-volume.md
    assert n_geen >= 3 + 24 + 5
    assert n_tijd == 339  # Participatie 2020 → 2021 (tests/test_prijs_volume_tijd.py)
    for code in list(info.index[::50]):
        ctx = ReportContext(from_mapping({"gemeente": code, "jaar": 2023}))
        assert ctx.prijs_volume.peer_codes == peers_of[code]
