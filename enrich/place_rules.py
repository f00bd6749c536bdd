"""From name mentions to places: cues, everyday words, co-mentions and ambiguity.

``resolve`` reads the mentions ``PlaceIndex.find`` produced, in four steps:

1. Anchors. Official province names, nicknames and landmarks name a province outright,
   except a province that is an everyday word (เลย, ตาก, แพร่), which needs a province cue
   (จังหวัด, จ., ชาว, ส.ส., เมือง; not เมือง for เลย) or a ThaiNER tag; a name right after
   ถนน or ซอย is a road (ถนนเพชรบุรี is in Bangkok); a place name after a title (คุณพิชัย,
   น้องจักราช; for provinces only the personal names คุณชุมพร, น้องน่าน) is a person; a
   brand named after a place (ธนาคารกรุงเทพ) is no place; a two-letter abbreviation (กบ,
   ชม) counts only after จ. or จังหวัด. A landmark named like a district (สุวรรณภูมิ) is
   the district when cued or when that district's province is named too; a nickname that
   is also a landmark (พัทยา) gives its district, but a landmark named just like a district
   is a person after a title (น้องปาย). ตัวเมือง or ในเมือง before a province is its capital
   district (ตัวเมืองโคราช, ในเมืองขอนแก่น); that ในเมือง is no ต.ในเมือง.
2. Districts. A district name belonging to an anchored province adds the district. A name
   only one province has is accepted when cued (อ., อำเภอ, เขต, or รพ./โรงพยาบาล: a
   hospital is named after its district, รพ.ฝาง); bare when it is at least
   four letters, not an everyday word (สอง, ลอง) and not also the name of subdistricts in
   three or more other provinces (บ้านนา); otherwise, unless it is an everyday word, with a
   ThaiNER tag (the tagger marks สองวัน and เสนา as places too often), or with one of its
   subdistricts named too (หนองบอน ประเวศ; cued, ต.บ้านกลาง, when the district is an
   everyday word like สอง). เขต points to Bangkok and อ./อำเภอ away from
   it (เขตจอมทอง, อ.จอมทอง). A name several provinces share waits for a co-mention: an
   anchor, or a subdistrict mention whose candidates share exactly one (province, district)
   with it (ต.บ้านหลวง อ.จอมทอง). อ.เมือง with a named
   province is its capital district. Repeated until nothing changes. A post may name
   several districts of one province; each is kept.
3. Subdistricts. A subdistrict name in an accepted district or anchored province adds the
   detail; in a province only, an everyday word (ฉลอง, "celebrate") must be written next to
   a name of that province (ฉลอง ภูเก็ต, not ฉลองวันเกิดที่ภูเก็ต). A name only one
   subdistrict has is accepted when cued (ต., ตำบล, แขวง), when it is distinctive (long, not
   a dictionary word and not made of common words: บึงคำพร้อย, not ไร่อ้อย) or, unless it is
   an everyday word (ถนน, บ้านแถว), with a ThaiNER tag. Bangkok's แขวง are named bare
   (คลองเตยเหนือ, ทุ่งมหาเมฆ): a name only Bangkok has is read unless it is an everyday
   word, or, when it is only made of common words (สีกัน, ออเงิน), after แถว or ย่าน; not
   when the post names other provinces and not Bangkok. แขวง points to Bangkok and ต./ตำบล
   away from it. Shared names with nothing to settle them are dropped: precision first.
4. Names that depend on the rest of the post: roads (สุขุมวิท, มิตรภาพ; one named with an
   everyday word only after ถนน, ซอย or แยก: ถนนเทพารักษ์, not ชุมชนเทพารักษ์), road
   sections (สุขุมวิท ซอย 71), landmarks other towns share (วัดโพธิ์), and districts or
   provinces named after a junction (แยกบางพลี, แยกขอนแก่น). The provinces named so far
   are the context: a name is read where the context agrees with it, dropped when the
   context names a province its road passes or any other province for a shared name, and
   otherwise read as its usual place (a highway has none). A road and a subdistrict on it
   confirm each other (สุขุมวิทหน้าตลาดทุ่งสุขลา is in ศรีราชา, not Bangkok).

The second return value says whether a ThaiNER tag could still add a province; the caller
then runs the tagger and resolves again with its flags. A tag only ever adds: nothing cued
or co-mentioned depends on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from enrich.place_names import (
    AREA_CUES,
    DISTRICT_CUES,
    EVERYWHERE,
    HOSPITAL_CUES,
    JUNCTION_CUES,
    PERSON_TITLES,
    PROVINCE_CUES,
    ROAD_CUES,
    SUBDISTRICT_CUES,
    TOWN_CUES,
    Entry,
    Mention,
)

BANGKOK = "กรุงเทพมหานคร"
_MIN_BARE_DISTRICT = 4
_MIN_NER_NAME = 3
_GENERIC_NAME = 3  # subdistricts in this many other provinces make a district name generic
_ABBREVIATION_CUES = frozenset({"จังหวัด", "จ"})
_MUANG = "เมือง"
_ROAD_NAMED = ROAD_CUES | JUNCTION_CUES
_BANGKOK_CUES = frozenset({"เขต", "แขวง"})
_PROVINCIAL_CUES = frozenset({"อำเภอ", "อ", "กิ่งอำเภอ", "ตำบล", "ต"})

# Confidence by evidence.
PROVINCE_CUED, PROVINCE, LANDMARK, ALIAS = 0.95, 0.9, 0.85, 0.8
IN_ANCHOR, DISTRICT_CUED, DISTRICT_BARE = 0.9, 0.75, 0.6
SUBDISTRICT_CUED, SUBDISTRICT_BARE, ROAD, BY_NER = 0.7, 0.6, 0.7, 0.55


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
    distinctive: frozenset[str] = frozenset()
    capitals: Mapping[str, str] = field(default_factory=dict)
    words: frozenset[str] = frozenset()
    # province → the token spans of the mentions that named it
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    # province → district (None: the province itself) → what names it
    found: dict[str, dict[str | None, Found]] = field(default_factory=dict)
    districts: set[tuple[str, str]] = field(default_factory=set)
    waiting: set[str] = field(default_factory=set)  # provinces a ThaiNER tag could add

    def add(self, entry: Entry, confidence: float, mention: Mention, *, detail: bool) -> None:
        district = entry.district if detail else None
        subdistrict = entry.subdistrict if detail else None
        new = Found(entry.province, district, subdistrict, confidence, mention.text)
        places = self.found.setdefault(entry.province, {})
        old = places.get(district)
        if old is not None:
            best = new if new.detail > old.detail else old
            new = replace(best, confidence=max(old.confidence, confidence))
        places[district] = new
        self.spans.setdefault(entry.province, []).append((mention.start, mention.end))
        if district:
            self.districts.add((entry.province, district))

    def next_to(self, mention: Mention, province: str) -> bool:
        """Whether ``mention`` is written right before or after a name of ``province``."""
        return any(
            end == mention.start or start == mention.end
            for start, end in self.spans.get(province, ())
        )

    def places(self) -> list[Found]:
        """One place per district named, or the province alone when it has none, surest
        first; a district is as sure as its province (อ.ปัว with น่าน named)."""
        out = []
        for places in self.found.values():
            province = places.get(None)
            named = [f for district, f in places.items() if district is not None]
            for f in named or [places[None]]:
                if province is not None and province.confidence > f.confidence:
                    f = replace(f, confidence=province.confidence)
                out.append(f)
        return sorted(out, key=lambda f: (-f.confidence, f.province))

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
    distinctive: frozenset[str] = frozenset(),
    person_names: frozenset[str] = frozenset(),
    capitals: Mapping[str, str] | None = None,
    words: frozenset[str] = frozenset(),
    ner: Sequence[bool] | None = None,
) -> tuple[list[Found], bool]:
    """Places named by ``mentions``, surest first, and whether ThaiNER could add one.

    Args:
        common: names (as ``name_key``) that are everyday words and need more evidence.
        everyday: subdistrict names too ordinary to accept bare even with a ThaiNER tag.
        distinctive: unique subdistrict names unusual enough to accept bare.
        person_names: province names that are personal names after a title (คุณชุมพร).
        capitals: province → its capital district (for ตัวเมือง).
        words: subdistrict names that are everyday words themselves (สนามบิน), not only
            made of them (สีกัน).
        ner: per-token flags where ThaiNER starts a LOCATION entity; None before it ran.
    """
    state = _State(
        common=common,
        everyday=everyday,
        ner=ner,
        distinctive=distinctive,
        capitals=capitals or {},
        words=words,
    )
    districts: list[Mention] = []
    subdistricts: list[Mention] = []
    landmarks: list[Mention] = []
    in_context: list[Mention] = []  # read in step 4, against the provinces named by the rest
    for m in _town_cues(mentions):
        if m.key == _MUANG and m.cue not in DISTRICT_CUES:
            continue  # เมือง alone is "town"; อ.เมือง is a capital district (see Gazetteer)
        if m.has("name") or (m.cue in PERSON_TITLES and _is_person(m, person_names)):
            continue  # ธนาคารกรุงเทพ, คุณพิชัย: not places
        if m.cue in SUBDISTRICT_CUES and m.has("subdistrict"):
            subdistricts.append(m)
        elif m.cue in DISTRICT_CUES and m.has("district"):
            districts.append(m)
        elif m.has("road"):
            in_context.append(m)
        elif m.has("province") and m.cue in JUNCTION_CUES:
            in_context.append(m)  # แยกขอนแก่น: a junction named after the province
        elif m.has("province"):
            _province(state, m)
        elif m.has("alias"):
            state.add(m.of("alias")[0], ALIAS, m, detail=False)
            _town(state, m, m.of("alias")[0].province)
            if m.has("landmark"):
                landmarks.append(m)
            elif m.has("district"):
                districts.append(m)
        elif m.has("landmark"):
            (in_context if m.of("landmark")[0].also else landmarks).append(m)
        elif m.has("abbreviation") and m.cue in _ABBREVIATION_CUES:
            state.add(m.of("abbreviation")[0], PROVINCE_CUED, m, detail=False)
        elif m.has("district"):
            (in_context if m.cue in JUNCTION_CUES else districts).append(m)
        elif m.has("subdistrict"):
            subdistricts.append(m)
    for m in landmarks:
        if any(e.province in state.found for e in m.of("district")):
            districts.append(m)  # สุวรรณภูมิ with ร้อยเอ็ด named is the district, not the airport
        else:
            state.add(m.of("landmark")[0], LANDMARK, m, detail=True)
    unsettled = _districts(state, districts, subdistricts)
    _subdistricts(state, subdistricts + unsettled)
    _in_context(state, in_context, subdistricts)
    return state.places(), bool(state.waiting - set(state.found))


def _town_cues(mentions: Sequence[Mention]) -> list[Mention]:
    """ในเมือง right before a province names its town (ในเมืองโคราช): drop it as a
    subdistrict; after ต. it is the subdistrict, and the province no town (ต.ในเมือง ขอนแก่น)."""
    out: list[Mention] = []
    for m in mentions:
        before = out[-1] if out else None
        if m.cue in TOWN_CUES and before is not None and before.end == m.start:
            if before.key == m.cue and before.cue in SUBDISTRICT_CUES:
                m = replace(m, cue="")
            elif before.key == m.cue and (m.has("province") or m.has("alias")):
                out.pop()
        out.append(m)
    return out


def _is_person(m: Mention, person_names: frozenset[str]) -> bool:
    """Whether a name after คุณ, น้อง... is someone's name: any district, subdistrict or
    road name (roads are named after people: คุณวิภาวดี), a landmark named just like a
    district (น้องปาย), and the provinces that are personal names; never a nickname."""
    if m.has("alias") or m.has("abbreviation"):
        return False
    if m.has("landmark"):
        return m.has("district")
    if m.has("province"):
        return m.of("province")[0].province in person_names
    return True


def _town(state: _State, m: Mention, province: str) -> None:
    """ตัวเมืองโคราช, ในเมืองขอนแก่น: the province's capital district."""
    capital = state.capitals.get(province)
    if m.cue in TOWN_CUES and capital:
        state.add(Entry("district", province, capital), PROVINCE_CUED, m, detail=True)


