# -*- coding: utf-8 -*-
"""Incidents and decoys for corpus_c."""
from datetime import timedelta

import gen_util as U
from phrases_places import PROVINCES, DIALECT_TAILS
from phrases_registers import EMOJI, STRETCH
from phrases_incidents_1 import INCIDENTS_1
from phrases_incidents_2 import INCIDENTS_2
from phrases_incidents_3 import INCIDENTS_3
from phrases_decoys import NATIONAL, ROUTINE, STORM

INCIDENTS = INCIDENTS_1 + INCIDENTS_2 + INCIDENTS_3
PROV = {p[0]: p for p in PROVINCES}

PANTIP_TAILS = ["\nมีใครอยู่แถวนั้นอัปเดตหน่อยครับ", "\nขอข้อมูลเพิ่มเติมหน่อยค่ะ",
                "\nตั้งกระทู้ไว้ให้คนในพื้นที่อัปเดตกันนะคะ"]
LATE_PREFIX = ["อัปเดต: ", "อัปเดตค่ะ "]


def _post(platform, dt, text, author, source, **meta):
    return {"platform": platform, "dt": dt, "text": text, "author": author, "source": source, "meta": meta}


POSITIVE = ("ขอบคุณ", "มาแล้ว", "ไหลแล้ว", "ลดแล้ว", "ปลอดภัย", "ดีขึ้น", "ใสขึ้น", "ได้แล้ว", "ปกติแล้ว")
EMOJI_POS = ["🙏", "🥹", "😊", "👍", "❤️", "🙏🙏"]
EMOJI_NEG = [e for e in EMOJI if e not in ("🙏", "👏")]


def _decorate(rng, text, region, tags, platform, p_tag=0.2):
    positive = any(w in text for w in POSITIVE)
    if rng.random() < 0.12:
        text = U.stretch(rng, text, STRETCH)
    if rng.random() < 0.15 and any(c.isdigit() for c in text):
        text = U.thai_digits(text)
    if region in DIALECT_TAILS and not positive and rng.random() < 0.12:
        text = text + " " + rng.choice(DIALECT_TAILS[region])
    if not U.has_emoji(text) and rng.random() < 0.3:
        text = text + " " + rng.choice(EMOJI_POS if positive else EMOJI_NEG)
    if tags and rng.random() < (p_tag * 2 if platform in ("x", "bluesky") else p_tag):
        text = text + " " + rng.choice(tags)
    return text


def _pick(rng, cands, usage):
    """Least-used template first, so an incident's posts vary."""
    m = min(usage.get(t, 0) for t in cands)
    t = rng.choice([t for t in cands if usage.get(t, 0) == m])
    usage[t] = usage.get(t, 0) + 1
    return t


def _choose(rng, spec, phase, noplace, want_res, dt, off, usage):
    """Pick a template for this moment: right phase, conditions met, resolution lines last;
    prefer the planned place/no-place kind but switch rather than repeat a line."""
    keys = [phase + ("_np" if noplace else ""), phase + ("" if noplace else "_np")]
    for res in (want_res, not want_res):
        cands = []
        for k, key in enumerate(keys):
            for t in spec[key]:
                conds, _body = U.split_cond(t)
                if ("r" in conds) == res and U.cond_ok(conds, dt, off):
                    cands.append((usage.get(t, 0) + k, key, t))
        if cands:
            m = min(c[0] for c in cands)
            _s, key, t = rng.choice([c for c in cands if c[0] == m])
            usage[t] = usage.get(t, 0) + 1
            return key.endswith("_np"), t
    raise SystemExit("no template fits %s at %s" % (spec["id"], U.iso(dt)))


def _offsets(rng, start, n, n6, hours):
    early = sorted(rng.uniform(0.05, 5.95) for _ in range(n6 - 1))
    late = []
    while len(late) < n - n6 - 1:
        h = rng.uniform(6.05, hours - 0.05)
        if U.accept_hour(rng, start + timedelta(hours=h)) or rng.random() < 0.25:
            late.append(h)
    return [0.0] + early + sorted(late) + [float(hours)]


