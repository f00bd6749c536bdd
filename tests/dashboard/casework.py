"""The casework of the dashboard's Thai dataset: complaints, their links to posts, alerts, rules.

Thirty-three complaints filed over six weeks across statuses, provinces, categories and both
channels (1111 and Traffy Fondue), so the complaint search pages at 20. The salty-water and
blackout complaints are the ones the first browser tests were written against; the Korat
flood complaint has a link to each of the flood topic's 30 posts, with evidence that agrees
or not, so its related posts page. Fourteen alerts of every kind and status come from the
four rules in config/siang.yaml and the two stored here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from domain.models import (
    Alert,
    AlertKind,
    AlertRule,
    Category,
    Complaint,
    ComplaintStatus,
    ComplaintStatusChange,
    LinkEvidence,
    PostComplaintLink,
)
from storage.base import Store
from tests.conftest import T0
from tests.dashboard import thai_posts
from tests.dashboard.thai_posts import FLOOD, ROWS_BY_ID, TAP_BKK, WATER

WATER_COMPLAINT = "1111-2569-000101"
POWER_COMPLAINT = "1111-2569-000102"
FLOOD_COMPLAINT = "1111-2569-000200"  # 30 linked posts
TAP_COMPLAINT = "1111-2569-000300"  # Bangkok taps: linked to the emoji post
TRAFFY_COMPLAINT = "traffy:2026-HKWX7Q"  # an id with a colon, as Traffy Fondue's are


def _history(
    *steps: tuple[float, ComplaintStatus, str | None, str | None],
) -> list[ComplaintStatusChange]:
    return [
        ComplaintStatusChange(at=T0 + timedelta(hours=h), status=s, agency=agency, note=note)
        for h, s, agency, note in steps
    ]


_FIRST_COMPLAINTS = [
    Complaint(
        complaint_id=WATER_COMPLAINT, filed_at=T0 + timedelta(hours=4), channel="1111",
        category=Category.water_supply, province="นนทบุรี", district="บางบัวทอง",
        subject="น้ำประปามีรสเค็ม ใช้อุปโภคบริโภคไม่ได้",
        description="ผู้ร้องแจ้งว่าน้ำประปาในหมู่บ้านมีรสเค็มติดต่อกันหลายวัน",
        status="in_progress", agency="การประปานครหลวง",
        history=_history(
            (4, "received", None, "รับเรื่องทางสายด่วน 1111"),
            (28, "forwarded", "การประปานครหลวง", "ส่งต่อการประปานครหลวง"),
            (52, "in_progress", "การประปานครหลวง", "เร่งปรับลดค่าความเค็มในระบบจ่ายน้ำ"),
        ),
    ),
    Complaint(
        complaint_id=POWER_COMPLAINT, filed_at=T0 + timedelta(hours=14), channel="1111",
        category=Category.electricity, province="สงขลา", district="หาดใหญ่",
        subject="ไฟฟ้าดับบ่อยในเขตเทศบาลนครหาดใหญ่", status="resolved",
        agency="การไฟฟ้าส่วนภูมิภาค",
        history=_history(
            (14, "received", None, None),
            (40, "resolved", "การไฟฟ้าส่วนภูมิภาค", "เปลี่ยนหม้อแปลงแล้ว"),
        ),
    ),
    Complaint(
        complaint_id=FLOOD_COMPLAINT, filed_at=T0 - timedelta(days=9) + timedelta(hours=1),
        channel="1111", category=Category.flood_water, province="นครราชสีมา",
        district="เมืองนครราชสีมา", subdistrict="หัวทะเล", lat=14.97, lon=102.12,
        subject="น้ำท่วมขังถนนในเขตเมืองโคราช ระบายไม่ทัน",
        description="ผู้ร้องแจ้งว่าน้ำท่วมขังหลายจุดในตัวเมือง รถเล็กสัญจรไม่ได้",
        status="forwarded", agency="เทศบาลนครนครราชสีมา",
        tokens=["น้ำท่วม", "ท่วมขัง", "ถนน", "โคราช", "ระบาย"],
        history=_history(
            (-9 * 24 + 1, "received", None, "รับเรื่องทางสายด่วน 1111"),
            (-8 * 24, "forwarded", "เทศบาลนครนครราชสีมา", "ส่งต่อกองช่างสุขาภิบาล"),
        ),
    ),
]  # fmt: skip


@dataclass(frozen=True)
class _Case:
    category: Category
    province: str
    districts: tuple[str, str]
    subject: str  # {d}: the district
    agency: str
    tokens: tuple[str, ...]
    topic: int | None = None  # the topic whose posts it is linked to


_CASES = [
    _Case(Category.water_supply, "กรุงเทพมหานคร", ("บางเขน", "ลาดพร้าว"),
          "น้ำประปาไม่ไหลหลายวัน เขต{d}", "การประปานครหลวง", ("น้ำประปา", "ไม่ไหล"), TAP_BKK),
    _Case(Category.transport, "กรุงเทพมหานคร", ("จตุจักร", "พญาไท"),
          "รถไฟฟ้าขัดข้องบ่อย สถานีใน{d}", "กรมการขนส่งทางราง", ("รถไฟฟ้า", "ขัดข้อง"), 6),
    _Case(Category.public_health, "ขอนแก่น", ("เมืองขอนแก่น", "ชุมแพ"),
          "ขอให้พ่นหมอกควันกำจัดยุง อำเภอ{d}", "สำนักงานสาธารณสุขจังหวัดขอนแก่น",
          ("ไข้เลือดออก", "ยุง"), 7),
    _Case(Category.waste_environment, "ภูเก็ต", ("กะทู้", "เมืองภูเก็ต"),
          "ขยะไม่ได้รับการจัดเก็บ อำเภอ{d}", "เทศบาลเมืองป่าตอง", ("ขยะ",), 8),
    _Case(Category.noise_nuisance, "ชลบุรี", ("บางละมุง", "ศรีราชา"),
          "สถานบันเทิงเปิดเพลงเสียงดังเกินเวลา อำเภอ{d}", "สถานีตำรวจภูธร", ("เสียงดัง", "ผับ")),
    _Case(Category.public_safety, "เชียงใหม่", ("เมืองเชียงใหม่", "สันทราย"),
          "ถูกแก๊งคอลเซ็นเตอร์หลอกโอนเงิน อำเภอ{d}", "ตำรวจสอบสวนกลาง",
          ("แก๊งคอลเซ็นเตอร์", "โอนเงิน"), 10),
    _Case(Category.telecom, "อุบลราชธานี", ("เมืองอุบลราชธานี", "วารินชำราบ"),
          "สัญญาณอินเทอร์เน็ตหลุดบ่อย อำเภอ{d}", "สำนักงาน กสทช.", ("เน็ต", "หลุด")),
    _Case(Category.welfare, "นครราชสีมา", ("ปักธงชัย", "สูงเนิน"),
          "เบี้ยยังชีพผู้สูงอายุไม่เข้าบัญชี อำเภอ{d}", "องค์การบริหารส่วนตำบล",
          ("เบี้ยยังชีพ", "ผู้สูงอายุ"), 12),
    _Case(Category.education, "เชียงราย", ("เมืองเชียงราย", "แม่สาย"),
          "โรงเรียนเรียกเก็บค่าเทอมเพิ่ม อำเภอ{d}", "สำนักงานเขตพื้นที่การศึกษา", ("ค่าเทอม",)),
    _Case(Category.corruption, "สุราษฎร์ธานี", ("เมืองสุราษฎร์ธานี", "เกาะสมุย"),
          "เจ้าหน้าที่เรียกรับเงินออกใบอนุญาต อำเภอ{d}", "ศูนย์ดำรงธรรมจังหวัด",
          ("เงินใต้โต๊ะ", "ใบอนุญาต"), 14),
    _Case(Category.road_traffic, "นครราชสีมา", ("เมืองนครราชสีมา", "สีคิ้ว"),
          "ถนนเป็นหลุมบ่อ อันตราย อำเภอ{d}", "แขวงทางหลวงนครราชสีมา", ("ถนน", "หลุม"), 2),
    _Case(Category.electricity, "นครราชสีมา", ("โชคชัย", "พิมาย"),
          "ไฟถนนดับทั้งสาย อำเภอ{d}", "การไฟฟ้าส่วนภูมิภาค", ("ไฟถนน", "ดับ"), 18),
    _Case(Category.land_housing, "กรุงเทพมหานคร", ("บางซื่อ", "คลองเตย"),
          "ชุมชนถูกไล่ที่โดยไม่มีที่รองรับ เขต{d}", "การเคหะแห่งชาติ", ("ไล่ที่", "ชุมชน"), 17),
    _Case(Category.consumer, "สมุทรปราการ", ("บางพลี", "เมืองสมุทรปราการ"),
          "ร้านค้าขายสินค้าเกินราคา อำเภอ{d}", "สำนักงานคุ้มครองผู้บริโภค", ("ราคา", "สินค้า")),
    _Case(Category.road_traffic, "พิษณุโลก", ("เมืองพิษณุโลก", "วังทอง"),
          "สัญญาณไฟจราจรเสีย อำเภอ{d}", "สถานีตำรวจภูธรเมืองพิษณุโลก", ("ไฟจราจร",), 24),
]  # fmt: skip

_STEPS: dict[str, tuple[ComplaintStatus, ...]] = {
    "received": ("received",),
    "forwarded": ("received", "forwarded"),
    "in_progress": ("received", "forwarded", "in_progress"),
    "resolved": ("received", "forwarded", "in_progress", "resolved"),
    "closed": ("received", "forwarded", "resolved", "closed"),
}
_STATUS_CYCLE: tuple[ComplaintStatus, ...] = (
    "received", "in_progress", "forwarded", "resolved", "closed",
)  # fmt: skip
_NOTES = {
    "received": "รับเรื่องแล้ว",
    "forwarded": "ส่งต่อหน่วยงานที่รับผิดชอบ",
    "in_progress": "หน่วยงานลงพื้นที่ตรวจสอบ",
    "resolved": "แก้ไขเรียบร้อยแล้ว",
    "closed": "ผู้ร้องพอใจ ปิดเรื่อง",
}


def _complaint(i: int, case: _Case, district: str) -> Complaint:
    status = _STATUS_CYCLE[i % len(_STATUS_CYCLE)]
    filed = T0 - timedelta(days=42) + timedelta(days=1.5 * i, hours=i % 7)
    traffy = i % 6 == 5
    complaint_id = (
        TRAFFY_COMPLAINT
        if i == 5
        else f"traffy:2026-TF{i:04d}"
        if traffy
        else f"1111-2569-{300 + i:06d}"
    )
    history = [
        ComplaintStatusChange(
            at=filed + timedelta(days=step),
            status=s,
            agency=None if s == "received" else case.agency,
            note=_NOTES[s],
        )
        for step, s in enumerate(_STEPS[status])
    ]
    return Complaint(
        complaint_id=complaint_id,
        filed_at=filed,
        channel="traffy" if traffy else "1111",
        source="traffy" if traffy else "1111",
        category=case.category,
        province=case.province,
        district=district,
        subject=case.subject.format(d=district),
        description=f"ผู้ร้องแจ้ง{case.subject.format(d=district)} ขอให้หน่วยงานเร่งแก้ไข",
        status=status,
        agency=None if status == "received" else case.agency,
        history=history,
        tokens=list(case.tokens),
    )


_CASE_COMPLAINTS = [
    (_complaint(2 * n + k, case, case.districts[k]), case)
    for n, case in enumerate(_CASES)
    for k in (0, 1)
]

COMPLAINTS = _FIRST_COMPLAINTS + [complaint for complaint, _ in _CASE_COMPLAINTS]
COMPLAINT_BY_ID = {c.complaint_id: c for c in COMPLAINTS}
assert TAP_COMPLAINT in COMPLAINT_BY_ID and TRAFFY_COMPLAINT in COMPLAINT_BY_ID


def _link(
    post: str, complaint: str, score: float, words: list[str], days: float
) -> PostComplaintLink:
    province = "นนทบุรี" if complaint == WATER_COMPLAINT else "สงขลา"
    evidence = LinkEvidence(
        matched=["province", "category", "lexical"],
        shared_words=words,
        days_from_filing=days,
        place=f"same province ({province})",
        distance_km=2.4 if score > 0.8 else None,
    )
    return PostComplaintLink(
        post_id=post,
        complaint_id=complaint,
        score=score,
        explanation=f"same province ({province}); shared words: {', '.join(words)}; "
        f"posted {abs(days):.1f} days {'after' if days >= 0 else 'before'} filing",
        signals={"cosine": score - 0.1, "lexical": 0.6, "province": 1.0, "category": 1.0},
        evidence=evidence,
    )


def evidence_link(post_id: str, complaint: Complaint, rank: int) -> PostComplaintLink:
    """A link as the linker explains it: place, distance, category, words, time, in turn
    agreeing or not, so every kind of reason shows up agreeing and disagreeing."""
    row = ROWS_BY_ID[post_id]
    words = [w for w in row.tokens if w in complaint.tokens]
    days = round((row.at - complaint.filed_at) / timedelta(days=1), 2)
    same_district = rank % 3 == 0 and complaint.subdistrict is not None
    matched = ["province", "category"] + (["lexical"] if words else [])
    matched += ["district"] if same_district else []
    place = (
        f"same district ({complaint.district})" if same_district
        else f"same province ({complaint.province})"
    )  # fmt: skip
    score = round(max(0.35, 0.96 - 0.02 * rank), 2)
    cosine = round(score - 0.08, 2)
    explanation = f"{place}; shared words: {', '.join(words) or '-'}; posted {abs(days):.1f} days "
    explanation += "after filing" if days >= 0 else "before filing"
    return PostComplaintLink(
        post_id=post_id,
        complaint_id=complaint.complaint_id,
        score=score,
        explanation=explanation,
        signals={"cosine": cosine, "lexical": 0.7 if words else 0.0, "province": 1.0,
                 "category": 1.0, "district": 1.0 if same_district else 0.0},
        evidence=LinkEvidence(
            matched=matched,
            shared_words=words,
            days_from_filing=days,
            place=place,
            distance_km=None if rank % 4 == 3 else round(0.8 + 1.7 * rank, 1),
        ),
    )  # fmt: skip


def _links() -> list[PostComplaintLink]:
    links = [
        _link("x:w1", WATER_COMPLAINT, 0.91, ["น้ำประปา", "เค็ม", "บางบัวทอง"], -0.08),
        _link("facebook:w2", WATER_COMPLAINT, 0.78, ["น้ำประปา", "เค็ม"], 0.04),
        _link("x:w4", WATER_COMPLAINT, 0.55, ["เค็ม"], 1.04),
        _link("x:p1", POWER_COMPLAINT, 0.84, ["ไฟดับ", "หาดใหญ่"], -0.08),
    ]
    flood = COMPLAINT_BY_ID[FLOOD_COMPLAINT]
    links += [
        evidence_link(post_id, flood, rank)
        for rank, post_id in enumerate(thai_posts.post_ids_of(FLOOD))
    ]
    for complaint, case in _CASE_COMPLAINTS:
        if case.topic is not None and complaint.complaint_id.endswith(("0", "2", "4", "6", "8")):
            for rank, post_id in enumerate(thai_posts.post_ids_of(case.topic)[:3]):
                links.append(evidence_link(post_id, complaint, rank + 2))
    return links


LINKS = _links()
FLOOD_LINKS = sum(1 for link in LINKS if link.complaint_id == FLOOD_COMPLAINT)

# Rules stored through the API's store (``managed``); config/siang.yaml configures five more:
# emerging-grievances, any-topic-spike, flood-keyword, reopen-candidates and water-nonthaburi.
CONFIGURED_RULES = (
    "emerging-grievances", "any-topic-spike", "flood-keyword", "reopen-candidates",
    "water-nonthaburi",
)  # fmt: skip
RULES = [
    AlertRule(
        name="korat-flood", kind="category_province", category=Category.flood_water,
        province="นครราชสีมา", threshold=5, recipients=["korat-desk@example.go.th"],
        cooldown_minutes=120, quiet_hours="22:00-06:00", digest="daily",
    ),
    AlertRule(
        name="dust-keyword", kind="keyword", keyword="ฝุ่น", threshold=10,
        recipients=["env-team@example.go.th", "policy-team@example.go.th"],
    ),
]  # fmt: skip
_RECIPIENTS = {
    "emerging-grievances": ["complaint-desk@example.go.th"],
    "any-topic-spike": ["policy-team@example.go.th"],
    "flood-keyword": ["disaster-desk@example.go.th"],
    "reopen-candidates": ["complaint-desk@example.go.th"],
    "water-nonthaburi": ["officer-nonthaburi@example.go.th"],
    **{rule.name: rule.recipients for rule in RULES},
}


def _alert(
    alert_id: str,
    rule: str,
    kind: AlertKind,
    subject: str,
    at: datetime,
    *,
    score: float,
    observed: int,
    expected: float,
    post_ids: list[str],
    status: str,
    **about: object,
) -> Alert:
    return Alert.model_validate(
        {
            "alert_id": alert_id, "rule": rule, "kind": kind, "subject": subject,
            "triggered_at": at, "window_start": at - timedelta(hours=1), "score": score,
            "observed": observed, "expected": expected, "post_ids": post_ids,
            "recipients": _RECIPIENTS[rule], "status": status, **about,
        }
    )  # fmt: skip


def _day(day: int, hour: int) -> datetime:
    return T0.replace(hour=hour) + timedelta(days=day)


_FLOOD_POSTS = thai_posts.post_ids_of(FLOOD)
ALERTS = [
    _alert("alert-flood-korat-1", "korat-flood", "category_province", "น้ำท่วม · นครราชสีมา",
           _day(-2, 18), score=7.4, observed=9, expected=1.3, post_ids=_FLOOD_POSTS[15:24],
           status="sent", category=Category.flood_water, province="นครราชสีมา"),
    _alert("alert-flood-korat-2", "korat-flood", "category_province", "น้ำท่วม · นครราชสีมา",
           _day(-1, 9), score=5.2, observed=4, expected=1.3, post_ids=_FLOOD_POSTS[24:28],
           status="suppressed", category=Category.flood_water, province="นครราชสีมา"),
    _alert("alert-spike-flood", "any-topic-spike", "topic_spike", "topic 4: น้ำท่วมขัง · โคราช",
           _day(-2, 20), score=9.6, observed=9, expected=2.1, post_ids=_FLOOD_POSTS[15:20],
           status="sent", topic_id=FLOOD),
    _alert("alert-spike-water", "any-topic-spike", "topic_spike",
           "topic 0: น้ำประปาเค็ม · บางบัวทอง", T0 + timedelta(hours=7), score=8.4, observed=4,
           expected=0.3, post_ids=["x:w1", "facebook:w2"], status="sent", topic_id=WATER),
    _alert("alert-spike-taps", "any-topic-spike", "topic_spike",
           "topic 5: น้ำประปาไม่ไหล · กรุงเทพฯ", _day(-2, 21), score=8.1, observed=2,
           expected=0.1, post_ids=thai_posts.post_ids_of(TAP_BKK)[:3], status="pending",
           topic_id=TAP_BKK),
    _alert("alert-emerging-water", "emerging-grievances", "emerging",
           "น้ำประปา · นนทบุรี อ.บางบัวทอง", T0 + timedelta(hours=6), score=9.4, observed=4,
           expected=0.02, post_ids=["x:w1", "facebook:w2"], status="sent", topic_id=WATER),
    _alert("alert-emerging-fire", "emerging-grievances", "emerging", "ไฟป่า · แม่ฮ่องสอน",
           _day(0, 8), score=7.9, observed=3, expected=0.1,
           post_ids=thai_posts.post_ids_of(20)[:3], status="pending", topic_id=20),
    _alert("alert-emerging-bribe", "emerging-grievances", "emerging",
           "เรียกเงินใต้โต๊ะ · สุราษฎร์ธานี", _day(-1, 12), score=6.1, observed=3, expected=0.2,
           post_ids=thai_posts.post_ids_of(14), status="pending", topic_id=14),
    _alert("alert-emerging-rail", "emerging-grievances", "emerging", "รถไฟฟ้าขัดข้อง · กรุงเทพฯ",
           _day(0, 19), score=6.8, observed=4, expected=0.5,
           post_ids=thai_posts.post_ids_of(6), status="suppressed", topic_id=6),
    _alert("alert-keyword-flood-1", "flood-keyword", "keyword", "keyword น้ำท่วม",
           _day(-3, 15), score=6.6, observed=16, expected=3.0, post_ids=_FLOOD_POSTS[10:15],
           status="sent", keyword="น้ำท่วม"),
    _alert("alert-keyword-flood-2", "flood-keyword", "keyword", "keyword น้ำท่วม",
           _day(-2, 16), score=8.8, observed=21, expected=3.0, post_ids=_FLOOD_POSTS[15:21],
           status="suppressed", keyword="น้ำท่วม"),
    _alert("alert-water-nonthaburi", "water-nonthaburi", "category_province",
           "น้ำประปา · นนทบุรี", T0 + timedelta(hours=23), score=6.3, observed=8, expected=0.9,
           post_ids=["x:w1", "facebook:w2", "pantip:w3", "x:w4"], status="pending",
           category=Category.water_supply, province="นนทบุรี"),
    _alert("alert-dust-1", "dust-keyword", "keyword", "keyword ฝุ่น", _day(-3, 11), score=6.0,
           observed=11, expected=2.5, post_ids=thai_posts.post_ids_of(25)[:3], status="sent",
           keyword="ฝุ่น"),
    _alert("alert-dust-2", "dust-keyword", "keyword", "keyword ฝุ่น", _day(0, 10), score=6.9,
           observed=12, expected=2.5, post_ids=thai_posts.post_ids_of(25)[3:], status="pending",
           keyword="ฝุ่น"),
]  # fmt: skip


def fill(store: Store) -> None:
    """Write every complaint, link, alert and stored rule into ``store``."""
    rng = np.random.default_rng(11)
    vectors = rng.normal(size=(len(COMPLAINTS), 4)).astype(np.float32)
    store.upsert_complaints(COMPLAINTS, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))
    store.replace_links(LINKS)
    store.add_alerts(ALERTS)
    for rule in RULES:
        store.put_alert_rule(rule)


__all__ = [
    "ALERTS",
    "COMPLAINTS",
    "COMPLAINT_BY_ID",
    "CONFIGURED_RULES",
    "FLOOD_COMPLAINT",
    "FLOOD_LINKS",
    "LINKS",
    "POWER_COMPLAINT",
    "RULES",
    "TAP_COMPLAINT",
    "TRAFFY_COMPLAINT",
    "WATER_COMPLAINT",
    "evidence_link",
    "fill",
]
