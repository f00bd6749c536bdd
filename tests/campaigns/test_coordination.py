"""Campaign flags: many accounts posting one text at once, a few accounts pushing one subject,
and the look-alikes that are not campaigns (a repost storm, a busy news page)."""

from __future__ import annotations

from datetime import timedelta

from campaigns.coordination import detect
from domain.models import Post
from domain.settings import CampaignSettings
from tests.conftest import T0, make_post

SETTINGS = CampaignSettings()
_LOAN = "สินเชื่อด่วน ไม่เช็คบูโร อนุมัติไว ทักไลน์มาเลย ดอกเบี้ยต่ำ รับเงินภายในวันเดียว"


def _post(n: int, text: str, *, author: str, minutes: float, cluster: str | None = None) -> Post:
    post = make_post(f"{n}", text, created_at=T0 + timedelta(minutes=minutes))
    return post.model_copy(update={"author": author, "cluster_id": cluster or post.id})


def _copies(accounts: int, *, every_minutes: float, first: int = 0) -> list[Post]:
    return [
        _post(first + i, f"{_LOAN} #{i}", author=f"acct{i}", minutes=i * every_minutes,
              cluster=f"x:{first}")
        for i in range(accounts)
    ]  # fmt: skip


def test_ten_accounts_posting_one_text_within_an_hour_are_a_campaign_with_its_evidence() -> None:
    posts = _copies(10, every_minutes=6)
    (campaign,) = detect(posts, SETTINGS, now=T0 + timedelta(days=1))
    assert campaign.kind == "copied_text"
    assert campaign.campaign_id == "copy:x:0"
    assert campaign.accounts == [f"acct{i}" for i in range(10)]
    assert campaign.post_ids == [p.id for p in posts]
    assert campaign.text == posts[0].text
    assert campaign.start == posts[0].created_at and campaign.end == posts[-1].created_at
    assert campaign.span_hours == 0.9
    assert campaign.reason == "10 บัญชีโพสต์ข้อความเดียวกันภายใน 54 นาที"


def test_a_repost_storm_spread_over_a_day_is_not_a_campaign() -> None:
    # 30 accounts share a warning, one every 50 minutes: at most 4 within any 3 hours.
    assert detect(_copies(30, every_minutes=50), SETTINGS, now=T0 + timedelta(days=2)) == []


def test_too_few_accounts_or_one_account_repeating_is_not_a_campaign() -> None:
    few = _copies(7, every_minutes=5)
    one = [p.model_copy(update={"author": "same"}) for p in _copies(12, every_minutes=5, first=100)]
    assert detect(few + one, SETTINGS, now=T0) == []


def test_the_thresholds_come_from_config() -> None:
    posts = _copies(7, every_minutes=5)
    looser = SETTINGS.model_copy(update={"copy_min_accounts": 6})
    assert [c.kind for c in detect(posts, looser, now=T0)] == ["copied_text"]


_LANDFILL = [
    "บ่อขยะหนองบัวส่งกลิ่นเหม็นทั้งหมู่บ้าน เด็กป่วยกันหมดแล้ว",
    "ใครจะรับผิดชอบบ่อขยะหนองบัว น้ำเสียไหลลงคลองอีกแล้ว",
    "ขอให้ย้ายบ่อขยะออกจากหนองบัว ชาวบ้านทนกลิ่นไม่ไหว",
    "บ่อขยะหนองบัวไฟไหม้อีกแล้ว ควันเต็มหมู่บ้าน",
    "กลิ่นบ่อขยะหนองบัวแรงมากตอนกลางคืน นอนไม่ได้",
    "แมลงวันจากบ่อขยะหนองบัวเต็มบ้าน ใครจะแก้ไข",
    "บ่อขยะหนองบัวไม่มีใบอนุญาต ต้องปิดทันที",
    "รถขยะวิ่งเข้าบ่อขยะหนองบัวทั้งคืน ถนนพังหมด",
]
_CHATTER = [
    "วันนี้อากาศร้อนมาก กินน้ำเยอะๆ นะ",
    "รถติดบนถนนพระรามสี่ตั้งแต่เช้า",
    "ร้านกาแฟใหม่หน้าปากซอยอร่อยดี",
    "ฝนตกหนักแถวบางนา ระวังน้ำท่วมขัง",
    "ราคาหมูขึ้นอีกแล้ว ตลาดเช้านี้",
    "ดูบอลเมื่อคืนสนุกมาก",
    "ลูกสอบเข้าเรียนต่อได้แล้ว ดีใจ",
    "ไฟดับแถวลาดพร้าวสองชั่วโมง",
]


def _words(text: str) -> list[str]:
    # Whitespace plus the subject's compound words, as the Thai tokenizer would keep them.
    out: list[str] = []
    for chunk in text.split():
        for word in ("บ่อขยะ", "หนองบัว"):
            chunk = chunk.replace(word, f" {word} ")
        out += chunk.split()
    return out


def _authored(n: int, text: str, author: str, hours: float) -> Post:
    post = make_post(f"{n}", text, created_at=T0 + timedelta(hours=hours), tokens=_words(text))
    return post.model_copy(update={"author": author, "cluster_id": post.id})


def test_three_accounts_pushing_one_subject_for_days_are_a_few_accounts_campaign() -> None:
    posts = [
        _authored(a * 100 + i, _LANDFILL[(i + a) % 8], f"push{a}", hours=i * 20 + a)
        for a in range(3)
        for i in range(6)
    ]
    # Two busy accounts who talk about everything, over the same days.
    posts += [
        _authored(1000 + a * 100 + i, _CHATTER[(i + 3 * a) % 8], f"chat{a}", hours=i * 15 + a)
        for a in range(2)
        for i in range(8)
    ]
    (campaign,) = detect(posts, SETTINGS, now=T0 + timedelta(days=6))
    assert campaign.kind == "few_accounts"
    assert campaign.accounts == ["push0", "push1", "push2"]
    assert campaign.posts == 18 and len(campaign.post_ids) == 18
    assert campaign.campaign_id.startswith("few:")
    assert {"บ่อขยะ", "หนองบัว"} <= set(campaign.keywords[:3])
    assert campaign.span_hours >= 48
    assert campaign.reason.startswith("3 บัญชีโพสต์เรื่องเดียวกัน 18 โพสต์ใน")


def test_a_few_accounts_over_one_day_or_with_too_few_posts_are_not_flagged() -> None:
    one_day = [
        _authored(a * 100 + i, _LANDFILL[i % 8], f"push{a}", hours=i + a)
        for a in range(3)
        for i in range(6)
    ]
    too_few = [
        _authored(a * 100 + i, _LANDFILL[i % 8], f"push{a}", hours=i * 20)
        for a in range(2)
        for i in range(5)
    ]
    assert detect(one_day, SETTINGS, now=T0) == []
    assert detect(too_few, SETTINGS, now=T0) == []


def test_anonymous_posts_are_nobodys_account() -> None:
    posts = [p.model_copy(update={"author": None}) for p in _copies(12, every_minutes=5)]
    assert detect(posts, SETTINGS, now=T0) == []
