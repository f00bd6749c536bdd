"""The posts and topics of the dashboard's Thai dataset: 27 topics and one emergence.

Salty tap water in Nonthaburi is the emerging topic and the one linked to a complaint with a
status history; the first four topics (water, power, road, smog) are the ones the first
browser tests were written against and keep their posts. Twenty-three more give every view
real data: the topic list pages at 10 and 20 a page, topics have quiet (zero) days inside
their range, spikes carry observed and expected counts, and some posts carry emoji. The
complaints, links, alerts and rules are in ``tests.dashboard.casework``;
``tests.dashboard.dataset`` is what tests import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from domain.models import Category, Emergence, Keyword, Post, SpikeEpisode, Topic, TopicStatus
from storage.base import Store
from tests.conftest import T0, make_post

WATER = 0
POWER = 1
ROAD = 2
SMOG = 3
FLOOD = 4  # floods in Nakhon Ratchasima: 30 posts, all linked to casework.FLOOD_COMPLAINT
TAP_BKK = 5  # Bangkok taps run dry: the posts with emoji
PM25_BKK = 25

# Words the search view can look for: each finds the posts named below.
EMOJI_QUERY = "ก๊อกน้ำ"  # only the emoji posts of TAP_BKK
EMOJI_POST = "x:t5-0"  # "ก๊อกน้ำแห้ง … 😡💧🚰 … 🙏"


@dataclass(frozen=True)
class _Row:
    native_id: str
    topic: int
    hours: float  # after T0 (negative: before)
    province: str
    text: str
    tokens: list[str]
    sentiment: str
    category: Category
    platform: str = "x"

    @property
    def post_id(self) -> str:
        return f"{self.platform}:{self.native_id}"

    @property
    def at(self) -> datetime:
        return T0 + timedelta(hours=self.hours)


_FIRST_ROWS = [
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


@dataclass(frozen=True)
class _Spec:
    """A topic beyond the first four: its posts come from ``texts`` on ``days`` (days after
    T0, gaps on purpose), cycling through texts, provinces and platforms."""

    topic_id: int
    label: str
    category: Category
    status: TopicStatus
    spike: float
    provinces: tuple[str, ...]
    days: tuple[int, ...]
    texts: tuple[tuple[str, tuple[str, ...], str], ...]  # text, tokens, sentiment


_NEG, _NEU, _POS = "negative", "neutral", "positive"
_BKK, _KORAT = "กรุงเทพมหานคร", "นครราชสีมา"
_PLATFORMS = ("x", "facebook", "pantip", "youtube", "tiktok")
_KORAT_PLACES = ("บ้านเกาะ", "หัวทะเล", "จอหอ", "โพธิ์กลาง", "ปักธงชัย", "สูงเนิน")

_SPECS = [
    _Spec(FLOOD, "น้ำท่วมขัง · โคราช", Category.flood_water, "emerging", 9.6, (_KORAT,),
          (-9, -9, -8, -8, -8, -8, *[-4] * 4, *[-3] * 5, *[-2] * 9, *[-1] * 4, 0, 0),
          tuple(
              (f"น้ำท่วมขังถนนแถว{place} โคราช {extra}", ("น้ำท่วม", "ท่วมขัง", place, "โคราช"), s)
              for extra, s in (("รถเล็กผ่านไม่ได้ 😡", _NEG), ("รอระบายนานมาก", _NEG),
                               ("ขอบคุณ อบต. ที่มาสูบน้ำ 🙏", _POS), ("น้ำสูงครึ่งล้อ", _NEG),
                               ("เด็กไปโรงเรียนลำบาก", _NEG))
              for place in _KORAT_PLACES
          )),
    _Spec(TAP_BKK, "น้ำประปาไม่ไหล · กรุงเทพฯ", Category.water_supply, "growing", 7.2, (_BKK,),
          (-3, -2, -2, 1, 2), (
              ("ก๊อกน้ำแห้งสนิท 3 วันแล้ว 😡💧🚰 เขตบางเขน ช่วยด้วยค่ะ 🙏",
               ("ก๊อกน้ำ", "น้ำประปา", "ไม่ไหล", "บางเขน"), _NEG),
              ("น้ำประปาไม่ไหลทั้งซอยลาดพร้าว 💧 ต้องไปหิ้วน้ำที่วัด",
               ("น้ำประปา", "ไม่ไหล", "ลาดพร้าว"), _NEG),
              ("ขอบคุณการประปาที่ส่งรถน้ำมาช่วย 🙏🚰 ก๊อกน้ำกลับมาไหลแล้ว",
               ("ขอบคุณ", "การประปา", "รถน้ำ", "ก๊อกน้ำ"), _POS),
          )),
    _Spec(6, "รถไฟฟ้าขัดข้อง · กรุงเทพฯ", Category.transport, "emerging", 6.8, (_BKK,),
          (-1, 0, 0, 0), (
              ("รถไฟฟ้าขัดข้องอีกแล้ว คนแน่นชานชาลา ไปทำงานสาย", ("รถไฟฟ้า", "ขัดข้อง", "ชานชาลา"), _NEG),
              ("BTS หยุดวิ่ง 20 นาที ไม่มีประกาศอะไรเลย", ("bts", "หยุดวิ่ง", "ประกาศ"), _NEG),
          )),
    _Spec(7, "ไข้เลือดออก · ขอนแก่น", Category.public_health, "growing", 4.7, ("ขอนแก่น",),
          (-14, -13, -9, -8), (
              ("ไข้เลือดออกระบาดในหมู่บ้าน ยุงเยอะมาก ขอพ่นหมอกควัน",
               ("ไข้เลือดออก", "ยุง", "พ่นหมอกควัน"), _NEG),
              ("ลูกเป็นไข้เลือดออก นอนโรงพยาบาลสามวันแล้ว", ("ไข้เลือดออก", "โรงพยาบาล"), _NEG),
          )),
    _Spec(8, "ขยะล้น · ภูเก็ต", Category.waste_environment, "stable", 3.9, ("ภูเก็ต",),
          (-20, -19, -15), (
              ("ขยะล้นถังริมหาดป่าตอง กลิ่นเหม็นมาก นักท่องเที่ยวบ่น", ("ขยะ", "ป่าตอง", "กลิ่นเหม็น"), _NEG),
              ("รถเก็บขยะไม่มาเก็บหนึ่งสัปดาห์แล้ว", ("รถเก็บขยะ", "ขยะ"), _NEG),
          )),
    _Spec(9, "เสียงดังจากผับ · ชลบุรี", Category.noise_nuisance, "stable", 3.1, ("ชลบุรี",),
          (-6, -5, -2), (
              ("ผับแถวพัทยาเปิดเพลงเสียงดังถึงตีสาม นอนไม่ได้", ("ผับ", "พัทยา", "เสียงดัง"), _NEG),
          )),
    _Spec(10, "แก๊งคอลเซ็นเตอร์หลอกโอนเงิน", Category.public_safety, "growing", 4.2,
          (_BKK, "เชียงใหม่", "อุดรธานี"), (-12, -11, -7, -6), (
              ("แก๊งคอลเซ็นเตอร์โทรมาอ้างเป็นตำรวจ ให้โอนเงิน ระวังด้วย",
               ("แก๊งคอลเซ็นเตอร์", "ตำรวจ", "โอนเงิน"), _NEG),
              ("แม่โดนหลอกโอนเงินไปห้าหมื่น แจ้งความแล้ว", ("หลอก", "โอนเงิน", "แจ้งความ"), _NEG),
          )),
    _Spec(11, "เน็ตหลุด · อุบลราชธานี", Category.telecom, "fading", 0.9, ("อุบลราชธานี",),
          (-18, -17, -13), (
              ("เน็ตบ้านหลุดทุกชั่วโมง ทำงานออนไลน์ไม่ได้", ("เน็ต", "หลุด", "ออนไลน์"), _NEG),
          )),
    _Spec(12, "เบี้ยยังชีพผู้สูงอายุล่าช้า", Category.welfare, "stable", 2.2, (_KORAT, "บุรีรัมย์"),
          (-10, -9, -5, -4), (
              ("เบี้ยยังชีพผู้สูงอายุเดือนนี้ยังไม่เข้า ยายรอทุกวัน", ("เบี้ยยังชีพ", "ผู้สูงอายุ"), _NEG),
              ("อบต. แจ้งว่าเบี้ยยังชีพจะโอนสัปดาห์หน้า", ("อบต.", "เบี้ยยังชีพ", "โอน"), _NEU),
          )),
    _Spec(13, "ค่าเทอม · เชียงราย", Category.education, "fading", 0.3, ("เชียงราย",),
          (-21, -16), (
              ("โรงเรียนเก็บค่าเทอมเพิ่มโดยไม่แจ้งล่วงหน้า", ("โรงเรียน", "ค่าเทอม"), _NEG),
          )),
    _Spec(14, "เรียกเงินใต้โต๊ะ · สุราษฎร์ธานี", Category.corruption, "emerging", 6.1,
          ("สุราษฎร์ธานี",), (-2, -1, -1), (
              ("เจ้าหน้าที่เรียกเงินใต้โต๊ะตอนขอใบอนุญาต", ("เจ้าหน้าที่", "เงินใต้โต๊ะ", "ใบอนุญาต"), _NEG),
          )),
    _Spec(15, "รถเมล์ไม่มา · กรุงเทพฯ", Category.transport, "stable", 2.9, (_BKK,),
          (-8, -7, -3), (
              ("รอรถเมล์สาย 8 ชั่วโมงนึงแล้ว ไม่มาสักคัน", ("รถเมล์", "สาย 8", "รอ"), _NEG),
          )),
    _Spec(16, "ของแพง · ตลาดโคราช", Category.consumer, "fading", 0.6, (_KORAT,),
          (-19, -15), (
              ("ไข่ไก่ในตลาดแพงขึ้นอีกแผงละสิบบาท", ("ไข่ไก่", "ตลาด", "แพง"), _NEG),
          )),
    _Spec(17, "ไล่ที่ชุมชนริมคลอง · กรุงเทพฯ", Category.land_housing, "stable", 1.9, (_BKK,),
          (-11, -7), (
              ("ชุมชนริมคลองโดนไล่ที่ ไม่มีที่อยู่ใหม่รองรับ", ("ชุมชน", "ริมคลอง", "ไล่ที่"), _NEG),
          )),
    _Spec(18, "ไฟถนนดับ · นครราชสีมา", Category.electricity, "growing", 3.5, (_KORAT,),
          (-6, -5, -1), (
              ("ไฟถนนดับทั้งเส้น มืดมาก ขับรถกลับบ้านน่ากลัว", ("ไฟถนน", "ดับ", "มืด"), _NEG),
          )),
    _Spec(19, "ท่อระบายน้ำอุดตัน · หาดใหญ่", Category.flood_water, "stable", 2.5, ("สงขลา",),
          (-13, -12, -8), (
              ("ท่อระบายน้ำอุดตัน ฝนตกนิดเดียวน้ำรอระบาย", ("ท่อระบายน้ำ", "อุดตัน", "น้ำรอระบาย"), _NEG),
          )),
    _Spec(20, "ไฟป่า · แม่ฮ่องสอน", Category.public_safety, "emerging", 7.9, ("แม่ฮ่องสอน",),
          (-1, -1, 0, 1), (
              ("ไฟป่าลามใกล้หมู่บ้าน 🔥 ควันเต็มไปหมด", ("ไฟป่า", "หมู่บ้าน", "ควัน"), _NEG),
              ("อาสาดับไฟป่าทำงานทั้งคืน ขอบคุณมากครับ 🙏", ("อาสา", "ไฟป่า", "ขอบคุณ"), _POS),
          )),
    _Spec(21, "หมาจรจัด · นนทบุรี", Category.noise_nuisance, "fading", 0.8, ("นนทบุรี",),
          (-17, -12), (
              ("หมาจรจัดในซอยไล่กัดเด็ก ขอให้เทศบาลมาจับ", ("หมาจรจัด", "เทศบาล"), _NEG),
          )),
    _Spec(22, "คิวโรงพยาบาลยาว · อุดรธานี", Category.public_health, "stable", 2.7, ("อุดรธานี",),
          (-9, -8, -4), (
              ("รอคิวโรงพยาบาลตั้งแต่ตีห้า ได้พบหมอบ่ายสาม", ("คิว", "โรงพยาบาล", "หมอ"), _NEG),
          )),
    _Spec(23, "น้ำกร่อย · สมุทรปราการ", Category.water_supply, "growing", 4.4, ("สมุทรปราการ",),
          (-5, -4, -1, 0), (
              ("น้ำประปากร่อยๆ ที่บางพลี ต้มกาแฟรสแปลก", ("น้ำประปา", "กร่อย", "บางพลี"), _NEG),
          )),
    # The traffic lights of Phitsanulok: reported fixed in mid-October
    # (resolved_cases.REOPEN_COMPLAINT), then still broken, then fixed for good in November.
    _Spec(24, "ไฟจราจรเสีย · พิษณุโลก", Category.road_traffic, "fading", 0.5, ("พิษณุโลก",),
          (-16, -14, -12, -9, -7, 6), (
              ("ไฟจราจรแยกใหญ่เสีย รถติดยาว", ("ไฟจราจร", "แยก", "รถติด"), _NEG),
              ("ไฟจราจรแยกโคกมะตูมดับทั้งแยก ตำรวจต้องมายืนโบกรถ",
               ("ไฟจราจร", "แยก", "โคกมะตูม", "ดับ", "ตำรวจ"), _NEG),
              ("บอกว่าซ่อมแล้ว แต่ไฟจราจรแยกโคกมะตูมยังเสียอยู่เหมือนเดิม",
               ("บอกว่าซ่อมแล้ว", "ไฟจราจร", "แยก", "โคกมะตูม", "ยังเสีย", "เหมือนเดิม",
                "เมืองพิษณุโลก"), _NEG),
              ("ไฟจราจรแยกโคกมะตูมกระพริบอีกแล้ว ปิดเรื่องทั้งที่ยังไม่ได้ซ่อม",
               ("ไฟจราจร", "แยก", "โคกมะตูม", "อีกแล้ว", "ปิดเรื่อง", "ไม่ได้ซ่อม",
                "เมืองพิษณุโลก"), _NEG),
              ("แยกโคกมะตูมรถชนกันอีกรอบ เพราะไฟจราจรยังเสีย",
               ("แยก", "โคกมะตูม", "รถชน", "อีกรอบ", "ไฟจราจร", "ยังเสีย", "เมืองพิษณุโลก"), _NEG),
              ("ไฟจราจรแยกโคกมะตูมซ่อมเสร็จแล้ว รถไม่ติดแล้ว ขอบคุณตำรวจครับ",
               ("ไฟจราจร", "แยก", "โคกมะตูม", "ซ่อมเสร็จ", "ขอบคุณ", "ตำรวจ"), _POS),
          )),
    _Spec(PM25_BKK, "ฝุ่น PM2.5 · กรุงเทพฯ", Category.waste_environment, "growing", 5.6, (_BKK,),
          (-4, -3, -3, -1, 0), (
              ("ฝุ่น PM2.5 กรุงเทพวันนี้สีแดง 😷 ใส่หน้ากากด้วย", ("ฝุ่น", "pm2.5", "กรุงเทพ"), _NEG),
              ("ค่าฝุ่นลดลงแล้ว ฟ้าเริ่มเห็นตึก", ("ฝุ่น", "ลดลง"), _NEU),
          )),
    _Spec(26, "แท็กซี่ปฏิเสธผู้โดยสาร", Category.transport, "stable", 1.5, (_BKK,),
          (-7, -6), (
              ("แท็กซี่ปฏิเสธผู้โดยสารหน้าห้าง บอกไม่ไปทางนั้น", ("แท็กซี่", "ปฏิเสธ"), _NEG),
          )),
]  # fmt: skip


def _spec_rows(spec: _Spec) -> list[_Row]:
    rows = []
    for i, day in enumerate(spec.days):
        text, tokens, sentiment = spec.texts[i % len(spec.texts)]
        hour = 7 + (i * 5) % 14  # 07:00 .. 20:00 Bangkok
        rows.append(
            _Row(
                f"t{spec.topic_id}-{i}",
                spec.topic_id,
                day * 24 + hour - T0.hour,
                spec.provinces[i % len(spec.provinces)],
                text,
                list(tokens),
                sentiment,
                spec.category,
                "x" if spec.topic_id == TAP_BKK and i == 0 else _PLATFORMS[i % len(_PLATFORMS)],
            )
        )
    return rows


_ROWS = _FIRST_ROWS + [row for spec in _SPECS for row in _spec_rows(spec)]
ROWS_BY_ID = {row.post_id: row for row in _ROWS}


def _post(row: _Row) -> Post:
    return make_post(
        row.native_id,
        row.text,
        platform=row.platform,
        created_at=row.at,
        province=row.province,
        sentiment=row.sentiment,
        category=row.category,
        tokens=row.tokens,
    ).model_copy(update={"url": f"https://example.invalid/{row.platform}/{row.native_id}"})


def _spike(rows: list[_Row], score: float) -> SpikeEpisode:
    """The topic's busiest Bangkok day as a spike episode, measured against one post a day."""
    by_day: dict[str, list[_Row]] = {}
    for row in rows:
        by_day.setdefault(row.at.date().isoformat(), []).append(row)
    day_rows = max(by_day.values(), key=len)
    start = day_rows[0].at.replace(hour=0, minute=0)
    return SpikeEpisode(
        start=start,
        peak=max(day_rows, key=lambda r: r.hours).at.replace(minute=0),
        end=start + timedelta(days=1),
        score=score,
        observed=len(day_rows),
        expected=round(max(0.2, len(rows) / 14), 2),
        post_ids=[r.post_id for r in day_rows],
    )


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
    rows = sorted((r for r in _ROWS if r.topic == topic_id), key=lambda r: r.hours)
    provinces: dict[str, int] = {}
    sentiments: dict[str, int] = {}
    daily: dict[str, int] = {}
    for row in rows:
        provinces[row.province] = provinces.get(row.province, 0) + 1
        sentiments[row.sentiment] = sentiments.get(row.sentiment, 0) + 1
        daily[row.at.date().isoformat()] = daily.get(row.at.date().isoformat(), 0) + 1
    return Topic(
        topic_id=topic_id,
        label=label,
        phrase=phrase,
        keywords=[Keyword(word=w, weight=round(0.9 - 0.15 * i, 2)) for i, w in enumerate(words)],
        size=len(rows),
        representative_post_ids=[r.post_id for r in rows[:2]],
        provinces=provinces,
        sentiment_mix=sentiments,
        dominant_category=category,
        first_seen=rows[0].at,
        last_seen=rows[-1].at,
        status=status,
        spike_score=spike,
        spikes=[_spike(rows, spike)] if spike >= 3 else [],
        counts_daily=daily,
    )


