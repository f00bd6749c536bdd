"""The domain model shared by every stage: posts, complaints, topics, links, alerts.

All timestamps are timezone-aware; Asia/Bangkok is used only for display.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    computed_field,
    field_validator,
    model_validator,
)

from domain.privacy import redact

BANGKOK = "Asia/Bangkok"
BANGKOK_TZ = ZoneInfo(BANGKOK)

Platform = Literal[
    "x",
    "facebook",
    "youtube",
    "bluesky",
    "pantip",
    "news",
    "news_comment",
    "web",
    "tiktok",
    "line",
    "instagram",
    "threads",
    "reddit",
    "other",
]
PLATFORMS: tuple[str, ...] = get_args(Platform)
# The longest post id (``platform:native_id``) in UTF-8 bytes any store accepts
# (Elasticsearch's _id limit; a Thai letter takes 3 bytes).
MAX_ID_BYTES = 512
# What people call platforms, lower-cased, → Siang's name.
PLATFORM_ALIASES: dict[str, str] = {
    "twitter": "x",
    "tweet": "x",
    "fb": "facebook",
    "yt": "youtube",
    "bsky": "bluesky",
    "ig": "instagram",
    "line_oa": "line",
    "line openchat": "line",
    "openchat": "line",
}


class Category(StrEnum):
    """Grievance categories; ``none`` marks posts that are not grievances."""

    road_traffic = "road_traffic"
    flood_water = "flood_water"
    electricity = "electricity"
    water_supply = "water_supply"
    waste_environment = "waste_environment"
    public_health = "public_health"
    corruption = "corruption"
    public_safety = "public_safety"
    education = "education"
    welfare = "welfare"
    transport = "transport"
    telecom = "telecom"
    noise_nuisance = "noise_nuisance"
    consumer = "consumer"
    land_housing = "land_housing"
    none = "none"


# Thai names of the categories, as the dashboard and the alert mail show them.
CATEGORY_TH: dict[str, str] = {
    "road_traffic": "ถนนและการจราจร",
    "flood_water": "น้ำท่วม",
    "electricity": "ไฟฟ้า",
    "water_supply": "น้ำประปา",
    "waste_environment": "ขยะและสิ่งแวดล้อม",
    "public_health": "สาธารณสุข",
    "corruption": "ทุจริตคอร์รัปชัน",
    "public_safety": "ความปลอดภัยสาธารณะ",
    "education": "การศึกษา",
    "welfare": "สวัสดิการ",
    "transport": "ขนส่งสาธารณะ",
    "telecom": "โทรคมนาคม",
    "noise_nuisance": "เสียงรบกวนและเหตุรำคาญ",
    "consumer": "คุ้มครองผู้บริโภค",
    "land_housing": "ที่ดินและที่อยู่อาศัย",
    "none": "ไม่ใช่เรื่องร้องทุกข์",
}

SentimentLabel = Literal["positive", "neutral", "negative"]


class _Model(BaseModel):
    # NaN and infinity cannot be stored as JSON and read back: refused at the edge.
    model_config = ConfigDict(extra="forbid", frozen=False, allow_inf_nan=False)


class Engagement(_Model):
    likes: int = Field(0, ge=0)
    replies: int = Field(0, ge=0)
    shares: int = Field(0, ge=0)
    views: int = Field(0, ge=0)


class Sentiment(_Model):
    label: SentimentLabel
    score: float = Field(ge=0.0, le=1.0, description="Probability of the label.")


class Location(_Model):
    province: str = Field(description="Official Thai province name, e.g. นครราชสีมา.")
    district: str | None = Field(None, description="District (อำเภอ/เขต) without its prefix.")
    lat: float
    lon: float
    confidence: float = Field(ge=0.0, le=1.0)
    matched: str = Field("", description="The text span that produced this location.")


class CategoryPrediction(_Model):
    label: Category
    confidence: float = Field(ge=0.0, le=1.0, description="Calibrated probability.")
    uncertain: bool = Field(
        False,
        description="The confidence is under models.category.min_confidence: the label is "
        "the best guess, to be checked rather than trusted.",
    )


class Enrichment(_Model):
    """What the enrich stage adds to a post. The embedding vector is stored beside it."""

    tokens: list[str]
    normalized_text: str
    redacted_text: str
    sentiment: Sentiment
    locations: list[Location] = Field(default_factory=list)
    category: CategoryPrediction
    is_grievance: bool
    agency: str | None = None
    hashtags: list[str] = Field(default_factory=list)
    mentions: list[str] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list)
    emphasis: int = Field(0, ge=0, description="Words written with repeated letters (มากกกก).")
    years: list[int] = Field(
        default_factory=list, description="Common-era years named as พ.ศ. (พ.ศ. 2569 → 2026)."
    )
    pii_redacted: list[str] = Field(default_factory=list, description="Kinds of PII removed.")
    embedding_model: str | None = None

    @property
    def province(self) -> str | None:
        return self.locations[0].province if self.locations else None


class Post(_Model):
    """One public post or comment, as collected; text is already redacted of PII."""

    platform: Platform
    native_id: str = Field(min_length=1, max_length=256)
    url: str | None = None
    author: str | None = Field(None, description="Keyed-hash pseudonym, never the raw handle.")
    text: str = Field(min_length=1)
    created_at: AwareDatetime
    collected_at: AwareDatetime
    engagement: Engagement = Field(default_factory=Engagement)
    followers: int | None = Field(
        None,
        ge=0,
        description="The author's followers (a page's or channel's subscribers) as the platform "
        "reported them when the post was collected; None when it does not say.",
    )
    language: str = "th"
    source: str = Field("", description="The query, page or forum room that found the post.")
    raw: dict[str, Any] = Field(default_factory=dict, description="Redacted original payload.")
    synthetic: bool = False
    enrichment: Enrichment | None = None
    topic_id: int | None = None
    cluster_id: str | None = Field(
        None,
        description="Its near-duplicate cluster: the id of the cluster's earliest post (its own "
        "id when nothing copies it). Set by the campaigns stage.",
    )
    campaign_ids: list[str] = Field(
        default_factory=list, description="Coordinated campaigns the post is evidence of."
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_computed_id(cls, data: Any) -> Any:
        """``id`` is derived; accept it in input (round-trips) but never trust it."""
        if isinstance(data, dict) and "id" in data:
            data = {k: v for k, v in data.items() if k != "id"}
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def id(self) -> str:
        return f"{self.platform}:{self.native_id}"


ComplaintStatus = Literal["received", "in_progress", "forwarded", "resolved", "closed"]


class ComplaintStatusChange(_Model):
    """One step of a complaint's status timeline, as the source system reported it."""

    at: AwareDatetime
    status: ComplaintStatus
    source_status: str | None = Field(
        None, description="The status as the source wrote it, e.g. Traffy's 'กำลังดำเนินการ'."
    )
    agency: str | None = None
    note: str | None = None


