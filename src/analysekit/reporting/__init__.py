"""Reporting layer: parameterised notebooks, batch runs and the static site."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from typing import Any

#: Optional modules jsonschema imports (when installed) only to register format checkers
#: ("iri", "uri", "duration", "date-time", "color", ...). nbformat's and scrapbook's
#: schemas use no "format" keyword, so a process that only runs reports never needs them.
_JSONSCHEMA_FORMAT_MODULES = (
    "rfc3987_syntax",  # builds a parser grammar on import: 1.5-2.5 s
    "rfc3986_validator",  # ~0.02 s (a large regex)
    "isoduration",  # imports arrow: ~0.015 s
    "rfc3339_validator",
    "webcolors",
    "uri_template",
    "fqdn",
)


#: Set to ``0`` to let report processes import jsonschema's optional format modules anyway
#: (see :func:`skip_slow_optional_imports`).
SKIP_IMPORTS_ENV = "ANALYSEKIT_SKIP_OPTIONAL_IMPORTS"


def skip_slow_optional_imports() -> None:
    """Keep jsonschema from importing optional format modules a report never uses.

    ``rfc3987_syntax`` builds a parser grammar on import, 1.5–2.5 s per process here
    (python-jsonschema/jsonschema#1392); ``rfc3986_validator`` and ``isoduration`` (with
    arrow) cost another 0.03 s. jsonschema imports them, when installed, only to check
    formats (``iri``, ``uri``, ``duration``, ...) that nbformat and papermill never use.
    Each is marked as not importable (``sys.modules[name] = None``, Python's documented
    way to stop an import), so jsonschema goes without those format checkers. Measured on
    batches of 15 reports side by side (``benchmarks/bench_batch.py --compare imports``),
    this saves about a fifth of the batch's CPU time; the other blocks that stood here
    (soupsieve, matplotlib's 3D axes) saved under 5% and were removed (issue 16).

    Called in processes that only run reports (the CLI commands, batch workers, the
    export helper) before nbformat is imported; it does nothing once jsonschema has been
    imported, leaves a module that is already imported alone, and is switched off with
    ``ANALYSEKIT_SKIP_OPTIONAL_IMPORTS=0`` (:data:`SKIP_IMPORTS_ENV`), e.g. for a process
    that validates ``format`` keywords itself.
    """
    import os

    if os.environ.get(SKIP_IMPORTS_ENV, "1").strip() == "0":
        return
    if "jsonschema" not in sys.modules:
        for name in _JSONSCHEMA_FORMAT_MODULES:
            sys.modules.setdefault(name, None)  # type: ignore[arg-type]


_GC_PAUSED = False


def pause_gc_for_startup() -> None:
    """Switch the cyclic garbage collector off while a report process imports and checks.

    The imports of a report (pandas, matplotlib, IPython, papermill) allocate hundreds of
    thousands of objects that live as long as the process; the collector runs ~500 times
    over them for nothing (0.15-0.3 s of a 2 s ``analysekit report``). It is switched on
    again by :func:`resume_gc`: when the in-process shell has frozen what was imported
    (:func:`analysekit.reporting.engine.get_shell`), or before a kernel is started.
    Only for a process that runs one report (``analysekit report``).
    """
    global _GC_PAUSED
    import gc

    if gc.isenabled():
        gc.disable()
        _GC_PAUSED = True


#: Collector thresholds of a process that only runs reports (see :func:`resume_gc`).
REPORT_GC_THRESHOLDS = (50_000, 20, 20)


def resume_gc() -> None:
    """Switch the collector on again if :func:`pause_gc_for_startup` switched it off.

    The process runs reports only, so the collector also runs less often: a young
    collection every 50,000 allocations instead of 700 (:data:`REPORT_GC_THRESHOLDS`).
    A report allocates millions of short-lived objects, nearly all freed by reference
    counting; the default thresholds ran ~44 collections per report in a batch worker,
    25 ms of a 0.5 s report, against ~10 ms now. The price is memory held by cyclic
    garbage (figures) until the next collection: ~50 MB more per worker.
    """
    global _GC_PAUSED
    import gc

    if _GC_PAUSED:
        _GC_PAUSED = False
        gc.set_threshold(*REPORT_GC_THRESHOLDS)
        gc.enable()


@contextlib.contextmanager
def cached_scrap_validation() -> Iterator[None]:
    """Let scrapbook validate scraps with one compiled validator per schema.

    scrapbook checks every scrap with ``jsonschema.validate``, which first re-checks the
    schema itself: milliseconds per scrap, so a report gluing 20 headline figures spends
    0.15 s on it and reading 342 reports half a minute. The same schema and the same
    payload checks run here, with each validator built once.

    Not a public scrapbook API: this swaps the module's ``json_validate`` binding (its
    import of ``jsonschema.validate``) while reports run. scrapbook 0.5.0 is the last
    release (2020); should a later one not have that binding, or call it with more
    arguments, scrapbook's own validation runs unchanged.
    """
    import jsonschema
    import scrapbook.scraps as scraps_mod

    original = getattr(scraps_mod, "json_validate", None)
    if original is not jsonschema.validate:  # already active (nested use), or not there
        yield
        return
    validators: dict[str, Any] = {}

    def validate(instance: Any, schema: Any, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            return original(instance, schema, *args, **kwargs)
        key = json.dumps(schema, sort_keys=True)
        if key not in validators:
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            validators[key] = cls(schema)
        validators[key].validate(instance)

    scraps_mod.json_validate = validate
    try:
        yield
    finally:
        scraps_mod.json_validate = original
