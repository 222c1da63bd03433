"""The layer rule as an executable contract: data <- analysis <- reporting, no cycles.

Read from the source with ``ast`` (nothing is imported): every ``import`` and
``from … import`` of an ``analysekit`` module, at any depth in a file (also inside
functions), counts.

* ``analysekit.data`` imports nothing of ``analysis`` or ``reporting``;
* ``analysekit.analysis`` imports nothing of ``reporting``;
* the base modules (nl, vocab, settings, errors, paths, io) import none of the layers;
* no two modules of the package import each other, directly or through others;
* no module imports a private name (``_x``) from another module of the package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "analysekit"
BASE = ("nl", "vocab", "settings", "errors", "paths", "io")
LAYERS = ("data", "analysis", "reporting")


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}


MODULES = _modules()


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    is_pkg = MODULES[module].name == "__init__.py"
    base = base if is_pkg else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _imports(module: str) -> list[tuple[str, list[str], int]]:
    """(imported module, names imported from it, line) for every import in ``module``."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, [], node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, node)
            names = [a.name for a in node.names]
            out.append((target, names, node.lineno))
            # ``from analysekit.reporting import cache`` imports the module ``cache``
            out += [(f"{target}.{n}", [], node.lineno) for n in names
                    if f"{target}.{n}" in MODULES]
    return [(t, n, line) for t, n, line in out if t == "analysekit" or
            t.startswith("analysekit.")]


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in (*LAYERS, *BASE) else None


def _edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {m: set() for m in MODULES}
    for m in MODULES:
        for target, _, _ in _imports(m):
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != m:
                edges[m].add(target)
    return edges


def test_the_package_is_found():
    assert {"analysekit.nl", "analysekit.reporting.context", "analysekit.data.load",
            "analysekit.analysis.deficits"} <= set(MODULES)


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [("data", ("analysis", "reporting")), ("analysis", ("reporting",))]
    + [(b, LAYERS) for b in BASE],
)
def test_imports_go_one_way(layer, forbidden):
    bad = [
        f"{m}:{line} imports {t}"
        for m in MODULES if _layer(m) == layer
        for t, _, line in _imports(m) if _layer(t) in forbidden
    ]
    assert not bad, "\n".join(bad)


def test_no_import_cycles():
    edges = _edges()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(edges[m]):
            if state.get(n) == 1:
                cycles.append([*stack[stack.index(n):], n])
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)
    # a package's __init__ that imports its own submodules is not a cycle of concern
    real = [c for c in cycles if not any(MODULES[x].name == "__init__.py" for x in c)]
    assert not real, "\n".join(" -> ".join(c) for c in real)


def test_no_private_names_across_modules():
    bad = [
        f"{m}:{line} imports {n} from {t}"
        for m in MODULES
        for t, names, line in _imports(m)
        for n in names
        if n.startswith("_") and not n.startswith("__") and t != m
    ]
    assert not bad, "\n".join(bad)


def test_no_private_attributes_of_other_modules():
    """``L._fmt_p`` where ``L`` is another analysekit module is a private name too."""
    bad = []
    for m, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith("analysekit") and a.asname:
                        aliases[a.asname] = a.name
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(m, node)
                for a in node.names:
                    if f"{target}.{a.name}" in MODULES:
                        aliases[a.asname or a.name] = f"{target}.{a.name}"
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in aliases and node.attr.startswith("_")
                    and not node.attr.startswith("__") and aliases[node.value.id] != m):
                bad.append(f"{m}:{node.lineno} uses {aliases[node.value.id]}.{node.attr}")
    assert not bad, "\n".join(bad)


def test_the_checks_would_catch_a_violation(tmp_path):
    """The contract is not vacuous: a reporting import in analysis is seen as one."""
    src = "from analysekit.reporting.cache import shared\n"
    tree = ast.parse(src)
    node = tree.body[0]
    assert isinstance(node, ast.ImportFrom) and _layer(node.module) == "reporting"
    assert _layer("analysekit.analysis.examples") == "analysis"
