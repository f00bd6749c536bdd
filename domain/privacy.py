"""PDPA safeguards: redact personal identifiers and pseudonymise authors, wherever text enters.

Redaction runs at ingestion, before anything is stored or indexed, and again in the
enrich stage (it is idempotent: placeholders never match the patterns).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

PLACEHOLDERS = {
    "email": "[EMAIL]",
    "national_id": "[NATIONAL_ID]",
    "bank_account": "[BANK_ACCOUNT]",
    "phone": "[PHONE]",
}

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# 13 digits, optionally grouped 1-2345-67890-12-3 with dashes or spaces.
_NATIONAL_ID = re.compile(r"(?<!\d)(\d)[- ]?(\d{4})[- ]?(\d{5})[- ]?(\d{2})[- ]?(\d)(?!\d)")
# Thai bank accounts are 10 digits, usually written xxx-x-xxxxx-x; bare 10 digits need a cue.
_BANK_GROUPED = re.compile(r"(?<!\d)\d{3}-\d-\d{5}-\d(?!\d)")
_BANK_CUED = re.compile(
    r"((?:บัญชี|บช\.?|acc(?:ount)?\.?)\s*(?:เลขที่|no\.?)?\s*:?\s*)(\d{10,12})(?!\d)", re.IGNORECASE
)
# Mobile 06/08/09 + 8 digits, Bangkok 02 + 7 digits, +66 forms; dashes or spaces allowed.
# Thai digits (๐๘๑-...) too: ``\d`` already matches them, the literal prefixes must as well.
_PHONE = re.compile(
    r"(?<!\d)(?<!\d-)(?:\+(?:66|๖๖)[- ]?|[0๐])"
    r"(?:[689๖๘๙]\d[- ]?\d{3}[- ]?\d{4}|[2๒][- ]?\d{3}[- ]?\d{4}"
    r"|[3-7๓-๗]\d[- ]?\d{3}[- ]?\d{3,4})"
    r"(?![\dA-Za-z-])"  # not inside a parcel number such as TH0413885276A
)


def valid_national_id(digits: str) -> bool:
    """Thai national ID checksum: d13 = (11 - Σ d_i·(14-i) mod 11) mod 10."""
    if len(digits) != 13 or not digits.isdigit():
        return False
    total = sum(int(d) * (13 - i) for i, d in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])


def redact(text: str) -> tuple[str, list[str]]:
    """Replace e-mails, national IDs, bank accounts and phone numbers with placeholders.

    Returns the redacted text and the kinds found (sorted, unique). A 13-digit number
    whose checksum fails is left alone: it is not an ID.
    """
    found: set[str] = set()

    def _sub(kind: str) -> Any:
        def replace(match: re.Match[str]) -> str:
            found.add(kind)
            return PLACEHOLDERS[kind]

        return replace

    text = _EMAIL.sub(_sub("email"), text)

    def _id(match: re.Match[str]) -> str:
        if valid_national_id("".join(match.groups())):
            found.add("national_id")
            return PLACEHOLDERS["national_id"]
        return match.group(0)

    text = _NATIONAL_ID.sub(_id, text)
    text = _BANK_GROUPED.sub(_sub("bank_account"), text)

    def _cued(match: re.Match[str]) -> str:
        found.add("bank_account")
        return match.group(1) + PLACEHOLDERS["bank_account"]

    text = _BANK_CUED.sub(_cued, text)
    text = _PHONE.sub(_sub("phone"), text)
    return text, sorted(found)


def redact_payload(value: Any) -> Any:
    """Redact every string inside a JSON-like payload."""
    if isinstance(value, str):
        return redact(value)[0]
    if isinstance(value, dict):
        return {k: redact_payload(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_payload(v) for v in value]
    return value


# Keys that hold a person's handle or name in raw platform payloads, at any depth.
AUTHOR_KEYS = frozenset(
    {
        "author",
        "author_id",
        "username",
        "user",
        "handle",
        "screen_name",
        "name",
        "authorDisplayName",
        "authorChannelId",
        "from",
    }
)


def without_authors(value: Any) -> Any:
    """Drop author handles at any depth: nested ``raw`` payloads carry them too."""
    if isinstance(value, dict):
        return {k: without_authors(v) for k, v in value.items() if k not in AUTHOR_KEYS}
    if isinstance(value, list):
        return [without_authors(v) for v in value]
    return value


class Pseudonymizer:
    """Keyed hash (HMAC-SHA256) of platform and handle: stable, not reversible without the key."""

    def __init__(self, key: str) -> None:
        if len(key) < 16:
            raise ValueError("pseudonym key must be at least 16 characters")
        self._key = key.encode("utf-8")

    def pseudonym(self, platform: str, author: str) -> str:
        message = f"{platform}:{author.strip().lower()}".encode()
        return "anon-" + hmac.new(self._key, message, hashlib.sha256).hexdigest()[:20]


__all__ = [
    "AUTHOR_KEYS",
    "PLACEHOLDERS",
    "Pseudonymizer",
    "redact",
    "redact_payload",
    "valid_national_id",
    "without_authors",
]
