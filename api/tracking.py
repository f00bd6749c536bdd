"""A complaint's life after filing: its timeline, resolved complaints the public still
reports, their follow-ups, officers' reopen verdicts, the satisfaction signal grouped by
agency, province or category, and the centre's survey answers beside it.

Follow-ups come from the tracking stage (``siang complaints track``, every ``siang run``).
A verdict shows on the complaint's follow-up at once, and the next run keeps it.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import asdict, replace
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from api.access import Analyst, Officer, audit
from api.complaints import read_complaint
from api.deps import IsoDatetime, ProvinceFilter, SettingsDep, StoreDep
from api.models import PostPublic
from api.timelines import every_bucket
from complaints.surveys import SurveyImport, import_surveys
from domain.errors import NotFoundError, RecordError
from domain.models import (
    BANGKOK_TZ,
    Category,
    ComplaintFollowUp,
    ComplaintStatus,
    ReopenDecision,
    ReopenVerdict,
    SurveyAgreement,
    SurveyResponse,
)
from domain.thai_dates import thai_date, thai_datetime
from storage.base import FollowUpQuery, PostQuery, Store
from tracking.agreement import survey_agreement
from tracking.reopen import resolved_at
from tracking.scorecards import scorecards

router = APIRouter(prefix="/v1")


class FollowUpPage(BaseModel):
    total: int = Field(description="Follow-ups matching the filters, over all pages.")
    limit: int
    offset: int
    follow_ups: list[ComplaintFollowUp]


class FollowUpView(ComplaintFollowUp):
    survey: SurveyResponse | None = Field(
        None, description="The centre's survey answer about the complaint, when imported."
    )


class ReopenDecisionRequest(BaseModel):
    verdict: ReopenVerdict
    note: str | None = Field(None, max_length=2000)


class ReopenDecisionResult(BaseModel):
    recorded: bool = Field(description="False when this very decision was already stored.")
    decision: ReopenDecision
    follow_up: FollowUpView


class SatisfactionGroup(BaseModel):
    key: str | None = Field(
        description="The agency, province, category, or 'category · province' (series); "
        "null: not given.",
        examples=["การประปาส่วนภูมิภาคสาขาสันทราย"],
    )
    resolved: int = Field(description="Resolved complaints followed.")
    reopen_candidates: int
    mean_score: float | None = Field(description="Mean satisfaction score, -1 to 1.")
    satisfied: int
    mixed: int
    dissatisfied: int
    no_signal: int
    survey_mean: float | None = Field(
        None, description="Mean survey score (1 to 5) of the group's answered complaints."
    )
    survey_responses: int = Field(0, description="Survey answers about the group's complaints.")


class SatisfactionSummary(BaseModel):
    group: Literal["agency", "province", "category", "series"]
    groups: list[SatisfactionGroup] = Field(description="Most resolved complaints first.")


class TimelineEvent(BaseModel):
    at: datetime
    at_th: str = Field(examples=["13 พ.ย. 2569 19:00 น."], description="Bangkok time, พ.ศ.")
    kind: Literal["filed", "status", "post"]
    status: ComplaintStatus | None = Field(None, description="status: the new status.")
    agency: str | None = Field(None, description="filed and status: the agency handling it.")
    note: str | None = None
    post: PostPublic | None = Field(None, description="post: a linked public post.")
    link_score: float | None = Field(None, description="post: its link score.")


class PublicDay(BaseModel):
    day: datetime = Field(description="A Bangkok midnight.")
    day_th: str = Field(examples=["13 พ.ย. 2569"])
    posts: int = Field(description="Posts of the complaint's province and category that day.")
    negative: int
    phase: Literal["before", "handling", "after"] = Field(
        description="Before filing, while handled, after resolution."
    )


class ComplaintTimeline(BaseModel):
    complaint_id: str
    filed_at: datetime
    resolved_at: datetime | None
    events: list[TimelineEvent] = Field(description="Filing, status changes, linked posts.")
    public: list[PublicDay] = Field(
        description="Every Bangkok day from tracking.before_days before filing to "
        "tracking.after_days after resolution (or until now while open), zeros included."
    )
    follow_up: ComplaintFollowUp | None = None


class AgencyScorecard(BaseModel):
    agency: str = Field(examples=["การประปาส่วนภูมิภาคสาขาสันทราย"])
    province: str | None
    received: int = Field(description="Complaints filed in the period.")
    resolved: int
    followed: int = Field(description="Resolved complaints the tracking stage followed.")
    median_hours_to_first_action: float | None
    median_hours_to_resolution: float | None
    renewed_share: float | None = Field(
        description="Of the resolved complaints followed, the share the public still reports."
    )
    mean_satisfaction: float | None = Field(description="Mean satisfaction score, -1 to 1.")
    ranked: bool = Field(description="False: too few resolved cases to rank (marked).")
    rank: int | None = Field(description="1 = best: satisfaction, then renewed, then speed.")
    survey_mean: float | None = Field(description="Mean survey score, 1 to 5, if imported.")
    survey_responses: int = Field(description="Survey answers about these complaints.")


class SurveyImportResult(BaseModel):
    read: int = Field(description="Rows read.")
    created: int
    updated: int = Field(description="Complaints whose stored answer this file changed.")
    unchanged: int
    quarantined: int = Field(description="Rows refused, kept in quarantine with the reason.")
    reasons: list[str] = Field(
        description="Why rows were refused (the first 20).",
        examples=[['line 5: score must be a whole number from 1 to 5, not "7"']],
    )
    unknown_complaints: int = Field(
        description="Answers kept whose complaint is not in the store (yet)."
    )

    @classmethod
    def of(cls, report: SurveyImport) -> SurveyImportResult:
        c = report.counts
        return cls(
            read=report.read, created=c.created, updated=c.updated, unchanged=c.unchanged,
            quarantined=report.quarantined, reasons=report.reasons[:20],
            unknown_complaints=report.unknown_complaints,
        )  # fmt: skip


_SURVEY_EXAMPLE = (
    "complaint_id,score,comment,answered_at\n"
    "1111-2569-000123,4,ช่างมาเร็ว น้ำไหลแล้ว,20/11/2569 14:30\n"
    "1111-2569-000124,1,แจ้งว่าแก้แล้วแต่ไฟยังดับ,21/11/2569\n"
)


class ScorecardPage(BaseModel):
    start: datetime | None
    end: datetime | None
    min_cases: int
    scorecards: list[AgencyScorecard]


_SCORECARD_COLUMNS = list(AgencyScorecard.model_fields)


def follow_up_filters(
    province: ProvinceFilter,
    agency: Annotated[str | None, Query(max_length=200)] = None,
    category: Category | None = None,
    start: Annotated[IsoDatetime | None, Query(description="Resolved at or after.")] = None,
    end: Annotated[IsoDatetime | None, Query(description="Resolved before.")] = None,
) -> FollowUpQuery:
    """The filters every follow-up listing takes: agency, place, category, resolution time."""
    return FollowUpQuery(
        agency=agency,
        province=province,
        category=category.value if category else None,
        start=start,
        end=end,
    )


FollowUpFilters = Annotated[FollowUpQuery, Depends(follow_up_filters)]


@router.get("/complaints/reopen-candidates", response_model=FollowUpPage, tags=["complaints"])
def reopen_candidates(
    store: StoreDep,
    caller: Officer,
    filters: FollowUpFilters,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> FollowUpPage:
    """Resolved complaints the public still reports after the resolution, most reported
    first, with the posts as evidence. Officers; audited."""
    query = replace(filters, reopen_only=True)
    total, found = store.search_follow_ups(query, limit=limit, offset=offset)
    audit(store, caller, "list_reopen_candidates", *(f"complaint:{f.complaint_id}" for f in found))
    return FollowUpPage(total=total, limit=limit, offset=offset, follow_ups=found)


@router.get(
    "/complaints/{complaint_id}/timeline", response_model=ComplaintTimeline, tags=["complaints"]
)
def timeline(
    complaint_id: str, store: StoreDep, settings: SettingsDep, caller: Officer
) -> ComplaintTimeline:
    """One time axis for a complaint: filing and every status change with its agency, the
    linked public posts, and the public voice of its province and category per Bangkok day
    before filing, while handled and after resolution. Times carry พ.ศ. dates. Officers."""
    complaint = read_complaint(store, caller, complaint_id)
    fixed_at = resolved_at(complaint)
    events = [
        TimelineEvent(at=complaint.filed_at, at_th=thai_datetime(complaint.filed_at),
                      kind="filed", agency=complaint.agency)
    ]  # fmt: skip
    for step in complaint.history:
        events.append(
            TimelineEvent(at=step.at, at_th=thai_datetime(step.at), kind="status",
                          status=step.status, agency=step.agency, note=step.note)
        )  # fmt: skip
    links = [lk for lk in store.links_for_complaint(complaint_id)
             if lk.decision is None or lk.decision.verdict != "rejected"]  # fmt: skip
    posts = {p.id: p for p in store.get_posts([lk.post_id for lk in links])}
    for link in links:
        post = posts.get(link.post_id)
        if post is not None:
            events.append(
                TimelineEvent(at=post.created_at, at_th=thai_datetime(post.created_at),
                              kind="post", post=PostPublic.of(post), link_score=link.score)
            )  # fmt: skip
    events.sort(key=lambda e: (e.at, e.kind != "filed"))
    start = complaint.filed_at - timedelta(days=settings.tracking.before_days)
    now = datetime.now(UTC)
    # Up to after_days past the resolution, and never past today: the future has no posts.
    end = min((fixed_at or now) + timedelta(days=settings.tracking.after_days), now)
    scope = PostQuery(start=start, end=end, province=complaint.province,
                      category=complaint.category.value)  # fmt: skip
    negative = replace(scope, sentiment="negative")
    totals = every_bucket(store.counts(scope, interval="day"), interval="day",
                          start=start, end=end)  # fmt: skip
    negatives = {p.time: p.count for p in every_bucket(
        store.counts(negative, interval="day"), interval="day", start=start, end=end)}  # fmt: skip
    public = [
        PublicDay(
            day=p.time,
            day_th=thai_date(p.time),
            posts=p.count,
            negative=negatives.get(p.time, 0),
            phase=_phase(p.time, complaint.filed_at, fixed_at),
        )
        for p in totals
    ]
    return ComplaintTimeline(
        complaint_id=complaint_id,
        filed_at=complaint.filed_at,
        resolved_at=fixed_at,
        events=events,
        public=public,
        follow_up=store.get_follow_up(complaint_id),
    )


def _phase(
    day: datetime, filed: datetime, fixed: datetime | None
) -> Literal["before", "handling", "after"]:
    """The phase a Bangkok day is in: the day of filing counts as handled."""
    if day + timedelta(days=1) <= filed:
        return "before"
    if fixed is not None and day >= fixed:
        return "after"
    return "handling"


@router.get(
    "/complaints/{complaint_id}/follow-up", response_model=FollowUpView, tags=["complaints"]
)
def follow_up(complaint_id: str, store: StoreDep, caller: Officer) -> FollowUpView:
    """What the public said after the complaint was resolved: its satisfaction signal,
    whether it is a reopen candidate, and the survey answer beside it. 404 until it is
    resolved and tracked. Officers."""
    read_complaint(store, caller, complaint_id)
    found = store.get_follow_up(complaint_id)
    if found is None:
        raise NotFoundError("follow-up", complaint_id)
    return _with_survey(store, found)


def _with_survey(store: Store, follow_up: ComplaintFollowUp) -> FollowUpView:
    answers = store.get_survey_responses([follow_up.complaint_id])
    return FollowUpView(**dict(follow_up), survey=answers[0] if answers else None)


@router.post(
    "/surveys",
    response_model=SurveyImportResult,
    tags=["complaints"],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}, "example": _SURVEY_EXAMPLE}},
        }
    },
)
async def import_survey(request: Request, store: StoreDep, caller: Officer) -> SurveyImportResult:
    """Import satisfaction-survey results: a CSV with a header naming ``complaint_id`` and
    ``score`` (1–5), optionally ``comment`` and ``answered_at`` (README, "Survey results").
    Comments are redacted of personal data; refused rows are quarantined with the reason;
    one answer per complaint, and importing the same file again changes nothing. 422 when
    no row could be used. Officers; audited."""
    body = await request.body()  # bounded by api.limits before it gets here
    report = import_surveys(store, body, source=f"api:{caller.name}", now=datetime.now(UTC))
    audit(store, caller, "import_surveys", f"surveys:{report.read}")
    if report.accepted == 0:
        reasons = "; ".join(report.reasons[:5]) or "no rows"
        raise RecordError(f"no survey answer could be used ({reasons})")
    return SurveyImportResult.of(report)


@router.get("/satisfaction/agreement", response_model=SurveyAgreement, tags=["complaints"])
def satisfaction_agreement(
    store: StoreDep, caller: Analyst, filters: FollowUpFilters
) -> SurveyAgreement:
    """How well the survey and the public signal agree: Pearson and Spearman correlations
    between survey scores (1–5) and public scores (-1 to 1) over the resolved complaints
    that have both, with the number of pairs and p-values. With filters, only answers about
    matching follow-ups count."""
    follow_ups = {f.complaint_id: f for f in store.iter_follow_ups(filters)}
    if filters == FollowUpQuery():
        answers = list(store.iter_survey_responses())
    else:
        answers = store.get_survey_responses(list(follow_ups))
    return survey_agreement(answers, follow_ups)


@router.post(
    "/complaints/{complaint_id}/reopen-decision",
    response_model=ReopenDecisionResult,
    tags=["complaints"],
)
def decide(
    complaint_id: str, body: ReopenDecisionRequest, store: StoreDep, caller: Officer
) -> ReopenDecisionResult:
    """Confirm (reopen) or dismiss a candidate. It shows on the follow-up at once; the next
    tracking run keeps it and lets it move the satisfaction signal."""
    current = store.get_follow_up(complaint_id)
    if current is None:
        raise NotFoundError("follow-up", complaint_id)
    decision = ReopenDecision(
        complaint_id=complaint_id,
        verdict=body.verdict,
        by=caller.name,
        at=datetime.now(UTC),
        note=body.note,
    )
    recorded = store.add_reopen_decision(decision)
    audit(store, caller, f"{body.verdict}_reopen", f"complaint:{complaint_id}")
    decided = current.model_copy(
        update={"decision": decision, "reopen_candidate": body.verdict == "confirmed"}
    )
    store.upsert_follow_ups([decided])
    return ReopenDecisionResult(
        recorded=recorded, decision=decision, follow_up=_with_survey(store, decided)
    )


@router.get(
    "/agencies/scorecards",
    response_model=ScorecardPage,
    tags=["complaints"],
    responses={200: {"content": {"text/csv": {"example": "agency,province,received,...\n"}}}},
)
def agency_scorecards(
    store: StoreDep,
    settings: SettingsDep,
    caller: Analyst,
    province: ProvinceFilter,
    start: Annotated[IsoDatetime | None, Query(description="Filed at or after.")] = None,
    end: Annotated[IsoDatetime | None, Query(description="Filed before.")] = None,
    format: Annotated[Literal["json", "csv"], Query(description="csv: a spreadsheet.")] = "json",
) -> Response:
    """Per agency and province, for complaints filed in the period: how many, median hours
    to first action and to resolution, the share of resolved cases the public still reports,
    and the mean satisfaction after resolution. Agencies with fewer than
    ``tracking.scorecard_min_cases`` resolved cases are listed but not ranked."""
    complaints = [c for c in store.iter_complaints() if province is None or c.province == province]
    follow_ups = {f.complaint_id: f for f in store.iter_follow_ups(FollowUpQuery())}
    surveys = {a.complaint_id: a for a in store.iter_survey_responses()}
    cards = [
        AgencyScorecard(**asdict(card))
        for card in scorecards(
            complaints, follow_ups, start=start, end=end,
            min_cases=settings.tracking.scorecard_min_cases, surveys=surveys,
        )
    ]  # fmt: skip
    if format == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=_SCORECARD_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(card.model_dump() for card in cards)
        period = "-to-".join(
            f"{moment.astimezone(BANGKOK_TZ):%Y-%m-%d}" for moment in (start, end) if moment
        )
        name = f"siang-scorecards-{period}.csv" if period else "siang-scorecards.csv"
        return Response(
            "\ufeff" + out.getvalue(),  # a BOM, so spreadsheets read the Thai as UTF-8
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    page = ScorecardPage(
        start=start, end=end, min_cases=settings.tracking.scorecard_min_cases, scorecards=cards
    )
    return Response(page.model_dump_json(), media_type="application/json")


@router.get("/satisfaction", response_model=SatisfactionSummary, tags=["complaints"])
def satisfaction(
    store: StoreDep,
    caller: Analyst,
    filters: FollowUpFilters,
    group: Annotated[
        Literal["agency", "province", "category", "series"],
        Query(description="series: each (category, province) with resolved complaints."),
    ] = "agency",
) -> SatisfactionSummary:
    """The satisfaction signal of resolved complaints, grouped by agency, province, category
    or series (each category in each province): how many, how many the public still
    reports, the mean score, and the survey's mean beside it."""
    grouped: dict[str | None, list[ComplaintFollowUp]] = defaultdict(list)
    for f in store.iter_follow_ups(filters):
        key = _group_key(f, group)
        grouped[key].append(f)
    followed = [m.complaint_id for members in grouped.values() for m in members]
    answers = {a.complaint_id: a.score for a in store.get_survey_responses(followed)}
    groups = []
    for key, members in grouped.items():
        scores = [m.satisfaction.score for m in members if m.satisfaction.score is not None]
        labels = [m.satisfaction.label for m in members]
        surveyed = [answers[m.complaint_id] for m in members if m.complaint_id in answers]
        groups.append(
            SatisfactionGroup(
                key=key,
                resolved=len(members),
                reopen_candidates=sum(m.reopen_candidate for m in members),
                mean_score=round(sum(scores) / len(scores), 4) if scores else None,
                satisfied=labels.count("satisfied"),
                mixed=labels.count("mixed"),
                dissatisfied=labels.count("dissatisfied"),
                no_signal=labels.count("no_signal"),
                survey_mean=round(sum(surveyed) / len(surveyed), 4) if surveyed else None,
                survey_responses=len(surveyed),
            )
        )
    groups.sort(key=lambda g: (-g.resolved, g.key or ""))
    return SatisfactionSummary(group=group, groups=groups)


def _group_key(follow_up: ComplaintFollowUp, group: str) -> str | None:
    if group == "category":
        return follow_up.category.value
    if group == "series":
        return f"{follow_up.category.value} · {follow_up.province or '-'}"
    return str(getattr(follow_up, group)) if getattr(follow_up, group) is not None else None


__all__ = ["router"]
