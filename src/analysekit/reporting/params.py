"""Validate report parameters, both before a run and inside the executed notebook.

Every report notebook has a cell tagged ``parameters`` (plain assignments, no type
annotations: papermill cannot parse those) and, right after it, a cell that calls::

    from analysekit.reporting.params import check
    p = check(globals(), notebook="foto-sociaal-domein")

:func:`check` validates the parameters the notebook ended up with (its defaults plus what
papermill injected). On a bad parameter it shows a Dutch error box at the top of the
notebook output and raises :class:`NotebookParameterError`, whose traceback is a single
line; papermill then marks the failing cell and stops, and ``analysekit report`` exits
non-zero with that one line.

The known parameters of a notebook are read from its ``parameters`` cell, so a notebook
declares them in one place only. Validators exist for the common names (``gemeente``,
``jaar``, ``indeling``, ``n_peers``, ``verslagsoort``, ``register``, ``goals``); other
parameters are checked against the type of their default.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import html
import types
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from analysekit.errors import AnalysekitError, ParameterError, UnknownGemeente
from analysekit.paths import processed_dir, project_root

#: Names in a notebook namespace that are never parameters.
_IPYTHON_NAMES = frozenset({"In", "Out", "get_ipython", "exit", "quit", "open"})

#: Years that the ``indeling`` parameter may take when no data says otherwise.
_INDELING_RANGE = (2015, 2030)


@dataclasses.dataclass(frozen=True)
class GemeenteInfo:
    """The identity of a gemeente as the reporting layer needs it."""

    gm_code: str
    naam: str
    provincie: str | None = None

    @property
    def slug(self) -> str:
        """Folder name for this gemeente's reports, e.g. ``GM0855-tilburg``."""
        return f"{self.gm_code}-{slugify(self.naam)}"


class NotebookParameterError(ParameterError):
    """A :class:`ParameterError` raised inside a notebook; IPython shows it as one line."""

    def _render_traceback_(self) -> list[str]:
        return [f"ParameterError: {self}"]


class Params(dict):
    """Validated parameters; keys are also attributes (``p.jaar``).

    ``p.gemeente`` is the resolved :class:`GemeenteInfo`; ``p.gm_code``, ``p.naam`` and
    ``p.provincie`` are shortcuts.
    """

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    @property
    def gm_code(self) -> str:
        """The CBS code of the gemeente (``GM0855``)."""
        return self["gemeente"].gm_code

    @property
    def naam(self) -> str:
        """The name of the gemeente."""
        return self["gemeente"].naam

    @property
    def provincie(self) -> str | None:
        """The provincie of the gemeente (None when unknown)."""
        return self["gemeente"].provincie


def slugify(text: str) -> str:
    """Return a lower-case ASCII slug: ``'Súdwest-Fryslân'`` → ``'sudwest-fryslan'``."""
    import re
    import unicodedata

    text = text.replace("(gemeente)", "")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "onbekend"


# --------------------------------------------------------------------------- notebooks


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
    available = ", ".join(sorted(x.stem for x in notebooks_dir().glob("*.ipynb")))
    raise ParameterError(f"unknown notebook {str(notebook)!r}; expected one of: {available}")


