"""Section *bronnen*: the sources of the figures and the parameters of the report."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from analysekit.nl import ONTBREEKT, datum, eur, finite, getal
from analysekit.paths import processed_dir
from analysekit.reporting.cache import shared
from analysekit.reporting.sections import Section
from analysekit.reporting.sections.labels import circulaire_label, parameter_label
from analysekit.settings import DEFAULT_GOALS, DEFAULT_REGISTER

#: Canonical table → what the report uses it for (Dutch).
_GEBRUIK = {
    "iv3": "lasten en baten per taakveld",
    "gemeenten": "inwoners, grootteklasse, stedelijkheid",
    "kenmerken": "noemers en kenmerken van vergelijkbare gemeenten",
    "gemeentefonds": "objectief budget per cluster",
    "grenzen": "kaart",
}


def iv3_baten(iv3: pd.DataFrame) -> dict[int, tuple[str, ...]]:
    """Per Iv3 year the verslagsoorten whose baten per taakveld are missing (sorted).

    The multi-year source (jaarrekening 2017–2024, begroting 2017–2026) has lasten per
    taakveld only; its baten are missing (``baten_bekend`` False), never 0.
    """
    out: dict[int, tuple[str, ...]] = {int(j): () for j in iv3["jaar"].unique()}
    if "baten_bekend" not in iv3.columns:
        return out
    missing = iv3.loc[~iv3["baten_bekend"].astype(bool), ["jaar", "verslagsoort"]]
    for j, g in missing.drop_duplicates().groupby("jaar"):
        out[int(j)] = tuple(sorted(g["verslagsoort"]))
    return out


def _iv3_gebruik(jaren: str, baten: dict[int, tuple[str, ...]]) -> str:
    """What an Iv3 table row gives: lasten and baten, or lasten only (``jaren`` = ``2024 (…)``)."""
    try:
        jaar = int(str(jaren)[:4])
    except ValueError:
        return _GEBRUIK["iv3"]
    zonder = baten.get(jaar, ())
    if not zonder:
        return _GEBRUIK["iv3"]
    soorten = [v for v in ("begroting", "jaarrekening") if v in str(jaren)]
    if set(soorten) <= set(zonder):
        return "lasten per taakveld (baten niet in deze bron)"
    return f"lasten en baten per taakveld; in de {' en '.join(zonder)} alleen lasten"


def sources_summary(t: Mapping[str, pd.DataFrame]) -> dict[str, Any]:
    """Per table the source and the years; the raw snapshot (mode, mirror folders, commits).

    The files (``*.meta.yaml``, the raw manifest, the mirror's SOURCE.md) are read with
    :mod:`analysekit.data.provenance`.
    """
    from analysekit.data import provenance

    iv3, gem, ken, gf = t["iv3"], t["gemeenten"], t["kenmerken"], t["gemeentefonds"]
    pairs = iv3[["jaar", "verslagsoort"]].drop_duplicates().sort_values(["verslagsoort", "jaar"])
    iv3_years = "; ".join(
        f"{vs} {', '.join(str(int(j)) for j in g['jaar'])}"
        for vs, g in pairs.groupby("verslagsoort", sort=False)
    )
    gjaren = sorted(int(j) for j in gem["jaar"].unique())
    kb = (ken.groupby("bron")["jaar"].agg(["min", "max"]).reset_index()
          if len(ken) else pd.DataFrame(columns=["bron", "min", "max"]))
    kyears = "; ".join(
        f"{r['bron']} {int(r['min'])}" + (f"–{int(r['max'])}" if r["max"] != r["min"] else "")
        for _, r in kb.iterrows()
    )
    circ = (gf[["circulaire", "uitkeringsjaar"]].drop_duplicates()
            .sort_values(["uitkeringsjaar", "circulaire"]))
    circs = ", ".join(f"{c} (uitkeringsjaar {int(u)})" for c, u in
                      zip(circ["circulaire"], circ["uitkeringsjaar"], strict=True))
    years = {"iv3": iv3_years, "gemeenten": f"{gjaren[0]}–{gjaren[-1]}" if gjaren else "",
             "kenmerken": kyears, "gemeentefonds": circs}
    grenzen = processed_dir() / "grenzen.parquet"
    if grenzen.is_file():
        gj = sorted(int(j) for j in pd.read_parquet(grenzen, columns=["jaar"])["jaar"].unique())
        years["grenzen"] = f"{gj[0]}–{gj[-1]}" if gj else ""
    rows = []
    for name in ("iv3", "gemeenten", "kenmerken", "gemeentefonds", "grenzen"):
        meta = provenance.read_meta(name)
        if not meta:
            continue
        rows.append({
            "tabel": name,
            "inhoud": str(meta.get("title", "")),
            "bron": " ".join(str(meta.get("source", "")).split()),
            "jaren": years.get(name, ""),
            "rijen": getal(meta.get("rows")),
        })
    files = list(provenance.read_manifest().values())
    snapshot: dict[str, Any] = {"modus": "onbekend", "mappen": []}
    if files:
        modes = sorted({str(f.get("source", "")).split(":", 1)[0] for f in files})
        mirror = [f for f in files if str(f.get("source", "")).startswith("mirror:")]
        folders: dict[str, list[dict]] = {}
        for f in mirror:
            folder = str(f["source"]).split(":", 1)[1].split("/", 1)[0]
            folders.setdefault(folder, []).append(f)
        commits = provenance.mirror_commits(list(folders))
        snapshot = {
            "modus": ", ".join(modes),
            "offline": bool(mirror),
            "opgehaald": min((str(f.get("retrieved_at", "")) for f in files), default="")[:10],
            "mappen": [
                {"map": k, "bestanden": len(v), "versie": commits.get(k, "")}
                for k, v in sorted(folders.items())
            ],
        }
    return {"tabellen": rows, "snapshot": snapshot, "circulaires": circs}


class Bronnen(Section):
    """Where the figures come from (tables, mirror snapshot, gemeentefonds) and the parameters."""

    @cached_property
    def sources(self) -> dict[str, Any]:
        """Sources of the figures: tables (with years), mirror snapshot, gemeentefonds (shared)."""
        t = self.tables
        return shared("bronnen", lambda: sources_summary(t))

    @cached_property
    def sources_table(self) -> pd.DataFrame:
        """The CBS and BZK tables behind the figures (:func:`provenance.sources_table`, shared)."""
        from analysekit.data import provenance

        return shared("bronnen_tabel", provenance.sources_table)

    @cached_property
    def titels(self) -> dict[str, str]:
        """CBS table id → title, for the labels of kenmerken."""
        t = self.sources_table
        t = t.loc[t["uitgever"] == "CBS"]
        return {str(i): str(ti) for i, ti in zip(t["id"], t["titel"], strict=True) if i}

    def sources_sentence(self) -> str:
        """Dutch paragraph naming the publishers and the gemeentefonds used."""
        lz = self.ctx.lenzen
        tot = lz.lens()
        gf = (f"uitkeringsjaar {tot['gf_uitkeringsjaar']} uit de "
              f"{circulaire_label(tot['gf_circulaire'])}" if finite(tot["gf_eur"]) else "geen")
        anders = "" if lz.gf_zelfde_jaar else f", een ander jaar dan de kosten van {self.p.jaar}"
        return (
            "Cijfers: CBS (Iv3-gegevens die gemeenten aan CBS leveren, Regionale kerncijfers, "
            "Kerncijfers wijken en buurten; CC BY 4.0) en het Ministerie van BZK "
            f"(gemeentefondscirculaires). Gemeentefonds in dit rapport: {gf}{anders}. De "
            "tabellen staan hieronder met hun nummer, titel en jaren.¹"
        )

    def mirror_footnote(self) -> str:
        """Technical note: where the files were read from (never the mirror's folder names).

        The sources a reader can look up are the CBS and BZK tables of
        :meth:`sources_display`; the note only says that an offline copy was read, when, and
        where the exact versions are recorded (``data/raw/manifest.json``).
        """
        snap = self.sources["snapshot"]
        if snap.get("offline"):
            return ("¹ Technische noot: de bestanden komen uit een offline kopie van de "
                    "openbare CBS- en BZK-bestanden in de tabel hierboven (momentopname, "
                    f"opgehaald op {datum(snap['opgehaald'])}). De versie van elk bestand staat "
                    "in het gegevensmanifest van analysekit (data/raw/manifest.json).")
        return ("¹ Technische noot: de gegevens zijn rechtstreeks bij CBS en BZK opgehaald "
                f"op {datum(snap.get('opgehaald') or None)}.")

    def sources_display(self) -> pd.DataFrame:
        """The CBS and BZK tables used: publisher, id, title, years, what they are used for.

        An Iv3 year without baten per taakveld says so ("lasten per taakveld (baten niet in
        deze bron)").
        """
        t = self.sources_table
        if t.empty:
            return pd.DataFrame(self.sources["tabellen"])
        tables = self.tables
        baten = shared("iv3_baten_per_jaar", lambda: iv3_baten(tables["iv3"]))
        t = t.assign(gebruik=[_iv3_gebruik(j, baten) if x == "iv3" else
                              _GEBRUIK.get(str(x), str(x))
                              for x, j in zip(t["tabel"], t["jaren"], strict=True)])
        t = (t.groupby(["uitgever", "id", "titel", "gebruik"], sort=False)["jaren"]
             .agg(lambda j: ", ".join(dict.fromkeys(j))).reset_index())
        return pd.DataFrame({
            "uitgever": t["uitgever"],
            "tabel": [i or ONTBREEKT for i in t["id"]],
            "titel": t["titel"],
            "jaren": t["jaren"],
            "gebruikt voor": t["gebruik"],
        })

    def parameters_display(self) -> pd.DataFrame:
        """The parameters of this report as a Dutch table: Dutch names, no Python values.

        Each parameter is named by :func:`~analysekit.reporting.sections.labels.parameter_label`;
        a parameter that was not given says what the report uses instead.
        """
        p = self.p
        niet = "niet opgegeven"
        rows = []
        for k, v in p.items():
            if k == "gemeente":
                shown = f"{p.naam_kort} ({p.gm_code})"
            elif k == "register" and not v:
                shown = f"{niet}: het meegeleverde ILLUSTRATIEVE register ({DEFAULT_REGISTER})"
            elif k == "goals" and not v:
                shown = f"{niet}: de meegeleverde VOORBEELD-doelen ({DEFAULT_GOALS})"
            elif k == "indeling" and v is None:
                shown = f"{niet}: de indeling van {p.jaar}"
            elif k == "tekort_eur":
                shown = (eur(v, compact=True) + " per jaar" if finite(v) else
                         f"{niet}: de eerste gemeten maatstaf die een tekort toont")
            elif k == "adoptie" and not v:
                shown = f"{niet}: geen vergelijking vóór en na invoering van een hefboom"
            elif isinstance(v, str) and k in ("register", "goals", "adoptie"):
                shown = Path(v).name
            elif isinstance(v, bool) or v is None:
                shown = "ja" if v is True else "nee" if v is False else niet
            elif k in ("n_draws", "n_peers") and finite(v):
                shown = getal(v)
            else:
                shown = str(v)
            rows.append({"parameter": parameter_label(k), "waarde": shown})
        return pd.DataFrame(rows)
