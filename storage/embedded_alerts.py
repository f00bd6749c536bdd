"""The alert outbox and managed rules in the embedded (SQLite) store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.models import (
    Alert,
    AlertRule,
)
from storage.base import AlertQuery
from storage.embedded_connection import EmbeddedConnection


class EmbeddedAlerts(EmbeddedConnection):
    """The alert outbox and managed rules in the embedded (SQLite) store."""

    def add_alerts(self, alerts: Sequence[Alert]) -> int:
        with self._tx() as db:
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO alerts(id, doc, triggered_at, status) VALUES(?,?,?,?)",
                [
                    (a.alert_id, a.model_dump_json(), _epoch(a.triggered_at), a.status)
                    for a in alerts
                ],
            )
            return db.total_changes - before

    def list_alerts(self, *, limit: int = 100, status: str | None = None) -> list[Alert]:
        sql = "SELECT doc FROM alerts" + (" WHERE status=?" if status else "")
        sql += " ORDER BY triggered_at DESC, id LIMIT ?"
        with self._lock:
            rows = self._db.execute(sql, [*([status] if status else []), limit]).fetchall()
        return [Alert.model_validate_json(r["doc"]) for r in rows]

    def search_alerts(
        self, query: AlertQuery, *, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[Alert]]:
        clauses: list[str] = []
        params: list[object] = []
        if query.status:
            clauses.append("status=?")
            params.append(query.status)
        if query.rule:
            clauses.append("json_extract(doc, '$.rule')=?")
            params.append(query.rule)
        if query.kind:
            clauses.append("json_extract(doc, '$.kind')=?")
            params.append(query.kind)
        if query.start:
            clauses.append("triggered_at>=?")
            params.append(_epoch(query.start))
        if query.end:
            clauses.append("triggered_at<?")
            params.append(_epoch(query.end))
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        with self._lock:
            total = self._db.execute(f"SELECT COUNT(*) FROM alerts{where}", params).fetchone()[0]
            rows = self._db.execute(
                f"SELECT doc FROM alerts{where} ORDER BY triggered_at DESC, id LIMIT ? OFFSET ?",
                [*params, limit, offset],
            ).fetchall()
        return int(total), [Alert.model_validate_json(r["doc"]) for r in rows]

    def get_alert(self, alert_id: str) -> Alert | None:
        with self._lock:
            row = self._db.execute("SELECT doc FROM alerts WHERE id=?", (alert_id,)).fetchone()
        return Alert.model_validate_json(row["doc"]) if row else None

    def set_alert_status(self, alert_ids: Sequence[str], status: str) -> int:
        changed = 0
        with self._tx() as db:
            for alert_id in alert_ids:
                row = db.execute("SELECT doc FROM alerts WHERE id=?", (alert_id,)).fetchone()
                if row is None:
                    continue
                alert = Alert.model_validate_json(row["doc"])
                if alert.status == status:
                    continue
                updated = alert.model_copy(update={"status": status})
                db.execute(
                    "UPDATE alerts SET doc=?, status=? WHERE id=?",
                    (updated.model_dump_json(), status, alert_id),
                )
                changed += 1
        return changed

    def put_alert_rule(self, rule: AlertRule) -> bool:
        with self._tx() as db:
            new = db.execute("SELECT 1 FROM alert_rules WHERE name=?", (rule.name,)).fetchone()
            db.execute(
                "INSERT OR REPLACE INTO alert_rules(name, doc) VALUES(?,?)",
                (rule.name, rule.model_dump_json()),
            )
            return new is None

    def list_alert_rules(self) -> list[AlertRule]:
        with self._lock:
            rows = self._db.execute("SELECT doc FROM alert_rules ORDER BY name").fetchall()
        return [AlertRule.model_validate_json(r["doc"]) for r in rows]

    def delete_alert_rule(self, name: str) -> bool:
        with self._tx() as db:
            return db.execute("DELETE FROM alert_rules WHERE name=?", (name,)).rowcount > 0


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


__all__ = ["EmbeddedAlerts"]
