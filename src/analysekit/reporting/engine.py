"""An in-process papermill engine: run notebook cells in this Python process.

Starting a Jupyter kernel costs seconds per notebook; for a batch of 342 reports that
dominates the run time. :class:`InProcessEngine` executes the cells with an IPython
:class:`~IPython.core.interactiveshell.InteractiveShell` that lives in the calling
process (one per process, reused between notebooks), and captures what a kernel would
send to the frontend into nbformat outputs:

* ``print`` / warnings → ``stream`` outputs (stdout, stderr);
* ``display(...)``, scrapbook ``glue`` and matplotlib figures (inline backend, PNG as
  base64) → ``display_data``;
* the value of the last expression → ``execute_result``;
* exceptions → ``error`` outputs (honouring ``_render_traceback_``), after which
  execution stops, as with nbclient (cells tagged ``raises-exception`` may fail).

Between notebooks the user namespace is reset, figures are closed and process-wide
state a notebook commonly touches (matplotlib rcParams, pandas display options, warning
filters, working directory, ``sys.path``) is restored. A
notebook that needs full isolation (threads, C extensions with global state, its
own kernel) should be run with papermill's default kernel engine (``--engine kernel``).

The engine registers itself with papermill as ``analysekit`` on import.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import os
import sys
import threading
import warnings
from typing import Any

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from papermill.engines import Engine, papermill_engines

ENGINE_NAME = "analysekit"

#: Only one notebook runs at a time in a process (the shell is a singleton).
_LOCK = threading.RLock()

_BINARY_MIMES = ("image/png", "image/jpeg", "image/gif", "application/pdf")


def _jsonable_data(data: dict[str, Any]) -> dict[str, Any]:
    """Make a mime bundle fit for nbformat (binary → base64 text)."""
    out: dict[str, Any] = {}
    for mime, value in data.items():
        if isinstance(value, (bytes, bytearray)):
            if mime in _BINARY_MIMES:
                value = base64.b64encode(bytes(value)).decode("ascii")
            else:
                value = bytes(value).decode("utf-8", "replace")
        out[mime] = value
    return out


def _new_output(output_type: str, **fields: Any) -> nbformat.NotebookNode:
    """:func:`nbformat.v4.new_output` without its per-output schema check.

    The same node (same defaults, same conversion of dicts to ``NotebookNode``); each check
    costs about 0.5 ms and a report has ~70 outputs. The executed notebook as a whole is
    still validated when it is written (``nbformat.writes``).
    """
    output = nbformat.NotebookNode(output_type=output_type)
    if output_type == "stream":
        output.name = "stdout"
        output.text = ""
    elif output_type in ("display_data", "execute_result"):
        output.metadata = nbformat.NotebookNode()
        output.data = nbformat.NotebookNode()
        if output_type == "execute_result":
            output.execution_count = None
    elif output_type == "error":
        output.ename = "NotImplementedError"
        output.evalue = ""
        output.traceback = []
    output.update(fields)
    return output


class _Capture:
    """Collects the outputs of the cell that is running."""

    def __init__(self) -> None:
        self.outputs: list[nbformat.NotebookNode] = []
        self.execution_count: int | None = None
        self.clear_pending = False
        self.display_ids: dict[str, list[nbformat.NotebookNode]] = {}

    def _maybe_clear(self) -> None:
        if self.clear_pending:
            self.outputs.clear()
            self.clear_pending = False

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        self._maybe_clear()
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text
        else:
            self.outputs.append(_new_output("stream", name=name, text=text))

    def display(
        self,
        data: dict[str, Any],
        metadata: dict[str, Any] | None,
        transient: dict[str, Any] | None,
        update: bool,
    ) -> None:
        data = _jsonable_data(data)
        metadata = dict(metadata or {})
        display_id = (transient or {}).get("display_id")
        if update:
            for out in self.display_ids.get(display_id, []):
                out.data = data
                out.metadata = metadata
            return
        self._maybe_clear()
        out = _new_output("display_data", data=data, metadata=metadata)
        self.outputs.append(out)
        if display_id:
            self.display_ids.setdefault(display_id, []).append(out)

    def result(self, data: dict[str, Any], metadata: dict[str, Any] | None) -> None:
        self._maybe_clear()
        self.outputs.append(
            _new_output(
                "execute_result",
                data=_jsonable_data(data),
                metadata=dict(metadata or {}),
                execution_count=self.execution_count,
            )
        )

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        self._maybe_clear()
        self.outputs.append(
            _new_output("error", ename=ename, evalue=evalue, traceback=list(traceback))
        )

    def clear(self, wait: bool) -> None:
        if wait:
            self.clear_pending = True
        else:
            self.outputs.clear()


class _Stream:
    """A text file object that turns writes into ``stream`` outputs."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, shell: InProcessShell, name: str) -> None:
        self._shell = shell
        self.name = name

    def write(self, text: str) -> int:
        if isinstance(text, bytes):  # pragma: no cover - defensive
            text = text.decode("utf-8", "replace")
        self._shell.capture.stream(self.name, text)
        return len(text)

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        return None

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError("captured stream has no file descriptor")


