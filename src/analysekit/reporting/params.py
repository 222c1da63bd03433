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
declares them in one place only. Validators exist for the common names (:data:`KNOWN`:
``gemeente``, ``jaar``, ``verslagsoort``, ``indeling``, ``n_peers``, ``register``,
``goals``, ``domein``, ``n_draws``, ``seed``, ``adoptie``, ``tekort_eur``); other
parameters are checked against the type of their default.

The result is one frozen :class:`ReportParams`, built once, with the gemeente resolved to a
:class:`GemeenteInfo`; the report context and its sections use it as is. The CLI validates
the same way before a notebook starts, with :func:`validate`.

Finding notebooks and reading their ``parameters`` cell, and parsing the CLI's ``-p``
pairs, live in :mod:`analysekit.reporting.notebooks`; resolving the gemeente
(:class:`GemeenteInfo`, :func:`resolve_gemeente`, :func:`slugify`) lives in
:mod:`analysekit.reporting.gemeente_info` (both re-exported here).
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from analysekit.errors import AnalysekitError, ParameterError
from analysekit.paths import project_root
from analysekit.reporting.gemeente_info import GemeenteInfo as GemeenteInfo
from analysekit.reporting.gemeente_info import resolve_gemeente as resolve_gemeente
from analysekit.reporting.gemeente_info import slugify as slugify
from analysekit.reporting.notebooks import NotebookParameterError as NotebookParameterError
from analysekit.reporting.notebooks import fail as fail
from analysekit.reporting.notebooks import injected_names, user_names
from analysekit.reporting.notebooks import notebook_parameters as notebook_parameters
from analysekit.reporting.notebooks import notebook_path as notebook_path
from analysekit.reporting.notebooks import notebooks_dir as notebooks_dir
from analysekit.reporting.notebooks import parse_cli_params as parse_cli_params
from analysekit.reporting.notebooks import show_error as show_error
from analysekit.settings import DEFAULT_GEMEENTE
from analysekit.vocab import DOMEINEN, TOTAAL, VERSLAGSOORTEN

#: Years that the ``indeling`` parameter may take when no data says otherwise.
_INDELING_RANGE = (2015, 2030)


#: The parameters every report notebook may declare, with their defaults. A notebook
#: declares a subset in its ``parameters`` cell; other names go to ``ReportParams.extra``.
KNOWN: Mapping[str, Any] = types.MappingProxyType({
    "gemeente": DEFAULT_GEMEENTE,
    "jaar": None,
    "verslagsoort": "jaarrekening",
    "indeling": None,
    "n_peers": 10,
    "register": None,
    "goals": None,
    "domein": TOTAAL,
    "n_draws": 10_000,
    "seed": 2024,
    "adoptie": None,
    "tekort_eur": None,
})

#: Limits of the numeric report parameters (inclusive).
N_PEERS_RANGE = (1, 100)
N_DRAWS_MIN = 1000


@dataclasses.dataclass(frozen=True)
class ReportParams:
    """The validated parameters of one report, built once by :func:`check` / :func:`validate`.

    Everything downstream (the report context, its sections, the runner) uses it as is.
    ``gemeente`` is the resolved :class:`GemeenteInfo`; parameters a notebook declares
    beyond the known ones are in ``extra`` and readable as attributes (``p.titel``).
    ``declared`` lists the notebook's parameters in the order of its ``parameters`` cell
    (:meth:`items` follows it, for the report's parameter table).
    """

    notebook: str
    gemeente: GemeenteInfo | None
    jaar: int | None = None
    verslagsoort: str = "jaarrekening"
    indeling: int | None = None
    n_peers: int = 10
    register: str | None = None
    goals: str | None = None
    domein: str = TOTAAL
    n_draws: int = 10_000
    seed: int = 2024
    adoptie: str | None = None
    tekort_eur: float | None = None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict, hash=False)
    declared: tuple[str, ...] = ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("extra", "declared"):
            raise AttributeError(name)
        try:
            return self.extra[name]
        except KeyError:
            raise AttributeError(name) from None

    # ------------------------------------------------------------------ gemeente

    def _g(self) -> GemeenteInfo:
        if self.gemeente is None:
            raise ParameterError(
                f"notebook {self.notebook} heeft geen parameter gemeente; "
                "verwacht: gemeente in de cel 'parameters'"
            )
        return self.gemeente

    @property
    def gm_code(self) -> str:
        """The CBS code of the gemeente (``GM0855``)."""
        return self._g().gm_code

    @property
    def naam(self) -> str:
        """The name of the gemeente."""
        return self._g().naam

    @property
    def naam_kort(self) -> str:
        """The name without the CBS suffix (``Utrecht``)."""
        return self._g().naam_kort

    @property
    def provincie(self) -> str | None:
        """The provincie of the gemeente (None when unknown)."""
        return self._g().provincie

    @property
    def basis(self) -> str:
        """``"jaarrekening 2023"``: what the figures of ``jaar`` are based on."""
        return f"{self.verslagsoort} {self.jaar}"

    # ------------------------------------------------------------------ mapping view

    def as_dict(self) -> dict[str, Any]:
        """The declared parameters as ``{name: value}`` (``gemeente`` as a GemeenteInfo)."""
        return {k: self[k] for k in self.declared}

    def items(self) -> Any:
        """``(name, value)`` of the declared parameters, in the notebook's order."""
        return self.as_dict().items()

    def keys(self) -> Any:
        """The declared parameter names."""
        return self.as_dict().keys()

    def __contains__(self, key: object) -> bool:
        return key in self.declared

    def __getitem__(self, key: str) -> Any:
        if key in KNOWN:
            return getattr(self, key)
        try:
            return self.extra[key]
        except KeyError:
            raise KeyError(key) from None

    def get(self, key: str, default: Any = None) -> Any:
        """``self[key]``, or ``default`` when the notebook does not have that parameter."""
        try:
            return self[key]
        except KeyError:
            return default


