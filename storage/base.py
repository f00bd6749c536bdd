"""The store interface every backend implements (embedded SQLite, Elasticsearch).

Callers (ingest, enrich, topics, linking, alerts, API) depend only on ``Store``; the
contract tests in ``tests/storage`` hold every backend to the same behaviour.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

import numpy as np

from domain.models import (
    Alert,
    AlertRule,
    ApiKey,
    AuditEntry,
    Campaign,
    Complaint,
    ComplaintFollowUp,
    Emergence,
    LinkDecision,
    Post,
    PostComplaintLink,
    QuarantinedRecord,
    ReopenDecision,
    SourceProfile,
    SourceRun,
    SourceStats,
    StageRun,
    StageStats,
    SurveyResponse,
    Topic,
)

Interval = Literal["hour", "day"]
Dimension = Literal["topic", "province", "sentiment", "category", "platform"]
Sort = Literal["relevance", "newest", "oldest"]


# Characters no full-text engine should see: controls (NUL ends an FTS5 string), lone
# surrogates (not encodable as UTF-8) and invisible format marks.
_UNSEARCHABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u200b-\u200f\u2060\ufeff]")


def searchable_terms(terms: tuple[str, ...]) -> tuple[str, ...]:
    """``terms`` without characters that break or blind a full-text query; empty ones go.

    Every store quotes terms as phrases, so what remains (quotes, ``*``, ``NEAR(``,
    emoji) is matched as text, never read as query syntax.
    """
    cleaned = (_UNSEARCHABLE.sub("", t).strip() for t in terms)
    return tuple(t for t in cleaned if t)


@dataclass(frozen=True)
class PostQuery:
    """Filters shared by search, counts and nearest-neighbour queries.

    ``terms`` are Thai tokens produced by ``enrich.ThaiTokenizer``: every term must match.
    """

    terms: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    platforms: tuple[str, ...] = ()
    province: str | None = None
    sentiment: str | None = None
    category: str | None = None
    topic_id: int | None = None
    is_grievance: bool | None = None
    ids: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", searchable_terms(self.terms))


@dataclass(frozen=True)
class ComplaintQuery:
    """Filters of a complaint search; ``terms`` are Thai tokens, every one must match."""

    terms: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    province: str | None = None
    category: str | None = None
    status: str | None = None
    channel: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", searchable_terms(self.terms))


@dataclass(frozen=True)
class FollowUpQuery:
    """Filters of resolved complaints' follow-ups; ``start``/``end`` bound the resolution."""

    reopen_only: bool = False
    agency: str | None = None
    province: str | None = None
    category: str | None = None
    label: str | None = None
    start: datetime | None = None
    end: datetime | None = None


# What Siang adds to a post: cleared when the post's collected content changes.
UNMARKED: dict[str, Any] = {"enrichment": None, "topic_id": None, "cluster_id": None,
                            "campaign_ids": []}  # fmt: skip


@dataclass(frozen=True)
class CampaignQuery:
    """Filters of flagged campaigns; ``start``/``end`` bound when a campaign began."""

    kind: str | None = None
    topic_id: int | None = None
    post_id: str | None = None
    start: datetime | None = None
    end: datetime | None = None


SourceSort = Literal["reach", "grievances", "link_rate", "posts"]


@dataclass(frozen=True)
class SourceQuery:
    """Filters of source profiles, and their order (the first key descending)."""

    kind: str | None = None
    platform: str | None = None
    sort: SourceSort = "reach"


def reopen_decision_id(decision: ReopenDecision) -> str:
    """One id per (complaint, officer, time): recording the same decision twice keeps one."""
    key = f"{decision.complaint_id}\0{decision.by}\0{decision.at.isoformat()}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class AlertQuery:
    """Filters of the alert history; ``start``/``end`` bound the time an alert fired."""

    status: str | None = None
    rule: str | None = None
    kind: str | None = None
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class Page:
    """A page of a search: ``limit`` hits from ``offset``, or after ``resume``.

    ``resume`` is the ``SearchResult.resume`` of the page before, handed back unchanged: a
    store that pages by keys (Elasticsearch's ``search_after`` in a point in time, past its
    10,000-hit window) continues from it and ignores ``offset``.
    """

    limit: int = 20
    offset: int = 0
    sort: Sort = "relevance"
    resume: dict[str, Any] | None = None


@dataclass
class SearchResult:
    total: int
    posts: list[Post]
    scores: list[float] = field(default_factory=list)
    resume: dict[str, Any] | None = None  # where the next page starts, for stores that say


@dataclass(frozen=True)
class Bucket:
    time: datetime | None
    key: str | None
    count: int


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    spooled: int = 0  # accepted, waiting on disk for the store to come back
    refused: int = 0  # refused by the store for good, quarantined with the reason

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.spooled + other.spooled,
            self.refused + other.refused,
        )

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.spooled


