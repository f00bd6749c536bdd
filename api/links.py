"""Routes for complaints and their links to posts, officers' decisions and Traffy webhooks.

Links go both ways (posts for a complaint, complaints for a post) and up to topics
(complaints the topic's posts link to). An officer's decision is stored with who and when,
shown on the link at once and used by the next linking run (``linking.service``).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool

from api.access import Caller, Officer, audit, note_auth_failure
from api.deps import (
    IsoDatetime,
    LoadedModels,
    ModelsDep,
    ProvinceFilter,
    SettingsDep,
    StoreDep,
    TokenizerDep,
    TopicId,
)
from api.models import (
    CandidateComplaint,
    CandidateComplaints,
    ComplaintPage,
    DecisionRequest,
    DecisionResult,
    LinkFacts,
    PostPublic,
    RelatedPost,
    RelatedPosts,
    TopicComplaint,
    TopicComplaints,
    WebhookResult,
)
from complaints.service import ComplaintBook
from complaints.traffy_records import parse_webhook, verify_webhook
from domain.errors import NotFoundError
from domain.models import Category, Complaint, ComplaintStatus, LinkDecision, PostComplaintLink
from domain.settings import Settings
from enrich.thai_text import normalize
from linking.service import complaints_for_topic, decision_rank
from storage.base import ComplaintQuery, PostQuery, Store

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1")


def _shown(link: PostComplaintLink, include_rejected: bool) -> bool:
    return include_rejected or link.decision is None or link.decision.verdict != "rejected"


def _related(link: PostComplaintLink, post: PostPublic) -> RelatedPost:
    return RelatedPost(**LinkFacts.of(link), post=post)


@router.get("/complaints", response_model=ComplaintPage, tags=["complaints"])
def search_complaints(
    store: StoreDep,
    tokenizer: TokenizerDep,
    caller: Officer,
    q: Annotated[str | None, Query(max_length=500, examples=["น้ำประปาไม่ไหล"])] = None,
    start: Annotated[IsoDatetime | None, Query(description="Filed at or after.")] = None,
    end: Annotated[IsoDatetime | None, Query(description="Filed before.")] = None,
    province: ProvinceFilter = None,
    category: Category | None = None,
    status: ComplaintStatus | None = None,
    channel: Annotated[str | None, Query(max_length=50, examples=["traffy"])] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> ComplaintPage:
    """Complaints by Thai words, place, category, status, channel and filing time, newest
    first. Officers; every complaint listed is audited."""
    terms = tuple(t.lower() for t in tokenizer.tokenize(normalize(q).text)) if q else ()
    query = ComplaintQuery(
        terms=terms,
        start=start,
        end=end,
        province=province,
        category=category.value if category else None,
        status=status,
        channel=channel,
    )
    total, found = store.search_complaints(query, limit=limit, offset=offset)
    audit(store, caller, "list_complaint", *(f"complaint:{c.complaint_id}" for c in found))
    return ComplaintPage(total=total, limit=limit, offset=offset, complaints=found)


@router.get("/complaints/{complaint_id}", response_model=Complaint, tags=["complaints"])
def get_complaint(complaint_id: str, store: StoreDep, caller: Officer) -> Complaint:
    """One complaint with its status history (oldest first). Officers; audited."""
    return _read_complaint(store, caller, complaint_id)


def _read_complaint(store: Store, caller: Caller, complaint_id: str) -> Complaint:
    complaint = store.get_complaint(complaint_id)
    if complaint is None:
        raise NotFoundError("complaint", complaint_id)
    audit(store, caller, "read_complaint", f"complaint:{complaint_id}")
    return complaint


@router.get(
    "/complaints/{complaint_id}/related-posts", response_model=RelatedPosts, tags=["complaints"]
)
def related_posts(
    complaint_id: str,
    store: StoreDep,
    caller: Officer,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    include_rejected: bool = False,
) -> RelatedPosts:
    """Social posts linked to a complaint: confirmed first, then best score, with reasons."""
    complaint = _read_complaint(store, caller, complaint_id)
    links = [lk for lk in store.links_for_complaint(complaint_id) if _shown(lk, include_rejected)]
    posts = {p.id: p for p in store.get_posts([lk.post_id for lk in links])}
    related = [
        _related(link, PostPublic.of(posts[link.post_id], link.score))
        for link in links
        if link.post_id in posts
    ]
    related.sort(key=lambda r: (decision_rank(r.decision), -r.score))
    return RelatedPosts(complaint=complaint, related=related[:limit])


@router.get("/posts/{post_id}/complaints", response_model=CandidateComplaints, tags=["posts"])
def candidate_complaints(
    post_id: str, store: StoreDep, caller: Officer, include_rejected: bool = False
) -> CandidateComplaints:
    """Complaints a post may be about, best first, each with the reasons."""
    post = store.get_post(post_id)
    if post is None:
        raise NotFoundError("post", post_id)
    links = [lk for lk in store.links_for_post(post_id) if _shown(lk, include_rejected)]
    complaints = {
        c.complaint_id: c for c in store.get_complaints([lk.complaint_id for lk in links])
    }
    found = [
        CandidateComplaint(**LinkFacts.of(link), complaint=complaints[link.complaint_id])
        for link in links
        if link.complaint_id in complaints
    ]
    found.sort(key=lambda c: (decision_rank(c.decision), -c.score))
    listed = [f"complaint:{item.complaint.complaint_id}" for item in found]
    audit(store, caller, "list_complaint", *listed)
    return CandidateComplaints(post=PostPublic.of(post), complaints=found)


@router.get("/topics/{topic_id}/complaints", response_model=TopicComplaints, tags=["topics"])
def topic_complaints(
    topic_id: TopicId,
    store: StoreDep,
    caller: Officer,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> TopicComplaints:
    """Complaints the topic's posts link to, the most linked first (rejected links left out)."""
    return related_to_topic(store, caller, topic_id, limit=limit)


