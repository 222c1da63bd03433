"""environment.yml is a real conda environment that matches pyproject.toml.

Every dependency of pyproject.toml (runtime and ``dev``) is listed as a conda-forge
package with a compatible pin; pip installs only the kit itself. The "Python 3
(analysekit)" kernel is registered by ``make kernel`` (``make setup`` runs it), and
environment.yml says so, since conda cannot run commands after creating an environment.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]

#: PyPI requirement → conda-forge package(s) where the names differ.
CONDA_NAMES = {
    "dask[distributed]": ["dask", "distributed"],
    "matplotlib": ["matplotlib-base"],  # matplotlib without the Qt GUI
}
KERNEL_COMMAND = (
    'python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (analysekit)"'
)


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def _conda_specs(env: dict) -> dict[str, str]:
    """``{name: version spec}`` of the conda packages (not the pip section)."""
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(.*)", dep.strip())
            assert match, dep
            out[match.group(1).lower()] = match.group(2).strip()
    return out


def test_environment_yml_is_a_conda_environment():
    env = _environment()
    assert env["name"] == "analysekit"
    assert env["channels"] == ["conda-forge"]
    specs = _conda_specs(env)
    assert specs["python"].lstrip("=") == "3.11"
    assert "pip" in specs
    pip = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert len(pip) == 1 and list(pip[0]) == ["pip"]
    # pip installs only the kit itself, never a dependency conda-forge has
    assert pip[0]["pip"] == ["-e .[dev]"]


def _requirements() -> list[Requirement]:
    project = _pyproject()
    return [
        Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]
    ]


@pytest.mark.parametrize("req", _requirements(), ids=str)
def test_every_pyproject_dependency_is_in_environment_yml(req):
    specs = _conda_specs(_environment())
    key = f"{req.name}[{','.join(sorted(req.extras))}]" if req.extras else req.name
    for name in CONDA_NAMES.get(key, CONDA_NAMES.get(req.name, [req.name.lower()])):
        assert name in specs, f"{req} is missing from environment.yml (as {name})"
        conda = SpecifierSet(specs[name].replace(" ", "")) if specs[name] else SpecifierSet()
        # compatible pins: the lower bound of pyproject.toml is accepted by conda's pin
        lower = [s.version for s in req.specifier if s.operator in (">=", "==", "~=")]
        for version in lower:
            assert conda.contains(version, prereleases=True), (name, specs[name], str(req))
        assert str(conda) == str(req.specifier), (
            f"{name}: environment.yml pins {conda or 'nothing'}, pyproject.toml {req.specifier}"
        )


def test_environment_yml_lists_nothing_extra():
    specs = _conda_specs(_environment())
    wanted = {"python", "pip"}
    for req in _requirements():
        key = f"{req.name}[{','.join(sorted(req.extras))}]" if req.extras else req.name
        wanted.update(CONDA_NAMES.get(key, CONDA_NAMES.get(req.name, [req.name.lower()])))
    assert set(specs) == wanted, set(specs) ^ wanted


def test_kernel_registration_is_documented_and_made():
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert KERNEL_COMMAND in text and "make kernel" in text
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert KERNEL_COMMAND.replace("python -m", "$(PY) -m") in makefile
    setup_rule = makefile.split("$(STAMP): pyproject.toml", 1)[1].split("\n\n", 1)[0]
    assert "kernel" in setup_rule  # make setup registers the kernel
    assert KERNEL_COMMAND in (ROOT / "README.md").read_text(encoding="utf-8")
