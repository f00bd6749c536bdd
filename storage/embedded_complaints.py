"""Complaints in the embedded (SQLite) store: one part of ``EmbeddedStore``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

import numpy as np

from domain.models import (
    Complaint,
)
from storage.base import ComplaintQuery, UpsertCounts
from storage.embedded_connection import EmbeddedConnection


class EmbeddedComplaints(EmbeddedConnection):
    """Complaints in the embedded (SQLite) store: one part of ``EmbeddedStore``."""

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

    def get_complaints(self, complaint_ids: Sequence[str]) -> list[Complaint]:
        docs = self._docs_by_ids("complaints", complaint_ids)
        return [Complaint.model_validate_json(docs[c]) for c in complaint_ids if c in docs]

    def iter_complaints(self, *, batch_size: int = 500) -> Iterator[Complaint]:
        after: tuple[int, str] | None = None
        while True:
            with self._lock:
                rows = self._db.execute(
                    "SELECT doc, filed_at, id FROM complaints"
                    + (" WHERE (filed_at, id) > (?, ?)" if after else "")
                    + " ORDER BY filed_at, id LIMIT ?",
                    (*after, batch_size) if after else (batch_size,),
                ).fetchall()
            if not rows:
                return
            for row in rows:
                yield Complaint.model_validate_json(row["doc"])
            after = (rows[-1]["filed_at"], rows[-1]["id"])

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


def _matches(complaint: Complaint, query: ComplaintQuery) -> bool:
    words = {t.lower() for t in complaint.tokens}
    if query.channel is not None and complaint.channel != query.channel:
        return False
    return all(term in words for term in query.terms)


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


__all__ = ["EmbeddedComplaints"]
