"""From name mentions to places: cues, everyday words, co-mentions and ambiguity.

``resolve`` reads the mentions ``PlaceIndex.find`` produced, in three steps:

1. Anchors. Official province names, nicknames and landmarks name a province outright,
   except a province that is an everyday word (เลย, ตาก, แพร่), which needs a province cue
   (จังหวัด, จ., ชาว, ส.ส., เมือง; not เมือง for เลย) or a ThaiNER tag; a name right after
   ถนน or ซอย is a road (ถนนเพชรบุรี is in Bangkok); a personal-name province after a title
   (คุณชุมพร, น้องน่าน) is a person; a two-letter abbreviation (กบ, ชม) counts only after
   จ. or จังหวัด. A landmark named like a district (สุวรรณภูมิ) is the district when cued or
   when that district's province is named too.
2. Districts. A district name belonging to an anchored province adds the district. A name
   only one province has is accepted when cued (อ., อำเภอ, เขต); bare when it is at least
   four letters, not an everyday word (สอง, ลอง) and not also the name of subdistricts in
   three or more other provinces (บ้านนา); otherwise with a ThaiNER tag. A name several
   provinces share waits for a co-mention: an anchor, or a subdistrict mention whose
   candidates share exactly one (province, district) with it (ต.บ้านหลวง อ.จอมทอง). อ.เมือง
   with a named province is its capital district. Repeated until nothing changes.
3. Subdistricts. A subdistrict name in an accepted district or anchored province adds the
   detail; a name only one subdistrict has is accepted when cued (ต., ตำบล, แขวง) or, unless
   it is an everyday word (ถนน, วัดใหม่), with a ThaiNER tag. Shared names with nothing to
   settle them are dropped: precision first.

The second return value says whether a ThaiNER tag could still add a province; the caller
then runs the tagger and resolves again with its flags. A tag only ever adds: nothing cued
or co-mentioned depends on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from enrich.place_names import (
    DISTRICT_CUES,
    PERSON_TITLES,
    PROVINCE_CUES,
    ROAD_CUES,
    SUBDISTRICT_CUES,
    Entry,
    Mention,
)

BANGKOK = "กรุงเทพมหานคร"
_MIN_BARE_DISTRICT = 4
_MIN_NER_NAME = 3
_GENERIC_NAME = 3  # subdistricts in this many other provinces make a district name generic
_ABBREVIATION_CUES = frozenset({"จังหวัด", "จ"})
_MUANG = "เมือง"

# Confidence by evidence.
PROVINCE_CUED, PROVINCE, LANDMARK, ALIAS = 0.95, 0.9, 0.85, 0.8
IN_ANCHOR, DISTRICT_CUED, DISTRICT_BARE = 0.9, 0.75, 0.6
SUBDISTRICT_CUED, BY_NER = 0.7, 0.55


@dataclass(frozen=True)
class Found:
    province: str
    district: str | None
    subdistrict: str | None
    confidence: float
    text: str

    @property
    def detail(self) -> int:
        return 2 if self.subdistrict else 1 if self.district else 0


@dataclass
class _State:
    common: frozenset[str]
    everyday: frozenset[str]
    ner: Sequence[bool] | None
    found: dict[str, Found] = field(default_factory=dict)
    districts: set[tuple[str, str]] = field(default_factory=set)
    waiting: set[str] = field(default_factory=set)  # provinces a ThaiNER tag could add

    def add(self, entry: Entry, confidence: float, mention: Mention, *, detail: bool) -> None:
        district = entry.district if detail else None
        subdistrict = entry.subdistrict if detail else None
        new = Found(entry.province, district, subdistrict, confidence, mention.text)
        old = self.found.get(entry.province)
        if old is not None:
            best = new if new.detail > old.detail else old
            new = Found(
                best.province,
                best.district,
                best.subdistrict,
                max(old.confidence, confidence),
                best.text,
            )
        self.found[entry.province] = new
        if district:
            self.districts.add((entry.province, district))

    def tagged(self, mention: Mention) -> bool:
        return self.ner is not None and any(self.ner[mention.start : mention.end])

    def uncertain(self, mention: Mention, province: str | None) -> bool:
        """Accept on a ThaiNER tag; otherwise note that a tag could decide it."""
        if len(mention.key) >= _MIN_NER_NAME and self.tagged(mention):
            return True
        if province is not None:
            self.waiting.add(province)
        return False


def resolve(
    mentions: Sequence[Mention],
    *,
    common: frozenset[str],
    everyday: frozenset[str] = frozenset(),
    person_names: frozenset[str] = frozenset(),
    ner: Sequence[bool] | None = None,
) -> tuple[list[Found], bool]:
    """Places named by ``mentions``, surest first, and whether ThaiNER could add one.

    Args:
        common: names (as ``name_key``) that are everyday words and need more evidence.
        everyday: subdistrict names too ordinary to accept bare even with a ThaiNER tag.
        person_names: province names that are personal names after a title (คุณชุมพร).
        ner: per-token flags where ThaiNER starts a LOCATION entity; None before it ran.
    """
    state = _State(common=common, everyday=everyday, ner=ner)
    districts: list[Mention] = []
    subdistricts: list[Mention] = []
    landmarks: list[Mention] = []
    for m in mentions:
        if m.key == _MUANG and m.cue not in DISTRICT_CUES:
            continue  # เมือง alone is "town"; อ.เมือง is a capital district (see Gazetteer)
        if m.cue in SUBDISTRICT_CUES and m.has("subdistrict"):
            subdistricts.append(m)
        elif m.cue in DISTRICT_CUES and m.has("district"):
            districts.append(m)
        elif m.has("province"):
            _province(state, m, person_names)
        elif m.has("alias"):
            state.add(m.of("alias")[0], ALIAS, m, detail=False)
            if m.has("district"):
                districts.append(m)
        elif m.has("landmark"):
            landmarks.append(m)
        elif m.has("abbreviation") and m.cue in _ABBREVIATION_CUES:
            state.add(m.of("abbreviation")[0], PROVINCE_CUED, m, detail=False)
        elif m.has("district"):
            districts.append(m)
        elif m.has("subdistrict"):
            subdistricts.append(m)
    for m in landmarks:
        if any(e.province in state.found for e in m.of("district")):
            districts.append(m)  # สุวรรณภูมิ with ร้อยเอ็ด named is the district, not the airport
        else:
            state.add(m.of("landmark")[0], LANDMARK, m, detail=True)
    unsettled = _districts(state, districts, subdistricts)
    _subdistricts(state, subdistricts + unsettled)
    found = sorted(state.found.values(), key=lambda f: (-f.confidence, f.province))
    return found, bool(state.waiting - set(state.found))


def _province(state: _State, m: Mention, person_names: frozenset[str]) -> None:
    entry = m.of("province")[0]
    if m.cue in ROAD_CUES:
        return
    if m.cue in PERSON_TITLES and entry.province in person_names:
        return
    cued = m.cue in PROVINCE_CUES and not (m.cue == _MUANG and m.key in state.common)
    if m.key in state.common and not cued:
        if state.uncertain(m, entry.province):
            state.add(entry, BY_NER, m, detail=False)
        return
    state.add(entry, PROVINCE_CUED if cued else PROVINCE, m, detail=False)


def _districts(
    state: _State, districts: list[Mention], subdistricts: list[Mention]
) -> list[Mention]:
    """Settle district mentions; return those that stay open (tried as subdistricts)."""
    open_ = [m for m in districts if m.has("district")]
    changed = True
    while changed and open_:
        changed = False
        for m in list(open_):
            if _district(state, m, subdistricts):
                open_.remove(m)
                changed = True
    return [m for m in open_ if m.has("subdistrict")]


def _district(state: _State, m: Mention, subdistricts: list[Mention]) -> bool:
    candidates = m.of("district")
    anchored = [c for c in candidates if c.province in state.found]
    if anchored:
        state.add(anchored[0], IN_ANCHOR, m, detail=True)
        return True
    cued = m.cue in DISTRICT_CUES
    if len(candidates) == 1:
        (only,) = candidates
        if cued:
            state.add(only, DISTRICT_CUED, m, detail=True)
            return True
        if m.cue in ROAD_CUES and only.province != BANGKOK:
            return True  # a road named after a district elsewhere: drop it
        elsewhere = {e.province for e in m.of("subdistrict")} - {only.province}
        if len(elsewhere) >= _GENERIC_NAME and only.province != BANGKOK:
            return False  # บ้านนา, ท่าช้าง: subdistricts of many provinces share the name
        if len(m.key) >= _MIN_BARE_DISTRICT and m.key not in state.common:
            state.add(only, DISTRICT_BARE, m, detail=True)
            return True
        if state.uncertain(m, only.province):
            state.add(only, BY_NER, m, detail=True)
            return True
        return False
    pairs = {(c.province, c.district) for c in candidates}
    for s in subdistricts:
        shared = [e for e in s.of("subdistrict") if (e.province, e.district) in pairs]
        if len(shared) == 1:
            confidence = DISTRICT_CUED if cued else DISTRICT_BARE
            state.add(shared[0], confidence, s, detail=True)
            return True
    return False


def _subdistricts(state: _State, mentions: list[Mention]) -> None:
    for m in mentions:
        candidates = m.of("subdistrict")
        in_district = [c for c in candidates if (c.province, c.district) in state.districts]
        if in_district:
            state.add(in_district[0], IN_ANCHOR, m, detail=True)
            continue
        in_province = [c for c in candidates if c.province in state.found]
        if in_province:
            named = {province for province, _ in state.districts}
            if len({c.district for c in in_province}) == 1 and in_province[0].province not in named:
                state.add(in_province[0], IN_ANCHOR, m, detail=True)
            continue
        if len(candidates) != 1 or m.key in state.common:
            continue
        (only,) = candidates
        if m.cue in SUBDISTRICT_CUES:
            state.add(only, SUBDISTRICT_CUED, m, detail=True)
        elif (m.cue in ROAD_CUES and only.province != BANGKOK) or m.key in state.everyday:
            continue
        elif state.uncertain(m, only.province):
            state.add(only, BY_NER, m, detail=True)


__all__ = ["Found", "resolve"]
