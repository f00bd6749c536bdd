"""Complaints, topics, links, alerts and quarantine in the embedded (SQLite) store.

A mixin of :class:`storage.embedded.EmbeddedStore`, which supplies the connection, the
lock, ``_tx`` and ``_vectors``.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np

from domain.models import (
    Alert,
    AlertRule,
    ApiKey,
    AuditEntry,
    Complaint,
    LinkDecision,
    PostComplaintLink,
    QuarantinedRecord,
    SourceRun,
    SourceStats,
    Topic,
)
from domain.quarantine import reason_class
from storage.base import ComplaintQuery, UpsertCounts, decision_id


class EmbeddedEntities:
    """Store methods for everything that is not a post."""

    _db: sqlite3.Connection
    _lock: threading.RLock

    def _tx(self) -> Any:
        raise NotImplementedError

    def _vectors(self, table: str, ids: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    # complaints ------------------------------------------------------------------------
    def upsert_complaints(
        self, complaints: Sequence[Complaint], vectors: np.ndarray | None = None
    ) -> UpsertCounts:
        counts = UpsertCounts()
        with self._tx() as db:
            for i, complaint in enumerate(complaints):
                doc = complaint.model_dump_json()
                row = db.execute(
                    "SELECT doc FROM complaints WHERE id=?", (complaint.complaint_id,)
                ).fetchone()
                vector = vectors[i] if vectors is not None and vectors.shape[1] else None
                if row and row["doc"] == doc:
                    counts.unchanged += 1
                else:
                    db.execute(
                        "INSERT OR REPLACE INTO complaints(id, doc, filed_at, province,"
                        " category, status) VALUES(?,?,?,?,?,?)",
                        (
                            complaint.complaint_id,
                            doc,
                            _epoch(complaint.filed_at),
                            complaint.province,
                            complaint.category.value,
                            complaint.status,
                        ),
                    )
                    if row:
                        counts.updated += 1
                    else:
                        counts.created += 1
                if vector is not None:
                    db.execute(
                        "INSERT OR REPLACE INTO complaint_vectors(id, dim, vec) VALUES(?,?,?)",
                        (
                            complaint.complaint_id,
                            len(vector),
                            np.asarray(vector, np.float32).tobytes(),
                        ),
                    )
        return counts

    def get_complaint(self, complaint_id: str) -> Complaint | None:
        with self._lock:
            row = self._db.execute(
                "SELECT doc FROM complaints WHERE id=?", (complaint_id,)
            ).fetchone()
        return Complaint.model_validate_json(row["doc"]) if row else None

    def list_complaints(self, *, limit: int = 1000, offset: int = 0) -> list[Complaint]:
        with self._lock:
            rows = self._db.execute(
                "SELECT doc FROM complaints ORDER BY filed_at, id LIMIT ? OFFSET ?", (limit, offset)
            ).fetchall()
        return [Complaint.model_validate_json(r["doc"]) for r in rows]

    def search_complaints(
        self, query: ComplaintQuery, *, limit: int = 20, offset: int = 0
    ) -> tuple[int, list[Complaint]]:
        where: list[str] = ["1=1"]
        args: list[str | int] = []
        for column, value in (
            ("province", query.province),
            ("category", query.category),
            ("status", query.status),
        ):
            if value is not None:
                where.append(f"{column}=?")
                args.append(value)
        if query.start is not None:
            where.append("filed_at>=?")
            args.append(_epoch(query.start))
        if query.end is not None:
            where.append("filed_at<?")
            args.append(_epoch(query.end))
        with self._lock:
            rows = self._db.execute(
                f"SELECT doc FROM complaints WHERE {' AND '.join(where)}"
                " ORDER BY filed_at DESC, id",
                args,
            ).fetchall()
        found = [Complaint.model_validate_json(r["doc"]) for r in rows]
        found = [c for c in found if _matches(c, query)]  # tokens and channel live in the doc
        return len(found), found[offset : offset + limit]

    def complaint_vectors(self, complaint_ids: Sequence[str]) -> np.ndarray:
        return self._vectors("complaint_vectors", complaint_ids)

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

    def get_topic(self, topic_id: int) -> Topic | None:
        with self._lock:
            row = self._db.execute("SELECT doc FROM topics WHERE id=?", (topic_id,)).fetchone()
        return Topic.model_validate_json(row["doc"]) if row else None

    def replace_links(self, links: Sequence[PostComplaintLink]) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM links")
            db.executemany(
                "INSERT OR REPLACE INTO links(post_id, complaint_id, score, doc) VALUES(?,?,?,?)",
                [(lk.post_id, lk.complaint_id, lk.score, lk.model_dump_json()) for lk in links],
            )

    def links_for_complaint(self, complaint_id: str) -> list[PostComplaintLink]:
        return self._links("complaint_id", complaint_id)

    def links_for_post(self, post_id: str) -> list[PostComplaintLink]:
        return self._links("post_id", post_id)

    def _links(self, column: str, value: str) -> list[PostComplaintLink]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT doc FROM links WHERE {column}=? ORDER BY score DESC,"
                " post_id, complaint_id",
                (value,),
            ).fetchall()
        return [PostComplaintLink.model_validate_json(r["doc"]) for r in rows]

    def links_for_posts(self, post_ids: Sequence[str]) -> list[PostComplaintLink]:
        found: list[PostComplaintLink] = []
        ids = list(dict.fromkeys(post_ids))
        with self._lock:
            for start in range(0, len(ids), 500):  # SQLite's bound-parameter limit
                chunk = ids[start : start + 500]
                rows = self._db.execute(
                    f"SELECT doc FROM links WHERE post_id IN ({','.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
                found += [PostComplaintLink.model_validate_json(r["doc"]) for r in rows]
        return sorted(found, key=lambda lk: (-lk.score, lk.post_id, lk.complaint_id))

    def upsert_links(self, links: Sequence[PostComplaintLink]) -> None:
        with self._tx() as db:
            db.executemany(
                "INSERT OR REPLACE INTO links(post_id, complaint_id, score, doc) VALUES(?,?,?,?)",
                [(lk.post_id, lk.complaint_id, lk.score, lk.model_dump_json()) for lk in links],
            )

    def count_links(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM links").fetchone()[0])

    def add_link_decision(self, decision: LinkDecision) -> bool:
        with self._tx() as db:
            before = db.total_changes
            db.execute(
                "INSERT OR IGNORE INTO link_decisions(id, post_id, complaint_id, at, doc)"
                " VALUES(?,?,?,?,?)",
                (
                    decision_id(decision),
                    decision.post_id,
                    decision.complaint_id,
                    round(decision.at.timestamp() * 1_000_000),  # µs: decisions come fast
                    decision.model_dump_json(),
                ),
            )
            return db.total_changes > before

    def link_decisions(
        self, *, complaint_id: str | None = None, post_id: str | None = None
    ) -> list[LinkDecision]:
        where, args = [], []
        for column, value in (("complaint_id", complaint_id), ("post_id", post_id)):
            if value is not None:
                where.append(f"{column}=?")
                args.append(value)
        sql = "SELECT doc FROM link_decisions"
        sql += (" WHERE " + " AND ".join(where)) if where else ""
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY at, id", args).fetchall()
        return [LinkDecision.model_validate_json(r["doc"]) for r in rows]

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


def _matches(complaint: Complaint, query: ComplaintQuery) -> bool:
    words = {t.lower() for t in complaint.tokens}
    if query.channel is not None and complaint.channel != query.channel:
        return False
    return all(term in words for term in query.terms)


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


__all__ = ["EmbeddedEntities"]
