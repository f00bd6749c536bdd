#!/usr/bin/env python3
"""Validate tracking/data/train_b/{complaints,posts,truth}.jsonl."""

import collections
import json
import re
import sys
from datetime import datetime, timedelta

D = sys.argv[1] if len(sys.argv) > 1 else "/work/main/tracking/data/train_b"
errs = []


def err(m):
    errs.append(m)


def load(name):
    rows = []
    with open(f"{D}/{name}", encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            try:
                rows.append(json.loads(line))
            except Exception as e:
                err(f"{name}:{i} does not parse: {e}")
    return rows


C, P, T = load("complaints.jsonl"), load("posts.jsonl"), load("truth.jsonl")
CATS = set(
    [
        "road_traffic",
        "water_supply",
        "electricity",
        "flood_water",
        "waste_environment",
        "public_safety",
        "noise_nuisance",
        "telecom",
        "public_health",
        "transport",
        "consumer",
        "education",
        "land_housing",
        "welfare",
        "corruption",
    ]
)
PLAT = set(["x", "facebook", "pantip", "youtube", "bluesky", "news_comment"])
STANCES = {"before_resolution", "still_broken", "fixed", "unrelated"}
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")


def ts(s, where):
    if not isinstance(s, str) or not ISO.match(s):
        err(f"{where}: bad timestamp {s!r}")
        return None
    return datetime.fromisoformat(s)


# complaints
cid_seen, R, status = set(), {}, {}
for c in C:
    cid = c.get("complaint_id")
    if cid in cid_seen:
        err(f"duplicate complaint {cid}")
    cid_seen.add(cid)
    need = [
        "complaint_id",
        "filed_at",
        "channel",
        "category",
        "agency",
        "province",
        "district",
        "subdistrict",
        "subject",
        "description",
        "status",
        "history",
        "synthetic",
    ]
    for k in need:
        if k not in c:
            err(f"{cid}: missing {k}")
    if not re.match(r"^T-\d{3}$", cid or ""):
        err(f"bad complaint id {cid}")
    if c.get("channel") != "1111":
        err(f"{cid}: channel")
    if c.get("category") not in CATS:
        err(f"{cid}: category {c.get('category')}")
    if c.get("synthetic") is not True:
        err(f"{cid}: synthetic")
    if c.get("status") not in ("resolved", "in_progress"):
        err(f"{cid}: status")
    for k in ("district", "subdistrict"):
        v = c.get(k, "")
        if v.startswith(("อ.", "เขต", "ต.", "แขวง", "อำเภอ", "ตำบล")):
            err(f"{cid}: {k} has prefix {v}")
    f = ts(c.get("filed_at"), cid)
    if f and not (
        datetime(2027, 1, 1, tzinfo=f.tzinfo) <= f < datetime(2027, 5, 31, tzinfo=f.tzinfo)
    ):
        err(f"{cid}: filed_at outside 1 Jan-30 May 2027")
    h = c.get("history", [])
    sts = [s.get("status") for s in h]
    exp = ["received", "forwarded", "in_progress"] + (
        ["resolved"] if c.get("status") == "resolved" else []
    )
    if sts != exp:
        err(f"{cid}: history statuses {sts} != {exp}")
    if h and h[0].get("at") != c.get("filed_at"):
        err(f"{cid}: filed_at != received at")
    if h and h[0].get("agency") != "ศูนย์บริการประชาชน":
        err(f"{cid}: received agency")
    times = [ts(s.get("at"), f"{cid} history") for s in h]
    for s in h:
        if not s.get("agency"):
            err(f"{cid}: history step without agency")
    if None not in times:
        for a, b in zip(times, times[1:]):
            if not a < b:
                err(f"{cid}: history not in time order")
    status[cid] = c.get("status")
    if c.get("status") == "resolved" and times and times[-1] and f:
        R[cid] = times[-1]
        dd = (times[-1] - f).total_seconds() / 86400
        if not (1 <= dd <= 25):
            err(f"{cid}: resolution {dd:.1f} days after filing")

# posts
pid_seen, ptime, prev = set(), {}, None
for i, p in enumerate(P, 1):
    pid = p.get("post_id", "")
    for k in ("post_id", "platform", "created_at", "text", "author", "synthetic"):
        if k not in p:
            err(f"{pid}: missing {k}")
    if pid in pid_seen:
        err(f"duplicate post {pid}")
    pid_seen.add(pid)
    m = re.match(r"^([a-z_]+):t(\d{4})$", pid)
    if not m:
        err(f"bad post id {pid}")
        continue
    if m.group(1) != p.get("platform"):
        err(f"{pid}: platform mismatch")
    if p.get("platform") not in PLAT:
        err(f"{pid}: platform {p.get('platform')}")
    if int(m.group(2)) != i:
        err(f"{pid}: numbering expected {i}")
    t = ts(p.get("created_at"), pid)
    ptime[pid] = t
    if prev and t and t < prev:
        err(f"{pid}: not in time order")
    prev = t or prev
    if p.get("synthetic") is not True:
        err(f"{pid}: synthetic")
    txt = p.get("text", "")
    if not txt.strip():
        err(f"{pid}: empty text")
    norm = txt.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
    if re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", norm):
        err(f"{pid}: e-mail-like string")
    if re.search(r"(?<!\d)0\d{1,2}[- ]?\d{3}[- ]?\d{3,4}(?!\d)", norm):
        err(f"{pid}: phone-like string")
    if re.search(r"\d{9,}", norm.replace("-", "").replace(" ", "")):
        err(f"{pid}: long digit run (phone/ID-like)")

# truth
tp, tc = collections.Counter(), collections.Counter()
by_c = collections.defaultdict(list)
reopen_flag = {}
for r in T:
    if "post_id" in r:
        tp[r["post_id"]] += 1
        if r["post_id"] not in pid_seen:
            err(f"truth refers to unknown post {r['post_id']}")
        if r.get("complaint_id") not in cid_seen:
            err(f"truth {r['post_id']}: unknown complaint {r.get('complaint_id')}")
        if r.get("stance") not in STANCES:
            err(f"truth {r['post_id']}: stance {r.get('stance')}")
        if not r.get("note"):
            err(f"truth {r['post_id']}: empty note")
        by_c[r.get("complaint_id")].append(r)
    else:
        tc[r.get("complaint_id")] += 1
        if r.get("complaint_id") not in cid_seen:
            err(f"truth refers to unknown complaint {r.get('complaint_id')}")
        if not isinstance(r.get("reopen"), bool):
            err(f"truth {r.get('complaint_id')}: reopen not bool")
        if not r.get("note"):
            err(f"truth {r.get('complaint_id')}: empty note")
        reopen_flag[r.get("complaint_id")] = r.get("reopen")
for pid in pid_seen:
    if tp[pid] != 1:
        err(f"post {pid} has {tp[pid]} truth rows")
for cid in cid_seen:
    if tc[cid] != 1:
        err(f"complaint {cid} has {tc[cid]} truth rows")

W = timedelta(days=30)
for cid in cid_seen:
    rows = by_c.get(cid, [])
    for r in rows:
        t, s = ptime.get(r["post_id"]), r["stance"]
        if t is None:
            continue
        if status[cid] == "in_progress":
            if s in ("still_broken", "fixed"):
                err(f"{r['post_id']}: {s} for in-progress {cid}")
            continue
        rr = R[cid]
        if s == "before_resolution" and not t < rr:
            err(f"{r['post_id']}: before_resolution at/after R of {cid}")
        if s in ("still_broken", "fixed") and not (rr < t <= rr + W):
            err(f"{r['post_id']}: {s} outside (R, R+30d] of {cid}")
    want = status[cid] == "resolved" and any(r["stance"] == "still_broken" for r in rows)
    if reopen_flag.get(cid) != want:
        err(f"{cid}: reopen flag {reopen_flag.get(cid)} but labels say {want}")

# summary
st = collections.Counter(r["stance"] for r in T if "post_id" in r)
pl = collections.Counter(p["platform"] for p in P)
nres = sum(1 for c in C if c["status"] == "resolved")
nre = sum(1 for v in reopen_flag.values() if v)
text = {p["post_id"]: p["text"] for p in P}
sb = [r for r in T if r.get("stance") == "still_broken"]
plain = sum(1 for r in sb if "ยัง" not in text[r["post_id"]] and "อีกแล้ว" not in text[r["post_id"]])
nopost = [cid for cid in R if not any(ptime[r["post_id"]] > R[cid] for r in by_c.get(cid, []))]
both = [cid for cid in R if {"fixed", "still_broken"} <= {r["stance"] for r in by_c.get(cid, [])}]
fewpost = [
    cid
    for cid in R
    if cid not in nopost and sum(1 for r in by_c.get(cid, []) if ptime[r["post_id"]] > R[cid]) < 3
]
print(
    f"complaints={len(C)} resolved={nres} in_progress={len(C) - nres} reopen={nre} ({nre / max(nres, 1):.0%} of resolved)"
)
print(f"posts={len(P)} stances={dict(st)}")
print(f"platforms={dict(pl)}")
print(f"still_broken without ยัง/อีกแล้ว: {plain}/{len(sb)}")
print(f"resolved with no post after R: {sorted(nopost)}")
print(f"resolved with both fixed and still_broken: {len(both)} {sorted(both)}")
print(f"resolved (with posts) having <3 post-R posts: {sorted(fewpost)}")
print(f"ERRORS: {len(errs)}")
for e in errs:
    print("  " + e)
sys.exit(1 if errs else 0)