class _CapturingDisplayPublisher(DisplayPublisher):
    """Sends ``display(...)`` into the current cell's outputs."""

    def publish(  # noqa: D102
        self,
        data: dict[str, Any],
        metadata: dict[str, Any] | None = None,
        source: Any = None,
        *,
        transient: dict[str, Any] | None = None,
        update: bool = False,
        **kwargs: Any,
    ) -> None:
        self.shell.capture.display(data, metadata, transient, update)

    def clear_output(self, wait: bool = False) -> None:  # noqa: D102
        self.shell.capture.clear(wait)


class _CapturingDisplayHook(DisplayHook):
    """Sends the value of a cell's last expression into an ``execute_result``."""

    def write_output_prompt(self) -> None:  # noqa: D102
        return None

    def write_format_data(self, format_dict: dict[str, Any], md_dict: Any = None) -> None:  # noqa: D102
        self.shell.capture.result(format_dict, md_dict)


class InProcessShell(InteractiveShell):
    """An IPython shell that records outputs as nbformat outputs instead of printing."""

    displayhook_class = _CapturingDisplayHook
    display_pub_class = _CapturingDisplayPublisher

    def __init__(self, **kwargs: Any) -> None:
        self.capture = _Capture()
        super().__init__(**kwargs)

    def _showtraceback(self, etype: type, evalue: BaseException, stb: list[str]) -> None:
        self.capture.error(etype.__name__, str(evalue), stb)

    def init_virtualenv(self) -> None:  # noqa: D102 - no venv path juggling in-process
        return None

    def enable_gui(self, gui: str | None = None) -> None:  # noqa: D102 - no event loops
        return None


class _State:
    """Process-wide state snapshot, restored before every notebook."""

    def __init__(self) -> None:
        self.cwd = os.getcwd()
        self.sys_path = list(sys.path)
        self.filters = list(warnings.filters)
        self.rc: dict[str, Any] | None = None
        if "matplotlib" in sys.modules:
            import matplotlib as mpl

            # RcParams.copy() does not resolve the backend (that imports pyplot and a
            # GUI-capable backend, about 0.5 s, before any notebook asked for it)
            self.rc = {k: v for k, v in mpl.rcParams.copy().items() if k != "backend"}

    def restore(self) -> None:
        with contextlib.suppress(OSError):
            os.chdir(self.cwd)
        sys.path[:] = self.sys_path
        warnings.filters[:] = self.filters
        if "matplotlib.pyplot" in sys.modules:  # no pyplot, no pyplot figures to close
            import matplotlib.pyplot as plt

            plt.close("all")
        if "matplotlib" in sys.modules:
            if self.rc is not None:
                import matplotlib as mpl

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    mpl.rcParams.update(self.rc)
        if "pandas" in sys.modules:
            import pandas as pd

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pd.reset_option("display")


_SHELL: InProcessShell | None = None
_STATE: _State | None = None
_NOTEBOOKS_RUN = 0


def _freeze_after_first_notebook() -> None:
    """Before the second notebook of a process, freeze what the first one left for good.

    The first notebook loads what stays for the rest of the process (the shared values of
    :mod:`analysekit.reporting.cache`, fonts, the modules the notebooks import). Its own
    namespace was just cleared: one full collection frees its cycles (figures), and
    freezing the rest keeps later full collections from walking it again. A process
    that runs one notebook (``analysekit report``) never pays for the collection.
    """
    global _NOTEBOOKS_RUN
    _NOTEBOOKS_RUN += 1
    if _NOTEBOOKS_RUN == 2:
        gc.collect()
        gc.freeze()