class Complaint(_Model):
    """A formal complaint from the 1111 system or another channel (e.g. Traffy Fondue)."""

    complaint_id: str = Field(min_length=1, examples=["1111-2569-000123", "traffy:2026-HKWX7Q"])
    filed_at: AwareDatetime
    channel: str
    category: Category
    agency: str | None = None
    province: str | None = None
    district: str | None = None
    subdistrict: str | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    subject: str = Field(examples=["น้ำประปาไม่ไหลสามวัน หมู่บ้านพฤกษา"])
    description: str = ""
    status: ComplaintStatus = "received"
    history: list[ComplaintStatusChange] = Field(
        default_factory=list, description="Status changes, oldest first."
    )
    updated_at: AwareDatetime | None = None
    source: str = Field("1111", description="The system the complaint came from: 1111, traffy.")
    synthetic: bool = False
    tokens: list[str] = Field(default_factory=list)

    @field_validator("category")
    @classmethod
    def _not_none(cls, value: Category) -> Category:
        if value is Category.none:
            raise ValueError("a complaint needs a real category, not 'none'")
        return value


TopicStatus = Literal["emerging", "growing", "stable", "fading", "merged"]


class Keyword(_Model):
    word: str
    weight: float


class SpikeEpisode(_Model):
    """A run of hours whose counts are improbably high against the baseline."""

    start: AwareDatetime
    peak: AwareDatetime
    end: AwareDatetime
    score: float = Field(description="Peak Poisson surprise, -log10 P(X >= observed).")
    observed: int = Field(description="Distinct voices in the window when it fired.")
    expected: float
    posts: int = Field(0, ge=0, description="Posts in the episode, copies included.")
    post_ids: list[str] = Field(default_factory=list)


