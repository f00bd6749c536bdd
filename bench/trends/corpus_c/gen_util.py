# -*- coding: utf-8 -*-
"""Helpers for corpus_c/generate.py: time, ids, authors, sources, text decoration.

Everything takes an explicit random.Random so that output never depends on hash seeds.
"""
from datetime import datetime, timedelta, timezone

TZ = timezone(timedelta(hours=7))

# relative posting activity by hour of day (Bangkok time)
HOUR_W = [0.45, 0.22, 0.10, 0.08, 0.10, 0.30, 0.70, 1.10, 1.20, 1.15, 1.20, 1.45,
          1.90, 1.55, 1.15, 1.10, 1.20, 1.35, 1.55, 1.90, 2.10, 2.10, 1.75, 1.05]
HOUR_MAX = max(HOUR_W)

PLATFORMS = ["x", "facebook", "youtube", "bluesky", "pantip", "news_comment"]


def parse_local(s):
    return datetime.fromisoformat(s).replace(tzinfo=TZ)


def iso(dt):
    return dt.astimezone(TZ).isoformat(timespec="seconds")


def wchoice(rng, items, weights):
    """Weighted choice over a list (order-stable)."""
    total = float(sum(weights))
    r = rng.random() * total
    acc = 0.0
    for it, w in zip(items, weights):
        acc += w
        if r < acc:
            return it
    return items[-1]


def wdict(rng, d):
    keys = list(d.keys())
    return wchoice(rng, keys, [d[k] for k in keys])


def sample_hour(rng):
    return wchoice(rng, list(range(24)), HOUR_W)


def accept_hour(rng, dt):
    """Rejection step so that free-floating posts follow the daily rhythm."""
    return rng.random() < HOUR_W[dt.hour] / HOUR_MAX


# ---------------------------------------------------------------- Thai text helpers
_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def thai_digits(s):
    return s.translate(_THAI_DIGITS)


def stretch(rng, text, words):
    """มาก -> มากกกก : repeat the last letter of one word."""
    present = [w for w in words if w in text]
    if not present:
        return text
    w = rng.choice(present)
    return text.replace(w, w + w[-1] * rng.randint(2, 4), 1)


def has_emoji(text):
    return any(ord(ch) > 0x2500 and not (0x0E00 <= ord(ch) <= 0x0E7F) for ch in text)


# ---------------------------------------------------------------- authors
SYL = ["nok", "ploy", "mint", "bank", "gun", "fah", "nam", "jom", "kaew", "boss", "tle", "aom", "pim",
       "beam", "ton", "oat", "nut", "fern", "mild", "gift", "toey", "pond", "may", "best", "kai", "ice",
       "film", "noon", "earth", "benz", "golf", "fluke", "new", "jay", "mew", "praew", "mook", "pang",
       "bow", "joy", "tan", "pui", "ning", "kwan", "jane", "oil", "som", "dao", "ple", "tay", "pat", "win"]
SURN = ["sri", "wong", "chai", "suk", "boon", "rat", "thong", "kaew", "jai", "porn", "sak", "phan",
        "deet", "nak", "saeng", "yai", "siri", "pong", "chan", "mee"]
TAIL = ["88", "99", "39", "2540", "_th", "55", "007", "kk", "zz", "1995", "2001", "_bkk", "x", "_",
        "00", "123", "jung", "naja", "_z", "24"]