def in_process_available() -> bool:
    """Return whether this process can host the in-process shell.

    It cannot inside a running Jupyter kernel or IPython session, whose own shell is
    the process-wide singleton; use the kernel engine there.
    """
    if _SHELL is not None:
        return True
    return not InteractiveShell.initialized()


def get_shell() -> InProcessShell:
    """Return this process's in-process shell, creating it on first use."""
    global _SHELL, _STATE
    with _LOCK:
        if _SHELL is None:
            from traitlets.config import Config

            if InteractiveShell.initialized():
                raise RuntimeError(
                    "an IPython shell already runs in this process (Jupyter?); "
                    "use the kernel engine instead of the in-process engine"
                )
            cfg = Config()
            cfg.HistoryManager.enabled = False
            cfg.InteractiveShell.colors = "nocolor"
            cfg.InteractiveShell.xmode = "Context"
            cfg.InteractiveShell.cache_size = 0  # no Out cache: reset needs no gc.collect()
            # scrapbook warns outside a kernel; here its display messages are captured.
            warnings.filterwarnings(
                "ignore", message="No kernel detected for", category=UserWarning
            )
            main_module = sys.modules.get("__main__")
            shell = InProcessShell.instance(config=cfg)
            # IPython installs its user namespace as sys.modules["__main__"]; keep the
            # process's own __main__ outside notebook execution (multiprocessing's spawn
            # and Dask's nanny look at it).
            shell._analysekit_main = main_module
            shell.capture = _Capture()
            import matplotlib  # noqa: F401 - the rcParams snapshot below needs it

            _restore_main(shell)
            _SHELL = shell
            _STATE = _State()
            # The libraries imported so far (pandas, IPython, papermill, matplotlib) live
            # as long as the process: move them out of the collector's generations, so a
            # full collection during a notebook does not walk them again (CPython's
            # gc.freeze; 0.1-0.2 s per full collection here).
            gc.freeze()
        return _SHELL


def _restore_main(shell: InProcessShell) -> None:
    main_module = getattr(shell, "_analysekit_main", None)
    if main_module is not None:
        sys.modules["__main__"] = main_module


def _reset(shell: InProcessShell) -> None:
    """Give the next notebook a fresh namespace and the process state of the warm-up."""
    assert _STATE is not None
    _STATE.restore()
    shell.reset(new_session=False)
    hist = shell.history_manager
    if hist is not None:  # each notebook starts with an empty In[] (as a new kernel)
        hist.input_hist_parsed[:] = [""]
        hist.input_hist_raw[:] = [""]
        hist.db_input_cache.clear()
        hist.db_output_cache.clear()
    shell.execution_count = 1
    shell.capture = _Capture()


def run_cell(shell: InProcessShell, source: str) -> tuple[list[Any], bool]:
    """Run one cell's source; return its outputs and whether it raised."""
    shell.capture = _Capture()
    shell.capture.execution_count = shell.execution_count
    sys.modules["__main__"] = shell.user_module
    try:
        with (
            contextlib.redirect_stdout(_Stream(shell, "stdout")),
            contextlib.redirect_stderr(_Stream(shell, "stderr")),
        ):
            result = shell.run_cell(source, store_history=True, silent=False)
    finally:
        _restore_main(shell)
    failed = not result.success
    return shell.capture.outputs, failed


INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
_INLINE_NAMES = ("inline", INLINE_BACKEND)


class _InlineOnPyplotImport:
    """Import hook: the inline backend is chosen when (and only if) pyplot is imported.

    A finder on ``sys.meta_path`` (Python's import protocol) that finds nothing: when
    ``matplotlib.pyplot`` is about to be imported it sets ``rcParams["backend"]`` to the
    inline backend (as ipykernel does with ``MPLBACKEND``) and lets the import go on.
    Validating that name makes matplotlib read every installed package's entry points
    (0.1-0.2 s), which a notebook drawing with the object API (the reports) never pays.
    """

    def __init__(self) -> None:
        self.used = False

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        if fullname == "matplotlib.pyplot" and not self.used:
            self.used = True
            import matplotlib

            matplotlib.rcParams["backend"] = INLINE_BACKEND
        return None