def _spec_topic(spec: _Spec) -> Topic:
    text, tokens, _ = spec.texts[0]
    return _topic(spec.topic_id, spec.label, text, list(tokens)[:4], status=spec.status,
                  spike=spec.spike, category=spec.category)  # fmt: skip


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
    *(_spec_topic(spec) for spec in _SPECS),
]  # fmt: skip
TOPIC_BY_ID = {topic.topic_id: topic for topic in TOPICS}


def trending(limit: int | None = None) -> list[Topic]:
    """Topics as the API lists them by default: strongest spike first, then the largest."""
    ranked = sorted(TOPICS, key=lambda t: (-t.spike_score, -t.size, t.topic_id))
    return ranked[:limit]


def quiet_days(topic_id: int) -> list[str]:
    """Bangkok days inside the topic's first..last day on which it had no post."""
    topic = TOPIC_BY_ID[topic_id]
    day, last = topic.first_seen.date(), topic.last_seen.date()
    quiet = []
    while day <= last:
        if day.isoformat() not in topic.counts_daily:
            quiet.append(day.isoformat())
        day += timedelta(days=1)
    return quiet


def posts_of(topic_id: int) -> list[str]:
    """Texts of a topic's posts, newest first (what the drill-down lists)."""
    rows = sorted((r for r in _ROWS if r.topic == topic_id), key=lambda r: -r.hours)
    return [r.text for r in rows]


