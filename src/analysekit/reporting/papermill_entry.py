"""papermill's entry point for the in-process engine (``papermill -E analysekit``).

papermill loads its engine entry points while ``papermill.engines`` itself is being
imported. If that entry point were :mod:`analysekit.reporting.engine`, a process whose
first import is that module would meet it half-initialised (engine imports papermill,
papermill loads engine) and fail. This module only needs ``Engine``, which papermill has
defined by then; the real engine is imported when a notebook runs, and registers itself
under the same name (:data:`ENGINE_NAME`), replacing this one.
"""

from __future__ import annotations

from typing import Any

from papermill.engines import Engine

#: The name papermill knows the in-process engine by (``engine.ENGINE_NAME`` says the same).
ENGINE_NAME = "analysekit"


class InProcessEngine(Engine):  # type: ignore[misc]
    """Delegates to :class:`analysekit.reporting.engine.InProcessEngine`."""

    @classmethod
    def execute_managed_notebook(cls, *args: Any, **kwargs: Any) -> Any:
        """Run the notebook with the in-process engine (imported on first use)."""
        from analysekit.reporting.engine import InProcessEngine as Engine_

        return Engine_.execute_managed_notebook(*args, **kwargs)
