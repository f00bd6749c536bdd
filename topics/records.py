"""Topic records: what a policy team reads about a topic, rebuilt from its posts each run.

Counts per day and per hour (Bangkok time), spike episodes and the current spike score,
provinces, sentiment mix, dominant category, status, representative posts and a readable
phrase. Identity (id, events, merges) comes from ``topics.identity``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from domain.models import (
    BANGKOK,
    Category,
    Keyword,
    Post,
    Topic,
    TopicEvent,
    TopicStatus,
)
from enrich.thai_text import content_tokens

_REPRESENTATIVES = 5
_PHRASE_CHARS = 80
_LABEL_CHARS = 36
_BREAK = re.compile(r"[\s,;:!?()\"'“”…/|-]")
_LETTER = re.compile(r"[\u0E01-\u0E2Ea-zA-Z]")
_LAUGH = re.compile(r"^(5{3,}|ฮ+่?า+|อิอิ)")
_HOURLY_DAYS = 7
_BANGKOK = ZoneInfo(BANGKOK)


@dataclass(frozen=True)
class Column:
    """One categorical field per post, as codes into ``values`` (-1: the post has none)."""

    values: list[object]
    codes: np.ndarray

    @classmethod
    def of(cls, items: Sequence[object | None]) -> Column:
        index: dict[object, int] = {}
        codes = np.fromiter(
            (-1 if x is None else index.setdefault(x, len(index)) for x in items),
            dtype=np.int64,
            count=len(items),
        )
        return cls(list(index), codes)

    def counts(self, rows: np.ndarray) -> list[tuple[object, int]]:
        """``(value, count)`` most common first, ties in order of first appearance in ``rows``
        (as ``Counter.most_common`` orders them)."""
        codes = self.codes[rows]
        codes = codes[codes >= 0]
        if not len(codes):
            return []
        present, first, counts = np.unique(codes, return_index=True, return_counts=True)
        order = np.lexsort((first, -counts))
        return [(self.values[present[i]], int(counts[i])) for i in order]


@dataclass
class PostFrame:
    """Per-post columns computed once per run, so each topic's record is array work.

    ``hour`` is the index of each post's hour from ``start`` (a Bangkok hour boundary);
    ``hour_day[h]`` indexes ``days`` (Bangkok calendar days) and ``hour_labels[h]`` names
    hour ``h``. Bangkok keeps one offset all year, so hour ``h`` is ``start + h`` hours on
    the wall clock too. Order follows ``posts``.
    """

    posts: Sequence[Post]
    start: datetime
    hours: int
    stamp: np.ndarray
    hour: np.ndarray
    days: list[str]
    hour_day: np.ndarray
    hour_labels: list[str]
    sentiment: Column
    province: Column
    category: Column
    grievance: np.ndarray
    voice: Column  # author pseudonym, or the post's own id when anonymous
    copied: Column  # near-duplicate cluster, when another post shares it

    @classmethod
    def build(cls, posts: Sequence[Post], start: datetime, hours: int) -> PostFrame:
        start = start.astimezone(_BANGKOK)
        stamps = np.fromiter((p.created_at.timestamp() for p in posts), np.float64, len(posts))
        hour = ((stamps - start.timestamp()) // 3600).astype(np.int64)
        span = max(hours, int(hour.max()) + 1 if len(hour) else 0)
        moments = [start + timedelta(hours=h) for h in range(span)]
        day_column = Column.of([m.date().isoformat() for m in moments])
        enrichments = [p.enrichment for p in posts]
        return cls(
            posts=posts,
            start=start,
            hours=hours,
            stamp=stamps,
            hour=hour,
            days=[str(d) for d in day_column.values],
            hour_day=day_column.codes,
            hour_labels=[m.isoformat(timespec="minutes") for m in moments],
            sentiment=Column.of([e.sentiment.label if e else None for e in enrichments]),
            province=Column.of(
                [e.locations[0].province if e and e.locations else None for e in enrichments]
            ),
            category=Column.of([e.category.label if e else None for e in enrichments]),
            grievance=np.fromiter(
                (bool(e and e.is_grievance) for e in enrichments), bool, len(posts)
            ),
            voice=Column.of([p.author or p.id for p in posts]),
            copied=Column.of(shared_clusters(posts)),
        )

    def voices(self, rows: np.ndarray) -> int:
        """Distinct voices among ``rows``: accounts, with every account that posted copies
        of one text joined into one voice (components of accounts linked by clusters)."""
        accounts = self.voice.codes[rows]
        clusters = self.copied.codes[rows]
        parent = {int(a): int(a) for a in np.unique(accounts)}

        def root(node: int) -> int:
            while parent[node] != node:
                parent[node] = parent[parent[node]]
                node = parent[node]
            return node

        first: dict[int, int] = {}  # cluster → an account that posted it
        for account, cluster in zip(accounts.tolist(), clusters.tolist(), strict=True):
            if cluster < 0:
                continue
            other = first.setdefault(cluster, account)
            parent[root(account)] = root(other)
        return len({root(a) for a in parent})

    def series(self, rows: np.ndarray) -> np.ndarray:
        """Posts of ``rows`` per hour from ``start``."""
        return np.bincount(self.hour[rows], minlength=self.hours)[: self.hours].astype(np.int64)

    def in_time_order(self, rows: np.ndarray, limit: int) -> list[Post]:
        """The first ``limit`` posts of ``rows`` by (created_at, id), sorting only the head."""
        rows = rows[np.argsort(self.stamp[rows], kind="stable")]
        if len(rows) > limit:  # keep every post tied with the last one kept
            rows = rows[self.stamp[rows] <= self.stamp[rows[limit - 1]]]
        return sorted((self.posts[i] for i in rows), key=lambda p: (p.created_at, p.id))[:limit]


def shared_clusters(posts: Sequence[Post]) -> list[str | None]:
    """Each post's near-duplicate cluster when another of ``posts`` is in it too, else None."""
    sizes = Counter(p.cluster_id for p in posts if p.cluster_id)
    return [p.cluster_id if p.cluster_id and sizes[p.cluster_id] > 1 else None for p in posts]


