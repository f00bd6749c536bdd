"""API keys and the audit log in the embedded (SQLite) store."""

from __future__ import annotations

from collections.abc import Sequence

from domain.models import (
    ApiKey,
    AuditEntry,
)
from storage.embedded_connection import EmbeddedConnection


class EmbeddedAccess(EmbeddedConnection):
    """API keys and the audit log in the embedded (SQLite) store."""

    # access ------------------------------------------------------------------------------
    def put_api_key(self, key: ApiKey) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO api_keys(id, doc) VALUES(?,?)",
                (key.key_id, key.model_dump_json()),
            )

    def get_api_key(self, key_id: str) -> ApiKey | None:
        with self._lock:
            row = self._db.execute("SELECT doc FROM api_keys WHERE id=?", (key_id,)).fetchone()
        return ApiKey.model_validate_json(row["doc"]) if row else None

    def list_api_keys(self) -> list[ApiKey]:
        with self._lock:
            rows = self._db.execute("SELECT doc FROM api_keys ORDER BY id").fetchall()
        return [ApiKey.model_validate_json(r["doc"]) for r in rows]

    def add_audit(self, entries: Sequence[AuditEntry]) -> None:
        with self._tx() as db:
            db.executemany(
                "INSERT INTO audit(at, resource, key_id, doc) VALUES(?,?,?,?)",
                [
                    (round(e.at.timestamp() * 1_000_000), e.resource, e.key_id, e.model_dump_json())
                    for e in entries
                ],
            )

    def list_audit(self, *, resource: str | None = None, limit: int = 1000) -> list[AuditEntry]:
        sql = "SELECT doc FROM audit" + (" WHERE resource=?" if resource else "")
        args = [*([resource] if resource else []), limit]
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY at DESC, seq DESC LIMIT ?", args).fetchall()
        return [AuditEntry.model_validate_json(r["doc"]) for r in rows]


__all__ = ["EmbeddedAccess"]
