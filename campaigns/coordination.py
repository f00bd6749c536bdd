"""Coordinated posting: campaigns flagged with their evidence.

Two shapes, both with thresholds from ``campaigns`` in the config:

* **copied text**: one near-duplicate cluster (``campaigns.neardup``) posted by at least
  ``copy_min_accounts`` distinct accounts within ``copy_window_hours``, and those accounts
  are at least ``copy_min_share`` of everyone who posted the text. A repost storm (a real
  warning shared by many people over a day or two) fails the share; a campaign posts at once.
* **few accounts**: two to ``few_max_accounts`` accounts who each keep to one subject (their
  posts' content words are ``few_coherence`` alike), whose word profiles are
  ``few_similarity`` alike, and who together wrote ``few_min_posts`` posts over at least
  ``few_min_days``. The wording changes from post to post, so this reads words, not copies.
  A news page or a chatty person does not keep to one subject; many people on one subject
  are more than a few accounts.

Only authored posts count: an anonymous post is nobody's account.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from domain.models import Campaign, Post
from domain.settings import CampaignSettings
from enrich.thai_text import content_tokens
from topics.modeling import OUTLIER

_KEYWORDS = 8
_HOUR = 3600.0


@dataclass(frozen=True)
class _Window:
    start: int  # row range in the cluster's time-ordered posts
    end: int
    accounts: int


def detect(posts: Sequence[Post], settings: CampaignSettings, *, now: datetime) -> list[Campaign]:
    """Every campaign among ``posts`` (each with its ``cluster_id``), oldest first."""
    authored = sorted((p for p in posts if p.author), key=lambda p: (p.created_at, p.id))
    found = copied_text(authored, settings, now=now) + few_accounts(authored, settings, now=now)
    return sorted(found, key=lambda c: (c.start, c.campaign_id))


def copied_text(
    posts: Sequence[Post], settings: CampaignSettings, *, now: datetime
) -> list[Campaign]:
    """Clusters many accounts posted at once (module docstring)."""
    clusters: dict[str, list[Post]] = {}
    for post in posts:
        if post.cluster_id:
            clusters.setdefault(post.cluster_id, []).append(post)
    found = []
    for cluster_id, members in clusters.items():
        if len({p.author for p in members}) < settings.copy_min_accounts:
            continue
        window = _densest(members, settings.copy_window_hours * _HOUR)
        everyone = len({p.author for p in members})
        if window.accounts < settings.copy_min_accounts:
            continue
        if window.accounts / everyone < settings.copy_min_share:
            continue
        inside = members[window.start : window.end]
        hours = _span_hours(inside)
        found.append(
            _campaign(
                f"copy:{cluster_id}",
                "copied_text",
                inside,
                text=members[0].text,
                keywords=[],
                cluster_id=cluster_id,
                reason=f"{window.accounts} บัญชีโพสต์ข้อความเดียวกันภายใน {_hours_th(hours)}",
                now=now,
            )
        )
    return found


def _densest(members: Sequence[Post], width: float) -> _Window:
    """The window of ``width`` seconds (starting at a post) with the most distinct accounts."""
    stamps = [p.created_at.timestamp() for p in members]
    best = _Window(0, 0, 0)
    counts: Counter[str | None] = Counter()
    end = 0
    for start in range(len(members)):
        while end < len(members) and stamps[end] - stamps[start] <= width:
            counts[members[end].author] += 1
            end += 1
        if len(counts) > best.accounts:
            best = _Window(start, end, len(counts))
        counts[members[start].author] -= 1
        if not counts[members[start].author]:
            del counts[members[start].author]
    return best


def few_accounts(
    posts: Sequence[Post], settings: CampaignSettings, *, now: datetime
) -> list[Campaign]:
    """A few accounts pushing one subject for days (module docstring)."""
    documents = [_words(p) for p in posts]
    by_account: dict[str, list[int]] = {}
    for row, post in enumerate(posts):
        if documents[row] and post.author:
            by_account.setdefault(post.author, []).append(row)
    active = [a for a, rows in by_account.items() if len(rows) >= settings.few_min_account_posts]
    if len(active) < 2:
        return []
    vectorizer = TfidfVectorizer(
        analyzer=lambda words: words, sublinear_tf=True, min_df=2, norm="l2"
    )
    try:
        rows = vectorizer.fit_transform(documents)
    except ValueError:  # no word in two posts: nothing can be shared
        return []
    coherent = [a for a in active if _coherence(rows[by_account[a]]) >= settings.few_coherence]
    if len(coherent) < 2:
        return []
    profiles = normalize(sparse.vstack([_mean(rows[by_account[a]]) for a in coherent]))
    similar = (profiles @ profiles.T).toarray() >= settings.few_similarity
    vocabulary = vectorizer.get_feature_names_out()
    found = []
    for group in _components(similar):
        accounts = [coherent[i] for i in group]
        if not 2 <= len(accounts) <= settings.few_max_accounts:
            continue
        members = sorted(r for a in accounts for r in by_account[a])
        group_posts = [posts[r] for r in members]
        hours = _span_hours(group_posts)
        if len(members) < settings.few_min_posts or hours < settings.few_min_days * 24:
            continue
        centre = normalize(_mean(rows[members]))
        typical = members[int(np.argmax((rows[members] @ centre.T).toarray()))]
        weights = np.asarray(centre.todense()).ravel()
        keywords = [str(vocabulary[i]) for i in np.argsort(-weights)[:_KEYWORDS] if weights[i]]
        key = hashlib.blake2b("|".join(sorted(accounts)).encode(), digest_size=8).hexdigest()
        days = hours / 24
        found.append(
            _campaign(
                f"few:{key}",
                "few_accounts",
                group_posts,
                text=posts[typical].text,
                keywords=keywords,
                cluster_id=None,
                reason=f"{len(accounts)} บัญชีโพสต์เรื่องเดียวกัน {len(members)} โพสต์ใน "
                f"{days:.0f} วัน ({' '.join(keywords[:3])})",
                now=now,
            )
        )
    return found


def _words(post: Post) -> list[str]:
    e = post.enrichment
    return [w for w in content_tokens(e.tokens) if len(w) > 1] if e else []


def _mean(rows: sparse.csr_matrix) -> sparse.csr_matrix:
    return sparse.csr_matrix(rows.mean(axis=0))


def _coherence(rows: sparse.csr_matrix) -> float:
    """Mean cosine between distinct pairs of an account's (unit-length) post rows."""
    n = rows.shape[0]
    if n < 2:
        return 0.0
    total = np.asarray(rows.sum(axis=0)).ravel()
    own = float(rows.multiply(rows).sum())  # each row's self-similarity (1, or 0 if empty)
    return float((total @ total - own) / (n * (n - 1)))


