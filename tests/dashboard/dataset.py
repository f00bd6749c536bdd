"""A small, realistic Thai dataset for the dashboard: four topics, two complaints, links.

Salty tap water in Nonthaburi is the emerging topic and the one linked to a complaint with a
status history; the others give the trending list, the map and the sentiment mix something
to show. ``fill`` writes it all into a store through the same calls the pipeline makes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from domain.models import (
    Category,
    Complaint,
    ComplaintStatus,
    ComplaintStatusChange,
    Emergence,
    Keyword,
    LinkEvidence,
    Post,
    PostComplaintLink,
    Topic,
    TopicStatus,
)
from storage.base import Store
from tests.conftest import T0, make_post

WATER = 0
POWER = 1
ROAD = 2
SMOG = 3
WATER_COMPLAINT = "1111-2569-000101"
POWER_COMPLAINT = "1111-2569-000102"


@dataclass(frozen=True)
class _Row:
    native_id: str
    topic: int
    hours: float  # after T0
    province: str
    text: str
    tokens: list[str]
    sentiment: str
    category: Category
    platform: str = "x"


_ROWS = [
    _Row("w1", WATER, 2, "นนทบุรี", "น้ำประปาเค็มมาก บางบัวทอง ดื่มไม่ได้เลย",
         ["น้ำประปา", "เค็ม", "บางบัวทอง", "ดื่ม"], "negative", Category.water_supply),
    _Row("w2", WATER, 5, "นนทบุรี", "น้ำประปาบ้านเค็มอีกแล้ว ต้องซื้อน้ำถังมาใช้ทุกวัน",
         ["น้ำประปา", "เค็ม", "ซื้อ", "น้ำถัง"], "negative", Category.water_supply, "facebook"),
    _Row("w3", WATER, 26, "นนทบุรี", "ปากเกร็ดก็น้ำเค็มค่ะ อาบน้ำแล้วผิวแห้ง",
         ["ปากเกร็ด", "น้ำ", "เค็ม", "อาบน้ำ"], "negative", Category.water_supply, "pantip"),
    _Row("w4", WATER, 29, "นนทบุรี", "การประปาแจ้งว่าน้ำทะเลหนุน ค่าความเค็มสูงกว่าปกติ",
         ["การประปา", "น้ำทะเลหนุน", "ความเค็ม"], "neutral", Category.water_supply),
    _Row("w5", WATER, 30, "กรุงเทพมหานคร", "แถวบางซื่อน้ำประปาเริ่มเค็มแล้ว",
         ["บางซื่อ", "น้ำประปา", "เค็ม"], "negative", Category.water_supply),
    _Row("w6", WATER, 50, "นนทบุรี", "น้ำประปาเค็มจนหม้อต้มน้ำเป็นคราบ ใครรับผิดชอบ",
         ["น้ำประปา", "เค็ม", "หม้อต้มน้ำ", "คราบ"], "negative", Category.water_supply, "youtube"),
    _Row("p1", POWER, 12, "สงขลา", "ไฟดับทั้งซอย หาดใหญ่ สามชั่วโมงแล้ว",
         ["ไฟดับ", "ซอย", "หาดใหญ่"], "negative", Category.electricity),
    _Row("p2", POWER, 13, "สงขลา", "หาดใหญ่ไฟดับบ่อยมาก ตู้เย็นพังไปหนึ่งเครื่อง",
         ["หาดใหญ่", "ไฟดับ", "ตู้เย็น"], "negative", Category.electricity, "facebook"),
    _Row("p3", POWER, 40, "สงขลา", "การไฟฟ้ามาซ่อมหม้อแปลงแล้ว ขอบคุณเจ้าหน้าที่ครับ",
         ["การไฟฟ้า", "ซ่อม", "หม้อแปลง", "ขอบคุณ"], "positive", Category.electricity),
    _Row("p4", POWER, 75, "สงขลา", "ไฟตกอีกรอบ แถวคอหงส์",
         ["ไฟตก", "คอหงส์"], "negative", Category.electricity),
    _Row("r1", ROAD, 20, "นครราชสีมา", "ถนนมิตรภาพช่วงโคราชเป็นหลุมใหญ่ รถจักรยานยนต์ล้ม",
         ["ถนน", "มิตรภาพ", "โคราช", "หลุม"], "negative", Category.road_traffic),
    _Row("r2", ROAD, 60, "นครราชสีมา", "แขวงทางหลวงมาปะหลุมให้แล้ว เร็วดี",
         ["แขวงทางหลวง", "ปะ", "หลุม"], "positive", Category.road_traffic),
    _Row("r3", ROAD, 80, "นครราชสีมา", "ถนนหน้าโรงเรียนยังเป็นหลุมอยู่ อันตรายกับเด็ก",
         ["ถนน", "โรงเรียน", "หลุม"], "negative", Category.road_traffic, "pantip"),
    _Row("s1", SMOG, 3, "เชียงใหม่", "ฝุ่น PM2.5 เชียงใหม่วันนี้หนักมาก แสบตา",
         ["ฝุ่น", "pm2.5", "เชียงใหม่", "แสบตา"], "negative", Category.waste_environment),
    _Row("s2", SMOG, 90, "เชียงใหม่", "ฟ้าใสขึ้นแล้ว ฝุ่นลดลงเยอะ",
         ["ฟ้าใส", "ฝุ่น", "ลดลง"], "neutral", Category.waste_environment),
]  # fmt: skip


def _post(row: _Row) -> Post:
    return make_post(
        row.native_id,
        row.text,
        platform=row.platform,
        created_at=T0 + timedelta(hours=row.hours),
        province=row.province,
        sentiment=row.sentiment,
        category=row.category,
        tokens=row.tokens,
    ).model_copy(update={"url": f"https://example.invalid/{row.platform}/{row.native_id}"})


def _topic(
    topic_id: int,
    label: str,
    phrase: str,
    words: list[str],
    *,
    status: TopicStatus,
    spike: float,
    category: Category,
) -> Topic:
    rows = [r for r in _ROWS if r.topic == topic_id]
    times = [T0 + timedelta(hours=r.hours) for r in rows]
    provinces: dict[str, int] = {}
    sentiments: dict[str, int] = {}
    daily: dict[str, int] = {}
    for row, at in zip(rows, times, strict=True):
        provinces[row.province] = provinces.get(row.province, 0) + 1
        sentiments[row.sentiment] = sentiments.get(row.sentiment, 0) + 1
        daily[at.date().isoformat()] = daily.get(at.date().isoformat(), 0) + 1
    return Topic(
        topic_id=topic_id,
        label=label,
        phrase=phrase,
        keywords=[Keyword(word=w, weight=round(0.9 - 0.15 * i, 2)) for i, w in enumerate(words)],
        size=len(rows),
        representative_post_ids=[f"{r.platform}:{r.native_id}" for r in rows[:2]],
        provinces=provinces,
        sentiment_mix=sentiments,
        dominant_category=category,
        first_seen=min(times),
        last_seen=max(times),
        status=status,
        spike_score=spike,
        counts_daily=daily,
    )


TOPICS = [
    _topic(WATER, "น้ำประปาเค็ม · บางบัวทอง", "น้ำประปาเค็มมาก บางบัวทอง ดื่มไม่ได้เลย",
           ["น้ำประปา", "เค็ม", "บางบัวทอง", "การประปา"], status="emerging", spike=8.4,
           category=Category.water_supply),
    _topic(POWER, "ไฟดับ · หาดใหญ่", "ไฟดับทั้งซอย หาดใหญ่ สามชั่วโมงแล้ว",
           ["ไฟดับ", "หาดใหญ่", "หม้อแปลง"], status="growing", spike=5.1,
           category=Category.electricity),
    _topic(ROAD, "ถนนเป็นหลุม · โคราช", "ถนนมิตรภาพช่วงโคราชเป็นหลุมใหญ่",
           ["หลุม", "ถนน", "มิตรภาพ"], status="stable", spike=1.2,
           category=Category.road_traffic),
    _topic(SMOG, "ฝุ่น PM2.5 · เชียงใหม่", "ฝุ่น PM2.5 เชียงใหม่วันนี้หนักมาก",
           ["ฝุ่น", "pm2.5", "เชียงใหม่"], status="fading", spike=0.4,
           category=Category.waste_environment),
]  # fmt: skip


def _history(
    *steps: tuple[float, ComplaintStatus, str | None, str | None],
) -> list[ComplaintStatusChange]:
    return [
        ComplaintStatusChange(
            at=T0 + timedelta(hours=h),
            status=s,
            agency=agency,
            note=note,
        )
        for h, s, agency, note in steps
    ]


COMPLAINTS = [
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
]  # fmt: skip


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


LINKS = [
    _link("x:w1", WATER_COMPLAINT, 0.91, ["น้ำประปา", "เค็ม", "บางบัวทอง"], -0.08),
    _link("facebook:w2", WATER_COMPLAINT, 0.78, ["น้ำประปา", "เค็ม"], 0.04),
    _link("x:w4", WATER_COMPLAINT, 0.55, ["เค็ม"], 1.04),
    _link("x:p1", POWER_COMPLAINT, 0.84, ["ไฟดับ", "หาดใหญ่"], -0.08),
]


def fill(store: Store) -> None:
    """Write every post, topic, complaint and link of the dataset into ``store``."""
    posts = [_post(r) for r in _ROWS]
    store.upsert_posts(posts)
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(len(posts), 4)).astype(np.float32)
    store.save_enrichment(posts, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))
    store.assign_topics({p.id: r.topic for p, r in zip(posts, _ROWS, strict=True)})
    store.replace_topics(TOPICS)
    store.upsert_complaints(COMPLAINTS, np.eye(len(COMPLAINTS), 4, dtype=np.float32))
    store.replace_links(LINKS)
    store.upsert_emergences([EMERGENCE], judged_until=T0 + timedelta(hours=20))


# The salty water as the detector would have seen it, 5 hours after the first post.
EMERGENCE = Emergence(
    episode_id="e-water",
    kind="category_district",
    series="category_district:water_supply|นนทบุรี|บางบัวทอง",
    topic_id=WATER,
    category=Category.water_supply,
    province="นนทบุรี",
    district="บางบัวทอง",
    label="น้ำประปา · นนทบุรี อ.บางบัวทอง",
    reason="4 โพสต์ใน 6 ชม. จากปกติ 0.02 — น้ำประปา · นนทบุรี อ.บางบัวทอง",
    window_hours=6,
    start=T0 + timedelta(hours=2),
    peak=T0 + timedelta(hours=5),
    end=T0 + timedelta(hours=6),
    detected_at=T0 + timedelta(hours=6),
    score=9.4,
    observed=4,
    posts=4,
    expected=0.02,
    post_ids=["x:w1", "facebook:w2"],
)


def posts_of(topic_id: int) -> list[str]:
    """Texts of a topic's posts, newest first (what the drill-down lists)."""
    rows = sorted((r for r in _ROWS if r.topic == topic_id), key=lambda r: -r.hours)
    return [r.text for r in rows]


def count_by_province() -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in _ROWS:
        counts[row.province] = counts.get(row.province, 0) + 1
    return counts


__all__ = ["COMPLAINTS", "EMERGENCE", "LINKS", "TOPICS", "count_by_province", "fill", "posts_of"]
