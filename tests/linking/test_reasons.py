"""A link's evidence as items and as one Thai sentence (linking/reasons.py)."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from domain.models import LinkEvidence, PostComplaintLink
from domain.settings import LinkSettings
from linking.reasons import reasons, thai_sentence
from linking.service import Linker
from tests.conftest import T0, make_post
from tests.linking.test_linker import _complaint, _located


def test_a_linker_link_carries_every_reason_as_data() -> None:
    post = _located(
        make_post("a", "น้ำประปา เค็ม มาก บางบัวทอง", created_at=T0 + timedelta(hours=12)),
        "นนทบุรี",
        "บางบัวทอง",
    )
    c_vec = np.array([[1.0, 0.0]], dtype=np.float32)
    p_vec = np.array([[0.8, 0.6]], dtype=np.float32)
    complaint = _complaint(lat=13.91, lon=100.41)  # about 1.5 km from the post
    [link] = Linker(LinkSettings()).link([complaint], c_vec, [post], p_vec)
    items = {item.kind: item for item in reasons(link)}
    assert list(items) == [
        "place",
        "distance",
        "category",
        "shared_words",
        "similarity",
        "time_gap",
    ]
    place = items["place"]
    assert (place.level, place.names, place.agrees) == ("district", ["บางบัวทอง", "นนทบุรี"], True)
    assert (items["distance"].km, items["distance"].agrees) == (1.5, True)
    assert items["category"].category == "water_supply"
    assert set(items["shared_words"].words) == {"น้ำประปา", "เค็ม", "บางบัวทอง"}
    assert items["similarity"].similarity == 0.8 and items["similarity"].agrees
    assert items["time_gap"].days == 0.5 and items["time_gap"].agrees
    sentence = thai_sentence(reasons(link))
    assert sentence.startswith("อยู่อำเภอ/เขตเดียวกัน (บางบัวทอง, นนทบุรี) · ห่างราว 1.5 กม.")
    assert "หมวดเดียวกัน (น้ำประปา)" in sentence
    assert sentence.endswith("ข้อความคล้ายกัน 0.80 · โพสต์หลังยื่นเรื่อง 0.5 วัน")


def test_disagreeing_places_and_a_post_before_filing_are_said_as_such() -> None:
    post = _located(
        make_post("b", "น้ำ เค็ม ปากเกร็ด", created_at=T0 - timedelta(days=2)), "นนทบุรี", "ปากเกร็ด"
    )
    c_vec = np.array([[1.0, 0.0]], dtype=np.float32)
    p_vec = np.array([[0.3, 0.95]], dtype=np.float32)
    linker = Linker(LinkSettings(threshold=0.0))
    [link] = linker.link([_complaint()], c_vec, [post], p_vec)
    items = {item.kind: item for item in reasons(link)}
    assert (items["place"].level, items["place"].names, items["place"].agrees) == (
        "district", ["ปากเกร็ด"], False
    )  # fmt: skip
    assert "category" in items and not items["similarity"].agrees
    assert items["time_gap"].days == -2.0 and not items["time_gap"].agrees
    sentence = thai_sentence(reasons(link))
    assert "จังหวัดเดียวกันแต่ต่างอำเภอ/เขต (ปากเกร็ด)" in sentence
    assert sentence.endswith("โพสต์ก่อนยื่นเรื่อง 2.0 วัน")


def test_a_link_stored_before_structured_evidence_still_gives_its_reasons() -> None:
    before = LinkEvidence(days_from_filing=1.0, shared_words=["ไฟ"])
    old = PostComplaintLink(
        post_id="x:1", complaint_id="c", score=0.9, explanation="same province (นนทบุรี)",
        signals={"cosine": 0.6123}, evidence=before,
    )  # fmt: skip
    assert [(r.kind, r.similarity) for r in reasons(old)] == [
        ("shared_words", None), ("similarity", 0.612), ("time_gap", None)
    ]  # fmt: skip
    assert reasons(old.model_copy(update={"evidence": None})) == []