def _in_context(state: _State, mentions: list[Mention], subdistricts: list[Mention]) -> None:
    """Roads, road sections, shared landmarks and junction names, read against the
    provinces the rest of the post names (step 4 of the module docstring)."""
    context = set(state.found)
    for m in mentions:
        if m.has("road") or m.has("landmark"):
            entry = (m.of("road") or m.of("landmark"))[0]
            if entry.kind == "road" and m.key in state.common and m.cue not in _ROAD_NAMED:
                continue  # ชุมชนเทพารักษ์: a road named with an everyday word needs ถนน
            if entry.province in context:
                state.add(entry, IN_ANCHOR, m, detail=True)
            elif context and entry.also:
                continue  # another town's road or landmark of that name, or one we cannot tell
            elif entry.kind == "road" and _along(state, entry, subdistricts):
                continue  # สุขุมวิทหน้าตลาดทุ่งสุขลา: the road where a subdistrict on it is
            elif entry.province:
                state.add(entry, ROAD if entry.kind == "road" else LANDMARK, m, detail=True)
        elif not context or context & {e.province for e in m.of("province", "district")}:
            if m.has("province"):
                _province(state, m)  # a junction named after this province
            else:
                _district(state, m, subdistricts)  # ...or after this district


def _along(state: _State, road: Entry, subdistricts: list[Mention]) -> bool:
    """Read the subdistricts the post names that the road runs through and that only one
    subdistrict of its provinces is called; whether there were any. A subdistrict name too
    weak to stand alone (ทุ่งสุขลา) and a road through its province confirm each other."""
    span = ({road.province} | set(road.also)) - {"", EVERYWHERE}
    found = False
    for m in subdistricts:
        if m.key in state.common or m.key in state.everyday:
            continue
        on_road = [c for c in m.of("subdistrict") if c.province in span]
        if len({(c.province, c.district) for c in on_road}) == 1:
            state.add(on_road[0], SUBDISTRICT_CUED, m, detail=True)
            found = True
    return found


