"""Traffy Fondue records as Siang complaints: issue mapping, status timelines, webhooks.

Traffy's timestamps are naive ``YYYY-MM-DD HH:MM:SS[.ffffff]`` in Asia/Bangkok time; its
statuses (Thai, or ``status_type``) map through ``complaints.traffy.statuses``. Webhooks
(new issue, status update, comments) carry no signature in the documented scheme, so
``verify_webhook`` checks a shared secret registered with the webhook URL.
"""

from __future__ import annotations

import hmac
import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from domain.errors import RecordError
from domain.models import BANGKOK, Category, Complaint, ComplaintStatus, ComplaintStatusChange
from domain.settings import TraffySettings

log = logging.getLogger(__name__)

SOURCE = "traffy"
THAI_TIME = ZoneInfo(BANGKOK)
WEBHOOK_SECRET_HEADER = "X-Webhook-Secret"
FUTURE_SLACK = timedelta(hours=1)  # clocks disagree a little; an event from tomorrow is wrong
_SUBJECT_MAX = 120


class TraffyRecordError(RecordError, ValueError):
    """A Traffy record that cannot become a complaint; ``reason`` says why, ``field`` where.

    A ``ValueError`` too, so callers may catch either.
    """


# ---------------------------------------------------------------------------- mapping


def complaint_from_issue(
    issue: Mapping[str, Any],
    settings: TraffySettings,
    *,
    timeline: list[dict[str, Any]] | None = None,
) -> Complaint:
    """Map a get-issues/get-issue record (or a new-issue webhook) to a ``Complaint``.

    Status: ``status``, then ``status_type``, through ``settings.statuses`` (also without a
    ``(...)`` suffix). History comes from ``timeline`` (oldest first; an unmapped step
    keeps the step before's status) or else from ``timestamp`` / ``timestamp_inprogress`` /
    ``timestamp_finished``. It always ends in the complaint's status and keeps Traffy's own
    word for it in ``source_status``. An unknown status changes nothing: the complaint
    keeps the history's last status (``received`` when nothing else is known).

    Raises:
        TraffyRecordError: (a ``ValueError``) no ticket_id, or no readable timestamp.
    """
    if not isinstance(issue, Mapping):
        raise TraffyRecordError("issue is not a JSON object")
    ticket = issue.get("ticket_id")
    if not isinstance(ticket, str | int) or not str(ticket).strip():
        raise TraffyRecordError("ticket_id is missing", field="ticket_id")
    ticket = str(ticket).strip()
    filed_at = thai_time(issue.get("timestamp"), name="timestamp")
    kind = _clean(issue.get("type"))
    description = str(issue.get("description") or "").strip()
    agency = _clean(issue.get("organization"))
    words = [_clean(issue.get(k)) for k in ("status", "status_th_latest", "status_type")]
    raw_status = next((w for w in words if w), None)
    status = next((s for s in (_status(w, settings) for w in words) if s), None)
    updated_at = optional_thai_time(issue.get("last_activity"), name="last_activity")
    history = _timeline_history(timeline or [], settings) or _stamp_history(issue, filed_at)
    history = _ending_in(
        history, status, raw_status, at=max(updated_at or filed_at, filed_at), agency=agency
    )
    places = _address_places(_clean(issue.get("address")) or "")
    lat, lon = _coordinates(issue.get("latitude"), issue.get("longitude"))
    try:
        return Complaint(
            complaint_id=f"traffy:{ticket}",
            filed_at=filed_at,
            channel="traffy",
            source="traffy",
            category=_category(kind, settings),
            agency=agency,
            province=_clean(issue.get("province")) or places.get("province"),
            district=_clean(issue.get("district")) or places.get("district"),
            subdistrict=_clean(issue.get("subdistrict")) or places.get("subdistrict"),
            lat=lat,
            lon=lon,
            subject=_subject(kind, description, ticket),
            description=description,
            status=history[-1].status,
            history=history,
            updated_at=updated_at,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first["loc"])
        raise TraffyRecordError(f"{name}: {first['msg']}", field=name) from exc


