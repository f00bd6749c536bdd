"""Elasticsearch backend of :class:`storage.base.Store` (production, scales past one machine).

Posts go to monthly indices ``<prefix>-posts-YYYY.MM`` behind the read alias
``<prefix>-posts``; other entities have one index each. Thai text is tokenised by Siang and
indexed with the built-in ``whitespace`` analyzer (the integ-test distribution ships no
analysis plugins). The full domain object is kept in a non-indexed ``doc`` field so reads
round-trip exactly. Writes use the official bulk helpers with retries and backoff on 429
and 5xx; documents the cluster rejects are quarantined with the reason.

Writes become visible to search once per write call, never per bulk chunk, and a stage
that loads many posts (``bulk_load``) refreshes once when it ends (``storage.es_bulk``).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, TypeVar

import numpy as np
from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch import ConnectionError as ESConnectionError

from domain.errors import QueryError, StoreError, StoreUnavailable
from domain.models import MAX_ID_BYTES, Post, QuarantinedRecord
from storage.base import (
    UNMARKED,
    Bucket,
    Dimension,
    Interval,
    Page,
    PostQuery,
    SearchResult,
    UpsertCounts,
)
from storage.embedded import content_hash
from storage.es_access import AccessIndices
from storage.es_alerts import AlertIndices
from storage.es_bulk import BULK_CHUNK_SIZE, BULK_THREADS, BulkWriter
from storage.es_campaigns import CampaignIndices, SourceProfileIndex
from storage.es_complaints import ComplaintIndex
from storage.es_connection import ElasticsearchConnection
from storage.es_documents import (
    MISSING_KEYWORD,
    MISSING_NUMBER,
    bucket_key,
    build_client,
    enriched_source,
    post_query,
    post_source,
    source_json,
    vector_json,
    vector_row,
)
from storage.es_emergences import EmergenceIndex
from storage.es_intake import IntakeIndices
from storage.es_links import LinkIndices
from storage.es_operations import OperationIndices
from storage.es_topics import TopicIndex
from storage.es_tracking import TrackingIndices

log = logging.getLogger(__name__)
T = TypeVar("T")
_BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")
MAX_RESULT_WINDOW = 10_000  # index.max_result_window: from + size may not pass it
PIT_KEEP_ALIVE = "5m"  # how long a deep-paging point in time waits for the next page
_SORTS: dict[str, list[Any]] = {
    "newest": [{"created_at": "desc"}, {"id": "asc"}],
    "oldest": [{"created_at": "asc"}, {"id": "asc"}],
    "relevance": ["_score", {"created_at": "desc"}, {"id": "asc"}],
}
_STATE = ["content_hash", "doc", "enriched", "topic_id"]  # what a write compares with
_FIELDS: dict[str, str] = {
    "topic": "topic_id",
    "province": "province",
    "sentiment": "sentiment",
    "category": "category",
    "platform": "platform",
}


class ElasticsearchStore(
    CampaignIndices,
    SourceProfileIndex,
    ComplaintIndex,
    TopicIndex,
    LinkIndices,
    TrackingIndices,
    AlertIndices,
    AccessIndices,
    IntakeIndices,
    EmergenceIndex,
    OperationIndices,
    ElasticsearchConnection,
):
    """Store on an Elasticsearch 8 cluster (client built at the edge and passed in)."""

    def __init__(
        self,
        client: Elasticsearch,
        *,
        prefix: str = "siang",
        refresh: bool = True,
        max_retries: int = 3,
        initial_backoff: float = 0.2,
        chunk_size: int = BULK_CHUNK_SIZE,
        bulk_threads: int = BULK_THREADS,
    ) -> None:
        """``refresh``: every write call makes what it wrote visible to search before it
        returns (one refresh per call); without it, and inside ``bulk_load``, writes become
        visible at ``refresh()``. ``chunk_size`` and ``bulk_threads`` shape bulk requests."""
        self.client = client
        self.prefix = prefix
        self.posts_alias = f"{prefix}-posts"
        self.index = {
            name: f"{prefix}-{name}"
            for name in (
                "complaints",
                "topics",
                "links",
                "link-decisions",
                "follow-ups",
                "reopen-decisions",
                "survey-responses",
                "alerts",
                "quarantine",
                "sources",
                "api-keys",
                "audit",
                "alert-rules",
                "emergences",
                "stages",
                "campaigns",
                "source-profiles",
            )
        }
        self.writer = BulkWriter(
            client,
            posts_prefix=f"{self.posts_alias}-",
            quarantine=self.quarantine,
            visible=refresh,
            chunk_size=chunk_size,
            threads=bulk_threads,
            max_retries=max_retries,
            initial_backoff=initial_backoff,
        )

    def posts_index(self, created_at: datetime) -> str:
        return f"{self.posts_alias}-{created_at.astimezone(UTC):%Y.%m}"

    def close(self) -> None:
        self.client.close()

    # writes ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Make every write so far visible to search (``BulkWriter.refresh``)."""
        self.writer.refresh()

    def bulk_load(self, *, replicas: int | None = None) -> contextlib.AbstractContextManager[None]:
        """No refresh until the load ends, then one (``BulkWriter.bulk_load``)."""
        return self.writer.bulk_load(replicas=replicas)

    def _existing_posts(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Stored state (``_STATE`` and index) of these posts: as search sees it, or, for
        posts this store wrote since its last refresh, as a realtime get sees them."""
        recent = self.writer.unrefreshed.posts(ids)
        found = self.writer.get(recent, _STATE)
        rest = [i for i in ids if i not in recent]
        for start in range(0, len(rest), 1000):
            chunk = rest[start : start + 1000]
            response = self._search(
                self.posts_alias,
                query={"ids": {"values": chunk}},
                size=len(chunk),
                source_includes=_STATE,
            )
            for hit in response["hits"]["hits"]:
                found[hit["_id"]] = {"_index": hit["_index"], **hit["_source"]}
        return found

    def _stored_vectors(
        self, existing: Mapping[str, dict[str, Any]], ids: Sequence[str]
    ) -> dict[str, list[float]]:
        """The stored vectors of ``ids`` (read only where a write needs them)."""
        where = {i: existing[i]["_index"] for i in ids if i in existing}
        got = self.writer.get(where, ["embedding"])
        return {i: doc["embedding"] for i, doc in got.items() if doc.get("embedding")}

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
            fresh = post.model_copy(update=UNMARKED)
            actions.append(
                {
                    "_op_type": "index",
                    "_index": index,
                    "_id": post.id,
                    "_source": post_source(fresh, digest, None),
                }
            )
        failed = {f.get("_id") for f in self._bulk(actions, stage="ingest")}
        return _tally(counts, written, failed)

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
        """One index action per post: the stored post with this enrichment and vector. A
        stored vector is read back only for posts enriched before (to keep it when no
        vector is given, and to leave unchanged what would not change)."""
        existing = self._existing_posts([p.id for p in posts])
        enriched = [p.id for p in posts if existing.get(p.id, {}).get("enriched")]
        stored = self._stored_vectors(existing, enriched)
        texts = _vector_texts(vectors)
        actions = []
        for i, post in enumerate(posts):
            if post.enrichment is None:
                raise StoreError(f"post {post.id} has no enrichment to save")
            old = existing.get(post.id)
            if old is None:
                raise StoreError(f"post {post.id} must be ingested before it is enriched")
            doc = Post.model_validate(old["doc"]).model_copy(
                update={"enrichment": post.enrichment, "topic_id": old.get("topic_id")}
            )
            source = enriched_source(
                doc, old["content_hash"], vector_row(vectors, i), old, stored.get(post.id)
            )
            if source is not None:
                actions.append(
                    {
                        "_op_type": "index",
                        "_index": old["_index"],
                        "_id": post.id,
                        "_source": source_json(source, texts[i]) if texts else source,
                    }
                )
        failures = self._bulk(actions, stage="enrich")
        return len(actions) - len(failures)

    def upsert_enriched_posts(
        self, posts: Sequence[Post], vectors: np.ndarray | None
    ) -> UpsertCounts:
        """Enriched posts and their row-aligned vectors, one write per post: what
        ``upsert_posts`` and then ``save_enrichment`` leave, in one pass, for a writer that
        knows the enrichment before it stores (``storage.loading.upsert_enriched``).

        A post stored with the same content, enrichment and vector is unchanged; a post
        whose content is stored keeps its topic, one whose content changed loses it. Ids
        longer than Elasticsearch allows are refused and quarantined, as by ``upsert_posts``.
        """
        counts = UpsertCounts()
        rows = {p.id: i for i, p in enumerate(posts)}  # a repeated id: the last one wins
        counts.unchanged += len(posts) - len(rows)
        if any(p.enrichment is None for p in posts):
            raise StoreError("upsert_enriched_posts needs every post enriched")
        too_long = [posts[i] for pid, i in rows.items() if len(pid.encode()) > MAX_ID_BYTES]
        if too_long:
            counts.refused += self._refuse_ids(too_long)
            rows = {pid: i for pid, i in rows.items() if len(pid.encode()) <= MAX_ID_BYTES}
        digests = {pid: content_hash(posts[i]) for pid, i in rows.items()}
        existing = self._existing_posts(list(rows))
        kept = {
            pid
            for pid in rows
            if (old := existing.get(pid)) is not None and old.get("content_hash") == digests[pid]
        }
        stored = self._stored_vectors(existing, [p for p in kept if existing[p].get("enriched")])
        texts = _vector_texts(vectors)
        actions: list[dict[str, Any]] = []
        written: dict[str, bool] = {}  # id → whether it was stored before (an update)
        for pid, i in rows.items():
            old = existing.get(pid)
            same = pid in kept
            marks = _marks(old) if old is not None and same else UNMARKED
            doc = posts[i].model_copy(update={**marks, "enrichment": posts[i].enrichment})
            source = enriched_source(
                doc, digests[pid], vector_row(vectors, i), old if same else None, stored.get(pid)
            )
            if source is None:
                counts.unchanged += 1
                continue
            written[pid] = old is not None
            index = self.posts_index(doc.created_at)
            if old and old["_index"] != index:
                actions.append({"_op_type": "delete", "_index": old["_index"], "_id": pid})
            body = source_json(source, texts[i]) if texts else source
            actions.append({"_op_type": "index", "_index": index, "_id": pid, "_source": body})
        failed = {f.get("_id") for f in self._bulk(actions, stage="ingest")}
        return _tally(counts, written, failed)

    def assign_topics(self, assignments: Mapping[str, int | None]) -> int:
        return self._mark_posts(
            {pid: {"topic_id": t} for pid, t in assignments.items()}, stage="topics", top=True
        )

    def assign_clusters(self, assignments: Mapping[str, str | None]) -> int:
        return self._mark_posts(
            {pid: {"cluster_id": c} for pid, c in assignments.items()}, stage="campaigns"
        )

    def assign_campaigns(self, assignments: Mapping[str, Sequence[str]]) -> int:
        return self._mark_posts(
            {pid: {"campaign_ids": list(c)} for pid, c in assignments.items()}, stage="campaigns"
        )

    def _mark_posts(
        self, marks: Mapping[str, dict[str, Any]], *, stage: str, top: bool = False
    ) -> int:
        """Update what Siang added to posts (in ``doc``; with ``top``, also as top-level
        fields), writing only the posts whose marks change."""
        existing = self._existing_posts(list(marks))
        actions = []
        for post_id, fields in marks.items():
            old = existing.get(post_id)
            if old is None or all(old["doc"].get(k) == v for k, v in fields.items()):
                continue
            doc = {**old["doc"], **fields}
            actions.append(
                {
                    "_op_type": "update",
                    "_index": old["_index"],
                    "_id": post_id,
                    "doc": {**(fields if top else {}), "doc": doc},
                }
            )
        failures = self._bulk(actions, stage=stage)
        return len(actions) - len(failures)

    # reads -----------------------------------------------------------------------------
    def get_post(self, post_id: str) -> Post | None:
        hits = self._search(
            self.posts_alias, query={"ids": {"values": [post_id]}}, size=1, source_includes=["doc"]
        )["hits"]["hits"]
        return Post.model_validate(hits[0]["_source"]["doc"]) if hits else None

    def get_posts(self, post_ids: Sequence[str]) -> list[Post]:
        docs = self._docs_by_ids(self.posts_alias, post_ids)
        return [Post.model_validate(docs[p]) for p in post_ids if p in docs]

    def search_posts(self, query: PostQuery, page: Page = Page()) -> SearchResult:
        """A page by ``from`` within the first 10,000 hits; after that, and for every page
        reached through ``page.resume``, by ``search_after`` in a point in time (opened at
        the second page, kept ``PIT_KEEP_ALIVE``), so deep pages stay consistent."""
        sort = _SORTS[page.sort]
        resume = page.resume or {}
        after, pit = resume.get("after"), resume.get("pit")
        if after is not None and pit is None:
            pit = self._open_pit()
        body: dict[str, Any] = {
            "query": post_query(query),
            "sort": sort,
            "size": page.limit,
            "track_total_hits": True,
            "source_includes": ["doc"],
        }
        if after is not None:
            body["search_after"] = after
        elif page.offset + page.limit > MAX_RESULT_WINDOW:
            raise QueryError(
                f"offset {page.offset} + limit {page.limit} is past the first "
                f"{MAX_RESULT_WINDOW:,} hits; page on with next_cursor"
            )
        else:
            body["from_"] = page.offset
        response = self._search_in_pit(pit, body) if pit else self._search(self.posts_alias, **body)
        hits = response["hits"]["hits"]
        following = {"after": hits[-1]["sort"]} if hits else None
        if following and response.get("pit_id"):  # absent when the point in time was lost
            following["pit"] = response["pit_id"]
        return SearchResult(
            int(response["hits"]["total"]["value"]),
            [Post.model_validate(h["_source"]["doc"]) for h in hits],
            [float(h.get("_score") or 0.0) for h in hits],
            resume=following,
        )

    def _open_pit(self) -> str | None:
        """A point in time over the post indices, or None if none can be opened (then
        ``search_after`` alone still pages, without a frozen view)."""
        try:
            opened = self._retrying(
                lambda: self.client.open_point_in_time(
                    index=self.posts_alias, keep_alive=PIT_KEEP_ALIVE, ignore_unavailable=True
                ),
                stage="open point in time",
            )
        except StoreError as exc:
            log.warning("no point in time for deep paging: %s", exc)
            return None
        return str(opened["id"])

    def _search_in_pit(self, pit: str, body: dict[str, Any]) -> dict[str, Any]:
        """Search within ``pit``; an expired or unknown one falls back to the live indices."""

        def run() -> dict[str, Any]:
            return dict(self.client.search(pit={"id": pit, "keep_alive": PIT_KEEP_ALIVE}, **body))

        try:
            return self._retrying(run, stage="search")
        except StoreError as exc:  # 404 or 400: the point in time is gone or not ours
            log.info("point in time unusable (%s); paging the live indices", exc)
            return self._search(self.posts_alias, **body)

    def _close_pit(self, pit: str | None) -> None:
        if pit:
            try:
                self.client.close_point_in_time(id=pit)
            except (ApiError, ESConnectionError, TransportError) as exc:
                log.debug("closing a point in time failed (it expires anyway): %s", exc)

    def iter_posts(
        self, query: PostQuery = PostQuery(), *, unenriched: bool = False, batch_size: int = 500
    ) -> Iterator[Post]:
        es_query = post_query(query)
        if unenriched:
            es_query = {"bool": {"must": [es_query], "filter": [{"term": {"enriched": False}}]}}
        after: list[Any] | None = None
        pit = None if unenriched else self._open_pit()  # an export sees one moment's posts
        try:
            while True:
                body: dict[str, Any] = {
                    "query": es_query,
                    "sort": [{"id": "asc"}],
                    "size": batch_size,
                    "source_includes": ["doc"],
                }
                if after:
                    body["search_after"] = after
                response = (
                    self._search_in_pit(pit, body)
                    if pit
                    else self._search(self.posts_alias, **body)
                )
                if pit and not response.get("pit_id"):
                    self._close_pit(pit)  # lost: go on without a frozen view
                pit = response.get("pit_id")
                hits = response["hits"]["hits"]
                if not hits:
                    return
                for hit in hits:
                    yield Post.model_validate(hit["_source"]["doc"])
                after = hits[-1]["sort"]
        finally:
            self._close_pit(pit)

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
            {
                "terms": {
                    "field": _FIELDS[by],
                    "size": 10_000,
                    "missing": MISSING_NUMBER if by == "topic" else MISSING_KEYWORD,
                }
            }
            if by
            else None
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


def _marks(old: Mapping[str, Any]) -> dict[str, Any]:
    """What Siang added to a stored post (kept when its content is written unchanged)."""
    doc = old.get("doc") or {}
    return {"topic_id": old.get("topic_id"), "cluster_id": doc.get("cluster_id"),
            "campaign_ids": doc.get("campaign_ids") or []}  # fmt: skip


def _tally(counts: UpsertCounts, written: Mapping[str, bool], failed: set[Any]) -> UpsertCounts:
    """Each written post as refused (its bulk item failed), updated or created."""
    for post_id, was_stored in written.items():
        if post_id in failed:
            counts.refused += 1
        elif was_stored:
            counts.updated += 1
        else:
            counts.created += 1
    return counts


def _vector_texts(vectors: np.ndarray | None) -> list[str] | None:
    """Row-aligned vectors as JSON (``vector_json``), None when there are none."""
    return vector_json(vectors) if vectors is not None and vectors.size else None


__all__ = ["ElasticsearchStore", "StoreUnavailable", "build_client"]