def decision_id(decision: LinkDecision) -> str:
    """One id per (pair, officer, time): recording the same decision twice keeps one."""
    key = f"{decision.post_id}\0{decision.complaint_id}\0{decision.by}\0{decision.at.isoformat()}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class EmergenceQuery:
    """Emergences detected in ``[detected_from, detected_to)`` matching the filters."""

    detected_from: datetime | None = None
    detected_to: datetime | None = None
    kind: str | None = None
    category: str | None = None
    province: str | None = None
    topic_id: int | None = None
    min_score: float | None = None
    episode_id: str | None = None


class EmergenceStore(Protocol):
    """Emerging grievances as detected, and how far the detector has judged."""

    def upsert_emergences(
        self, emergences: Sequence[Emergence], *, judged_until: datetime
    ) -> UpsertCounts:
        """Add or replace emergences by ``episode_id``; record that every hour up to
        ``judged_until`` has been judged (never moves back)."""
        ...

    def list_emergences(
        self, query: EmergenceQuery = EmergenceQuery(), *, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[Emergence]]:
        """(total, strongest first page) of the stored emergences matching ``query``."""
        ...

    def emergences_judged_until(self) -> datetime | None: ...


class OperationsStore(Protocol):
    """What operators watch on /metrics: pipeline stage runs and quarantine by reason.

    The pipeline runs in another process than the API, so its figures live in the store.
    """

    def record_stage_run(self, run: StageRun) -> StageStats:
        """Add one run to its stage's totals; returns the new totals."""
        ...

    def list_stage_stats(self) -> list[StageStats]:
        """Every stage that ever ran, by name."""
        ...

    def count_quarantine_by_reason(self) -> dict[tuple[str, str], int]:
        """Quarantined records per (stage, reason class); classes are
        ``domain.quarantine.REASON_CLASSES``, plus ``unclassified`` for records an
        Elasticsearch store kept before it classified reasons."""
        ...


class PostStore(Protocol):
    """Posts: written by ingest and enrich, read by every stage and the API."""

    def upsert_posts(self, posts: Sequence[Post]) -> UpsertCounts:
        """Insert new posts; update a post only when its collected content changed.

        Enrichment and topic survive an unchanged re-ingest; a changed post loses them
        and is enriched again.
        """
        ...

    def save_enrichment(self, posts: Sequence[Post], vectors: np.ndarray | None) -> int:
        """Store enrichment (and row-aligned vectors); returns how many posts changed."""
        ...

    def assign_topics(self, assignments: Mapping[str, int | None]) -> int: ...

    def get_post(self, post_id: str) -> Post | None: ...

    def get_posts(self, post_ids: Sequence[str]) -> list[Post]:
        """The stored posts among ``post_ids``, in that order (unknown ids left out)."""
        ...

    def search_posts(self, query: PostQuery, page: Page = Page()) -> SearchResult: ...

    def iter_posts(
        self, query: PostQuery = PostQuery(), *, unenriched: bool = False, batch_size: int = 500
    ) -> Iterator[Post]:
        """Every post matching ``query``, by id, read ``batch_size`` at a time."""
        ...

    def count_posts(self, query: PostQuery = PostQuery()) -> int: ...

    def counts(
        self,
        query: PostQuery = PostQuery(),
        *,
        interval: Interval | None = None,
        by: Dimension | None = None,
    ) -> list[Bucket]: ...

    def post_vectors(self, post_ids: Sequence[str]) -> np.ndarray: ...

    def nearest_posts(
        self, vector: np.ndarray, *, k: int = 10, query: PostQuery = PostQuery()
    ) -> list[tuple[str, float]]: ...


