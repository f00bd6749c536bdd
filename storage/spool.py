"""Nothing lost in an outage: spool what the store cannot take to disk, replay it later.

``SpoolingStore`` wraps any Store. When posts or quarantine records cannot be written
because the store is unavailable (``StoreUnavailable``), they are written to the spool
directory as one JSON-lines file per batch: to a temporary name, fsynced, then linked to a
name no other writer can take (kind, nanosecond time, process id and a random part), so
any number of processes can share one directory and a crash never leaves half a batch.

Spooled batches are replayed in the order they were written: before every later post
write, when a command opens the store (``storage.open_store``) and with ``siang store
replay``. One process replays at a time (a lock file); a batch is removed once the store
took it. A post the store refuses for good (``StoreError``: an id it cannot hold, a field
it cannot map) is quarantined with the reason, and the rest of its batch and the spool go
on. Upserts are idempotent by id, so a batch replayed twice after a crash is still stored
exactly once.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import time
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from domain.errors import StoreError, StoreUnavailable
from domain.models import Post, QuarantinedRecord
from storage.base import Store, UpsertCounts
from storage.loading import bulk_load, upsert_enriched

log = logging.getLogger(__name__)
_POSTS, _QUARANTINE = "posts", "quarantine"


class SpoolingStore:
    """A Store whose post and quarantine writes survive an outage of the wrapped store."""

    def __init__(self, inner: Store, spool_dir: Path) -> None:
        self.inner = inner
        self.spool_dir = Path(spool_dir)
        self.spool_dir.mkdir(parents=True, exist_ok=True)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    # what waits -------------------------------------------------------------------------
    def _files(self) -> list[Path]:
        """Waiting batches, oldest first (files of earlier versions, ``<n>.jsonl``, first)."""
        return sorted(
            (p for p in self.spool_dir.glob("*.jsonl") if not p.name.startswith(".")),
            key=lambda p: (not p.stem.isdigit(), _written_at(p), p.name),
        )

    def pending(self) -> int:
        """Posts waiting in the spool."""
        return sum(
            sum(1 for _ in p.open(encoding="utf-8")) for p in self._files() if _kind(p) == _POSTS
        )

    def spool_status(self, *, now: float) -> tuple[int, float | None]:
        """(batches waiting, seconds since the oldest was written) for /metrics. A batch
        replayed (removed) while this looks is not waiting any more."""
        written = []
        for path in self._files():
            with contextlib.suppress(FileNotFoundError):
                written.append(path.stat().st_mtime)
        if not written:
            return 0, None
        return len(written), max(0.0, now - min(written))

    # writes -------------------------------------------------------------------------------
    def upsert_posts(self, posts: Sequence[Post]) -> UpsertCounts:
        try:
            self.replay()
            return self.inner.upsert_posts(posts)
        except StoreUnavailable as exc:
            self._spool(_POSTS, [p.model_dump_json() for p in posts])
            log.warning("store unavailable (%s); spooled %d posts", exc, len(posts))
            return UpsertCounts(spooled=len(posts))

    def upsert_enriched_posts(
        self, posts: Sequence[Post], vectors: np.ndarray | None
    ) -> UpsertCounts:
        """As ``upsert_posts``, with one write per post where the wrapped store can. Spooled
        in an outage like any post: a replay stores them as ``upsert_posts`` does, so they
        are enriched again (their vectors are not spooled)."""
        try:
            self.replay()
            return upsert_enriched(self.inner, posts, vectors)
        except StoreUnavailable as exc:
            self._spool(_POSTS, [p.model_dump_json() for p in posts])
            log.warning("store unavailable (%s); spooled %d posts", exc, len(posts))
            return UpsertCounts(spooled=len(posts))

    def bulk_load(self) -> contextlib.AbstractContextManager[None]:
        """The wrapped store's bulk-load mode (``storage.loading.bulk_load``)."""
        return bulk_load(self.inner)

    def quarantine(self, records: Sequence[QuarantinedRecord]) -> int:
        if not records:
            return 0
        try:
            return self.inner.quarantine(records)
        except StoreUnavailable as exc:
            self._spool(_QUARANTINE, [r.model_dump_json() for r in records])
            log.warning("store unavailable (%s); spooled %d quarantine records", exc, len(records))
            return len(records)

    def replay(self) -> UpsertCounts:
        """Write what waits, oldest first; raise ``StoreUnavailable`` at the first batch the
        store still cannot take (it stays, with everything after it). Another process
        replaying the same directory makes this one return at once."""
        total = UpsertCounts()
        with self._replay_lock() as mine:
            if not mine:
                return total
            for path in self._files():
                try:
                    lines = path.read_text(encoding="utf-8").splitlines()
                except FileNotFoundError:
                    continue  # replayed by another process before this one took the lock
                if _kind(path) == _QUARANTINE:
                    self.inner.quarantine(
                        [QuarantinedRecord.model_validate_json(x) for x in lines if x.strip()]
                    )
                else:
                    total += self._write(
                        [Post.model_validate_json(x) for x in lines if x.strip()], path.name
                    )
                path.unlink(missing_ok=True)
                log.info("replayed %s", path.name)
        return total

    def _write(self, batch: list[Post], name: str) -> UpsertCounts:
        """The batch, or, if the store refuses it, each post alone: a refused post goes to
        quarantine with the reason and never holds up the others."""
        try:
            return self.inner.upsert_posts(batch)
        except StoreUnavailable:
            raise
        except StoreError as exc:
            log.warning("the store refused spooled batch %s (%s); writing post by post", name, exc)
        total = UpsertCounts()
        refused = []
        for post in batch:
            try:
                total += self.inner.upsert_posts([post])
            except StoreUnavailable:
                raise
            except StoreError as exc:
                refused.append(
                    QuarantinedRecord(
                        stage="spool",
                        source=name,
                        reason=f"{post.id[:120]}: the store refused it: {exc}",
                        payload=post.model_dump_json(),
                        received_at=datetime.now(UTC),
                    )
                )
        if refused:
            self.inner.quarantine(refused)
            total.refused += len(refused)
        return total

    def _spool(self, kind: str, lines: list[str]) -> None:
        name = f"{kind}-{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:12]}.jsonl"
        final = self.spool_dir / name
        temporary = self.spool_dir / f".{name}.tmp"
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write("".join(line + "\n" for line in lines))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, final)  # fails rather than overwrite: no writer takes another's
        finally:
            temporary.unlink(missing_ok=True)
        directory = os.open(self.spool_dir, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    @contextlib.contextmanager
    def _replay_lock(self) -> Iterator[bool]:
        with (self.spool_dir / ".replay.lock").open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _kind(path: Path) -> str:
    return _QUARANTINE if path.name.startswith(_QUARANTINE + "-") else _POSTS


def _written_at(path: Path) -> int:
    parts = path.stem.split("-")
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else 0


__all__ = ["SpoolingStore"]