#: Old name of :class:`ReportParams`.
Params = ReportParams


# --------------------------------------------------------------------------- data lookups


def _iv3_pairs() -> tuple[tuple[int, str], ...]:
    from analysekit.reporting import cache

    iv3 = cache.tables()["iv3"]
    pairs = iv3[["jaar", "verslagsoort"]].drop_duplicates()
    return tuple(sorted((int(j), str(v)) for j, v in pairs.itertuples(index=False)))


def iv3_available() -> tuple[tuple[int, str], ...]:
    """Return the (jaar, verslagsoort) pairs in the iv3 table (shared, see :mod:`.cache`)."""
    from analysekit.reporting import cache

    return cache.shared("iv3_pairs", _iv3_pairs)


def years_available() -> tuple[int, ...]:
    """Return the boekjaren in the iv3 table."""
    return tuple(sorted({j for j, _ in iv3_available()}))


def _indeling_years() -> dict[int, frozenset[str]]:
    from analysekit.reporting import cache

    gem = cache.tables()["gemeenten"]
    return {int(j): frozenset(g["gm_code"]) for j, g in gem.groupby("jaar")}


def indelingen() -> dict[int, frozenset[str]]:
    """Return per indeling year the gm_codes of the gemeenten table (shared)."""
    from analysekit.reporting import cache

    return cache.shared("indelingen", _indeling_years)


# --------------------------------------------------------------------------- validation


def _as_int(name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise ParameterError(f"parameter {name} {value!r} is ongeldig; verwacht: een geheel getal")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ParameterError(f"parameter {name} {value!r} is ongeldig; verwacht: een geheel getal")


def _positive_amount(name: str, value: Any) -> float:
    """A positive, finite amount in euros (``12e6``, ``"12000000"``)."""
    import math

    try:
        v = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        v = math.nan
    if not math.isfinite(v) or v <= 0:
        raise ParameterError(
            f"parameter {name} {value!r} is ongeldig; "
            "verwacht: een positief bedrag in euro per jaar, zoals 12e6"
        )
    return v


def _check_path(name: str, value: Any) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str | Path):
        raise ParameterError(f"parameter {name} {value!r} is ongeldig; verwacht: een bestandspad")
    p = Path(value).expanduser()
    if not p.is_absolute() and not p.exists():
        p = project_root() / p
    if not p.is_file():
        raise ParameterError(
            f"parameter {name}: bestand {value} bestaat niet; "
            "verwacht: een pad vanaf de huidige map of de projectmap"
        )
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
        raise ParameterError(
            f"parameter {name} {value!r} is ongeldig; verwacht: true of false (ja of nee)"
        )
    if isinstance(default, int):
        return _as_int(name, value)
    if isinstance(default, float):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ParameterError(
                f"parameter {name} {value!r} is ongeldig; verwacht: een getal"
            ) from None
    if isinstance(default, str) and not isinstance(value, str):
        raise ParameterError(f"parameter {name} {value!r} is ongeldig; verwacht: tekst")
    if isinstance(default, list | tuple) and not isinstance(value, list | tuple):
        raise ParameterError(f"parameter {name} {value!r} is ongeldig; verwacht: een lijst")
    return value


