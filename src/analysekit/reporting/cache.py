"""One cache for what every report computes the same way: in memory and on disk.

The all-gemeenten computations behind a report (the three lenses for every gemeente, the
trajectory, the peer characteristics, the lever regressions, the goal indicators, the
list of sources, the tornado of the shipped register) do not depend on the gemeente.
:func:`shared` computes each once and keeps it

* in memory, for the rest of the process (a JupyterLab kernel, a batch worker), and
* on disk, as a pickle in :func:`cache_dir`, for every later process: a second
  ``analysekit report`` for another gemeente loads the values instead of recomputing them,
  and the workers of a batch share them.

**Key.** The cache folder is named after :func:`cache_key`: a hash of the processed data
(:func:`data_fingerprint`) and of the package source (:func:`code_version`). A
``data build`` that changes a table, or an edit of the code, gives a new key and so a new,
empty folder; when a new folder is made, the folders of older keys are removed except the
two most recent (:func:`drop_stale`: another process may still be using one). Within a
process the in-memory values are keyed the same way, so the memory cache and the disk
cache can never disagree after a rebuild; :func:`tables` (the canonical tables the
analyses read) is keyed by the data fingerprint as well. Reports never use the analysis
layer's own per-process table cache.

**Where.** ``data/cache/reports/<key>/`` in the project (``data/`` is not in git), or the
folder in ``$ANALYSEKIT_CACHE``. Values are pickles written atomically, with a file lock
so that two workers never compute the same value at once. Treat every value as read-only.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from analysekit.paths import data_dir

__all__ = [
    "CACHE_ENV",
    "KEY_ENV",
    "LazyTables",
    "cache_dir",
    "cache_key",
    "cache_root",
    "clear_memory",
    "code_version",
    "data_fingerprint",
    "disabled",
    "drop_stale",
    "jinja_dir",
    "pinned",
    "read_stamped",
    "shared",
    "tables",
]

#: Environment variable: the folder that holds the cache folders (one per key).
CACHE_ENV = "ANALYSEKIT_CACHE"
#: Environment variable: a key fixed for the duration of a batch (set for the workers).
KEY_ENV = "ANALYSEKIT_CACHE_KEY"
#: Environment variable: the folder of the compiled Jinja templates (:func:`jinja_dir`).
JINJA_ENV = "ANALYSEKIT_JINJA_CACHE"

#: The canonical tables the report analyses read.
TABLES = ("iv3", "gemeenten", "kenmerken", "gemeentefonds")

_MEMO: dict[tuple[str, str], Any] = {}
_TABLES: dict[str, dict[str, Any]] = {}
_ON_DISK = True


# --------------------------------------------------------------------------- keys


def data_fingerprint(folder: Path | None = None) -> str:
    """Fingerprint of the processed data: :func:`analysekit.data.provenance.data_fingerprint`.

    One definition for both layers, so "the same data" means the same to the report cache
    and to the data layer (the sha256 values that ``data build`` records).
    """
    from analysekit.data.provenance import data_fingerprint as fingerprint

    return str(fingerprint(folder))


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of the installed analysekit source (every .py, template, YAML and CSV file).

    Computed once per process from the file contents: an edit of the code gives another
    version and so another cache.
    """
    import analysekit

    root = Path(analysekit.__file__).parent
    h = hashlib.sha256(analysekit.__version__.encode())
    for p in sorted(root.rglob("*")):
        if p.suffix in {".py", ".html", ".css", ".js", ".yaml", ".csv"} and p.is_file():
            h.update(str(p.relative_to(root)).encode() + b"\0")
            h.update(p.read_bytes())
    return h.hexdigest()


def cache_key() -> str:
    """The key of the current data and code (16 hex digits); fixed during a batch."""
    pinned_key = os.environ.get(KEY_ENV)
    if pinned_key:
        return pinned_key
    return hashlib.sha256(f"{data_fingerprint()}|{code_version()}".encode()).hexdigest()[:16]


def cache_root() -> Path:
    """The folder that holds the cache folders: ``$ANALYSEKIT_CACHE`` or ``data/cache/reports``."""
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else data_dir() / "cache" / "reports"


def jinja_dir() -> Path:
    """Folder for the HTML export's compiled Jinja templates (see ``export.html_exporter``).

    ``data/cache/jinja`` beside the report cache, or ``_jinja`` inside ``$ANALYSEKIT_CACHE``
    when that is set (:func:`drop_stale` leaves folders starting with ``_`` alone).
    ``$ANALYSEKIT_JINJA_CACHE`` moves it anywhere.
    """
    env = os.environ.get(JINJA_ENV)
    if env:
        return Path(env)
    root = os.environ.get(CACHE_ENV)
    return Path(root) / "_jinja" if root else data_dir() / "cache" / "jinja"