def build_incidents(rng, authors, used_texts):
    posts = []
    for spec in INCIDENTS:
        start = U.parse_local(spec["start"])
        n, n6, hours = spec["n"], spec["n6"], spec["hours"]
        region = PROV[spec["province"]][1]
        offs = _offsets(rng, start, n, n6, hours)
        n_np = int(round(n * 0.33))
        np_idx = set(rng.sample(range(1, n), n_np))
        n_late = sum(1 for h in offs if h >= 6)
        k_res = max(1, int(round(n_late * 0.35)))
        usage, place_usage = {}, {}
        seen_auth = set()
        late_i = 0
        pw = {k: v for k, v in spec["platforms"].items() if v > 0}
        plats = [U.wdict(rng, pw) for _ in range(n)]
        want = min(len(pw), 3 if n >= 7 else 2)
        while len(set(plats)) < want:
            missing = [k for k in pw if k not in plats]
            plats[rng.randrange(1, n)] = rng.choice(missing)
        for i, h in enumerate(offs):
            dt = start + timedelta(hours=h, seconds=rng.randint(0, 59))
            if i == n - 1:
                dt = start + timedelta(hours=hours)
            phase = "early" if h < 6 else "late"
            want_res = phase == "late" and late_i >= n_late - k_res
            late_i += phase == "late"
            platform = plats[i]
            text, noplace = None, i in np_idx
            for _ in range(60):
                is_np, tpl = _choose(rng, spec, phase, i in np_idx, want_res, dt, h, usage)
                body = U.split_cond(tpl)[1]
                t = body if is_np else U.put_place(rng, body, _pick(rng, spec["places"], place_usage))
                if phase == "late" and not want_res and rng.random() < 0.1:
                    t = rng.choice(LATE_PREFIX) + t
                t = _decorate(rng, t, region, spec["tags"], platform, p_tag=0.25)
                if platform == "pantip" and rng.random() < 0.6:
                    t = t + rng.choice(PANTIP_TAILS)
                if 10 <= len(t) <= 280 and t not in used_texts:
                    text, noplace = t, is_np
                    break
            if text is None:
                raise SystemExit("could not make a unique text for %s" % spec["id"])
            used_texts.add(text)
            author = authors.fresh(platform, seen_auth)
            seen_auth.add(author)
            src = U.source_for(rng, platform, U.kw_in(rng, text, spec["kw"]), None, spec["problem"])
            if platform == "facebook":
                src = "page:" + rng.choice(spec["pages"])
            posts.append(_post(platform, dt, text, author, src, kind="incident", label=spec["id"],
                               prov=spec["province"], prob=spec["problem"], place=not noplace))
    return posts


# ---------------------------------------------------------------- F1 national story
def _amount(rng):
    s = "{:,}".format(rng.randint(65, 480) * 10)
    return U.thai_digits(s) if rng.random() < 0.15 else s


def build_national(rng, authors, used_texts):
    spec = NATIONAL
    start = U.parse_local(spec["start"])
    names = [p[0] for p in PROVINCES]
    weights = [p[2] for p in PROVINCES]
    chosen = []
    while len(chosen) < spec["n_prov"]:
        c = U.wchoice(rng, names, weights)
        if c not in chosen:
            chosen.append(c)
    counts = {c: 1 for c in chosen}
    while sum(counts.values()) < spec["n"]:
        c = U.wchoice(rng, chosen, [PROV[c][2] for c in chosen])
        if counts[c] < 4:
            counts[c] += 1
    slots = [c for c in chosen for _ in range(counts[c])]
    rng.shuffle(slots)
    offs = [0.0]
    while len(offs) < spec["n"]:
        h = spec["hours"] * (rng.random() ** 1.7)
        if U.accept_hour(rng, start + timedelta(hours=h)):
            offs.append(h)
    offs.sort()
    posts, seen_auth = [], set()
    plat_w = {"x": 30, "facebook": 30, "youtube": 10, "bluesky": 5, "pantip": 7, "news_comment": 18}
    for h, prov in zip(offs, slots):
        dt = start + timedelta(hours=h, seconds=rng.randint(0, 59))
        platform = U.wdict(rng, plat_w)
        name, region, _w, shorts, _d = PROV[prov]
        text, named = None, True
        for _ in range(80):
            named = rng.random() < 0.9
            if named:
                pool = spec["with_prov"]
                if region in spec["with_prov_region"] and rng.random() < 0.35:
                    pool = spec["with_prov_region"][region]
                form = rng.choice([name] + shorts + ([] if region == "bkk" else ["จ." + name]))
                t = rng.choice(pool).replace("{prov}", form)
            else:
                t = rng.choice(spec["no_prov"])
            t = t.replace("{amt}", _amount(rng)).replace("{em}", rng.choice(EMOJI))
            if rng.random() < 0.2:
                t = t + " #ค่าไฟแพง"
            if 10 <= len(t) <= 280 and t not in used_texts:
                text = t
                break
        if text is None:
            raise SystemExit("national story: no unique text")
        used_texts.add(text)
        author = authors.fresh(platform, seen_auth)
        seen_auth.add(author)
        src = U.source_for(rng, platform, U.kw_in(rng, text, spec["kw"]), None, "prices")
        if platform == "facebook":
            src = "page:" + rng.choice(spec["pages"])
        posts.append(_post(platform, dt, text, author, src, kind="national", label=spec["id"],
                           prov=prov, prob=spec["problem"], place=named))
    return posts


