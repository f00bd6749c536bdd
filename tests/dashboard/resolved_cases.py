"""Resolved complaints of the dashboard's Thai dataset, and what the public said after the fix.

Six more resolved complaints join the casework's: three about Phitsanulok's traffic lights
and three about Chonburi's noisy bars, so that two agencies have the five resolved cases a
scorecard needs to be ranked (``tracking.scorecard_min_cases``) while the others stay listed
but unranked. ``REOPEN_COMPLAINT``, the lights at the Khok Matum junction, was marked
resolved on 15 October; the posts of topic 24 after that say they are still broken
(``thai_posts``), so it is a reopen candidate.

Six complainants answered the centre's satisfaction survey (``SURVEY_CSV``), imported as the
API's POST /v1/surveys imports a file.

Nothing here states a follow-up: ``fill`` stores the complaints and their links, then runs
the pipeline's tracking step (``tracking.service.track_store``) over the whole store, as
``siang run`` does, and the satisfaction, the candidates and the scorecards come from that.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from complaints.surveys import import_surveys
from domain.models import Category, Complaint, ComplaintStatus, ComplaintStatusChange
from domain.settings import Settings
from storage.base import Store
from tests.conftest import T0
from tests.dashboard.casework import evidence_link
from tests.dashboard.thai_posts import post_ids_of
from tracking.service import track_store

REOPEN_COMPLAINT = "1111-2569-000401"
PHITSANULOK_POLICE = "สถานีตำรวจภูธรเมืองพิษณุโลก"
CHONBURI_POLICE = "สถานีตำรวจภูธร"  # as the casework's Chonburi noise complaints name it
TRAFFIC_LIGHTS = 24  # thai_posts' topic of Phitsanulok's traffic lights
# When the tracking step ran: five weeks after T0, once the complaints' windows had closed.
TRACKED_AT = T0 + timedelta(days=35)


def _history(
    filed: datetime, agency: str, *steps: tuple[float, ComplaintStatus, str]
) -> list[ComplaintStatusChange]:
    """Received at filing, then each (hours after filing, status, note) by ``agency``."""
    return [ComplaintStatusChange(at=filed, status="received", note="รับเรื่องทางสายด่วน 1111")] + [
        ComplaintStatusChange(at=filed + timedelta(hours=h), status=s, agency=agency, note=note)
        for h, s, note in steps
    ]


def _resolved(
    complaint_id: str,
    *,
    filed: datetime,
    category: Category,
    province: str,
    district: str,
    subject: str,
    agency: str,
    tokens: list[str],
    acted_h: float,
    fixed_h: float,
) -> Complaint:
    return Complaint(
        complaint_id=complaint_id,
        filed_at=filed,
        channel="1111",
        source="1111",
        category=category,
        province=province,
        district=district,
        subject=subject,
        description=f"ผู้ร้องแจ้ง{subject} ขอให้หน่วยงานเร่งแก้ไข",
        status="resolved",
        agency=agency,
        tokens=tokens,
        history=_history(
            filed,
            agency,
            (acted_h, "in_progress", "หน่วยงานลงพื้นที่ตรวจสอบ"),
            (fixed_h, "resolved", "แก้ไขเรียบร้อยแล้ว"),
        ),
    )


REOPEN = Complaint(
    complaint_id=REOPEN_COMPLAINT,
    filed_at=T0 - timedelta(days=20) + timedelta(hours=1),  # 12 Oct 2026 10:00
    channel="1111",
    source="1111",
    category=Category.road_traffic,
    province="พิษณุโลก",
    district="เมืองพิษณุโลก",
    subject="สัญญาณไฟจราจรแยกโคกมะตูมเสีย รถติดและเกิดอุบัติเหตุบ่อย",
    description="ผู้ร้องแจ้งว่าไฟจราจรแยกโคกมะตูมดับและกระพริบหลายวัน ขอให้เร่งซ่อม",
    status="resolved",
    agency=PHITSANULOK_POLICE,
    tokens=["ไฟจราจร", "แยก", "โคกมะตูม"],
    history=_history(
        T0 - timedelta(days=20) + timedelta(hours=1),
        PHITSANULOK_POLICE,
        (5, "forwarded", "ส่งต่อ สภ.เมืองพิษณุโลก"),
        (24, "in_progress", "ช่างไฟฟ้าลงพื้นที่ตรวจสอบตู้ควบคุม"),
        (72, "resolved", "เปลี่ยนตู้ควบคุมสัญญาณไฟแล้ว"),  # 15 Oct 2026 10:00
    ),
)

COMPLAINTS = [
    REOPEN,
    _resolved(
        "1111-2569-000402", filed=T0 - timedelta(days=42) + timedelta(hours=2),
        category=Category.road_traffic, province="พิษณุโลก", district="วังทอง",
        subject="สัญญาณไฟจราจรหน้าตลาดวังทองไม่ทำงาน", agency=PHITSANULOK_POLICE,
        tokens=["ไฟจราจร", "ตลาด"], acted_h=3, fixed_h=30,
    ),
    _resolved(
        "1111-2569-000403", filed=T0 - timedelta(days=34) + timedelta(hours=5),
        category=Category.road_traffic, province="พิษณุโลก", district="เมืองพิษณุโลก",
        subject="ไฟจราจรแยกอินโดจีนกระพริบตลอดเวลา", agency=PHITSANULOK_POLICE,
        tokens=["ไฟจราจร", "แยก", "อินโดจีน"], acted_h=8, fixed_h=50,
    ),
    _resolved(
        "1111-2569-000404", filed=T0 - timedelta(days=24) + timedelta(hours=3),
        category=Category.noise_nuisance, province="ชลบุรี", district="บางละมุง",
        subject="ผับซอยบัวขาวเปิดเพลงเสียงดังถึงเช้า อำเภอบางละมุง", agency=CHONBURI_POLICE,
        tokens=["ผับ", "เสียงดัง", "บัวขาว"], acted_h=12, fixed_h=40,
    ),
    _resolved(
        "1111-2569-000405", filed=T0 - timedelta(days=16) + timedelta(hours=4),
        category=Category.noise_nuisance, province="ชลบุรี", district="ศรีราชา",
        subject="ร้านคาราโอเกะเสียงดังรบกวนหอพัก อำเภอศรีราชา", agency=CHONBURI_POLICE,
        tokens=["คาราโอเกะ", "เสียงดัง", "หอพัก"], acted_h=20, fixed_h=70,
    ),
    _resolved(
        "1111-2569-000406", filed=T0 - timedelta(days=5) + timedelta(hours=6),
        category=Category.noise_nuisance, province="ชลบุรี", district="บางละมุง",
        subject="สถานบันเทิงพัทยาเปิดเพลงดังเกินเวลา อำเภอบางละมุง", agency=CHONBURI_POLICE,
        tokens=["พัทยา", "เสียงดัง", "ผับ"], acted_h=6, fixed_h=48,
    ),
]  # fmt: skip

# The Khok Matum complaint links to the first two posts about its junction's lights.
LINKS = [
    evidence_link(post_id, REOPEN, rank)
    for rank, post_id in enumerate(post_ids_of(TRAFFIC_LIGHTS)[:2])
]

# The centre's survey export: Buddhist-era dates, one answer without a comment.
SURVEY_CSV = """complaint_id,score,comment,answered_at
1111-2569-000102,4,ไฟมาแล้ว ขอบคุณเจ้าหน้าที่,05/11/2569 10:00
1111-2569-000308,1,ยังเปิดเพลงดังเหมือนเดิมทุกคืน,10/10/2569
1111-2569-000328,5,ไฟจราจรใช้ได้ดีแล้ว,10/11/2569
1111-2569-000401,2,แจ้งว่าแก้แล้ว แต่ไฟจราจรยังกระพริบทุกคืน,20/10/2569 19:30
1111-2569-000406,4,เสียงเบาลงมาก,02/11/2569
traffy:2026-TF0029,5,,
"""


def fill(store: Store, settings: Settings) -> None:
    """Store the complaints, their links and the survey answers, then follow every resolved
    complaint of the store with the tracking step."""
    rng = np.random.default_rng(13)
    vectors = rng.normal(size=(len(COMPLAINTS), 4)).astype(np.float32)
    store.upsert_complaints(COMPLAINTS, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))
    store.upsert_links(LINKS)
    imported = import_surveys(
        store, SURVEY_CSV.encode(), source="dashboard-survey.csv", now=TRACKED_AT
    )
    assert imported.quarantined == 0, imported.reasons
    track_store(store, settings, now=TRACKED_AT)


__all__ = [
    "CHONBURI_POLICE",
    "COMPLAINTS",
    "LINKS",
    "PHITSANULOK_POLICE",
    "REOPEN_COMPLAINT",
    "SURVEY_CSV",
    "TRACKED_AT",
    "fill",
]
