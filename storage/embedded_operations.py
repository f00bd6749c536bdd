"""Pipeline stage runs and quarantine by reason in the embedded (SQLite) store.

One part of :class:`storage.embedded.EmbeddedStore`, on its shared connection.
"""

from __future__ import annotations

from domain.models import QuarantinedRecord, StageRun, StageStats
from domain.quarantine import reason_class
from storage.embedded_connection import EmbeddedConnection


class EmbeddedOperations(EmbeddedConnection):
    """Store methods /metrics reads: what each stage did, and why records were refused."""

    def _classify_quarantine(self) -> None:
        """Give a file from before reason classes the column, each kept record its class,
        and the index the count by (stage, class) reads. Checked by column name at every
        open, so it runs once per file whatever its ``user_version``."""
        columns = {row["name"] for row in self._db.execute("PRAGMA table_info(quarantine)")}
        indexed = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type='index' AND name='quarantine_reason'"
        ).fetchone()
        if "reason_class" in columns and indexed:
            return
        with self._tx() as db:
            if "reason_class" not in columns:
                db.execute(
                    "ALTER TABLE quarantine ADD COLUMN reason_class TEXT NOT NULL DEFAULT 'other'"
                )
                for row in db.execute("SELECT id, doc FROM quarantine").fetchall():
                    record = QuarantinedRecord.model_validate_json(row["doc"])
                    db.execute(
                        "UPDATE quarantine SET reason_class=? WHERE id=?",
                        (reason_class(record), row["id"]),
                    )
            db.execute(
                "CREATE INDEX IF NOT EXISTS quarantine_reason ON quarantine(stage, reason_class)"
            )

    def count_quarantine_by_reason(self) -> dict[tuple[str, str], int]:
        with self._lock:
            rows = self._db.execute(
                "SELECT stage, reason_class, COUNT(*) AS n FROM quarantine"
                " GROUP BY stage, reason_class ORDER BY stage, reason_class"
            ).fetchall()
        return {(r["stage"], r["reason_class"]): int(r["n"]) for r in rows}

    def record_stage_run(self, run: StageRun) -> StageStats:
        with self._tx() as db:
            row = db.execute("SELECT doc FROM stage_stats WHERE id=?", (run.stage,)).fetchone()
            current = (
                StageStats.model_validate_json(row["doc"]) if row else StageStats(stage=run.stage)
            )
            totals = current.add(run)
            db.execute(
                "INSERT INTO stage_stats(id, doc) VALUES(?, ?) "
                "ON CONFLICT(id) DO UPDATE SET doc=excluded.doc",
                (run.stage, totals.model_dump_json()),
            )
        return totals

    def list_stage_stats(self) -> list[StageStats]:
        with self._lock:
            rows = self._db.execute("SELECT doc FROM stage_stats ORDER BY id").fetchall()
        return [StageStats.model_validate_json(r["doc"]) for r in rows]


__all__ = ["EmbeddedOperations"]
