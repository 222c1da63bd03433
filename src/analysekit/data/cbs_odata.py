"""A small client for CBS OData v3 (opendata.cbs.nl and dataderden.cbs.nl), as CBS really serves it.

CBS has three OData v3 services per host, and the client uses each for what it is for:

* ``{root}/ODataApi/odata/{id}/...`` -- **metadata**: ``DataProperties``, dimension lists
  (``Categorie``, ``Verslagsoort``, ...), ``TableInfos``. The API refuses any query whose
  result exceeds 10,000 rows (HTTP 500), so it is never used for bulk data.
* ``{root}/ODataFeed/odata/{id}/TypedDataSet`` -- **bulk data**. The feed has no total cap; it
  pages by ``odata.nextLink``, which the client follows as given (never ``$skip``).
* ``{root}/ODataCatalog/Tables`` -- the **catalogue** of a host (used to find the Iv3 table of
  each boekjaar).

The two roots come from the environment (:data:`OPENDATA_ENV`, :data:`DATADERDEN_ENV`), so a
proxy, an institutional mirror or a test server can stand in for CBS; every URL is built from
them with CBS's own paths (:func:`api_url`, :func:`feed_url`, :func:`catalog_url`).

Errors are one line naming the table and the URL:

* :class:`~analysekit.errors.SourceUnavailable` -- the host cannot be reached, times out,
  answers an HTTP error (429/502/503/504 and connection errors are retried with exponential
  backoff first; ``Retry-After`` is honoured);
* :class:`~analysekit.errors.DataError` -- the answer is not JSON, has no ``value`` list, or
  lacks expected columns.

The HTTP layer is any object with ``get(url, params=..., timeout=...)`` returning a response
with ``status_code``, ``headers``, ``text`` and ``json()`` -- a :class:`requests.Session` by
default. Nothing here touches the network at import time.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol
from urllib.parse import unquote_plus, urljoin, urlsplit

import pandas as pd
import requests

from analysekit import __version__
from analysekit.errors import DataError, SourceUnavailable

logger = logging.getLogger(__name__)

OPENDATA_ENV = "ANALYSEKIT_CBS_OPENDATA"
"""Environment variable: root of the CBS StatLine host (70072ned, KWB)."""
DATADERDEN_ENV = "ANALYSEKIT_CBS_DATADERDEN"
"""Environment variable: root of the CBS 'data derden' host (the Iv3 tables)."""
DEFAULT_OPENDATA = "https://opendata.cbs.nl"
DEFAULT_DATADERDEN = "https://dataderden.cbs.nl"

API_ROW_CAP = 10_000
"""The ODataApi answers HTTP 500 to any query whose result exceeds this many rows."""

DIMENSION_TYPES = frozenset(
    {"Dimension", "GeoDimension", "TimeDimension", "GeoDetail", "TopicGroup"}
)
"""``DataProperties`` types that are not measure columns."""

RETRY_STATUS = frozenset({429, 502, 503, 504})
"""HTTP statuses that are retried with backoff (then the source fails)."""

_MAX_PAGES = 1_000_000
_RETRYABLE = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)
_MAX_RETRY_DELAY = 60.0


# ----------------------------------------------------------------------------- URLs


def opendata_root() -> str:
    """Return the StatLine root: ``$ANALYSEKIT_CBS_OPENDATA`` or https://opendata.cbs.nl."""
    return (os.environ.get(OPENDATA_ENV) or DEFAULT_OPENDATA).rstrip("/")


def dataderden_root() -> str:
    """Return the data-derden root: ``$ANALYSEKIT_CBS_DATADERDEN`` or https://dataderden.cbs.nl."""
    return (os.environ.get(DATADERDEN_ENV) or DEFAULT_DATADERDEN).rstrip("/")


def api_url(root: str, table: str) -> str:
    """Return ``{root}/ODataApi/odata/{table}`` (metadata service of one table)."""
    return f"{root.rstrip('/')}/ODataApi/odata/{table}"


def feed_url(root: str, table: str) -> str:
    """Return ``{root}/ODataFeed/odata/{table}`` (bulk-data service of one table)."""
    return f"{root.rstrip('/')}/ODataFeed/odata/{table}"


def catalog_url(root: str) -> str:
    """Return ``{root}/ODataCatalog/Tables`` (the catalogue of one host)."""
    return f"{root.rstrip('/')}/ODataCatalog/Tables"