def related_to_topic(
    store: Store, caller: Caller, topic_id: int, *, limit: int = 50
) -> TopicComplaints:
    """The complaints a topic's posts link to, audited as a list read (for its routes)."""
    topic = store.get_topic(topic_id)
    if topic is None:
        raise NotFoundError("topic", str(topic_id))
    post_ids = [p.id for p in store.iter_posts(PostQuery(topic_id=topic_id))]
    related = complaints_for_topic(store, post_ids)[:limit]
    listed = [f"complaint:{item.complaint.complaint_id}" for item in related]
    audit(store, caller, "list_complaint", *listed)
    return TopicComplaints(
        topic_id=topic_id,
        label=topic.label,
        complaints=[
            TopicComplaint(
                complaint=r.complaint,
                linked_posts=r.linked_posts,
                best_score=r.best_score,
                post_ids=r.post_ids,
            )
            for r in related
        ],
    )


@router.post("/links/decisions", response_model=DecisionResult, tags=["complaints"])
def decide(body: DecisionRequest, store: StoreDep, caller: Officer) -> DecisionResult:
    """Confirm or reject a proposed link. The verdict shows on the link at once; the next
    ``siang link`` keeps it and, once enough decisions exist, re-weights the signals."""
    link = next(
        (lk for lk in store.links_for_post(body.post_id) if lk.complaint_id == body.complaint_id),
        None,
    )
    post = store.get_post(body.post_id)
    if link is None or post is None:
        raise NotFoundError("link", f"{body.post_id} → {body.complaint_id}")
    decision = LinkDecision(
        post_id=body.post_id,
        complaint_id=body.complaint_id,
        verdict=body.verdict,
        by=caller.name,
        at=datetime.now(UTC),
        note=body.note,
    )
    recorded = store.add_link_decision(decision)
    audit(store, caller, f"{body.verdict}_link", f"complaint:{body.complaint_id}")
    decided = link.model_copy(update={"decision": decision})
    store.upsert_links([decided])
    return DecisionResult(
        recorded=recorded, decision=decision, link=_related(decided, PostPublic.of(post))
    )


