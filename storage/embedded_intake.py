"""Quarantine and collection totals in the embedded (SQLite) store."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from domain.models import (
    QuarantinedRecord,
    SourceRun,
    SourceStats,
)
from domain.quarantine import reason_class
from storage.embedded_connection import EmbeddedConnection


class EmbeddedIntake(EmbeddedConnection):
    """Quarantine and collection totals in the embedded (SQLite) store."""

    # quarantine ------------------------------------------------------------------------
    def quarantine(self, records: Sequence[QuarantinedRecord]) -> int:
        with self._tx() as db:
            before = db.total_changes
            for record in records:
                key = hashlib.sha256(f"{record.stage}\0{record.source}\0{record.payload}".encode())
                db.execute(
                    "INSERT OR IGNORE INTO quarantine(id, stage, source, reason, doc, reason_class)"
                    " VALUES(?,?,?,?,?,?)",
                    (
                        key.hexdigest(),
                        record.stage,
                        record.source,
                        record.reason,
                        record.model_dump_json(),
                        reason_class(record),
                    ),
                )
            return db.total_changes - before

    def list_quarantine(
        self, *, stage: str | None = None, limit: int = 100
    ) -> list[QuarantinedRecord]:
        sql = (
            "SELECT doc FROM quarantine"
            + (" WHERE stage=?" if stage else "")
            + " ORDER BY rowid LIMIT ?"
        )
        with self._lock:
            rows = self._db.execute(sql, ([stage] if stage else []) + [limit]).fetchall()
        return [QuarantinedRecord.model_validate_json(r["doc"]) for r in rows]

    def count_quarantine(self, *, stage: str | None = None) -> int:
        sql = "SELECT COUNT(*) FROM quarantine" + (" WHERE stage=?" if stage else "")
        with self._lock:
            return int(self._db.execute(sql, [stage] if stage else []).fetchone()[0])

    # collection --------------------------------------------------------------------------
    def record_source_run(self, run: SourceRun) -> SourceStats:
        with self._tx() as db:
            row = db.execute("SELECT doc FROM source_stats WHERE id=?", (run.source,)).fetchone()
            current = (
                SourceStats.model_validate_json(row["doc"])
                if row
                else SourceStats(source=run.source, kind=run.kind)
            )
            totals = current.add(run)
            db.execute(
                "INSERT INTO source_stats(id, doc) VALUES(?, ?) "
                "ON CONFLICT(id) DO UPDATE SET doc=excluded.doc",
                (run.source, totals.model_dump_json()),
            )
        return totals

    def list_source_stats(self) -> list[SourceStats]:
        with self._lock:
            rows = self._db.execute("SELECT doc FROM source_stats ORDER BY id").fetchall()
        return [SourceStats.model_validate_json(r["doc"]) for r in rows]


__all__ = ["EmbeddedIntake"]
