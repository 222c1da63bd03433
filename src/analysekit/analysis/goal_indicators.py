"""Goal indicators as a report observes them: the jaarrekening where there is one."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysekit.analysis import goals as G

__all__ = ["indicator_all"]


def indicator_all(t: Mapping[str, pd.DataFrame], definitie: str) -> pd.DataFrame:
    """A goal indicator for all gemeenten: jaarrekening where present, else begroting.

    Args:
        t: The canonical tables (iv3, gemeenten, kenmerken).
        definitie: A key of :data:`analysekit.analysis.goals.INDICATORS`.

    Returns:
        gm_code, jaar, waarde and ``bron`` (jaarrekening, begroting, CBS-kenmerken or
        :data:`analysekit.analysis.goals.BRON_MAATSTAF`), sorted by gm_code and jaar.
    """
    kw = {"iv3": t["iv3"], "gemeenten": t["gemeenten"], "kenmerken": t["kenmerken"]}
    jr = G.compute_indicator(definitie, verslagsoort="jaarrekening", **kw)
    bg = G.compute_indicator(definitie, verslagsoort="begroting", **kw)
    if G.INDICATORS[definitie].maatstaf:  # a gemeentefonds maatstaf: no measurement
        return jr.assign(bron=G.BRON_MAATSTAF)
    if jr.equals(bg):  # does not depend on the Iv3 (e.g. a kenmerk per inwoner)
        return jr.assign(bron="CBS-kenmerken")
    jr = jr.assign(bron="jaarrekening")
    bg = bg.assign(bron="begroting")
    key = pd.MultiIndex.from_frame(jr[["gm_code", "jaar"]])
    extra = bg.loc[~pd.MultiIndex.from_frame(bg[["gm_code", "jaar"]]).isin(key)]
    return (pd.concat([jr, extra], ignore_index=True)
            .sort_values(["gm_code", "jaar"], ignore_index=True))