THAI_NICK = ["คนโคราช", "ลุงบ้านนา", "สาวอีสาน", "หนุ่มใต้", "ป้าข้างวัด", "คนเหนือ", "ชาวบ้านธรรมดา",
             "พ่อค้าตลาดเช้า", "แม่บ้านขี้บ่น", "มนุษย์เงินเดือน", "นักเรียนมปลาย", "คนกรุง", "ผู้เสียภาษี",
             "วัยเกษียณ", "สิงห์รถบรรทุก", "ชาวนาไทย", "เด็กหอ", "คนต่างจังหวัด", "ลุงแว่น", "น้าหมู"]
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def make_author(rng, platform):
    a, b = rng.choice(SYL), rng.choice(SURN)
    if platform == "x":
        return rng.choice(["%s_%s%s", "%s%s%s", "%s.%s%s"]) % (a, b, rng.choice(TAIL))
    if platform == "facebook":
        return "%s.%s.%d" % (a, b, rng.randint(1, 9999))
    if platform == "youtube":
        if rng.random() < 0.4:
            return "@user-" + "".join(rng.choice(_ALNUM) for _ in range(8))
        return "@%s%s%s" % (a, b, rng.choice(TAIL))
    if platform == "bluesky":
        return "%s%s%s.bsky.social" % (a, b, rng.choice(["", "th", str(rng.randint(1, 99))]))
    if platform == "pantip":
        return "สมาชิกหมายเลข %d" % rng.randint(1000000, 8999999)
    if platform == "news_comment":
        if rng.random() < 0.3:
            return "guest%05d" % rng.randint(0, 99999)
        return "%s%d" % (rng.choice(THAI_NICK), rng.randint(1, 999))
    raise ValueError(platform)


class AuthorPool:
    """Per-platform pools; background picks with a heavy head (some people post a lot)."""

    def __init__(self, rng, size=700):
        self.rng = rng
        self.pool = {}
        for p in PLATFORMS:
            seen, lst = set(), []
            while len(lst) < size:
                h = make_author(rng, p)
                if h not in seen:
                    seen.add(h)
                    lst.append(h)
            self.pool[p] = lst

    def background(self, platform):
        lst = self.pool[platform]
        i = int(len(lst) * (self.rng.random() ** 2.2))
        return lst[min(i, len(lst) - 1)]

    def fresh(self, platform, exclude):
        lst = self.pool[platform]
        for _ in range(200):
            h = lst[self.rng.randrange(len(lst))]
            if h not in exclude:
                return h
        while True:
            h = make_author(self.rng, platform)
            if h not in exclude:
                return h


# ---------------------------------------------------------------- sources
YT_CHANNELS = ["ข่าวเช้าทั่วถิ่น", "สถานีข่าวภูมิภาค", "ชาวบ้านรายงาน", "ข่าวด่วนรอบวัน", "คุยข่าวริมทาง"]
NEWS_SITES = ["ข่าวภูมิภาครายวัน", "ข่าวชาวบ้านออนไลน์", "สำนักข่าวท้องถิ่นไทย", "ข่าวสดรอบทิศ"]
PANTIP_ROOM = {"hospital": "สวนลุมพินี", "dengue": "สวนลุมพินี", "disease": "สวนลุมพินี",
               "internet": "มาบุญครอง", "scam": "สินธร", "prices": "สินธร", "land": "ราชดำเนิน",
               "corruption": "ราชดำเนิน", "school": "ชานเรือน", "noise": "ชานเรือน", "dogs": "จตุจักร"}
PANTIP_CHATTER = ["ก้นครัว", "บลูแพลนเน็ต", "ชานเรือน", "สยามสแควร์", "เฉลิมไทย", "ห้องสมุด"]
FB_PAGE_FORMS = ["page:ข่าว{s}", "page:{s}บ้านเรา", "group:คน{s}", "page:ศูนย์ข่าว{s}", "group:เรื่องเล่าชาว{s}",
                 "page:{s}ทูเดย์"]
FB_GENERIC = ["page:ข่าวเด่นทั่วไทย", "group:คนไทยขี้บ่น", "page:เรื่องเล่าชาวบ้าน", "group:ตลาดนัดออนไลน์"]


def source_for(rng, platform, kw, short=None, problem=None, chatter=False):
    if platform in ("x", "bluesky"):
        return "keyword:" + kw if kw else "stream:sample"
    if platform == "facebook":
        if short is None or rng.random() < 0.2:
            return rng.choice(FB_GENERIC)
        return rng.choice(FB_PAGE_FORMS).format(s=short)
    if platform == "youtube":
        return "channel:" + rng.choice(YT_CHANNELS)
    if platform == "pantip":
        if chatter:
            return "room:" + rng.choice(PANTIP_CHATTER)
        return "room:" + PANTIP_ROOM.get(problem, rng.choice(["ราชดำเนิน", "ชานเรือน"]))
    if platform == "news_comment":
        return "site:" + rng.choice(NEWS_SITES)
    raise ValueError(platform)


