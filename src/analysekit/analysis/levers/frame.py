"""Adapters from the canonical tables to a regression: lever candidates and the frame."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysekit.errors import DataError, ParameterError
from analysekit.vocab import DOMEINEN, TAAKVELD_GROEPEN, TOTAAL, VERSLAGSOORTEN

SOCIAAL_DOMEIN = TOTAAL
"""Pseudo-domain for :func:`regression_frame`: the four domains together (= vocab.TOTAAL)."""

DEFAULT_CONTROLS = (
    "jongeren",
    "inwoners_75_plus_drempel",
    "lage_inkomens_huishoudens",
    "bijstandsontvangers",
    "eenpersoonshuishoudens",
    "adressendichtheid_per_woonruimte",
)
"""Needs-side controls: gemeentefonds maatstaven per inwoner, and the address density.

The gemeentefonds maatstaf ``oadw`` is a volume (omgevingsadressendichtheid × woonruimten
/ 1.000: about 3 million for Amsterdam), not a density; the control divides it by the
woonruimten (``gf_woonr``), which gives the density as the woonruimten of the gemeente
meet it (thousands of addresses per km²).
"""

#: Controls computed from two kenmerken: name → (numerator, denominator, factor).
DERIVED_CONTROLS = {
    "adressendichtheid_per_woonruimte": ("omgevingsadressendichtheid_gf", "gf_woonr", 1.0),
}

#: Suffix of the outcome without the voorliggend taakvelden (for the levers built from them).
EXCL = "_excl_voorliggend"

#: Levers built from the voorliggend taakvelden (their outcome leaves those out).
VOORLIGGEND_LEVERS = ("aandeel_voorliggend", "voorliggend_vs_maatwerk", "voorliggend_per_inwoner")


def _nearest_years(avail: Any, years: Any) -> dict[int, int]:
    """Per year the nearest available year (the earlier one on a tie)."""
    avail = np.sort(np.asarray(avail, dtype=int))
    return {int(y): int(avail[np.argmin(np.abs(avail - y) + (avail > y) * 0.5)])
            for y in years}


_GROEP_SOCIAAL = TAAKVELD_GROEPEN["sociaal_domein"]
_GROEP_VOORLIGGEND = TAAKVELD_GROEPEN["voorliggend"]
_GROEP_TOEGANG = TAAKVELD_GROEPEN["toegang"]
_GROEP_MAATWERK = TAAKVELD_GROEPEN["maatwerk"] | TAAKVELD_GROEPEN["geescaleerd"]
_GROEP_JEUGD_VERBLIJF = TAAKVELD_GROEPEN["jeugdhulp_met_verblijf"]
_GROEP_JEUGD_HULP = TAAKVELD_GROEPEN["jeugdhulp"]
_GROEP_PGB = TAAKVELD_GROEPEN["pgb"]

LEVER_DEFINITIONS = {
    "aandeel_voorliggend": "lasten 6.1 + 6.2 (6.21–6.23) / lasten sociaal domein (alle 6.x)",
    "voorliggend_vs_maatwerk": (
        "lasten 6.1 + 6.2x / (lasten 6.1 + 6.2x + maatwerk 6.6x, 6.7x, 6.8x)"
    ),
    "aandeel_salaris_toegang": (
        "salarissen (L1.1) in 6.2x / lasten 6.2x (wijkteams in eigen dienst)"
    ),
    "aandeel_salaris_sociaal_domein": "salarissen (L1.1) in 6.x / lasten 6.x",
    "aandeel_jeugd_verblijf": (
        "lasten jeugdhulp met verblijf (6.73x, 6.74b–c; vanaf 2025 6.761–6.763) / lasten "
        "jeugdhulp (6.72x–6.76x, 6.792); NaN waar de indeling het niet onderscheidt"
    ),
    "aandeel_pgb": "lasten pgb (6.791, 6.792) / maatwerk 6.6x–6.8x; alleen vanaf 2025",
    "voorliggend_per_inwoner": "lasten 6.1 + 6.2x per inwoner (EUR)",
}
"""Built-in lever candidates computable from Iv3, with their definitions."""


def delivered_only(d: pd.DataFrame, levering: pd.DataFrame | None) -> pd.DataFrame:
    """Rows of cells that are real submissions (all-zero or non-delivered cells dropped)."""
    from analysekit.analysis.deficits import delivery

    if d.empty or not {"lasten_eur", "baten_eur"} <= set(d.columns):
        return d
    lev = delivery(d, levering)
    ok = lev.loc[lev["geleverd"], ["gm_code", "jaar", "verslagsoort"]]
    return d.merge(ok, on=["gm_code", "jaar", "verslagsoort"], how="inner")


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    den = den.where(den > 0)
    return num / den


def lever_candidates(
    iv3: pd.DataFrame,
    gemeenten: pd.DataFrame | None = None,
    *,
    verslagsoort: str = "jaarrekening",
    shares_in_unit_interval: bool = True,
) -> pd.DataFrame:
    """Compute the built-in lever candidates per gemeente × jaar from the iv3 table.

    See :data:`LEVER_DEFINITIONS`. Taakvelden are matched on their code as published
    (``6.2`` up to 2024, ``6.21``–``6.23`` from 2025); aggregate codes are assumed to be
    dropped by the data layer (docs/tables.md) so nothing is counted twice.

    Negative Iv3 amounts (corrections) can push a share outside [0, 1] (on the mirror's
    begroting 2024 one gemeente has an aandeel_voorliggend of 2.0). With
    ``shares_in_unit_interval`` such shares are set to NaN and counted in
    ``frame.attrs["notes"]``.

    Args:
        iv3: Canonical iv3 table.
        gemeenten: Canonical gemeenten table (for the per-inwoner candidate); optional.
        verslagsoort: ``"jaarrekening"`` or ``"begroting"``.
        shares_in_unit_interval: Set shares outside [0, 1] to NaN.

    Returns:
        Frame gm_code, jaar and one column per candidate.

    Raises:
        DataError: Required iv3 columns missing or no rows of the verslagsoort.
    """
    need = ["gm_code", "jaar", "verslagsoort", "taakveld", "lasten_eur", "salarissen_eur"]
    miss = [c for c in need if c not in iv3.columns]
    if miss:
        raise DataError(
            f"iv3: kolom '{miss[0]}' ontbreekt; verwacht het contract in docs/tables.md"
        )
    d = delivered_only(iv3.loc[iv3["verslagsoort"] == verslagsoort], None)
    if d.empty:
        raise DataError(
            f"iv3, veld verslagsoort: geen rijen '{verslagsoort}'; aanwezig: "
            f"{', '.join(sorted(iv3['verslagsoort'].astype(str).unique()))}"
        )
    tv = d["taakveld"].astype(str).str.strip()
    lasten = d["lasten_eur"].astype(float)
    sal = d["salarissen_eur"].astype(float)
    flags = {
        "soc": tv.isin(_GROEP_SOCIAAL),
        "voor": tv.isin(_GROEP_VOORLIGGEND),
        "toeg": tv.isin(_GROEP_TOEGANG),
        "maat": tv.isin(_GROEP_MAATWERK),
        "verbl": tv.isin(_GROEP_JEUGD_VERBLIJF),
        "jeugd": tv.isin(_GROEP_JEUGD_HULP),
        "pgb": tv.isin(_GROEP_PGB),
    }
    parts = {
        "gm_code": d["gm_code"].astype(str).to_numpy(),
        "jaar": d["jaar"].astype(int).to_numpy(),
    }
    for k, f in flags.items():
        parts[f"l_{k}"] = np.where(f, lasten, 0.0)
    parts["s_toeg"] = np.where(flags["toeg"], sal, 0.0)
    parts["s_soc"] = np.where(flags["soc"], sal, 0.0)
    # salaries are NaN where unknown: track whether any salary is known per group
    parts["s_toeg_known"] = (flags["toeg"] & sal.notna()).to_numpy()
    parts["s_soc_known"] = (flags["soc"] & sal.notna()).to_numpy()
    frame = pd.DataFrame(parts).fillna({"s_toeg": 0.0, "s_soc": 0.0})
    agg = frame.groupby(["gm_code", "jaar"], as_index=False).sum()
    codes_per_year = (
        pd.DataFrame({"jaar": d["jaar"].astype(int), "verbl": flags["verbl"], "pgb": flags["pgb"]})
        .groupby("jaar")
        .any()
    )
    out = agg[["gm_code", "jaar"]].copy()
    out["aandeel_voorliggend"] = _ratio(agg["l_voor"], agg["l_soc"])
    out["voorliggend_vs_maatwerk"] = _ratio(agg["l_voor"], agg["l_voor"] + agg["l_maat"])
    out["aandeel_salaris_toegang"] = _ratio(agg["s_toeg"], agg["l_toeg"]).where(
        agg["s_toeg_known"] > 0
    )
    out["aandeel_salaris_sociaal_domein"] = _ratio(agg["s_soc"], agg["l_soc"]).where(
        agg["s_soc_known"] > 0
    )
    has_verbl = agg["jaar"].map(codes_per_year["verbl"]).astype(bool)
    out["aandeel_jeugd_verblijf"] = _ratio(agg["l_verbl"], agg["l_jeugd"]).where(has_verbl)
    has_pgb = agg["jaar"].map(codes_per_year["pgb"]).astype(bool)
    out["aandeel_pgb"] = _ratio(agg["l_pgb"], agg["l_maat"]).where(has_pgb)
    if gemeenten is not None:
        inw = gemeenten[["gm_code", "jaar", "inwoners"]].astype({"gm_code": str, "jaar": int})
        tmp = agg[["gm_code", "jaar", "l_voor"]].merge(inw, on=["gm_code", "jaar"], how="left")
        out["voorliggend_per_inwoner"] = (
            tmp["l_voor"] / tmp["inwoners"].where(tmp["inwoners"] > 0)
        ).to_numpy()
    notes = []
    if shares_in_unit_interval:
        for col in [c for c in out.columns if c.startswith(("aandeel_", "voorliggend_vs"))]:
            bad = (out[col] < -1e-9) | (out[col] > 1 + 1e-9)
            if bad.any():
                notes.append(
                    f"{col}: {int(bad.sum())} gemeente-jaren buiten [0, 1] (negatieve bedragen) "
                    f"op NaN gezet"
                )
                out[col] = out[col].mask(bad)
    out = out.sort_values(["gm_code", "jaar"]).reset_index(drop=True)
    out.attrs["notes"] = notes
    return out


_COUNT_UNITS = ("aantal", "personen", "huishoudens", "inwoners", "count", "volume")


def _is_count(unit: Any) -> bool:
    u = str(unit).strip().lower() if unit is not None and not pd.isna(unit) else ""
    return any(u.startswith(c) for c in _COUNT_UNITS)


def regression_frame(
    iv3: pd.DataFrame,
    gemeenten: pd.DataFrame,
    kenmerken: pd.DataFrame,
    domein: str,
    jaar: int | Sequence[int] | None = None,
    *,
    controls: Sequence[str] = DEFAULT_CONTROLS,
    per_inwoner: bool | Sequence[str] = True,
    verslagsoort: str = "jaarrekening",
    levering: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Build the regression frame: net cost per inwoner of a domain, levers and controls.

    Gemeente × jaar cells without a real submission (see
    :func:`analysekit.analysis.deficits.delivery`) are left out, never counted as 0.

    ``netto_per_inwoner = (Σ lasten - Σ baten over the domain's taakvelden) / inwoners``
    per gemeente × jaar where the source has baten per taakveld; where it has not (the
    multi-year Iv3 before 2023 and jaarrekening 2024), ``lasten_per_inwoner`` (bruto) is
    the outcome instead (``attrs["outcome"]``), never baten counted as 0. The outcome
    without the voorliggend taakvelden (6.1, 6.2x) is ``attrs["outcome_excl_voorliggend"]``:
    the levers built from those taakvelden are regressed on it, so that the same lasten do
    not sit on both sides. The lever candidates of :func:`lever_candidates` are joined, and
    the control kenmerken (gemeentefonds maatstaven) are taken from the year nearest to
    each boekjaar (earlier year on a tie; the chosen years are in
    ``frame.attrs["kenmerken_jaren"]``). Count kenmerken (eenheid ``aantal``, ``personen``,
    ``huishoudens`` …) are divided by inwoners (column ``<kenmerk>_per_inwoner``); rates and
    densities are kept as they are.

    Args:
        iv3: Canonical iv3 table.
        gemeenten: Canonical gemeenten table (inwoners).
        kenmerken: Canonical kenmerken table (long).
        domein: One of :data:`DOMEINEN` or ``"Sociaal domein"`` (all four).
        jaar: Year(s) to keep (default all years in iv3).
        controls: Kenmerk names to use as controls; names not present are skipped with
            a note in ``frame.attrs["notes"]``.
        per_inwoner: True (divide count kenmerken by inwoners), False, or an explicit list
            of kenmerken to divide.
        verslagsoort: ``"jaarrekening"`` or ``"begroting"``.
        levering: Table ``iv3_levering`` (None: derived from iv3).

    Returns:
        Frame gm_code, jaar, the outcome, inwoners, lever columns, control columns;
        ``attrs``: outcome, outcome_excl_voorliggend, controls (column names), levers,
        notes, kenmerken_jaren.

    Raises:
        ParameterError: Unknown domein.
        DataError: Missing columns or no rows for the requested selection.
    """
    valid = (*DOMEINEN, SOCIAAL_DOMEIN)
    domein = SOCIAAL_DOMEIN if domein == "Sociaal domein totaal" else domein
    if domein not in valid:
        raise ParameterError(f"domein {domein!r} is onbekend; kies uit: {', '.join(valid)}")
    for name, tab, cols in (
        ("iv3", iv3, ["gm_code", "jaar", "verslagsoort", "domein", "lasten_eur", "baten_eur"]),
        ("gemeenten", gemeenten, ["gm_code", "jaar", "inwoners"]),
        ("kenmerken", kenmerken, ["gm_code", "jaar", "kenmerk", "waarde"]),
    ):
        miss = [c for c in cols if c not in tab.columns]
        if miss:
            raise DataError(
                f"{name}: kolom '{miss[0]}' ontbreekt; verwacht het contract in docs/tables.md"
            )
    if verslagsoort not in VERSLAGSOORTEN:
        raise ParameterError(f"verslagsoort {verslagsoort!r} is onbekend; kies uit: "
                             f"{', '.join(VERSLAGSOORTEN)}")
    d = delivered_only(iv3.loc[iv3["verslagsoort"] == verslagsoort], levering)
    years = None if jaar is None else ([jaar] if np.isscalar(jaar) else list(jaar))
    if years is not None:
        bad = [j for j in years if isinstance(j, bool) or not isinstance(j, (int, np.integer))]
        if bad:
            raise ParameterError(f"jaar {bad[0]!r} is geen jaartal; geef een int of een lijst")
        years = [int(j) for j in years]
        d = d.loc[d["jaar"].astype(int).isin(years)]
    if d.empty:
        raise DataError(
            f"iv3: geen rijen voor verslagsoort '{verslagsoort}'"
            + (f" en jaar {years}" if years else "")
        )
    doms = list(DOMEINEN) if domein == SOCIAAL_DOMEIN else [domein]
    dd = d.loc[d["domein"].isin(doms)]
    # netto where the source has baten per taakveld; else lasten (bruto): never baten = 0
    bekend = bool(dd["baten_eur"].notna().all())
    basis = "netto" if bekend else "lasten"
    bedrag = dd["lasten_eur"].astype(float) - (dd["baten_eur"].astype(float) if bekend else 0.0)
    voor = dd["taakveld"].astype(str).str.strip().isin(_GROEP_VOORLIGGEND)
    net = (
        dd.assign(b=bedrag, b_excl=bedrag.where(~voor, 0.0))
        .groupby(["gm_code", "jaar"], as_index=False)[["b", "b_excl"]]
        .sum()
    )
    net["jaar"] = net["jaar"].astype(int)
    inw = gemeenten[["gm_code", "jaar", "inwoners",
                     *(["naam"] if "naam" in gemeenten else [])]].copy()
    inw["jaar"] = inw["jaar"].astype(int)
    frame = net.merge(inw, on=["gm_code", "jaar"], how="left")
    per = frame["inwoners"].where(frame["inwoners"] > 0)
    outcome = f"{basis}_per_inwoner"
    frame[outcome] = frame["b"] / per
    if voor.any():
        frame[f"{outcome}{EXCL}"] = frame["b_excl"] / per
    frame = frame.drop(columns=["b", "b_excl"])
    levers = lever_candidates(d, gemeenten, verslagsoort=verslagsoort)
    notes: list[str] = list(levers.attrs.get("notes", []))
    frame = frame.merge(levers, on=["gm_code", "jaar"], how="left")
    ken = kenmerken.copy()
    ken["jaar"] = ken["jaar"].astype(int)
    present = set(ken["kenmerk"].unique())
    chosen_years: dict[str, dict[int, int]] = {}
    control_cols = []
    divide = (
        set(controls)
        if per_inwoner is True
        else set()
        if per_inwoner is False
        else set(per_inwoner)
    )
    for kname in controls:
        if kname in DERIVED_CONTROLS:
            num, den, factor = DERIVED_CONTROLS[kname]
            if not {num, den} <= present:
                notes.append(f"kenmerk '{num}' of '{den}' ontbreekt; {kname} niet gebruikt")
                continue
            parts = []
            for part in (num, den):
                kk = ken.loc[ken["kenmerk"] == part]
                mapping = _nearest_years(kk["jaar"].unique(), frame["jaar"].unique())
                chosen_years[part] = mapping
                vals = kk[["gm_code", "jaar", "waarde"]].rename(
                    columns={"jaar": "_kjaar", "waarde": part})
                parts.append(frame.assign(_kjaar=frame["jaar"].map(mapping))
                             .merge(vals, on=["gm_code", "_kjaar"], how="left")[part])
            frame[kname] = (factor * parts[0] / parts[1].where(parts[1] > 0)).to_numpy()
            control_cols.append(kname)
            continue
        if kname not in present:
            notes.append(f"kenmerk '{kname}' ontbreekt in kenmerken; niet als controle gebruikt")
            continue
        kk = ken.loc[ken["kenmerk"] == kname]
        mapping = _nearest_years(kk["jaar"].unique(), frame["jaar"].unique())
        chosen_years[kname] = mapping
        vals = kk[["gm_code", "jaar", "waarde"]].rename(columns={"jaar": "_kjaar", "waarde": kname})
        frame["_kjaar"] = frame["jaar"].map(mapping)
        frame = frame.merge(vals, on=["gm_code", "_kjaar"], how="left").drop(columns="_kjaar")
        unit = kk["eenheid"].iloc[0] if "eenheid" in kk.columns else None
        if per_inwoner is True:
            do_divide = _is_count(unit)
        else:
            do_divide = kname in divide
        if do_divide:
            col = f"{kname}_per_inwoner"
            frame[col] = frame[kname] / frame["inwoners"].where(frame["inwoners"] > 0)
            frame = frame.drop(columns=kname)
        else:
            col = kname
        control_cols.append(col)
    frame = frame.sort_values(["gm_code", "jaar"]).reset_index(drop=True)
    frame.attrs.update(
        {
            "outcome": outcome,
            "outcome_excl_voorliggend": f"{outcome}{EXCL}" if voor.any() else outcome,
            "domein": domein,
            "verslagsoort": verslagsoort,
            "controls": control_cols,
            "levers": [c for c in LEVER_DEFINITIONS if c in frame.columns],
            "notes": notes,
            "kenmerken_jaren": chosen_years,
        }
    )
    return frame


# ---------------------------------------------------------------------------
# Plots (matplotlib Figures, Dutch labels)
# ---------------------------------------------------------------------------
