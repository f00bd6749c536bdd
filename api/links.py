"""Links between posts and complaints: a complaint's posts, a post's complaints, and the
officers' decisions on them.

An officer's decision is stored with who and when, shown on the link at once and used by
the next linking run (``linking.service``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.access import Officer, audit
from api.complaints import read_complaint
from api.deps import StoreDep
from api.models import (
    CandidateComplaint,
    CandidateComplaints,
    DecisionRequest,
    DecisionResult,
    LinkFacts,
    PostPublic,
    RelatedPost,
    RelatedPosts,
)
from domain.errors import NotFoundError
from domain.models import LinkDecision, PostComplaintLink
from linking.service import decision_rank

router = APIRouter(prefix="/v1")


def _shown(link: PostComplaintLink, include_rejected: bool) -> bool:
    return include_rejected or link.decision is None or link.decision.verdict != "rejected"


def _related(link: PostComplaintLink, post: PostPublic) -> RelatedPost:
    return RelatedPost(**LinkFacts.of(link), post=post)


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
    complaint = read_complaint(store, caller, complaint_id)
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


__all__ = ["router"]
