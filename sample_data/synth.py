"""Generate Siang's synthetic sample: Thai posts, formal complaints and the ground truth.

Every record is marked ``"synthetic": true``. Run ``python -m sample_data.synth`` to
rewrite ``posts.jsonl``, ``complaints.jsonl`` and ``truth.json`` beside this file; the
same seed always gives byte-identical files. Phrases live in ``phrasebook.yaml``.
"""

from __future__ import annotations

import argparse
import json
import random
import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
BANGKOK = timezone(timedelta(hours=7))
START = datetime(2026, 10, 20, tzinfo=BANGKOK)
DAYS = 30
# Relative posting volume per hour of day (quiet 01–06, peaks at lunch and evening).
RHYTHM = [3, 2, 1, 1, 1, 1, 2, 4, 6, 6, 6, 7, 9, 8, 6, 6, 6, 7, 9, 11, 12, 12, 9, 6]
PLATFORMS = [
    ("x", 35),
    ("facebook", 25),
    ("pantip", 15),
    ("youtube", 10),
    ("news_comment", 10),
    ("bluesky", 5),
]
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
NAMES = [
    "สมชาย",
    "สมหญิง",
    "น้องฝน",
    "พี่ต้น",
    "แม่บ้านใจดี",
    "มนุษย์เงินเดือน",
    "ลุงแดง",
    "ป้าศรี",
    "เด็กช่าง",
    "คนรักแมว",
    "ชาวนนท์",
    "หนุ่มโคราช",
    "สาวหาดใหญ่",
    "ติ่งเกา",
]


