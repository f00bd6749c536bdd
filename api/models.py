"""Response schemas of the query API (what clients see, not how it is stored)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from domain.models import (
    BANGKOK,
    Alert,
    AlertRule,
    Campaign,
    Category,
    Complaint,
    Emergence,
    Engagement,
    Keyword,
    LinkDecision,
    LinkEvidence,
    LinkReason,
    LinkVerdict,
    Post,
    PostComplaintLink,
    Role,
    SourceKind,
    SourceProfile,
    SpikeEpisode,
    Topic,
)
from linking.reasons import reasons, thai_sentence

_TZ = ZoneInfo(BANGKOK)


class PostPublic(BaseModel):
    id: str = Field(examples=["x:1853301234567890123"])
    platform: str
    url: str | None
    author: str | None = Field(description="Keyed-hash pseudonym.")
    text: str = Field(description="Post text with PII redacted.")
    created_at: datetime
    created_at_bangkok: str = Field(examples=["2026-11-08 14:05 (Asia/Bangkok)"])
    engagement: Engagement
    sentiment: str | None
    sentiment_score: float | None
    category: str | None
    category_uncertain: bool | None = Field(
        None,
        description="The category's calibrated probability is under "
        "models.category.min_confidence: a best guess to check, not to trust.",
    )
    is_grievance: bool | None
    province: str | None
    district: str | None
    topic_id: int | None
    cluster_id: str | None = Field(
        None, description="Its near-duplicate cluster (the id of the cluster's first post)."
    )
    campaign_ids: list[str] = Field(
        default_factory=list, description="Coordinated campaigns the post is evidence of."
    )
    followers: int | None = Field(None, description="Its author's followers, as collected.")
    score: float | None = Field(None, description="Relevance (search) or link score.")
    matched: list[str] = Field(
        default_factory=list,
        description="Search hits: the exact stretches of `text` that matched the words of "
        "`q` (lexical and hybrid search), for highlighting; empty elsewhere.",
    )

    @classmethod
    def of(
        cls, post: Post, score: float | None = None, *, matched: list[str] | None = None
    ) -> PostPublic:
        e = post.enrichment
        location = e.locations[0] if e and e.locations else None
        local = post.created_at.astimezone(_TZ)
        return cls(
            id=post.id,
            platform=post.platform,
            url=post.url,
            author=post.author,
            text=post.text,
            created_at=post.created_at,
            created_at_bangkok=local.strftime("%Y-%m-%d %H:%M (Asia/Bangkok)"),
            engagement=post.engagement,
            sentiment=e.sentiment.label if e else None,
            sentiment_score=e.sentiment.score if e else None,
            category=e.category.label.value if e else None,
            category_uncertain=e.category.uncertain if e else None,
            is_grievance=e.is_grievance if e else None,
            province=location.province if location else None,
            district=location.district if location else None,
            topic_id=post.topic_id,
            cluster_id=post.cluster_id,
            campaign_ids=post.campaign_ids,
            followers=post.followers,
            score=score,
            matched=matched or [],
        )


class SearchResponse(BaseModel):
    total: int
    limit: int
    offset: int
    hits: list[PostPublic]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page.")


class TimelinePoint(BaseModel):
    time: datetime
    count: int


class Timeline(BaseModel):
    """Every bucket of the range, zeros included, starting on Bangkok hours or midnights."""

    interval: str = Field(examples=["day"])
    start: datetime | None = Field(None, description="The first bucket (null: no posts).")
    end: datetime | None = Field(None, description="The end of the last bucket.")
    points: list[TimelinePoint]


class BreakdownBucket(BaseModel):
    key: str = Field(examples=["กรุงเทพมหานคร"])
    count: int


class Breakdown(BaseModel):
    dimension: str = Field(examples=["province"])
    buckets: list[BreakdownBucket] = Field(description="Most posts first.")


class TopicSummary(BaseModel):
    """A topic as lists show it; ``/v1/topics/{id}`` has the whole record."""

    topic_id: int = Field(examples=[12])
    label: str = Field(examples=["น้ำประปา · เค็ม · บางบัวทอง"])
    phrase: str = Field(examples=["น้ำประปาเค็มมากสามวันแล้ว หมู่บ้านพฤกษา บางบัวทอง"])
    keywords: list[Keyword] = Field(description="The ten strongest.")
    size: int
    voices: int = Field(
        0, description="Distinct voices: accounts, with everyone posting copies of one text "
        "counted once (`size` is the raw volume)."
    )  # fmt: skip
    campaign_ids: list[str] = Field(
        default_factory=list, description="Coordinated campaigns among its posts."
    )
    status: str
    spike_score: float
    dominant_category: Category
    first_seen: datetime
    last_seen: datetime
    provinces: dict[str, int] = Field(description="The five with most posts.")
    sentiment_mix: dict[str, int]
    counts_daily: dict[str, int]
    latest_spike: SpikeEpisode | None
    merged_into: int | None
    matching_posts: int | None = Field(
        None, description="The topic's posts under the list's post filters (null: no filter)."
    )

    @classmethod
    def of(cls, topic: Topic, *, matching_posts: int | None = None) -> TopicSummary:
        return cls(
            topic_id=topic.topic_id,
            label=topic.label,
            phrase=topic.phrase,
            keywords=topic.keywords[:10],
            size=topic.size,
            voices=topic.voices,
            campaign_ids=topic.campaign_ids,
            status=topic.status,
            spike_score=topic.spike_score,
            dominant_category=topic.dominant_category,
            first_seen=topic.first_seen,
            last_seen=topic.last_seen,
            provinces=dict(list(topic.provinces.items())[:5]),
            sentiment_mix=topic.sentiment_mix,
            counts_daily=topic.counts_daily,
            latest_spike=max(topic.spikes, key=lambda e: e.start) if topic.spikes else None,
            merged_into=topic.merged_into,
            matching_posts=matching_posts,
        )


class EmergenceList(BaseModel):
    """Emerging grievances detected in a period, strongest first."""

    as_of: datetime = Field(description="What 'now' was for this answer.")
    clock: Literal["real", "data"] = Field(
        description="real: the server's clock; data: the last hour the detector judged (a "
        "historical or demo store)."
    )
    detected_from: datetime
    detected_to: datetime
    total: int
    emergences: list[Emergence]


class CampaignList(BaseModel):
    """Coordinated campaigns, the newest first."""

    total: int = Field(description="Campaigns matching the query, over all pages.")
    limit: int
    offset: int
    campaigns: list[Campaign]


class CampaignDetail(BaseModel):
    """A campaign and the posts that are its evidence (the first 100, oldest first)."""

    campaign: Campaign
    posts: list[PostPublic]


class SourceList(BaseModel):
    """Sources (pages, channels, outlets, forum rooms, pseudonymous accounts)."""

    total: int = Field(description="Sources matching the query, over all pages.")
    limit: int
    offset: int
    sources: list[SourceProfile]


class SourcedPost(BaseModel):
    """A post with who to credit for it: its account (pseudonym) or the venue it came from."""

    source_id: str | None = Field(examples=["account:a3f9c2d1e0b4", "page:1111official"])
    source_kind: SourceKind | None
    source_name: str | None
    engagement: int = Field(description="Likes, shares and replies.")
    post: PostPublic


class Openers(BaseModel):
    """Who spoke first, and whose posts were engaged with most, in a topic or an episode."""

    posts: int = Field(description="Posts read (a topic's all; an episode's listed ones).")
    first: list[SourcedPost]
    most_engaged: list[SourcedPost]


class TopicList(BaseModel):
    total: int = Field(description="Topics matching the query, over all pages.")
    limit: int
    offset: int
    topics: list[TopicSummary]


class LinkFacts(BaseModel):
    """What every view of a post↔complaint link shows: score, reasons, the officer's verdict."""

    score: float = Field(description="Calibrated chance the post is about the complaint.")
    explanation: str = Field(description="The evidence in one English sentence.")
    explanation_th: str = Field(
        description="The evidence in one Thai sentence, as the dashboard words it.",
        examples=["อยู่อำเภอ/เขตเดียวกัน (บางบัวทอง, นนทบุรี) · โพสต์หลังยื่นเรื่อง 0.5 วัน"],
    )
    reasons: list[LinkReason] = Field(
        description="The evidence as items (place, distance, category, shared words, "
        "similarity, time gap) for a client to word in its own language."
    )
    signals: dict[str, float]
    evidence: LinkEvidence | None
    decision: LinkDecision | None = Field(description="The officer's verdict, if any.")

    @staticmethod
    def of(link: PostComplaintLink) -> dict[str, object]:
        items = reasons(link)
        return {
            "score": link.score,
            "explanation": link.explanation,
            "explanation_th": thai_sentence(items),
            "reasons": items,
            "signals": link.signals,
            "evidence": link.evidence,
            "decision": link.decision,
        }