class ComplaintStore(Protocol):
    """Formal complaints (1111 exports, Traffy Fondue) with their status history."""

    def upsert_complaints(
        self, complaints: Sequence[Complaint], vectors: np.ndarray | None = None
    ) -> UpsertCounts: ...

    def get_complaint(self, complaint_id: str) -> Complaint | None: ...

    def get_complaints(self, complaint_ids: Sequence[str]) -> list[Complaint]:
        """The stored complaints among ``complaint_ids``, in that order."""
        ...

    def iter_complaints(self, *, batch_size: int = 500) -> Iterator[Complaint]:
        """Every complaint, oldest filed first, read ``batch_size`` at a time."""
        ...

    def search_complaints(
        self, query: ComplaintQuery, *, limit: int = 20, offset: int = 0
    ) -> tuple[int, list[Complaint]]:
        """(total, newest-filed first page) of complaints matching ``query``."""
        ...

    def complaint_vectors(self, complaint_ids: Sequence[str]) -> np.ndarray: ...


class TopicStore(Protocol):
    """Grievance topics as the topics stage last left them."""

    def replace_topics(self, topics: Sequence[Topic]) -> None: ...

    def list_topics(self, *, status: str | None = None, limit: int = 100) -> list[Topic]: ...

    def iter_topics(self) -> Iterator[Topic]:
        """Every topic record, merged ones included, by id."""
        ...

    def get_topic(self, topic_id: int) -> Topic | None: ...


class LinkStore(Protocol):
    """Post–complaint links and the officers' decisions on them."""

    def replace_links(self, links: Sequence[PostComplaintLink]) -> None: ...

    def links_for_complaint(self, complaint_id: str) -> list[PostComplaintLink]: ...

    def links_for_post(self, post_id: str) -> list[PostComplaintLink]: ...

    def links_for_posts(self, post_ids: Sequence[str]) -> list[PostComplaintLink]:
        """Links of any of ``post_ids``, best first."""
        ...

    def upsert_links(self, links: Sequence[PostComplaintLink]) -> None:
        """Add or replace these links (by post and complaint), leaving the others."""
        ...

    def count_links(self) -> int: ...

    def add_link_decision(self, decision: LinkDecision) -> bool:
        """Keep an officer's verdict; False if this very decision (pair, by, at) is stored."""
        ...

    def link_decisions(
        self, *, complaint_id: str | None = None, post_id: str | None = None
    ) -> list[LinkDecision]:
        """Every stored decision, oldest first, for one complaint or post or all."""
        ...


class TrackingStore(Protocol):
    """What the public said about resolved complaints, and officers' verdicts on reopening."""

    def replace_follow_ups(self, follow_ups: Sequence[ComplaintFollowUp]) -> None:
        """The follow-ups of this tracking run replace every stored one."""
        ...

    def upsert_follow_ups(self, follow_ups: Sequence[ComplaintFollowUp]) -> None:
        """Add or replace these follow-ups (by complaint), leaving the others."""
        ...

    def get_follow_up(self, complaint_id: str) -> ComplaintFollowUp | None: ...

    def search_follow_ups(
        self, query: FollowUpQuery, *, limit: int = 100, offset: int = 0
    ) -> tuple[int, list[ComplaintFollowUp]]:
        """(how many match, one page): reopen candidates first (most still-broken posts),
        then by resolution time, newest first."""
        ...

    def iter_follow_ups(
        self, query: FollowUpQuery, *, batch_size: int = 500
    ) -> Iterator[ComplaintFollowUp]:
        """Every matching follow-up, in pages of ``batch_size`` (for grouping them all)."""
        ...

    def add_reopen_decision(self, decision: ReopenDecision) -> bool:
        """Keep an officer's verdict; False if this very decision (complaint, by, at) is stored."""
        ...

    def reopen_decisions(self, *, complaint_id: str | None = None) -> list[ReopenDecision]:
        """Every stored verdict, oldest first, for one complaint or all."""
        ...

    def upsert_survey_responses(self, responses: Sequence[SurveyResponse]) -> UpsertCounts:
        """Keep survey answers, one per complaint: a different answer replaces the stored
        one (updated), the same answer is left as it is (unchanged)."""
        ...

    def get_survey_responses(self, complaint_ids: Sequence[str]) -> list[SurveyResponse]:
        """The stored answers about these complaints (those that have one)."""
        ...

    def iter_survey_responses(self, *, batch_size: int = 500) -> Iterator[SurveyResponse]:
        """Every stored answer, by complaint id."""
        ...


