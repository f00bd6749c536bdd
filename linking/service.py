"""Link social posts to the formal complaints they are about, with checkable reasons.

For every complaint, posts inside the time window [filed - days_before, filed + days_after]
are scored on five signals, combined by a logistic model whose weights live in config:

* ``cosine``   sentence-embedding similarity of post and complaint (subject + description)
* ``lexical``  IDF-weighted share of the post's content words found in the complaint
* ``province`` +1 same province, -1 a different one, 0 when the post names none
* ``district`` 1 when the complaint's district is named by the post
* ``category`` 1 when the post's category equals the complaint's
* ``time``     exp(-|Δdays| / 3)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from domain.models import Complaint, Post, PostComplaintLink
from domain.settings import LinkSettings
from enrich.thai_text import content_tokens

SIGNALS = ("cosine", "lexical", "province", "district", "category", "time")


@dataclass(frozen=True)
class _PostView:
    post: Post
    words: frozenset[str]
    provinces: frozenset[str]
    districts: frozenset[str]


class Linker:
    """Scores (complaint, post) pairs and keeps those above the configured threshold."""

    def __init__(self, settings: LinkSettings) -> None:
        self.settings = settings
        self.weights = {"bias": -6.0, **{s: 0.0 for s in SIGNALS}, **settings.weights}

    def link(
        self,
        complaints: Sequence[Complaint],
        complaint_vectors: np.ndarray,
        posts: Sequence[Post],
        post_vectors: np.ndarray,
    ) -> list[PostComplaintLink]:
        """All links above threshold, best first per post."""
        views = [_view(p) for p in posts]
        idf = _idf(v.words for v in views)
        times = np.array([p.created_at.timestamp() for p in posts])
        links: list[PostComplaintLink] = []
        for c_index, complaint in enumerate(complaints):
            filed = complaint.filed_at.timestamp()
            lo = filed - self.settings.days_before * 86400
            hi = filed + self.settings.days_after * 86400
            candidates = np.nonzero((times >= lo) & (times <= hi))[0]
            if not len(candidates):
                continue
            c_words = frozenset(content_tokens(complaint.tokens))
            has_vectors = complaint_vectors.shape[1] and post_vectors.shape[1]
            cosines = (
                post_vectors[candidates] @ complaint_vectors[c_index]
                if has_vectors
                else np.zeros(len(candidates))
            )
            scored = []
            for cosine, p_index in zip(cosines, candidates, strict=True):
                view = views[p_index]
                signals = self._signals(complaint, c_words, view, float(cosine), idf)
                score = self.score(signals)
                if score >= self.settings.threshold:
                    scored.append((score, view, signals))
            scored.sort(key=lambda s: (-s[0], s[1].post.id))
            for score, view, signals in scored[: self.settings.max_per_complaint]:
                links.append(
                    PostComplaintLink(
                        post_id=view.post.id,
                        complaint_id=complaint.complaint_id,
                        score=round(score, 4),
                        signals={k: round(v, 4) for k, v in signals.items()},
                        explanation=explain(complaint, view.post, view.words & c_words, signals),
                    )
                )
        links.sort(key=lambda lk: (lk.post_id, -lk.score, lk.complaint_id))
        return links

    def score(self, signals: dict[str, float]) -> float:
        z = self.weights["bias"] + sum(self.weights.get(k, 0.0) * v for k, v in signals.items())
        return 1.0 / (1.0 + math.exp(-z))

    def _signals(
        self,
        complaint: Complaint,
        c_words: frozenset[str],
        view: _PostView,
        cosine: float,
        idf: dict[str, float],
    ) -> dict[str, float]:
        shared = view.words & c_words
        post_weight = sum(idf.get(w, 1.0) for w in view.words) or 1.0
        lexical = sum(idf.get(w, 1.0) for w in shared) / post_weight
        if complaint.province and view.provinces:
            province = 1.0 if complaint.province in view.provinces else -1.0
        else:
            province = 0.0
        district = (
            1.0
            if complaint.district
            and (complaint.district in view.districts or complaint.district.lower() in view.words)
            else 0.0
        )
        e = view.post.enrichment
        category = 1.0 if e and e.category.label == complaint.category else 0.0
        days = abs((view.post.created_at - complaint.filed_at).total_seconds()) / 86400
        return {
            "cosine": max(cosine, 0.0),
            "lexical": min(lexical, 1.0),
            "province": province,
            "district": district,
            "category": category,
            "time": math.exp(-days / 3.0),
        }


def explain(
    complaint: Complaint, post: Post, shared: frozenset[str], signals: dict[str, float]
) -> str:
    """A sentence an officer can check against the post and the complaint."""
    parts = []
    if signals["province"] > 0:
        parts.append(f"same province ({complaint.province})")
    elif signals["province"] < 0:
        parts.append("different province")
    if signals["district"] > 0:
        parts.append(f"names district {complaint.district}")
    if signals["category"] > 0:
        parts.append(f"same category ({complaint.category.value})")
    if shared:
        parts.append("shared words: " + ", ".join(sorted(shared)[:8]))
    parts.append(f"text similarity {signals['cosine']:.2f}")
    delta = (post.created_at - complaint.filed_at).total_seconds() / 86400
    parts.append(f"posted {abs(delta):.1f} days {'after' if delta >= 0 else 'before'} filing")
    return "; ".join(parts)


def _view(post: Post) -> _PostView:
    e = post.enrichment
    if e is None:
        return _PostView(post, frozenset(), frozenset(), frozenset())
    return _PostView(
        post,
        frozenset(content_tokens(e.tokens)),
        frozenset(loc.province for loc in e.locations),
        frozenset(loc.district for loc in e.locations if loc.district),
    )


def _idf(documents: Iterable[frozenset[str]]) -> dict[str, float]:
    counts: Counter[str] = Counter()
    total = 0
    for words in documents:
        counts.update(words)
        total += 1
    return {w: math.log((1 + total) / (1 + n)) + 1.0 for w, n in counts.items()}


__all__ = ["SIGNALS", "Linker", "explain"]