def _components(adjacent: np.ndarray) -> list[list[int]]:
    """Connected groups of a symmetric boolean matrix (its diagonal ignored)."""
    seen = np.zeros(len(adjacent), dtype=bool)
    groups = []
    for start in range(len(adjacent)):
        if seen[start]:
            continue
        stack, group = [start], []
        seen[start] = True
        while stack:
            node = stack.pop()
            group.append(node)
            for other in np.flatnonzero(adjacent[node] & ~seen).tolist():
                seen[other] = True
                stack.append(other)
        groups.append(sorted(group))
    return groups


def _span_hours(posts: Sequence[Post]) -> float:
    return (posts[-1].created_at - posts[0].created_at) / timedelta(hours=1)


def _hours_th(hours: float) -> str:
    return f"{max(hours, 1 / 60) * 60:.0f} นาที" if hours < 1 else f"{hours:.1f} ชม."


def _campaign(
    campaign_id: str,
    kind: str,
    posts: Sequence[Post],
    *,
    text: str,
    keywords: list[str],
    cluster_id: str | None,
    reason: str,
    now: datetime,
) -> Campaign:
    accounts = list(dict.fromkeys(p.author for p in posts if p.author))
    topics = Counter(p.topic_id for p in posts if p.topic_id not in (None, OUTLIER))
    return Campaign.model_validate(
        {
            "campaign_id": campaign_id,
            "kind": kind,
            "reason": reason,
            "text": text,
            "keywords": keywords,
            "accounts": accounts,
            "post_ids": [p.id for p in posts],
            "posts": len(posts),
            "start": posts[0].created_at,
            "end": posts[-1].created_at,
            "span_hours": round(_span_hours(posts), 2),
            "cluster_id": cluster_id,
            "topic_ids": [t for t, _ in topics.most_common() if t is not None],
            "detected_at": now,
        }
    )


__all__ = ["copied_text", "detect", "few_accounts"]
