"""Where things live: project root, data folders and the offline mirror.

The offline mirror of real CBS/BZK files is looked up, in order, from the
``ANALYSEKIT_MIRROR`` environment variable, an explicit argument, and finally
``../shared/data`` beside the project root.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from analysekit.errors import DataError

MIRROR_ENV = "ANALYSEKIT_MIRROR"
DATA_ENV = "ANALYSEKIT_DATA"


def project_root() -> Path:
    """Return the project root (the folder holding ``pyproject.toml``).

    Falls back to the current working directory when the package is installed
    outside a checkout.
    """
    root = _checkout_root()
    return root if root is not None else Path.cwd()


@functools.lru_cache(maxsize=1)
def _checkout_root() -> Path | None:
    # the package does not move while it runs: looked up once (a report asks ~500 times)
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "src" / "analysekit").is_dir():
            return parent
    return None


def data_dir() -> Path:
    """Return the data folder (``data/`` in the project, or ``$ANALYSEKIT_DATA``)."""
    env = os.environ.get(DATA_ENV)
    return Path(env).resolve() if env else project_root() / "data"


def raw_dir() -> Path:
    """Return ``data/raw``: immutable snapshots as fetched (never edited by hand)."""
    return data_dir() / "raw"


def processed_dir() -> Path:
    """Return ``data/processed``: validated canonical parquet tables."""
    return data_dir() / "processed"


def default_mirror() -> Path:
    """Return the default mirror location, ``../shared/data`` beside the project root."""
    return project_root().parent / "shared" / "data"


def mirror_dir(path: str | os.PathLike[str] | None = None, *, must_exist: bool = True) -> Path:
    """Resolve the offline mirror folder.

    Args:
        path: An explicit mirror path; overrides the environment variable.
        must_exist: Raise :class:`DataError` when the folder is missing.

    Returns:
        The absolute path of the mirror folder.

    Raises:
        DataError: The mirror folder does not exist (and ``must_exist`` is true).
    """
    chosen = path or os.environ.get(MIRROR_ENV) or default_mirror()
    p = Path(chosen).expanduser().resolve()
    if must_exist and not p.is_dir():
        raise DataError(
            f"mirror-map {p} bestaat niet; verwacht: een map met de CBS/BZK-mirror "
            f"(geef --mirror of ${MIRROR_ENV}; standaard ../shared/data naast het project)"
        )
    return p
