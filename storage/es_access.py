"""API keys and the audit log on Elasticsearch."""

from __future__ import annotations

from collections.abc import Sequence

from domain.models import (
    ApiKey,
    AuditEntry,
)
from storage.es_connection import ElasticsearchConnection


class AccessIndices(ElasticsearchConnection):
    """API keys and the audit log on Elasticsearch."""

    # access ------------------------------------------------------------------------------
    def put_api_key(self, key: ApiKey) -> None:
        source = {
            "key_id": key.key_id,
            "name": key.name,
            "role": key.role,
            "created_at": key.created_at.isoformat(),
            "doc": key.model_dump(mode="json"),
        }
        self._bulk(
            [{"_op_type": "index", "_index": self.index["api-keys"], "_id": key.key_id,
              "_source": source}],
            stage="api-keys",
        )  # fmt: skip

    def get_api_key(self, key_id: str) -> ApiKey | None:
        hits = self._search(
            self.index["api-keys"],
            query={"ids": {"values": [key_id]}},
            size=1,
            source_includes=["doc"],
        )["hits"]["hits"]
        return ApiKey.model_validate(hits[0]["_source"]["doc"]) if hits else None

    def list_api_keys(self) -> list[ApiKey]:
        hits = self._search(
            self.index["api-keys"],
            query={"match_all": {}},
            size=10_000,
            source_includes=["doc"],
            sort=[{"key_id": "asc"}],
        )["hits"]["hits"]
        return [ApiKey.model_validate(h["_source"]["doc"]) for h in hits]

    def add_audit(self, entries: Sequence[AuditEntry]) -> None:
        self._bulk(
            [
                {
                    "_op_type": "index",
                    "_index": self.index["audit"],
                    "_source": e.model_dump(mode="json") | {"doc": e.model_dump(mode="json")},
                }
                for e in entries
            ],
            stage="audit",
        )

    def list_audit(self, *, resource: str | None = None, limit: int = 1000) -> list[AuditEntry]:
        hits = self._search(
            self.index["audit"],
            query={"term": {"resource": resource}} if resource else {"match_all": {}},
            size=limit,
            source_includes=["doc"],
            sort=[{"at": "desc"}],
        )["hits"]["hits"]
        return [AuditEntry.model_validate(h["_source"]["doc"]) for h in hits]


__all__ = ["AccessIndices"]