EmergenceKind = Literal[
    "topic",
    "category",
    "province",
    "district",
    "category_province",
    "category_district",
    "new_cluster",
]


class Emergence(_Model):
    """An emerging grievance: a spike episode on one series, as it was detected at the time.

    ``observed`` counts distinct voices (copies of one text and one author's repeats count
    once) in the window that fired, when it fired; ``expected`` is the baseline's count for
    that window then; ``score`` is the episode's strongest hour.
    """

    episode_id: str = Field(description="Stable over reruns: series, window and start hour.")
    kind: EmergenceKind = Field(description="The series that fired first.")
    series: str = Field(examples=["category_district:electricity|สงขลา|หาดใหญ่"])
    topic_id: int | None = None
    category: Category | None = None
    province: str | None = None
    district: str | None = None
    label: str = Field(examples=["ไฟฟ้า · สงขลา อ.หาดใหญ่"])
    reason: str = Field(
        examples=["7 โพสต์ใน 6 ชม. จากปกติ 0.2 — ไฟฟ้า · สงขลา อ.หาดใหญ่"],
        description="One line in Thai an officer can read: voices, window, baseline, place.",
    )
    window_hours: int = Field(ge=1, description="The window that fired first.")
    start: AwareDatetime = Field(description="First post of the first window that fired.")
    peak: AwareDatetime = Field(description="Start of the hour with the highest score.")
    end: AwareDatetime = Field(description="End of the last hour that still fired.")
    detected_at: AwareDatetime = Field(
        description="When it could first be seen: the end of the first hour that fired."
    )
    score: float = Field(ge=0, description="Peak surprise, -log10 P(X >= observed).")
    observed: int = Field(ge=0, description="Distinct voices in the window when it fired.")
    posts: int = Field(0, ge=0, description="Posts in the episode, copies included.")
    expected: float = Field(ge=0)
    scope: Literal["local", "national"] = Field(
        "local", description="national: spread over many provinces, none holding most posts."
    )
    also: list[str] = Field(
        default_factory=list, description="Other series that fired on the same posts."
    )
    post_ids: list[str] = Field(default_factory=list)


class TopicEvent(_Model):
    """A change in a topic's identity, recorded when a window update finds it."""

    kind: Literal["created", "merged", "split"]
    at: AwareDatetime = Field(description="End of the window in which it was seen.")
    topic_ids: list[int] = Field(
        description="created: [id]; merged: [surviving id, merged ids...]; split: [from, into...]"
    )
    similarity: float | None = Field(None, description="The match score behind the decision.")


class Topic(_Model):
    topic_id: int
    label: str = Field(examples=["น้ำประปา · เค็ม · บางบัวทอง"])
    phrase: str = Field("", description="A short readable phrase from a representative post.")
    keywords: list[Keyword]
    size: int
    representative_post_ids: list[str] = Field(default_factory=list)
    provinces: dict[str, int] = Field(default_factory=dict)
    sentiment_mix: dict[str, int] = Field(default_factory=dict)
    dominant_category: Category = Category.none
    first_seen: AwareDatetime
    last_seen: AwareDatetime
    status: TopicStatus = "stable"
    spike_score: float = 0.0
    spikes: list[SpikeEpisode] = Field(default_factory=list)
    voices: int = Field(
        0,
        ge=0,
        description="Distinct voices among its posts: an account counts once, and so do all "
        "the accounts that posted copies of one text (a near-duplicate cluster). `size` is "
        "the raw volume beside it.",
    )
    voices_daily: dict[str, int] = Field(
        default_factory=dict, description="Distinct voices per Bangkok day (as `counts_daily`)."
    )
    campaign_ids: list[str] = Field(
        default_factory=list, description="Coordinated campaigns among its posts."
    )
    counts_daily: dict[str, int] = Field(
        default_factory=dict, description="Posts per Bangkok calendar day (YYYY-MM-DD)."
    )
    counts_hourly: dict[str, int] = Field(
        default_factory=dict,
        description="Posts per hour over the last 7 days (ISO hour, Bangkok time).",
    )
    events: list[TopicEvent] = Field(default_factory=list)
    merged_into: int | None = Field(None, description="Set when this topic was merged away.")


