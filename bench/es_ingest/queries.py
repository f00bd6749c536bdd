"""The bench's queries, drawn with a fixed seed from the corpus itself.

* ``parity_queries``: filtered queries both stores must count alike: words of every kind
  the sample's tokens hold (frequent words, words with vowel and tone marks, emoji,
  abbreviations with dots), alone or in pairs, with a province, category, sentiment,
  platform or grievance filter and time ranges (whole days in Bangkok time, and bounds
  with fractions of a second);
* ``search_query``, ``knn_query``, ``agg_query``: one timed query each (a word or two with
  a filter; a random unit vector with a filter; a day timeline of a province or category).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np

from domain.models import BANGKOK_TZ, Post
from storage.base import PostQuery


@dataclass(frozen=True)
class Vocabulary:
    """What the queries draw from, counted over the corpus."""

    words: list[str]  # frequent tokens first
    provinces: list[str]
    categories: list[str]
    sentiments: list[str]
    platforms: list[str]
    first: datetime
    last: datetime

    @classmethod
    def of(cls, posts: Sequence[Post]) -> Vocabulary:
        words: Counter[str] = Counter()
        provinces: Counter[str] = Counter()
        categories: Counter[str] = Counter()
        sentiments: Counter[str] = Counter()
        platforms: Counter[str] = Counter()
        for post in posts:
            e = post.enrichment
            if e is None:
                continue
            words.update({t.lower() for t in e.tokens if t.strip()})
            provinces.update([e.province] if e.province else [])
            categories[e.category.label.value] += 1
            sentiments[e.sentiment.label] += 1
            platforms[post.platform] += 1
        times = [p.created_at for p in posts]
        return cls(
            words=[w for w, _ in words.most_common()],
            provinces=[p for p, _ in provinces.most_common(30)],
            categories=[c for c, _ in categories.most_common()],
            sentiments=[s for s, _ in sentiments.most_common()],
            platforms=[p for p, _ in platforms.most_common()],
            first=min(times),
            last=max(times),
        )


def parity_queries(vocabulary: Vocabulary, n: int = 60, *, seed: int = 0) -> list[PostQuery]:
    """``n`` filtered queries whose totals both stores must agree on."""
    rng = random.Random(seed)
    words = vocabulary.words[:300]
    marked = [w for w in words if any("\u0e31" <= c <= "\u0e4e" for c in w)]
    odd = [w for w in words if any(not c.isalnum() for c in w)]  # emoji, dots, signs
    queries: list[PostQuery] = []
    while len(queries) < n:
        pool = rng.choice((words[:40], words, marked or words, odd or words))
        terms = tuple(rng.sample(pool, min(len(pool), rng.choice((1, 1, 2)))))
        query = PostQuery(terms=terms)
        kind = len(queries) % 6
        if kind == 0:
            query = replace(query, province=rng.choice(vocabulary.provinces))
        elif kind == 1:
            query = replace(query, category=rng.choice(vocabulary.categories))
        elif kind == 2:
            query = replace(query, sentiment=rng.choice(vocabulary.sentiments), is_grievance=True)
        elif kind == 3:
            query = replace(query, platforms=(rng.choice(vocabulary.platforms),))
        start, end = _time_range(vocabulary, rng, fractional=kind == 4)
        if kind >= 4 or rng.random() < 0.3:
            query = replace(query, start=start, end=end)
        queries.append(query)
    return queries


def search_query(vocabulary: Vocabulary, rng: random.Random) -> PostQuery:
    """One or two frequent words with a province filter, or within a week."""
    words = vocabulary.words[:60]
    query = PostQuery(terms=tuple(rng.sample(words, rng.choice((1, 1, 2)))))
    if rng.random() < 0.5:
        return replace(query, province=rng.choice(vocabulary.provinces[:10]))
    start, _ = _time_range(vocabulary, rng, fractional=False)
    return replace(query, start=start, end=start + timedelta(days=7))


def knn_query(
    vocabulary: Vocabulary, rng: random.Random, dims: int
) -> tuple[np.ndarray, PostQuery]:
    """A random unit vector with a province or category filter."""
    vector = np.random.default_rng(rng.randrange(2**32)).normal(size=dims).astype(np.float32)
    vector /= np.linalg.norm(vector)
    if rng.random() < 0.5:
        return vector, PostQuery(province=rng.choice(vocabulary.provinces[:10]))
    return vector, PostQuery(category=rng.choice(vocabulary.categories[:5]))


def agg_query(vocabulary: Vocabulary, rng: random.Random) -> PostQuery:
    """The filter of a day timeline: a province or a category."""
    if rng.random() < 0.5:
        return PostQuery(province=rng.choice(vocabulary.provinces[:10]))
    return PostQuery(category=rng.choice(vocabulary.categories[:5]))


def _time_range(
    vocabulary: Vocabulary, rng: random.Random, *, fractional: bool
) -> tuple[datetime, datetime]:
    """A range of 1 to 7 whole Bangkok days, or bounds anywhere to the microsecond."""
    span = (vocabulary.last - vocabulary.first).total_seconds()
    moment = vocabulary.first + timedelta(seconds=rng.uniform(0, span))
    if fractional:
        return moment, moment + timedelta(seconds=rng.uniform(3_600, 3 * 86_400))
    day = moment.astimezone(BANGKOK_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    return day, day + timedelta(days=rng.randint(1, 7))


__all__ = ["Vocabulary", "agg_query", "knn_query", "parity_queries", "search_query"]
