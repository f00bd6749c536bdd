"""Complaints on Elasticsearch: one part of ``ElasticsearchStore``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from domain.models import (
    Complaint,
)
from storage.base import ComplaintQuery, UpsertCounts
from storage.es_connection import ElasticsearchConnection


class ComplaintIndex(ElasticsearchConnection):
    """Complaints on Elasticsearch: one part of ``ElasticsearchStore``."""

    # complaints ----------------------------------------------------------------------------
    def upsert_complaints(
        self, complaints: Sequence[Complaint], vectors: np.ndarray | None = None
    ) -> UpsertCounts:
        counts = UpsertCounts()
        index = self.index["complaints"]
        ids = [c.complaint_id for c in complaints]
        existing = (
            {
                h["_id"]: h["_source"]
                for h in self._search(
                    index,
                    query={"ids": {"values": ids}},
                    size=max(len(ids), 1),
                    source_includes=["doc", "embedding"],
                )["hits"]["hits"]
            }
            if ids
            else {}
        )
        actions = []
        for i, complaint in enumerate(complaints):
            doc = complaint.model_dump(mode="json")
            vector = vectors[i] if vectors is not None and vectors.shape[1] else None
            old = existing.get(complaint.complaint_id)
            same_vector = vector is None or (
                old is not None
                and old.get("embedding") is not None
                and np.allclose(old["embedding"], vector, atol=1e-6)
            )
            if old and old["doc"] == doc and same_vector:
                counts.unchanged += 1
                continue
            source: dict[str, Any] = {
                "complaint_id": complaint.complaint_id,
                "filed_at": complaint.filed_at.isoformat(),
                "channel": complaint.channel,
                "category": complaint.category.value,
                "agency": complaint.agency,
                "province": complaint.province,
                "district": complaint.district,
                "status": complaint.status,
                "tokens": " ".join(complaint.tokens),
                "subject": complaint.subject,
                "description": complaint.description,
                "doc": doc,
            }
            if vector is not None:
                source["embedding"] = [float(x) for x in vector]
            elif old and old.get("embedding"):
                source["embedding"] = old["embedding"]
            actions.append(
                {
                    "_op_type": "index",
                    "_index": index,
                    "_id": complaint.complaint_id,
                    "_source": source,
                }
            )
            if old and old["doc"] == doc:
                counts.unchanged += 1
            elif old:
                counts.updated += 1
            else:
                counts.created += 1
        self._bulk(actions, stage="complaints")
        return counts

    def get_complaint(self, complaint_id: str) -> Complaint | None:
        hits = self._search(
            self.index["complaints"],
            query={"ids": {"values": [complaint_id]}},
            size=1,
            source_includes=["doc"],
        )["hits"]["hits"]
        return Complaint.model_validate(hits[0]["_source"]["doc"]) if hits else None

    def get_complaints(self, complaint_ids: Sequence[str]) -> list[Complaint]:
        docs = self._docs_by_ids(self.index["complaints"], complaint_ids)
        return [Complaint.model_validate(docs[c]) for c in complaint_ids if c in docs]

    def iter_complaints(self, *, batch_size: int = 500) -> Iterator[Complaint]:
        for doc in self._pages(
            self.index["complaints"],
            query={"match_all": {}},
            sort=[{"filed_at": "asc"}, {"complaint_id": "asc"}],
            batch_size=batch_size,
        ):
            yield Complaint.model_validate(doc)

    def search_complaints(
        self, query: ComplaintQuery, *, limit: int = 20, offset: int = 0
    ) -> tuple[int, list[Complaint]]:
        filters: list[dict[str, Any]] = [
            {"term": {name: value}}
            for name, value in (
                ("province", query.province),
                ("category", query.category),
                ("status", query.status),
                ("channel", query.channel),
            )
            if value is not None
        ]
        filters += [{"match": {"tokens": {"query": t, "operator": "and"}}} for t in query.terms]
        span = {k: v.isoformat() for k, v in (("gte", query.start), ("lt", query.end)) if v}
        if span:
            filters.append({"range": {"filed_at": span}})
        found = self._search(
            self.index["complaints"],
            query={"bool": {"filter": filters}},
            from_=offset,
            size=limit,
            track_total_hits=True,
            source_includes=["doc"],
            sort=[{"filed_at": "desc"}, {"complaint_id": "asc"}],
        )["hits"]
        return int(found["total"]["value"]), [
            Complaint.model_validate(h["_source"]["doc"]) for h in found["hits"]
        ]

    def complaint_vectors(self, complaint_ids: Sequence[str]) -> np.ndarray:
        return self._vectors(self.index["complaints"], complaint_ids)


__all__ = ["ComplaintIndex"]
