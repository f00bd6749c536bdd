"""The signals of one (complaint, post) pair, and the evidence an officer checks.

* ``cosine``   sentence-embedding similarity of post and complaint (subject + description)
* ``lexical``  IDF-weighted overlap of content words, over the smaller side's weight
* ``chars``    the same over character 4-grams of the content words: Thai has no spaces,
               so the two sides often segment one name differently (หอนาฬิกา vs
               หอนาฬิกาลำปาง, รอบองค์พระ vs องค์พระปฐมเจดีย์)
* ``province`` +1 same province, -1 a different one, 0 when the post names none
* ``district`` +1 same district, -1 another district of the same province, 0 unknown
* ``near``     exp(-km / 5) between the complaint's point (its GPS, else its subdistrict's or
               district's centre) and the post's subdistrict or district centre; 0 when
               either is unknown
* ``category`` 1 when the post's category equals the complaint's
* ``time``     exp(-|Δdays| / 3)
* ``problem``  +1 when both name a problem they share (``linking.problems``: ไฟดับ and
               กระแสไฟฟ้าขัดข้อง are one problem), -1 when both name problems and none is
               even kin (of one category), 0 otherwise
* ``closest``  exp(-(best − cosine) / 0.05), best being the post's highest cosine to any
               complaint of the run: 1 for the complaint the post reads most like. Unlike
               the raw cosine it does not sink when a writer's register is far from the
               1111 form's, since every complaint is then equally far.

Places come from enrichment, so nicknames (กทม., โคราช) are already official names.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from domain.models import Complaint, LinkEvidence, Post
from enrich.thai_text import content_tokens
from linking.problems import problem_table

SIGNALS = (
    "cosine",
    "lexical",
    "chars",
    "province",
    "district",
    "near",
    "category",
    "time",
    "problem",
    "closest",
)
_GRAM = 4
_EARTH_KM = 6371.0
NEAR_KM = 5.0
SIMILAR_COSINE = 0.5  # texts this alike count as a matched signal
_TIME_DAYS = 3.0
_CLOSEST_SCALE = 0.05


@dataclass(frozen=True)
class PostView:
    """What the linker reads of a post, computed once per run."""

    post: Post
    words: frozenset[str]
    grams: frozenset[str]
    provinces: frozenset[str]
    districts: frozenset[tuple[str, str]]  # (province, district)
    points: tuple[tuple[float, float], ...]  # district- or subdistrict-level centres
    problems: frozenset[str] = frozenset()

    @classmethod
    def of(cls, post: Post) -> PostView:
        e = post.enrichment
        if e is None:
            return cls(post, frozenset(), frozenset(), frozenset(), frozenset(), ())
        words = content_tokens(e.tokens)
        return cls(
            post,
            frozenset(words),
            char_grams(words),
            frozenset(loc.province for loc in e.locations),
            frozenset((loc.province, loc.district) for loc in e.locations if loc.district),
            tuple((loc.lat, loc.lon) for loc in e.locations if loc.district),
            problem_table().named(e.tokens),
        )


@dataclass(frozen=True)
class ComplaintView:
    complaint: Complaint
    words: frozenset[str]
    grams: frozenset[str]
    point: tuple[float, float] | None  # its GPS point, else its subdistrict's or district's
    problems: frozenset[str] = frozenset()  # from its subject, description and agency


def char_grams(words: list[str]) -> frozenset[str]:
    """Character 4-grams inside each content word (never across two words)."""
    return frozenset(w[i : i + _GRAM] for w in words for i in range(max(len(w) - _GRAM + 1, 1)))


class Idf:
    """Inverse document frequency over the posts and complaints of one run."""

    def __init__(self, documents: Iterable[frozenset[str]]) -> None:
        counts: Counter[str] = Counter()
        total = 0
        for words in documents:
            counts.update(words)
            total += 1
        self._idf = {w: math.log((1 + total) / (1 + n)) + 1.0 for w, n in counts.items()}
        self._unseen = math.log(1 + total) + 1.0

    def weight(self, words: Iterable[str]) -> float:
        return sum(self._idf.get(w, self._unseen) for w in words)


def pair_signals(
    complaint: ComplaintView, view: PostView, cosine: float, idf: Idf
) -> tuple[dict[str, float], LinkEvidence]:
    c = complaint.complaint
    shared = view.words & complaint.words
    smaller = min(idf.weight(view.words), idf.weight(complaint.words)) or 1.0
    lexical = min(idf.weight(shared) / smaller, 1.0)
    shared_grams = view.grams & complaint.grams
    fewer = min(idf.weight(view.grams), idf.weight(complaint.grams)) or 1.0
    chars = min(idf.weight(shared_grams) / fewer, 1.0)
    matched: list[str] = []
    place: str | None = None
    level: Literal["district", "province"] | None = None
    names: list[str] = []
    province = 0.0
    if c.province and view.provinces:
        province = 1.0 if c.province in view.provinces else -1.0
        place = f"same province ({c.province})" if province > 0 else "a different province"
        level = "province"
        names = [c.province] if province > 0 else sorted(view.provinces)
    district = 0.0
    if c.province and c.district and province > 0:
        named = {d for p, d in view.districts if p == c.province}
        if c.district in named or c.district.lower() in view.words:
            district, place = 1.0, f"same district ({c.district}, {c.province})"
            level, names = "district", [c.district, c.province]
        elif named:
            district = -1.0
            place = f"same province, another district ({', '.join(sorted(named))})"
            level, names = "district", sorted(named)
    distance = _nearest_km(complaint.point, view.points)
    near = math.exp(-distance / NEAR_KM) if distance is not None else 0.0
    e = view.post.enrichment
    category = 1.0 if e and e.category.label == c.category else 0.0
    common = view.problems & complaint.problems
    problem = 1.0 if common else 0.0
    if not common and view.problems and complaint.problems:
        table = problem_table()
        problem = 0.0 if table.kin(view.problems) & table.kin(complaint.problems) else -1.0
    days = (view.post.created_at - c.filed_at).total_seconds() / 86400
    signals = {
        "cosine": max(cosine, 0.0),
        "lexical": lexical,
        "chars": chars,
        "province": province,
        "district": district,
        "near": near,
        "category": category,
        "time": math.exp(-abs(days) / _TIME_DAYS),
        "problem": problem,
        "closest": 0.0,  # set by with_closest, once every pair of the run is known
    }
    for name, agreed in (
        ("province", province > 0),
        ("district", district > 0),
        ("near", distance is not None and distance <= NEAR_KM),
        ("category", category > 0),
        ("problem", problem > 0),
        ("lexical", bool(shared)),
        ("cosine", cosine >= SIMILAR_COSINE),
    ):
        if agreed:
            matched.append(name)
    evidence = LinkEvidence(
        matched=matched,
        shared_words=sorted(shared, key=lambda w: (-idf.weight([w]), w))[:12],
        days_from_filing=round(days, 2),
        place=place,
        distance_km=round(distance, 1) if distance is not None else None,
        place_level=level,
        place_agrees=None if level is None else (district if level == "district" else province) > 0,
        place_names=names,
        category=c.category.value if category > 0 else None,
        similarity=round(max(cosine, 0.0), 3),
        problems=_problem_names(common if problem > 0 else view.problems if problem < 0 else ()),
        problem_agrees=None if problem == 0 else problem > 0,
    )
    return signals, evidence


def with_closest(post_of_pair: list[int], signals: list[dict[str, float]]) -> None:
    """Set every pair's ``closest`` signal from the cosines of its post's other pairs."""
    best: dict[int, float] = {}
    for post, values in zip(post_of_pair, signals, strict=True):
        best[post] = max(best.get(post, 0.0), values["cosine"])
    for post, values in zip(post_of_pair, signals, strict=True):
        values["closest"] = math.exp(-(best[post] - values["cosine"]) / _CLOSEST_SCALE)


def _problem_names(problems: Iterable[str]) -> list[str]:
    table = problem_table()
    return sorted(table.name(p) for p in problems)


def explain(complaint: Complaint, signals: dict[str, float], evidence: LinkEvidence) -> str:
    """A sentence an officer can check against the post and the complaint."""
    parts = []
    if evidence.place:
        parts.append(evidence.place)
    if evidence.distance_km is not None:
        parts.append(f"about {evidence.distance_km:g} km from the complaint's place")
    if signals["category"] > 0:
        parts.append(f"same category ({complaint.category.value})")
    if evidence.shared_words:
        parts.append("shared words: " + ", ".join(evidence.shared_words[:8]))
    parts.append(f"text similarity {signals['cosine']:.2f}")
    delta = evidence.days_from_filing
    parts.append(f"posted {abs(delta):.1f} days {'after' if delta >= 0 else 'before'} filing")
    return "; ".join(parts)


def _nearest_km(
    point: tuple[float, float] | None, points: tuple[tuple[float, float], ...]
) -> float | None:
    if point is None or not points:
        return None
    return min(_haversine_km(point, p) for p in points)


def _haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_KM * math.asin(math.sqrt(h))


__all__ = [
    "NEAR_KM",
    "SIGNALS",
    "SIMILAR_COSINE",
    "ComplaintView",
    "Idf",
    "PostView",
    "char_grams",
    "explain",
    "pair_signals",
    "with_closest",
]
