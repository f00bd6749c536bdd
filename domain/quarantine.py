"""Why records were quarantined, in a few fixed classes: a label /metrics can count by.

A quarantined record's ``reason`` is free text written by the stage that refused it
("line 4: created_at is not ISO-8601: '4 Nov'"); a metric labelled with it would grow a
series per distinct message. Every reason falls into one of ``REASON_CLASSES``, judged from
the wording Siang's own stages use (``RecordError`` messages, JSON-lines parse errors, the
store's refusals); a wording none of them uses is ``other``.
"""

from __future__ import annotations

import re

from domain.models import QuarantinedRecord

REASON_CLASSES = (
    "malformed",  # not JSON, not an object, an empty record
    "missing_field",  # a required field is absent or empty
    "invalid_value",  # a field is present but wrong: not a date, not a number, not a province
    "id_too_long",  # an id longer than the stores accept (MAX_ID_BYTES)
    "store_refused",  # the store rejected a record it was given (a mapping, a bulk item)
    "other",
)

_LINE = re.compile(r"^(line|record) \d+: ")
_TOO_LONG = re.compile(r"\bid is \d+ bytes\b")
_MALFORMED = re.compile(
    r"not valid JSON|expected a JSON object|^empty record$|not a JSON object|not an object"
    r"|is not a list"
)
_MISSING = re.compile(r"\bis missing\b|\bmissing or empty\b|\bField required\b")
_INVALID = re.compile(
    r" is not |\bmust be\b|\bhas no\b|\bshould be\b|\bInput should\b|\binvalid\b|\bneither\b"
    r"|\bnot a\b|: ",
    re.IGNORECASE,
)


def reason_class(record: QuarantinedRecord) -> str:
    """The class of ``record``'s reason, one of ``REASON_CLASSES``."""
    reason = _LINE.sub("", record.reason.strip())
    if _TOO_LONG.search(reason):
        return "id_too_long"
    if record.source == "elasticsearch" or "the store refused it" in reason:
        return "store_refused"
    if _MALFORMED.search(reason):
        return "malformed"
    if _MISSING.search(reason):
        return "missing_field"
    if _INVALID.search(reason):
        return "invalid_value"
    return "other"


__all__ = ["REASON_CLASSES", "reason_class"]