def table_id_from_url(url: str) -> str:
    """Return the CBS table id in an OData URL (the path segment after ``odata``)."""
    parts = [p for p in urlsplit(url).path.split("/") if p]
    for i, part in enumerate(parts[:-1]):
        if part.lower() == "odata":
            return parts[i + 1]
    return parts[-1] if parts else url


def full_url(url: str, params: Mapping[str, Any] | None = None) -> str:
    """Return the URL with its query string, as sent (the page-cache key)."""
    prepared = requests.Request("GET", url, params=dict(params or {})).prepare()
    return str(prepared.url)


def strip_strings(df: pd.DataFrame) -> pd.DataFrame:
    """Strip the space padding CBS puts on codes (``'GM0363    '`` -> ``'GM0363'``)."""
    out = df.copy()
    for col in out.columns:
        values = out[col]
        if isinstance(values.dtype, pd.StringDtype) or values.dtype == object:
            out[col] = values.map(lambda v: v.strip() if isinstance(v, str) else v)
    return out


def _short(text: Any, limit: int = 200) -> str:
    """Return ``text`` on one line, cut to ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def odata_quote(value: str) -> str:
    """Return ``value`` as an OData string literal (single quotes doubled)."""
    return "'" + str(value).replace("'", "''") + "'"


def startswith(field: str, prefix: str) -> str:
    """Return the OData filter ``startswith(field,'prefix')`` (robust to CBS code padding)."""
    return f"startswith({field},{odata_quote(prefix)})"


# --------------------------------------------------------------------------- client


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


class CbsClient:
    """HTTP client for CBS OData v3 with retries, one-line errors and nextLink paging.

    Args:
        session: Object with ``get(url, params=..., timeout=...)``; default a
            :class:`requests.Session` asking for JSON.
        retries: Retries after the first attempt of one request (429/5xx-gateway/network).
        backoff: First retry delay in seconds; doubles with every retry.
        timeout: Seconds to wait for the server (connect and each read).
        sleep: Function called with the delay before a retry (tests pass a recorder).
    """

    def __init__(
        self,
        session: HttpSession | None = None,
        *,
        retries: int = 4,
        backoff: float = 1.0,
        timeout: float = 120,
        sleep: Callable[[float], Any] = time.sleep,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be >= 0")
        self.session = session if session is not None else default_session()
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.sleep = sleep
        self.http_calls = 0
        self._memo: dict[tuple[str, str], Any] = {}

    # -- one request -----------------------------------------------------------------

    def get_json(self, url: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """GET one OData page, with retries; return the JSON object (with a ``value`` list).

        Raises:
            SourceUnavailable: Unreachable host, timeout, or an HTTP error status
                (after retries for 429/502/503/504 and network errors).
            DataError: The answer is not JSON or has no ``value`` list.
        """
        full = full_url(url, params)
        table = table_id_from_url(full)
        shown = unquote_plus(full)
        attempts = self.retries + 1
        cause = "geen poging gedaan"
        for attempt in range(attempts):
            delay = self.backoff * 2**attempt
            try:
                self.http_calls += 1
                response = self.session.get(
                    url, params=dict(params) if params else None, timeout=self.timeout
                )
                status = int(response.status_code)
                text = response.text if status >= 300 else None
            except _RETRYABLE as exc:
                cause = f"{type(exc).__name__}: {_short(exc, 160)}"
            except requests.RequestException as exc:
                raise SourceUnavailable(
                    f"CBS-tabel {table}: verzoek {shown} mislukt: "
                    f"{type(exc).__name__}: {_short(exc, 160)}"
                ) from exc
            else:
                if 200 <= status < 300:
                    try:
                        payload = response.json()
                    except ValueError as exc:
                        raise DataError(
                            f"CBS-tabel {table}: antwoord van {shown} is geen geldige JSON "
                            f"({_short(exc, 100)}); verwacht: een OData v3 JSON-object"
                        ) from exc
                    except _RETRYABLE as exc:  # the body stalled or broke off
                        cause = f"{type(exc).__name__}: {_short(exc, 160)}"
                    else:
                        if not isinstance(payload, dict) or not isinstance(
                            payload.get("value"), list
                        ):
                            raise DataError(
                                f"CBS-tabel {table}: antwoord van {shown} heeft geen lijst "
                                "'value'; verwacht: een OData v3 JSON-object {\"value\": [...]}"
                            )
                        return payload
                else:
                    body = _short(text or "", 160)
                    if status not in RETRY_STATUS:
                        raise SourceUnavailable(
                            f"CBS-tabel {table}: {shown} antwoordde met HTTP {status}"
                            + (f": {body}" if body else "")
                        )
                    cause = f"HTTP {status}" + (f": {body}" if body else "")
                    retry_after = (getattr(response, "headers", None) or {}).get("Retry-After")
                    if retry_after is not None:
                        try:
                            delay = max(delay, float(retry_after))
                        except ValueError:
                            pass
            if attempt + 1 < attempts:
                logger.info("retry %d/%d for %s after %s", attempt + 1, self.retries, shown, cause)
                self.sleep(min(delay, _MAX_RETRY_DELAY))
        raise SourceUnavailable(
            f"CBS-tabel {table} niet bereikbaar: {shown} mislukt na {attempts} pogingen "
            f"({cause}); probeer het later opnieuw of gebruik `analysekit data fetch --mode mirror`"
        )

    # -- paging ----------------------------------------------------------------------

    def pages(
        self, url: str, params: Mapping[str, Any] | None = None
    ) -> Iterator[tuple[str, list[dict[str, Any]], str | None]]:
        """Yield ``(page_url, rows, next_url)`` per page, following ``odata.nextLink`` only.

        The first request is ``url`` with ``params`` (``$format=json`` added); every next
        page is exactly the server's ``odata.nextLink`` (resolved against the page URL).
        """
        current = full_url(url, {"$format": "json", **dict(params or {})})
        seen: set[str] = set()
        for _ in range(_MAX_PAGES):
            if current in seen:
                raise DataError(
                    f"CBS-tabel {table_id_from_url(current)}: paginering keert terug naar "
                    f"{unquote_plus(current)}; verwacht: een nieuwe odata.nextLink"
                )
            seen.add(current)
            payload = self.get_json(current)
            link = payload.get("odata.nextLink")
            nxt = urljoin(current, str(link)) if link else None
            yield current, payload["value"], nxt
            if nxt is None:
                return
            current = nxt
        raise DataError(
            f"CBS-tabel {table_id_from_url(url)}: meer dan {_MAX_PAGES} pagina's; verwacht: "
            "minder (controleer de filter)"
        )

    def rows(self, url: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Return all rows of a (small) collection, all pages concatenated."""
        out: list[dict[str, Any]] = []
        for _, page, _ in self.pages(url, params):
            out.extend(page)
        return out

    # -- metadata (ODataApi) ----------------------------------------------------------

    def data_properties(self, api: str) -> pd.DataFrame:
        """Return ``{api}/DataProperties``: one row per dimension, topic group and measure."""
        key = (api, "DataProperties")
        if key not in self._memo:
            df = pd.DataFrame.from_records(self.rows(f"{api}/DataProperties"))
            if "Key" not in df.columns or "Type" not in df.columns:
                raise DataError(
                    f"CBS-tabel {table_id_from_url(api)}: {api}/DataProperties heeft geen "
                    "kolommen 'Key'/'Type'; verwacht: CBS DataProperties"
                )
            df["Key"] = df["Key"].map(lambda v: v.strip() if isinstance(v, str) else v)
            self._memo[key] = df
        return self._memo[key].copy()

    def lookup(self, api: str, name: str) -> pd.DataFrame:
        """Return a dimension list (``Key``, ``Title``, ...) with keys stripped of padding."""
        key = (api, name)
        if key not in self._memo:
            df = pd.DataFrame.from_records(self.rows(f"{api}/{name}"))
            if "Key" not in df.columns:
                raise DataError(
                    f"CBS-tabel {table_id_from_url(api)}: {api}/{name} heeft geen kolom 'Key'; "
                    "verwacht: een CBS-dimensielijst"
                )
            if "Title" not in df.columns:
                df["Title"] = df["Key"]
            self._memo[key] = strip_strings(df)
        return self._memo[key].copy()

    def table_info(self, api: str) -> dict[str, Any]:
        """Return the ``TableInfos`` row of a table (Title, Modified, RecordCount, ...)."""
        key = (api, "TableInfos")
        if key not in self._memo:
            rows = self.rows(f"{api}/TableInfos")
            if not rows or not isinstance(rows[0], dict):
                raise DataError(
                    f"CBS-tabel {table_id_from_url(api)}: {api}/TableInfos is leeg; "
                    "verwacht: één rij die de tabel beschrijft"
                )
            self._memo[key] = rows[0]
        return dict(self._memo[key])

    def resolve_key(
        self,
        api: str,
        stems: str | Sequence[str],
        *,
        unit: str | None = None,
        required: bool = True,
    ) -> str | None:
        """Return the measure column whose ``Key`` has one of the given stems.

        CBS keys look like ``<stem>_<number>`` and the number changes between table
        versions. A key matches a stem when it is ``<stem>_<digits>`` (or the bare stem).
        Several stems are tried in order (for renamed columns).

        Args:
            api: The table's ODataApi URL.
            stems: One stem or alternatives in order of preference.
            unit: Keep only measures with this ``Unit`` (case-insensitive).
            required: Raise when nothing matches; otherwise return ``None``.

        Raises:
            DataError: No key (or more than one) matches.
        """
        props = self.data_properties(api)
        props = props[~props["Type"].isin(DIMENSION_TYPES)]
        keys = [str(k) for k in props["Key"]]
        units = [norm_unit(u) for u in props.get("Unit", pd.Series([None] * len(keys)))]
        tid = table_id_from_url(api)
        stems = [stems] if isinstance(stems, str) else list(stems)
        wanted = norm_unit(unit)
        for stem in stems:
            strict = re.compile(rf"{re.escape(stem)}(_\d+)?")
            found = [i for i, k in enumerate(keys) if strict.fullmatch(k)]
            if wanted is not None:
                found = [i for i in found if units[i] is None or units[i].lower() == wanted.lower()]
            if len(found) == 1:
                return keys[found[0]]
            if len(found) > 1:
                raise DataError(
                    f"CBS-tabel {tid}: meerdere kolommen passen bij '{stem}'"
                    + (f" met eenheid '{unit}'" if unit else "")
                    + f": {', '.join(keys[i] for i in found)}; verwacht: één"
                )
        if required:
            raise DataError(
                f"CBS-tabel {tid}: {api}/DataProperties heeft geen kolom "
                + " of ".join(f"'{s}_NN'" for s in stems)
                + (f" (eenheid '{unit}')" if unit else "")
                + "; verwacht: de CBS-indeling van deze tabel"
            )
        return None

    def unit(self, api: str, key: str) -> str | None:
        """Return the ``Unit`` of a measure column as published (``None`` if absent)."""
        props = self.data_properties(api)
        if "Unit" not in props.columns:
            return None
        match = props.loc[props["Key"] == key, "Unit"]
        return norm_unit(match.iloc[0]) if not match.empty else None