def cache_dir(key: str | None = None) -> Path:
    """The cache folder of ``key`` (default: the current :func:`cache_key`)."""
    return cache_root() / (key or cache_key())


@contextlib.contextmanager
def pinned(key: str) -> Iterator[None]:
    """Fix the cache key for the duration (a batch pins it for itself and its workers)."""
    old = os.environ.get(KEY_ENV)
    os.environ[KEY_ENV] = key
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(KEY_ENV, None)
        else:
            os.environ[KEY_ENV] = old


#: Cache folders of other keys kept besides the current one (other checkouts or code
#: versions working on the same data folder at the same time); older ones are removed.
KEEP_OTHERS = 2


def drop_stale(keep: str | None = None, others: int = KEEP_OTHERS) -> list[Path]:
    """Remove the cache folders of other keys, except the ``others`` most recently made.

    Returns:
        The folders removed.
    """
    keep = keep or cache_key()
    root = cache_root()
    if not root.is_dir():
        return []
    folders = [f for f in root.iterdir()
               if f.is_dir() and f.name != keep and not f.name.startswith("_")]
    folders.sort(key=lambda f: f.stat().st_mtime, reverse=True)
    removed = []
    for folder in folders[others:]:
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Compute every shared value afresh for the duration (benchmarks, debugging)."""
    global _ON_DISK
    saved, old = dict(_MEMO), _ON_DISK
    _MEMO.clear()
    _ON_DISK = False
    try:
        yield
    finally:
        _MEMO.clear()
        _MEMO.update(saved)
        _ON_DISK = old


def clear_memory() -> None:
    """Forget the in-memory values (the disk cache stays)."""
    _MEMO.clear()
    _TABLES.clear()


# --------------------------------------------------------------------------- values


def _safe(key: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in key)


def shared(key: str, compute: Callable[[], Any]) -> Any:
    """Return ``compute()``, computed once per data and code version and shared by reports.

    Args:
        key: A name for the value that includes every parameter it depends on, e.g.
            ``f"deficits_all_{jaar}_{verslagsoort}"``.
        compute: Computes the value from the data (the same for every gemeente).

    Returns:
        The value: from memory, else from the disk cache, else computed and stored.
    """
    safe = _safe(key)
    ck = cache_key()
    memo_key = (safe, ck)
    if memo_key in _MEMO:
        return _MEMO[memo_key]
    if not _ON_DISK:
        return compute()
    value = _disk(cache_dir(ck), ck, safe, compute)
    _MEMO[memo_key] = value
    return value


def _disk(folder: Path, ck: str, safe: str, compute: Callable[[], Any]) -> Any:
    from analysekit.io import write_bytes

    new = not folder.is_dir()
    folder.mkdir(parents=True, exist_ok=True)
    if new:
        drop_stale(ck)
    digest = hashlib.sha256(safe.encode()).hexdigest()[:12]
    path = folder / f"{safe}-{digest}.pkl"
    if path.is_file():  # the common case: no lock needed to read a finished file
        with contextlib.suppress(Exception), open(path, "rb") as fh:
            return pickle.load(fh)
    with _file_lock(folder / f".{safe}-{digest}.lock"):
        if path.is_file():
            with contextlib.suppress(Exception), open(path, "rb") as fh:
                return pickle.load(fh)
        value = compute()
        write_bytes(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        return value


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def tables() -> dict[str, Any]:
    """The canonical tables the report analyses read, loaded once per data version.

    Keyed by :func:`data_fingerprint`: after a ``data build`` the next call loads the new
    tables, in step with :func:`shared`.
    """
    fp = os.environ.get(KEY_ENV) or data_fingerprint()
    if fp not in _TABLES:
        import analysekit

        _TABLES.clear()
        _TABLES[fp] = {name: analysekit.load(name) for name in TABLES}
    return _TABLES[fp]


class LazyTables(Mapping):
    """:func:`tables` as a mapping that loads on first access to a table.

    A report whose shared values are all on disk never loads a table (nor imports the
    data layer's schemas).
    """

    def __getitem__(self, name: str) -> Any:
        return tables()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(TABLES)

    def __len__(self) -> int:
        return len(TABLES)


_STAMPED: dict[tuple[str, str, int], Any] = {}


def read_stamped(path: str | Path, read: Callable[[str], Any]) -> Any:
    """``read(path)``, cached in memory per file version (path and modification time)."""
    p = Path(path)
    key = (getattr(read, "__qualname__", repr(read)), str(p), p.stat().st_mtime_ns)
    if key not in _STAMPED:
        _STAMPED[key] = read(str(p))
    return _STAMPED[key]
