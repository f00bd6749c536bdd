"""Linking posts to complaints: signals, threshold, explanations, ordering."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from domain.models import Category, Complaint, LinkDecision, Location
from domain.settings import LinkSettings
from linking.calibration import fit_weights, score, with_feedback
from linking.service import Linker
from tests.conftest import T0, make_post


def _complaint(**kwargs: object) -> Complaint:
    base: dict[str, object] = dict(
        complaint_id="1111-2569-000001",
        filed_at=T0,
        channel="hotline_1111",
        category=Category.water_supply,
        province="นนทบุรี",
        district="บางบัวทอง",
        subject="น้ำประปามีรสเค็ม",
        description="ผู้ร้องแจ้งว่าน้ำประปามีรสเค็ม",
        tokens=["น้ำประปา", "มี", "รส", "เค็ม", "บางบัวทอง"],
    )
    base.update(kwargs)
    return Complaint.model_validate(base)


def _located(post, province: str, district: str | None = None):  # type: ignore[no-untyped-def]
    assert post.enrichment is not None
    location = Location(province=province, district=district, lat=13.9, lon=100.4, confidence=0.9)
    return post.model_copy(
        update={"enrichment": post.enrichment.model_copy(update={"locations": [location]})}
    )


def test_true_post_linked_hard_negative_and_far_post_not() -> None:
    complaint = _complaint()
    about = _located(
        make_post("a", "น้ำประปา เค็ม มาก บางบัวทอง", created_at=T0 + timedelta(hours=5)),
        "นนทบุรี",
        "บางบัวทอง",
    )
    other_place = _located(
        make_post(
            "b",
            "ถนน พัง หลุม ปากเกร็ด",
            category=Category.road_traffic,
            created_at=T0 + timedelta(hours=6),
        ),
        "นนทบุรี",
        "ปากเกร็ด",
    )
    too_late = _located(
        make_post("c", "น้ำประปา เค็ม บางบัวทอง", created_at=T0 + timedelta(days=30)),
        "นนทบุรี",
        "บางบัวทอง",
    )
    posts = [about, other_place, too_late]
    c_vec = np.array([[1.0, 0.0]], dtype=np.float32)
    p_vec = np.array([[0.8, 0.6], [0.2, 0.98], [0.8, 0.6]], dtype=np.float32)
    links = Linker(LinkSettings()).link([complaint], c_vec, posts, p_vec)
    assert [(lk.post_id, lk.complaint_id) for lk in links] == [("x:a", "1111-2569-000001")]
    link = links[0]
    assert link.score >= 0.9
    assert "same district (บางบัวทอง, นนทบุรี)" in link.explanation
    assert link.evidence is not None
    assert link.evidence.matched[:2] == ["province", "district"]
    assert set(link.evidence.shared_words) == {"น้ำประปา", "เค็ม", "บางบัวทอง"}
    assert link.evidence.days_from_filing == pytest.approx(5 / 24, abs=0.01)
    assert "เค็ม" in link.explanation and "น้ำประปา" in link.explanation
    assert "posted 0.2 days after filing" in link.explanation
    assert link.signals["category"] == 1.0 and link.signals["province"] == 1.0


def test_different_province_is_penalised() -> None:
    complaint = _complaint()
    same = _located(make_post("s", "น้ำประปา เค็ม", created_at=T0), "นนทบุรี")
    elsewhere = _located(make_post("e", "น้ำประปา เค็ม", created_at=T0), "สงขลา")
    weights = {"bias": -3.0, "cosine": 2.0, "lexical": 2.0, "province": 1.5}
    linker = Linker(LinkSettings(threshold=0.0, weights=weights))
    vectors = np.array([[1.0, 0.0], [1.0, 0.0]], dtype=np.float32)
    links = {
        lk.post_id: lk
        for lk in linker.link(
            [complaint], np.array([[1.0, 0.0]], np.float32), [same, elsewhere], vectors
        )
    }
    assert links["x:s"].score > links["x:e"].score
    assert "different province" in links["x:e"].explanation


def test_score_is_logistic_in_configured_weights() -> None:
    linker = Linker(LinkSettings(weights={"bias": 0.0, "cosine": 2.0}))
    assert score(linker.weights, {"cosine": 0.0}) == pytest.approx(0.5)
    assert score(linker.weights, {"cosine": 1.0}) == pytest.approx(1 / (1 + np.exp(-2.0)))


def test_another_district_of_the_province_counts_against() -> None:
    complaint = _complaint()
    here = _located(make_post("h", "น้ำประปา เค็ม", created_at=T0), "นนทบุรี", "บางบัวทอง")
    there = _located(make_post("t", "น้ำประปา เค็ม", created_at=T0), "นนทบุรี", "ปากเกร็ด")
    vectors = np.array([[1.0, 0.0], [1.0, 0.0]], dtype=np.float32)
    links = {
        lk.post_id: lk
        for lk in Linker(LinkSettings(threshold=0.0)).link(
            [complaint], np.array([[1.0, 0.0]], np.float32), [here, there], vectors
        )
    }
    assert links["x:h"].signals["district"] == 1.0 and links["x:t"].signals["district"] == -1.0
    assert links["x:h"].score > links["x:t"].score
    assert "another district (ปากเกร็ด)" in links["x:t"].explanation


def _decision(post_id: str, verdict: str, minutes: int = 0) -> LinkDecision:
    return LinkDecision(
        post_id=post_id,
        complaint_id="1111-2569-000001",
        verdict=verdict,  # type: ignore[arg-type]
        by="officer",
        at=T0 + timedelta(minutes=minutes),
    )


def test_decisions_stay_on_their_links_and_confirmed_rank_first() -> None:
    complaint = _complaint()
    strong = _located(make_post("s", "น้ำประปา เค็ม บางบัวทอง", created_at=T0), "นนทบุรี", "บางบัวทอง")
    weak = make_post("w", "วันนี้ฝนตก", category=Category.none, created_at=T0)
    vectors = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    c_vec = np.array([[1.0, 0.0]], np.float32)
    plain = Linker(LinkSettings()).link([complaint], c_vec, [strong, weak], vectors)
    assert [lk.post_id for lk in plain] == ["x:s"]  # the weak post is below the threshold
    decisions = [_decision("x:s", "confirmed"), _decision("x:s", "rejected", 5),
                 _decision("x:w", "confirmed")]  # fmt: skip
    decided = {
        lk.post_id: lk
        for lk in Linker(LinkSettings(), decisions=decisions).link(
            [complaint], c_vec, [strong, weak], vectors
        )
    }
    assert decided["x:s"].decision is not None and decided["x:s"].decision.verdict == "rejected"
    assert decided["x:w"].decision is not None and decided["x:w"].decision.verdict == "confirmed"
    assert decided["x:w"].score < LinkSettings().threshold  # kept although below threshold


def test_enough_feedback_reweights_the_signals() -> None:
    base = {"bias": -2.0, "cosine": 4.0, "category": 2.0}
    # Officers keep rejecting pairs that agree only on category and confirming the others.
    decided = [({"cosine": 0.9, "category": 0.0}, True)] * 10
    decided += [({"cosine": 0.2, "category": 1.0}, False)] * 10
    assert with_feedback(base, decided[:3], minimum=10, weight=3.0) == base  # too few
    moved = with_feedback(base, decided, minimum=10, weight=3.0)
    assert moved["category"] < 0.5  # weights stay >= 0: category falls to about nothing
    assert moved["cosine"] > base["cosine"]


def test_fit_recovers_separating_weights() -> None:
    rng = np.random.default_rng(0)
    rows = [{"cosine": float(c)} for c in rng.uniform(0, 1, 400)]
    labels = [r["cosine"] + rng.normal(0, 0.1) > 0.6 for r in rows]
    fitted = fit_weights(rows, labels, strength=0.01)
    assert fitted["cosine"] > 5 and -fitted["bias"] / fitted["cosine"] == pytest.approx(
        0.6, abs=0.1
    )


def test_links_grouped_by_post_best_first() -> None:
    first = _complaint(complaint_id="c1")
    second = _complaint(
        complaint_id="c2", district="ปากเกร็ด", subject="น้ำไม่ไหล", tokens=["น้ำ", "ไม่", "ไหล"]
    )
    post = _located(make_post("p", "น้ำประปา เค็ม บางบัวทอง", created_at=T0), "นนทบุรี", "บางบัวทอง")
    links = Linker(LinkSettings(threshold=0.0)).link(
        [second, first],
        np.array([[1.0, 0.0], [1.0, 0.0]], np.float32),
        [post],
        np.array([[1.0, 0.0]], np.float32),
    )
    assert [lk.complaint_id for lk in links] == ["c1", "c2"]
    assert links[0].score > links[1].score