# ---------------------------------------------------------------- native ids
_B32S = "234567abcdefghijklmnopqrstuvwxyz"
_B64U = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
TWITTER_EPOCH_MS = 1288834974657


def _epoch_ms(dt):
    return int(dt.timestamp() * 1000)


def make_native_id(rng, platform, dt, period_start, source):
    ms = _epoch_ms(dt) + rng.randint(0, 999)
    if platform == "x":
        return str(((ms - TWITTER_EPOCH_MS) << 22) | rng.getrandbits(22))
    if platform == "bluesky":
        us = ms * 1000 + rng.randint(0, 999)
        v = (us << 10) | rng.randint(0, 1023)
        out = []
        for _ in range(13):
            out.append(_B32S[v & 31])
            v >>= 5
        return "".join(reversed(out))
    if platform == "facebook":
        return "%d_%d" % (100064000000000 + _page_num(source), 10 ** 15 + rng.randint(0, 9 * 10 ** 15 - 1))
    if platform == "youtube":
        return rng.choice(["Ugx", "Ugy", "Ugz", "Ugw"]) + "".join(rng.choice(_B64U) for _ in range(22)) + "4AaABAg"
    secs = int((dt - period_start).total_seconds())
    if platform == "pantip":
        return str(43950000 + secs // 28 + rng.randint(0, 25))
    if platform == "news_comment":
        return str(71200000 + secs // 9 + rng.randint(0, 8))
    raise ValueError(platform)


def _page_num(source):
    # stable, hash-seed independent number for a page name
    v = 7
    for ch in source:
        v = (v * 131 + ord(ch)) % 999999937
    return v


# ---------------------------------------------------------------- template conditions
# A template may start with "[a,b]" conditions:
#   n  night (19:00-04:59)   d  daytime (06:00-18:59)   m  morning (05:00-11:59)
#   wd weekday               moN only in month N
#   hN at least N hours after the incident's first post
#   r  resolution line (used for the last posts of an incident)
def split_cond(tpl):
    if tpl.startswith("["):
        j = tpl.index("]")
        return [c for c in tpl[1:j].split(",") if c], tpl[j + 1:]
    return [], tpl


def cond_ok(conds, dt, off_h=None):
    for c in conds:
        if c == "n" and not (dt.hour >= 19 or dt.hour < 5):
            return False
        if c == "d" and not (6 <= dt.hour < 19):
            return False
        if c == "m" and not (5 <= dt.hour < 12):
            return False
        if c == "wd" and dt.weekday() >= 5:
            return False
        if c.startswith("mo") and dt.month != int(c[2:]):
            return False
        if c.startswith("h") and (off_h is None or off_h < float(c[1:])):
            return False
    return True


_ABBR = ("อ.", "ต.", "ถ.", "จ.", "ซ.", "รพ.", "เขต", "หมู่")


def _is_thai(ch):
    return "\u0e00" <= ch <= "\u0e7f"


def put_place(rng, tpl, pl):
    """Insert a place phrase the way people type it: no doubled แถว, usually a space before อ./ต./ถ."""
    i = tpl.index("{pl}")
    before, after = tpl[:i], tpl[i + 4:]
    if before.endswith("แถว") and pl.startswith("แถว"):
        pl = pl[len("แถว"):]
    if before.endswith("ที่") and pl.startswith("ที่"):
        pl = pl[len("ที่"):]
    if before and _is_thai(before[-1]) and pl.startswith(_ABBR) and rng.random() < 0.6:
        pl = " " + pl
    if after and _is_thai(after[0]) and (pl[-1].isdigit() or (" " in pl.strip() and rng.random() < 0.5)):
        pl = pl + " "
    return before + pl + after


def kw_in(rng, text, kws, fallback=True):
    """A search keyword that actually occurs in the text (collectors search by keyword)."""
    cands = [k for k in kws if k in text]
    if cands:
        return rng.choice(cands)
    return rng.choice(kws) if fallback else None
