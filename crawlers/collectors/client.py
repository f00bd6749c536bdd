"""A retrying HTTP client for platform APIs, and the errors collectors raise.

Waits: a 429 honours ``Retry-After`` or the platform's reset header, a 503 its
``Retry-After``; other 5xx, timeouts, transport errors and malformed bodies back off
exponentially with full jitter up to ``collect.backoff_max_s``; all the waits of one run
together stay under ``collect.max_wait_s``. Every failed attempt is counted by kind in
``ApiClient.errors``.

Error hierarchy (the only exceptions a collector raises on purpose)::

    SiangError
    └── CollectorError (domain.errors)  source=, status=
        ├── CollectorUnavailable  5xx, timeouts, transport errors, after max_retries
        ├── CollectorRateLimited  429 or quota after retries, or a wait longer than
        │                         backoff_max_s (retry_after= says how long)
        ├── CollectorAuthError    401/403 that is not a rate limit: bad or missing credentials
        └── CollectorResponseError other 4xx, or a body that is still not JSON after retries

httpx exceptions never escape: they are translated here and chained (``from exc``).
A body that is not JSON is retried like a 5xx (a truncated body is nearly always a proxy
or server hiccup) and raises ``CollectorResponseError`` if it persists.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import random as _random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC
from enum import Enum
from typing import Any

import httpx

from domain.errors import CollectorError
from domain.settings import CollectSettings

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
Random = Callable[[], float]
Clock = Callable[[], float]


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
        self.waited = 0.0  # seconds slept between tries in this run
        self.errors: Counter[str] = Counter()  # failed attempts by kind (for /metrics)
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
                self.errors["timeout"] += 1
            except httpx.TransportError as exc:
                failure, reason, status = CollectorUnavailable, f"{type(exc).__name__}", None
                cause = exc
                self.errors["transport"] += 1
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
                    self.errors["malformed"] += 1
                elif verdict is Verdict.QUOTA:
                    self.errors["rate_limited"] += 1
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
                    self.errors["rate_limited" if limited else "server_error"] += 1
                    # Only a refusal for rate says how long to wait: a 429 (Retry-After or the
                    # platform's reset header) or a 503's Retry-After. Any other 5xx backs
                    # off, whatever rate-limit headers ride along.
                    if limited:
                        hint = rate_limit_wait(response.headers, now=now)
                    elif status == 503:
                        hint = parse_retry_after(response.headers.get("retry-after"), now=now)
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
            if self.waited + delay > self._settings.max_wait_s:
                message = (
                    f"{self.source}: {where}: {reason}; waiting {delay:.0f}s more would pass "
                    f"collect.max_wait_s ({self._settings.max_wait_s:.0f}s)"
                )
                if failure is CollectorRateLimited:
                    raise CollectorRateLimited(
                        message, source=self.source, status=status, retry_after=delay
                    ) from cause
                raise failure(message, source=self.source, status=status) from cause
            self.waited += delay
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
        self.waited += wait
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


__all__ = [
    "ApiClient",
    "Clock",
    "CollectorAuthError",
    "CollectorError",
    "CollectorRateLimited",
    "CollectorResponseError",
    "CollectorUnavailable",
    "Random",
    "Sleep",
    "Verdict",
    "backoff_delay",
    "default_verdict",
    "parse_retry_after",
    "rate_limit_wait",
]
