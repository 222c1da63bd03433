"""The verkenner's logic without a browser: state changes, redraws, missing data, messages.

Real data from the mirror: Tilburg's net cost of Jeugd in the jaarrekening 2023 is
€ 76.214.000 (see tests/test_notebooks.py); Vijfheerenlanden delivered no jaarrekening
2023 (table iv3_levering), only the begroting 2023.
"""

from __future__ import annotations

import math
import shlex

import pytest

from analysekit.reporting import verkenner as VK
from analysekit.reporting import verkenner_views as VV

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def bron(built):
    return VK.Bron()


@pytest.fixture()
def v(bron):
    out = VK.Verkenner("Tilburg", bron=bron, jaar=2023, verslagsoort="jaarrekening")
    out.parts(force=True)
    return out


def test_first_view_has_every_part(bron):
    v = VK.Verkenner("GM0855", bron=bron, jaar=2023)
    parts = v.parts(force=True)
    assert set(parts) == {"figuur", "cijfers", "melding", "commando"}
    assert parts["figuur"].startswith(PNG)
    assert parts["melding"] == ""
    assert "Tilburg" in parts["cijfers"] and "€" in parts["cijfers"]


def test_real_numbers_of_tilburg(v):
    v.kies(domein="Jeugd", lens="netto_eur")
    c = v.cijfers()
    assert c["eigen"] == pytest.approx(76_214_000)
    assert c["n"] == 10 and c["rang"] is not None and 1 <= c["rang"] <= 11
    assert c["q1"] <= c["mediaan"] <= c["q3"]
    assert "€ 76,2 mln" in v.cijfers_html()


def test_only_changed_parts_are_redrawn(v):
    v.kies(view="ladder")
    # the ladder has no domein or lens: only the key figures change
    assert set(v.kies(domein="Wmo")) == {"cijfers"}
    assert set(v.kies(lens="netto_per_client")) == {"cijfers"}
    # the same choice again: nothing to redraw
    assert v.kies(lens="netto_per_client") == {}
    # the position figure shows every domein: another domein changes the numbers only
    v.kies(view="positie", lens="netto_per_inwoner")
    assert set(v.kies(domein="Jeugd")) == {"cijfers"}
    # a lens per domein draws the chosen domein only: then the domein matters
    v.kies(lens="netto_per_client")
    assert set(v.kies(domein="Wmo")) == {"figuur", "cijfers"}
    v.kies(view="ladder")
    # the peers change everything that shows them, and the command
    assert set(v.kies(n_peers=12)) == {"figuur", "cijfers", "commando"}
    # back to an earlier choice: from memory, same figure as before
    fig = v.kies(view="positie", lens="netto_per_inwoner", domein="Sociaal domein")["figuur"]
    v.kies(view="gap")
    assert v.kies(view="positie")["figuur"] == fig


def test_missing_submission_is_geen_gegevens_never_zero(bron):
    v = VK.Verkenner("Vijfheerenlanden", bron=bron, jaar=2023, verslagsoort="jaarrekening")
    parts = v.parts(force=True)
    assert parts["melding"] == ("Vijfheerenlanden heeft over 2023 geen jaarrekening aan CBS "
                                "geleverd (geen gegevens); dichtstbij wel: begroting 2023, "
                                "jaarrekening 2024.")
    assert math.isnan(v.cijfers()["eigen"])
    assert "<td class='ak-getal'>geen gegevens</td>" in parts["cijfers"]
    assert "€ 0<" not in parts["cijfers"]
    # the trend lens keeps the missing years missing (a gap), the delivered ones are there
    t = VV.trend_tabel(bron, v.keuze).set_index(["verslagsoort", "jaar"])
    assert math.isnan(t.loc[("jaarrekening", 2023), "eigen"])
    assert math.isnan(t.loc[("jaarrekening", 2018), "eigen"])
    assert math.isnan(t.loc[("begroting", 2024), "eigen"])
    assert t.loc[("jaarrekening", 2024), "eigen"] == pytest.approx(83_390_000 / 61_669)
    assert t["peer_mediaan"].notna().all()
    # a peer without a submission is never a peer
    lev = bron.ctx(2023, "jaarrekening").lenzen.levering
    ok = set(lev.loc[(lev["jaar"] == 2023) & (lev["verslagsoort"] == "jaarrekening")
                     & lev["geleverd"], "gm_code"])
    assert set(bron.peers(v.keuze)["gm_code"]) <= ok
    for view in VK.VIEWS:  # every view draws (a "geen gegevens" figure where needed)
        assert v.kies(view=view).get("figuur", PNG).startswith(PNG)


