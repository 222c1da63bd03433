"""A small client for the CBS OData v3 API (opendata.cbs.nl and dataderden.cbs.nl).

What it does, and why:

* **Server-side filtering** (``$filter``) and column selection (``$select``), so a query
  asks only for what it needs. Dimension codes are padded with spaces in CBS tables
  (``'GM0363   '``, ``'6.72d '``); filter with ``startswith(Field,'code')`` rather than
  ``eq`` so the padding does not matter, see :func:`startswith`.
* **Paging.** A CBS query returns at most 10,000 rows. The client asks for ``$top`` rows,
  follows ``odata.nextLink`` when the server sends one, and otherwise continues with
  ``$skip`` for as long as pages come back full.
* **Retries** with exponential backoff on connection errors, timeouts, HTTP 5xx and 429.
  The sleep function is injectable so tests do not wait.
* **An on-disk cache** keyed by the full request URL (file name: its sha256), written
  atomically, so a second run downloads nothing that it already has.
* **Column resolution by Key.** CBS renumbers the ``_NN`` suffixes of measure columns
  between table versions (``k_2ePlaatsing_2`` in one, ``k_2ePlaatsing_12`` in another),
  so measures are looked up in ``/DataProperties`` by the stem of their ``Key``
  (:meth:`CbsClient.resolve_key`), never hard-coded.
* **Lookup collections** (``/Gemeenten``, ``/TaakveldBalanspost``, ``/Categorie``,
  ``/Verslagsoort``, ``/RegioS``, ``/Perioden``, ...) give the titles of codes.

Errors: a host that cannot be reached, or that keeps failing, raises
:class:`~analysekit.errors.SourceUnavailable` with one line naming the table, the URL and
the cause; a response that is not JSON or has no ``value`` list raises
:class:`~analysekit.errors.DataError`.

The HTTP layer is any object with ``get(url, params=..., timeout=...)`` returning a
response with ``status_code``, ``headers``, ``text`` and ``json()`` -- a
:class:`requests.Session` by default, a fake in the tests. Nothing here touches the
network at import time.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote_plus, urljoin, urlsplit

import pandas as pd
import requests

from analysekit import __version__
from analysekit.errors import DataError, SourceUnavailable
from analysekit.io import sha256_bytes, write_bytes

logger = logging.getLogger(__name__)

OPENDATA_ROOT = "https://opendata.cbs.nl/ODataApi/odata"
"""Root of the CBS StatLine OData v3 API (70072ned, the KWB tables, ...)."""

DATADERDEN_ROOT = "https://dataderden.cbs.nl/ODataApi/OData"
"""Root of the CBS 'data derden' OData v3 API (the Iv3 tables)."""

MAX_PAGE_ROWS = 10_000
"""The CBS row cap per response."""

DIMENSION_TYPES = frozenset(
    {"Dimension", "GeoDimension", "TimeDimension", "GeoDetail", "TopicGroup"}
)
"""``DataProperties`` types that are not measure columns."""

_MAX_PAGES = 100_000
_RETRYABLE = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)
_MAX_RETRY_DELAY = 60.0


class HttpSession(Protocol):
    """The part of :class:`requests.Session` the client uses."""

    def get(self, url: str, params: Any = None, timeout: Any = None) -> Any:  # noqa: D102
        ...


def default_session() -> requests.Session:
    """Return a :class:`requests.Session` that asks CBS for JSON."""
    session = requests.Session()
    session.headers.update(
        {"Accept": "application/json", "User-Agent": f"analysekit/{__version__}"}
    )
    return session


def odata_quote(value: str) -> str:
    """Return ``value`` as an OData string literal (single quotes doubled)."""
    return "'" + str(value).replace("'", "''") + "'"


def startswith(field: str, prefix: str) -> str:
    """Return the OData filter ``startswith(field,'prefix')``.

    CBS pads dimension codes with spaces, so ``startswith`` is the robust way to match
    a code exactly as well as a group of codes.
    """
    return f"startswith({field},{odata_quote(prefix)})"


def any_of(clauses: Iterable[str]) -> str:
    """Join filter clauses with ``or`` inside parentheses."""
    parts = [c for c in clauses if c]
    return "(" + " or ".join(parts) + ")" if parts else ""


def all_of(clauses: Iterable[str]) -> str:
    """Join filter clauses with ``and``."""
    return " and ".join(c for c in clauses if c)


def table_id_from_url(url: str) -> str:
    """Return the CBS table id in an OData URL (the path segment after ``odata``)."""
    parts = [p for p in urlsplit(url).path.split("/") if p]
    for i, part in enumerate(parts[:-1]):
        if part.lower() == "odata":
            return parts[i + 1]
    return parts[-1] if parts else url


def strip_strings(df: pd.DataFrame) -> pd.DataFrame:
    """Strip the space padding CBS puts on codes (``'GM0363   '`` -> ``'GM0363'``)."""
    out = df.copy()
    for col in out.columns:
        values = out[col]
        if isinstance(values.dtype, pd.StringDtype):
            out[col] = values.str.strip()
        elif values.dtype == object:
            out[col] = values.map(lambda v: v.strip() if isinstance(v, str) else v)
    return out


def _short(text: Any, limit: int = 200) -> str:
    """Return ``text`` on one line, cut to ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


