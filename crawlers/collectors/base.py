"""The shared machinery of API collectors: errors, a retrying HTTP client, the sweep loop.

Error hierarchy (the only exceptions a collector raises on purpose)::

    SiangError
    └── CollectorError            source=, status=
        ├── CollectorUnavailable  5xx, timeouts, transport errors, after max_retries
        ├── CollectorRateLimited  429 or quota after retries, or a wait longer than
        │                         backoff_max_s (retry_after= says how long)
        ├── CollectorAuthError    401/403 that is not a rate limit: bad or missing credentials
        └── CollectorResponseError other 4xx, or a body that is still not JSON after retries

httpx exceptions never escape: they are translated here and chained (``from exc``).

A body that is not JSON is retried like a 5xx (a truncated body is nearly always a proxy
or server hiccup) and raises ``CollectorResponseError`` if it persists. A *record* that
cannot be mapped is not an error: it goes to the quarantine callback with a reason.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import random as _random
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from types import TracebackType
from typing import Any, ClassVar

import httpx

from crawlers.collectors.checkpoint import Checkpoint
from domain.errors import RecordError, SiangError
from domain.settings import CollectSettings, Settings, SourceSettings

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
Random = Callable[[], float]
Clock = Callable[[], float]

_AUTHOR_KEYS = frozenset(
    {"author", "author_id", "authorDisplayName", "authorChannelId", "from", "handle", "username"}
)


class CollectorError(SiangError):
    """A platform API could not be read; ``source`` names the source, ``status`` the HTTP code."""

    def __init__(self, message: str, *, source: str, status: int | None = None) -> None:
        super().__init__(message)
        self.source = source
        self.status = status


class CollectorUnavailable(CollectorError):
    """Server errors, timeouts or transport failures persisted past ``max_retries``."""


class CollectorRateLimited(CollectorError):
    """The platform keeps refusing for rate or quota reasons; try again after ``retry_after``."""

    def __init__(
        self,
        message: str,
        *,
        source: str,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, source=source, status=status)
        self.retry_after = retry_after


class CollectorAuthError(CollectorError):
    """Credentials are missing, wrong or lack permission."""


class CollectorResponseError(CollectorError):
    """The request was refused (4xx) or the answer is not the documented JSON."""


class Verdict(Enum):
    """What to do with a response; collectors refine the default through ``classify``."""

    OK = "ok"
    RETRY = "retry"
    RATE_LIMITED = "rate_limited"
    QUOTA = "quota"
    AUTH = "auth"
    FATAL = "fatal"


Classifier = Callable[[httpx.Response, Any], Verdict | None]


def default_verdict(status: int) -> Verdict:
    """2xx OK, 429 rate limited, 5xx and 408 retried, 401/403 auth, other codes fatal."""
    if 200 <= status < 300:
        return Verdict.OK
    if status == 429:
        return Verdict.RATE_LIMITED
    if status >= 500 or status == 408:
        return Verdict.RETRY
    if status in (401, 403):
        return Verdict.AUTH
    return Verdict.FATAL


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, moment.timestamp() - now)


def _reset_wait(headers: httpx.Headers, *, now: float) -> float | None:
    """Seconds until an epoch-seconds reset header (X's ``x-rate-limit-reset``, atproto's)."""
    for name in ("x-rate-limit-reset", "ratelimit-reset"):
        value = headers.get(name)
        if value:
            try:
                return max(0.0, float(value) - now)
            except ValueError:
                return None
    return None


def rate_limit_wait(headers: httpx.Headers, *, now: float) -> float | None:
    """The wait a refusal asks for: ``Retry-After`` first, else a reset header."""
    hint = parse_retry_after(headers.get("retry-after"), now=now)
    return hint if hint is not None else _reset_wait(headers, now=now)


def backoff_delay(attempt: int, *, base: float, cap: float, random: Random) -> float:
    """Exponential backoff with full jitter: uniform in ``[0, min(cap, base * 2**attempt))``."""
    return random() * min(cap, base * (2**attempt))


class ApiClient:
    """``httpx.AsyncClient`` with retries, backoff, rate-limit waits and error translation."""

    def __init__(
        self,
        *,
        source: str,
        base_url: str,
        settings: CollectSettings,
        headers: dict[str, str] | None = None,
        classify: Classifier | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        random: Random = _random.random,
        clock: Clock = time.time,
    ) -> None:
        self.source = source
        self._settings = settings
        self._classify = classify
        self._sleep = sleep
        self._random = random
        self._clock = clock
        self._not_before = 0.0
        self._http = httpx.AsyncClient(
            base_url=base_url,
            headers={"User-Agent": settings.user_agent, **(headers or {})},
            timeout=httpx.Timeout(settings.timeout_s),
            transport=transport,
            follow_redirects=True,
        )
        self.requests = 0

    async def aclose(self) -> None:
        await self._http.aclose()

    def set_header(self, name: str, value: str) -> None:
        self._http.headers[name] = value

    async def get_json(self, path: str, *, params: dict[str, Any] | None = None) -> Any:
        return await self.request_json("GET", path, params=params)

    async def request_json(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
    ) -> Any:
        """Send and decode JSON, retrying transient failures; raise a ``CollectorError``."""
        request = self._http.build_request(method, path, params=params, json=json_body)
        where = f"{method} {request.url.path}"  # never the query: it can hold a key or token
        cap = self._settings.backoff_max_s
        attempts = self._settings.max_retries + 1
        failure: type[CollectorError] = CollectorUnavailable
        reason, status = "", None
        cause: Exception | None = None
        for attempt in range(attempts):
            await self._respect_window(where)
            self.requests += 1
            hint: float | None = None
            try:
                response = await self._http.send(request)
            except httpx.TimeoutException as exc:
                failure, reason, status, cause = CollectorUnavailable, "timed out", None, exc
            except httpx.TransportError as exc:
                failure, reason, status = CollectorUnavailable, f"{type(exc).__name__}", None
                cause = exc
            else:
                now = self._clock()
                self._note_window(response.headers, now=now)
                status = response.status_code
                body, cause = _decode(response)
                verdict = (self._classify and self._classify(response, body)) or default_verdict(
                    status
                )
                if verdict is Verdict.OK:
                    if cause is None:
                        return body
                    failure, reason = CollectorResponseError, "malformed JSON"
                elif verdict is Verdict.QUOTA:
                    raise CollectorRateLimited(
                        f"{self.source}: {where}: quota exhausted (HTTP {status})",
                        source=self.source,
                        status=status,
                        retry_after=rate_limit_wait(response.headers, now=now),
                    )
                elif verdict is Verdict.AUTH:
                    raise CollectorAuthError(
                        f"{self.source}: {where}: credentials refused (HTTP {status})",
                        source=self.source,
                        status=status,
                    )
                elif verdict is Verdict.FATAL:
                    raise CollectorResponseError(
                        f"{self.source}: {where}: HTTP {status}: {_summary(body)}",
                        source=self.source,
                        status=status,
                    )
                else:
                    limited = verdict is Verdict.RATE_LIMITED
                    failure = CollectorRateLimited if limited else CollectorUnavailable
                    reason = f"HTTP {status}"
                    hint = rate_limit_wait(response.headers, now=now)
                    if hint is not None and hint > cap:
                        raise CollectorRateLimited(
                            f"{self.source}: {where}: asked to wait {hint:.0f}s (> {cap:.0f}s)",
                            source=self.source,
                            status=status,
                            retry_after=hint,
                        )
            if attempt + 1 == attempts:
                break
            delay = (
                hint
                if hint is not None
                else backoff_delay(
                    attempt, base=self._settings.backoff_base_s, cap=cap, random=self._random
                )
            )
            log.warning(
                "%s: %s: %s; retry %d/%d in %.2fs",
                self.source,
                where,
                reason,
                attempt + 1,
                attempts - 1,
                delay,
            )
            await self._sleep(delay)
        message = f"{self.source}: {where}: {reason} after {attempts} attempts"
        if failure is CollectorRateLimited:
            raise CollectorRateLimited(message, source=self.source, status=status) from cause
        raise failure(message, source=self.source, status=status) from cause

    def _note_window(self, headers: httpx.Headers, *, now: float) -> None:
        """Remember an exhausted rate window so the next request waits for its reset."""
        remaining = headers.get("x-rate-limit-remaining") or headers.get("ratelimit-remaining")
        if remaining is not None and remaining.strip() == "0":
            wait = _reset_wait(headers, now=now)
            if wait:
                self._not_before = max(self._not_before, now + wait)

    async def _respect_window(self, where: str) -> None:
        wait = self._not_before - self._clock()
        if wait <= 0:
            return
        if wait > self._settings.backoff_max_s:
            raise CollectorRateLimited(
                f"{self.source}: {where}: rate window resets in {wait:.0f}s",
                source=self.source,
                retry_after=wait,
            )
        log.info("%s: rate window exhausted; waiting %.2fs", self.source, wait)
        await self._sleep(wait)


def _decode(response: httpx.Response) -> tuple[Any, ValueError | None]:
    try:
        return response.json(), None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError both are ValueErrors
        return None, exc


def _summary(body: Any) -> str:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("message", ""))[:200]
    return "" if body is None else json.dumps(body, ensure_ascii=False)[:200]


# ---------------------------------------------------------------------------- records


@dataclass
class Rejected:
    """A platform item that could not be mapped to a record, with the reason."""

    source: str
    platform: str
    reason: str
    payload: dict[str, Any]


@dataclass
class CollectStats:
    pages: int = 0
    records: int = 0
    duplicates: int = 0
    rejected: int = 0


@dataclass
class Page:
    """One fetched page: mapped records, refused items, where to go next, newest marker."""

    records: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    next_cursor: str | None = None
    newest: str | None = None


def without_authors(value: Any) -> Any:
    """Drop author fields at any depth (for quarantine payloads)."""
    if isinstance(value, dict):
        return {k: without_authors(v) for k, v in value.items() if k not in _AUTHOR_KEYS}
    if isinstance(value, list):
        return [without_authors(v) for v in value]
    return value


def iso_timestamp(value: Any, *, name: str = "created_at") -> str:
    """Normalise an ISO-8601 timestamp (``Z``, ``+0000``, ``+07:00``) to UTC isoformat."""
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f"{name} is missing", field=name)
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise RecordError(f"{name} is not ISO-8601: {value!r}", field=name) from exc
    if moment.tzinfo is None:
        raise RecordError(f"{name} has no timezone: {value!r}", field=name)
    return moment.astimezone(UTC).isoformat()


def later(a: str | None, b: str | None) -> str | None:
    """The newer of two markers: numeric ids compare as numbers, else as timestamps."""
    if a is None or b is None:
        return a if b is None else b
    if a.isdigit() and b.isdigit():
        return a if int(a) >= int(b) else b
    return a if datetime.fromisoformat(a) >= datetime.fromisoformat(b) else b


def _count(value: Any) -> int:
    return value if isinstance(value, int) and value >= 0 else 0


class Collector(ABC):
    """Base of the platform collectors: client, checkpoint, de-duplication, quarantine."""

    platform: ClassVar[str]
    default_endpoint: ClassVar[str]

    def __init__(
        self,
        source: SourceSettings,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        random: Random = _random.random,
        clock: Clock = time.time,
        quarantine: Callable[[Rejected], None] | None = None,
    ) -> None:
        self.source = source
        self.settings = settings
        self.client = ApiClient(
            source=source.name,
            base_url=(source.endpoint or self._default_endpoint()).rstrip("/"),
            settings=settings.collect,
            headers=self._auth_headers(),
            classify=self.classify,
            transport=transport,
            sleep=sleep,
            random=random,
            clock=clock,
        )
        self.checkpoint = Checkpoint(settings.collect.checkpoint_dir, source.name).load()
        self.stats = CollectStats()
        self.rejected: list[Rejected] = []
        self._quarantine = quarantine or self.rejected.append
        self._seen: set[str] = set()

    async def __aenter__(self) -> Collector:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.client.aclose()

    @abstractmethod
    def collect(self) -> AsyncIterator[dict[str, Any]]:
        """Yield raw records for ``ingest.service.parse_post``, newest pages first."""

    def _auth_headers(self) -> dict[str, str]:
        return {}

    def _default_endpoint(self) -> str:
        return self.default_endpoint

    def classify(self, response: httpx.Response, body: Any) -> Verdict | None:
        """Platform-specific refinement of :func:`default_verdict`; ``None`` keeps it."""
        return None

    def reject(self, reason: str, item: Any) -> Rejected:
        payload = without_authors(item) if isinstance(item, dict) else {"value": repr(item)}
        return Rejected(self.source.name, self.platform, reason, payload)

    def record(
        self,
        *,
        native_id: Any,
        created_at: Any,
        text: Any,
        author: str | None,
        url: str | None,
        likes: Any = 0,
        replies: Any = 0,
        shares: Any = 0,
        views: Any = 0,
        lang: str | None = None,
        raw: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Build the record ``parse_post`` validates; raise ``RecordError`` if it cannot be."""
        if not isinstance(native_id, str | int) or not str(native_id).strip():
            raise RecordError("id is missing", field="native_id")
        if not isinstance(text, str) or not text.strip():
            raise RecordError("text is missing or empty", field="text")
        return {
            "platform": self.platform,
            "native_id": str(native_id).strip(),
            "created_at": iso_timestamp(created_at),
            "text": text,
            "author": author or None,
            "url": url,
            "engagement": {
                "likes": _count(likes),
                "replies": _count(replies),
                "shares": _count(shares),
                "views": _count(views),
            },
            "lang": lang or "th",
            "source": self.source.name,
            "raw": raw or {},
        }

    def map_items(
        self, items: Any, mapper: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[Rejected]]:
        """Map each item; items that raise ``RecordError`` (or are not objects) are rejected."""
        records: list[dict[str, Any]] = []
        rejected: list[Rejected] = []
        if not isinstance(items, list):
            return records, ([self.reject("items is not a list", items)] if items else [])
        for item in items:
            try:
                if not isinstance(item, dict):
                    raise RecordError(f"item is a {type(item).__name__}, not an object")
                records.append(mapper(item))
            except RecordError as exc:
                rejected.append(self.reject(exc.reason, item))
        return records, rejected

    async def sweep(
        self,
        key: str,
        fetch: Callable[[str | None, str | None], Awaitable[Page]],
        *,
        max_pages: int | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Follow one stream's cursor, yielding new records and checkpointing after each page.

        ``fetch(cursor, since)`` gets one page. The checkpoint is written once the consumer
        has taken every record of a page, so a crash re-reads at most the page in hand
        (ingest's upsert absorbs that) and never skips one.
        """
        state = self.checkpoint.stream(key)
        known = set(state.recent_ids)
        for _ in range(max_pages or self.source.max_pages):
            page = await fetch(state.cursor, state.since)
            self.stats.pages += 1
            fresh: list[dict[str, Any]] = []
            for rec in page.records:
                native_id = rec["native_id"]
                if native_id in self._seen or native_id in known:
                    self.stats.duplicates += 1
                    continue
                self._seen.add(native_id)
                fresh.append(rec)
            for bad in page.rejected:
                self.stats.rejected += 1
                log.warning("%s: quarantined an item: %s", self.source.name, bad.reason)
                self._quarantine(bad)
            for rec in fresh:
                self.stats.records += 1
                yield rec
            state.remember(r["native_id"] for r in fresh)
            state.sweep_newest = later(state.sweep_newest, page.newest)
            finished = page.next_cursor is None or page.next_cursor == state.cursor
            state.cursor = None if finished else page.next_cursor
            if finished:
                state.since = later(state.since, state.sweep_newest)
                state.sweep_newest = None
            self.checkpoint.save()
            if finished:
                break

    @staticmethod
    def newest(markers: Iterable[str | None]) -> str | None:
        result: str | None = None
        for marker in markers:
            result = later(result, marker)
        return result


__all__ = [
    "ApiClient",
    "CollectStats",
    "Collector",
    "CollectorAuthError",
    "CollectorError",
    "CollectorRateLimited",
    "CollectorResponseError",
    "CollectorUnavailable",
    "Page",
    "Rejected",
    "Verdict",
    "backoff_delay",
    "default_verdict",
    "iso_timestamp",
    "parse_retry_after",
    "rate_limit_wait",
]
