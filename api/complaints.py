"""Complaints: search by words, place, category, status, channel and filing time; one complaint.

Officers only; every complaint listed or read is audited.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.access import Caller, Officer, audit
from api.deps import IsoDatetime, ProvinceFilter, StoreDep, TokenizerDep
from api.models import ComplaintPage
from domain.errors import NotFoundError
from domain.models import Category, Complaint, ComplaintStatus
from enrich.thai_text import normalize
from storage.base import ComplaintQuery, Store

router = APIRouter(prefix="/v1")


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
    return read_complaint(store, caller, complaint_id)


def read_complaint(store: Store, caller: Caller, complaint_id: str) -> Complaint:
    """One complaint, its read audited under the caller's key; 404 when unknown."""
    complaint = store.get_complaint(complaint_id)
    if complaint is None:
        raise NotFoundError("complaint", complaint_id)
    audit(store, caller, "read_complaint", f"complaint:{complaint_id}")
    return complaint


__all__ = ["read_complaint", "router"]
