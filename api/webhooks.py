"""Traffy Fondue's webhook: new issues become complaints, status updates join their history."""

from __future__ import annotations

import json
import logging

from fastapi import APIRouter, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from api.access import note_auth_failure
from api.deps import LoadedModels, ModelsDep, SettingsDep, StoreDep
from api.models import WebhookResult
from complaints.service import ComplaintBook
from complaints.traffy_records import parse_webhook, verify_webhook
from domain.errors import NotFoundError
from domain.settings import Settings
from storage.base import Store

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1")


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
