"""Post–complaint links and officers' decisions in the embedded (SQLite) store."""

from __future__ import annotations

from collections.abc import Sequence

from domain.models import (
    LinkDecision,
    PostComplaintLink,
)
from storage.base import decision_id
from storage.embedded_connection import EmbeddedConnection


class EmbeddedLinks(EmbeddedConnection):
    """Post–complaint links and officers' decisions in the embedded (SQLite) store."""

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


__all__ = ["EmbeddedLinks"]
