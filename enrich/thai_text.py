"""Thai text normalisation and word segmentation.

Thai is written without spaces between words, so every downstream step (search, topics,
linking) works on PyThaiNLP ``newmm`` tokens produced here, with a custom dictionary of
place names, agencies and slang so that those come out as single tokens.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property, lru_cache
from pathlib import Path

from pythainlp.corpus import thai_stopwords, thai_words
from pythainlp.tokenize import Trie, word_tokenize
from pythainlp.util import normalize as pythainlp_normalize
from pythainlp.util import thai_digit_to_arabic_digit

from domain.thai_dates import BE_OFFSET, be_to_ce

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.]{2,30})")
_HASHTAG = re.compile(r"#([^\s#@]+)")
# Three or more of the same letter (Thai or Latin) is emphasis: มากกกก, ดีมากกกก, sooo.
_REPEAT = re.compile(r"([\u0E01-\u0E2E\u0E30-\u0E4Ea-zA-Z])\1{2,}")
_PUNCT_REPEAT = re.compile(r"([!?.~])\1+")
_SPACE = re.compile(r"\s+")
_THAI_LETTER = re.compile(r"[\u0E01-\u0E4E]")
_WORDLIKE = re.compile(r"[\u0E01-\u0E4Ea-zA-Z]")
_PLACEHOLDER = re.compile(r"^\[[A-Z_]+\]$")
_PLACEHOLDER_IN_TEXT = re.compile(r"(\[[A-Z_]+\])")
_BE_YEAR = re.compile(r"(?:พ\.ศ\.?|ค\.ศ\.?|ปี)\s*(\d{4})(?!\d)")

SLANG_WORDS: tuple[str, ...] = (
    "555",
    "เซ็ง",
    "ห่วยแตก",
    "แย่มาก",
    "ปังมาก",
    "จุกๆ",
    "ชิบหาย",
    "เละเทะ",
    "ฟินมาก",
    "โคตร",
    "เกรียน",
    "ดราม่า",
    "ทัวร์ลง",
    "ตึงมาก",
    "อิหยัง",
    "งานเข้า",
    "เน็ตหลุด",
    "น้ำไม่ไหล",
    "ไฟดับ",
    "น้ำท่วม",
    "ถนนพัง",
    "ท่อแตก",
    "น้ำรอระบาย",
    "รถติด",
    "น้ำประปา",
    "ไฟตก",
    "ฝุ่นควัน",
    "กลิ่นเหม็น",
    "เสียงดัง",
    "มิจฉาชีพ",
    "เงินเยียวยา",
)


@dataclass(frozen=True)
class NormalizedText:
    """Normalised text plus what was pulled out of it on the way."""

    text: str
    urls: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    emphasis: int = 0


def normalize(text: str) -> NormalizedText:
    """NFC, PyThaiNLP normalisation, Thai digits to Arabic, repeated letters collapsed.

    URLs are removed from the text (kept in ``urls``); mentions and hashtags are kept in
    the text with their markers stripped so hashtags such as #น้ำไม่ไหล segment as words.
    ``emphasis`` counts the words that were written with repeated letters.
    """
    text = unicodedata.normalize("NFC", text)
    text = thai_digit_to_arabic_digit(text)
    urls = _URL.findall(text)
    text = _URL.sub(" ", text)
    mentions = _MENTION.findall(text)
    hashtags = _HASHTAG.findall(text)
    text = _MENTION.sub(r" \1 ", text)
    text = _HASHTAG.sub(r" \1 ", text)
    text, emphasis = _collapse_repeats(text)
    text = _PUNCT_REPEAT.sub(r"\1", text)
    text = pythainlp_normalize(text)
    text = _SPACE.sub(" ", text).strip()
    return NormalizedText(text, urls, mentions, [h.rstrip(".,!?") for h in hashtags], emphasis)


def _collapse_repeats(text: str) -> tuple[str, int]:
    """Collapse letters written three or more times (มากกกก → มาก); count them as emphasis.

    Exactly three can be real spelling where a word ending in a double letter meets a word
    starting with the same letter (ถนน + นคร → ถนนนคร): those are kept.
    """
    emphasis = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal emphasis
        run = match.group(0)
        if len(run) == 3 and _is_word_seam(match.string, match.start()):
            return run
        emphasis += 1
        return match.group(1)

    return _REPEAT.sub(replace, text), emphasis


def _is_word_seam(text: str, start: int) -> bool:
    """A dictionary word ends inside the run and another starts right after it."""
    words = _dictionary()
    for seam in (start + 1, start + 2):  # คน|นนทบุรี, ถนน|นคร
        ends = any(text[j:seam] in words for j in range(max(0, seam - 12), seam - 1))
        if ends and any(
            text[seam:k] in words for k in range(seam + 3, min(len(text), seam + 20) + 1)
        ):
            return True
    return False


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    return frozenset(thai_words())


def parse_thai_datetime(value: str) -> datetime:
    """ISO-8601 with Thai digits and/or a Buddhist-era year (``2569-11-08T14:00+07:00``)."""
    value = thai_digit_to_arabic_digit(value.strip())
    match = re.match(r"^(\d{4})", value)
    if match and int(match.group(1)) > 2400:
        value = f"{be_to_ce(int(match.group(1))):04d}{value[4:]}"
    return datetime.fromisoformat(value)


def ce_years_in(text: str) -> list[int]:
    """Common-era years named in ``text`` after พ.ศ., ค.ศ. or ปี (พ.ศ. 2569 → 2026), sorted."""
    years = (be_to_ce(int(y)) for y in _BE_YEAR.findall(thai_digit_to_arabic_digit(text)))
    return sorted({y for y in years if 1900 <= y <= 2200})


_NLPO3_SAFE_CHARS = 100


class ThaiTokenizer:
    """newmm word segmentation with Siang's custom dictionary.

    ``engine="newmm"`` is PyThaiNLP's pure-Python newmm; ``engine="nlpo3"`` is the same
    algorithm in Rust (``nlpo3``), several times faster (see ``bench/enrich``). Both read
    one word list: PyThaiNLP's Thai words plus the slang and the extra words given here.
    Whitespace and bare punctuation are dropped.
    """

    def __init__(self, extra_words: Iterable[str] = (), *, engine: str = "newmm") -> None:
        if engine not in ("newmm", "nlpo3"):
            raise ValueError(f"unknown tokenizer engine {engine!r} (newmm or nlpo3)")
        self._extra = frozenset(w.strip() for w in extra_words if w and w.strip())
        self.engine = engine

    def __eq__(self, other: object) -> bool:
        # Value semantics, so trained models can be cached per tokenizer configuration.
        if not isinstance(other, ThaiTokenizer):
            return NotImplemented
        return (self.engine, self._extra) == (other.engine, other._extra)

    def __hash__(self) -> int:
        return hash((self.engine, self._extra))

    @cached_property
    def words(self) -> frozenset[str]:
        return frozenset(thai_words()) | frozenset(SLANG_WORDS) | self._extra

    @cached_property
    def _trie(self) -> Trie:
        return Trie(self.words)

    @cached_property
    def _nlpo3_dict(self) -> str:
        import nlpo3

        digest = hashlib.sha256("\n".join(sorted(self.words)).encode()).hexdigest()[:16]
        name = f"siang-{digest}"
        path = Path(tempfile.gettempdir()) / f"{name}.txt"
        if not path.exists():
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text("\n".join(sorted(self.words)) + "\n", encoding="utf-8")
            temporary.replace(path)
        nlpo3.load_dict(str(path), name)  # a name already loaded is kept as is
        return name

    def tokenize(self, text: str) -> list[str]:
        tokens: list[str] = []
        # Redaction placeholders ([PHONE], ...) stay whole whatever the engine does.
        for i, part in enumerate(_PLACEHOLDER_IN_TEXT.split(text)):
            if i % 2:
                tokens.append(part)
            elif part.strip():
                tokens += self._segment(part)
        return [t.strip() for t in tokens if t.strip() and _is_token(t.strip())]

    def _segment(self, text: str) -> list[str]:
        if self.engine != "nlpo3":
            return self._newmm(text)
        import nlpo3

        tokens: list[str] = []
        for piece in text.split():
            # nlpo3 1.4's safe mode garbles text past ~120 characters (tokens overlap and no
            # longer add up to the text), so it only sees short pieces and is checked.
            found = (
                list(nlpo3.segment(piece, self._nlpo3_dict, safe=True))
                if len(piece) <= _NLPO3_SAFE_CHARS
                else []
            )
            tokens += found if "".join(found) == piece else self._newmm(piece)
        return tokens

    def _newmm(self, text: str) -> list[str]:
        return list(
            word_tokenize(text, engine="newmm", custom_dict=self._trie, keep_whitespace=False)
        )


def _is_token(token: str) -> bool:
    return bool(
        _WORDLIKE.search(token)
        or token.isdigit()
        or _PLACEHOLDER.match(token)
        or unicodedata.category(token[0]) == "So"
    )


_STOPWORDS: frozenset[str] = frozenset(thai_stopwords()) | frozenset(
    {"ครับ", "ค่ะ", "คะ", "นะ", "จ้า", "อ่ะ", "อะ", "เลย", "มาก", "ด้วย", "แล้ว", "555", "rt"}
)


def content_tokens(tokens: Iterable[str]) -> list[str]:
    """Tokens worth comparing or clustering: no stopwords, digits, single letters, emoji, PII."""
    return [kept for kept in map(_content_form, tokens) if kept is not None]


@lru_cache(maxsize=500_000)
def _content_form(token: str) -> str | None:
    """The lowercased token if it is content, else None (cached: vocabularies repeat)."""
    low = token.lower()
    if low in _STOPWORDS or len(token) < 2 or token.isdigit() or _PLACEHOLDER.match(token):
        return None
    if not _WORDLIKE.search(token):
        return None
    if _THAI_LETTER.search(token) and len(_THAI_LETTER.findall(token)) < 2:
        return None
    return low


__all__ = [
    "BE_OFFSET",
    "NormalizedText",
    "ThaiTokenizer",
    "be_to_ce",
    "ce_years_in",
    "content_tokens",
    "normalize",
    "parse_thai_datetime",
]
