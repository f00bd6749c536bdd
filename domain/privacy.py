"""PDPA safeguards: redact personal identifiers and pseudonymise authors, wherever text enters.

Redaction runs at ingestion, before anything is stored or indexed, and again in the
enrich stage (it is idempotent: placeholders never match the patterns).

How ``redact`` works: Thai (๐-๙) and full-width digits are mapped to ASCII in a working
copy of the text (one character for one, so offsets do not move); each detector below
then runs on that copy in priority order, and whatever it claims is blanked out of the
copy so later detectors cannot match inside it. URLs are claimed without being redacted:
their digits are post and topic ids, not personal data. Finally the claimed spans are
replaced in the original text.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterator
from typing import Any

PLACEHOLDERS = {
    "email": "[EMAIL]",
    "national_id": "[NATIONAL_ID]",
    "bank_account": "[BANK_ACCOUNT]",
    "phone": "[PHONE]",
    "line_id": "[LINE_ID]",
}

# Thai and full-width digits -> ASCII, one character for one.
_ASCII_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙０１２３４５６７８９", "0123456789" * 2)
# Claimed spans are blanked with this: neither a digit nor a letter, so it acts as a boundary.
_BLANK = "\x00"
# Cheap gates: each detector needs a digit, an "@", a "/" or a LINE cue (see _DETECTORS).
_ANY_DIGIT = re.compile(r"[0-9๐-๙０-９]")
_NON_ASCII_DIGIT = re.compile(r"[๐-๙０-９]")
_LINE_HINT = re.compile(r"ไลน์|[Ll][Ii][Nn][Ee]")

# Not the tail or the head of a longer number: "12-0812345678", "0812345678-9", "…5678.12".
# Patterns open with a lookahead on their first character ("(?=[0-9])"): it adds nothing to
# what they match, but lets the engine skip most positions of a Thai text quickly.
_NUM_START = r"(?<![0-9])(?<![0-9][-.])"
_NUM_END = r"(?![0-9]|[-.][0-9])"


def _shapes(*shapes: str) -> str:
    """Digit-group shapes as a regex: ``#`` is a digit, a space one optional separator.

    ``"0[689]# ### ####"`` matches 081-234-5678, 081.234.5678, 081 2345678 and 0812345678.
    """
    sep = r"[-.\x20\u00a0]?"
    alternatives = (
        s.replace("(", r"\(").replace(")", r"\)").replace("#", "[0-9]").replace(" ", sep)
        for s in shapes
    )
    return "(?:" + "|".join(alternatives) + ")"


# --- e-mail ---------------------------------------------------------------------------
# Local part all ASCII or all Thai (ติดต่อ@…), never mixed, so "อีเมลsomchai@x.com" keeps
# "อีเมล". Domains may be Thai; a Thai top-level domain is only .ไทย, so "x@y.comค่ะ" and
# "a@ตัวอย่าง.ไทยนะ" keep their trailing Thai.
_EMAIL = re.compile(
    # Each local part starts where its run of characters starts (lookbehind), so a long
    # Thai run is scanned once, not once per character.
    r"(?:(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+|(?<![ก-๎0-9._%+-])[ก-๎0-9._%+-]+)@"
    r"(?:(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24}|(?:[ก-๎A-Za-z0-9-]+\.)+(?:ไทย|[A-Za-z]{2,24}))"
)

# --- URLs -----------------------------------------------------------------------------
_URL_CHARS = r"[^\s\"'<>\x00ก-๛]"  # ASCII URL characters; Thai text right after ends it
# Add-friend links are a LINE id in URL form.
_LINE_URL = re.compile(
    rf"(?=[hHlL])(?:https?://)?(?:line\.me/(?:R/)?ti/p/|lin\.ee/){_URL_CHARS}+", re.IGNORECASE
)
# Any other URL, or a bare domain with a path (pantip.com/topic/43012345): kept as is.
_URL = re.compile(
    r"(?=[A-Za-z0-9])"
    rf"(?:(?:https?://|www\.){_URL_CHARS}+"
    rf"|(?<![\w@.-])(?:[A-Za-z0-9-]+\.)+[A-Za-z]{{2,12}}/{_URL_CHARS}*)",
    re.IGNORECASE,
)

# --- LINE ids -------------------------------------------------------------------------
# A LINE id needs a cue: ไลน์ / line, optionally with ไอดี / id before or after and แอด / add
# before. A bare @mention is not a LINE id. Thai compounds that end in ไลน์ are not cues.
_NOT_LINE_CUES = ("ออน", "ออฟ", "เดด", "ไทม์", "ไกด์", "เฮด", "ฮอต", "ไพพ์")
_LINE_WORD = (
    "(?:"
    + "".join(f"(?<!{prefix})" for prefix in _NOT_LINE_CUES)
    + r"(?P<thai>ไลน์)|(?<![A-Za-z_\[])line(?!(?!id)[A-Za-z]))"  # "lineid" too
)
_ID_WORD = r"(?:ไอดี|(?<![A-Za-z])id(?![A-Za-z]))"
_ID_AFTER = r"(?:ไอดี|id(?![A-Za-z]))"
_LINE_ID = re.compile(
    r"(?=[แไaAiIlL])"  # fail fast where no cue can start
    rf"(?:(?P<add>แอด|(?<![A-Za-z])add)\s*)?(?:(?P<id_before>{_ID_WORD})\s*)?{_LINE_WORD}"
    rf"(?:\s*(?P<id_after>{_ID_AFTER}))?"
    r"(?P<sep>\s*(?:(?:[:：=]|คือ|มาที่|ได้ที่|มา|ที่)\s*)?)"
    # LINE ids are ASCII letters, digits, "." "-" "_"; official accounts start with "@".
    r"(?P<value>@?[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)"
    r"(?![A-Za-z0-9@]|[._-][A-Za-z0-9])",
    re.IGNORECASE,
)
# Words that follow a LINE cue without being an id: "ไลน์ OA", "LINE Official".
_NOT_LINE_IDS = frozenset({"oa", "official", "group", "app", "pay", "man", "today", "notify"})

# --- national ID ----------------------------------------------------------------------
# 13 digits grouped 1-2345-67890-12-3 (dashes, dots or spaces) or in a row; checksum-checked.
_NATIONAL_ID = re.compile(r"(?=[0-9])" + _NUM_START + _shapes("# #### ##### ## #") + _NUM_END)

# --- bank accounts --------------------------------------------------------------------
# Thai bank accounts are 10 digits, usually written xxx-x-xxxxx-x.
_BANK_GROUPED = re.compile(r"(?=[0-9])" + _NUM_START + r"[0-9]{3}-[0-9]-[0-9]{5}-[0-9]" + _NUM_END)
# Otherwise 10-12 digits after a cue, possibly naming the bank: "บัญชี กสิกร 1234567890".
_BANKS = (
    "กสิกรไทย|กสิกร|กรุงเทพ|กรุงไทย|ไทยพาณิชย์|กรุงศรีอยุธยา|กรุงศรี|ทหารไทยธนชาต|ทหารไทย"
    "|ทีทีบี|ออมสิน|ธ\\.?ก\\.?ส\\.?|อาคารสงเคราะห์|ธอส\\.?|ยูโอบี|ซีไอเอ็มบี|เกียรตินาคิน"
    "|kbank|scb|ktb|bbl|bay|ttb|gsb|uob|cimb|kkp"
)
_BANK_CUED = re.compile(
    r"(?=[บaA])(?:บัญชี|บช\.?|(?<![A-Za-z])(?:acc(?:ount)?\.?|a/c)(?![A-Za-z]))"
    rf"(?:\s*(?:ธนาคาร|ธ\.|{_BANKS}|ออมทรัพย์|เลขที่|เลข|no\.?|[:：#]))*\s*"
    r"(?P<value>[0-9](?:[-.]?[0-9]){9,11}|[0-9]{3}\x20[0-9]\x20[0-9]{5}\x20[0-9])" + _NUM_END,
    re.IGNORECASE,
)

# --- phone numbers --------------------------------------------------------------------
# Mobile: 0 + 6/8/9 + 8 digits. Landline: 0 + 2 (Bangkok) or 3x/4x/5x/7x + 7 digits.
# Short public hotlines (191, 1111, 1555, 1669) have no leading 0 and never match.
_LOCAL_PHONE = _shapes(
    "0[689]# ### ####",  # 081-234-5678, 081 2345678, 0812345678
    "0[689] #### ####",  # 08-1234-5678
    "0[689]## ### ###",  # 0812 345 678
    "(0[689]#) ### ####",  # (081) 234-5678
    "(0[689]) #### ####",  # (08) 1234 5678
    "0[2-57] ### ####",  # 02-123-4567, 021234567
    "0[2-57]# ### ###",  # 053-123-456
    "0 [2-57]### ####",  # 0 2123 4567
    "(0[2-57]) ### ####",  # (02) 123 4567
    "(0[3-57]#) ### ###",  # (053) 123 456
)
# +66 (or (+66), +66 (0)) and the number without its leading 0.
_INTL_PHONE = r"(?:\+\x20?66|\(\+66\))[-.\x20]?(?:\(0\)[-.\x20]?)?" + _shapes(
    "[689]# ### ####",  # +66 81 234 5678
    "[689] #### ####",  # +66 8 1234 5678
    "[689]## ### ###",  # +66 812 345 678
    "2 ### ####",  # +66 2 123 4567
    "[3-57]# ### ###",  # +66 53 123 456
    "[2-57]### ####",  # +66 2123 4567
)
# Not followed by a letter either: TH0413885276A is a parcel number.
_PHONE = re.compile(
    r"(?=[0(+])" + _NUM_START + f"(?:{_INTL_PHONE}|{_LOCAL_PHONE})" + r"(?![0-9A-Za-z]|[-.][0-9])"
)


def valid_national_id(digits: str) -> bool:
    """Thai national ID checksum: d13 = (11 - Σ d_i·(14-i) mod 11) mod 10."""
    if len(digits) != 13 or not digits.isdigit():
        return False
    total = sum(int(d) * (13 - i) for i, d in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])


Span = tuple[int, int]


def _whole(pattern: re.Pattern[str]) -> Callable[[str], Iterator[Span]]:
    def find(text: str) -> Iterator[Span]:
        return (m.span() for m in pattern.finditer(text))

    return find


def _value(pattern: re.Pattern[str]) -> Callable[[str], Iterator[Span]]:
    """Only the ``value`` group: the cue ("บัญชี", "ไลน์") stays readable."""

    def find(text: str) -> Iterator[Span]:
        return (m.span("value") for m in pattern.finditer(text))

    return find


def _national_ids(text: str) -> Iterator[Span]:
    for m in _NATIONAL_ID.finditer(text):
        if valid_national_id(re.sub(r"[^0-9]", "", m.group())):
            yield m.span()


def _line_ids(text: str) -> Iterator[Span]:
    for m in _LINE_ID.finditer(text):
        value = m.group("value").lstrip("@")
        weak = not (
            m.group("thai") or m.group("add") or m.group("id_before") or m.group("id_after")
        )
        if weak and not (m.group("value").startswith("@") or re.search("[:：]", m.group("sep"))):
            continue  # plain English "line" needs "line: x" or "LINE @x": "the line was long"
        if len(value) < 3 or value.lower() in _NOT_LINE_IDS:
            continue
        if not re.search("[A-Za-z]", value) and not 9 <= sum(c.isdigit() for c in value) <= 10:
            continue  # an all-digit id is a phone number; "ไลน์ 2" is a production line
        yield m.span("value")


# (kind, finder, gate) in priority order; kind None claims a span without redacting it.
# A detector runs only when the text has its gate: "@", "/", a LINE cue ("line") or a digit.
_DETECTORS: tuple[tuple[str | None, Callable[[str], Iterator[Span]], str], ...] = (
    ("email", _whole(_EMAIL), "@"),
    ("line_id", _whole(_LINE_URL), "/"),
    (None, _whole(_URL), "/"),
    ("line_id", _line_ids, "line"),
    ("national_id", _national_ids, "digit"),
    ("bank_account", _whole(_BANK_GROUPED), "digit"),
    ("bank_account", _value(_BANK_CUED), "digit"),
    ("phone", _whole(_PHONE), "digit"),
)


def redact(text: str) -> tuple[str, list[str]]:
    """Replace e-mails, LINE ids, national IDs, bank accounts and phone numbers with placeholders.

    Returns the redacted text and the kinds found (sorted, unique). A 13-digit number
    whose checksum fails is left alone: it is not an ID. Thai digits count as digits.
    """
    gates = {
        "@": "@" in text,
        "/": "/" in text,
        "line": _LINE_HINT.search(text) is not None,
        "digit": _ANY_DIGIT.search(text) is not None,
    }
    if not (gates["@"] or gates["line"] or gates["digit"]):
        return text, []
    work = text.translate(_ASCII_DIGITS) if _NON_ASCII_DIGIT.search(text) else text
    claimed: list[tuple[int, int, str | None]] = []
    for kind, find, gate in _DETECTORS:
        if not gates[gate]:
            continue
        spans = list(find(work))
        for start, end in spans:
            claimed.append((start, end, kind))
            work = work[:start] + _BLANK * (end - start) + work[end:]
    if not any(kind for _, _, kind in claimed):
        return text, []
    pieces: list[str] = []
    position = 0
    for start, end, kind in sorted(claimed, key=lambda c: c[0]):
        if kind is not None:
            pieces += [text[position:start], PLACEHOLDERS[kind]]
            position = end
    pieces.append(text[position:])
    return "".join(pieces), sorted({kind for _, _, kind in claimed if kind})


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
