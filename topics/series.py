"""The series emerging grievances are counted on, and the voices that count in them.

Scored series: a post's topic; its province and its (province, district), whatever the post
is about (place names are read precisely, while whether a post is a grievance, and of which
category, is read less well on text nobody labelled); and for grievances its category, its
(category, province) and its (category, district). Two more, every post and every
grievance, only feed the baselines' priors. A series counts *voices*, not
posts: a copy of a text seen in the last ``trends.copy_hours`` (same content words, the
same near-duplicate cluster, or an embedding at least ``trends.copy_cosine`` close) counts
zero everywhere, and an author's
further posts in one series within ``trends.repeat_hours`` count zero in that series. Both
look only backwards, so a count never depends on what came later.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from domain.models import Post
from domain.settings import TrendSettings
from enrich.thai_text import content_tokens
from topics.modeling import OUTLIER
from topics.records import shared_clusters

# Scored series kinds, and two that only serve as baselines' parents.
SCORED = (
    "topic",
    "province",
    "district",
    "category",
    "category_province",
    "category_district",
)
PARENTS = ("posts", "grievances")
_REPOST_WORDS = frozenset({"rt", "แชร์", "แชร์ต่อ", "ช่วยแชร์", "จริงไหม", "จริงมั้ย", "ฝากแชร์"})


@dataclass(frozen=True)
class SeriesKey:
    kind: str
    topic_id: int | None = None
    category: str | None = None
    province: str | None = None
    district: str | None = None

    @property
    def name(self) -> str:
        if self.kind == "topic":
            return f"topic:{self.topic_id}"
        parts = (self.category, self.province, self.district)
        return f"{self.kind}:" + "|".join(p for p in parts if p is not None)


@dataclass(frozen=True)
class PostColumns:
    """What the detector reads of each post, row-aligned, in time order."""

    ids: list[str]
    stamp: np.ndarray
    topic: np.ndarray
    category: list[str | None]  # None: not a grievance
    province: list[str | None]
    district: list[str | None]
    author: list[str | None]
    fingerprint: list[str]
    cluster: list[str | None]  # near-duplicate cluster, when another post shares it

    @classmethod
    def of(cls, posts: Sequence[Post]) -> PostColumns:
        categories, provinces, districts, prints = [], [], [], []
        for post in posts:
            e = post.enrichment
            grievance = e is not None and e.is_grievance and e.category.label != "none"
            categories.append(str(e.category.label) if grievance and e else None)
            place = e.locations[0] if e and e.locations else None
            provinces.append(place.province if place else None)
            districts.append(place.district if place else None)
            prints.append(_fingerprint(post))
        return cls(
            ids=[p.id for p in posts],
            stamp=np.fromiter((p.created_at.timestamp() for p in posts), np.float64, len(posts)),
            topic=np.fromiter(
                (OUTLIER if p.topic_id is None else p.topic_id for p in posts), np.int64, len(posts)
            ),
            category=categories,
            province=provinces,
            district=districts,
            author=[p.author for p in posts],
            fingerprint=prints,
            cluster=shared_clusters(posts),
        )


@dataclass(frozen=True)
class Memberships:
    """Which post counts in which series, and with what weight (1 a voice, 0 a repeat)."""

    keys: list[SeriesKey]
    post: np.ndarray
    series: np.ndarray
    weight: np.ndarray

    def of_kind(self, kind: str) -> list[int]:
        return [i for i, key in enumerate(self.keys) if key.kind == kind]


def _fingerprint(post: Post) -> str:
    """Content words without hashtags, mentions and repost words: equal for plain copies."""
    e = post.enrichment
    if e is None:
        return hashlib.blake2b(post.text.encode(), digest_size=8).hexdigest()
    tags = {t.lower() for t in (*e.hashtags, *e.mentions)}
    words = [w for w in content_tokens(e.tokens) if w not in tags and w not in _REPOST_WORDS]
    return hashlib.blake2b(" ".join(words).encode(), digest_size=8).hexdigest()


def copies(columns: PostColumns, vectors: np.ndarray, settings: TrendSettings) -> np.ndarray:
    """True for a post that repeats an earlier one within ``copy_hours``.

    Copies share a fingerprint, or sit within ``copy_cosine`` of an earlier post of the same
    category (a copy gets its original's category, so comparing within one is enough).
    """
    n = len(columns.ids)
    copy = np.zeros(n, dtype=bool)
    horizon = settings.copy_hours * 3600.0
    last_seen: dict[str, float] = {}
    for i, (fp, stamp) in enumerate(zip(columns.fingerprint, columns.stamp.tolist(), strict=True)):
        seen = last_seen.get(fp)
        if seen is not None and stamp - seen <= horizon:
            copy[i] = True
        else:
            last_seen[fp] = stamp
    _cluster_copies(columns, horizon, copy)
    if not len(vectors) or horizon <= 0:
        return copy
    groups: dict[str | None, list[int]] = {}
    for i, category in enumerate(columns.category):
        groups.setdefault(category, []).append(i)
    for rows in groups.values():
        _embedding_copies(np.array(rows), columns.stamp, vectors, settings, horizon, copy)
    return copy


def _cluster_copies(columns: PostColumns, horizon: float, copy: np.ndarray) -> None:
    """Mark posts of a near-duplicate cluster whose text the cluster posted within
    ``horizon`` before (the clock restarts at each post that counted)."""
    counted: dict[str, float] = {}
    for i, (cluster, stamp) in enumerate(zip(columns.cluster, columns.stamp.tolist(), strict=True)):
        if cluster is None:
            continue
        seen = counted.get(cluster)
        if seen is not None and stamp - seen <= horizon:
            copy[i] = True
        elif not copy[i]:
            counted[cluster] = stamp


def _embedding_copies(
    rows: np.ndarray,
    stamp: np.ndarray,
    vectors: np.ndarray,
    settings: TrendSettings,
    horizon: float,
    copy: np.ndarray,
) -> None:
    """Mark rows whose vector is ``copy_cosine`` close to an earlier row within ``horizon``,
    a day of rows at a time against the rows of the ``horizon`` before them."""
    times = stamp[rows]
    day = 86_400.0
    block_start = 0
    while block_start < len(rows):
        block_end = int(np.searchsorted(times, times[block_start] + day, side="left"))
        block_end = max(block_end, block_start + 1)
        ref_start = int(np.searchsorted(times, times[block_start] - horizon, side="left"))
        block = rows[block_start:block_end]
        ref = rows[ref_start:block_end]
        sims = vectors[block] @ vectors[ref].T
        # only earlier posts within the horizon count
        lag = stamp[block][:, None] - stamp[ref][None, :]
        earlier = (
            np.arange(ref_start, block_end)[None, :] < np.arange(block_start, block_end)[:, None]
        )
        close = (sims >= settings.copy_cosine) & earlier & (lag <= horizon)
        copy[block[close.any(axis=1)]] = True
        block_start = block_end


def memberships(columns: PostColumns, copy: np.ndarray, settings: TrendSettings) -> Memberships:
    """Every (post, series) pair with its voice weight."""
    index: dict[SeriesKey, int] = {}
    post_rows: list[int] = []
    series_rows: list[int] = []

    def join(row: int, key: SeriesKey) -> None:
        post_rows.append(row)
        series_rows.append(index.setdefault(key, len(index)))

    for row in range(len(columns.ids)):
        join(row, SeriesKey("posts"))
        topic = int(columns.topic[row])
        if topic != OUTLIER:
            join(row, SeriesKey("topic", topic_id=topic))
        province, district = columns.province[row], columns.district[row]
        district = district if settings.districts else None
        if province is not None:
            join(row, SeriesKey("province", province=province))
            if district is not None:
                join(row, SeriesKey("district", province=province, district=district))
        category = columns.category[row]
        if category is None:
            continue
        join(row, SeriesKey("grievances"))
        join(row, SeriesKey("category", category=category))
        if province is None:
            continue
        join(row, SeriesKey("category_province", category=category, province=province))
        if district is not None:
            join(
                row,
                SeriesKey(
                    "category_district", category=category, province=province, district=district
                ),
            )
    post = np.array(post_rows, dtype=np.int64)
    series = np.array(series_rows, dtype=np.int64)
    weight = (~copy[post]).astype(np.float64)
    _repeats(columns, post, series, weight, settings.repeat_hours * 3600.0)
    return Memberships(list(index), post, series, weight)


def _repeats(
    columns: PostColumns,
    post: np.ndarray,
    series: np.ndarray,
    weight: np.ndarray,
    horizon: float,
) -> None:
    """Zero the weight of an author's posts in a series within ``horizon`` of their last
    counted one (anonymous posts always count)."""
    if horizon <= 0:
        return
    authors = {a: i for i, a in enumerate(sorted({a for a in columns.author if a}))}
    code = np.array([authors.get(a, -1) if a else -1 for a in columns.author], dtype=np.int64)
    known = np.flatnonzero((code[post] >= 0) & (weight > 0))
    order = known[np.lexsort((columns.stamp[post[known]], code[post[known]], series[known]))]
    last: tuple[int, int] | None = None
    counted_at = 0.0
    for m in order.tolist():
        key = (int(series[m]), int(code[post[m]]))
        stamp = float(columns.stamp[post[m]])
        if key == last and stamp - counted_at <= horizon:
            weight[m] = 0.0
            continue
        last, counted_at = key, stamp


__all__ = ["PARENTS", "SCORED", "Memberships", "PostColumns", "SeriesKey", "copies", "memberships"]
