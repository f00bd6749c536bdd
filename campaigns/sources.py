"""Sources: who posts, how far they reach, and who spoke first.

Every post has an account (its author's keyed-hash pseudonym), and many have a venue: the
public page, channel, news outlet or forum room it was collected from. Venues are named by
the post's ``source`` (``page:1111official``, ``news:thairath``, ``pantip:ห้องสินธร``,
``video:ข่าวเช้า``) or, for a configured collector, by the collector's name and kind. Search
queries (``keyword:…``, an X or Bluesky query) are not venues: there the account speaks.

A source's reach is what the platforms tell: the most followers reported for it plus the
likes, shares and replies its posts got. Its link rate is how often its grievance posts
were linked to a formal complaint filed at or after the post.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from domain.models import Complaint, Post, PostComplaintLink, SourceKind, SourceProfile

_PREFIX_KINDS: dict[str, SourceKind] = {
    "page": "page",
    "news": "outlet",
    "outlet": "outlet",
    "pantip": "forum_room",
    "room": "forum_room",
    "video": "channel",
    "channel": "channel",
}
# A configured collector's kind → the kind of venue its posts come from.
COLLECTOR_KINDS: dict[str, SourceKind] = {
    "facebook": "page",
    "youtube": "channel",
    "news": "outlet",
    "pantip": "forum_room",
}


@dataclass(frozen=True)
class SourceRef:
    source_id: str
    kind: SourceKind
    name: str


def venue_of(post: Post, collectors: Mapping[str, SourceKind]) -> SourceRef | None:
    """The page, channel, outlet or forum room ``post`` was collected from, if any."""
    prefix, _, name = post.source.partition(":")
    kind = _PREFIX_KINDS.get(prefix.lower())
    if kind is not None and name.strip():
        return SourceRef(f"{prefix.lower()}:{name.strip()}", kind, name.strip())
    kind = collectors.get(post.source)
    if kind is not None:
        return SourceRef(f"collector:{post.source}", kind, post.source)
    return None


def account_of(post: Post) -> SourceRef | None:
    return SourceRef(f"account:{post.author}", "account", post.author) if post.author else None


def speaker_of(post: Post, collectors: Mapping[str, SourceKind]) -> SourceRef | None:
    """Who a reader should credit with the post: its account, else its venue."""
    return account_of(post) or venue_of(post, collectors)


def engagement_of(post: Post) -> int:
    e = post.engagement
    return e.likes + e.shares + e.replies


def linked_later(
    posts: Iterable[Post],
    links: Iterable[PostComplaintLink],
    complaints: Mapping[str, Complaint],
) -> set[str]:
    """Posts linked to a complaint filed at or after them (rejected links left out)."""
    posted = {p.id: p.created_at for p in posts}
    found = set()
    for link in links:
        if link.decision is not None and link.decision.verdict == "rejected":
            continue
        complaint = complaints.get(link.complaint_id)
        at = posted.get(link.post_id)
        if complaint is not None and at is not None and complaint.filed_at >= at:
            found.add(link.post_id)
    return found


def profiles(
    posts: Sequence[Post], linked: set[str], collectors: Mapping[str, SourceKind]
) -> list[SourceProfile]:
    """Every source of ``posts``, the widest reach first."""
    members: dict[str, tuple[SourceRef, list[Post]]] = {}
    for post in posts:
        for ref in (account_of(post), venue_of(post, collectors)):
            if ref is not None:
                members.setdefault(ref.source_id, (ref, []))[1].append(post)
    found = [_profile(ref, own, linked) for ref, own in members.values()]
    return sorted(found, key=lambda s: (-s.reach, s.source_id))


def _profile(ref: SourceRef, posts: list[Post], linked: set[str]) -> SourceProfile:
    grievances = [p for p in posts if p.enrichment is not None and p.enrichment.is_grievance]
    hits = sum(1 for p in grievances if p.id in linked)
    followers = [p.followers for p in posts if p.followers is not None]
    engagement = sum(engagement_of(p) for p in posts)
    platforms = {p.platform for p in posts}
    stamps = [p.created_at for p in posts]
    return SourceProfile(
        source_id=ref.source_id,
        kind=ref.kind,
        platform=next(iter(platforms)) if len(platforms) == 1 else None,
        name=ref.name,
        posts=len(posts),
        grievances=len(grievances),
        linked_grievances=hits,
        link_rate=round(hits / len(grievances), 4) if grievances else None,
        followers=max(followers) if followers else None,
        engagement=engagement,
        engagement_per_post=round(engagement / len(posts), 2),
        reach=(max(followers) if followers else 0) + engagement,
        first_post_at=min(stamps),
        last_post_at=max(stamps),
        campaign_ids=sorted({c for p in posts for c in p.campaign_ids}),
    )


@dataclass(frozen=True)
class Openers:
    """Who spoke first in a set of posts, and whose posts were engaged with most."""

    first: list[Post]
    most_engaged: list[Post]


def openers(posts: Sequence[Post], *, limit: int = 5) -> Openers:
    """The first ``limit`` posts and the ``limit`` most engaged (ties: the earlier first)."""
    ordered = sorted(posts, key=lambda p: (p.created_at, p.id))
    engaged = sorted(ordered, key=lambda p: -engagement_of(p))
    return Openers(first=ordered[:limit], most_engaged=[p for p in engaged[:limit]])


def collector_kinds(sources: Iterable[tuple[str, str]]) -> dict[str, SourceKind]:
    """Configured collectors (name, kind) whose posts come from one kind of venue."""
    return {name: COLLECTOR_KINDS[kind] for name, kind in sources if kind in COLLECTOR_KINDS}


__all__ = [
    "COLLECTOR_KINDS",
    "Openers",
    "SourceRef",
    "account_of",
    "collector_kinds",
    "engagement_of",
    "linked_later",
    "openers",
    "profiles",
    "speaker_of",
    "venue_of",
]