LinkVerdict = Literal["confirmed", "rejected"]


class LinkDecision(_Model):
    """An officer's verdict on a proposed post↔complaint link: who, when and why."""

    post_id: str = Field(min_length=1)
    complaint_id: str = Field(min_length=1, examples=["1111-2569-000123"])
    verdict: LinkVerdict
    by: str = Field(min_length=1, description="The officer (API key name) who decided.")
    at: AwareDatetime
    note: str | None = Field(None, max_length=2000)


ReopenVerdict = Literal["confirmed", "dismissed"]
PostStance = Literal["still_broken", "fixed", "other"]


class ReopenDecision(_Model):
    """An officer's verdict on a reopen candidate: the problem is still there, or it is not."""

    complaint_id: str = Field(min_length=1, examples=["1111-2569-000123"])
    verdict: ReopenVerdict = Field(
        description="confirmed: the public is right, the case should be reopened; "
        "dismissed: the posts are not about this case, or it is fixed."
    )
    by: str = Field(min_length=1, description="The officer (API key name) who decided.")
    at: AwareDatetime
    note: str | None = Field(None, max_length=2000)


CampaignKind = Literal["copied_text", "few_accounts"]


class Campaign(_Model):
    """Coordinated posting, flagged with its evidence (``campaigns.coordination``).

    ``copied_text``: many distinct accounts posted one text (a near-duplicate cluster)
    within ``campaigns.copy_window_hours``. ``few_accounts``: a few accounts pushed one
    subject, in their own words, over days.
    """

    campaign_id: str = Field(
        description="Stable over reruns: the cluster's first post, or the accounts' hash.",
        examples=["copy:x:1853301234567890123", "few:3f9c2a71d0e4b6a8"],
    )
    kind: CampaignKind
    reason: str = Field(examples=["12 บัญชีโพสต์ข้อความเดียวกันภายใน 2 ชม."])
    text: str = Field(
        description="The shared text (the first copy), or the group's most typical post; "
        "PII redacted.",
    )
    keywords: list[str] = Field(default_factory=list, description="The subject's words.")
    accounts: list[str] = Field(
        description="The accounts' keyed-hash pseudonyms, in order of their first post."
    )
    post_ids: list[str] = Field(description="The posts that are its evidence, oldest first.")
    posts: int = Field(ge=0)
    start: AwareDatetime
    end: AwareDatetime
    span_hours: float = Field(ge=0)
    cluster_id: str | None = Field(None, description="The copied text's near-duplicate cluster.")
    topic_ids: list[int] = Field(
        default_factory=list, description="Topics its posts are in, the most posts first."
    )
    detected_at: AwareDatetime


SourceKind = Literal["account", "page", "channel", "outlet", "forum_room"]


class SourceProfile(_Model):
    """One source's reach and how often its grievance posts reach the complaint centre.

    A source is where posts come from: a public page, channel, news outlet or forum room
    (named), or an account (its keyed-hash pseudonym, never its handle).
    """

    source_id: str = Field(examples=["page:1111official", "account:a3f9c2d1e0b4"])
    kind: SourceKind
    platform: str | None = Field(None, description="Its platform, when all its posts share one.")
    name: str = Field(description="A page's, channel's, outlet's or room's public name; an "
                      "account's pseudonym.")  # fmt: skip
    posts: int = Field(ge=0)
    grievances: int = Field(ge=0, description="Its posts read as grievances.")
    linked_grievances: int = Field(
        ge=0, description="Its grievance posts linked to a formal complaint filed at or after "
        "the post (links an officer rejected do not count).",
    )  # fmt: skip
    link_rate: float | None = Field(
        None, ge=0, le=1, description="linked_grievances / grievances (None without grievances)."
    )
    followers: int | None = Field(
        None, ge=0, description="The most followers (subscribers) a platform reported for it."
    )
    engagement: int = Field(ge=0, description="Likes, shares and replies over its posts.")
    engagement_per_post: float = Field(ge=0)
    reach: int = Field(
        ge=0, description="followers plus engagement: who may have seen it, as the platforms "
        "tell (views are left out: few platforms give them).",
    )  # fmt: skip
    first_post_at: AwareDatetime
    last_post_at: AwareDatetime
    campaign_ids: list[str] = Field(
        default_factory=list, description="Campaigns its posts are evidence of."
    )


