"""Dutch tick labels from analysekit.nl: decimals from the tick spacing, one euro unit per axis.

Exact answers on plain numbers (no data needed).
"""

from __future__ import annotations

import math

import pytest

from analysekit import nl


@pytest.mark.parametrize(("step", "decimals"), [
    (1.0, 0), (500.0, 0), (2.5, 1), (0.5, 1), (0.25, 2), (0.125, 3), (1e-5, 4),
    (0.0, 0), (-1.0, 0), (math.nan, 0), (None, 0),
])
def test_decimals_for_a_tick_spacing(step, decimals):
    assert nl.decimals_for(step) == decimals


def test_getal_as_uses_the_decimals_of_the_spacing():
    assert nl.getal_as(0.75, 0.25) == "0,75"
    assert nl.getal_as(1500, 500) == "1.500"
    assert nl.getal_as(7.75, 0.25) == "7,75"  # the tornado axis of issue 16 ("7.75 8.00")
    assert nl.getal_as(8, 0.25) == "8,00"
    assert nl.getal_as(-2.5, 2.5) == f"{nl.MINUS}2,5"
    assert nl.getal_as(-0.0, 0.5) == "0,0"
    assert nl.getal_as(math.nan, 1) == nl.ONTBREEKT


def test_eur_as_one_unit_per_axis_and_decimals_from_the_spacing():
    # a per-inwoner axis: whole euros with thousands separators
    assert [nl.eur_as(x, 500, 1500) for x in (0, 500, 1000, 1500)] == [
        "€ 0", "€ 500", "€ 1.000", "€ 1.500"]
    # a total in millions: every tick in mln, decimals from the spacing (not "€ 500.000"
    # next to "€ 1 mln", and not "€ 1,2 mln" for a tick at 1.25 mln)
    assert [nl.eur_as(x, 0.5e6, 1.5e6) for x in (0, 0.5e6, 1e6, 1.5e6)] == [
        "€ 0", "€ 0,5 mln", "€ 1,0 mln", "€ 1,5 mln"]
    assert [nl.eur_as(x, 0.25e6, 1.25e6) for x in (1e6, 1.25e6)] == [
        "€ 1,00 mln", "€ 1,25 mln"]
    assert [nl.eur_as(x, 10e6, 60e6) for x in (20e6, 60e6)] == ["€ 20 mln", "€ 60 mln"]
    assert nl.eur_as(1.25e9, 0.25e9) == "€ 1,25 mld"
    # negative amounts: the minus sign before the euro sign, as nl.eur writes them
    assert nl.eur_as(-5e6, 2.5e6, 10e6) == f"{nl.MINUS}€ 5,0 mln"
    assert nl.eur(-5e6, compact=True) == f"{nl.MINUS}€ 5,0 mln"
    assert nl.eur_as(-250, 250) == f"{nl.MINUS}€ 250"
    # without a largest tick the amount itself sets the unit
    assert nl.eur_as(25e6, 5e6) == "€ 25 mln"
    assert nl.eur_as(math.inf, 1) == nl.ONTBREEKT
    assert nl.eur_as(None, 1) == nl.ONTBREEKT
