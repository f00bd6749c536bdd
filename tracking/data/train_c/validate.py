#!/usr/bin/env python3
"""Validate the train_c reopen-tracking training set (complaints.jsonl, posts.jsonl, truth.jsonl).

Usage: python3 validate.py [DIR]   (DIR defaults to the folder of this script)
Prints every problem found and a summary; exit status 1 if any error.
"""
import json
import os
import re
import sys
from collections import Counter, defaultdict
from datetime import datetime, timedelta

DIR = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))

CATEGORIES = {"road_traffic", "water_supply", "electricity", "flood_water", "waste_environment",
              "public_safety", "noise_nuisance", "telecom", "public_health", "transport", "consumer",
              "education", "land_housing", "welfare", "corruption"}
PLATFORMS = {"x", "facebook", "pantip", "youtube", "bluesky", "news_comment"}
STANCES = {"before_resolution", "still_broken", "fixed", "unrelated"}
STATUS_ORDER = ["received", "forwarded", "in_progress", "resolved"]
WINDOW = timedelta(days=30)
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
PII = [
    ("phone", re.compile(r"(?<!\d)0\d{1,2}[- .]?\d{3}[- .]?\d{3,4}(?!\d)")),
    ("phone_plus66", re.compile(r"\+?66[- ]?\d{1,2}[- ]?\d{3}[- ]?\d{4}")),
    ("long_digits", re.compile(r"\d{9,}")),
    ("thai_id", re.compile(r"(?<!\d)\d[- ]?\d{4}[- ]?\d{5}[- ]?\d{2}[- ]?\d(?!\d)")),
    ("email", re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")),
    ("line_id", re.compile(r"(?i)line\s*id\s*[:：]")),
]

errors = []


def err(msg):
    errors.append(msg)


def load(name):
    rows = []
    path = os.path.join(DIR, name)
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            if not line.strip():
                err(f"{name}:{i}: blank line")
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                err(f"{name}:{i}: JSON error {e}")
    return rows


def ts(s, where):
    try:
        t = datetime.fromisoformat(s)
    except (TypeError, ValueError):
        err(f"{where}: bad timestamp {s!r}")
        return None
    if t.utcoffset() != timedelta(hours=7):
        err(f"{where}: timestamp not +07:00: {s}")
    return t


def pii_check(text, where):
    t = (text or "").translate(THAI_DIGITS)
    for name, rx in PII:
        m = rx.search(t)
        if m:
            err(f"{where}: {name}-like string {m.group(0)!r}")


complaints = load("complaints.jsonl")
posts = load("posts.jsonl")
truth = load("truth.jsonl")

# ---- complaints
C = {}
resolved_at = {}
for c in complaints:
    cid = c.get("complaint_id")
    w = f"complaint {cid}"
    if not re.fullmatch(r"U-\d{3}", str(cid)):
        err(f"{w}: bad id")
    if cid in C:
        err(f"{w}: duplicate id")
    C[cid] = c
    need = ["complaint_id", "filed_at", "channel", "category", "agency", "province", "district",
            "subdistrict", "subject", "description", "status", "history", "synthetic"]
    for k in need:
        if k not in c or c[k] in (None, ""):
            err(f"{w}: missing {k}")
    if c.get("channel") != "1111":
        err(f"{w}: channel must be '1111'")
    if c.get("category") not in CATEGORIES:
        err(f"{w}: bad category {c.get('category')}")
    if c.get("status") not in ("resolved", "in_progress"):
        err(f"{w}: bad status {c.get('status')}")
    if c.get("synthetic") is not True:
        err(f"{w}: synthetic must be true")
    for k in ("district", "subdistrict"):
        v = c.get(k, "")
        if re.match(r"^(อ\.|อำเภอ|เขต|ต\.|ตำบล|แขวง)", v):
            err(f"{w}: {k} has a prefix: {v}")
    for k in ("subject", "description"):
        pii_check(c.get(k), f"{w} {k}")
    filed = ts(c.get("filed_at"), f"{w} filed_at")
    if filed and not (datetime(2025, 7, 1, tzinfo=filed.tzinfo) <= filed < datetime(2025, 12, 1, tzinfo=filed.tzinfo)):
        err(f"{w}: filed_at outside 1 Jul - 30 Nov 2025")
    hist = c.get("history") or []
    if not hist:
        err(f"{w}: empty history")
        continue
    prev_t, prev_i = None, -1
    for j, h in enumerate(hist):
        hw = f"{w} history[{j}]"
        t = ts(h.get("at"), hw)
        st = h.get("status")
        if st not in STATUS_ORDER:
            err(f"{hw}: bad status {st}")
            continue
        if not h.get("agency"):
            err(f"{hw}: missing agency")
        if "note" in h:
            pii_check(h["note"], hw)
        i = STATUS_ORDER.index(st)
        if i != prev_i + 1:
            err(f"{hw}: status {st} out of sequence")
        prev_i = i
        if t and prev_t and t < prev_t:
            err(f"{hw}: history not in time order")
        prev_t = t or prev_t
    if hist[0].get("status") != "received" or hist[0].get("agency") != "ศูนย์บริการประชาชน":
        err(f"{w}: first history step must be received by ศูนย์บริการประชาชน")
    if hist[0].get("at") != c.get("filed_at"):
        err(f"{w}: filed_at != received time")
    last = hist[-1].get("status")
    if c.get("status") == "resolved":
        if last != "resolved":
            err(f"{w}: resolved complaint without final resolved step")
        else:
            r = ts(hist[-1]["at"], f"{w} resolved")
            resolved_at[cid] = r
            if r and filed:
                gap = r - filed
                if not (timedelta(days=1) <= gap <= timedelta(days=25, hours=23, minutes=59)):
                    err(f"{w}: resolution {gap} after filing (want 1-25 days)")
    elif c.get("status") == "in_progress" and last != "in_progress":
        err(f"{w}: in_progress complaint must stop at in_progress (last={last})")

# ---- posts
P = {}
times = []
for k, p in enumerate(posts):
    pid = p.get("post_id", "")
    w = f"post {pid}"
    if pid in P:
        err(f"{w}: duplicate post_id")
    P[pid] = p
    for f in ("post_id", "platform", "created_at", "text", "author", "synthetic"):
        if f not in p or p[f] in (None, ""):
            err(f"{w}: missing {f}")
    m = re.fullmatch(r"([a-z_]+):u(\d{4})", pid)
    if not m:
        err(f"{w}: bad post_id format")
        continue
    if m.group(1) != p.get("platform"):
        err(f"{w}: id prefix does not match platform {p.get('platform')}")
    if p.get("platform") not in PLATFORMS:
        err(f"{w}: bad platform")
    if p.get("synthetic") is not True:
        err(f"{w}: synthetic must be true")
    t = ts(p.get("created_at"), w)
    times.append((int(m.group(2)), t, pid))
    pii_check(p.get("text"), w)
    pii_check(p.get("author"), f"{w} author")
times.sort()
for n, (num, t, pid) in enumerate(times, 1):
    if num != n:
        err(f"post {pid}: numbering gap/duplicate (expected u{n:04d})")
for (n1, t1, p1), (n2, t2, p2) in zip(times, times[1:]):
    if t1 and t2 and t2 < t1:
        err(f"post {p2}: numbered after {p1} but earlier in time")

# ---- truth
post_truth, comp_truth = {}, {}
for r in truth:
    if "post_id" in r:
        pid = r["post_id"]
        if pid in post_truth:
            err(f"truth: duplicate row for post {pid}")
        post_truth[pid] = r
        if pid not in P:
            err(f"truth: unknown post {pid}")
        if r.get("complaint_id") not in C:
            err(f"truth {pid}: unknown complaint {r.get('complaint_id')}")
        if r.get("stance") not in STANCES:
            err(f"truth {pid}: bad stance {r.get('stance')}")
        if not r.get("note"):
            err(f"truth {pid}: missing note")
    elif "complaint_id" in r and "reopen" in r:
        cid = r["complaint_id"]
        if cid in comp_truth:
            err(f"truth: duplicate row for complaint {cid}")
        comp_truth[cid] = r
        if cid not in C:
            err(f"truth: unknown complaint {cid}")
        if not isinstance(r["reopen"], bool):
            err(f"truth {cid}: reopen must be bool")
        if not r.get("note"):
            err(f"truth {cid}: missing note")
    else:
        err(f"truth: unrecognised row {r}")
for pid in P:
    if pid not in post_truth:
        err(f"truth: no row for post {pid}")
for cid in C:
    if cid not in comp_truth:
        err(f"truth: no row for complaint {cid}")

# ---- label / time consistency
by_c = defaultdict(Counter)
for pid, r in post_truth.items():
    if pid not in P or r.get("complaint_id") not in C:
        continue
    cid, st = r["complaint_id"], r["stance"]
    by_c[cid][st] += 1
    t = ts(P[pid]["created_at"], pid)
    R = resolved_at.get(cid)
    if st in ("still_broken", "fixed"):
        if R is None:
            err(f"truth {pid}: {st} for unresolved complaint {cid}")
        elif t and not (R < t <= R + WINDOW):
            err(f"truth {pid}: {st} at {t} outside ({R}, R+30d] of {cid}")
    elif st == "before_resolution":
        if R is not None and t and not t < R:
            err(f"truth {pid}: before_resolution at {t} not before R={R} of {cid}")
for cid, r in comp_truth.items():
    if cid not in C:
        continue
    want = C[cid]["status"] == "resolved" and by_c[cid]["still_broken"] > 0
    if r["reopen"] != want:
        err(f"truth {cid}: reopen={r['reopen']} but labels imply {want}")

# ---- summary
st_counts = Counter(r["stance"] for r in post_truth.values())
plat = Counter(p.get("platform") for p in posts)
n_res = sum(1 for c in C.values() if c["status"] == "resolved")
n_reopen = sum(1 for r in comp_truth.values() if r["reopen"])
no_post = [cid for cid, c in C.items() if c["status"] == "resolved"
           and by_c[cid]["still_broken"] + by_c[cid]["fixed"] == 0]
print(f"complaints: {len(C)} (resolved {n_res}, in_progress {len(C) - n_res})")
print(f"reopen candidates: {n_reopen} ({(100 * n_reopen / n_res) if n_res else 0:.0f}% of resolved)")
print(f"resolved without fixed/still_broken posts: {len(no_post)} {no_post}")
print(f"posts: {len(P)}  stances: {dict(st_counts)}")
print(f"platforms: {dict(plat)}")
print(f"categories: {dict(Counter(c['category'] for c in C.values()))}")
print(f"provinces: {dict(Counter(c['province'] for c in C.values()))}")
for e in errors:
    print("ERROR", e)
print(f"{len(errors)} errors")
sys.exit(1 if errors else 0)
