"""Topics in the embedded (SQLite) store: one part of ``EmbeddedStore``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from domain.models import (
    Topic,
)
from storage.embedded_connection import EmbeddedConnection


class EmbeddedTopics(EmbeddedConnection):
    """Topics in the embedded (SQLite) store: one part of ``EmbeddedStore``."""

    # topics, links, alerts ---------------------------------------------------------------
    def replace_topics(self, topics: Sequence[Topic]) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM topics")
            db.executemany(
                "INSERT INTO topics(id, doc, status, spike_score, size) VALUES(?,?,?,?,?)",
                [
                    (t.topic_id, t.model_dump_json(), t.status, t.spike_score, t.size)
                    for t in topics
                ],
            )

    def list_topics(self, *, status: str | None = None, limit: int = 100) -> list[Topic]:
        sql = "SELECT doc FROM topics" + (" WHERE status=?" if status else "")
        sql += " ORDER BY spike_score DESC, size DESC, id LIMIT ?"
        with self._lock:
            rows = self._db.execute(sql, ([status] if status else []) + [limit]).fetchall()
        return [Topic.model_validate_json(r["doc"]) for r in rows]

    def iter_topics(self) -> Iterator[Topic]:
        with self._lock:
            rows = self._db.execute("SELECT doc FROM topics ORDER BY id").fetchall()
        for row in rows:
            yield Topic.model_validate_json(row["doc"])

    def get_topic(self, topic_id: int) -> Topic | None:
        with self._lock:
            row = self._db.execute("SELECT doc FROM topics WHERE id=?", (topic_id,)).fetchone()
        return Topic.model_validate_json(row["doc"]) if row else None


__all__ = ["EmbeddedTopics"]
