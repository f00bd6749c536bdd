"""Topics on Elasticsearch: one part of ``ElasticsearchStore``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from domain.models import (
    Topic,
)
from storage.es_connection import ElasticsearchConnection


class TopicIndex(ElasticsearchConnection):
    """Topics on Elasticsearch: one part of ``ElasticsearchStore``."""

    def replace_topics(self, topics: Sequence[Topic]) -> None:
        self._replace(
            self.index["topics"],
            {
                str(t.topic_id): {
                    "topic_id": t.topic_id,
                    "label": t.label,
                    "status": t.status,
                    "spike_score": t.spike_score,
                    "size": t.size,
                    "dominant_category": t.dominant_category.value,
                    "first_seen": t.first_seen.isoformat(),
                    "last_seen": t.last_seen.isoformat(),
                    "doc": t.model_dump(mode="json"),
                }
                for t in topics
            },
            stage="topics",
        )

    def list_topics(self, *, status: str | None = None, limit: int = 100) -> list[Topic]:
        query = {"term": {"status": status}} if status else {"match_all": {}}
        hits = self._search(
            self.index["topics"],
            query=query,
            size=limit,
            source_includes=["doc"],
            sort=[{"spike_score": "desc"}, {"size": "desc"}, {"topic_id": "asc"}],
        )["hits"]["hits"]
        return [Topic.model_validate(h["_source"]["doc"]) for h in hits]

    def iter_topics(self) -> Iterator[Topic]:
        for doc in self._pages(
            self.index["topics"], query={"match_all": {}}, sort=[{"topic_id": "asc"}],
            batch_size=1000,
        ):  # fmt: skip
            yield Topic.model_validate(doc)

    def get_topic(self, topic_id: int) -> Topic | None:
        hits = self._search(
            self.index["topics"],
            query={"ids": {"values": [str(topic_id)]}},
            size=1,
            source_includes=["doc"],
        )["hits"]["hits"]
        return Topic.model_validate(hits[0]["_source"]["doc"]) if hits else None


__all__ = ["TopicIndex"]
