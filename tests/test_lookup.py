"""gemeente("Den Bosch") and friends, on the real boundary files and crosswalk."""

from __future__ import annotations

import dataclasses
import warnings

import pandas as pd
import pytest

from analysekit.data.lookup import (
    Gemeente,
    HerindelingWarning,
    _aliases,
    all_gemeenten,
    gemeente,
    normalise,
)
from analysekit.errors import ParameterError, UnknownGemeente


@pytest.mark.parametrize(
    ("query", "code", "naam"),
    [
        ("GM0855", "GM0855", "Tilburg"),
        ("gm0855", "GM0855", "Tilburg"),
        ("855", "GM0855", "Tilburg"),
        ("0855", "GM0855", "Tilburg"),
        ("Tilburg", "GM0855", "Tilburg"),
        ("  tilburg ", "GM0855", "Tilburg"),
        ("s Hertogenbosch", "GM0796", "'s-Hertogenbosch"),
        ("'s-Hertogenbosch", "GM0796", "'s-Hertogenbosch"),
        ("’s-Hertogenbosch", "GM0796", "'s-Hertogenbosch"),
        ("Hertogenbosch", "GM0796", "'s-Hertogenbosch"),
        ("Den Bosch", "GM0796", "'s-Hertogenbosch"),
        ("Den Haag", "GM0518", "'s-Gravenhage (gemeente)"),
        ("'s-Gravenhage", "GM0518", "'s-Gravenhage (gemeente)"),
        ("Súdwest-Fryslân", "GM1900", "Súdwest-Fryslân"),
        ("Sudwest Fryslan", "GM1900", "Súdwest-Fryslân"),
        ("SUDWEST-FRYSLAN", "GM1900", "Súdwest-Fryslân"),
        ("Utrecht", "GM0344", "Utrecht (gemeente)"),
        ("Groningen", "GM0014", "Groningen (gemeente)"),
        ("Bergen NH", "GM0373", "Bergen (NH.)"),
        ("bergen (l.)", "GM0893", "Bergen (L.)"),
        ("Hengelo", "GM0164", "Hengelo (O.)"),
        ("Nuenen", "GM0820", "Nuenen, Gerwen en Nederwetten"),
        ("Capelle a/d IJssel", "GM0502", "Capelle aan den IJssel"),
    ],
)
def test_resolves_current_gemeenten(query, code, naam):
    with warnings.catch_warnings():
        warnings.simplefilter("error", HerindelingWarning)
        g = gemeente(query)
    assert (g.gm_code, g.naam, g.jaar, g.opvolgers) == (code, naam, 2025, ())
    assert not g.opgeheven and g.actuele_codes == (code,)


def test_provincie_and_frozen():
    g = gemeente("Den Bosch")
    assert g.provincie == "Noord-Brabant"
    assert gemeente("Sudwest Fryslan").provincie == "Fryslân"
    assert gemeente("Den Haag").provincie == "Zuid-Holland"
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.gm_code = "GM0855"  # type: ignore[misc]
    assert isinstance(g, Gemeente)


def test_names_of_the_requested_year():
    g = gemeente("Groningen", jaar=2022)  # before the CBS suffix was added
    assert (g.gm_code, g.naam, g.jaar) == ("GM0014", "Groningen", 2022)
    g = gemeente("Utrecht (gemeente)", jaar=2022)  # 2023 name, 2022 indeling
    assert (g.gm_code, g.naam) == ("GM0344", "Utrecht")
    assert gemeente(855).gm_code == "GM0855"
    g = gemeente("Leerdam", jaar=2018)
    assert (g.gm_code, g.naam, g.opvolgers) == ("GM0545", "Leerdam", ())


def test_unknown_lists_close_matches():
    with pytest.raises(UnknownGemeente, match=r"bedoelde u: Tilburg \(GM0855\)"):
        gemeente("Tilbrug")
    with pytest.raises(UnknownGemeente, match=r"Amsterdam \(GM0363\)"):
        gemeente("Amsterdm")
    with pytest.raises(UnknownGemeente, match="geen naam die erop lijkt"):
        gemeente("Xyzzyqwv")
    with pytest.raises(UnknownGemeente, match="GM9999"):
        gemeente("GM9999")
    with pytest.raises(UnknownGemeente):
        gemeente("")


