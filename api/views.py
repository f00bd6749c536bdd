"""Routes of the query API under ``/v1`` (plus ``/health``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from api.access import Caller, require
from api.deps import (
    ModelsDep,
    PostFilters,
    SettingsDep,
    StoreDep,
    TopicId,
    make_cursor,
    read_cursor,
)
from api.links import topic_complaints
from api.models import (
    Breakdown,
    BreakdownBucket,
    Health,
    PostPublic,
    Readiness,
    SearchResponse,
    Timeline,
    TimelinePoint,
    TopicDetail,
    TopicList,
    TopicSummary,
)
from domain.errors import NotFoundError, SiangError
from domain.models import ROLES
from storage.base import Page, PostQuery

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
    sort: Literal["relevance", "newest", "oldest"] = "relevance",
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    cursor: Annotated[
        str | None,
        Query(max_length=200, description="`next_cursor` of the previous page (replaces offset)."),
    ] = None,
) -> SearchResponse:
    """Search posts by Thai words and filters (time range, platform, place, sentiment, topic).

    Page with ``next_cursor``: it carries the position and is bound to this query and sort.
    """
    if cursor is not None:
        offset = read_cursor(cursor, query, sort)
    result = store.search_posts(query, Page(limit=limit, offset=offset, sort=sort))
    hits = [PostPublic.of(p, s) for p, s in zip(result.posts, result.scores, strict=True)]
    following = offset + len(hits)
    return SearchResponse(
        total=result.total,
        limit=limit,
        offset=offset,
        hits=hits,
        next_cursor=make_cursor(following, query, sort)
        if hits and following < min(result.total, 100_000)
        else None,
    )


@v1.get("/stats/timeline", response_model=Timeline, tags=["stats"])
def timeline(
    store: StoreDep, query: PostFilters, interval: Literal["hour", "day"] = "day"
) -> Timeline:
    """Posts per hour or day (Asia/Bangkok) matching the filters."""
    buckets = store.counts(query, interval=interval)
    return Timeline(
        interval=interval,
        points=[TimelinePoint(time=b.time, count=b.count) for b in buckets if b.time],
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


class RecentTopicLists:
    """Topic lists kept for ``api.topic_cache_seconds``: topics change only when the topics
    stage runs, and every dashboard opens with this list."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._kept: dict[tuple[str | None, int], tuple[float, TopicList]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str | None, int], build: Callable[[], TopicList]) -> TopicList:
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
    status: Literal["emerging", "growing", "stable", "fading"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> TopicList:
    """Topics ordered by current spike score, then size (at most a few seconds old)."""

    def build() -> TopicList:
        topics = store.list_topics(status=status, limit=limit)
        return TopicList(total=len(topics), topics=[TopicSummary.of(t) for t in topics])

    lists: RecentTopicLists = request.app.state.topic_lists
    return lists.get((status, limit), build)


@v1.get("/topics/{topic_id}", response_model=TopicDetail, tags=["topics"])
def get_topic(
    topic_id: TopicId,
    store: StoreDep,
    request: Request,
    interval: Literal["hour", "day"] = "day",
) -> TopicDetail:
    """One topic: its record (keywords, provinces, sentiment, spikes), timeline and
    representative posts; for officers also the complaints its posts link to."""
    topic = store.get_topic(topic_id)
    if topic is None:
        raise NotFoundError("topic", str(topic_id))
    buckets = store.counts(PostQuery(topic_id=topic_id), interval=interval)
    posts = [store.get_post(pid) for pid in topic.representative_post_ids]
    caller: Caller = request.state.caller
    related = None
    if ROLES.index(caller.role) >= ROLES.index("officer"):
        related = topic_complaints(topic_id, store, caller).complaints
    return TopicDetail(
        topic=topic,
        timeline=[TimelinePoint(time=b.time, count=b.count) for b in buckets if b.time],
        representative_posts=[PostPublic.of(p) for p in posts if p is not None],
        related_complaints=related,
    )