def post_ids_of(topic_id: int) -> list[str]:
    """Ids of a topic's posts, oldest first."""
    return [r.post_id for r in sorted(_ROWS, key=lambda r: r.hours) if r.topic == topic_id]


def count_by_province() -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in _ROWS:
        counts[row.province] = counts.get(row.province, 0) + 1
    return counts


def emoji_posts() -> list[str]:
    """Ids of the posts whose text carries an emoji."""
    return [r.post_id for r in _ROWS if any(ord(c) >= 0x1F300 for c in r.text)]


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


def fill(store: Store) -> None:
    """Write every post, topic and the emergence into ``store``."""
    posts = [_post(r) for r in _ROWS]
    store.upsert_posts(posts)
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(len(posts), 4)).astype(np.float32)
    store.save_enrichment(posts, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))
    store.assign_topics({p.id: r.topic for p, r in zip(posts, _ROWS, strict=True)})
    store.replace_topics(TOPICS)
    store.upsert_emergences([EMERGENCE], judged_until=T0 + timedelta(hours=20))


__all__ = [
    "EMERGENCE",
    "EMOJI_POST",
    "EMOJI_QUERY",
    "FLOOD",
    "PM25_BKK",
    "POWER",
    "ROAD",
    "ROWS_BY_ID",
    "SMOG",
    "TAP_BKK",
    "TOPICS",
    "TOPIC_BY_ID",
    "WATER",
    "count_by_province",
    "emoji_posts",
    "fill",
    "post_ids_of",
    "posts_of",
    "quiet_days",
    "trending",
]