def test_ambiguous_errors():
    with pytest.raises(
        UnknownGemeente, match=r"eenduidig.*Bergen \(NH\.\) \(GM0373\).*Bergen \(L\.\) \(GM0893\)"
    ):
        gemeente("Bergen")


def test_not_yet_existing():
    with pytest.raises(UnknownGemeente, match="bestaat vanaf 2019"):
        gemeente("Vijfheerenlanden", jaar=2017)
    with pytest.raises(UnknownGemeente, match="bestaat vanaf 2019"):
        gemeente("GM1961", jaar=2018)


def test_merged_gemeente_resolves_to_successor_with_warning():
    with pytest.warns(
        HerindelingWarning,
        match=r"Leerdam \(GM0545\) bestond tot 2018.*Vijfheerenlanden \(GM1961\)",
    ):
        g = gemeente("Leerdam")
    # provincie of the former gemeente's last indeling, from the built gemeenten table
    assert (g.gm_code, g.naam, g.jaar, g.provincie) == ("GM0545", "Leerdam", 2018, "Zuid-Holland")
    assert [(o.gm_code, o.naam, o.aandeel) for o in g.opvolgers] == [
        ("GM1961", "Vijfheerenlanden", 1.0)
    ]
    assert g.opgeheven and g.actuele_codes == ("GM1961",)
    with pytest.warns(HerindelingWarning):
        assert gemeente("Leerdam", jaar=2019).actuele_codes == ("GM1961",)


def test_split_gemeente_lists_all_successors():
    with pytest.warns(HerindelingWarning, match="naar oppervlakte verdeeld"):
        g = gemeente("Haaren")
    assert g.gm_code == "GM0788" and g.jaar == 2020
    assert {o.gm_code for o in g.opvolgers} == {"GM0757", "GM0824", "GM0855", "GM0865"}
    assert g.opvolgers[0].naam == "Vught"  # largest share first
    assert sum(o.aandeel for o in g.opvolgers) == pytest.approx(1.0)
    with pytest.warns(HerindelingWarning):
        assert gemeente("GM0788").opvolgers == g.opvolgers
    # a renamed-with-new-code gemeente
    with pytest.warns(HerindelingWarning):
        assert gemeente("De Friese Meren").actuele_codes == ("GM1940",)


def test_all_gemeenten():
    now = all_gemeenten()
    assert list(now.columns) == ["gm_code", "naam", "provincie"]
    assert len(now) == 342 and now["gm_code"].is_unique
    assert now["provincie"].notna().all()
    assert now["provincie"].nunique() == 12
    old = all_gemeenten(2018)
    assert len(old) == 380
    assert old["provincie"].notna().all()  # former gemeenten too (gemeenten table, 2018)
    assert old.loc[old["gm_code"] == "GM0545", "provincie"].item() == "Zuid-Holland"
    assert len(all_gemeenten(2021)) == 352
    with pytest.raises(ParameterError, match="2030"):
        all_gemeenten(2030)
    with pytest.raises(ParameterError):
        gemeente("Tilburg", jaar="twintig")  # type: ignore[arg-type]


def test_aliases_point_to_current_gemeenten():
    now = set(all_gemeenten()["gm_code"])
    aliases = _aliases()
    assert isinstance(aliases, pd.DataFrame) and len(aliases) > 10
    assert set(aliases["gm_code"]) <= now
    for alias, code in aliases.itertuples(index=False):
        assert gemeente(alias).gm_code == code, alias


def test_normalise():
    assert normalise("'s-Hertogenbosch") == normalise("s Hertogenbosch") == "s hertogenbosch"
    assert normalise("Súdwest-Fryslân") == "sudwest fryslan"
    assert normalise("Bergen (NH.)") == "bergen nh"
    assert normalise("Nuenen. Gerwen en Nederwetten") == normalise("Nuenen, Gerwen en Nederwetten")


def test_lookup_reads_no_mirror_file(monkeypatch, built):
    """Names, codes and provincie come from data/processed; the mirror is not needed."""
    from analysekit.data import lookup

    monkeypatch.setenv("ANALYSEKIT_MIRROR", "/nonexistent/mirror")
    lookup.clear_cache()
    try:
        assert gemeente("Den Bosch").provincie == "Noord-Brabant"
        with pytest.warns(HerindelingWarning):
            assert gemeente("Haaren").opgeheven
    finally:
        lookup.clear_cache()
