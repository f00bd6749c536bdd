"""Place names as token runs: the surface forms the gazetteer knows and where they occur.

A name may come out of the tokenizer as one token or as several (ตลาดน้ำดำเนินสะดวก →
ตลาดน้ำ + ดำเนินสะดวก), so ``PlaceIndex.find`` joins up to ``MAX_RUN`` consecutive tokens
and keeps the longest run that is a known name, left to right; a run always starts and ends
on token boundaries, never inside a word. Dots are ignored (กทม. = กทม, จ. = จ) and Latin
letters are compared in lower case. The token before a run is its cue (จังหวัด, อ., ต., ถนน);
a number right after it, past ซอย or ซ., is its number (สุขุมวิท ซอย 71, a road section).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Kind = Literal[
    "province", "alias", "abbreviation", "landmark", "road", "name", "district", "subdistrict"
]
MAX_RUN = 6

PROVINCE_CUES = frozenset({"จังหวัด", "จ", "จว", "ชาว", "ผวจ", "สส", "ตัวเมือง", "เมือง"})
DISTRICT_CUES = frozenset({"อำเภอ", "อ", "เขต", "กิ่งอำเภอ"})
SUBDISTRICT_CUES = frozenset({"ตำบล", "ต", "แขวง"})
# A name right after these is a road or lane named after the place, not the place
# (ถนนเพชรบุรี and ถนนนครสวรรค์ are in Bangkok).
ROAD_CUES = frozenset({"ถนน", "ถ", "ซอย", "ซ"})
# A junction is named after the place it is in or the place its road leads to (แยกบางพลี,
# แยกปักธงชัย), so a name after these is a place only where the rest of the post agrees.
JUNCTION_CUES = frozenset({"แยก", "สี่แยก", "สามแยก", "ห้าแยก"})
PERSON_TITLES = frozenset({"คุณ", "นาย", "นาง", "นางสาว", "นส", "น้อง", "พี่", "ดช", "ดญ", "ลุง", "ป้า"})
_SOI = frozenset({"ซอย", "ซ", "soi"})
EVERYWHERE = "*"  # in ``Entry.also``: other towns use the name too (วัดโพธิ์)
_FUSED_CUES = (
    "จังหวัด",
    "อำเภอ",
    "ตำบล",
    "แขวง",
    "เขต",
    "ชาว",
    "ถนน",
    "ซอย",
    "แยก",
    "จ.",
    "อ.",
    "ต.",
    "ถ.",
    "ซ.",
)


@dataclass(frozen=True)
class Entry:
    """One reading of a name: what kind of place it is and where.

    ``also`` lists the other provinces where the same name is a place too: those a road runs
    through, or ``*`` for a name other towns use as well (วัดโพธิ์). A road with no usual
    province has ``province`` empty.
    """

    kind: Kind
    province: str
    district: str | None = None
    subdistrict: str | None = None
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """A run of tokens ``[start, end)`` whose joined text is a known name."""

    start: int
    end: int
    key: str
    text: str
    cue: str
    entries: tuple[Entry, ...]
    number: int | None = None

    def has(self, kind: Kind) -> bool:
        return any(entry.kind == kind for entry in self.entries)

    def of(self, *kinds: Kind) -> list[Entry]:
        return [entry for entry in self.entries if entry.kind in kinds]


def district_name(name_th: str) -> str:
    """A district as the gazetteer stores it: geothai's เขตX / อำเภอX without the prefix."""
    return name_th.removeprefix("เขต").removeprefix("อำเภอ")


def name_key(text: str) -> str:
    """How names are compared: no dots or spaces, Latin letters in lower case."""
    return text.replace(".", "").replace(" ", "").replace("-", "").lower()


class PlaceIndex:
    """Surface form → its readings, with token-run lookup."""

    def __init__(self) -> None:
        self._entries: dict[str, list[Entry]] = defaultdict(list)

    def add(self, name: str, entry: Entry) -> None:
        key = name_key(name)
        if key and entry not in self._entries[key]:
            self._entries[key].append(entry)

    def get(self, name: str) -> list[Entry]:
        return self._entries.get(name_key(name), [])

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name_key(name) in self._entries

    def find(self, tokens: Sequence[str]) -> list[Mention]:
        """Known names in ``tokens``, longest run first at each position, left to right."""
        keys = [name_key(token) for token in tokens]
        mentions: list[Mention] = []
        i = 0
        while i < len(tokens):
            if not keys[i]:
                i += 1
                continue
            found = None
            for j in range(min(len(tokens), i + MAX_RUN), i, -1):
                key = "".join(keys[i:j])
                if key in self._entries:
                    found = (j, key)
                    break
            if found is None:
                i += 1
                continue
            end, key = found
            mentions.append(
                Mention(
                    start=i,
                    end=end,
                    key=key,
                    text="".join(tokens[i:end]),
                    cue=_previous_key(keys, i),
                    entries=tuple(self._entries[key]),
                    number=_next_number(keys, end),
                )
            )
            i = end
        return mentions

    def split_fused_cues(self, tokens: Sequence[str]) -> list[str]:
        """Split a cue written onto a name in one token (จ.ตาก, อำเภอเมือง) into two."""
        split: list[str] = []
        for token in tokens:
            for cue in _FUSED_CUES:
                rest = token[len(cue) :]
                if token.startswith(cue) and rest and (rest in self or rest == "เมือง"):
                    split += [cue, rest]
                    break
            else:
                split.append(token)
        return split


def _previous_key(keys: Sequence[str], i: int) -> str:
    for j in range(i - 1, -1, -1):
        if keys[j]:
            return keys[j]
    return ""


def _next_number(keys: Sequence[str], end: int) -> int | None:
    """The number written after a run (สุขุมวิท 71, สุขุมวิท ซ.71, ซอยสุขุมวิท ๗๑ normalised)."""
    j = end
    while j < len(keys) and (not keys[j] or keys[j] in _SOI):
        j += 1
    if j < len(keys) and keys[j].isascii() and keys[j].isdigit():
        return int(keys[j])
    return None


__all__ = [
    "DISTRICT_CUES",
    "EVERYWHERE",
    "JUNCTION_CUES",
    "MAX_RUN",
    "PERSON_TITLES",
    "PROVINCE_CUES",
    "ROAD_CUES",
    "SUBDISTRICT_CUES",
    "Entry",
    "Kind",
    "Mention",
    "PlaceIndex",
    "district_name",
    "name_key",
]
