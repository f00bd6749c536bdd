"""How Siang's domain objects become Elasticsearch documents and queries (and back)."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
from elasticsearch import Elasticsearch

from domain.errors import StoreError
from domain.models import Post, PostComplaintLink
from storage.base import PostQuery
from storage.es_transport import CountingTransport
from storage.fulltext import index_body

_ASCII_DIGITS = np.frombuffer(b"0123456789", np.uint8)


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
                "tokens": index_body(e.tokens),
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


def vector_row(vectors: np.ndarray | None, i: int) -> np.ndarray | None:
    """Row ``i`` of row-aligned vectors; None when there are none (no embedder)."""
    return vectors[i] if vectors is not None and vectors.shape[1] else None


def enriched_source(
    doc: Post,
    digest: str,
    vector: np.ndarray | None,
    old: Mapping[str, Any] | None,
    stored_vector: list[float] | None,
) -> dict[str, Any] | None:
    """The source of enriched ``doc`` without its new ``vector`` (``source_json`` adds
    it; the stored vector is kept when none is given), or None when ``old``, the stored
    state of the same content, holds all of it already."""
    source = post_source(doc, digest, None)
    if vector is None and stored_vector is not None:
        source["embedding"] = stored_vector
    same_vector = vector is None or (
        stored_vector is not None and np.allclose(stored_vector, vector, atol=1e-6)
    )
    if old is not None and old.get("enriched") and old["doc"] == source["doc"] and same_vector:
        return None
    return source


def vector_json(matrix: np.ndarray) -> list[str]:
    """Each row of ``matrix`` as a JSON array that Elasticsearch reads back to the very same
    float32 values: 9 significant digits (enough for any float32), formatted by numpy for
    the whole matrix at once. Python's ``json`` writes a float32 as its 17-digit float64
    repr, one value at a time: 5 times slower and a third longer. Rows with NaN or
    infinity are written as ``json`` writes them, for the cluster to refuse."""
    x = np.atleast_2d(np.asarray(matrix, np.float32)).astype(np.float64)
    if not np.isfinite(x).all():
        return [json.dumps(row.tolist()) for row in x]
    magnitude = np.abs(x)
    nonzero = magnitude > 0
    exponent = np.zeros(x.shape, np.int64)
    exponent[nonzero] = np.floor(np.log10(magnitude[nonzero]))

    def mantissa() -> np.ndarray:  # the 9 significant digits, as an integer
        digits = np.zeros(x.shape, np.int64)
        digits[nonzero] = np.rint(magnitude[nonzero] * 10.0 ** (8 - exponent[nonzero]))
        return digits

    digits = mantissa()
    low = nonzero & (digits < 10**8)  # log10 rounded up past a power of ten
    if low.any():
        exponent[low] -= 1
        digits = mantissa()
    high = digits >= 10**9  # rounded up to 10.00000000
    digits[high] //= 10
    exponent[high] += 1
    rows, dims = x.shape
    text = np.empty((rows, dims, 16), np.uint8)  # " 1.23456789e-02," per value
    text[..., 0] = np.where(x < 0, ord("-"), ord(" "))
    for k in range(9):
        text[..., 1 + k + (k > 0)] = _ASCII_DIGITS[(digits // 10 ** (8 - k)) % 10]
    text[..., 2] = ord(".")
    text[..., 11] = ord("e")
    text[..., 12] = np.where(exponent < 0, ord("-"), ord("+"))
    text[..., 13] = _ASCII_DIGITS[(np.abs(exponent) // 10) % 10]
    text[..., 14] = _ASCII_DIGITS[np.abs(exponent) % 10]
    text[..., 15] = ord(",")
    text[:, -1, 15] = ord("]")
    return ["[" + row.tobytes().decode("ascii") for row in text.reshape(rows, dims * 16)]


def source_json(source: Mapping[str, Any], vector: str) -> str:
    """``source`` as the JSON the client would send, with ``vector`` (a ``vector_json``
    row) as its ``embedding``."""
    body = json.dumps(source, ensure_ascii=False, separators=(",", ":"))
    return body[:-1] + ',"embedding":' + vector + "}"


def post_query(query: PostQuery) -> dict[str, Any]:
    must: list[dict[str, Any]] = []
    filters: list[dict[str, Any]] = []
    if query.terms:
        must.append({"match": {"tokens": {"query": index_body(query.terms), "operator": "and"}}})
    if query.start or query.end:
        bounds: dict[str, str] = {}
        if query.start:
            bounds["gte"] = _whole_second(query.start)
        if query.end:
            bounds["lt"] = _whole_second(query.end)
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


def _whole_second(moment: datetime) -> str:
    """``moment`` down to its second, as the embedded store compares times (it keeps whole
    seconds): a bound of 10:00:00.5 means 10:00:00 in both stores, so a post at 10:00:00.2
    is inside ``[start, end)`` in both or in neither."""
    if moment.tzinfo is None:
        raise StoreError("timestamps must be timezone-aware")
    return datetime.fromtimestamp(math.floor(moment.timestamp()), moment.tzinfo).isoformat()


# What a terms aggregation buckets documents without the field under: a keyword field
# takes a string, a numeric one (topic_id) only a number of its type.
MISSING_KEYWORD = "__none__"
MISSING_NUMBER = -(2**31)


def bucket_key(value: Any) -> str | None:
    return None if value in (MISSING_KEYWORD, MISSING_NUMBER) else str(value)


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


__all__ = [
    "bucket_key",
    "build_client",
    "enriched_source",
    "link_id",
    "post_query",
    "post_source",
    "source_json",
    "vector_json",
    "vector_matrix",
    "vector_row",
]