def _province(state: _State, m: Mention) -> None:
    entry = m.of("province")[0]
    if m.cue in ROAD_CUES:
        return
    cued = m.cue in PROVINCE_CUES and not (m.cue == _MUANG and m.key in state.common)
    if m.key in state.common and not cued:
        if state.uncertain(m, entry.province):
            state.add(entry, BY_NER, m, detail=False)
        return
    state.add(entry, PROVINCE_CUED if cued else PROVINCE, m, detail=False)
    _town(state, m, entry.province)


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
    anchored = [c for c in m.of("district") if c.province in state.found]
    if anchored:
        state.add(anchored[0], IN_ANCHOR, m, detail=True)
        return True
    candidates = _by_cue(m.of("district"), m.cue)
    cued = m.cue in DISTRICT_CUES or m.cue in HOSPITAL_CUES
    if len(candidates) == 1:
        (only,) = candidates
        if cued:
            state.add(only, DISTRICT_CUED, m, detail=True)
            return True
        if m.cue in ROAD_CUES and only.province != BANGKOK:
            return True  # a road named after a district elsewhere: drop it
        if _confirmed(m, only, subdistricts, cued_only=m.key in state.common):
            state.add(only, DISTRICT_BARE, m, detail=True)
            return True  # หนองบอน ประเวศ: a district and one of its subdistricts
        elsewhere = {e.province for e in m.of("subdistrict")} - {only.province}
        if len(elsewhere) >= _GENERIC_NAME and only.province != BANGKOK:
            return False  # บ้านนา, ท่าช้าง: subdistricts of many provinces share the name
        if len(m.key) >= _MIN_BARE_DISTRICT and m.key not in state.common:
            state.add(only, DISTRICT_BARE, m, detail=True)
            return True
        if m.key not in state.common and state.uncertain(m, only.province):
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