def thai_time(value: Any, *, name: str) -> datetime:
    """Traffy's naive Thai-time stamp as an aware datetime (Asia/Bangkok).

    An explicit offset is honoured; a Buddhist-era year (พ.ศ., above 2400) becomes CE.
    """
    if not isinstance(value, str) or not value.strip():
        raise TraffyRecordError(f"{name} is missing", field=name)
    text = value.strip()
    year = re.match(r"\d{4}", text)
    if year and int(year.group()) > 2400:
        text = f"{int(year.group()) - 543}{text[4:]}"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise TraffyRecordError(f"{name} is not a date: {value!r}", field=name) from None
    return moment.replace(tzinfo=THAI_TIME) if moment.tzinfo is None else moment


def optional_thai_time(value: Any, *, name: str) -> datetime | None:
    """``thai_time`` for fields that may be blank or wrong (logged, then None)."""
    if value is None or value == "":
        return None
    try:
        return thai_time(value, name=name)
    except TraffyRecordError as exc:
        log.debug("traffy: %s", exc)
        return None


def _clean(value: Any) -> str | None:
    """Whitespace collapsed; empty and missing both mean None."""
    if value is None or isinstance(value, dict | list):
        return None
    return " ".join(str(value).split()) or None


def _status(value: Any, settings: TraffySettings) -> ComplaintStatus | None:
    text = _clean(value)
    if text is None:
        return None
    bare = re.sub(r"\s*\(.*\)$", "", text)  # ส่งต่อ(ใหม่) → ส่งต่อ
    for key in (text, bare, text.lower()):
        if key in settings.statuses:
            return settings.statuses[key]
    return None


def _category(kind: str | None, settings: TraffySettings) -> Category:
    """The first known type; the public dumps write several as ``{ถนน,ทางเท้า}``."""
    if kind:
        names = [kind, *(n.strip() for n in kind.strip("{}").split(","))]
        for name in names:
            if name in settings.categories:
                return settings.categories[name]
    return settings.default_category


def _coordinates(lat: Any, lon: Any) -> tuple[float | None, float | None]:
    """Both or neither: a zero, a non-number or an out-of-range value means 'not placed'."""
    try:
        y, x = float(lat), float(lon)
    except (TypeError, ValueError):
        return None, None
    if isinstance(lat, bool) or isinstance(lon, bool) or not (math.isfinite(y + x)):
        return None, None
    if y == 0 or x == 0 or not (-90 <= y <= 90 and -180 <= x <= 180):
        return None, None
    return y, x


_PLACE_PATTERNS = {
    "subdistrict": re.compile(r"(?:^|\s)(?:ตำบล|แขวง|ต\.)\s*([^\s,]+)"),
    "district": re.compile(r"(?:^|\s)(?:อำเภอ|เขต|อ\.)\s*([^\s,]+)"),
    "province": re.compile(r"(?:^|\s)(?:จังหวัด|จ\.)\s*([^\s,]+)"),
}
_BANGKOK_NAMES = ("กรุงเทพมหานคร", "กรุงเทพฯ", "กทม")


def _address_places(address: str) -> dict[str, str]:
    """Subdistrict, district and province named in an address, for records without them."""
    places = {}
    for name, pattern in _PLACE_PATTERNS.items():
        match = pattern.search(address)
        if match:
            places[name] = match.group(1)
    if "province" not in places and any(n in address for n in _BANGKOK_NAMES):
        places["province"] = "กรุงเทพมหานคร"
    return places


def _subject(kind: str | None, description: str, ticket: str) -> str:
    """``type: first words of the description``, at most 120 characters, cut at a space."""
    head = f"{kind}: " if kind else ""
    text = " ".join(description.split())
    if not text:
        return kind or f"เรื่องแจ้ง Traffy Fondue {ticket}"
    if len(head) + len(text) <= _SUBJECT_MAX:
        return head + text
    room = _SUBJECT_MAX - len(head) - 1  # one for the ellipsis
    cut = text[: room + 1].rfind(" ")
    return head + (text[:cut] if cut > 0 else text[:room]).rstrip() + "…"