@router.get("/links/decisions", response_model=list[LinkDecision], tags=["complaints"])
def decisions(
    store: StoreDep,
    caller: Officer,
    complaint_id: str | None = None,
    post_id: str | None = None,
) -> list[LinkDecision]:
    """Every decision recorded, oldest first (who decided what, when and why)."""
    found = store.link_decisions(complaint_id=complaint_id, post_id=post_id)
    audit(
        store,
        caller,
        "read_link_decisions",
        *sorted({f"link:{d.complaint_id}/{d.post_id}" for d in found}),
    )
    return found


_NEW_ISSUE: dict[str, object] = {
    "ticket_id": "2026-HKWX7Q",
    "type": "ถนน",
    "description": "ถนนหน้าหมู่บ้านเป็นหลุมลึก รถจักรยานยนต์ล้มหลายคัน",
    "latitude": 13.7769,
    "longitude": 100.5790,
    "address": "แขวงห้วยขวาง เขตห้วยขวาง กรุงเทพมหานคร",
    "timestamp": "2026-11-02 08:15:00",
}
_STATUS_UPDATE: dict[str, object] = {
    "ticket_id": "2026-HKWX7Q",
    "status": "กำลังดำเนินการ",
    "timestamp": "2026-11-03 10:00:00",
    "note": "ส่งช่างเข้าตรวจสอบ",
}


def _webhook_body(example: dict[str, object]) -> dict[str, object]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}, "example": example}},
        }
    }


@router.post(
    "/webhooks/traffy",
    response_model=WebhookResult,
    tags=["complaints"],
    operation_id="traffy_webhook_post",
    openapi_extra=_webhook_body(_NEW_ISSUE),
)
@router.patch(
    "/webhooks/traffy",
    response_model=WebhookResult,
    tags=["complaints"],
    operation_id="traffy_webhook_patch",
    openapi_extra=_webhook_body(_STATUS_UPDATE),
)
async def traffy_webhook(
    request: Request, store: StoreDep, settings: SettingsDep, models: ModelsDep
) -> WebhookResult:
    """Traffy Fondue's webhook: a new issue becomes a complaint, a status update joins its
    history. Authenticated by the shared secret (``SIANG_CREDENTIALS__TRAFFY_WEBHOOK_SECRET``)
    sent as ``X-Webhook-Secret`` or ``Authorization: Bearer``; wrong secrets are rate-limited
    per client address. The body is at most ``api.webhook_max_body_bytes``. Replaying a call
    changes nothing; a time in the future is refused (422)."""
    body = await request.body()  # bounded by api.limits before it gets here
    secret = settings.credentials.traffy_webhook_secret
    if not verify_webhook(request.headers, body, secret.get_secret_value() if secret else None):
        note_auth_failure(request)
        raise HTTPException(status_code=401, detail="webhook secret missing or wrong")
    # Parsing, embedding and the store write block: a worker thread, never the event loop.
    return await run_in_threadpool(
        _apply_webhook, body, method=request.method, store=store, settings=settings, models=models
    )


def _apply_webhook(
    body: bytes, *, method: str, store: Store, settings: Settings, models: LoadedModels
) -> WebhookResult:
    try:
        event = parse_webhook(json.loads(body), settings.complaints.traffy, method=method)
    except (ValueError, RecursionError) as exc:  # json errors and malformed payloads alike
        raise HTTPException(status_code=422, detail=f"unusable webhook payload: {exc}") from exc
    book = ComplaintBook(
        store,
        tokenize=models.tokenizer.tokenize,
        embed=lambda texts: models.embedder().encode(texts),
        max_text_chars=settings.models.max_text_chars,
    )
    if event.complaint is not None:
        report = book.add([event.complaint])
        applied = report.counts.created + report.counts.updated > 0
    elif event.change is not None:
        complaint_id, change = event.change
        before = store.get_complaint(complaint_id)
        after = book.apply_change(complaint_id, change)
        if after is None:
            raise NotFoundError("complaint", complaint_id)
        applied = after != before
    else:
        applied = False
    log.info("traffy webhook %s %s applied=%s", event.kind, event.complaint_id, applied)
    return WebhookResult(kind=event.kind, complaint_id=event.complaint_id, applied=applied)


__all__ = ["router"]