def _check_indeling(indeling: int, jaar: int | None) -> None:
    """The indeling must be in the data and equal the indeling of ``jaar``."""
    per_year = indelingen()
    years = sorted(per_year)
    if not years:
        return
    if indeling not in per_year:
        raise ParameterError(
            f"parameter indeling {indeling} staat niet in de gegevens; "
            f"beschikbaar: {years[0]}–{years[-1]}"
        )
    if jaar is not None and jaar in per_year and per_year[indeling] != per_year[jaar]:
        differ = len(per_year[indeling] ^ per_year[jaar])
        raise ParameterError(
            f"parameter indeling {indeling} wijkt af van de indeling van jaar {jaar} "
            f"({differ} gemeenten verschillen); dit rapport toont cijfers in de indeling "
            f"van hun jaar; verwacht: indeling={jaar}"
        )


def _check_files(out: Mapping[str, Any]) -> None:
    """Read the register and goals files now, so a bad file stops the report at the top."""
    from analysekit.reporting import cache

    if out.get("register"):
        from analysekit.analysis.register import read_register

        cache.read_stamped(out["register"], read_register)
    if out.get("goals"):
        from analysekit.analysis.goals import read_goals

        cache.read_stamped(out["goals"], read_goals)


def validate_params(
    notebook_name: str | Path,
    params: Mapping[str, Any],
    *,
    years_available: Callable[[], Iterable[int]] | None = None,
    resolve: Callable[[Any], GemeenteInfo] | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> ReportParams:
    """Validate the parameters for one notebook run and build its :class:`ReportParams`.

    Args:
        notebook_name: Notebook name or path (its ``parameters`` cell lists the known names).
        params: The values to check (only overrides, or the full set).
        years_available: Returns the valid values of ``jaar``; default: the years in iv3.
            When given (tests on synthetic data), the checks against the data tables
            (verslagsoort per jaar, indeling) are skipped.
        resolve: Resolves ``gemeente`` to a :class:`GemeenteInfo`; default
            :func:`resolve_gemeente` (which uses :func:`analysekit.gemeente`).
        defaults: The declared parameters with defaults; default: read from the notebook.

    Returns:
        The frozen :class:`ReportParams`: ``gemeente`` resolved, numbers as ints, paths
        absolute, register and goals files read.

    Raises:
        ParameterError: Unknown parameter, wrong type or impossible value.
        UnknownGemeente: The gemeente cannot be resolved.
    """
    if defaults is None:
        defaults = notebook_parameters(notebook_name)
    check_known(notebook_name, params, defaults)
    name = Path(str(notebook_name)).stem
    out: dict[str, Any] = {**defaults, **params}
    for key, default in defaults.items():
        if key not in KNOWN:
            out[key] = _coerce_like(key, out[key], default)
    from_data = years_available is None

    if "jaar" in out:
        if out["jaar"] is None:
            raise ParameterError("parameter jaar ontbreekt; verwacht: een jaar zoals 2023")
        jaar = _as_int("jaar", out["jaar"])
        years = tuple(sorted((years_available or globals()["years_available"])()))
        if years and jaar not in years:
            raise ParameterError(
                f"parameter jaar {jaar} staat niet in de gegevens; "
                f"beschikbaar: {', '.join(map(str, years))}"
            )
        out["jaar"] = jaar
    if "verslagsoort" in out:
        soort = out["verslagsoort"]
        if soort not in VERSLAGSOORTEN:
            raise ParameterError(
                f"parameter verslagsoort {soort!r} is onbekend; "
                f"verwacht: {' of '.join(VERSLAGSOORTEN)}"
            )
        if "jaar" in out and from_data:
            covered = [j for j, v in iv3_available() if v == soort]
            if out["jaar"] not in covered:
                raise ParameterError(
                    f"geen {soort} over jaar {out['jaar']} in de gegevens; "
                    f"beschikbaar: {soort} {', '.join(map(str, covered)) or '(geen jaar)'}"
                )
    if out.get("indeling") is not None:
        indeling = _as_int("indeling", out["indeling"])
        lo, hi = _INDELING_RANGE
        if not lo <= indeling <= hi:
            raise ParameterError(
                f"parameter indeling {indeling} is onmogelijk; verwacht: een jaar {lo}–{hi}"
            )
        if from_data:
            _check_indeling(indeling, out.get("jaar"))
        out["indeling"] = indeling
    if "n_peers" in out:
        n = _as_int("n_peers", out["n_peers"])
        lo, hi = N_PEERS_RANGE
        if not lo <= n <= hi:
            raise ParameterError(f"parameter n_peers {n} is onmogelijk; verwacht: {lo}–{hi}")
        out["n_peers"] = n
    if "domein" in out:
        allowed = (*DOMEINEN, TOTAAL)
        if out["domein"] not in allowed:
            raise ParameterError(
                f"parameter domein {out['domein']!r} is onbekend; "
                f"verwacht: een van {', '.join(allowed)}"
            )
    if "n_draws" in out:
        n = _as_int("n_draws", out["n_draws"])
        if n < N_DRAWS_MIN:
            raise ParameterError(
                f"parameter n_draws {n} is te klein; verwacht: minstens {N_DRAWS_MIN}"
            )
        out["n_draws"] = n
    if "seed" in out:
        out["seed"] = _as_int("seed", out["seed"])
    if out.get("tekort_eur") not in (None, ""):
        out["tekort_eur"] = _positive_amount("tekort_eur", out["tekort_eur"])
    elif "tekort_eur" in out:
        out["tekort_eur"] = None
    for key in ("register", "goals", "adoptie"):
        if key in out:
            out[key] = _check_path(key, out[key])
    _check_files(out)
    gemeente = None
    if "gemeente" in out:
        gemeente = (resolve or resolve_gemeente)(out["gemeente"])
    known = {k: out[k] for k in KNOWN if k in out and k != "gemeente"}
    extra = {k: v for k, v in out.items() if k not in KNOWN}
    return ReportParams(
        notebook=name,
        gemeente=gemeente,
        extra=extra,
        declared=tuple(defaults),
        **known,
    )


def check_known(notebook: str | Path, params: Mapping[str, Any],
                declared: Mapping[str, Any] | None = None, hide: tuple[str, ...] = ()) -> None:
    """Refuse a parameter the notebook does not declare (one line naming what it has).

    ``hide`` leaves declared names out of the list of what is available (a batch sets the
    gemeente itself, so it does not offer ``gemeente``).

    Raises:
        ParameterError: ``params`` holds a name not in the notebook's parameters cell.
    """
    declared = notebook_parameters(notebook) if declared is None else declared
    unknown = [k for k in params if k not in declared]
    if unknown:
        raise ParameterError(
            f"onbekende parameter {unknown[0]!r} voor notebook {Path(str(notebook)).stem}; "
            f"beschikbaar: {', '.join(k for k in declared if k not in hide) or '(geen)'}"
        )


def validate(
    notebook: str | Path,
    params: Mapping[str, Any] | None = None,
    *,
    gemeente: str | GemeenteInfo | None = None,
) -> ReportParams:
    """Validate report parameters without running the notebook (for the CLI, before a run).

    The same checks as the notebook's own :func:`check`, so a bad parameter is reported
    before a notebook starts and leaves nothing behind.

    Args:
        notebook: Notebook name (in ``notebooks/``) or path.
        params: The ``-p`` parameters (parsed with :func:`parse_cli_params`).
        gemeente: The gemeente (name, code or :class:`GemeenteInfo`), when not in ``params``.

    Returns:
        The :class:`ReportParams` the notebook will build.

    Raises:
        ParameterError: Unknown parameter, wrong type or impossible value.
        UnknownGemeente: The gemeente cannot be resolved.
    """
    given = dict(params or {})
    if gemeente is not None:
        given["gemeente"] = gemeente
    return validate_params(notebook, given)


def from_mapping(values: Mapping[str, Any] | ReportParams) -> ReportParams:
    """Build :class:`ReportParams` from a plain mapping of known parameters (outside a notebook).

    Raises:
        ParameterError: An unknown parameter or an impossible value.
    """
    if isinstance(values, ReportParams):
        return values
    return validate_params("rapport", dict(values), defaults=dict(KNOWN))


# --------------------------------------------------------------------------- in the notebook

def check(
    namespace: Mapping[str, Any],
    notebook: str,
    *,
    years_available: Callable[[], Iterable[int]] | None = None,
    resolve: Callable[[Any], GemeenteInfo] | None = None,
    glue: bool = True,
) -> ReportParams:
    """Validate a notebook's parameters from inside the notebook.

    Call it in the first cell after the ``parameters`` cell, with ``globals()``.

    Args:
        namespace: The notebook's global namespace.
        notebook: The notebook's name (its file name without ``.ipynb``).
        years_available: See :func:`validate_params`.
        resolve: See :func:`validate_params`.
        glue: Record ``gm_code``, ``naam`` and ``provincie`` as scrapbook scraps, for the site.

    Returns:
        The validated, frozen :class:`ReportParams`.

    Raises:
        NotebookParameterError: A parameter is unknown or invalid. An error box is shown
            first, so the reason is at the top of the executed notebook.
    """
    try:
        defaults = notebook_parameters(notebook)
        values = user_names(namespace)
        injected = injected_names(namespace)
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
        fail(str(exc))
    if glue and p.gemeente is not None:
        _glue_identity(p.gemeente)
    return p


def _glue_identity(g: GemeenteInfo) -> None:
    from IPython import get_ipython

    if get_ipython() is None:
        return
    import scrapbook as sb

    sb.glue("gm_code", g.gm_code)
    sb.glue("naam", g.naam)
    sb.glue("provincie", g.provincie or "")
