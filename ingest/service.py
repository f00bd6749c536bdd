"""Ingestion: the one path by which posts enter Siang, for collectors and the demo alike.

A raw record is validated into a ``Post``: the author is pseudonymised with a keyed hash,
PII is redacted from the text and the raw payload, and the record is upserted by its
stable id ``platform:native_id``. Records that fail are quarantined with the reason.

What users hand over is accepted as they have it:

* the id as ``native_id``, or as ``post_id``: ``platform:id`` or a plain id with
  ``platform`` given;
* platforms by their common names (``twitter`` → ``x``, ``fb``, ``ig``...), the ones Thai
  users live on (``tiktok``, ``line``, ``instagram``, ``threads``, ``reddit``), and any
  other as ``other`` with its name kept in front of the id (``other:mastodon:123``);
* times in ISO-8601 with or without a zone (without: Asia/Bangkok), Buddhist-era years,
  day/month/year and Thai month names (``domain.thai_dates``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from domain.errors import RecordError
from domain.models import (
    MAX_ID_BYTES,
    PLATFORM_ALIASES,
    PLATFORMS,
    Post,
    QuarantinedRecord,
)
from domain.privacy import AUTHOR_KEYS, Pseudonymizer, redact, redact_payload, without_authors
from domain.thai_dates import read_time
from ingest.jsonl import Line
from storage.base import Store, UpsertCounts


@dataclass
class IngestReport:
    read: int = 0
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    quarantined: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.counts.total


def platform_name(value: str) -> str | None:
    """Siang's name for a platform as users write it; None when it is none of them."""
    key = value.strip().lower()
    key = PLATFORM_ALIASES.get(key, key)
    return key if key in PLATFORMS else None


# Account identifiers that ride along in ids, URLs and payloads: an X handle before
# /status/ (the handle-free /i/web/status/ form opens the same post), a Bluesky DID, and
# the handle or DID in a bsky.app profile link. Kept in a keyed pseudonymous form.
_X_STATUS = re.compile(
    r"https?://(?:www\.|mobile\.)?(?:x|twitter)\.com/(?!i/)[A-Za-z0-9_]{1,15}/status(?:es)?/(\d+)"
)
_BSKY_PROFILE = re.compile(r"(https?://bsky\.app/profile/)([^/\s?#]+)")
_DID = re.compile(r"did:(?:plc|web):[A-Za-z0-9._:%-]+")


def without_handles(text: str, pseudonymizer: Pseudonymizer) -> str:
    """``text`` with account handles and DIDs in post links and ids pseudonymised."""
    if "/" not in text and "did:" not in text:
        return text
    text = _X_STATUS.sub(r"https://x.com/i/web/status/\1", text)
    text = _BSKY_PROFILE.sub(
        lambda m: m.group(1) + pseudonymizer.pseudonym("bluesky", m.group(2)), text
    )
    return _DID.sub(lambda m: pseudonymizer.pseudonym("bluesky", m.group(0)), text)


def _payload_without_handles(value: Any, pseudonymizer: Pseudonymizer) -> Any:
    if isinstance(value, str):
        return without_handles(value, pseudonymizer)
    if isinstance(value, dict):
        return {k: _payload_without_handles(v, pseudonymizer) for k, v in value.items()}
    if isinstance(value, list):
        return [_payload_without_handles(v, pseudonymizer) for v in value]
    return value


def _identity(
    record: dict[str, Any], pseudonymizer: Pseudonymizer | None = None
) -> tuple[str, str]:
    """(platform, native id) from ``platform`` with ``native_id`` or ``post_id``; with a
    ``pseudonymizer``, account handles and DIDs in the id are pseudonymised."""
    platform = record.get("platform")
    native_id = record.get("native_id")
    post_id = record.get("post_id")
    if native_id is None and isinstance(post_id, str | int):
        native_id = str(post_id).strip()
        head, sep, tail = native_id.partition(":")
        if sep and tail and platform_name(head) is not None:
            native_id = tail  # "x:185..." names its platform
            platform = platform if isinstance(platform, str) and platform.strip() else head
    if platform is None:
        raise RecordError("platform is missing", field="platform")
    if not isinstance(platform, str) or not platform.strip():
        raise RecordError(
            f"platform must be a string, got {type(platform).__name__}", field="platform"
        )
    if not isinstance(native_id, str | int) or not str(native_id).strip():
        raise RecordError("native_id (or post_id) is missing", field="native_id")
    native = str(native_id).strip()
    if pseudonymizer is not None:
        native = without_handles(native, pseudonymizer)
    known = platform_name(platform)
    if known is None:  # kept, under other, with its name in front of the id
        return "other", f"{platform.strip().lower()}:{native}"
    return known, native