def _timeline_history(
    timeline: list[dict[str, Any]], settings: TraffySettings
) -> list[ComplaintStatusChange]:
    steps: list[tuple[datetime, dict[str, Any]]] = []
    for entry in timeline:
        at = (
            optional_thai_time(entry.get("timestamp"), name="timeline")
            if isinstance(entry, dict)
            else None
        )
        if at is not None:
            steps.append((at, entry))
    steps.sort(key=lambda step: step[0])
    history: list[ComplaintStatusChange] = []
    for at, entry in steps:
        previous: ComplaintStatus = history[-1].status if history else "received"
        history.append(
            ComplaintStatusChange(
                at=at,
                status=_status(entry.get("status"), settings) or previous,
                source_status=_clean(entry.get("status")),
                agency=_clean(entry.get("org")) or _clean(entry.get("name")),
                note=str(entry.get("note") or "").strip() or None,
            )
        )
    return history


def _stamp_history(issue: Mapping[str, Any], filed_at: datetime) -> list[ComplaintStatusChange]:
    history = [ComplaintStatusChange(at=filed_at, status="received")]
    started = optional_thai_time(issue.get("timestamp_inprogress"), name="timestamp_inprogress")
    if started is not None:
        history.append(ComplaintStatusChange(at=max(started, filed_at), status="in_progress"))
    finished = optional_thai_time(issue.get("timestamp_finished"), name="timestamp_finished")
    if finished is not None:
        history.append(
            ComplaintStatusChange(
                at=max(finished, history[-1].at),
                status="resolved",
                agency=_clean(issue.get("org_finished")),
            )
        )
    return history


def _ending_in(
    history: list[ComplaintStatusChange],
    status: ComplaintStatus | None,
    raw: str | None,
    *,
    at: datetime,
    agency: str | None,
) -> list[ComplaintStatusChange]:
    """The history, made to end in the current ``status`` and to hold Traffy's ``raw`` word.

    The last step is the current one if it carries the same word, or carries none and
    agrees; a known status that agrees is enough; otherwise a step is added at ``at``.
    ``status`` None (unmapped) keeps the last step's status.
    """
    last = history[-1]
    current = status or last.status
    agrees = last.status == current or (last.status, current) == ("resolved", "closed")
    if (raw is not None and last.source_status == raw) or (last.source_status is None and agrees):
        return [*history[:-1], last.model_copy(update={"status": current, "source_status": raw})]
    if last.status == current and (raw is None or status is not None):
        return history
    change = ComplaintStatusChange(
        at=max(at, last.at), status=current, source_status=raw, agency=agency
    )
    return [*history, change]


# ---------------------------------------------------------------------------- webhooks

WebhookKind = Literal["new_issue", "status_update", "comment"]
_COMMENT_EVENTS = frozenset({"chat", "rating", "comment", "chat_staff_only"})


@dataclass(frozen=True)
class TraffyWebhook:
    """One incoming webhook call, by the doc's three events.

    ``new_issue`` (POST of the issue): ``complaint`` is set, status ``received``.
    ``status_update`` (PATCH): ``change`` is ``(complaint_id, ComplaintStatusChange)``.
    ``comment`` (POST with ``event`` chat, rating, comment or chat_staff_only): ``event``
    and ``text`` are set; it changes no complaint.
    """

    kind: WebhookKind
    complaint_id: str
    complaint: Complaint | None = None
    change: tuple[str, ComplaintStatusChange] | None = None
    event: str | None = None
    text: str | None = None


