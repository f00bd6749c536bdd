# -*- coding: utf-8 -*-
"""Background stream for corpus_c: isolated grievances, neutral posts and chatter."""
from datetime import timedelta

import gen_util as U
from phrases_places import PROVINCES, LOCAL_ANCHORS, DIALECT_TAILS
from phrases_problems_a import PROBLEMS_A
from phrases_problems_b import PROBLEMS_B
from phrases_registers import (REGISTERS, PLATFORM_REGISTERS, EMO, RESP, IMPACT, QTAIL, EMOJI, STRETCH)
from phrases_chatter import CHATTER, CHATTER_REGION, CHATTER_KW

PROBLEMS = dict(PROBLEMS_A)
PROBLEMS.update(PROBLEMS_B)
PROB_KEYS = list(PROBLEMS.keys())
PROB_W = [PROBLEMS[k]["w"] for k in PROB_KEYS]
PROV_NAMES = [p[0] for p in PROVINCES]
PROV_W = [p[2] for p in PROVINCES]
PROV = {p[0]: p for p in PROVINCES}

# short words that keyword collectors also search for (a post's source names one that occurs in it)
EXTRA_KW = {
    "road": ["ถนน", "หลุม", "ไฟทาง", "ฝาท่อ", "สะพาน", "ทางเท้า"],
    "power": ["ไฟดับ", "ไฟตก", "หม้อแปลง", "สายไฟ", "ไฟกระพริบ", "1129"],
    "water": ["น้ำไม่ไหล", "ประปา", "ท่อแตก", "น้ำประปา", "ค่าน้ำ"],
    "garbage": ["ขยะ", "รถขยะ", "ถังขยะ"],
    "flood": ["น้ำท่วม", "ท่อระบายน้ำ", "น้ำขัง", "ปั๊มสูบน้ำ"],
    "storm": ["พายุ", "ต้นไม้ล้ม", "ลมแรง", "ลูกเห็บ", "กิ่งไม้"],
    "pollution": ["เหม็น", "ควัน", "ฝุ่น", "น้ำเสีย", "โรงงาน"],
    "internet": ["เน็ต", "สัญญาณ", "ไฟเบอร์", "คอลเซ็นเตอร์"],
    "transport": ["รถเมล์", "รถตู้", "รถไฟ", "สองแถว"],
    "noise": ["เสียงดัง", "ท่อดัง", "เด็กแว้น", "คาราโอเกะ", "เสาเข็ม"],
    "hospital": ["โรงพยาบาล", "รอคิว", "บัตรทอง", "หมอ", "ฉุกเฉิน"],
    "dengue": ["ไข้เลือดออก", "ยุง", "ลูกน้ำ", "ทรายอะเบท"],
    "disease": ["ตาแดง", "ไข้หวัดใหญ่", "ท้องร่วง", "โรค"],
    "corruption": ["งบ", "ผู้รับเหมา", "ใต้โต๊ะ", "โครงการ"],
    "crime": ["ขโมย", "วิ่งราว", "ยา", "มั่วสุม"],
    "dogs": ["หมาจรจัด", "หมากัด", "หมา"],
    "school": ["โรงเรียน", "เปิดเทอม", "ครู", "อาหารกลางวัน", "ชุดพละ"],
    "welfare": ["เบี้ย", "บัตรสวัสดิการ", "เงินช่วยเหลือ"],
    "scam": ["คอลเซ็นเตอร์", "หลอก", "SMS", "ลิงก์", "ดูดเงิน"],
    "prices": ["แพง", "ราคา", "ปุ๋ย", "ค่าแรง"],
    "land": ["ไล่ที่", "โฉนด", "ที่ดิน", "ที่ทำกิน"],
}
BG_PLATFORM_W = {"x": 34, "facebook": 28, "youtube": 8, "bluesky": 7, "pantip": 10, "news_comment": 13}
H48 = timedelta(hours=48)


def short_of(prov):
    return PROV[prov][3][0]


def _num(rng):
    s = str(rng.randint(1, 24))
    return U.thai_digits(s) if rng.random() < 0.3 else s


