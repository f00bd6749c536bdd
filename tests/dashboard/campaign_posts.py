"""Campaigns and sources for the dashboard tests, on top of the Thai dataset.

Bangkok's night market (ตลาดโต้รุ่ง) is to be moved. News outlets, a TV channel and a Pantip
room spoke first (topic ``MARKET``); then nine accounts posted one text within an hour
through a Facebook page (the campaign ``MARKET_CAMPAIGN``). Two days earlier eight other
accounts had copied a text about power bills (``BILL_CAMPAIGN``, in no topic). The outlets'
grievance posts were linked to a complaint filed after them, some more often than others,
so the sources differ in link rate: ไทยรัฐ 3 of 4, มติชน 1 of 2, the Pantip room 0 of 2, the
channel none (its posts are no grievances) while it has the widest reach.

``fill`` writes the Thai dataset, these posts, the topic, the complaint and its links and an
emergence of the market posts, then runs the real campaign stages over the store:
``cluster_store``, ``campaign_store`` and ``source_store``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from campaigns.service import campaign_store, cluster_store, source_store
from domain.models import (
    Category,
    Complaint,
    Emergence,
    Engagement,
    Keyword,
    LinkEvidence,
    Post,
    PostComplaintLink,
    Topic,
)
from domain.settings import Settings
from storage.base import Store
from tests.conftest import T0, make_post
from tests.dashboard import dataset, thai_posts

MARKET = 40  # the topic: moving the night market
BANGKOK = "กรุงเทพมหานคร"
MARKET_TEXT = "ขอให้ทุกคนช่วยกันคัดค้านการย้ายตลาดโต้รุ่ง พ่อค้าแม่ค้าเดือดร้อนหนักมาก ไม่มีใครถามเราเลย"
BILL_TEXT = "ค่าไฟเดือนนี้แพงผิดปกติทั้งที่ใช้ไฟเท่าเดิม ขอให้การไฟฟ้าตรวจสอบมิเตอร์ด่วน แชร์ต่อกันด้วย"
MARKET_START = T0 + timedelta(hours=100)  # the first copy: 5 Nov 2026 13:00, Bangkok
BILL_START = T0 + timedelta(hours=60)  # 3 Nov 2026 21:00, Bangkok
MARKET_PAGE = "ตลาดโต้รุ่งร่วมใจ"
MARKET_COMPLAINT = "1111-2569-000900"
COMPLAINT_FILED = T0 + timedelta(hours=120)
DETECTED = T0 + timedelta(hours=130)


def _pseudonym(seed: str) -> str:
    """A keyed-hash pseudonym as the collectors give them: 12 hex digits."""
    return hashlib.sha256(seed.encode()).hexdigest()[:12]


MARKET_ACCOUNTS = [_pseudonym(f"market-{i}") for i in range(9)]
BILL_ACCOUNTS = [_pseudonym(f"bill-{i}") for i in range(8)]
PANTIP_ACCOUNTS = [_pseudonym("pantip-1"), _pseudonym("pantip-2")]


@dataclass(frozen=True)
class _Organic:
    """A post written in its own words by an outlet, a channel or a forum member."""

    native_id: str
    platform: str
    source: str
    author: str | None
    hours: float  # after T0
    text: str
    category: Category
    likes: int
    shares: int
    replies: int
    followers: int | None
    linked: bool  # linked to MARKET_COMPLAINT (filed after it)


_ORGANIC = [
    _Organic("o4", "news", "news:ไทยรัฐ", None, 90, "กทม. เตรียมย้ายตลาดโต้รุ่งย่านบางรัก "
             "พ่อค้าแม่ค้ากังวลรายได้หาย", Category.consumer, 40, 12, 8, 850_000, True),
    _Organic("o7", "news", "news:มติชน", None, 91, "ผู้ค้าตลาดโต้รุ่งร้องไม่มีการรับฟังความเห็น"
             "ก่อนสั่งย้ายตลาด", Category.consumer, 22, 4, 3, 400_000, True),
    _Organic("o5", "news", "news:ไทยรัฐ", None, 92, "ย้ายตลาดโต้รุ่ง ผู้ค้ากว่า 200 รายยังไม่รู้"
             "ว่าจะไปขายที่ไหน", Category.consumer, 30, 9, 5, 850_000, True),
    _Organic("o8", "news", "news:มติชน", None, 93, "ตลาดใหม่ที่ กทม. เสนอไกลจากชุมชน ไม่มีที่จอดรถ "
             "ผู้ค้ากังวล", Category.consumer, 12, 2, 1, 400_000, False),
    _Organic("o6", "news", "news:ไทยรัฐ", None, 94, "ผู้ค้าตลาดโต้รุ่งรวมตัวยื่นหนังสือขอเลื่อน"
             "การย้ายตลาด", Category.consumer, 18, 3, 2, 850_000, False),
    _Organic("o9", "pantip", "pantip:ห้องราชดำเนิน", PANTIP_ACCOUNTS[0], 95,
             "ใครเป็นผู้ค้าตลาดโต้รุ่งบ้างคะ ได้รับหนังสือแจ้งย้ายหรือยัง", Category.consumer,
             6, 0, 14, None, False),
    _Organic("o1", "news", "news:ไทยรัฐ", None, 96, "เปิดใจผู้ค้าตลาดโต้รุ่ง ขายมา 30 ปี "
             "ถูกสั่งย้ายโดยไม่มีที่รองรับ", Category.consumer, 55, 20, 11, 850_000, True),
    _Organic("o2", "pantip", "pantip:ห้องราชดำเนิน", PANTIP_ACCOUNTS[1], 97,
             "ย้ายตลาดโต้รุ่งแล้วนักท่องเที่ยวจะไปกินที่ไหน ใครมีข้อมูลบ้าง", Category.consumer,
             9, 1, 21, None, False),
    _Organic("o3", "youtube", "video:ข่าวเช้าออนไลน์", None, 98, "รายงานพิเศษ: ตลาดโต้รุ่ง "
             "ก่อนวันย้าย บรรยากาศคึกคักคืนสุดท้าย", Category.none, 300, 50, 80, 1_200_000,
             False),
    _Organic("o10", "youtube", "video:ข่าวเช้าออนไลน์", None, 99, "สรุปข่าวเช้า: กทม. ยืนยันย้าย"
             "ตลาดโต้รุ่งตามกำหนดเดิม", Category.none, 120, 10, 30, 1_200_000, False),
]  # fmt: skip


def _tokens(text: str) -> list[str]:
    """Words as the enrichment cuts them, near enough: Thai is written without spaces, so the
    market's name is cut out of the runs around it."""
    words = [w for w in text.split() if w]
    return [*words, "ตลาดโต้รุ่ง", "ย้าย"] if "ตลาดโต้รุ่ง" in text else words


