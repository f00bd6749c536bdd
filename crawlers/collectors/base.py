"""The shared machinery of API collectors: the sweep loop, pages, records and stats.

Errors and the retrying HTTP client are in ``crawlers.collectors.client``. A *record* that
cannot be mapped is not an error: it goes to the quarantine callback with a reason.
"""

from __future__ import annotations

import asyncio
import logging
import random as _random
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, ClassVar

import httpx

from crawlers.collectors.checkpoint import Checkpoint
from crawlers.collectors.client import (
    ApiClient,
    Clock,
    Random,
    Sleep,
    Verdict,
)
from domain.errors import RecordError
from domain.privacy import without_authors
from domain.settings import Settings, SourceSettings

log = logging.getLogger(__name__)


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


def follower_count(value: Any) -> int | None:
    """A follower count as ``Post.followers`` takes it: a non-negative int, else unknown."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


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
        commit: Callable[[], None] | None = None,
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
        self._commit = commit or (lambda: None)
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
        followers: Any = None,
        lang: str | None = None,
        raw: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Build the record ``parse_post`` validates; raise ``RecordError`` if it cannot be.

        ``followers`` is the author's follower (or subscriber) count as the platform reported
        it; anything but a non-negative int becomes ``None`` (the platform did not say).
        """
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
            "followers": follower_count(followers),
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

        ``fetch(cursor, since)`` gets one page. Once the consumer has taken every record of a
        page, ``commit`` (the consumer's) makes everything it took so far durable (stored or
        spooled, and refused items quarantined), and only then is the checkpoint written:
        a crash at any instant re-reads at most the pages not yet committed (ingest's upsert
        absorbs that) and never skips one.
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
            self._commit()
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
    "CollectStats",
    "Collector",
    "Page",
    "Rejected",
    "follower_count",
    "iso_timestamp",
    "later",
]
