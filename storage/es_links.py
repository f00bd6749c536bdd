"""Post–complaint links and officers' decisions on Elasticsearch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.models import (
    LinkDecision,
    PostComplaintLink,
)
from storage.base import decision_id
from storage.es_connection import ElasticsearchConnection
from storage.es_documents import link_id


class LinkIndices(ElasticsearchConnection):
    """Post–complaint links and officers' decisions on Elasticsearch."""

    def replace_links(self, links: Sequence[PostComplaintLink]) -> None:
        self._replace(
            self.index["links"],
            {link_id(lk): _link_source(lk) for lk in links},
            stage="links",
        )

    def _links(self, field: str, value: str) -> list[PostComplaintLink]:
        hits = self._search(
            self.index["links"],
            query={"term": {field: value}},
            size=10_000,
            source_includes=["doc"],
            sort=[{"score": "desc"}, {"post_id": "asc"}, {"complaint_id": "asc"}],
        )["hits"]["hits"]
        return [PostComplaintLink.model_validate(h["_source"]["doc"]) for h in hits]

    def links_for_complaint(self, complaint_id: str) -> list[PostComplaintLink]:
        return self._links("complaint_id", complaint_id)

    def links_for_post(self, post_id: str) -> list[PostComplaintLink]:
        return self._links("post_id", post_id)

    def links_for_posts(self, post_ids: Sequence[str]) -> list[PostComplaintLink]:
        ids = list(dict.fromkeys(post_ids))
        found: list[PostComplaintLink] = []
        for start in range(0, len(ids), 5_000):
            hits = self._search(
                self.index["links"],
                query={"terms": {"post_id": ids[start : start + 5_000]}},
                size=10_000,
                source_includes=["doc"],
            )["hits"]["hits"]
            found += [PostComplaintLink.model_validate(h["_source"]["doc"]) for h in hits]
        return sorted(found, key=lambda lk: (-lk.score, lk.post_id, lk.complaint_id))

    def upsert_links(self, links: Sequence[PostComplaintLink]) -> None:
        self._bulk(
            [
                {
                    "_op_type": "index",
                    "_index": self.index["links"],
                    "_id": link_id(lk),
                    "_source": _link_source(lk),
                }
                for lk in links
            ],
            stage="links",
        )

    def add_link_decision(self, decision: LinkDecision) -> bool:
        source = {
            "post_id": decision.post_id,
            "complaint_id": decision.complaint_id,
            "verdict": decision.verdict,
            "by": decision.by,
            "at": decision.at.isoformat(),
            "doc": decision.model_dump(mode="json"),
        }
        action = {
            "_op_type": "create",
            "_index": self.index["link-decisions"],
            "_id": decision_id(decision),
            "_source": source,
        }
        return self._create([action], stage="link-decisions") == 1

    def link_decisions(
        self, *, complaint_id: str | None = None, post_id: str | None = None
    ) -> list[LinkDecision]:
        terms = [
            {"term": {name: value}}
            for name, value in (("complaint_id", complaint_id), ("post_id", post_id))
            if value is not None
        ]
        hits = self._search(
            self.index["link-decisions"],
            query={"bool": {"filter": terms}} if terms else {"match_all": {}},
            size=10_000,
            source_includes=["doc"],
            sort=[{"at": "asc"}, {"by": "asc"}],
        )["hits"]["hits"]
        return [LinkDecision.model_validate(h["_source"]["doc"]) for h in hits]

    def count_links(self) -> int:
        return int(
            self._search(
                self.index["links"], size=0, track_total_hits=True, query={"match_all": {}}
            )["hits"]["total"]["value"]
        )


def _link_source(link: PostComplaintLink) -> dict[str, Any]:
    return {
        "post_id": link.post_id,
        "complaint_id": link.complaint_id,
        "score": link.score,
        "doc": link.model_dump(mode="json"),
    }


__all__ = ["LinkIndices"]