def phrase(posts: Sequence[Post], keywords: Sequence[str]) -> str:
    """The representative post that names most top keywords, cut at a word boundary."""
    best, best_hits = "", -1
    for post in posts:
        text = post.enrichment.normalized_text if post.enrichment else post.text
        hits = sum(1 for k in keywords[:5] if k in text.lower())
        if hits > best_hits:
            best, best_hits = text, hits
    if len(best) <= _PHRASE_CHARS:
        return best
    cut = best[:_PHRASE_CHARS]
    space = cut.rfind(" ")
    return (cut[:space] if space > _PHRASE_CHARS // 2 else cut).rstrip() + "…"


def keyphrase(posts: Sequence[Post], keywords: Sequence[str]) -> str:
    """A short readable Thai label: the clause of a representative post that names most top
    keywords, without @mentions, hashtag marks, emoji or laughter, cut at a word."""
    top = {k.lower() for k in keywords[:5]}
    best: tuple[int, int, int] | None = None
    label = ""
    for rank, post in enumerate(posts):
        if post.enrichment is None:
            continue
        for clause in _clauses(post.enrichment.normalized_text, post.enrichment.tokens):
            words = [w for w in clause if _readable(w, post.enrichment.mentions)]
            words = _cut(words, _LABEL_CHARS)
            content = {w.lower() for w in content_tokens(words)}
            if len(content) < 2:
                continue
            key = (len(content & top), min(len(content), 4), -rank)
            if best is None or key > best:
                best, label = key, "".join(words)
    return label


def _clauses(text: str, tokens: Sequence[str]) -> list[list[str]]:
    """Tokens grouped by the space-separated clause of ``text`` they sit in."""
    clauses: list[list[str]] = [[]]
    cursor = 0
    for token in tokens:
        found = text.find(token, cursor)
        if found < 0:
            continue
        if clauses[-1] and (_BREAK.search(text[cursor:found])):
            clauses.append([])
        clauses[-1].append(token)
        cursor = found + len(token)
    return [c for c in clauses if c]


def _readable(word: str, mentions: Sequence[str]) -> bool:
    return (
        bool(_LETTER.search(word))
        and word.lstrip("@#") not in mentions
        and not word.startswith(("@", "http"))
        and not _LAUGH.match(word)
    )


def _cut(words: list[str], limit: int) -> list[str]:
    kept: list[str] = []
    for word in words:
        if sum(map(len, kept)) + len(word) > limit and kept:
            break
        kept.append(word)
    return kept


def status(size: int, last_day: int, *, first_seen: datetime, as_of: datetime) -> TopicStatus:
    """emerging (first seen in the last 3 days), growing, stable or fading: the last day's
    posts (``last_day``) against the topic's daily mean over its life."""
    day = timedelta(days=1)
    span_days = max((as_of - first_seen) / day, 1.0)
    daily = size / span_days
    if as_of - first_seen <= 3 * day:
        return "emerging"
    if last_day >= max(3, 1.5 * daily):
        return "growing"
    if last_day <= 0.5 * daily:
        return "fading"
    return "stable"


def topic_record(
    topic_id: int,
    rows: np.ndarray,
    frame: PostFrame,
    vectors: np.ndarray,
    keywords: list[tuple[str, float]],
    *,
    as_of: datetime,
    events: Sequence[TopicEvent] = (),
) -> Topic:
    """The record of one live topic from its posts (``rows`` of ``frame``; ``vectors``
    row-aligned with ``rows``). Spikes come later, from ``topics.detector``."""
    if len(vectors):
        order = np.argsort(-(vectors @ vectors.mean(axis=0)), kind="stable")
    else:
        order = np.arange(len(rows))
    representatives = [frame.posts[rows[i]] for i in order[:_REPRESENTATIVES]]
    categories = frame.category.counts(rows)
    words = [w for w, _ in keywords]
    stamps = frame.stamp[rows]
    first_seen = frame.posts[rows[int(np.argmin(stamps))]].created_at
    last_seen = frame.posts[rows[int(np.argmax(stamps))]].created_at
    last_day = int((stamps > (as_of - timedelta(days=1)).timestamp()).sum())
    hours = frame.hour[rows]
    day_of = frame.hour_day[hours]
    daily = np.bincount(day_of, minlength=len(frame.days))
    recent = hours[hours > frame.hour.max() - _HOURLY_DAYS * 24]
    hourly_counts = np.bincount(recent, minlength=len(frame.hour_labels))
    return Topic(
        topic_id=topic_id,
        label=keyphrase(representatives, words) or (" · ".join(words[:3]) or f"topic {topic_id}"),
        phrase=phrase(representatives, words),
        keywords=[Keyword(word=w, weight=round(s, 5)) for w, s in keywords],
        size=len(rows),
        representative_post_ids=[p.id for p in representatives],
        provinces={str(k): n for k, n in frame.province.counts(rows)},
        sentiment_mix={str(k): n for k, n in sorted(frame.sentiment.counts(rows))},
        dominant_category=categories[0][0] if categories else Category.none,
        first_seen=first_seen,
        last_seen=last_seen,
        status=status(len(rows), last_day, first_seen=first_seen, as_of=as_of),
        voices=frame.voices(rows),
        voices_daily={
            frame.days[d]: frame.voices(rows[day_of == d]) for d in np.unique(day_of).tolist()
        },
        counts_daily={frame.days[d]: int(n) for d, n in enumerate(daily) if n},
        counts_hourly={frame.hour_labels[h]: int(n) for h, n in enumerate(hourly_counts) if n},
        events=list(events),
    )


def merged_record(previous: Topic, *, into: int, events: Sequence[TopicEvent]) -> Topic:
    """A retired topic: kept, so its id still resolves, pointing at the one it joined."""
    return previous.model_copy(
        update={
            "size": 0,
            "status": "merged",
            "spike_score": 0.0,
            "merged_into": into,
            "events": list(events),
            "representative_post_ids": [],
        }
    )


__all__ = [
    "Column",
    "PostFrame",
    "keyphrase",
    "merged_record",
    "phrase",
    "shared_clusters",
    "status",
    "topic_record",
]