def _organic(row: _Organic) -> Post:
    return make_post(
        row.native_id,
        row.text,
        platform=row.platform,
        created_at=T0 + timedelta(hours=row.hours),
        province=BANGKOK,
        sentiment="negative" if row.category is not Category.none else "neutral",
        category=row.category,
        tokens=_tokens(row.text),
    ).model_copy(
        update={
            "author": row.author,
            "source": row.source,
            "followers": row.followers,
            "engagement": Engagement(likes=row.likes, shares=row.shares, replies=row.replies),
            "url": f"https://example.invalid/{row.platform}/{row.native_id}",
        }
    )


def _copy(native_id: str, text: str, *, platform: str, at: datetime, author: str, source: str,
          likes: int, followers: int, category: Category) -> Post:  # fmt: skip
    return make_post(
        native_id,
        text,
        platform=platform,
        created_at=at,
        province=BANGKOK,
        category=category,
        tokens=_tokens(text),
    ).model_copy(
        update={
            "author": author,
            "source": source,
            "followers": followers,
            "engagement": Engagement(likes=likes, shares=likes // 3),
            "url": f"https://example.invalid/{platform}/{native_id}",
        }
    )


MARKET_COPIES = [
    _copy(f"m{i}", f"{MARKET_TEXT} #ตลาดโต้รุ่ง{i}", platform="facebook",
          at=MARKET_START + timedelta(minutes=7 * i), author=MARKET_ACCOUNTS[i],
          source=f"page:{MARKET_PAGE}", likes=(i * 3) % 7, followers=100 + 10 * i,
          category=Category.consumer)
    for i in range(9)
]  # fmt: skip
BILL_COPIES = [
    _copy(f"b{i}", f"{BILL_TEXT} {'!' * (i % 3 + 1)}", platform="x",
          at=BILL_START + timedelta(minutes=9 * i), author=BILL_ACCOUNTS[i],
          source="keyword:ค่าไฟแพง", likes=i + 1, followers=50 + i, category=Category.electricity)
    for i in range(8)
]  # fmt: skip
ORGANIC = [_organic(row) for row in _ORGANIC]
MARKET_POSTS = sorted(ORGANIC + MARKET_COPIES, key=lambda p: (p.created_at, p.id))
POSTS = MARKET_POSTS + BILL_COPIES
MARKET_CAMPAIGN = f"copy:{MARKET_COPIES[0].id}"  # copy:facebook:m0
BILL_CAMPAIGN = f"copy:{BILL_COPIES[0].id}"  # copy:x:b0
FIRST_POST = MARKET_POSTS[0]  # ไทยรัฐ's, at 90 h
# Distinct voices in the topic: the nine copies are one, each Pantip member one, and each of
# the outlets' and the channel's authorless posts one.
MARKET_VOICES = 1 + len(ORGANIC)

MARKET_TOPIC = Topic(
    topic_id=MARKET,
    label="ย้ายตลาดโต้รุ่ง · กรุงเทพฯ",
    phrase="ผู้ค้าตลาดโต้รุ่งคัดค้านการย้ายตลาด",
    keywords=[Keyword(word=w, weight=round(0.9 - 0.1 * i, 2))
              for i, w in enumerate(["ตลาดโต้รุ่ง", "ย้าย", "ผู้ค้า", "คัดค้าน"])],
    size=len(MARKET_POSTS),
    representative_post_ids=[FIRST_POST.id],
    provinces={BANGKOK: len(MARKET_POSTS)},
    sentiment_mix={"negative": len(MARKET_POSTS) - 2, "neutral": 2},
    dominant_category=Category.consumer,
    first_seen=MARKET_POSTS[0].created_at,
    last_seen=MARKET_POSTS[-1].created_at,
    status="growing",
    spike_score=5.2,
    voices=MARKET_VOICES,
    voices_daily={"2026-11-05": MARKET_VOICES},
    counts_daily={"2026-11-05": len(MARKET_POSTS)},
)  # fmt: skip

COMPLAINT = Complaint(
    complaint_id=MARKET_COMPLAINT,
    filed_at=COMPLAINT_FILED,
    channel="1111",
    category=Category.consumer,
    province=BANGKOK,
    district="บางรัก",
    subject="ขอให้ทบทวนการย้ายตลาดโต้รุ่ง ผู้ค้าไม่มีที่ขายของ",
    description="ผู้ร้องแจ้งว่าการย้ายตลาดโต้รุ่งไม่มีการรับฟังความเห็นผู้ค้า",
    status="received",
    tokens=["ตลาดโต้รุ่ง", "ย้าย", "ผู้ค้า"],
)
LINKS = [
    PostComplaintLink(
        post_id=f"{row.platform}:{row.native_id}",
        complaint_id=MARKET_COMPLAINT,
        score=0.82,
        explanation="same province (กรุงเทพมหานคร); shared words: ตลาดโต้รุ่ง",
        signals={"cosine": 0.74, "lexical": 0.6, "province": 1.0, "category": 1.0},
        evidence=LinkEvidence(
            matched=["province", "category", "lexical"],
            shared_words=["ตลาดโต้รุ่ง"],
            days_from_filing=round((T0 + timedelta(hours=row.hours) - COMPLAINT_FILED)
                                   / timedelta(days=1), 2),
            place=f"same province ({BANGKOK})",
        ),
    )
    for row in _ORGANIC
    if row.linked
]  # fmt: skip

# Who spoke first in an emerging grievance: the market's own posts, the outlets' first.
EPISODE = "e-market"
EMERGENCE = Emergence(
    episode_id=EPISODE,
    kind="category_province",
    series=f"category_province:consumer|{BANGKOK}",
    topic_id=MARKET,
    category=Category.consumer,
    province=BANGKOK,
    label="คุ้มครองผู้บริโภค · กรุงเทพมหานคร",
    reason="11 เสียงใน 12 ชม. จากปกติ 0.4 — คุ้มครองผู้บริโภค · กรุงเทพมหานคร",
    window_hours=12,
    start=MARKET_POSTS[0].created_at,
    peak=T0 + timedelta(hours=96),
    end=T0 + timedelta(hours=102),
    detected_at=T0 + timedelta(hours=102),
    score=7.1,
    observed=MARKET_VOICES,
    posts=len(MARKET_POSTS),
    expected=0.4,
    post_ids=[p.id for p in MARKET_POSTS],
)


def fill(store: Store, settings: Settings) -> None:
    """The Thai dataset, then the market and the power bills, and the campaign stages."""
    dataset.fill(store, settings)
    store.upsert_posts(POSTS)
    rng = np.random.default_rng(23)
    vectors = rng.normal(size=(len(POSTS), 4)).astype(np.float32)
    store.save_enrichment(POSTS, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))
    store.assign_topics({p.id: MARKET for p in MARKET_POSTS})
    store.replace_topics([*thai_posts.TOPICS, MARKET_TOPIC])
    complaint_vector = rng.normal(size=(1, 4)).astype(np.float32)
    store.upsert_complaints([COMPLAINT], complaint_vector / np.linalg.norm(complaint_vector))
    store.upsert_links(LINKS)
    store.upsert_emergences([EMERGENCE], judged_until=DETECTED)
    cluster_store(store)
    campaign_store(store, settings.campaigns, now=DETECTED)
    source_store(store, settings)


__all__ = [
    "BILL_ACCOUNTS",
    "BILL_CAMPAIGN",
    "BILL_COPIES",
    "EPISODE",
    "FIRST_POST",
    "MARKET",
    "MARKET_ACCOUNTS",
    "MARKET_CAMPAIGN",
    "MARKET_COPIES",
    "MARKET_PAGE",
    "MARKET_POSTS",
    "MARKET_TOPIC",
    "MARKET_VOICES",
    "PANTIP_ACCOUNTS",
    "fill",
]
