"""The campaigns stage over a store: near-duplicate clusters, then coordinated campaigns.

``cluster_store`` runs before topics, so spike detection and topic counts can count a
copied text once; ``campaign_store`` runs after them, so a campaign can name its topics.
Both rebuild from the stored posts in time order and write only what changed: a post's
cluster is the same whether it arrived in this run or an earlier one, and running either
twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from campaigns.coordination import detect
from campaigns.neardup import NearDuplicates
from campaigns.sources import collector_kinds, linked_later, profiles
from domain.models import Campaign, Post, SourceProfile
from domain.settings import CampaignSettings, Settings
from storage.base import Store


@dataclass
class ClusterReport:
    posts: int
    changed: int
    copied: int  # posts in a cluster with another post


@dataclass
class CampaignReport:
    campaigns: list[Campaign]
    posts_marked: int


def _in_time_order(store: Store) -> list[Post]:
    return sorted(store.iter_posts(), key=lambda p: (p.created_at, p.id))


def cluster_store(
    store: Store,
    *,
    index: NearDuplicates | None = None,
    progress: Callable[[int], None] | None = None,
) -> ClusterReport:
    """Give every stored post its near-duplicate cluster id (its cluster's first post)."""
    index = index or NearDuplicates.shipped()
    posts = _in_time_order(store)
    for done, post in enumerate(posts, 1):
        index.add(post.id, post.text)
        if progress and done % 1000 == 0:
            progress(1000)
    if progress:
        progress(len(posts) % 1000)
    clusters = index.clusters()
    sizes: dict[str, int] = {}
    for cluster in clusters.values():
        sizes[cluster] = sizes.get(cluster, 0) + 1
    changed = {p.id: clusters[p.id] for p in posts if p.cluster_id != clusters[p.id]}
    written = store.assign_clusters(changed) if changed else 0
    copied = sum(1 for p in posts if sizes[clusters[p.id]] > 1)
    return ClusterReport(posts=len(posts), changed=written, copied=copied)


def campaign_store(store: Store, settings: CampaignSettings, *, now: datetime) -> CampaignReport:
    """Flag the campaigns among the last ``lookback_days`` of posts; store them (keeping
    when each was first detected) and mark their posts."""
    posts = _in_time_order(store)
    if posts:
        since = posts[-1].created_at - timedelta(days=settings.lookback_days)
        recent = [p for p in posts if p.created_at >= since]
    else:
        recent = []
    found = detect(recent, settings, now=now)
    known = {c.campaign_id: c for c in store.get_campaigns([c.campaign_id for c in found])}
    campaigns = [
        c.model_copy(update={"detected_at": known[c.campaign_id].detected_at})
        if c.campaign_id in known
        else c
        for c in found
    ]
    store.replace_campaigns(campaigns)
    marks: dict[str, list[str]] = {}
    for campaign in campaigns:
        for post_id in campaign.post_ids:
            marks.setdefault(post_id, []).append(campaign.campaign_id)
    changed = {
        p.id: sorted(marks.get(p.id, []))
        for p in posts
        if p.campaign_ids != sorted(marks.get(p.id, []))
    }
    marked = store.assign_campaigns(changed) if changed else 0
    _badge_topics(store, campaigns)
    return CampaignReport(campaigns=campaigns, posts_marked=marked)


def _badge_topics(store: Store, campaigns: list[Campaign]) -> None:
    """Name on each topic the campaigns among its posts (rewritten only when that changes)."""
    of_topic: dict[int, list[str]] = {}
    for campaign in campaigns:
        for topic_id in campaign.topic_ids:
            of_topic.setdefault(topic_id, []).append(campaign.campaign_id)
    topics = list(store.iter_topics())
    badged = [
        t.model_copy(update={"campaign_ids": sorted(of_topic.get(t.topic_id, []))}) for t in topics
    ]
    if badged != topics:
        store.replace_topics(badged)


def source_store(store: Store, settings: Settings) -> list[SourceProfile]:
    """Profile every source (reach, link rate) and store the profiles (after linking)."""
    posts = _in_time_order(store)
    grievances = [p.id for p in posts if p.enrichment is not None and p.enrichment.is_grievance]
    links = store.links_for_posts(grievances) if grievances else []
    complaints = {c.complaint_id: c for c in store.get_complaints(
        sorted({link.complaint_id for link in links}))}  # fmt: skip
    collectors = collector_kinds((s.name, s.kind) for s in settings.sources)
    found = profiles(posts, linked_later(posts, links, complaints), collectors)
    store.replace_source_profiles(found)
    return found


__all__ = ["CampaignReport", "ClusterReport", "campaign_store", "cluster_store", "source_store"]