@functools.lru_cache(maxsize=64)
def _parameters_cached(path: str, mtime_ns: int) -> dict[str, Any]:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise ParameterError(f"notebook {path} has no cell tagged 'parameters'")
    defaults: dict[str, Any] = {}
    for cell in cells:
        try:
            tree = ast.parse(cell.source)
        except SyntaxError as exc:
            raise ParameterError(f"parameters cell of {path} is not valid Python: {exc}") from exc
        for node in tree.body:
            if isinstance(node, ast.AnnAssign):
                raise ParameterError(
                    f"parameters cell of {path} uses a type annotation on line {node.lineno}; "
                    "papermill cannot parse those: write plain assignments"
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


# --------------------------------------------------------------------------- data lookups


def resolve_gemeente(query: Any) -> GemeenteInfo:
    """Resolve a gemeente name or code with :func:`analysekit.gemeente`.

    Raises:
        UnknownGemeente: Unknown or ambiguous name or code.
    """
    if isinstance(query, GemeenteInfo):
        return query
    if not isinstance(query, str) or not query.strip():
        raise UnknownGemeente(f"gemeente must be a name or GM code, got {query!r}")
    import warnings

    import analysekit

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a former gemeente is reported below instead
        g = analysekit.gemeente(query.strip())
    get = g.get if isinstance(g, Mapping) else functools.partial(getattr, g)
    opvolgers = get("opvolgers", ()) or ()
    if opvolgers:
        names = ", ".join(
            f"{getattr(o, 'naam', o)} ({getattr(o, 'gm_code', '')})" for o in opvolgers
        )
        raise UnknownGemeente(
            f"gemeente {query!r} ({get('gm_code')}) no longer exists; its area went to {names}"
        )
    return GemeenteInfo(
        gm_code=str(get("gm_code")),
        naam=str(get("naam", None) or get("gm_code")),
        provincie=get("provincie", None),
    )


@functools.lru_cache(maxsize=1)
def _iv3_pairs_cached(path: str, mtime_ns: int) -> tuple[tuple[int, str], ...]:
    import pyarrow.parquet as pq

    t = pq.read_table(path, columns=["jaar", "verslagsoort"]).group_by(["jaar", "verslagsoort"])
    t = t.aggregate([])
    pairs = zip(t.column("jaar").to_pylist(), t.column("verslagsoort").to_pylist(), strict=True)
    return tuple(sorted((int(j), str(v)) for j, v in pairs))


def iv3_available() -> tuple[tuple[int, str], ...]:
    """Return the (jaar, verslagsoort) pairs in the iv3 table (cached per file version)."""
    path = processed_dir() / "iv3.parquet"
    if not path.is_file():
        import analysekit

        analysekit.load("iv3", jaar=0)  # builds the tables when they are missing
    return _iv3_pairs_cached(str(path), path.stat().st_mtime_ns)


def years_available() -> tuple[int, ...]:
    """Return the boekjaren in the iv3 table."""
    return tuple(sorted({j for j, _ in iv3_available()}))


# --------------------------------------------------------------------------- validation


def _as_int(name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise ParameterError(f"parameter {name} must be a whole number, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ParameterError(f"parameter {name} must be a whole number, got {value!r}")


def _check_path(name: str, value: Any) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str | Path):
        raise ParameterError(f"parameter {name} must be a file path, got {value!r}")
    p = Path(value).expanduser()
    if not p.is_absolute() and not p.exists():
        p = project_root() / p
    if not p.is_file():
        raise ParameterError(f"parameter {name}: file {value} does not exist")
    return str(p.resolve())


def _coerce_like(name: str, value: Any, default: Any) -> Any:
    """Check ``value`` against the type of the declared ``default``."""
    if default is None or value is None:
        return value
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"true", "false", "ja", "nee"}:
            return value.lower() in {"true", "ja"}
        raise ParameterError(f"parameter {name} must be true or false, got {value!r}")
    if isinstance(default, int):
        return _as_int(name, value)
    if isinstance(default, float):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ParameterError(f"parameter {name} must be a number, got {value!r}") from None
    if isinstance(default, str) and not isinstance(value, str):
        raise ParameterError(f"parameter {name} must be text, got {value!r}")
    if isinstance(default, list | tuple) and not isinstance(value, list | tuple):
        raise ParameterError(f"parameter {name} must be a list, got {value!r}")
    return value


def validate_params(
    notebook_name: str | Path,
    params: Mapping[str, Any],
    *,
    years_available: Callable[[], Iterable[int]] | None = None,
    resolve: Callable[[Any], GemeenteInfo] | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> Params:
    """Validate the parameters for one notebook run.

    Args:
        notebook_name: Notebook name or path (its ``parameters`` cell lists the known names).
        params: The values to check (only overrides, or the full set).
        years_available: Returns the valid values of ``jaar``; default: the years in iv3.
        resolve: Resolves ``gemeente`` to a :class:`GemeenteInfo`; default
            :func:`resolve_gemeente` (which uses :func:`analysekit.gemeente`).
        defaults: The declared parameters with defaults; default: read from the notebook.

    Returns:
        All parameters (defaults overridden by ``params``), normalised:
        ``gemeente`` is a :class:`GemeenteInfo`, numbers are ints, paths are absolute.

    Raises:
        ParameterError: Unknown parameter, wrong type or impossible value.
        UnknownGemeente: The gemeente cannot be resolved.
    """
    if defaults is None:
        defaults = notebook_parameters(notebook_name)
    name = Path(str(notebook_name)).stem
    unknown = [k for k in params if k not in defaults]
    if unknown:
        raise ParameterError(
            f"unknown parameter {unknown[0]!r} for notebook {name}; "
            f"allowed: {', '.join(defaults) or '(none)'}"
        )
    out = Params({**defaults, **params})
    for key, default in defaults.items():
        if key not in {"gemeente", "jaar", "indeling", "n_peers", "register", "goals"}:
            out[key] = _coerce_like(key, out[key], default)

    if "jaar" in out:
        jaar = _as_int("jaar", out["jaar"])
        years = tuple(sorted((years_available or globals()["years_available"])()))
        if years and jaar not in years:
            raise ParameterError(
                f"jaar {jaar} is not available; the data cover {', '.join(map(str, years))}"
            )
        out["jaar"] = jaar
    if "indeling" in out and out["indeling"] is not None:
        indeling = _as_int("indeling", out["indeling"])
        lo, hi = _INDELING_RANGE
        if not lo <= indeling <= hi:
            raise ParameterError(f"indeling {indeling} is impossible; expected a year {lo}–{hi}")
        out["indeling"] = indeling
    if "n_peers" in out:
        n = _as_int("n_peers", out["n_peers"])
        if not 1 <= n <= 100:
            raise ParameterError(f"n_peers {n} is impossible; expected 1–100")
        out["n_peers"] = n
    if "verslagsoort" in out:
        soort = out["verslagsoort"]
        if soort not in ("begroting", "jaarrekening"):
            raise ParameterError(
                f"verslagsoort {soort!r} is unknown; expected begroting or jaarrekening"
            )
        if "jaar" in out and years_available is None:
            covered = [j for j, v in iv3_available() if v == soort]
            if covered and out["jaar"] not in covered:
                raise ParameterError(
                    f"no {soort} for jaar {out['jaar']} in the data; "
                    f"{soort} covers {', '.join(map(str, covered))}"
                )
    for key in ("register", "goals"):
        if key in out:
            out[key] = _check_path(key, out[key])
    if "gemeente" in out:
        out["gemeente"] = (resolve or resolve_gemeente)(out["gemeente"])
    return out


# --------------------------------------------------------------------------- in the notebook

_ERROR_BOX = """<div class="ak-parameterfout" style="border:2px solid #b00020;background:#fdecee;\
padding:0.8em 1em;margin:0.5em 0;font-family:sans-serif;color:#3b0008">\
<strong>Dit rapport kon niet worden gemaakt: ongeldige parameter.</strong><br>\
{message}<br><small>Pas de parameter aan en voer het rapport opnieuw uit \
(<code>analysekit report GEMEENTE -p naam=waarde</code>).</small></div>"""


def _user_names(namespace: Mapping[str, Any]) -> dict[str, Any]:
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


def _injected_names(namespace: Mapping[str, Any]) -> list[str] | None:
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


def check(
    namespace: Mapping[str, Any],
    notebook: str,
    *,
    years_available: Callable[[], Iterable[int]] | None = None,
    resolve: Callable[[Any], GemeenteInfo] | None = None,
    glue: bool = True,
) -> Params:
    """Validate a notebook's parameters from inside the notebook.

    Call it in the first cell after the ``parameters`` cell, with ``globals()``.

    Args:
        namespace: The notebook's global namespace.
        notebook: The notebook's name (its file name without ``.ipynb``).
        years_available: See :func:`validate_params`.
        resolve: See :func:`validate_params`.
        glue: Record ``gm_code``, ``naam`` and ``provincie`` as scrapbook scraps, for the site.

    Returns:
        The validated :class:`Params`.

    Raises:
        NotebookParameterError: A parameter is unknown or invalid. An error box is shown
            first, so the reason is at the top of the executed notebook.
    """
    try:
        defaults = notebook_parameters(notebook)
        values = _user_names(namespace)
        injected = _injected_names(namespace)
        if injected is None:  # not run by papermill: judge every assigned name
            injected = [k for k in values if k not in ("p", "params")]
        given = {k: values[k] for k in defaults if k in values}
        given.update({k: values.get(k) for k in injected if k not in defaults})
        p = validate_params(
            notebook,
            given,
            years_available=years_available,
            resolve=resolve,
            defaults=defaults,
        )
    except AnalysekitError as exc:
        _show_error(str(exc))
        raise NotebookParameterError(str(exc)) from None
    if glue and "gemeente" in p:
        _glue_identity(p["gemeente"])
    return p


def _show_error(message: str) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    if get_ipython() is not None:
        display(HTML(_ERROR_BOX.format(message=html.escape(message))))


def _glue_identity(g: GemeenteInfo) -> None:
    from IPython import get_ipython

    if get_ipython() is None:
        return
    import scrapbook as sb

    sb.glue("gm_code", g.gm_code)
    sb.glue("naam", g.naam)
    sb.glue("provincie", g.provincie or "")


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
            raise ParameterError(f"parameter {pair!r} must look like name=value")
        try:
            value = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError:
            value = raw
        if isinstance(value, dict | set):
            value = raw
        out[key] = value
    return out
