"""Complaints into the store: validated, tokenised, embedded, with their status history.

Every source ends here: 1111 exports (``import_lines``), Traffy Fondue pulls and webhook
calls (``add`` and ``apply_change``). A complaint already stored is merged, not replaced:
its status history is the union of what every import reported, oldest first, and its
status is the latest step's. Re-importing the same rows changes nothing; a row that cannot
be read is quarantined with its reason and the others go on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
from pydantic import ValidationError

from domain.errors import RecordError
from domain.models import Complaint, ComplaintStatusChange, QuarantinedRecord
from domain.privacy import redact, redact_payload
from enrich.thai_text import normalize
from ingest.jsonl import Line
from storage.base import Store, UpsertCounts

log = logging.getLogger(__name__)

Tokenize = Callable[[str], list[str]]
Embed = Callable[[list[str]], np.ndarray]
RowMapper = Callable[[dict[str, object]], dict[str, object]]


@dataclass
class ImportReport:
    read: int = 0
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    quarantined: int = 0
    reasons: list[str] = field(default_factory=list)
    status_changes: int = 0


def complaint_from_fields(fields: dict[str, object]) -> Complaint:
    """Validate mapped fields into a Complaint, or raise ``RecordError`` naming the field."""
    try:
        return Complaint.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first["loc"])
        raise RecordError(f"{name}: {first['msg']}", field=name) from exc


def merged_history(*histories: Sequence[ComplaintStatusChange]) -> list[ComplaintStatusChange]:
    """Every distinct step (time, status, source status, agency), oldest first."""
    seen: dict[tuple[object, ...], ComplaintStatusChange] = {}
    for history in histories:
        for change in history:
            key = (change.at, change.status, change.source_status, change.agency)
            seen.setdefault(key, change)
    return sorted(seen.values(), key=lambda c: c.at)  # stable: same-time steps keep order


class ComplaintBook:
    """Writes complaints to the store: PII redacted, tokens and vectors made once per text."""

    def __init__(
        self,
        store: Store,
        *,
        tokenize: Tokenize,
        embed: Embed | None,
        max_text_chars: int = 20_000,
    ) -> None:
        self.store = store
        self.tokenize = tokenize
        self.embed = embed
        self.max_text_chars = max_text_chars  # models.max_text_chars: what a model may see

    def import_lines(
        self, lines: Iterable[Line], *, source: str, mapper: RowMapper | None = None
    ) -> ImportReport:
        """Validate rows (through ``mapper`` when given), store the good, quarantine the bad."""
        report = ImportReport()
        complaints: list[Complaint] = []
        bad: list[QuarantinedRecord] = []
        for line in lines:
            report.read += 1
            try:
                if line.error or line.value is None:
                    raise RecordError(line.error or "empty record")
                fields = mapper(line.value) if mapper else dict(line.value)
                complaints.append(complaint_from_fields(fields))
            except RecordError as exc:
                reason = (
                    exc.reason
                    if exc.reason.startswith(("line ", "record "))
                    else (f"line {line.number}: {exc.reason}")
                )
                reason = redact(reason)[0]  # reasons quote values; they are shown and logged
                report.reasons.append(reason)
                bad.append(quarantined(line.value, line.text, source=source, reason=reason))
        added = self.add(complaints)
        report.counts, report.status_changes = added.counts, added.status_changes
        report.quarantined = self.store.quarantine(bad) if bad else 0
        return report

    def add(self, complaints: Sequence[Complaint]) -> ImportReport:
        """Upsert complaints, merging each with the stored one of the same id."""
        report = ImportReport(read=len(complaints))
        unique = list({c.complaint_id: c for c in complaints}.values())
        prepared: list[Complaint] = []
        for complaint in unique:
            stored = self.store.get_complaint(complaint.complaint_id)
            merged = self._merged(stored, self._redacted(complaint))
            if stored is not None and merged.status != stored.status:
                report.status_changes += 1
            prepared.append(merged)
        texts = [_text(c)[: self.max_text_chars] for c in prepared]
        vectors = self.embed(texts) if self.embed and texts else None
        report.counts = self.store.upsert_complaints(prepared, vectors)
        report.counts.unchanged += len(complaints) - len(unique)
        return report

    def apply_change(self, complaint_id: str, change: ComplaintStatusChange) -> Complaint | None:
        """Record one status change (a webhook call); None if the complaint is unknown."""
        stored = self.store.get_complaint(complaint_id)
        if stored is None:
            return None
        change = change.model_copy(update={"note": redact(change.note)[0] if change.note else None})
        history = merged_history(stored.history, [change])
        if len(history) == len(stored.history):
            return stored  # already recorded: a repeated call changes nothing
        latest = history[-1]
        updated = stored.model_copy(
            update={
                "history": history,
                "status": latest.status,
                "updated_at": max(stored.updated_at or latest.at, latest.at),
            }
        )
        self.store.upsert_complaints([updated], self._vectors([updated]))
        return updated

    def _merged(self, stored: Complaint | None, incoming: Complaint) -> Complaint:
        history = merged_history(stored.history if stored else [], incoming.history)
        if not incoming.history:  # an export row: its status is the latest word on the case
            if not history:
                history = [ComplaintStatusChange(at=incoming.filed_at, status="received")]
            if history[-1].status != incoming.status:
                moment = incoming.updated_at or (
                    datetime.now(UTC) if stored is not None else incoming.filed_at
                )
                change = ComplaintStatusChange(
                    at=max(moment, history[-1].at), status=incoming.status
                )
                history = merged_history(history, [change])
        status = history[-1].status
        tokens = (
            stored.tokens
            if stored is not None and _text(stored) == _text(incoming) and stored.tokens
            else self.tokenize(normalize(_text(incoming)[: self.max_text_chars]).text)
        )
        known = [t for t in (stored.updated_at if stored else None, incoming.updated_at) if t]
        return incoming.model_copy(
            update={
                "history": history,
                "status": status,
                "tokens": tokens,
                # a replayed record without the time of its last change keeps the stored one
                "updated_at": max(known) if known else None,
            }
        )

    def _redacted(self, complaint: Complaint) -> Complaint:
        return complaint.model_copy(
            update={
                "subject": redact(complaint.subject)[0],
                "description": redact(complaint.description)[0],
                "history": [
                    c.model_copy(update={"note": redact(c.note)[0] if c.note else c.note})
                    for c in complaint.history
                ],
            }
        )

    def _vectors(self, complaints: Sequence[Complaint]) -> np.ndarray | None:
        if not self.embed:
            return None
        return self.embed([_text(c)[: self.max_text_chars] for c in complaints])


def _text(complaint: Complaint) -> str:
    return f"{complaint.subject}\n{complaint.description}".strip()


def quarantined(
    value: dict[str, object] | None, text: str = "", *, source: str, reason: str
) -> QuarantinedRecord:
    """A refused complaint record as kept in quarantine, PII redacted."""
    payload = json.dumps(redact_payload(value), ensure_ascii=False) if value else redact(text)[0]
    return QuarantinedRecord(
        stage="complaints",
        source=source,
        reason=redact(reason)[0],
        payload=payload,
        received_at=datetime.now(UTC),
    )


__all__ = [
    "ComplaintBook",
    "ImportReport",
    "complaint_from_fields",
    "merged_history",
    "quarantined",
]