def place_phrase(rng, prov):
    name, region, _w, shorts, dists = PROV[prov]
    bkk = region == "bkk"
    provforms = ([name] if not bkk else []) + shorts + ([] if bkk else ["จ." + name])
    pf = rng.choice(provforms)
    dlist = list(dists) + ([] if bkk or name == "พระนครศรีอยุธยา" else ["อ.เมือง" + name])
    d = rng.choice(dlist)
    if d == "อ.เมือง" + name and pf == name:
        pf = "จ." + name
    anchor = rng.choice(LOCAL_ANCHORS).replace("{n}", _num(rng))
    r = rng.random()
    if r < 0.25:
        return pf
    if r < 0.47:
        return "%s %s" % (d, pf)
    if r < 0.60:
        return "%s %s" % (d, "กทม." if bkk else "จ." + name)
    if r < 0.75:
        return "%s %s" % (anchor, d)
    if r < 0.85 and not (d.startswith("อ.") or d.startswith("เขต")):
        return d                      # towns people name on their own: หาดใหญ่, พัทยา ...
    if r < 0.93:
        return "%s %s %s" % (anchor, d, pf)
    return "%s %s" % (anchor, pf)


BKK_ONLY = {"กทม.", "สำนักงานเขต", "ขสมก.", "กฟน.", "กปน.", "สำนักการระบายน้ำ"}
PROVINCE_ONLY = {"อบต.", "กฟภ.", "กปภ.", "การไฟฟ้าส่วนภูมิภาค", "อบจ.", "อุตสาหกรรมจังหวัด", "พาณิชย์จังหวัด",
                 "ขนส่งจังหวัด", "ผู้ว่าฯ", "ประปาหมู่บ้าน", "ทางหลวงชนบท", "ผู้ใหญ่บ้าน", "สสจ.", "พมจ.",
                 "โรงพยาบาลประจำจังหวัด", "ปศุสัตว์", "สภ."}


def agency(rng, prov, prob):
    bkk = PROV[prov][1] == "bkk"
    skip = PROVINCE_ONLY if bkk else BKK_ONLY
    ags = [a for a in PROBLEMS[prob]["ag"] if a not in skip]
    return rng.choice(ags or PROBLEMS[prob]["ag"])


def _fill(rng, tpl, prob, pl, prov):
    P = PROBLEMS[prob]
    c, c2 = rng.sample(P["c"], 2)
    if "{pl}" in tpl:
        tpl = U.put_place(rng, tpl, pl or "")
    return (tpl.replace("{c2}", c2).replace("{c}", c)
            .replace("{ag}", agency(rng, prov, prob)).replace("{noun}", P["noun"])
            .replace("{emo}", rng.choice(EMO)).replace("{resp}", rng.choice(RESP))
            .replace("{impact}", rng.choice(IMPACT)).replace("{q}", rng.choice(QTAIL))
            .replace("{tag}", rng.choice(P["tags"])).replace("{em}", rng.choice(EMOJI)))


def grievance_text(rng, platform, prov, prob):
    region = PROV[prov][1]
    for _ in range(40):
        reg = U.wdict(rng, PLATFORM_REGISTERS[platform])
        named = rng.random() < 0.8
        tpls = [t for t in REGISTERS[reg] if ("{pl}" in t) == named] or REGISTERS[reg]
        tpl = rng.choice(tpls)
        pl = place_phrase(rng, prov) if "{pl}" in tpl else None
        t = _fill(rng, tpl, prob, pl, prov)
        if pl is None and rng.random() < 0.15:
            t = t + "\n📍" + place_phrase(rng, prov)
            pl = True
        if rng.random() < 0.12:
            t = U.stretch(rng, t, STRETCH)
        if rng.random() < 0.1 and any(ch.isdigit() for ch in t):
            t = U.thai_digits(t)
        if region in DIALECT_TAILS and rng.random() < 0.25:
            t = t + " " + rng.choice(DIALECT_TAILS[region])
        if 10 <= len(t) <= 280:
            return t, pl is not None
    raise SystemExit("no grievance text fits for %s/%s" % (prov, prob))


def neutral_text(rng, prov, prob):
    P = PROBLEMS[prob]
    t = rng.choice(P["ok"]).replace("{ag}", agency(rng, prov, prob))
    named = rng.random() < 0.6
    if named:
        pl = place_phrase(rng, prov)
        t = rng.choice(["📍%s " + t, t + "\n📍%s", "[%s] " + t]) % pl
    return t, named


def chatter_text(rng, prov, dt):
    region = PROV[prov][1]
    pool = CHATTER_REGION[region] if region in CHATTER_REGION and rng.random() < 0.25 else CHATTER
    while True:
        conds, t = U.split_cond(rng.choice(pool))
        if U.cond_ok(conds, dt):
            break
    t = t.replace("{prov}", rng.choice(PROV[prov][3])).replace("{em}", rng.choice(EMOJI + ["😊", "🥰", "😂", "🌧️"]))
    if rng.random() < 0.08:
        t = U.stretch(rng, t, STRETCH)
    return t