# ---------------------------------------------------------------- F2 routine peak
def build_routine(rng, authors, used_texts, period_start, n_days):
    spec = ROUTINE
    h0, m0 = [int(x) for x in spec["window"][0].split(":")]
    h1, m1 = [int(x) for x in spec["window"][1].split(":")]
    lo, hi = h0 * 60 + m0, h1 * 60 + m1
    posts = []
    regulars = [authors.fresh("x", set()) for _ in range(12)]
    for d in range(n_days):
        day = period_start + timedelta(days=d)
        weekend = day.weekday() >= 5
        k = U.wchoice(rng, [1, 2, 3], [0.7, 0.25, 0.05] if weekend else [0.3, 0.5, 0.2])
        seen_auth = set()
        for _ in range(k):
            minute = rng.randint(lo, hi - 1)
            dt = day + timedelta(minutes=minute, seconds=rng.randint(0, 59))
            platform = U.wdict(rng, {"x": 65, "facebook": 20, "bluesky": 15})
            text = None
            for _ in range(80):
                t = rng.choice(spec["lines"]).replace("{road}", rng.choice(spec["roads"]))
                t = t.replace("{em}", rng.choice(["😮‍💨", "🚗", "🥲", "😩", "🙄", "⏰"]))
                if rng.random() < 0.1:
                    t = U.stretch(rng, t, ["ติด", "เลย", "แล้ว"])
                if 10 <= len(t) <= 280 and t not in used_texts:
                    text = t
                    break
            if text is None:
                raise SystemExit("routine peak: no unique text")
            used_texts.add(text)
            if platform == "x" and rng.random() < 0.5:
                author = rng.choice([a for a in regulars if a not in seen_auth] or regulars)
            else:
                author = authors.fresh(platform, seen_auth)
            seen_auth.add(author)
            src = U.source_for(rng, platform, U.kw_in(rng, text, spec["kw"]), "กทม.", "transport")
            posts.append(_post(platform, dt, text, author, src, kind="routine", label=spec["id"],
                               prov=spec["province"], prob=spec["problem"], place=True))
    return posts


# ---------------------------------------------------------------- F3 repost storm
def build_storm(rng, authors, used_texts):
    spec = STORM
    start = U.parse_local(spec["start"])
    seen_auth = set()
    author = authors.fresh("facebook", seen_auth)
    seen_auth.add(author)
    posts = [_post("facebook", start, spec["text"], author, "group:คนวังทอง", kind="storm",
                   label=spec["id"], prov=spec["province"], prob=spec["problem"], place=True)]
    used_texts.add(spec["text"])
    offs = sorted(spec["hours"] * (rng.random() ** 1.4) for _ in range(spec["n_reposts"] - 1))
    offs.append(spec["hours"])
    for h in offs:
        h = max(h, 0.02)
        dt = start + timedelta(hours=h, seconds=rng.randint(0, 59))
        platform = U.wdict(rng, {"facebook": 55, "x": 35, "bluesky": 10})
        text = None
        for _ in range(100):
            t = spec["text"]
            if rng.random() < 0.6:
                pre = rng.choice(spec["prefixes"])
                if platform != "x" and pre == "RT ":
                    pre = "แชร์ต่อ "
                t = pre + t
            for s in rng.sample(spec["suffixes"], rng.randint(1, 2)):
                t = t + s
            if len(t) <= 280 and t not in used_texts:
                text = t
                break
        if text is None:
            raise SystemExit("repost storm: no unique text")
        used_texts.add(text)
        author = authors.fresh(platform, seen_auth)
        seen_auth.add(author)
        src = U.source_for(rng, platform, U.kw_in(rng, text, spec["kw"]), "พิษณุโลก", "dogs")
        posts.append(_post(platform, dt, text, author, src, kind="storm", label=spec["id"],
                           prov=spec["province"], prob=spec["problem"], place=True))
    return posts