class SurveyResponse(_Model):
    """A satisfaction-survey answer about one complaint, as the centre's survey exports it
    (``tracking.surveys`` reads the CSV). One answer per complaint: a later import replaces it."""

    complaint_id: str = Field(min_length=1, max_length=200, examples=["1111-2569-000123"])
    score: int = Field(ge=1, le=5, description="1 very dissatisfied … 5 very satisfied.")
    comment: str | None = Field(
        None, max_length=4000, description="Free text, PII redacted when it was imported."
    )
    answered_at: AwareDatetime | None = None
    source: str = Field(description="The file or upload it came from.")
    imported_at: AwareDatetime

    def same_answer(self, other: SurveyResponse) -> bool:
        """Whether ``other`` says the same (re-importing a file changes nothing)."""
        keys = ("complaint_id", "score", "comment", "answered_at")
        return all(getattr(self, k) == getattr(other, k) for k in keys)


class SurveyAgreement(_Model):
    """How well the survey and the public signal agree, over complaints that have both."""

    pairs: int = Field(
        description="Resolved complaints with a survey answer and a public score.", examples=[42]
    )
    pearson: float | None = Field(
        description="Pearson r; null under 3 pairs or no spread.", examples=[0.61]
    )
    pearson_p: float | None = Field(description="Two-sided p-value of r.")
    spearman: float | None = Field(description="Spearman rank correlation.")
    spearman_p: float | None = None
    survey_mean: float | None = Field(description="Mean survey score of the pairs, 1 to 5.")
    public_mean: float | None = Field(description="Mean public score of the pairs, -1 to 1.")
    surveys: int = Field(description="Survey answers matching the filters.")
    without_public_signal: int = Field(
        description="Of those, answers whose complaint has no public score (no posts, or not "
        "tracked yet)."
    )


class FollowUpPost(_Model):
    """A public post about a resolved complaint, after its resolution."""

    post_id: str
    stance: PostStance
    score: float = Field(description="The chance the post is about the complaint.")
    days_after: float = Field(description="Days from the resolution to the post.")
    cues: list[str] = Field(default_factory=list, description="Stance cues found.")


class PublicWindow(_Model):
    """The public voice of a complaint's place and category over one window."""

    start: AwareDatetime
    end: AwareDatetime
    posts: int
    negative: int
    per_day: float
    negative_share: float | None


class SatisfactionSignal(_Model):
    """Did the public voice change after the fix? Each measure is in [-1, 1], positive when
    the public seems satisfied; the score is their mean (tracking/satisfaction.py)."""

    before: PublicWindow = Field(description="The days before filing.")
    after: PublicWindow = Field(description="The days after resolution.")
    fixed_posts: int = Field(description="Posts about the complaint saying it was fixed.")
    still_broken_posts: int = Field(description="...saying it is still broken.")
    relief: float | None = Field(None, description="Negative share before minus after.")
    quieter: float | None = Field(None, description="How much daily volume fell.")
    voice: float | None = Field(None, description="(fixed - still broken) / both.")
    score: float | None = None
    label: Literal["satisfied", "mixed", "dissatisfied", "no_signal"]


class ComplaintFollowUp(_Model):
    """What the public said about a resolved complaint after it was resolved."""

    complaint_id: str
    agency: str | None = None
    province: str | None = None
    district: str | None = None
    category: Category
    resolved_at: AwareDatetime
    satisfaction: SatisfactionSignal
    reopen_candidate: bool = Field(
        description="The public still reports the problem after the resolution."
    )
    still_broken: list[FollowUpPost] = Field(default_factory=list, description="Evidence.")
    fixed: list[FollowUpPost] = Field(default_factory=list)
    decision: ReopenDecision | None = Field(None, description="The officer's latest verdict.")
    computed_at: AwareDatetime


