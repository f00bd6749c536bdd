"""A link's evidence as items a client can word in any language, and the Thai sentence.

Every view of a post–complaint link (the dashboard, the API, an officer's mail) shows the
same pieces: where the places agree, how far apart they are, the shared category, whether
they name the same problem, the shared words, how alike the texts read and how long after
filing the post came. ``reasons`` gives them as data; ``thai_sentence`` words them the way
the dashboard's Thai labels do.
"""

from __future__ import annotations

from domain.models import CATEGORY_TH, LinkEvidence, LinkReason, PostComplaintLink
from linking.signals import NEAR_KM, SIMILAR_COSINE


def reasons(link: PostComplaintLink) -> list[LinkReason]:
    """The link's evidence as items, in the order an officer checks them."""
    evidence = link.evidence
    if evidence is None:
        return []
    items: list[LinkReason] = []
    if evidence.place_level is not None:
        items.append(
            LinkReason(
                kind="place",
                agrees=bool(evidence.place_agrees),
                level=evidence.place_level,
                names=evidence.place_names,
            )
        )
    if evidence.distance_km is not None:
        items.append(
            LinkReason(
                kind="distance", agrees=evidence.distance_km <= NEAR_KM, km=evidence.distance_km
            )
        )
    if evidence.category is not None:
        items.append(LinkReason(kind="category", agrees=True, category=evidence.category))
    if evidence.problem_agrees is not None:
        items.append(
            LinkReason(kind="problem", agrees=evidence.problem_agrees, words=evidence.problems)
        )
    if evidence.shared_words:
        items.append(LinkReason(kind="shared_words", agrees=True, words=evidence.shared_words))
    similarity = _similarity(link, evidence)
    if similarity is not None:
        items.append(
            LinkReason(
                kind="similarity", agrees=similarity >= SIMILAR_COSINE, similarity=similarity
            )
        )
    items.append(
        LinkReason(
            kind="time_gap",
            agrees=evidence.days_from_filing >= 0,
            days=evidence.days_from_filing,
        )
    )
    return items


def _similarity(link: PostComplaintLink, evidence: LinkEvidence) -> float | None:
    if evidence.similarity is not None:
        return evidence.similarity
    cosine = link.signals.get("cosine")  # links stored before the evidence carried it
    return round(cosine, 3) if cosine is not None else None


def thai_sentence(items: list[LinkReason]) -> str:
    """``อยู่อำเภอ/เขตเดียวกัน (บางบัวทอง, นนทบุรี) · ห่างราว 1.2 กม. · …``."""
    return " · ".join(_thai(item) for item in items)


def _thai(item: LinkReason) -> str:
    if item.kind == "place":
        names = ", ".join(item.names)
        if item.level == "district":
            if item.agrees:
                return f"อยู่อำเภอ/เขตเดียวกัน ({names})"
            return f"จังหวัดเดียวกันแต่ต่างอำเภอ/เขต ({names})"
        return f"อยู่จังหวัดเดียวกัน ({names})" if item.agrees else f"ต่างจังหวัด ({names})"
    if item.kind == "distance":
        return f"ห่างราว {item.km:g} กม."
    if item.kind == "category":
        category = item.category or ""
        return f"หมวดเดียวกัน ({CATEGORY_TH.get(category, category)})"
    if item.kind == "problem":
        problems = ", ".join(item.words)
        return f"ปัญหาเดียวกัน ({problems})" if item.agrees else f"โพสต์พูดถึงปัญหาอื่น ({problems})"
    if item.kind == "shared_words":
        return "มีคำร่วมกัน: " + ", ".join(item.words[:8])
    if item.kind == "similarity":
        return f"ข้อความคล้ายกัน {item.similarity:.2f}"
    days = item.days or 0.0
    return f"โพสต์{'หลัง' if days >= 0 else 'ก่อน'}ยื่นเรื่อง {abs(days):.1f} วัน"


__all__ = ["reasons", "thai_sentence"]