class CbsClient:
    """Client for one CBS OData v3 catalogue root, with paging, retries and a cache.

    A table is named either by its id (``'70072ned'``, resolved against ``base_url``)
    or by its full URL (``'https://dataderden.cbs.nl/ODataApi/OData/45063NED'``), so one
    client (one session, one cache) can serve both CBS hosts.

    Args:
        base_url: Catalogue root, e.g. :data:`OPENDATA_ROOT`.
        session: Object with ``get(url, params=..., timeout=...)``; default a
            :class:`requests.Session` asking for JSON.
        cache_dir: Folder for cached JSON pages; ``None`` disables the cache.
        retries: Retries after the first attempt of one request.
        backoff: First retry delay in seconds; doubles with every retry.
        timeout: Timeout per request in seconds.
        sleep: Function called with the delay before a retry (tests pass a recorder).
        page_size: ``$top`` per request (the CBS cap is 10,000 rows).
        refresh: Ignore cached pages (they are still written).
    """

    def __init__(
        self,
        base_url: str = OPENDATA_ROOT,
        session: HttpSession | None = None,
        cache_dir: str | Path | None = None,
        retries: int = 4,
        backoff: float = 0.5,
        timeout: float = 60,
        *,
        sleep: Callable[[float], Any] = time.sleep,
        page_size: int = MAX_PAGE_ROWS,
        refresh: bool = False,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be >= 0")
        if not 1 <= page_size <= MAX_PAGE_ROWS:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_ROWS}")
        self.base_url = base_url.rstrip("/")
        self.session = session if session is not None else default_session()
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.sleep = sleep
        self.page_size = page_size
        self.refresh = refresh
        self.http_calls = 0
        self._memo: dict[tuple[str, str], pd.DataFrame] = {}

    def __repr__(self) -> str:
        return f"CbsClient({self.base_url!r}, cache_dir={self.cache_dir!r})"

    # -- URLs -------------------------------------------------------------------------

    def table_url(self, table: str) -> str:
        """Return the URL of ``table`` (an id under ``base_url`` or a full URL)."""
        if table.startswith(("http://", "https://")):
            return table.rstrip("/")
        return f"{self.base_url}/{table.strip('/')}"

    @staticmethod
    def full_url(url: str, params: Mapping[str, Any] | None = None) -> str:
        """Return the URL with its query string, as sent (the cache key)."""
        prepared = requests.Request("GET", url, params=dict(params or {})).prepare()
        return str(prepared.url)

    def cache_path(self, full_url: str) -> Path | None:
        """Return the cache file for a full URL (sha256 of the URL), or ``None``."""
        if self.cache_dir is None:
            return None
        return self.cache_dir / f"{sha256_bytes(full_url.encode('utf-8'))}.json"

    # -- one request -----------------------------------------------------------------

    def get_json(self, url: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """GET one OData page, from the cache when present, with retries otherwise.

        Args:
            url: Request URL (may already carry a query string, like a nextLink).
            params: Query parameters to add.

        Returns:
            The JSON object, which has a ``value`` list.

        Raises:
            SourceUnavailable: The host cannot be reached or keeps failing, or answers
                with a client error (4xx other than 429).
            DataError: The answer is not JSON or has no ``value`` list.
        """
        full = self.full_url(url, params)
        path = self.cache_path(full)
        if path is not None and path.is_file() and not self.refresh:
            try:
                cached = json.loads(path.read_text(encoding="utf-8"))
                payload = cached["payload"]
                self._check_payload(payload, full)
                return payload
            except (OSError, ValueError, KeyError, TypeError, DataError):
                logger.warning("ignoring unreadable cache file %s for %s", path, full)
        payload = self._download(url, params, full)
        self._check_payload(payload, full)
        if path is not None:
            record = {
                "url": full,
                "retrieved_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "payload": payload,
            }
            write_bytes(path, json.dumps(record, ensure_ascii=False).encode("utf-8"))
        return payload

    def _download(self, url: str, params: Mapping[str, Any] | None, full: str) -> Any:
        """Do the HTTP GET with retries; return the decoded JSON."""
        table = table_id_from_url(full)
        shown = unquote_plus(full)  # readable in the one-line error message
        attempts = self.retries + 1
        cause = "no attempt made"
        for attempt in range(attempts):
            try:
                self.http_calls += 1
                response = self.session.get(
                    url, params=dict(params) if params else None, timeout=self.timeout
                )
            except _RETRYABLE as exc:
                cause = f"{type(exc).__name__}: {_short(exc)}"
                delay = self.backoff * 2**attempt
            except requests.RequestException as exc:
                raise SourceUnavailable(
                    f"CBS table {table}: request {shown} failed: "
                    f"{type(exc).__name__}: {_short(exc)}"
                ) from exc
            else:
                status = int(response.status_code)
                if 200 <= status < 300:
                    try:
                        return response.json()
                    except ValueError as exc:
                        raise DataError(
                            f"CBS table {table}: response from {shown} is not valid JSON "
                            f"({_short(exc, 120)}); expected an OData v3 JSON object"
                        ) from exc
                body = _short(getattr(response, "text", ""), 160)
                if status != 429 and status < 500:
                    raise SourceUnavailable(
                        f"CBS table {table}: {shown} answered HTTP {status}"
                        + (f": {body}" if body else "")
                    )
                cause = f"HTTP {status}" + (f": {body}" if body else "")
                delay = self.backoff * 2**attempt
                retry_after = (getattr(response, "headers", None) or {}).get("Retry-After")
                if retry_after is not None:
                    try:
                        delay = max(delay, float(retry_after))
                    except ValueError:
                        pass
            if attempt + 1 < attempts:
                logger.info("retry %d/%d for %s after %s", attempt + 1, self.retries, full, cause)
                self.sleep(min(delay, _MAX_RETRY_DELAY))
        raise SourceUnavailable(
            f"CBS table {table} unavailable: {shown} failed after {attempts} attempts ({cause})"
        )

    @staticmethod
    def _check_payload(payload: Any, full: str) -> None:
        if not isinstance(payload, dict) or not isinstance(payload.get("value"), list):
            raise DataError(
                f"CBS table {table_id_from_url(full)}: response from {unquote_plus(full)} "
                "has no 'value' list; expected an OData v3 JSON object {\"value\": [...]}"
            )

    # -- collections -----------------------------------------------------------------

    def iter_pages(
        self,
        table: str,
        collection: str,
        *,
        filter: str | None = None,  # noqa: A002 - the OData name
        select: Sequence[str] | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """Yield the rows of a collection page by page, past the 10,000-row cap.

        Follows ``odata.nextLink`` when the server sends one; otherwise, while pages
        come back full (``$top`` rows), asks for the next one with ``$skip``.
        """
        base = f"{self.table_url(table)}/{collection}"
        query: dict[str, Any] = {"$format": "json"}
        if filter:
            query["$filter"] = filter
        if select:
            query["$select"] = ",".join(dict.fromkeys(select))
        url: str = base
        params: dict[str, Any] | None = {**query, "$top": self.page_size}
        total = 0
        window = 0  # rows received since the last $top/$skip request
        seen: set[str] = set()
        for _ in range(_MAX_PAGES):
            full = self.full_url(url, params)
            if full in seen:
                raise DataError(f"CBS table {table_id_from_url(base)}: paging loops back to {full}")
            seen.add(full)
            payload = self.get_json(url, params)
            rows = payload["value"]
            total += len(rows)
            window += len(rows)
            yield rows
            next_link = payload.get("odata.nextLink")
            if next_link:
                url, params = urljoin(full, str(next_link)), None
            elif rows and window >= self.page_size:
                url, params = base, {**query, "$top": self.page_size, "$skip": total}
                window = 0
            else:
                return
        raise DataError(f"CBS table {table_id_from_url(base)}: more than {_MAX_PAGES} pages")

    def rows(
        self,
        table: str,
        collection: str,
        *,
        filter: str | None = None,  # noqa: A002
        select: Sequence[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Return all rows of a collection (all pages concatenated)."""
        out: list[dict[str, Any]] = []
        for page in self.iter_pages(table, collection, filter=filter, select=select):
            out.extend(page)
        return out

    def typed_dataset(
        self,
        table: str,
        *,
        filter: str | None = None,  # noqa: A002
        select: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Return ``/TypedDataSet`` rows as a DataFrame, codes stripped of padding.

        Args:
            table: Table id or URL.
            filter: OData ``$filter`` expression, evaluated by the server.
            select: Columns to ask for (``$select``).
        """
        rows = self.rows(table, "TypedDataSet", filter=filter, select=select)
        df = pd.DataFrame.from_records(rows, columns=list(select) if select else None)
        if select and rows:
            df = df[list(dict.fromkeys(select))]
        return strip_strings(df)

    def lookup(self, table: str, name: str) -> pd.DataFrame:
        """Return a lookup collection (``Key``, ``Title``, ...), keys stripped of padding.

        Args:
            table: Table id or URL.
            name: Collection name, e.g. ``Gemeenten``, ``TaakveldBalanspost``,
                ``Categorie``, ``Verslagsoort``, ``RegioS``, ``Perioden``.
        """
        memo_key = (self.table_url(table), name)
        if memo_key not in self._memo:
            df = pd.DataFrame.from_records(self.rows(table, name))
            if "Key" not in df.columns:
                raise DataError(
                    f"CBS table {table_id_from_url(self.table_url(table))}: collection "
                    f"{name} has no 'Key' column; expected a CBS lookup collection"
                )
            if "Title" not in df.columns:
                df["Title"] = df["Key"]
            self._memo[memo_key] = strip_strings(df)
        return self._memo[memo_key].copy()

    def titles(self, table: str, name: str) -> dict[str, str]:
        """Return ``{code: title}`` of a lookup collection (codes stripped)."""
        df = self.lookup(table, name)
        return dict(zip(df["Key"], df["Title"], strict=True))

    def data_properties(self, table: str) -> pd.DataFrame:
        """Return ``/DataProperties``: one row per dimension, topic group and measure."""
        memo_key = (self.table_url(table), "DataProperties")
        if memo_key not in self._memo:
            df = pd.DataFrame.from_records(self.rows(table, "DataProperties"))
            if "Key" not in df.columns:
                raise DataError(
                    f"CBS table {table_id_from_url(self.table_url(table))}: DataProperties "
                    "has no 'Key' column"
                )
            self._memo[memo_key] = df
        return self._memo[memo_key].copy()

    def resolve_key(
        self,
        table: str,
        stems: str | Sequence[str],
        *,
        unit: str | None = None,
        required: bool = True,
    ) -> str | None:
        """Return the measure column whose ``Key`` has the given stem.

        CBS keys look like ``<stem>_<number>`` and the number changes between table
        versions. A key matches a stem when it is ``<stem>_<digits>`` (or the bare
        stem); only when no key matches that way is a plain ``startswith`` tried.
        Several stems are tried in order (for renamed columns).

        Args:
            table: Table id or URL.
            stems: One stem (``'k_2ePlaatsing'``) or alternatives in order of preference.
            unit: Keep only measures with this ``Unit`` (case-insensitive), e.g.
                ``'aantal'`` to skip the percentage twin of an absolute column.
                Measures without a unit are kept.
            required: Raise when nothing matches; otherwise return ``None``.

        Raises:
            DataError: No key (or more than one) matches.
        """
        props = self.data_properties(table)
        if "Type" in props.columns:
            props = props[~props["Type"].isin(DIMENSION_TYPES)]
        keys = [str(k).strip() for k in props["Key"]]
        units = (
            [
                None if u is None or u != u else " ".join(str(u).split()).lower()
                for u in props["Unit"]
            ]
            if "Unit" in props.columns
            else [None] * len(keys)
        )
        tid = table_id_from_url(self.table_url(table))
        stems = [stems] if isinstance(stems, str) else list(stems)
        wanted = " ".join(unit.split()).lower() if unit else None
        for stem in stems:
            strict = re.compile(rf"{re.escape(stem)}(_\d+)?")
            found = [i for i, k in enumerate(keys) if strict.fullmatch(k)]
            if not found:
                found = [i for i, k in enumerate(keys) if k.startswith(stem)]
            if wanted is not None:
                found = [i for i in found if units[i] is None or units[i] == wanted]
            if len(found) == 1:
                return keys[found[0]]
            if len(found) > 1:
                raise DataError(
                    f"CBS table {tid}: several columns match '{stem}'"
                    + (f" with unit '{unit}'" if unit else "")
                    + f": {', '.join(keys[i] for i in found)}; expected one"
                )
        if required:
            raise DataError(
                f"CBS table {tid}: no column whose Key starts with "
                + " or ".join(f"'{s}'" for s in stems)
                + (f" (unit '{unit}')" if unit else "")
                + " in DataProperties"
            )
        return None

    def unit(self, table: str, key: str) -> str | None:
        """Return the ``Unit`` of a measure column as published (``None`` if absent)."""
        props = self.data_properties(table)
        if "Unit" not in props.columns:
            return None
        match = props.loc[props["Key"].astype(str).str.strip() == key, "Unit"]
        if match.empty or match.iloc[0] is None or match.iloc[0] != match.iloc[0]:
            return None
        return " ".join(str(match.iloc[0]).split())


def is_reachable(
    timeout: float = 3,
    *,
    session: HttpSession | None = None,
    urls: Sequence[str] = (f"{OPENDATA_ROOT}/70072ned", f"{DATADERDEN_ROOT}/45063NED"),
) -> bool:
    """Return whether the CBS OData hosts answer, with one quick request each.

    Used to decide between the live path and the offline mirror. Never raises.

    Args:
        timeout: Seconds per request.
        session: HTTP session (default: a fresh :func:`default_session`).
        urls: URLs to probe; all must answer with a status below 500.
    """
    sess = session if session is not None else default_session()
    try:
        for url in urls:
            try:
                response = sess.get(url, params={"$format": "json"}, timeout=timeout)
                if int(response.status_code) >= 500:
                    return False
            except Exception:  # noqa: BLE001 - any failure means "not reachable"
                return False
        return True
    finally:
        if session is None:
            sess.close()
