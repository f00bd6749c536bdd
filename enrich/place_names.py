"""Place names as token runs: the surface forms the gazetteer knows and where they occur.

A name may come out of the tokenizer as one token or as several (ตลาดน้ำดำเนินสะดวก →
ตลาดน้ำ + ดำเนินสะดวก), so ``PlaceIndex.find`` joins up to ``MAX_RUN`` consecutive tokens
and keeps the longest run that is a known name, left to right; a run always starts and ends
on token boundaries, never inside a word. Dots are ignored (กทม. = กทม, จ. = จ) and Latin
letters are compared in lower case. The token before a run is its cue (จังหวัด, อ., ต., ถนน,
รพ.); ใน or ตัว before a เมือง cue make it one (ในเมืองโคราช). A number right after a run, past
ซอย or ซ., is its lane number (สุขุมวิท ซอย 71, a road section), or past กม. its kilometre
(บางนา-ตราด กม.26); a number that counts something (3 วัน, 2 คัน) is neither.

A run ending in ฯ (ไปยาลน้อย, the Thai mark of a shortened name) is read as the one known
name it begins (รพ.สรรพสิทธิฯ → รพ.สรรพสิทธิประสงค์, เมืองทองฯ → เมืองทองธานี), when its
stem has at least ``MIN_STEM`` letters and every name it begins is the same place.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Kind = Literal[
    "province", "alias", "abbreviation", "landmark", "road", "name", "district", "subdistrict"
]
MAX_RUN = 6
MIN_STEM = 4
ABBREVIATION_MARK = "ฯ"

PROVINCE_CUES = frozenset(
    {"จังหวัด", "จ", "จว", "ชาว", "ผวจ", "สส", "ตัวเมือง", "ในเมือง", "ในตัวเมือง", "เมือง"}
)
# Before a province or nickname these name its town, the capital district (ในเมืองโคราช).
TOWN_CUES = frozenset({"ตัวเมือง", "ในเมือง", "ในตัวเมือง"})
DISTRICT_CUES = frozenset({"อำเภอ", "อ", "เขต", "กิ่งอำเภอ"})
SUBDISTRICT_CUES = frozenset({"ตำบล", "ต", "แขวง"})
# A hospital is named after the district it serves (รพ.ฝาง, โรงพยาบาลสีคิ้ว): a district
# name after these is cued like after อ.; a village health centre (รพ.สต.) is not one.
HOSPITAL_CUES = frozenset({"รพ", "โรงพยาบาล", "รพร", "รพช"})
# Chains with a branch in many towns, each branch named chain + town (เซ็นทรัลขอนแก่น,
# บขส.อุดร): named bare in a post about one province they are that province's branch.
BRANCHED = frozenset(
    name.replace(".", "").lower()  # as name_key keys it
    for name in (
        "เซ็นทรัล", "เซ็นทรัลพลาซา", "เซ็นทรัลเฟสติวัล", "โรบินสัน", "บิ๊กซี", "โลตัส",
        "แม็คโคร", "แมคโคร", "เดอะมอลล์", "ท็อปส์", "โฮมโปร", "ไทวัสดุ", "เทอร์มินอล21",
        "เทอมินอล21", "บขส.", "สถานีขนส่ง", "สถานีรถไฟ", "สนามบิน", "ท่าอากาศยาน",
        "ราชภัฏ", "ม.ราชภัฏ", "ศาลากลาง",
    )
)  # fmt: skip
# "Around", "the area of": a place name usually follows (แถวสีกัน, ย่านสีลม).
AREA_CUES = frozenset({"แถว", "ย่าน"})
# A name right after these is a road or lane named after the place, not the place
# (ถนนเพชรบุรี and ถนนนครสวรรค์ are in Bangkok).
ROAD_CUES = frozenset({"ถนน", "ถ", "ซอย", "ซ"})
# A junction is named after the place it is in or the place its road leads to (แยกบางพลี,
# แยกปักธงชัย), so a name after these is a place only where the rest of the post agrees.
JUNCTION_CUES = frozenset({"แยก", "สี่แยก", "สามแยก", "ห้าแยก"})
PERSON_TITLES = frozenset({"คุณ", "นาย", "นาง", "นางสาว", "นส", "น้อง", "พี่", "ดช", "ดญ", "ลุง", "ป้า"})
_SOI = frozenset({"ซอย", "ซ", "soi"})
_KM = frozenset({"กม", "km", "กิโลเมตร", "กิโลเมตรที่", "หลักกิโลเมตรที่"})
_TOWN_PARTS = frozenset({"ใน", "ตัว"})  # ใน + เมือง: ในเมือง, the town
# A number followed by one of these counts something (สุขุมวิท 3 วัน), it is no lane.
_COUNTED = frozenset(
    [
        "วัน",
        "คืน",
        "คัน",
        "คน",
        "ชั่วโมง",
        "ชม",
        "นาที",
        "ครั้ง",
        "หลัง",
        "ปี",
        "เดือน",
        "อาทิตย์",
        "สัปดาห์",
        "บาท",
        "ราย",
        "จุด",
        "ลำ",
        "ตัว",
        "ครอบครัว",
        "หลังคาเรือน",
        "ชั้น",
        "เมตร",
        "ซม",
        "มม",
        "องศา",
        "เท่า",
        "ห้อง",
        "แห่ง",
        "รอบ",
    ]
)
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
    "โรงพยาบาล",
    "รพ.",
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
    unit: str = "soi"  # what ``number`` counts: "soi" (a lane) or "km"

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
        self._sorted: list[str] | None = None  # keys in order, for ฯ stems

    def add(self, name: str, entry: Entry) -> None:
        key = name_key(name)
        if key and entry not in self._entries[key]:
            self._entries[key].append(entry)
            self._sorted = None

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
            found = self._run(keys, i)
            if found is None:
                i += 1
                continue
            end, key = found
            number, unit = _next_number(keys, end)
            mentions.append(
                Mention(
                    start=i,
                    end=end,
                    key=key,
                    text="".join(tokens[i:end]),
                    cue=_cue(keys, i),
                    entries=tuple(self._entries[key]),
                    number=number,
                    unit=unit,
                )
            )
            i = end
        return mentions

    def _run(self, keys: Sequence[str], i: int) -> tuple[int, str] | None:
        """(end, key) of the longest known name starting at ``i``, shortened ones included."""
        for j in range(min(len(keys), i + MAX_RUN), i, -1):
            joined = "".join(keys[i:j])
            if joined in self._entries:
                return j, joined
            marked = joined.endswith(ABBREVIATION_MARK)
            if marked or (j < len(keys) and keys[j] == ABBREVIATION_MARK):
                full = self._shortened(joined.rstrip(ABBREVIATION_MARK))
                if full is not None:
                    return (j if marked else j + 1), full
        return None

    def _shortened(self, stem: str) -> str | None:
        """The known name ``stem`` shortens (ฯ), if every name it begins is one place."""
        if len(stem) < MIN_STEM:
            return None
        if self._sorted is None:
            self._sorted = sorted(self._entries)
        at = bisect.bisect_left(self._sorted, stem)
        names = []
        while at < len(self._sorted) and self._sorted[at].startswith(stem):
            names.append(self._sorted[at])
            at += 1
        places = {(e.kind, e.province, e.district) for name in names for e in self._entries[name]}
        return min(names, key=len) if len(places) == 1 else None

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


def _previous(keys: Sequence[str], i: int) -> int:
    for j in range(i - 1, -1, -1):
        if keys[j]:
            return j
    return -1


def _cue(keys: Sequence[str], i: int) -> str:
    """The key before position ``i``; ใน + เมือง and ตัว + เมือง count as one (ในเมือง)."""
    j = _previous(keys, i)
    if j < 0:
        return ""
    if keys[j] == "เมือง":
        k = _previous(keys, j)
        if k >= 0 and keys[k] in _TOWN_PARTS:
            return keys[k] + "เมือง"
    return keys[j]


def _next_number(keys: Sequence[str], end: int) -> tuple[int | None, str]:
    """The number written after a run and what it numbers: a lane (สุขุมวิท 71, สุขุมวิท
    ซ.71, ซอยสุขุมวิท ๗๑ normalised) or a kilometre (บางนา-ตราด กม.26); none when the number
    counts something (ลาดพร้าว 3 วันแล้ว)."""
    j, unit = end, "soi"
    while j < len(keys) and (not keys[j] or keys[j] in _SOI or keys[j] in _KM):
        if keys[j] in _KM:
            unit = "km"
        j += 1
    if j < len(keys) and keys[j].isascii() and keys[j].isdigit():
        k = j + 1
        while k < len(keys) and not keys[k]:
            k += 1
        if k < len(keys) and keys[k] in _COUNTED:
            return None, unit
        return int(keys[j]), unit
    return None, unit


__all__ = [
    "AREA_CUES",
    "DISTRICT_CUES",
    "EVERYWHERE",
    "HOSPITAL_CUES",
    "JUNCTION_CUES",
    "MAX_RUN",
    "PERSON_TITLES",
    "PROVINCE_CUES",
    "ROAD_CUES",
    "SUBDISTRICT_CUES",
    "TOWN_CUES",
    "Entry",
    "Kind",
    "Mention",
    "PlaceIndex",
    "district_name",
    "name_key",
]
