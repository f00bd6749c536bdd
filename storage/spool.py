"""Nothing lost in an outage: spool post batches to disk while the store is unavailable.

``SpoolingStore`` wraps any Store. When a batch of posts cannot be written because the
store is unavailable (``StoreUnavailable``), the batch is appended to the spool directory
as one JSON-lines file (written to a temporary name, fsynced, then renamed, so a crash
never leaves half a batch). Before every later write, and on ``replay()``, spooled batches
are written in order and removed once the store accepted them. Upserts are idempotent by
id, so a batch replayed twice after a crash is still stored exactly once.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from domain.errors import StoreUnavailable
from domain.models import Post
from storage.base import Store, UpsertCounts

log = logging.getLogger(__name__)


class SpoolingStore:
    """A Store whose post writes survive an outage of the wrapped store."""

    def __init__(self, inner: Store, spool_dir: Path) -> None:
        self.inner = inner
        self.spool_dir = spool_dir
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        self._sequence = max((int(p.stem) for p in self._files()), default=0)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def _files(self) -> list[Path]:
        return sorted(self.spool_dir.glob("*.jsonl"), key=lambda p: int(p.stem))

    def pending(self) -> int:
        """Posts waiting in the spool."""
        return sum(sum(1 for _ in p.open(encoding="utf-8")) for p in self._files())

    def spool_status(self, *, now: float) -> tuple[int, float | None]:
        """(batches waiting, seconds since the oldest was written) for /metrics."""
        files = self._files()
        if not files:
            return 0, None
        oldest = min(p.stat().st_mtime for p in files)
        return len(files), max(0.0, now - oldest)

    def upsert_posts(self, posts: Sequence[Post]) -> UpsertCounts:
        try:
            self.replay()
            return self.inner.upsert_posts(posts)
        except StoreUnavailable as exc:
            self._spool(posts)
            log.warning(
                "store unavailable (%s); spooled %d posts to %s", exc, len(posts), self.spool_dir
            )
            return UpsertCounts(spooled=len(posts))

    def replay(self) -> UpsertCounts:
        """Write spooled batches in order; stops (raising) at the first that still fails."""
        total = UpsertCounts()
        for path in self._files():
            batch = [
                Post.model_validate_json(line)
                for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()
            ]
            total += self.inner.upsert_posts(batch)
            path.unlink()
            log.info("replayed %d spooled posts from %s", len(batch), path.name)
        return total

    def _spool(self, posts: Sequence[Post]) -> None:
        self._sequence += 1
        final = self.spool_dir / f"{self._sequence:012d}.jsonl"
        temporary = final.with_suffix(".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            for post in posts:
                handle.write(post.model_dump_json() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        temporary.rename(final)


__all__ = ["SpoolingStore"]