def norm_unit(unit: Any) -> str | None:
    """Return a CBS unit with whitespace normalised, or None when absent."""
    if unit is None or (isinstance(unit, float) and unit != unit):
        return None
    text = " ".join(str(unit).split())
    return text or None


def unit_factor(unit: str | None) -> float:
    """Return the factor that turns a CBS unit into plain units.

    ``'1 000 euro'`` (Iv3) and ``'x 1 000 euro'`` (KWB) -> 1000; anything else -> 1.
    """
    if unit and re.fullmatch(r"(x\s*)?1[\s.]?000\s+euro", unit.strip().lower()):
        return 1000.0
    return 1.0


def is_reachable(
    timeout: float = 3,
    *,
    session: HttpSession | None = None,
    urls: Sequence[str] | None = None,
) -> bool:
    """Return whether the CBS hosts answer, with one quick request each. Never raises.

    Args:
        timeout: Seconds per request.
        session: HTTP session (default: a fresh :func:`default_session`).
        urls: URLs to probe (default: the 70072ned and catalogue endpoints of the two
            configured roots); all must answer with a status below 500.
    """
    if urls is None:
        urls = (api_url(opendata_root(), "70072ned"), catalog_url(dataderden_root()))
    sess = session if session is not None else default_session()
    try:
        for url in urls:
            try:
                response = sess.get(url, params={"$format": "json", "$top": 1}, timeout=timeout)
                if int(response.status_code) >= 500:
                    return False
            except Exception:  # noqa: BLE001 - any failure means "not reachable"
                return False
        return True
    finally:
        if session is None:
            sess.close()