class LinkEvidence(_Model):
    """What an officer checks: which signals matched, shared words, distance in days and place."""

    matched: list[str] = Field(default_factory=list, description="Signals that agreed.")
    shared_words: list[str] = Field(default_factory=list)
    days_from_filing: float = Field(description="Post time minus filing time, in days.")
    place: str | None = Field(None, description="How the places agree, in words.")
    distance_km: float | None = None
    place_level: Literal["district", "province"] | None = Field(
        None, description="The finest level at which the places were compared."
    )
    place_agrees: bool | None = Field(None, description="Whether the places agree there.")
    place_names: list[str] = Field(
        default_factory=list,
        description="The complaint's place when they agree (district, province); else the "
        "post's places at that level.",
    )
    category: str | None = Field(None, description="The category both share, if any.")
    similarity: float | None = Field(None, description="Cosine of the two embeddings.")
    problems: list[str] = Field(
        default_factory=list,
        description="The problems both name (ไฟดับ for กระแสไฟฟ้าขัดข้อง too) when they agree; "
        "the post's when it names others than the complaint.",
    )
    problem_agrees: bool | None = Field(
        None, description="Whether the problems agree; None when either names none."
    )


LinkReasonKind = Literal[
    "place", "distance", "category", "problem", "shared_words", "similarity", "time_gap"
]


class LinkReason(_Model):
    """One piece of a link's evidence, as data a client words in its own language."""

    kind: LinkReasonKind
    agrees: bool = Field(description="Whether this piece speaks for the link.")
    level: Literal["district", "province"] | None = Field(None, description="place")
    names: list[str] = Field(default_factory=list, description="place: the places named.")
    km: float | None = Field(None, description="distance: nearest points, kilometres.")
    category: str | None = Field(None, description="category: the shared category.")
    words: list[str] = Field(
        default_factory=list, description="shared_words; problem: the problems, as people say them"
    )
    similarity: float | None = Field(None, description="similarity: cosine, 0 to 1.")
    days: float | None = Field(
        None, description="time_gap: post time minus filing time (negative: before filing)."
    )


class PostComplaintLink(_Model):
    post_id: str
    complaint_id: str
    score: float = Field(ge=0.0, le=1.0)
    explanation: str
    signals: dict[str, float] = Field(default_factory=dict)
    evidence: LinkEvidence | None = None
    decision: LinkDecision | None = None


AlertKind = Literal["topic_spike", "keyword", "category_province", "emerging", "reopen"]


class AlertRule(_Model):
    """When to raise an alert and how to mail it: who, how often, and when not to."""

    name: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    kind: AlertKind
    min_score: float = Field(6.0, ge=0, description="Minimum spike score (topic_spike, emerging).")
    keyword: str | None = None
    category: Category | None = None
    province: str | None = None
    agency: str | None = Field(
        None,
        max_length=200,
        description="reopen: only complaints whose handling agency contains this text "
        "(category and province filter them too); null: every agency. A reopen rule mails "
        "each undecided reopen candidate once per resolution.",
        examples=["การประปาส่วนภูมิภาค"],
    )
    threshold: int = Field(
        10, ge=1, description="Posts per hour that trigger keyword/category rules."
    )
    recipients: list[str] = Field(default_factory=list, examples=[["desk@example.go.th"]])
    cooldown_minutes: int = Field(
        360, ge=0, description="Repeats of one rule and subject this soon are not mailed again."
    )
    quiet_hours: str | None = Field(
        None,
        description="HH:MM-HH:MM, Bangkok time; alerts due inside are held, then sent when "
        "the quiet period ends. May span midnight (22:00-07:00).",
        examples=["22:00-07:00"],
    )
    digest: Literal["none", "hourly", "daily"] = Field(
        "none",
        description="none: one mail per alert; hourly or daily: one mail gathering the "
        "recipients' pending alerts each hour, or each day at alerts.daily_digest_at.",
    )
    muted_until: AwareDatetime | None = Field(
        None,
        description="Alerts the rule raises for moments before this are kept in the history "
        "as suppressed and never mailed; null: not muted.",
        examples=["2026-12-08T09:00:00+07:00"],
    )

    @field_validator("recipients")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        kept: dict[str, str] = {}
        for raw in value:
            address = raw.strip()
            local, _, domain = address.rpartition("@")
            labels = domain.split(".")
            if (
                not local
                or "@" in local
                or any(c.isspace() or c in '<>()[],;:"' for c in address)
                or not all(labels)
            ):
                raise ValueError(f"{raw!r} is not an e-mail address (name@example.go.th)")
            kept.setdefault(address.lower(), address)
        return list(kept.values())

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str | None) -> str | None:
        """Normalise to ``HH:MM-HH:MM``; the two ends must be different times of day."""
        if value is None or not value.strip():
            return None
        ends = [part.strip().split(":") for part in value.split("-")]
        if len(ends) != 2 or any(
            len(end) != 2 or not all(p.isdigit() and len(p) <= 2 for p in end) for end in ends
        ):
            raise ValueError(f"{value!r} must look like 22:00-07:00 (HH:MM-HH:MM, Bangkok time)")
        (sh, sm), (eh, em) = ((int(h), int(m)) for h, m in ends)
        if sh > 23 or eh > 23 or sm > 59 or em > 59:
            raise ValueError(f"{value!r} is not a time of day (00:00 to 23:59)")
        if (sh, sm) == (eh, em):
            raise ValueError(f"{value!r} starts and ends at the same time; leave it out instead")
        return f"{sh:02d}:{sm:02d}-{eh:02d}:{em:02d}"


