"""Elasticsearch backend of :class:`storage.base.Store` (production, scales past one machine).

Posts go to monthly indices ``<prefix>-posts-YYYY.MM`` behind the read alias
``<prefix>-posts``; other entities have one index each. Thai text is tokenised by Siang and
indexed with the built-in ``whitespace`` analyzer (the integ-test distribution ships no
analysis plugins). The full domain object is kept in a non-indexed ``doc`` field so reads
round-trip exactly. Writes use the official bulk helpers with retries and backoff on 429
and 5xx; documents the cluster rejects are quarantined with the reason.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, TypeVar

import numpy as np
from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError
from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch.helpers import streaming_bulk

from domain.errors import StoreError, StoreUnavailable
from domain.models import MAX_ID_BYTES, Post, QuarantinedRecord
from storage.base import Bucket, Dimension, Interval, Page, PostQuery, SearchResult, UpsertCounts
from storage.embedded import content_hash
from storage.es_documents import (
    bucket_key,
    build_client,
    post_query,
    post_source,
)
from storage.es_emergences import EmergenceIndex
from storage.es_entities import EntityIndices
from storage.es_operations import OperationIndices

log = logging.getLogger(__name__)
T = TypeVar("T")
_BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")
_FIELDS: dict[str, str] = {
    "topic": "topic_id",
    "province": "province",
    "sentiment": "sentiment",
    "category": "category",
    "platform": "platform",
}


class ElasticsearchStore(EntityIndices, EmergenceIndex, OperationIndices):
    """Store on an Elasticsearch 8 cluster (client built at the edge and passed in)."""

    def __init__(
        self,
        client: Elasticsearch,
        *,
        prefix: str = "siang",
        refresh: bool = True,
        max_retries: int = 3,
        initial_backoff: float = 0.2,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.refresh = refresh
        self.max_retries = max_retries
        self.initial_backoff = initial_backoff
        self.posts_alias = f"{prefix}-posts"
        self.index = {
            name: f"{prefix}-{name}"
            for name in (
                "complaints",
                "topics",
                "links",
                "link-decisions",
                "alerts",
                "quarantine",
                "sources",
                "api-keys",
                "audit",
                "alert-rules",
                "emergences",
                "stages",
            )
        }

    def posts_index(self, created_at: datetime) -> str:
        return f"{self.posts_alias}-{created_at.astimezone(UTC):%Y.%m}"

    def close(self) -> None:
        self.client.close()

    # writes ----------------------------------------------------------------------------
    def _retrying(self, call: Callable[[], T], *, stage: str) -> T:
        """Run ``call``, retrying 429, 5xx and connection failures with exponential backoff
        and jitter; after the last attempt raise ``StoreUnavailable`` (callers may spool)."""
        delay = self.initial_backoff
        for attempt in range(self.max_retries + 1):
            try:
                return call()
            except (ESConnectionError, TransportError) as exc:
                failure: Exception = exc
            except ApiError as exc:
                if exc.status_code < 500 and exc.status_code != 429:
                    raise StoreError(f"Elasticsearch refused {stage}: {exc}") from exc
                failure = exc
            if attempt == self.max_retries:
                raise StoreUnavailable(
                    f"Elasticsearch unavailable during {stage} after {attempt + 1} attempts: "
                    f"{failure}"
                ) from failure
            log.warning("%s: %s; retrying in %.1fs", stage, failure, delay)
            time.sleep(delay * (1 + random.random() / 2))
            delay *= 2
        raise AssertionError("unreachable")

    def _bulk(self, actions: list[dict[str, Any]], *, stage: str) -> list[dict[str, Any]]:
        """Run bulk actions; return per-document failures (429s are retried per document)."""
        if not actions:
            return []

        def run() -> list[dict[str, Any]]:
            failures: list[dict[str, Any]] = []
            for ok, item in streaming_bulk(
                self.client,
                actions,
                raise_on_error=False,
                raise_on_exception=True,
                max_retries=self.max_retries,
                initial_backoff=self.initial_backoff,
                refresh="wait_for" if self.refresh else False,
                chunk_size=500,
            ):
                if not ok:
                    failures.append(next(iter(item.values())))
            return failures

        failures = self._retrying(run, stage=stage)
        if failures:
            self._quarantine_failures(failures, stage=stage, actions=actions)
        return failures

    def _quarantine_failures(
        self, failures: list[dict[str, Any]], *, stage: str, actions: list[dict[str, Any]]
    ) -> None:
        by_id = {a["_id"]: a for a in actions}
        now = datetime.now(UTC)
        records = []
        for failure in failures:
            status = failure.get("status", 0)
            if status >= 500 or status == 429:
                raise StoreUnavailable(f"Elasticsearch kept failing during {stage}: {failure}")
            error = failure.get("error", {})
            reason = error.get("reason", str(error)) if isinstance(error, dict) else str(error)
            action = by_id.get(failure.get("_id"), {})
            payload = action.get("_source", action.get("doc", {})).get("doc", {})
            records.append(
                QuarantinedRecord(
                    stage=stage,
                    source="elasticsearch",
                    reason=f"{failure.get('_id')}: {reason}",
                    payload=str(payload),
                    received_at=now,
                )
            )
        log.warning("%d documents rejected during %s", len(records), stage)
        self.quarantine(records)

    def _existing_posts(
        self, ids: Sequence[str], *, vectors: bool = False
    ) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 1000):
            chunk = list(ids[start : start + 1000])
            response = self._search(
                self.posts_alias,
                query={"ids": {"values": chunk}},
                size=len(chunk),
                source_includes=["content_hash", "doc", "enriched", "topic_id"]
                + (["embedding"] if vectors else []),
            )
            for hit in response["hits"]["hits"]:
                found[hit["_id"]] = {"_index": hit["_index"], **hit["_source"]}
        return found

    def upsert_posts(self, posts: Sequence[Post]) -> UpsertCounts:
        """Counts come from the bulk results: a document the cluster refuses is quarantined
        with the reason and counted as ``refused``, never as written. An id longer than
        Elasticsearch allows (512 bytes) would fail the whole request: it is refused first."""
        counts = UpsertCounts()
        unique = list({p.id: p for p in posts}.values())
        counts.unchanged += len(posts) - len(unique)
        too_long = [p for p in unique if len(p.id.encode("utf-8")) > MAX_ID_BYTES]
        if too_long:
            counts.refused += self._refuse_ids(too_long)
            unique = [p for p in unique if len(p.id.encode("utf-8")) <= MAX_ID_BYTES]
        existing = self._existing_posts([p.id for p in unique])
        actions: list[dict[str, Any]] = []
        written: dict[str, bool] = {}  # id → whether it was stored before (an update)
        for post in unique:
            digest = content_hash(post)
            old = existing.get(post.id)
            if old and old.get("content_hash") == digest:
                counts.unchanged += 1
                continue
            written[post.id] = old is not None
            index = self.posts_index(post.created_at)
            if old and old["_index"] != index:
                actions.append({"_op_type": "delete", "_index": old["_index"], "_id": post.id})
            fresh = post.model_copy(update={"enrichment": None, "topic_id": None})
            actions.append(
                {
                    "_op_type": "index",
                    "_index": index,
                    "_id": post.id,
                    "_source": post_source(fresh, digest, None),
                }
            )
        failed = {f.get("_id") for f in self._bulk(actions, stage="ingest")}
        for post_id, was_stored in written.items():
            if post_id in failed:
                counts.refused += 1
            elif was_stored:
                counts.updated += 1
            else:
                counts.created += 1
        return counts

    def _refuse_ids(self, posts: Sequence[Post]) -> int:
        now = datetime.now(UTC)
        return self.quarantine(
            [
                QuarantinedRecord(
                    stage="ingest",
                    source="elasticsearch",
                    reason=f"id is {len(p.id.encode('utf-8'))} bytes; Elasticsearch allows at "
                    f"most {MAX_ID_BYTES}",
                    payload=p.model_dump_json(),
                    received_at=now,
                )
                for p in posts
            ]
        )

    def save_enrichment(self, posts: Sequence[Post], vectors: np.ndarray | None) -> int:
        existing = self._existing_posts([p.id for p in posts], vectors=True)
        actions = []
        for i, post in enumerate(posts):
            if post.enrichment is None:
                raise StoreError(f"post {post.id} has no enrichment to save")
            old = existing.get(post.id)
            if old is None:
                raise StoreError(f"post {post.id} must be ingested before it is enriched")
            stored = Post.model_validate(old["doc"])
            doc = stored.model_copy(
                update={"enrichment": post.enrichment, "topic_id": old.get("topic_id")}
            )
            vector = vectors[i] if vectors is not None and vectors.shape[1] else None
            source = post_source(doc, old["content_hash"], vector)
            same_vector = vector is None or (
                old.get("embedding") is not None
                and np.allclose(old["embedding"], vector, atol=1e-6)
            )
            if vector is None and old.get("embedding") is not None:
                source["embedding"] = old["embedding"]
            if old.get("enriched") and old["doc"] == source["doc"] and same_vector:
                continue
            actions.append(
                {"_op_type": "index", "_index": old["_index"], "_id": post.id, "_source": source}
            )
        failures = self._bulk(actions, stage="enrich")
        return len(actions) - len(failures)

    def assign_topics(self, assignments: Mapping[str, int | None]) -> int:
        ids = list(assignments)
        existing = self._existing_posts(ids)
        actions = []
        for post_id, topic_id in assignments.items():
            old = existing.get(post_id)
            if old is None or old.get("topic_id") == topic_id:
                continue
            doc = dict(old["doc"])
            doc["topic_id"] = topic_id
            actions.append(
                {
                    "_op_type": "update",
                    "_index": old["_index"],
                    "_id": post_id,
                    "doc": {"topic_id": topic_id, "doc": doc},
                }
            )
        failures = self._bulk(actions, stage="topics")
        return len(actions) - len(failures)

    # reads -----------------------------------------------------------------------------
    def _search(self, index: str, **body: Any) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            try:
                return dict(
                    self.client.search(
                        index=index, ignore_unavailable=True, allow_no_indices=True, **body
                    )
                )
            except NotFoundError:
                return {"hits": {"total": {"value": 0}, "hits": []}, "aggregations": {}}

        return self._retrying(run, stage="search")

    def get_post(self, post_id: str) -> Post | None:
        hits = self._search(
            self.posts_alias, query={"ids": {"values": [post_id]}}, size=1, source_includes=["doc"]
        )["hits"]["hits"]
        return Post.model_validate(hits[0]["_source"]["doc"]) if hits else None

    def search_posts(self, query: PostQuery, page: Page = Page()) -> SearchResult:
        sorts: dict[str, list[Any]] = {
            "newest": [{"created_at": "desc"}, {"id": "asc"}],
            "oldest": [{"created_at": "asc"}, {"id": "asc"}],
            "relevance": ["_score", {"created_at": "desc"}, {"id": "asc"}],
        }
        sort = sorts[page.sort]
        response = self._search(
            self.posts_alias,
            query=post_query(query),
            sort=sort,
            size=page.limit,
            from_=page.offset,
            track_total_hits=True,
            source_includes=["doc"],
        )
        hits = response["hits"]["hits"]
        return SearchResult(
            int(response["hits"]["total"]["value"]),
            [Post.model_validate(h["_source"]["doc"]) for h in hits],
            [float(h.get("_score") or 0.0) for h in hits],
        )

    def iter_posts(
        self, query: PostQuery = PostQuery(), *, unenriched: bool = False, batch_size: int = 500
    ) -> Iterator[Post]:
        es_query = post_query(query)
        if unenriched:
            es_query = {"bool": {"must": [es_query], "filter": [{"term": {"enriched": False}}]}}
        after: list[Any] | None = None
        while True:
            extra = {"search_after": after} if after else {}
            hits = self._search(
                self.posts_alias,
                query=es_query,
                sort=[{"id": "asc"}],
                size=batch_size,
                source_includes=["doc"],
                **extra,
            )["hits"]["hits"]
            if not hits:
                return
            for hit in hits:
                yield Post.model_validate(hit["_source"]["doc"])
            after = hits[-1]["sort"]

    def count_posts(self, query: PostQuery = PostQuery()) -> int:
        response = self._search(
            self.posts_alias, query=post_query(query), size=0, track_total_hits=True
        )
        return int(response["hits"]["total"]["value"])

    def counts(
        self,
        query: PostQuery = PostQuery(),
        *,
        interval: Interval | None = None,
        by: Dimension | None = None,
    ) -> list[Bucket]:
        terms = (
            {"terms": {"field": _FIELDS[by], "size": 10_000, "missing": "__none__"}} if by else None
        )
        if interval:
            histogram: dict[str, Any] = {
                "date_histogram": {
                    "field": "created_at",
                    "time_zone": "+07:00",
                    "min_doc_count": 1,
                    **(
                        {"fixed_interval": "1h"}
                        if interval == "hour"
                        else {"calendar_interval": "1d"}
                    ),
                }
            }
            if terms:
                histogram["aggs"] = {"k": terms}
            aggs = {"t": histogram}
        else:
            aggs = {"k": terms} if terms else {}
        response = self._search(
            self.posts_alias, query=post_query(query), size=0, aggs=aggs, track_total_hits=True
        )
        if not aggs:
            total = int(response["hits"]["total"]["value"])
            return [Bucket(None, None, total)] if total else []
        result = response.get("aggregations", {})
        buckets: list[Bucket] = []
        if interval:
            for tb in result.get("t", {}).get("buckets", []):
                moment = datetime.fromtimestamp(tb["key"] / 1000, UTC).astimezone(_BANGKOK)
                if terms:
                    buckets += [
                        Bucket(moment, bucket_key(kb["key"]), int(kb["doc_count"]))
                        for kb in tb["k"]["buckets"]
                    ]
                else:
                    buckets.append(Bucket(moment, None, int(tb["doc_count"])))
        else:
            buckets = [
                Bucket(None, bucket_key(kb["key"]), int(kb["doc_count"]))
                for kb in result.get("k", {}).get("buckets", [])
            ]
        return sorted(
            buckets,
            key=lambda b: (
                b.time or datetime.min.replace(tzinfo=UTC),
                "" if b.key is None else b.key,
            ),
        )

    def post_vectors(self, post_ids: Sequence[str]) -> np.ndarray:
        return self._vectors(self.posts_alias, post_ids)

    def nearest_posts(
        self, vector: np.ndarray, *, k: int = 10, query: PostQuery = PostQuery()
    ) -> list[tuple[str, float]]:
        knn: dict[str, Any] = {
            "field": "embedding",
            "query_vector": [float(x) for x in vector],
            "k": k,
            "num_candidates": max(100, 10 * k),
        }
        if query != PostQuery():
            knn["filter"] = post_query(query)
        hits = self._search(self.posts_alias, knn=knn, size=k, source=False)["hits"]["hits"]
        # Elasticsearch reports cosine as (1 + cos) / 2; give callers the cosine itself.
        return [(h["_id"], 2.0 * float(h["_score"]) - 1.0) for h in hits]

    def _create(self, actions: list[dict[str, Any]], *, stage: str) -> int:
        """``create`` ops: a 409 (already there) is success by design, not a rejection."""
        if not actions:
            return 0

        def run() -> int:
            created = 0
            for ok, item in streaming_bulk(
                self.client,
                actions,
                raise_on_error=False,
                max_retries=self.max_retries,
                initial_backoff=self.initial_backoff,
                refresh="wait_for" if self.refresh else False,
            ):
                result = next(iter(item.values()))
                if ok:
                    created += 1
                elif result.get("status") != 409:
                    raise StoreError(f"Elasticsearch refused {stage}: {result.get('error')}")
            return created

        return self._retrying(run, stage=stage)


__all__ = ["ElasticsearchStore", "StoreUnavailable", "build_client"]