class RelatedPost(LinkFacts):
    post: PostPublic


class RelatedPosts(BaseModel):
    complaint: Complaint
    related: list[RelatedPost]


class CandidateComplaint(LinkFacts):
    complaint: Complaint


class CandidateComplaints(BaseModel):
    post: PostPublic
    complaints: list[CandidateComplaint]


class TopicComplaint(BaseModel):
    complaint: Complaint
    linked_posts: int = Field(description="How many of the topic's posts link to it.")
    best_score: float
    post_ids: list[str] = Field(description="The linked posts, best link first.")


class TopicComplaints(BaseModel):
    topic_id: int
    label: str
    complaints: list[TopicComplaint]


class ComplaintPage(BaseModel):
    total: int
    limit: int
    offset: int
    complaints: list[Complaint]


class AlertPage(BaseModel):
    total: int = Field(description="Alerts matching the filters, over all pages.")
    limit: int
    offset: int
    alerts: list[Alert] = Field(description="Newest first.")


class AlertDetail(BaseModel):
    alert: Alert
    posts: list[PostPublic] = Field(description="The posts that fired it, as stored now.")


class ProvinceName(BaseModel):
    written: str = Field(examples=["โคราช"], description="The province as it was asked for.")
    province: str = Field(examples=["นครราชสีมา"], description="Its official name.")


