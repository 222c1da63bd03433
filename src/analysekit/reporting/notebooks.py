"""The report notebooks: where they are, and the parameters they and the CLI declare.

Split out of :mod:`analysekit.reporting.params` (which re-exports these names):

* :func:`notebooks_dir`, :func:`notebook_path` — find a report notebook by name;
* :func:`notebook_parameters` — the names and defaults of a notebook's ``parameters``
  cell (read with nbformat and :mod:`ast`, cached per file version);
* :func:`parse_cli_params` — the CLI's ``-p name=value`` pairs;
* inside a running notebook: :func:`user_names`, :func:`injected_names` (what papermill
  injected), :func:`fail` / :func:`show_error` (the Dutch error box and a one-line
  :class:`NotebookParameterError`).
"""

from __future__ import annotations

import ast
import functools
import html
import types
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NoReturn

from analysekit.errors import ParameterError
from analysekit.paths import project_root

__all__ = [
    "NotebookParameterError",
    "fail",
    "injected_names",
    "notebook_parameters",
    "notebook_path",
    "notebooks_dir",
    "parse_cli_params",
    "show_error",
    "user_names",
]


#: Notebooks in ``notebooks/`` that are not reports (left out of the listing of reports).
NOT_REPORTS = frozenset({"verkenner"})


def notebooks_dir() -> Path:
    """Return the folder with the report notebooks (``notebooks/`` in the project)."""
    return project_root() / "notebooks"


def notebook_path(notebook: str | Path) -> Path:
    """Resolve a notebook name (``foto-sociaal-domein``) or path to an existing file.

    Raises:
        ParameterError: No such notebook.
    """
    p = Path(notebook)
    candidates = [p] if p.suffix == ".ipynb" else []
    candidates += [notebooks_dir() / p.name, notebooks_dir() / f"{p.name}.ipynb"]
    for c in candidates:
        if c.is_file():
            return c.resolve()
    available = ", ".join(sorted(x.stem for x in notebooks_dir().glob("*.ipynb")
                                 if x.stem not in NOT_REPORTS))
    raise ParameterError(f"onbekend notebook {str(notebook)!r}; beschikbaar: {available}")


@functools.lru_cache(maxsize=64)
def _parameters_cached(path: str, mtime_ns: int) -> dict[str, Any]:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise ParameterError(
            f"notebook {path} heeft geen cel met de tag 'parameters'; "
            "verwacht: een codecel met die tag en de standaardwaarden"
        )
    defaults: dict[str, Any] = {}
    for cell in cells:
        try:
            tree = ast.parse(cell.source)
        except SyntaxError as exc:
            raise ParameterError(
                f"cel 'parameters' van {path} is geen geldige Python ({exc}); "
                "verwacht: eenvoudige toewijzingen zoals jaar = 2023"
            ) from exc
        for node in tree.body:
            if isinstance(node, ast.AnnAssign):
                raise ParameterError(
                    f"cel 'parameters' van {path} heeft een typeannotatie op regel "
                    f"{node.lineno}, die papermill niet kan lezen; "
                    "verwacht: eenvoudige toewijzingen zoals jaar = 2023"
                )
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    try:
                        defaults[target.id] = ast.literal_eval(node.value)
                    except ValueError:
                        defaults[target.id] = None
    return defaults


def notebook_parameters(notebook: str | Path) -> dict[str, Any]:
    """Return the parameters a notebook declares, with their default values.

    Args:
        notebook: Notebook name or path.

    Returns:
        ``{name: default}`` in the order of the ``parameters`` cell.
    """
    path = notebook_path(notebook)
    return dict(_parameters_cached(str(path), path.stat().st_mtime_ns))



def parse_cli_params(pairs: Iterable[str]) -> dict[str, Any]:
    """Parse ``-p key=value`` pairs; values are read as YAML scalars (``2023`` → int).

    Raises:
        ParameterError: A pair without ``=``.
    """
    import yaml

    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise ParameterError(
                f"parameter {pair!r} is ongeldig; verwacht: naam=waarde, zoals jaar=2024"
            )
        try:
            value = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError:
            value = raw
        if isinstance(value, dict | set):
            value = raw
        out[key] = value
    return out


# --------------------------------------------------------------------------- in the notebook


class NotebookParameterError(ParameterError):
    """A :class:`ParameterError` raised inside a notebook; IPython shows it as one line."""

    def _render_traceback_(self) -> list[str]:
        return [f"ParameterError: {self}"]


#: Names in a notebook namespace that are never parameters.
_IPYTHON_NAMES = frozenset({"In", "Out", "get_ipython", "exit", "quit", "open"})

#: The Dutch error box shown at the top of a notebook whose parameters are wrong.
_ERROR_BOX = """<div class="ak-parameterfout" style="border:2px solid #b00020;background:#fdecee;\
padding:0.8em 1em;margin:0.5em 0;font-family:sans-serif;color:#3b0008">\
<strong>Dit rapport kon niet worden gemaakt: ongeldige parameter.</strong><br>\
{message}<br><small>Pas de parameter aan en voer het rapport opnieuw uit \
(<code>analysekit report GEMEENTE -p naam=waarde</code>).</small></div>"""


def user_names(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """The variables a user (or papermill) assigned: no modules, functions or IPython names."""
    return {
        k: v
        for k, v in namespace.items()
        if not k.startswith("_")
        and k not in _IPYTHON_NAMES
        and not isinstance(
            v, types.ModuleType | types.FunctionType | types.BuiltinFunctionType | type
        )
    }


def injected_names(namespace: Mapping[str, Any]) -> list[str] | None:
    """Names assigned in papermill's injected-parameters cell, from IPython's input history.

    Returns None outside IPython, and an empty list when no parameters were injected (an
    interactive session), so variables from later cells are never mistaken for parameters.
    """
    history = namespace.get("In")
    if not isinstance(history, list):
        return None
    for source in reversed(history):
        if isinstance(source, str) and source.lstrip().startswith("# Parameters"):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                return None
            return [
                t.id
                for node in tree.body
                if isinstance(node, ast.Assign)
                for t in node.targets
                if isinstance(t, ast.Name)
            ]
    return []


def show_error(message: str) -> None:
    """Show the Dutch parameter-error box in the running notebook (nothing outside IPython)."""
    from IPython import get_ipython

    if get_ipython() is not None:
        from IPython.display import HTML, display

        display(HTML(_ERROR_BOX.format(message=html.escape(message))))


def fail(message: str) -> NoReturn:
    """Stop a notebook at the top: show the error box and raise a one-line error.

    Raises:
        NotebookParameterError: Always, with ``message``.
    """
    show_error(message)
    raise NotebookParameterError(message) from None

