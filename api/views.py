"""Routes of the query API under ``/v1`` (plus ``/health``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from api.access import Caller, require
from api.deps import (
    CursorsDep,
    IsoDatetime,
    ModelsDep,
    PostFilters,
    PostScope,
    SearchText,
    SettingsDep,
    StoreDep,
    TopicId,
)
from api.links import related_to_topic
from api.models import (
    Breakdown,
    BreakdownBucket,
    Health,
    PostPublic,
    Readiness,
    SearchResponse,
    Timeline,
    TopicDetail,
    TopicList,
    TopicSummary,
)
from api.timelines import STEP, Interval, every_bucket
from domain.errors import NotFoundError, SiangError
from domain.models import ROLES, Topic
from enrich.thai_text import normalize
from storage import hybrid
from storage.base import Page, PostQuery
from storage.fulltext import matched_words
from storage.hybrid import SearchMode

router = APIRouter()
v1 = APIRouter(prefix="/v1", dependencies=[Depends(require("viewer"))])


@router.get("/health", response_model=Health, tags=["meta"])
async def health(settings: SettingsDep) -> Health:
    """Liveness: answers while the process runs, whatever the store or models do."""
    return Health(store=settings.store.backend)


@router.get(
    "/health/ready",
    response_model=Readiness,
    tags=["meta"],
    responses={503: {"model": Readiness, "description": "Not ready: the body says why."}},
)
def ready(store: StoreDep, settings: SettingsDep, models: ModelsDep) -> JSONResponse:
    """Readiness: the store answers and the embedding model is loaded (else 503)."""
    posts = topics = None
    error = None
    try:
        posts, topics = store.count_posts(), len(store.list_topics(limit=10_000))
    except SiangError as exc:
        error = str(exc)
    ok = error is None and models.ready
    body = Readiness(
        status="ready" if ok else "not_ready",
        store=settings.store.backend,
        store_reachable=error is None,
        store_error=error,
        posts=posts,
        topics=topics,
        embedder=models.status,
    )
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)


@v1.get("/posts/search", response_model=SearchResponse, tags=["posts"])
def search_posts(
    store: StoreDep,
    query: PostFilters,
    text: SearchText,
    settings: SettingsDep,
    models: ModelsDep,
    cursors: CursorsDep,
    mode: Annotated[
        SearchMode,
        Query(
            description="lexical: BM25 over the words of `q`; semantic: posts nearest to "
            "what `q` means (its embedding); hybrid: both, fused by reciprocal rank."
        ),
    ] = "lexical",
    sort: Literal["relevance", "newest", "oldest"] = "relevance",
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    cursor: Annotated[
        str | None,
        Query(
            max_length=4000,
            description="`next_cursor` of the previous page (replaces offset); on "
            "Elasticsearch it pages past 10,000 hits in a point in time.",
        ),
    ] = None,
) -> SearchResponse:
    """Search posts by Thai words or meaning, with filters (time range, platform, place,
    sentiment, category, topic, grievance).

    Page with ``next_cursor``: it carries the position and is bound to this query, mode
    and sort. Semantic and hybrid search need `q`, rank by relevance only and reach
    ``api.semantic_depth`` hits.
    """
    binding = f"{mode}:{sort}"
    resume = None
    if cursor is not None:
        offset, resume = cursors.read(cursor, query, binding)
    page = Page(limit=limit, offset=offset, sort=sort, resume=resume)
    if mode == "lexical":
        result = hybrid.search(store, query, page)
        reach = result.total
    else:
        vector = models.query_vector(text, mode)
        depth = settings.api.semantic_depth
        result = hybrid.search(store, query, page, mode=mode, vector=vector, depth=depth)
        reach = min(result.total, depth)
    shown = text if mode != "semantic" else None
    hits = [
        PostPublic.of(p, s, matched=matched_words(p.text, query.terms) if shown else None)
        for p, s in zip(result.posts, result.scores, strict=True)
    ]
    following = offset + len(hits)
    return SearchResponse(
        total=result.total,
        limit=limit,
        offset=offset,
        hits=hits,
        next_cursor=cursors.make(following, query, binding, result.resume)
        if hits and following < reach
        else None,
    )


@v1.get("/posts/{post_id}/similar", response_model=SearchResponse, tags=["posts"])
def similar_posts(
    post_id: str,
    store: StoreDep,
    query: PostFilters,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> SearchResponse:
    """Posts like this one (nearest by embedding), with every filter of a search; the
    post itself is left out. 404 when the post is unknown or not yet enriched."""
    depth = settings.api.semantic_depth
    result = hybrid.similar(store, post_id, query, Page(limit=limit, offset=offset), depth=depth)
    if result is None:
        raise NotFoundError("post with a vector", post_id)
    hits = [PostPublic.of(p, s) for p, s in zip(result.posts, result.scores, strict=True)]
    return SearchResponse(total=result.total, limit=limit, offset=offset, hits=hits)


@v1.get("/stats/timeline", response_model=Timeline, tags=["stats"])
def timeline(store: StoreDep, query: PostFilters, interval: Interval = "day") -> Timeline:
    """Posts per hour or day matching the filters: every bucket from ``start`` to ``end``
    (else from the first to the last matching post), zeros included, on Bangkok hours and
    midnights."""
    points = every_bucket(
        store.counts(query, interval=interval), interval=interval, start=query.start, end=query.end
    )
    return Timeline(
        interval=interval,
        start=points[0].time if points else None,
        end=points[-1].time + STEP[interval] if points else None,
        points=points,
    )


@v1.get("/stats/{dimension}", response_model=Breakdown, tags=["stats"])
def breakdown(
    store: StoreDep,
    query: PostFilters,
    dimension: Literal["province", "sentiment", "category", "platform", "topic"],
) -> Breakdown:
    """Posts matching the filters counted by province, sentiment, category, platform or topic."""
    buckets = store.counts(query, by=dimension)
    ordered = sorted((b for b in buckets if b.key is not None), key=lambda b: (-b.count, b.key))
    return Breakdown(
        dimension=dimension,
        buckets=[BreakdownBucket(key=str(b.key), count=b.count) for b in ordered],
    )


@v1.get("/posts/{post_id}", response_model=PostPublic, tags=["posts"])
def get_post(post_id: str, store: StoreDep) -> PostPublic:
    """One post as stored: PII redacted, author pseudonymised, with its enrichment."""
    post = store.get_post(post_id)
    if post is None:
        raise NotFoundError("post", post_id)
    return PostPublic.of(post)


MAX_TOPICS = 10_000  # every topic (BERTopic keeps hundreds); one Elasticsearch result window


class RecentTopicLists:
    """The topics, by status, kept for ``api.topic_cache_seconds``: topics change only when
    the topics stage runs, and every dashboard opens with this list."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._kept: dict[str | None, tuple[float, list[Topic]]] = {}
        self._lock = threading.Lock()

    def get(self, key: str | None, build: Callable[[], list[Topic]]) -> list[Topic]:
        now = self._clock()
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and now - kept[0] < self.seconds:
            return kept[1]
        fresh = build()
        with self._lock:
            self._kept[key] = (now, fresh)
        return fresh