class PairLog:
    """Times of background posts per (province, problem) for the 48-hour rule."""

    def __init__(self, forbidden):
        self.times = {}
        self.forbidden = forbidden            # (prov, prob) -> list of (lo, hi); None means always

    def ok(self, prov, prob, dt):
        f = self.forbidden.get((prov, prob), [])
        if f is None:
            return False
        for lo, hi in f:
            if lo <= dt <= hi:
                return False
        ts = sorted(self.times.get((prov, prob), []) + [dt])
        return all(ts[i + 2] - ts[i] >= H48 for i in range(len(ts) - 2))

    def add(self, prov, prob, dt):
        self.times.setdefault((prov, prob), []).append(dt)


def _mk(platform, dt, text, author, source, **meta):
    return {"platform": platform, "dt": dt, "text": text, "author": author, "source": source, "meta": meta}


def _issue_post(rng, authors, used, log, dt, prov, prob, neutral):
    platform = U.wdict(rng, BG_PLATFORM_W)
    for _ in range(30):
        text, named = neutral_text(rng, prov, prob) if neutral else grievance_text(rng, platform, prov, prob)
        if text not in used:
            break
    else:
        return None
    used.add(text)
    log.add(prov, prob, dt)
    src = U.source_for(rng, platform, U.kw_in(rng, text, PROBLEMS[prob]["kw"] + EXTRA_KW.get(prob, [])),
                       short_of(prov), prob)
    return _mk(platform, dt, text, authors.background(platform), src,
               kind="bg_neutral" if neutral else "bg_griev", prov=prov, prob=prob, place=named)


def _chatter_post(rng, authors, used, dt):
    prov = U.wchoice(rng, PROV_NAMES, PROV_W)
    platform = U.wdict(rng, BG_PLATFORM_W)
    for _ in range(40):
        t = chatter_text(rng, prov, dt)
        if rng.random() < 0.5 and t not in used:
            break
        t2 = t + " " + rng.choice(["😊", "555", "🥰", "✨", "ฮ่าๆ", "🙂", "🤣", "💕", "เนอะ", "จ้า"])
        if t2 not in used:
            t = t2
            break
    used.add(t)
    src = U.source_for(rng, platform, U.kw_in(rng, t, CHATTER_KW, fallback=False), short_of(prov), None,
                       chatter=True)
    return _mk(platform, dt, t, authors.background(platform), src, kind="bg_chatter", prov=prov, prob=None,
               place=False)


def daily_count(rng, day):
    base = [21, 20, 20, 21, 22, 17, 15][day.weekday()]
    return max(12, min(29, base + rng.randint(-4, 4)))


def random_time_in_day(rng, day):
    return day + timedelta(hours=U.sample_hour(rng), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))


def build_background(rng, authors, used, period_start, n_days, forbidden, forced_pairs):
    log = PairLog(forbidden)
    posts = []
    # forced history: a few isolated background posts for chosen incident pairs
    forced_by_day = {}
    for prov, prob, k in forced_pairs:
        placed = 0
        for _ in range(500):
            if placed == k:
                break
            d = rng.randrange(n_days)
            dt = random_time_in_day(rng, period_start + timedelta(days=d))
            if log.ok(prov, prob, dt):
                p = _issue_post(rng, authors, used, log, dt, prov, prob, neutral=False)
                if p:
                    posts.append(p)
                    forced_by_day[d] = forced_by_day.get(d, 0) + 1
                    placed += 1
        if placed < k:
            raise SystemExit("could not place forced history for %s/%s" % (prov, prob))
    for d in range(n_days):
        day = period_start + timedelta(days=d)
        n = daily_count(rng, day) - forced_by_day.get(d, 0)
        for _ in range(n):
            dt = random_time_in_day(rng, day)
            r = rng.random()
            post = None
            if r >= 0.40:
                neutral = r < 0.50
                for _ in range(40):
                    prov = U.wchoice(rng, PROV_NAMES, PROV_W)
                    prob = U.wchoice(rng, PROB_KEYS, PROB_W)
                    if log.ok(prov, prob, dt):
                        post = _issue_post(rng, authors, used, log, dt, prov, prob, neutral)
                        if post:
                            break
            if post is None:
                post = _chatter_post(rng, authors, used, dt)
            posts.append(post)
    return posts
