"""The SQLite connection every part of the embedded store shares.

``EmbeddedStore`` is put together from one class per aggregate (posts in ``embedded.py``;
complaints, topics, links, alerts, access, intake, emergences and operations beside it).
Each builds on ``EmbeddedConnection``: one connection, one re-entrant lock around it,
transactions and vector reads.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np


class Transaction:
    """``with store._tx() as db``: one locked IMMEDIATE transaction, rolled back on error."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self._db, self._lock = db, lock

    def __enter__(self) -> sqlite3.Connection:
        self._lock.acquire()
        self._db.execute("BEGIN IMMEDIATE")
        return self._db

    def __exit__(self, exc_type: type[BaseException] | None, *_: Any) -> None:
        try:
            self._db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self._lock.release()


class EmbeddedConnection:
    """The connection (``_db``, opened by ``EmbeddedStore``) and the lock every read and
    write takes."""

    _db: sqlite3.Connection
    _lock: threading.RLock

    def _tx(self) -> Transaction:
        return Transaction(self._db, self._lock)

    def _docs_by_ids(self, table: str, ids: Sequence[str]) -> dict[str, str]:
        """The JSON ``doc`` of each of ``ids`` found in ``table``, by id."""
        docs: dict[str, str] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 500):  # well under SQLite's variable limit
            chunk = unique[start : start + 500]
            with self._lock:
                rows = self._db.execute(
                    f"SELECT id, doc FROM {table} WHERE id IN ({','.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
            docs.update({row["id"]: row["doc"] for row in rows})
        return docs

    def _vectors(self, table: str, ids: Sequence[str]) -> np.ndarray:
        """Row-aligned vectors of ``ids`` from ``table`` (zeros for ids without one)."""
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                marks = ",".join("?" * len(chunk))
                for row in self._db.execute(
                    f"SELECT id, vec FROM {table} WHERE id IN ({marks})", chunk
                ):
                    found[row["id"]] = np.frombuffer(row["vec"], dtype=np.float32)
        if not found:
            return np.zeros((len(ids), 0), np.float32)
        dim = len(next(iter(found.values())))
        return np.vstack([found.get(i, np.zeros(dim, np.float32)) for i in ids])


__all__ = ["EmbeddedConnection", "Transaction"]