@contextlib.contextmanager
def _inline_figures(shell: InProcessShell) -> Any:
    """Use the inline backend while a notebook runs (as a kernel does); restore it after.

    When pyplot has not been imported yet, the inline backend is chosen only if the
    notebook imports pyplot (:class:`_InlineOnPyplotImport`), which then gets it with
    matplotlib-inline's IPython integration; a notebook that draws with the object API
    only (the reports) never pays for pyplot and the backend switch.
    """
    if "matplotlib" not in sys.modules:
        yield
        return
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        requested = matplotlib.get_backend(auto_select=False)  # None: not chosen yet
        if requested in _INLINE_NAMES:
            yield
            return
        hook = _InlineOnPyplotImport()
        sys.meta_path.insert(0, hook)
        try:
            yield
        finally:
            with contextlib.suppress(ValueError):
                sys.meta_path.remove(hook)
            if hook.used and "matplotlib.pyplot" in sys.modules:  # the notebook used pyplot
                import matplotlib.pyplot as plt

                # matplotlib has no public way back to "not chosen yet": Agg then
                plt.switch_backend(requested or "agg")
        return

    import matplotlib.pyplot as plt

    before = matplotlib.get_backend()
    if before not in _INLINE_NAMES:
        use_inline(shell)
    try:
        yield
    finally:
        if before not in _INLINE_NAMES and matplotlib.get_backend() != before:
            plt.switch_backend(before)


def _interactive_if_inline() -> None:
    """With pyplot on the inline backend, run the notebook in interactive mode, as a kernel.

    matplotlib-inline turns interactive mode on when it is activated (so pyplot figures
    appear at the end of a cell without ``plt.show()``); the reset between notebooks
    restores the process's rcParams, so every notebook after the first turns it on again
    here. A notebook that imports pyplot itself gets it from matplotlib-inline.
    """
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib

        if matplotlib.get_backend(auto_select=False) in _INLINE_NAMES:
            matplotlib.interactive(True)


def use_inline(shell: InProcessShell | None = None) -> None:
    """Make matplotlib's inline backend (figures as PNG outputs) the process's backend.

    Before pyplot is imported this does nothing: a notebook that imports pyplot gets the
    inline backend and its integration then (:func:`_inline_figures`).
    """
    shell = shell or get_shell()
    if "matplotlib.pyplot" not in sys.modules:
        return
    with contextlib.redirect_stdout(_Stream(shell, "stdout")):
        shell.enable_matplotlib("inline")


class InProcessEngine(Engine):
    """Papermill engine that runs the cells in the current process (no kernel start)."""

    @classmethod
    def execute_managed_notebook(  # noqa: D102
        cls,
        nb_man: Any,
        kernel_name: str,
        log_output: bool = False,
        cwd: str | None = None,
        result_holder: list[Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        from analysekit.reporting import cached_scrap_validation, resume_gc

        with _LOCK:
            shell = get_shell()  # freezes what was imported
            resume_gc()  # off while `analysekit report` imported (pause_gc_for_startup)
            with _inline_figures(shell), cached_scrap_validation():
                nb = cls._run(shell, nb_man, cwd, result_holder)
        return nb

    @classmethod
    def _run(
        cls, shell: InProcessShell, nb_man: Any, cwd: str | None, result_holder: list[Any] | None
    ) -> Any:
        """Run the code cells in order; stop at the first error, as nbclient does."""
        _reset(shell)
        _freeze_after_first_notebook()
        _interactive_if_inline()
        nb = nb_man.nb
        if result_holder is not None:
            result_holder.append(nb)
        try:
            with contextlib.chdir(cwd) if cwd else contextlib.nullcontext():
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type != "code":
                        continue
                    nb_man.cell_start(cell, index)
                    count = shell.execution_count
                    outputs, failed = run_cell(shell, cell.source)
                    cell.execution_count = count
                    cell.outputs = outputs
                    if failed and "raises-exception" not in cell.metadata.get("tags", []):
                        nb_man.cell_exception(cell, index)
                        nb_man.cell_complete(cell, index)
                        break
                    nb_man.cell_complete(cell, index)
        finally:
            _reset(shell)
        return nb


papermill_engines.register(ENGINE_NAME, InProcessEngine)