def test_bad_choice_gives_one_dutch_line(v):
    parts = v.kies(jaar=2025)  # there is no jaarrekening 2025
    assert parts["melding"] == ("Er is geen jaarrekening 2025 in de gegevens; wel: "
                                "begroting 2017–2026; jaarrekening 2017–2024.")
    assert parts["figuur"].startswith(PNG)
    assert "geen gegevens" in parts["cijfers"]
    assert v.kies(verslagsoort="begroting")["melding"] == ""

    msg = v.kies(view="positie", lens="netto_per_client", domein="Sociaal domein")["melding"]
    assert msg.startswith("De lens 'netto per cliënt' bestaat per domein")
    assert v.kies(domein="Jeugd")["melding"] == ""

    msg = v.kies(n_peers=400)["melding"]
    assert "n_peers=400" in msg and "\n" not in msg

    parts = v.kies(gemeente="Xyzzy")
    assert list(parts) == ["melding"] and "Xyzzy" in parts["melding"]
    assert v.keuze.gm_code == "GM0855"  # the last good choice stays
    assert v.kies(view="spreadsheet")["melding"].startswith("Weergave 'spreadsheet'")


def test_gemeente_by_code_option_or_old_name(v):
    assert VK.zoek_gemeente("GM1982")[0].naam == "Land van Cuijk"
    assert VK.zoek_gemeente("Land van Cuijk (GM1982)")[0].gm_code == "GM1982"
    info, note = VK.zoek_gemeente("Boxmeer")
    assert info.gm_code == "GM1982"
    assert note == ("Boxmeer (GM0756) bestaat sinds 2022 niet meer en is opgegaan in "
                    "Land van Cuijk; de verkenner toont Land van Cuijk.")
    parts = v.kies(gemeente="Boxmeer")
    assert parts["melding"] == note and "Land van Cuijk" in parts["cijfers"]
    assert "Land van Cuijk (GM1982)" in VK.gemeente_opties()


def test_command_is_the_report_of_the_choice(v):
    from analysekit.reporting.commands import parse_params
    from analysekit.reporting.params import validate

    assert v.parts(force=True)["commando"] == (
        "analysekit report Tilburg -n foto-sociaal-domein -p jaar=2023 "
        "-p verslagsoort=jaarrekening -p n_peers=10")
    cmd = v.kies(gemeente="Land van Cuijk", n_peers=8, verslagsoort="begroting",
                 jaar=2024)["commando"]
    assert cmd == ("analysekit report 'Land van Cuijk' -n foto-sociaal-domein -p jaar=2024 "
                   "-p verslagsoort=begroting -p n_peers=8")
    args = shlex.split(cmd)
    params = parse_params([a for i, a in enumerate(args) if i and args[i - 1] == "-p"])
    p = validate(args[4], params, gemeente=args[2])
    assert (p.gm_code, p.jaar, p.verslagsoort, p.n_peers) == ("GM1982", 2024, "begroting", 8)


def test_app_widgets_follow_the_choice(built):
    from analysekit.reporting.verkenner_app import VerkennerApp

    app = VerkennerApp("Tilburg", jaar=2023)
    first_fig, first_num = app.figuur.value, app.cijfers.value
    assert first_fig.startswith('<img alt="Tilburg: positie tussen de peers')
    app.gemeente.value = "GM1982"
    assert app.gemeente.value == "Land van Cuijk (GM1982)"
    assert app.figuur.value != first_fig and app.cijfers.value != first_num
    app.domein.value = "Jeugd"
    assert "Jeugd" in app.cijfers.value
    app.gewichten["inwoners"].value = 0.0
    assert app.v.keuze.gewichten == (("inwoners", 0.0),)
    app.filters["provincie"].value = True
    assert app.v.keuze.filters == ("provincie",)
    app.jaar.value = 2026
    assert "geen jaarrekening 2026" in app.melding.value


def test_voila_command_is_local_and_shows_no_code(tmp_path):
    from analysekit.reporting import verkenner_serve as S

    nb = S.serve_dir(tmp_path / "reports")
    assert nb == tmp_path / "reports" / "_verkenner" / "verkenner.ipynb" and nb.is_file()
    cmd = S.voila_command("127.0.0.1", 8866, tmp_path / "reports")
    assert cmd[3] == str(nb) and f"--Voila.root_dir={tmp_path / 'reports'}" in cmd
    assert "--no-browser" in cmd and "--Voila.ip=127.0.0.1" in cmd
    assert "--strip_sources=True" in cmd and "--template=analysekit" in cmd
    assert r"--VoilaConfiguration.file_allowlist=.*\.(html|png)" in cmd
    template = S.template_root() / "voila" / "templates" / "analysekit" / "index.html.j2"
    assert "://" not in template.read_text()  # no URL: every asset from this server
    env = S.voila_env(tmp_path / "reports")
    assert str(S.template_root()) in env["JUPYTER_PATH"]
    assert env["ANALYSEKIT_REPORTS"] == str(tmp_path / "reports")


def test_verken_cli_help_and_bad_port(capsys):
    from analysekit.cli import main

    assert main(["verken", "--help"]) == 0
    out = capsys.readouterr().out
    assert "lokale webpagina" in out and "--port" in out
    assert main(["verken", "--port", "70000"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["analysekit: fout: --port 70000 kan niet; verwacht: een poort van 1 tot "
                   "65535"]
