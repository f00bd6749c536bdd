"""Emergences on Elasticsearch: one index, ``<prefix>-emergences``; the detector's watermark
is one document in it with ``record: state``. A mixin of ``ElasticsearchStore``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from domain.models import Emergence
from storage.base import EmergenceQuery, UpsertCounts
from storage.es_connection import ElasticsearchConnection

_STATE_ID = "state:judged_until"


class EmergenceIndex(ElasticsearchConnection):
    def upsert_emergences(
        self, emergences: Sequence[Emergence], *, judged_until: datetime
    ) -> UpsertCounts:
        index = self.index["emergences"]
        ids = [e.episode_id for e in emergences]
        stored = (
            {
                h["_id"]: h["_source"]["doc"]
                for h in self._search(
                    index, query={"ids": {"values": ids}}, size=len(ids), source_includes=["doc"]
                )["hits"]["hits"]
            }
            if ids
            else {}
        )
        counts = UpsertCounts()
        actions: list[dict[str, Any]] = []
        for e in emergences:
            doc = e.model_dump(mode="json")
            old = stored.get(e.episode_id)
            if old == doc:
                counts.unchanged += 1
                continue
            if old is None:
                counts.created += 1
            else:
                counts.updated += 1
            actions.append(
                {
                    "_index": index,
                    "_id": e.episode_id,
                    "_source": {
                        "record": "emergence",
                        "episode_id": e.episode_id,
                        "kind": e.kind,
                        "category": e.category.value if e.category else None,
                        "province": e.province,
                        "topic_id": e.topic_id,
                        "score": e.score,
                        "detected_at": e.detected_at.isoformat(),
                        "doc": doc,
                    },
                }
            )
        previous = self.emergences_judged_until()
        if previous is None or previous < judged_until:
            actions.append(
                {
                    "_index": index,
                    "_id": _STATE_ID,
                    "_source": {"record": "state", "judged_until": judged_until.isoformat()},
                }
            )
        self._bulk(actions, stage="emergences")
        return counts

    def list_emergences(
        self, query: EmergenceQuery = EmergenceQuery(), *, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[Emergence]]:
        result = self._search(
            self.index["emergences"],
            query={"bool": {"filter": _filters(query)}},
            size=limit,
            from_=offset,
            track_total_hits=True,
            source_includes=["doc"],
            sort=[{"score": "desc"}, {"detected_at": "desc"}, {"episode_id": "asc"}],
        )["hits"]
        return int(result["total"]["value"]), [
            Emergence.model_validate(h["_source"]["doc"]) for h in result["hits"]
        ]

    def emergences_judged_until(self) -> datetime | None:
        hits = self._search(
            self.index["emergences"],
            query={"ids": {"values": [_STATE_ID]}},
            size=1,
            source_includes=["judged_until"],
        )["hits"]["hits"]
        return datetime.fromisoformat(hits[0]["_source"]["judged_until"]) if hits else None


def _filters(query: EmergenceQuery) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = [{"term": {"record": "emergence"}}]
    span: dict[str, str] = {}
    if query.detected_from is not None:
        span["gte"] = query.detected_from.isoformat()
    if query.detected_to is not None:
        span["lt"] = query.detected_to.isoformat()
    if span:
        filters.append({"range": {"detected_at": span}})
    for field, value in (
        ("kind", query.kind),
        ("category", query.category),
        ("province", query.province),
        ("topic_id", query.topic_id),
        ("episode_id", query.episode_id),
    ):
        if value is not None:
            filters.append({"term": {field: value}})
    if query.min_score is not None:
        filters.append({"range": {"score": {"gte": query.min_score}}})
    return filters


__all__ = ["EmergenceIndex"]