def parse_webhook(
    payload: Any,
    settings: TraffySettings,
    *,
    method: str | None = None,
    now: datetime | None = None,
) -> TraffyWebhook:
    """Read a webhook body; ``method`` (POST/PATCH) decides the event when given.

    Without ``method`` the event is told from the fields: ``event`` → comment,
    ``status`` without ``type`` → status_update, else new_issue. A time later than
    ``now`` (default: the clock) plus ``FUTURE_SLACK`` is refused: a step dated 2099 would
    stay the complaint's latest word for ever.

    Raises:
        TraffyRecordError: (a ``ValueError``) not an object, a required field missing or
            of the wrong type, or a time in the future.
    """
    latest = (now or datetime.now(UTC)) + FUTURE_SLACK
    if not isinstance(payload, Mapping):
        raise TraffyRecordError("webhook body is not a JSON object")
    ticket = _clean(payload.get("ticket_id"))
    if ticket is None:
        raise TraffyRecordError("ticket_id is missing", field="ticket_id")
    complaint_id = f"traffy:{ticket}"
    verb = (method or "").upper()
    if "event" in payload and verb != "PATCH":
        event = _clean(payload.get("event"))
        if event not in _COMMENT_EVENTS:
            raise TraffyRecordError(f"event {event!r} is not documented", field="event")
        text = _clean(payload.get("comment"))
        return TraffyWebhook("comment", complaint_id, event=event, text=text)
    if verb == "PATCH" or (not verb and "status" in payload and "type" not in payload):
        raw = _clean(payload.get("status"))
        if raw is None:
            raise TraffyRecordError("status is missing", field="status")
        change = ComplaintStatusChange(
            at=_not_future(thai_time(payload.get("timestamp"), name="timestamp"), latest),
            status=_status(raw, settings) or "received",
            source_status=raw,
            agency=_clean(payload.get("org")),
            note=str(payload.get("note") or "").strip() or None,
        )
        return TraffyWebhook("status_update", complaint_id, change=(complaint_id, change))
    if verb not in ("", "POST"):
        raise TraffyRecordError(f"HTTP {verb} is not a Traffy webhook method")
    orgs = payload.get("orgs")
    if orgs is not None and not isinstance(orgs, list):
        raise TraffyRecordError("orgs must be a list of organisations", field="orgs")
    names = [_clean(o.get("org") or o.get("name")) for o in orgs or [] if isinstance(o, dict)]
    issue = {"organization": ", ".join(n for n in names if n) or None, **payload}
    complaint = complaint_from_issue(issue, settings)
    _not_future(complaint.filed_at, latest, name="timestamp")
    for step in complaint.history:
        _not_future(step.at, latest, name="timestamp")
    return TraffyWebhook("new_issue", complaint_id, complaint=complaint)


def _not_future(moment: datetime, latest: datetime, *, name: str = "timestamp") -> datetime:
    if moment > latest:
        raise TraffyRecordError(
            f"{name} {moment.astimezone(THAI_TIME):%Y-%m-%d %H:%M} is in the future", field=name
        )
    return moment


def verify_webhook(headers: Mapping[str, str], body: bytes, secret: str | None) -> bool:
    """True when the call carries the shared secret; no secret configured refuses all.

    The Exchange API documents no signature for its webhooks (only JWT for calls *to*
    it, and "verify the payload" as advice), so Siang uses a shared secret registered
    with the webhook URL: ``X-Webhook-Secret: <secret>`` or ``Authorization: Bearer
    <secret>``, compared in constant time. ``body`` is unused until Traffy signs bodies.
    """
    if not secret:
        return False
    lowered = {name.lower(): value for name, value in headers.items()}
    offered = lowered.get(WEBHOOK_SECRET_HEADER.lower())
    if offered is None:
        scheme, _, value = lowered.get("authorization", "").partition(" ")
        offered = value.strip() if scheme.lower() == "bearer" else None
    if not offered:
        return False
    return hmac.compare_digest(offered.encode(), secret.encode())


__all__ = [
    "SOURCE",
    "THAI_TIME",
    "WEBHOOK_SECRET_HEADER",
    "TraffyRecordError",
    "TraffyWebhook",
    "WebhookKind",
    "complaint_from_issue",
    "optional_thai_time",
    "parse_webhook",
    "thai_time",
    "verify_webhook",
]
