"""Coordinated campaigns and source profiles on Elasticsearch (posts' clusters and campaign
marks are written in ``elasticsearch.py``, with the other post writes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.models import Campaign, SourceProfile
from storage.base import CampaignQuery, SourceQuery
from storage.es_connection import ElasticsearchConnection


class CampaignIndices(ElasticsearchConnection):
    """The campaigns index: one document per flagged campaign."""

    def replace_campaigns(self, campaigns: Sequence[Campaign]) -> None:
        self._replace(
            self.index["campaigns"],
            {c.campaign_id: _source(c) for c in campaigns},
            stage="campaigns",
        )

    def get_campaigns(self, campaign_ids: Sequence[str]) -> list[Campaign]:
        if not campaign_ids:
            return []
        found: dict[str, Campaign] = {}
        ids = list(dict.fromkeys(campaign_ids))
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            hits = self._search(
                self.index["campaigns"],
                query={"ids": {"values": chunk}},
                size=len(chunk),
                source_includes=["doc"],
            )["hits"]["hits"]
            found.update({h["_id"]: Campaign.model_validate(h["_source"]["doc"]) for h in hits})
        return [found[i] for i in campaign_ids if i in found]

    def list_campaigns(
        self, query: CampaignQuery = CampaignQuery(), *, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[Campaign]]:
        result = self._search(
            self.index["campaigns"],
            query={"bool": {"filter": _filters(query)}},
            size=limit,
            from_=offset,
            track_total_hits=True,
            source_includes=["doc"],
            sort=[{"start": "desc"}, {"campaign_id": "asc"}],
        )["hits"]
        return int(result["total"]["value"]), [
            Campaign.model_validate(h["_source"]["doc"]) for h in result["hits"]
        ]


class SourceProfileIndex(ElasticsearchConnection):
    """The source-profiles index: one document per source."""

    def replace_source_profiles(self, sources: Sequence[SourceProfile]) -> None:
        self._replace(
            self.index["source-profiles"],
            {
                s.source_id: {
                    "source_id": s.source_id,
                    "kind": s.kind,
                    "platform": s.platform,
                    "reach": s.reach,
                    "grievances": s.grievances,
                    "link_rate": s.link_rate,
                    "posts": s.posts,
                    "doc": s.model_dump(mode="json"),
                }
                for s in sources
            },
            stage="source-profiles",
        )

    def list_source_profiles(
        self, query: SourceQuery = SourceQuery(), *, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[SourceProfile]]:
        filters = [
            {"term": {field: value}}
            for field, value in (("kind", query.kind), ("platform", query.platform))
            if value is not None
        ]
        result = self._search(
            self.index["source-profiles"],
            query={"bool": {"filter": filters}},
            size=limit,
            from_=offset,
            track_total_hits=True,
            source_includes=["doc"],
            sort=[{query.sort: {"order": "desc", "missing": "_last"}}, {"source_id": "asc"}],
        )["hits"]
        return int(result["total"]["value"]), [
            SourceProfile.model_validate(h["_source"]["doc"]) for h in result["hits"]
        ]

    def get_source_profile(self, source_id: str) -> SourceProfile | None:
        hits = self._search(
            self.index["source-profiles"],
            query={"ids": {"values": [source_id]}},
            size=1,
            source_includes=["doc"],
        )["hits"]["hits"]
        return SourceProfile.model_validate(hits[0]["_source"]["doc"]) if hits else None


def _source(campaign: Campaign) -> dict[str, Any]:
    return {
        "campaign_id": campaign.campaign_id,
        "kind": campaign.kind,
        "start": campaign.start.isoformat(),
        "end": campaign.end.isoformat(),
        "posts": campaign.posts,
        "post_ids": campaign.post_ids,
        "topic_ids": campaign.topic_ids,
        "accounts": campaign.accounts,
        "detected_at": campaign.detected_at.isoformat(),
        "doc": campaign.model_dump(mode="json"),
    }


def _filters(query: CampaignQuery) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = []
    span: dict[str, str] = {}
    if query.start is not None:
        span["gte"] = query.start.isoformat()
    if query.end is not None:
        span["lt"] = query.end.isoformat()
    if span:
        filters.append({"range": {"start": span}})
    for field, value in (
        ("kind", query.kind),
        ("topic_ids", query.topic_id),
        ("post_ids", query.post_id),
    ):
        if value is not None:
            filters.append({"term": {field: value}})
    return filters


__all__ = ["CampaignIndices", "SourceProfileIndex"]
