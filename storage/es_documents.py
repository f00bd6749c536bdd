"""How Siang's domain objects become Elasticsearch documents and queries (and back)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from elasticsearch import Elasticsearch

from domain.models import Post, PostComplaintLink
from storage.base import PostQuery
from storage.es_transport import CountingTransport


def post_source(post: Post, digest: str, vector: np.ndarray | None) -> dict[str, Any]:
    e = post.enrichment
    location = e.locations[0] if e and e.locations else None
    source: dict[str, Any] = {
        "id": post.id,
        "platform": post.platform,
        "native_id": post.native_id,
        "url": post.url,
        "author": post.author,
        "text": post.text,
        "created_at": post.created_at.isoformat(),
        "collected_at": post.collected_at.isoformat(),
        "engagement": post.engagement.model_dump(),
        "language": post.language,
        "source": post.source,
        "synthetic": post.synthetic,
        "content_hash": digest,
        "enriched": e is not None,
        "topic_id": post.topic_id,
        "doc": post.model_dump(mode="json"),
    }
    if e is not None:
        source.update(
            {
                "tokens": " ".join(t.lower().replace(" ", "_") for t in e.tokens),
                "sentiment": e.sentiment.label,
                "sentiment_score": e.sentiment.score,
                "category": e.category.label.value,
                "category_confidence": e.category.confidence,
                "is_grievance": e.is_grievance,
                "agency": e.agency,
                "hashtags": e.hashtags,
                "province": location.province if location else None,
                "district": location.district if location else None,
            }
        )
        if location:
            source["location"] = {"lat": location.lat, "lon": location.lon}
    if vector is not None:
        source["embedding"] = [float(x) for x in vector]
    return source


def post_query(query: PostQuery) -> dict[str, Any]:
    must: list[dict[str, Any]] = []
    filters: list[dict[str, Any]] = []
    if query.terms:
        must.append(
            {
                "match": {
                    "tokens": {"query": " ".join(t.lower() for t in query.terms), "operator": "and"}
                }
            }
        )
    if query.start or query.end:
        bounds: dict[str, str] = {}
        if query.start:
            bounds["gte"] = query.start.isoformat()
        if query.end:
            bounds["lt"] = query.end.isoformat()
        filters.append({"range": {"created_at": bounds}})
    if query.platforms:
        filters.append({"terms": {"platform": list(query.platforms)}})
    for field, value in (
        ("province", query.province),
        ("sentiment", query.sentiment),
        ("category", query.category),
        ("topic_id", query.topic_id),
        ("is_grievance", query.is_grievance),
    ):
        if value is not None:
            filters.append({"term": {field: value}})
    if query.ids is not None:
        filters.append({"ids": {"values": list(query.ids)}})
    if not must and not filters:
        return {"match_all": {}}
    return {"bool": {"must": must, "filter": filters}}


def bucket_key(value: Any) -> str | None:
    return None if value == "__none__" else str(value)


def vector_matrix(ids: Sequence[str], found: Mapping[str, Sequence[float]]) -> np.ndarray:
    if not found:
        return np.zeros((len(ids), 0), np.float32)
    dim = len(next(iter(found.values())))
    return np.vstack([np.asarray(found.get(i, [0.0] * dim), np.float32) for i in ids])


def link_id(link: PostComplaintLink) -> str:
    return hashlib.sha256(f"{link.post_id}\0{link.complaint_id}".encode()).hexdigest()[:32]


def _tls(ca_certs: str | None) -> dict[str, Any]:
    return {"ca_certs": ca_certs} if ca_certs else {}


def build_client(
    hosts: Sequence[str],
    *,
    username: str,
    password: str | None,
    ca_certs: str | None = None,
    request_timeout: float = 30.0,
) -> Elasticsearch:
    """The official client with retries on timeouts, 429 and 5xx, counted for /metrics."""
    return Elasticsearch(
        list(hosts),
        basic_auth=(username, password) if password else None,
        request_timeout=request_timeout,
        retry_on_timeout=True,
        max_retries=3,
        retry_on_status=(429, 502, 503, 504),
        transport_class=CountingTransport,
        **_tls(ca_certs),
    )


__all__ = ["bucket_key", "build_client", "link_id", "post_query", "post_source", "vector_matrix"]