class AlertStore(Protocol):
    """The alert outbox and the rules managed through the API."""

    def add_alerts(self, alerts: Sequence[Alert]) -> int:
        """Queue alerts in the outbox; an alert id already present is ignored."""
        ...

    def list_alerts(self, *, limit: int = 100, status: str | None = None) -> list[Alert]: ...

    def search_alerts(
        self, query: AlertQuery, *, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[Alert]]:
        """The alert history under ``query``, newest first: (total, one page)."""
        ...

    def get_alert(self, alert_id: str) -> Alert | None: ...

    def set_alert_status(self, alert_ids: Sequence[str], status: str) -> int:
        """Mark alerts sent or suppressed; returns how many changed."""
        ...

    def put_alert_rule(self, rule: AlertRule) -> bool:
        """Create or replace a rule by name; True if it was new."""
        ...

    def list_alert_rules(self) -> list[AlertRule]: ...

    def delete_alert_rule(self, name: str) -> bool: ...


class AccessStore(Protocol):
    """API keys (hashed) and the audit log."""

    def put_api_key(self, key: ApiKey) -> None: ...

    def get_api_key(self, key_id: str) -> ApiKey | None: ...

    def list_api_keys(self) -> list[ApiKey]: ...

    def add_audit(self, entries: Sequence[AuditEntry]) -> None: ...

    def list_audit(self, *, resource: str | None = None, limit: int = 1000) -> list[AuditEntry]:
        """Newest first."""
        ...


class IntakeStore(Protocol):
    """What refused records and collection runs leave behind: quarantine, source totals."""

    def quarantine(self, records: Sequence[QuarantinedRecord]) -> int: ...

    def list_quarantine(
        self, *, stage: str | None = None, limit: int = 100
    ) -> list[QuarantinedRecord]: ...

    def count_quarantine(self, *, stage: str | None = None) -> int: ...

    def record_source_run(self, run: SourceRun) -> SourceStats:
        """Add one run to its source's totals; returns the new totals."""
        ...

    def list_source_stats(self) -> list[SourceStats]: ...


class CampaignStore(Protocol):
    """Near-duplicate clusters on posts, and the coordinated campaigns flagged from them."""

    def assign_clusters(self, assignments: Mapping[str, str | None]) -> int:
        """Set posts' ``cluster_id``; returns how many changed."""
        ...

    def assign_campaigns(self, assignments: Mapping[str, Sequence[str]]) -> int:
        """Set posts' ``campaign_ids``; returns how many changed."""
        ...

    def replace_campaigns(self, campaigns: Sequence[Campaign]) -> None:
        """This run's campaigns replace every stored one."""
        ...

    def get_campaigns(self, campaign_ids: Sequence[str]) -> list[Campaign]:
        """The stored campaigns among ``campaign_ids``, in that order."""
        ...

    def list_campaigns(
        self, query: CampaignQuery = CampaignQuery(), *, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[Campaign]]:
        """(how many match, one page), newest start first."""
        ...

    def replace_source_profiles(self, sources: Sequence[SourceProfile]) -> None:
        """This run's source profiles replace every stored one."""
        ...

    def list_source_profiles(
        self, query: SourceQuery = SourceQuery(), *, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[SourceProfile]]:
        """(how many match, one page) in ``query.sort`` order, then by id."""
        ...

    def get_source_profile(self, source_id: str) -> SourceProfile | None: ...


class Store(
    PostStore,
    CampaignStore,
    ComplaintStore,
    TopicStore,
    LinkStore,
    TrackingStore,
    AlertStore,
    AccessStore,
    IntakeStore,
    EmergenceStore,
    OperationsStore,
    Protocol,
):
    """Every aggregate in one backend. Code that needs only some asks for those protocols
    (``PostStore``, ``LinkStore``...); writes are idempotent by id."""

    def close(self) -> None: ...


__all__ = [
    "UNMARKED",
    "AccessStore",
    "AlertQuery",
    "AlertStore",
    "Bucket",
    "CampaignQuery",
    "CampaignStore",
    "ComplaintStore",
    "Dimension",
    "EmergenceQuery",
    "EmergenceStore",
    "FollowUpQuery",
    "IntakeStore",
    "Interval",
    "LinkStore",
    "OperationsStore",
    "Page",
    "PostQuery",
    "PostStore",
    "SearchResult",
    "Sort",
    "SourceQuery",
    "SourceSort",
    "Store",
    "TopicStore",
    "TrackingStore",
    "UpsertCounts",
]