def post_identity(record: dict[str, Any], pseudonymizer: Pseudonymizer) -> str:
    """The id ``parse_post`` gives ``record`` (``platform:native_id``); ``RecordError`` if
    it has none."""
    platform, native_id = _identity(record, pseudonymizer)
    return f"{platform}:{native_id}"


def parse_post(
    record: dict[str, Any], *, pseudonymizer: Pseudonymizer, collected_at: datetime
) -> Post:
    """Validate one raw record into a Post, or raise ``RecordError`` naming the problem."""
    platform, native_id = _identity(record, pseudonymizer)
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise RecordError("text is missing or empty", field="text")
    redacted_text = without_handles(redact(text)[0], pseudonymizer)
    url = record.get("url")
    author = record.get("author")
    raw = {k: v for k, v in record.items() if k not in AUTHOR_KEYS and k != "text"}
    try:
        post = Post(
            platform=platform,
            native_id=native_id,
            url=without_handles(url, pseudonymizer) if isinstance(url, str) else url,
            author=pseudonymizer.pseudonym(platform, str(author)) if author else None,
            text=redacted_text,
            created_at=read_time(record.get("created_at"), field="created_at"),
            collected_at=(
                read_time(record["collected_at"], field="collected_at")
                if record.get("collected_at")
                else collected_at
            ),
            engagement=record.get("engagement") or {},
            followers=record.get("followers"),
            language=record.get("lang") or record.get("language") or "th",
            source=str(record.get("source") or ""),
            raw=_payload_without_handles(
                redact_payload(without_authors(raw.get("raw", raw))), pseudonymizer
            ),
            synthetic=bool(record.get("synthetic", False)),
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first["loc"])
        raise RecordError(f"{name}: {first['msg']}", field=name) from exc
    if len(post.id.encode("utf-8")) > MAX_ID_BYTES:
        raise RecordError(
            f"id is {len(post.id.encode('utf-8'))} bytes in UTF-8; stores accept at most "
            f"{MAX_ID_BYTES} (a Thai letter takes 3)",
            field="native_id",
        )
    return post


class Ingestor:
    """Validates raw records and writes them to the store in batches."""

    def __init__(
        self,
        store: Store,
        pseudonymizer: Pseudonymizer,
        *,
        batch_size: int = 500,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.pseudonymizer = pseudonymizer
        self.batch_size = batch_size
        self.clock = clock

    def ingest_lines(
        self, lines: Iterable[Line], *, source: str, progress: Callable[[int], None] | None = None
    ) -> IngestReport:
        """Ingest parsed JSON lines from ``source``; bad lines go to quarantine."""
        report = IngestReport()
        batch: list[Post] = []
        bad: list[QuarantinedRecord] = []
        now = self.clock()
        for line in lines:
            report.read += 1
            try:
                if line.error or line.value is None:
                    raise RecordError(line.error or "empty record")
                batch.append(
                    parse_post(line.value, pseudonymizer=self.pseudonymizer, collected_at=now)
                )
            except RecordError as exc:
                reason = (
                    exc.reason
                    if exc.reason.startswith("line ")
                    else (f"line {line.number}: {exc.reason}")
                )
                reason = redact(reason)[0]  # reasons quote values; they are shown and logged
                report.reasons.append(reason)
                bad.append(
                    QuarantinedRecord(
                        stage="ingest",
                        source=source,
                        reason=reason,
                        payload=self._safe_payload(line),
                        received_at=now,
                    )
                )
            if len(batch) >= self.batch_size:
                report.counts += self._flush(batch, progress)
        report.counts += self._flush(batch, progress)
        self.store.quarantine(bad)
        report.quarantined = len(bad)
        return report

    def _safe_payload(self, line: Line) -> str:
        """The refused line as kept in quarantine: authors pseudonymised, PII redacted."""
        if line.value is None:
            return redact(line.text)[0]
        safe = redact_payload(without_authors(line.value))
        author = line.value.get("author")
        if author is not None:
            platform = str(line.value.get("platform"))
            safe["author"] = self.pseudonymizer.pseudonym(platform, str(author))
        return json.dumps(safe, ensure_ascii=False)

    def _flush(self, batch: list[Post], progress: Callable[[int], None] | None) -> UpsertCounts:
        if not batch:
            return UpsertCounts()
        unique = list({p.id: p for p in batch}.values())
        counts = self.store.upsert_posts(unique)
        counts.unchanged += len(batch) - len(unique)
        if progress:
            progress(len(batch))
        batch.clear()
        return counts


__all__ = [
    "IngestReport",
    "Ingestor",
    "parse_post",
    "platform_name",
    "post_identity",
    "without_handles",
]
