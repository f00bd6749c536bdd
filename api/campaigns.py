"""Routes for campaigns and sources: coordinated posting, who reaches whom, who spoke first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.access import Viewer
from api.deps import IsoDatetime, SettingsDep, StoreDep, TopicId
from api.models import (
    CampaignDetail,
    CampaignList,
    Openers,
    PostPublic,
    SourcedPost,
    SourceList,
)
from campaigns import sources
from domain.errors import NotFoundError
from domain.models import CampaignKind, Post, SourceKind, SourceProfile
from domain.settings import Settings
from storage.base import CampaignQuery, EmergenceQuery, PostQuery, SourceQuery, SourceSort

router = APIRouter(prefix="/v1")
_EVIDENCE = 100  # posts shown with a campaign
_OPENERS = 5

CampaignId = Annotated[
    str, Path(min_length=1, max_length=600, description="A campaign id (`copy:…`, `few:…`).")
]


@router.get("/campaigns", response_model=CampaignList, tags=["campaigns"])
def list_campaigns(
    store: StoreDep,
    caller: Viewer,
    kind: CampaignKind | None = None,
    topic_id: Annotated[int | None, Query(ge=0, le=2**31 - 1)] = None,
    post_id: Annotated[str | None, Query(min_length=1, max_length=600)] = None,
    start: Annotated[IsoDatetime | None, Query(description="Began at or after.")] = None,
    end: Annotated[IsoDatetime | None, Query(description="Began before.")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> CampaignList:
    """Coordinated campaigns, the newest first: one text posted by many accounts within
    hours (`copied_text`), or a few accounts pushing one subject for days (`few_accounts`).
    Each carries its evidence: the accounts' pseudonyms, the posts, the time span and the
    shared text. Filter by a topic or a post to see the campaigns behind it."""
    total, found = store.list_campaigns(
        CampaignQuery(kind=kind, topic_id=topic_id, post_id=post_id, start=start, end=end),
        limit=limit,
        offset=offset,
    )
    return CampaignList(total=total, limit=limit, offset=offset, campaigns=found)


@router.get("/campaigns/{campaign_id}", response_model=CampaignDetail, tags=["campaigns"])
def get_campaign(campaign_id: CampaignId, store: StoreDep, caller: Viewer) -> CampaignDetail:
    """One campaign with the posts that are its evidence (the first 100, oldest first)."""
    found = store.get_campaigns([campaign_id])
    if not found:
        raise NotFoundError("campaign", campaign_id)
    posts = store.get_posts(found[0].post_ids[:_EVIDENCE])
    return CampaignDetail(campaign=found[0], posts=[PostPublic.of(p) for p in posts])


@router.get("/sources", response_model=SourceList, tags=["sources"])
def list_sources(
    store: StoreDep,
    caller: Viewer,
    kind: SourceKind | None = None,
    platform: Annotated[str | None, Query(min_length=1, max_length=40)] = None,
    sort: Annotated[
        SourceSort,
        Query(description="reach (followers plus engagement), grievances, link_rate or posts."),
    ] = "reach",
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> SourceList:
    """Sources by reach (or grievances, link rate, posts): public pages, channels, news
    outlets and forum rooms by name, accounts by pseudonym. The link rate is how often a
    source's grievance posts were linked to a formal complaint filed after them."""
    total, found = store.list_source_profiles(
        SourceQuery(kind=kind, platform=platform, sort=sort), limit=limit, offset=offset
    )
    return SourceList(total=total, limit=limit, offset=offset, sources=found)


@router.get("/sources/{source_id}", response_model=SourceProfile, tags=["sources"])
def get_source(
    source_id: Annotated[str, Path(min_length=1, max_length=600)],
    store: StoreDep,
    caller: Viewer,
) -> SourceProfile:
    """One source's profile: posts, grievances, link rate, followers and engagement."""
    found = store.get_source_profile(source_id)
    if found is None:
        raise NotFoundError("source", source_id)
    return found


@router.get("/topics/{topic_id}/sources", response_model=Openers, tags=["sources"])
def topic_sources(
    topic_id: TopicId, store: StoreDep, settings: SettingsDep, caller: Viewer
) -> Openers:
    """Who spoke first on a topic, and whose posts on it were engaged with most."""
    if store.get_topic(topic_id) is None:
        raise NotFoundError("topic", str(topic_id))
    posts = list(store.iter_posts(PostQuery(topic_id=topic_id)))
    return _openers(posts, settings)


@router.get("/emergences/{episode_id}/sources", response_model=Openers, tags=["sources"])
def episode_sources(
    episode_id: Annotated[str, Path(min_length=1, max_length=600)],
    store: StoreDep,
    settings: SettingsDep,
    caller: Viewer,
) -> Openers:
    """Who spoke first in a spike episode (an emerging grievance), and the most engaged."""
    _, found = store.list_emergences(EmergenceQuery(episode_id=episode_id), limit=1)
    if not found:
        raise NotFoundError("emergence", episode_id)
    return _openers(store.get_posts(found[0].post_ids), settings)


def _openers(posts: list[Post], settings: Settings) -> Openers:
    collectors = sources.collector_kinds((s.name, s.kind) for s in settings.sources)
    found = sources.openers(posts, limit=_OPENERS)

    def sourced(post: Post) -> SourcedPost:
        ref = sources.speaker_of(post, collectors)
        return SourcedPost(
            source_id=ref.source_id if ref else None,
            source_kind=ref.kind if ref else None,
            source_name=ref.name if ref else None,
            engagement=sources.engagement_of(post),
            post=PostPublic.of(post),
        )

    return Openers(
        posts=len(posts),
        first=[sourced(p) for p in found.first],
        most_engaged=[sourced(p) for p in found.most_engaged],
    )


__all__ = ["router"]