class KeyIdentity(BaseModel):
    """The calling key, without its secret."""

    key_id: str
    name: str = Field(examples=["officer-somchai"])
    role: Role


class AlertRuleList(BaseModel):
    rules: list[AlertRule]
    managed: list[str] = Field(description="Names of the rules stored through the API.")


class TopicDetail(BaseModel):
    topic: Topic
    timeline: list[TimelinePoint]
    representative_posts: list[PostPublic]
    related_complaints: list[TopicComplaint] | None = Field(
        None, description="Complaints the topic's posts link to (officer keys; else null)."
    )


class DecisionRequest(BaseModel):
    """An officer confirms or rejects a proposed link (recorded under the key's name)."""

    post_id: str = Field(min_length=1, examples=["x:1853301234567890123"])
    complaint_id: str = Field(min_length=1, examples=["1111-2569-000123"])
    verdict: LinkVerdict
    note: str | None = Field(None, max_length=2000, description="Why, for the record.")


class DecisionResult(BaseModel):
    recorded: bool = Field(description="False when this very decision was already stored.")
    decision: LinkDecision
    link: RelatedPost


class WebhookResult(BaseModel):
    kind: str = Field(examples=["status_update"])
    complaint_id: str | None
    applied: bool = Field(description="Whether the store changed.")


class Health(BaseModel):
    """Liveness: the process answers (it does not touch the store or the models)."""

    status: Literal["ok"] = "ok"
    store: str = Field(examples=["embedded"], description="The configured store backend.")


class Readiness(BaseModel):
    """Whether this process can serve: the store answers and the models are loaded."""

    status: Literal["ready", "not_ready"]
    store: str = Field(examples=["embedded"])
    store_reachable: bool
    store_error: str | None = None
    posts: int | None = Field(None, description="Posts in the store (when reachable).")
    topics: int | None = Field(None, description="Topics in the store (when reachable).")
    embedder: str = Field(examples=["loaded"], description="loaded, loading or failed: why.")