class Alert(_Model):
    alert_id: str
    rule: str
    kind: AlertKind
    subject: str = Field(examples=["keyword น้ำท่วม", "topic 12: ไฟดับ · หาดใหญ่"])
    triggered_at: AwareDatetime
    window_start: AwareDatetime
    score: float
    observed: int
    expected: float
    topic_id: int | None = None
    keyword: str | None = Field(None, description="The rule's keyword when it fired.")
    category: Category | None = Field(None, description="The rule's category when it fired.")
    province: str | None = Field(None, description="The rule's province when it fired.")
    complaint_id: str | None = Field(None, description="reopen: the resolved complaint.")
    post_ids: list[str] = Field(default_factory=list)
    recipients: list[str] = Field(default_factory=list)
    status: Literal["pending", "sent", "suppressed"] = "pending"


Role = Literal["viewer", "analyst", "officer", "admin"]
# Least to most trusted: each role may do what the roles before it may.
ROLES: tuple[Role, ...] = ("viewer", "analyst", "officer", "admin")


class ApiKey(_Model):
    """An API key as stored: the secret only as a SHA-256 hash, never in clear."""

    key_id: str = Field(min_length=8, max_length=32, description="Public part, in the key.")
    name: str = Field(min_length=1, max_length=200, examples=["officer-somchai"])
    role: Role
    secret_sha256: str = Field(min_length=64, max_length=64)
    created_at: AwareDatetime
    revoked_at: AwareDatetime | None = None
    rate_per_minute: int | None = Field(None, ge=1, description="None: the API's default.")


class AuditEntry(_Model):
    """Who did what to which record, and when (complaint reads, link decisions, key use)."""

    at: AwareDatetime
    key_id: str
    name: str
    role: Role
    action: str = Field(examples=["read_complaint"])
    resource: str = Field(examples=["complaint:1111-2569-000123"])


class SourceRun(_Model):
    """What one collection run of one source did; the store adds runs up per source."""

    source: str
    kind: str
    started_at: AwareDatetime
    finished_at: AwareDatetime
    fetched: int = Field(0, ge=0, description="Items received from the source.")
    new: int = Field(0, ge=0, description="Posts stored for the first time.")
    duplicate: int = Field(0, ge=0, description="Items already seen or already stored.")
    quarantined: int = Field(0, ge=0, description="Items refused, kept with the reason.")
    failed: int = Field(0, ge=0, description="Requests or runs that failed after retries.")
    errors: dict[str, int] = Field(
        default_factory=dict,
        description="Failed attempts survived or not, by kind: rate_limited, server_error, "
        "timeout, transport, malformed.",
    )
    error: str | None = Field(None, description="Why the run failed, if it did.")