@v1.get("/topics", response_model=TopicList, tags=["topics"])
def list_topics(
    store: StoreDep,
    request: Request,
    filters: PostScope,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Words to find in a topic's label, phrase or keywords (all of them).",
            examples=["น้ำประปา"],
        ),
    ] = None,
    status: Literal["emerging", "growing", "stable", "fading"] | None = None,
    sort: Annotated[
        Literal["spike", "matching", "size", "newest"],
        Query(
            description="spike: spike score, then size; matching: most posts under the post "
            "filters; size: most posts; newest: latest post first."
        ),
    ] = "spike",
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> TopicList:
    """Topics, a page at a time. With post filters (time, place, category, sentiment,
    platform, grievance) only topics with matching posts are listed, each with how many;
    the list of all topics is at most ``api.topic_cache_seconds`` old."""
    words = normalize(q).text.lower().split() if q else []
    lists: RecentTopicLists = request.app.state.topic_lists
    every = lists.get(status, lambda: store.list_topics(status=status, limit=MAX_TOPICS))
    matching: dict[int, int] | None = None
    if filters != PostQuery():
        buckets = store.counts(filters, by="topic")
        matching = {int(b.key): b.count for b in buckets if b.key is not None and b.count}
    chosen = [
        t for t in every if (matching is None or t.topic_id in matching) and _has_words(t, words)
    ]
    if sort == "matching" and matching is not None:
        chosen.sort(key=lambda t: (-matching[t.topic_id], t.topic_id))
    elif sort == "size":
        chosen.sort(key=lambda t: (-t.size, t.topic_id))
    elif sort == "newest":
        chosen.sort(key=lambda t: (t.last_seen, -t.topic_id), reverse=True)
    page = chosen[offset : offset + limit]
    return TopicList(
        total=len(chosen),
        limit=limit,
        offset=offset,
        topics=[
            TopicSummary.of(t, matching_posts=None if matching is None else matching[t.topic_id])
            for t in page
        ],
    )


def _has_words(topic: Topic, words: list[str]) -> bool:
    text = " ".join([topic.label, topic.phrase, *(k.word for k in topic.keywords)]).lower()
    return all(word in text for word in words)


@v1.get("/topics/{topic_id}", response_model=TopicDetail, tags=["topics"])
def get_topic(
    topic_id: TopicId,
    store: StoreDep,
    request: Request,
    interval: Interval = "day",
    start: Annotated[
        IsoDatetime | None, Query(description="Timeline from (default: the first post).")
    ] = None,
    end: Annotated[
        IsoDatetime | None, Query(description="Timeline until, exclusive (default: the last).")
    ] = None,
) -> TopicDetail:
    """One topic: its record (keywords, provinces, sentiment, spikes with observed against
    expected), its timeline with every bucket (zeros included, Bangkok time),
    representative posts; for officers also the complaints its posts link to."""
    topic = store.get_topic(topic_id)
    if topic is None:
        raise NotFoundError("topic", str(topic_id))
    buckets = store.counts(PostQuery(topic_id=topic_id, start=start, end=end), interval=interval)
    points = every_bucket(
        buckets,
        interval=interval,
        start=start or topic.first_seen,
        end=end or topic.last_seen + timedelta(microseconds=1),
    )
    posts = store.get_posts(topic.representative_post_ids)
    caller: Caller = request.state.caller
    related = None
    if ROLES.index(caller.role) >= ROLES.index("officer"):
        related = related_to_topic(store, caller, topic_id).complaints
    return TopicDetail(
        topic=topic,
        timeline=points,
        representative_posts=[PostPublic.of(p) for p in posts],
        related_complaints=related,
    )
