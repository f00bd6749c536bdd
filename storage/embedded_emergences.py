"""Emergences in the embedded (SQLite) store: a mixin of ``EmbeddedStore``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from domain.models import Emergence
from storage.base import EmergenceQuery, UpsertCounts
from storage.embedded_connection import EmbeddedConnection

_WATERMARK = "emergences_judged_until"


class EmbeddedEmergences(EmbeddedConnection):
    def upsert_emergences(
        self, emergences: Sequence[Emergence], *, judged_until: datetime
    ) -> UpsertCounts:
        counts = UpsertCounts()
        with self._tx() as db:
            for e in emergences:
                doc = e.model_dump_json()
                row = db.execute(
                    "SELECT doc FROM emergences WHERE id=?", (e.episode_id,)
                ).fetchone()
                if row and row["doc"] == doc:
                    counts.unchanged += 1
                    continue
                db.execute(
                    "INSERT OR REPLACE INTO emergences"
                    "(id, doc, detected_at, score, kind, category, province, topic_id)"
                    " VALUES(?,?,?,?,?,?,?,?)",
                    (
                        e.episode_id,
                        doc,
                        int(e.detected_at.timestamp()),
                        e.score,
                        e.kind,
                        e.category.value if e.category else None,
                        e.province,
                        e.topic_id,
                    ),
                )
                if row:
                    counts.updated += 1
                else:
                    counts.created += 1
            row = db.execute(
                "SELECT value FROM detector_state WHERE name=?", (_WATERMARK,)
            ).fetchone()
            if row is None or datetime.fromisoformat(row["value"]) < judged_until:
                db.execute(
                    "INSERT OR REPLACE INTO detector_state(name, value) VALUES(?,?)",
                    (_WATERMARK, judged_until.astimezone(UTC).isoformat()),
                )
        return counts

    def list_emergences(
        self, query: EmergenceQuery = EmergenceQuery(), *, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[Emergence]]:
        where, args = _where(query)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        with self._lock:
            total = self._db.execute("SELECT COUNT(*) FROM emergences" + clause, args).fetchone()[0]
            rows = self._db.execute(
                "SELECT doc FROM emergences"
                + clause
                + " ORDER BY score DESC, detected_at DESC, id LIMIT ? OFFSET ?",
                [*args, limit, offset],
            ).fetchall()
        return int(total), [Emergence.model_validate_json(r["doc"]) for r in rows]

    def emergences_judged_until(self) -> datetime | None:
        with self._lock:
            row = self._db.execute(
                "SELECT value FROM detector_state WHERE name=?", (_WATERMARK,)
            ).fetchone()
        return datetime.fromisoformat(row["value"]) if row else None


def _where(query: EmergenceQuery) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if query.detected_from is not None:
        where.append("detected_at >= ?")
        args.append(int(query.detected_from.timestamp()))
    if query.detected_to is not None:
        where.append("detected_at < ?")
        args.append(int(query.detected_to.timestamp()))
    for column, value in (
        ("kind", query.kind),
        ("category", query.category),
        ("province", query.province),
        ("topic_id", query.topic_id),
        ("id", query.episode_id),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            args.append(value)
    if query.min_score is not None:
        where.append("score >= ?")
        args.append(query.min_score)
    return where, args


__all__ = ["EmbeddedEmergences"]