class SourceStats(_Model):
    """Running totals per source, for /metrics and the operators' dashboard."""

    source: str
    kind: str
    runs: int = 0
    fetched: int = 0
    new: int = 0
    duplicate: int = 0
    quarantined: int = 0
    failed: int = 0
    errors: dict[str, int] = Field(default_factory=dict)
    last_run_at: AwareDatetime | None = None
    last_success_at: AwareDatetime | None = None
    last_error: str | None = None

    def add(self, run: SourceRun) -> SourceStats:
        succeeded = run.error is None
        return self.model_copy(
            update={
                "kind": run.kind,
                "runs": self.runs + 1,
                "fetched": self.fetched + run.fetched,
                "new": self.new + run.new,
                "duplicate": self.duplicate + run.duplicate,
                "quarantined": self.quarantined + run.quarantined,
                "failed": self.failed + run.failed,
                "errors": {
                    kind: self.errors.get(kind, 0) + run.errors.get(kind, 0)
                    for kind in sorted({*self.errors, *run.errors})
                },
                "last_run_at": run.finished_at,
                "last_success_at": run.finished_at if succeeded else self.last_success_at,
                "last_error": None if succeeded else run.error,
            }
        )


class StageRun(_Model):
    """What one run of one pipeline stage did; the store adds runs up per stage."""

    stage: str
    started_at: AwareDatetime
    finished_at: AwareDatetime
    items_in: int = Field(0, ge=0, description="Items the stage took in (lines, posts).")
    items_out: int = Field(0, ge=0, description="Items it stored or produced.")
    error: str | None = Field(None, description="Why the run failed, if it did.")

    @property
    def seconds(self) -> float:
        return max(0.0, (self.finished_at - self.started_at).total_seconds())


class StageStats(_Model):
    """Running totals per pipeline stage, and its last run, for /metrics."""

    stage: str
    runs: int = 0
    failures: int = 0
    items_in: int = 0
    items_out: int = 0
    seconds: float = Field(0.0, description="Time spent in the stage over every run.")
    last_run_at: AwareDatetime | None = None
    last_seconds: float | None = None
    last_items_in: int = 0
    last_items_out: int = 0
    last_success_at: AwareDatetime | None = None
    last_error: str | None = None

    def add(self, run: StageRun) -> StageStats:
        succeeded = run.error is None
        return self.model_copy(
            update={
                "runs": self.runs + 1,
                "failures": self.failures + (0 if succeeded else 1),
                "items_in": self.items_in + run.items_in,
                "items_out": self.items_out + run.items_out,
                "seconds": self.seconds + run.seconds,
                "last_run_at": run.finished_at,
                "last_seconds": run.seconds,
                "last_items_in": run.items_in,
                "last_items_out": run.items_out,
                "last_success_at": run.finished_at if succeeded else self.last_success_at,
                "last_error": run.error,
            }
        )


class QuarantinedRecord(_Model):
    """A record refused by a stage, kept with the reason so nothing is lost.

    Reasons quote the offending value, and payloads are whole records: both are redacted
    here, whoever builds the record, so nothing personal is kept in quarantine.
    """

    stage: str
    source: str
    reason: str
    payload: str
    received_at: datetime

    @field_validator("reason", "payload")
    @classmethod
    def _redacted(cls, value: str) -> str:
        return redact(value)[0]


__all__ = [
    "BANGKOK",
    "BANGKOK_TZ",
    "CATEGORY_TH",
    "MAX_ID_BYTES",
    "PLATFORMS",
    "PLATFORM_ALIASES",
    "ROLES",
    "Alert",
    "AlertKind",
    "AlertRule",
    "ApiKey",
    "AuditEntry",
    "Campaign",
    "CampaignKind",
    "Category",
    "CategoryPrediction",
    "Complaint",
    "ComplaintFollowUp",
    "ComplaintStatusChange",
    "Emergence",
    "EmergenceKind",
    "Engagement",
    "Enrichment",
    "FollowUpPost",
    "Keyword",
    "LinkDecision",
    "LinkEvidence",
    "LinkReason",
    "LinkReasonKind",
    "LinkVerdict",
    "Location",
    "Platform",
    "Post",
    "PostComplaintLink",
    "PostStance",
    "PublicWindow",
    "QuarantinedRecord",
    "ReopenDecision",
    "ReopenVerdict",
    "Role",
    "SatisfactionSignal",
    "Sentiment",
    "SentimentLabel",
    "SourceKind",
    "SourceProfile",
    "SourceRun",
    "SourceStats",
    "SpikeEpisode",
    "StageRun",
    "StageStats",
    "Topic",
    "TopicEvent",
]