@dataclass
class Sample:
    posts: list[dict[str, Any]] = field(default_factory=list)
    truth: dict[str, dict[str, Any]] = field(default_factory=dict)
    complaints: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)
    bursts: list[dict[str, Any]] = field(default_factory=list)


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.book = yaml.safe_load((HERE / "phrasebook.yaml").read_text(encoding="utf-8"))
        self.sample = Sample()
        self.counters: dict[str, int] = {}
        self.burst_keys = {(b["category"], b["province"]) for b in self.book["bursts"]}

    # building blocks -------------------------------------------------------------------
    def moment(self, day: int) -> datetime:
        hour = self.rng.choices(range(24), weights=RHYTHM)[0]
        return START + timedelta(
            days=day, hours=hour, minutes=self.rng.randrange(60), seconds=self.rng.randrange(60)
        )

    def place(self, province: str | None = None) -> tuple[dict[str, Any], str, str]:
        """(place entry, district, the words used in the post)."""
        places = self.book["places"]
        entry = (
            next(p for p in places if p["province"] == province)
            if province
            else self.rng.choice(places)
        )
        district = self.rng.choice(entry["districts"])
        style = self.rng.random()
        if style < 0.45:
            words = district
        elif style < 0.7:
            words = f"{district} {self.rng.choice(entry['names'])}"
        else:
            words = self.rng.choice(entry["names"])
        return entry, district, words

    def fill(
        self, template: str, *, sentiment: str, category: str | None, where: str, district: str = ""
    ) -> str:
        cat = self.book["categories"].get(category or "", {})
        text = template.format(
            place=where,
            d=district or where,
            emo=self.rng.choice(self.book["emoji"][sentiment]),
            tag=self.rng.choice([*cat.get("tags", [""]), ""]),
            slang=self.rng.choice(self.book["slang"]),
            agency=self.rng.choice(cat.get("agency", ["หน่วยงาน"])),
            when=self.rng.choice(self.book["when"]),
        )
        return self.decorate(" ".join(text.split()))

    def decorate(self, text: str) -> str:
        """Real-world noise: Thai digits, Buddhist-era years, URLs, and some PII to redact."""
        roll = self.rng.random()
        if roll < 0.05:
            text += f" (แจ้งครั้งที่ {str(self.rng.randint(2, 9)).translate(THAI_DIGITS)})"
        elif roll < 0.08:
            text += f" ตั้งแต่ปี พ.ศ. {self.rng.choice(['2568', '๒๕๖๙', '2569'])}"
        elif roll < 0.12:
            text += f" https://t.co/{''.join(self.rng.choices(string.ascii_letters, k=10))}"
        elif roll < 0.14:
            text += " " + self.pii()
        return text

    def pii(self) -> str:
        kind = self.rng.randrange(4)
        if kind == 0:
            return (
                f"ติดต่อ 08{self.rng.randint(1, 9)}-{self.rng.randint(100, 999)}-"
                f"{self.rng.randint(1000, 9999)}"
            )
        if kind == 1:
            return f"อีเมล somchai{self.rng.randint(1, 999)}@example.com"
        if kind == 2:
            digits = [self.rng.randint(1, 8)] + [self.rng.randint(0, 9) for _ in range(11)]
            check = (11 - sum(d * (13 - i) for i, d in enumerate(digits)) % 11) % 10
            s = "".join(map(str, digits)) + str(check)
            return f"เลขบัตร {s[0]}-{s[1:5]}-{s[5:10]}-{s[10:12]}-{s[12]}"
        return (
            f"โอนมาที่บัญชี {self.rng.randint(100, 999)}-{self.rng.randint(0, 9)}-"
            f"{self.rng.randint(10000, 99999)}-{self.rng.randint(0, 9)}"
        )

    def emit(
        self,
        text: str,
        created: datetime,
        *,
        category: str,
        province: str | None,
        sentiment: str,
        platform: str | None = None,
    ) -> str:
        platform = (
            platform
            or self.rng.choices([p for p, _ in PLATFORMS], weights=[w for _, w in PLATFORMS])[0]
        )
        native, url, source = self.identity(platform, category)
        author = self.rng.choice(NAMES) + str(self.rng.randint(1, 400))
        views = self.rng.randint(20, 20000)
        record = {
            "platform": platform,
            "native_id": native,
            "url": url,
            "author": author,
            "text": text,
            "created_at": created.isoformat(),
            "lang": "th",
            "source": source,
            "engagement": {
                "likes": self.rng.randint(0, views // 10 + 1),
                "replies": self.rng.randint(0, 80),
                "shares": self.rng.randint(0, 50),
                "views": views,
            },
            "synthetic": True,
        }
        self.sample.posts.append(record)
        post_id = f"{platform}:{native}"
        self.sample.truth[post_id] = {
            "category": category,
            "province": province,
            "sentiment": sentiment,
        }
        return native

    def identity(self, platform: str, category: str) -> tuple[str, str, str]:
        n = self.counters[platform] = self.counters.get(platform, 0) + 1
        query = f"keyword:{self.rng.choice(['ร้องเรียน', 'น้ำท่วม', 'ไฟดับ', 'ถนนพัง', 'น้ำประปา'])}"
        if platform == "x":
            native = str(1853000000000000000 + n * 7919)
            return native, f"https://x.com/i/status/{native}", query
        if platform == "facebook":
            page = self.rng.choice(["1111official", "drama.addict", "khonthai.news"])
            native = f"{100000 + n}_{8800000 + n * 13}"
            return native, f"https://www.facebook.com/{page}/posts/{native}", f"page:{page}"
        if platform == "pantip":
            native = f"4{2300000 + n * 3}"
            return native, f"https://pantip.com/topic/{native}", "pantip:ห้องสินธร"
        if platform == "youtube":
            native = "Ugx" + "".join(self.rng.choices(string.ascii_letters + string.digits, k=20))
            video = "".join(self.rng.choices(string.ascii_letters + string.digits, k=11))
            return native, f"https://www.youtube.com/watch?v={video}&lc={native}", "video:ข่าวเช้า"
        if platform == "bluesky":
            native = "3l" + "".join(self.rng.choices("abcdefghijklmnopqrstuvwxyz234567", k=11))
            return native, f"https://bsky.app/profile/citizen{n}.bsky.social/post/{native}", query
        native = str(900000 + n)
        return (
            native,
            f"https://www.thairath.co.th/news/local/{2700000 + n}#comment-{native}",
            "news:thairath",
        )

    # the sample --------------------------------------------------------------------------
    def background(self) -> None:
        categories = list(self.book["categories"])
        for day in range(DAYS):
            for _ in range(self.rng.randint(80, 100)):
                created = self.moment(day)
                if self.rng.random() < 0.2:
                    _, _, where = self.place()
                    text = self.fill(
                        self.rng.choice(self.book["offtopic"]),
                        sentiment="positive",
                        category=None,
                        where=where,
                    )
                    self.emit(text, created, category="none", province=None, sentiment="positive")
                    continue
                category = self.rng.choice(categories)
                entry, _district, where = self.place()
                if (category, entry["province"]) in self.burst_keys and self.rng.random() < 0.9:
                    continue  # keep the planted bursts' topics quiet beforehand
                sentiment = self.rng.choices(["negative", "positive", "neutral"], [75, 12, 13])[0]
                template = self.rng.choice(self.book["categories"][category][sentiment])
                text = self.fill(template, sentiment=sentiment, category=category, where=where)
                self.emit(
                    text,
                    created,
                    category=category,
                    province=entry["province"],
                    sentiment=sentiment,
                )

    def plant_bursts(self) -> None:
        for burst in self.book["bursts"]:
            start = datetime.fromisoformat(burst["start"])
            ids = []
            for _ in range(burst["posts"]):
                if self.rng.random() < 0.85:
                    offset = min(self.rng.expovariate(3.0 / burst["hours"]), burst["hours"] * 1.5)
                else:
                    offset = burst["hours"] + self.rng.uniform(0, 36)
                created = start + timedelta(hours=offset)
                district = self.rng.choice(burst["districts"])
                text = self.fill(
                    self.rng.choice(burst["phrases"]),
                    sentiment="negative",
                    category=burst["category"],
                    where=district,
                    district=district,
                )
                native = self.emit(
                    text,
                    created,
                    category=burst["category"],
                    province=burst["province"],
                    sentiment="negative",
                )
                ids.append(f"{self.sample.posts[-1]['platform']}:{native}")
            self.sample.bursts.append(
                {
                    "name": burst["name"],
                    "category": burst["category"],
                    "province": burst["province"],
                    "start": start.isoformat(),
                    "end": (start + timedelta(hours=burst["hours"])).isoformat(),
                    "post_ids": ids,
                }
            )
            for k in range(3):
                filed = start + timedelta(hours=2 + 2 * k, minutes=self.rng.randrange(60))
                self.complaint(
                    burst["category"],
                    burst["province"],
                    self.rng.choice(burst["districts"]),
                    filed,
                    spot="",
                )

    def complaint(
        self, category: str, province: str, district: str, filed: datetime, *, spot: str
    ) -> str:
        number = len(self.sample.complaints) + 1
        subject, description = self.book["complaint_templates"][category]
        where = f"{district} จังหวัด{province}" if province != "กรุงเทพมหานคร" else f"เขต{district}"
        detail = f" บริเวณ{spot}" if spot else ""
        record = {
            "complaint_id": f"1111-2569-{number:06d}",
            "filed_at": filed.isoformat(),
            "channel": self.rng.choice(
                ["hotline_1111", "website", "line_oa", "mobile_app", "letter", "walk_in"]
            ),
            "category": category,
            "agency": self.book["complaint_agencies"][category],
            "province": province,
            "district": district,
            "subject": subject.format(district=where) + detail,
            "description": description.format(district=where + detail),
            "status": self.rng.choice(
                ["received", "in_progress", "forwarded", "resolved", "closed"]
            ),
            "synthetic": True,
        }
        self.sample.complaints.append(record)
        return record["complaint_id"]

    def linked_complaints(self, count: int = 70) -> None:
        categories = list(self.book["categories"])
        for _ in range(count):
            category = self.rng.choice(categories)
            entry, district, _ = self.place()
            if (category, entry["province"]) in self.burst_keys:
                continue
            filed = self.moment(self.rng.randrange(3, DAYS - 3))
            spot = self.rng.choice(
                [
                    f"ซอย {self.rng.randint(2, 60)}",
                    "หน้าตลาดสด",
                    "หน้าวัด",
                    "ข้างโรงเรียน",
                    "หน้าหมู่บ้าน",
                    "ปากซอย",
                ]
            )
            complaint_id = self.complaint(category, entry["province"], district, filed, spot=spot)
            for _ in range(self.rng.randint(2, 6)):
                created = filed + timedelta(hours=self.rng.uniform(-72, 120))
                template = self.rng.choice(self.book["categories"][category]["negative"])
                where = f"{spot} {district}" if self.rng.random() < 0.7 else district
                if self.rng.random() < 0.3:
                    where += f" {self.rng.choice(entry['names'])}"
                text = self.fill(template, sentiment="negative", category=category, where=where)
                native = self.emit(
                    text,
                    created,
                    category=category,
                    province=entry["province"],
                    sentiment="negative",
                )
                self.sample.links.append(
                    {
                        "native_id": native,
                        "platform": self.sample.posts[-1]["platform"],
                        "complaint_id": complaint_id,
                    }
                )
            # A hard negative: same province and category, a different district and problem.
            others = [d for d in entry["districts"] if d != district]
            if others:
                template = self.rng.choice(self.book["categories"][category]["negative"])
                text = self.fill(
                    template, sentiment="negative", category=category, where=self.rng.choice(others)
                )
                self.emit(
                    text,
                    filed + timedelta(hours=self.rng.uniform(-24, 48)),
                    category=category,
                    province=entry["province"],
                    sentiment="negative",
                )

    def other_complaints(self, total: int = 185) -> None:
        categories = list(self.book["categories"])
        while len(self.sample.complaints) < total:
            entry, district, _ = self.place()
            self.complaint(
                self.rng.choice(categories),
                entry["province"],
                district,
                self.moment(self.rng.randrange(DAYS)),
                spot="",
            )


MALFORMED = [
    ("not JSON at all", "{this is not json"),
    (
        "missing text",
        json.dumps(
            {
                "platform": "x",
                "native_id": "bad-1",
                "created_at": "2026-11-01T10:00:00+07:00",
                "synthetic": True,
            }
        ),
    ),
    (
        "empty text",
        json.dumps(
            {
                "platform": "x",
                "native_id": "bad-2",
                "text": "  ",
                "created_at": "2026-11-01T10:00:00+07:00",
                "synthetic": True,
            }
        ),
    ),
    (
        "created_at is not a date",
        json.dumps(
            {
                "platform": "x",
                "native_id": "bad-3",
                "text": "ไฟดับ",
                "created_at": "เมื่อวาน",
                "synthetic": True,
            },
            ensure_ascii=False,
        ),
    ),
    (
        "created_at is not a real date",
        json.dumps(
            {
                "platform": "x",
                "native_id": "bad-4",
                "text": "น้ำท่วม",
                "created_at": "30/02/2569 10:00",
                "synthetic": True,
            },
            ensure_ascii=False,
        ),
    ),
    (
        "platform is not a string",
        json.dumps(
            {
                "platform": 7,
                "native_id": "bad-5",
                "text": "ถนนพัง",
                "created_at": "2026-11-01T10:00:00+07:00",
                "synthetic": True,
            },
            ensure_ascii=False,
        ),
    ),
]


def generate(seed: int = 2569, out_dir: Path = HERE) -> dict[str, int]:
    """Write the sample into ``out_dir`` and return its counts."""
    gen = Generator(seed)
    gen.background()
    gen.plant_bursts()
    gen.linked_complaints()
    gen.other_complaints()
    sample = gen.sample
    sample.posts.sort(key=lambda r: (r["created_at"], r["platform"], r["native_id"]))
    lines = [json.dumps(p, ensure_ascii=False, sort_keys=True) for p in sample.posts]
    malformed = []
    for reason, line in MALFORMED:
        lines.append(line)
        malformed.append({"line": len(lines), "reason": reason})
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "posts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sample.complaints.sort(key=lambda c: c["complaint_id"])
    (out_dir / "complaints.jsonl").write_text(
        "".join(
            json.dumps(c, ensure_ascii=False, sort_keys=True) + "\n" for c in sample.complaints
        ),
        encoding="utf-8",
    )
    truth = {
        "synthetic": True,
        "seed": seed,
        "window": {"start": START.isoformat(), "end": (START + timedelta(days=DAYS)).isoformat()},
        "posts": dict(sorted(sample.truth.items())),
        "bursts": sample.bursts,
        "links": sample.links,
        "malformed": malformed,
    }
    (out_dir / "truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return {
        "posts": len(sample.posts),
        "complaints": len(sample.complaints),
        "bursts": len(sample.bursts),
        "links": len(sample.links),
        "malformed": len(malformed),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2569)
    parser.add_argument("--out-dir", type=Path, default=HERE)
    print(generate(parser.parse_args().seed, parser.parse_args().out_dir))
