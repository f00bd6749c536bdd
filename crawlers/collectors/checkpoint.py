"""Cursor state per source, one JSON file each, written atomically.

A checkpoint holds, per *stream* (an X query, a Facebook page, a YouTube video's comments):

- ``cursor``: the pagination token of the next page while a sweep is under way;
- ``since``: the newest marker (id or timestamp) of the last *completed* sweep, which the
  next sweep passes to the platform so it only returns newer items;
- ``sweep_newest``: the newest marker seen so far in the unfinished sweep;
- ``recent_ids``: the last native ids yielded, to drop items an inclusive ``since`` or a
  re-read first page returns again.

Nothing in it names an author: ids and cursors only. Platform ``next`` URLs are never
stored because they can carry an access token.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from domain.errors import SiangError

CHECKPOINT_VERSION = 1
RECENT_IDS_KEPT = 1000


class CheckpointError(SiangError):
    """A checkpoint file exists but cannot be read or written."""

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(message)
        self.path = path


@dataclass
class StreamState:
    """Where one stream stands; see the module docstring."""

    cursor: str | None = None
    since: str | None = None
    sweep_newest: str | None = None
    recent_ids: list[str] = field(default_factory=list)

    def remember(self, ids: Iterable[str]) -> None:
        """Add ids to ``recent_ids``, keeping the newest ``RECENT_IDS_KEPT``."""
        known = set(self.recent_ids)
        for native_id in ids:
            if native_id not in known:
                known.add(native_id)
                self.recent_ids.append(native_id)
        del self.recent_ids[:-RECENT_IDS_KEPT]

    def to_json(self) -> dict[str, Any]:
        return {
            "cursor": self.cursor,
            "since": self.since,
            "sweep_newest": self.sweep_newest,
            "recent_ids": self.recent_ids,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StreamState:
        return cls(
            cursor=data.get("cursor"),
            since=data.get("since"),
            sweep_newest=data.get("sweep_newest"),
            recent_ids=[str(i) for i in data.get("recent_ids") or []],
        )


class Checkpoint:
    """The state file of one source: ``<checkpoint_dir>/<source>.json``."""

    def __init__(self, directory: Path, source: str) -> None:
        self.path = Path(directory) / f"{source}.json"
        self.source = source
        self.streams: dict[str, StreamState] = {}

    def load(self) -> Checkpoint:
        """Read the file if it exists; a missing file is a fresh start."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return self
        except OSError as exc:
            raise CheckpointError(
                f"cannot read checkpoint {self.path}: {exc}", path=self.path
            ) from exc
        try:
            data = json.loads(text)
            streams = data["streams"]
            self.streams = {key: StreamState.from_json(value) for key, value in streams.items()}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CheckpointError(
                f"checkpoint {self.path} is corrupt ({exc}); move it aside to start over",
                path=self.path,
            ) from exc
        return self

    def stream(self, key: str) -> StreamState:
        """The state of ``key``, created empty on first use."""
        return self.streams.setdefault(key, StreamState())

    def save(self) -> None:
        """Write atomically: temporary file in the same directory, fsync, ``os.replace``."""
        payload = {
            "version": CHECKPOINT_VERSION,
            "source": self.source,
            "streams": {key: state.to_json() for key, state in sorted(self.streams.items())},
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(payload, handle, ensure_ascii=False, indent=2)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise CheckpointError(
                f"cannot write checkpoint {self.path}: {exc}", path=self.path
            ) from exc


__all__ = ["Checkpoint", "CheckpointError", "StreamState"]
