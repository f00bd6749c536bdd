"""Topics: the list (paged, by words, following post filters), one topic, its complaints."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from api.access import Caller, Officer, Viewer, audit
from api.deps import IsoDatetime, PostScope, StoreDep, TopicId
from api.models import (
    PostPublic,
    TopicComplaint,
    TopicComplaints,
    TopicDetail,
    TopicList,
    TopicSummary,
)
from api.timelines import Interval, every_bucket
from domain.errors import NotFoundError
from domain.models import ROLES, Topic
from enrich.thai_text import normalize
from linking.service import complaints_for_topic
from storage.base import PostQuery, Store

router = APIRouter(prefix="/v1")


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


@router.get("/topics", response_model=TopicList, tags=["topics"])
def list_topics(
    store: StoreDep,
    caller: Viewer,
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


@router.get("/topics/{topic_id}", response_model=TopicDetail, tags=["topics"])
def get_topic(
    topic_id: TopicId,
    store: StoreDep,
    caller: Viewer,
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
    related = None
    if ROLES.index(caller.role) >= ROLES.index("officer"):
        related = related_to_topic(store, caller, topic_id).complaints
    return TopicDetail(
        topic=topic,
        timeline=points,
        representative_posts=[PostPublic.of(p) for p in posts],
        related_complaints=related,
    )


@router.get("/topics/{topic_id}/complaints", response_model=TopicComplaints, tags=["topics"])
def topic_complaints(
    topic_id: TopicId,
    store: StoreDep,
    caller: Officer,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> TopicComplaints:
    """Complaints the topic's posts link to, the most linked first (rejected links left out)."""
    return related_to_topic(store, caller, topic_id, limit=limit)


def related_to_topic(
    store: Store, caller: Caller, topic_id: int, *, limit: int = 50
) -> TopicComplaints:
    """The complaints a topic's posts link to, audited as a list read (for its routes)."""
    topic = store.get_topic(topic_id)
    if topic is None:
        raise NotFoundError("topic", str(topic_id))
    post_ids = [p.id for p in store.iter_posts(PostQuery(topic_id=topic_id))]
    related = complaints_for_topic(store, post_ids)[:limit]
    listed = [f"complaint:{item.complaint.complaint_id}" for item in related]
    audit(store, caller, "list_complaint", *listed)
    return TopicComplaints(
        topic_id=topic_id,
        label=topic.label,
        complaints=[
            TopicComplaint(
                complaint=r.complaint,
                linked_posts=r.linked_posts,
                best_score=r.best_score,
                post_ids=r.post_ids,
            )
            for r in related
        ],
    )


__all__ = ["MAX_TOPICS", "RecentTopicLists", "related_to_topic", "router"]