def _confirmed(
    m: Mention, district: Entry, subdistricts: list[Mention], *, cued_only: bool
) -> bool:
    """Whether another mention names exactly one subdistrict of ``district``; only a cued
    one (ต.บ้านกลาง) for a district that is an everyday word (สอง: แถวบ้านกลาง…สองราย)."""
    here = (district.province, district.district)
    return any(
        s is not m
        and s.key != m.key
        and (not cued_only or s.cue in SUBDISTRICT_CUES)
        and sum((e.province, e.district) == here for e in s.of("subdistrict")) == 1
        for s in subdistricts
    )


def _by_cue(candidates: list[Entry], cue: str) -> list[Entry]:
    """Bangkok's readings after เขต or แขวง, the others' after อ. or ต., when there are any."""
    if cue in _BANGKOK_CUES:
        kept = [c for c in candidates if c.province == BANGKOK]
    elif cue in _PROVINCIAL_CUES:
        kept = [c for c in candidates if c.province != BANGKOK]
    else:
        return candidates
    return kept or candidates


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
            province = in_province[0].province
            ordinary = m.key in state.common or m.key in state.words
            if (
                len({(c.province, c.district) for c in in_province}) == 1
                and province not in named
                and (m.cue in SUBDISTRICT_CUES or not ordinary or state.next_to(m, province))
            ):
                state.add(in_province[0], IN_ANCHOR, m, detail=True)
            continue
        candidates = _by_cue(candidates, m.cue)
        if m.key not in state.common and _bangkok(state, m, candidates):
            continue
        if len(candidates) != 1 or m.key in state.common:
            continue
        (only,) = candidates
        if m.cue in SUBDISTRICT_CUES:
            state.add(only, SUBDISTRICT_CUED, m, detail=True)
        elif (m.cue in ROAD_CUES and only.province != BANGKOK) or m.key in state.everyday:
            continue
        elif m.key in state.distinctive:
            state.add(only, SUBDISTRICT_BARE, m, detail=True)
        elif state.uncertain(m, only.province):
            state.add(only, BY_NER, m, detail=True)


def _bangkok(state: _State, m: Mention, candidates: list[Entry]) -> bool:
    """Read a name only Bangkok's แขวง have, written bare (step 3); whether it was read."""
    if not candidates or any(c.province != BANGKOK for c in candidates):
        return False
    if state.found and BANGKOK not in state.found:
        return False  # the post is about another province
    if m.cue in ROAD_CUES or m.cue in JUNCTION_CUES:
        return False
    if m.key in state.everyday and (m.key in state.words or m.cue not in AREA_CUES):
        return False  # สนามบิน, or สีกัน without แถว
    only = candidates[0] if len({c.district for c in candidates}) == 1 else None
    confidence = SUBDISTRICT_CUED if m.cue in SUBDISTRICT_CUES else SUBDISTRICT_BARE
    state.add(only or candidates[0], confidence, m, detail=only is not None)
    return True


__all__ = ["BANGKOK", "Found", "resolve"]
