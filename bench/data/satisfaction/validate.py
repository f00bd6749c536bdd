#!/usr/bin/python3
"""Validate the satisfaction eval set and print counts."""
import collections, json, os, re, sys
from datetime import datetime, timedelta

D = sys.argv[1] if len(sys.argv) > 1 else "/work/main/bench/data/satisfaction"
CATS = set("road_traffic flood_water electricity water_supply waste_environment public_health corruption public_safety education welfare transport telecom noise_nuisance consumer land_housing".split())
PLATFORMS = {"x", "facebook", "pantip", "youtube", "bluesky", "news_comment"}
STANCES = {"still_broken", "fixed", "unrelated", "before_resolution"}
errors = []


def err(msg):
    errors.append(msg)


def load(name):
    rows = []
    with open(os.path.join(D, name), encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            try:
                rows.append(json.loads(line))
            except Exception as e:
                err(f"{name}:{i} does not parse: {e}")
    return rows


def ts(s):
    d = datetime.fromisoformat(s)
    if d.utcoffset() != timedelta(hours=7):
        err(f"timestamp not +07:00: {s}")
    return d


comps = load("complaints.jsonl")
posts = load("posts.jsonl")
truth = load("truth.jsonl")

# complaints
cids = [c["complaint_id"] for c in comps]
if len(cids) != len(set(cids)):
    err("duplicate complaint ids")
C = {c["complaint_id"]: c for c in comps}
resolved_at = {}
for c in comps:
    cid = c["complaint_id"]
    for k in ["filed_at", "channel", "category", "agency", "province", "district", "subdistrict", "subject", "description", "status", "history", "synthetic"]:
        if k not in c:
            err(f"{cid} missing {k}")
    if c.get("synthetic") is not True:
        err(f"{cid} not synthetic")
    if c["category"] not in CATS:
        err(f"{cid} bad category")
    for k in ["district", "subdistrict"]:
        if re.match(r"^(อ\.|อำเภอ|เขต|ต\.|ตำบล|แขวง)", c[k]):
            err(f"{cid} {k} has prefix")
    filed = ts(c["filed_at"])
    if not (datetime.fromisoformat("2026-08-01T00:00:00+07:00") <= filed < datetime.fromisoformat("2026-11-01T00:00:00+07:00")):
        err(f"{cid} filed outside Aug-Oct 2026")
    h = c["history"]
    times = [ts(x["at"]) for x in h]
    if times != sorted(times):
        err(f"{cid} history not in time order")
    if times[0] != filed or h[0]["status"] != "received" or h[0]["agency"] != "ศูนย์บริการประชาชน":
        err(f"{cid} first step must be received at filed_at by ศูนย์บริการประชาชน")
    sts = [x["status"] for x in h]
    if c["status"] == "resolved":
        if sts[-1] != "resolved" or sts.count("resolved") != 1:
            err(f"{cid} resolved but last step not resolved")
        r = times[-1]
        resolved_at[cid] = r
        if not (timedelta(days=1) <= r - filed <= timedelta(days=20)):
            err(f"{cid} resolution {r - filed} after filing (want 1-20 days)")
    elif c["status"] == "in_progress":
        if "resolved" in sts or sts[-1] != "in_progress":
            err(f"{cid} in_progress but history has resolved / last not in_progress")
    else:
        err(f"{cid} bad status {c['status']}")
    for x in h[1:]:
        if x["agency"] != c["agency"]:
            err(f"{cid} history agency differs")

# posts
pids = [p["post_id"] for p in posts]
if len(pids) != len(set(pids)):
    err("duplicate post ids")
P = {p["post_id"]: p for p in posts}
prev = None
for n, p in enumerate(posts, 1):
    if p["platform"] not in PLATFORMS:
        err(f"{p['post_id']} bad platform")
    if p["post_id"] != "%s:s%04d" % (p["platform"], n):
        err(f"{p['post_id']} id not platform:s{n:04d}")
    t = ts(p["created_at"])
    if prev and t < prev:
        err(f"{p['post_id']} out of time order")
    prev = t
    if p.get("synthetic") is not True:
        err(f"{p['post_id']} not synthetic")
    if re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", p["text"]) or re.search(r"0\d{1,2}[- ]?\d{3}[- ]?\d{4}", p["text"]) or re.search(r"\d{13}", p["text"]):
        err(f"{p['post_id']} looks like it has e-mail/phone/ID")

# truth
post_truth, comp_truth = {}, {}
for r in truth:
    if "post_id" in r:
        if r["post_id"] not in P:
            err(f"truth refers to missing post {r['post_id']}")
        if r["complaint_id"] not in C:
            err(f"truth refers to missing complaint {r['complaint_id']}")
        if r["stance"] not in STANCES:
            err(f"bad stance {r}")
        if r["post_id"] in post_truth:
            err(f"two truth rows for {r['post_id']}")
        post_truth[r["post_id"]] = r
    else:
        if r["complaint_id"] not in C:
            err(f"truth refers to missing complaint {r['complaint_id']}")
        if r["complaint_id"] in comp_truth:
            err(f"two complaint truth rows for {r['complaint_id']}")
        comp_truth[r["complaint_id"]] = r
if set(comp_truth) != set(C):
    err("not every complaint has a truth row")

sb_after = collections.Counter()
for pid, r in post_truth.items():
    cid = r["complaint_id"]
    t = ts(P[pid]["created_at"])
    res = resolved_at.get(cid)
    if r["stance"] in ("still_broken", "fixed"):
        if res is None:
            err(f"{pid} {r['stance']} for unresolved {cid}")
        elif not (res < t <= res + timedelta(days=30)):
            err(f"{pid} {r['stance']} at {t} not within 30 days after {cid} resolved {res}")
        if r["stance"] == "still_broken":
            sb_after[cid] += 1
    if r["stance"] == "before_resolution" and res is not None and t >= res:
        err(f"{pid} before_resolution but after {cid} resolved")
for cid, r in comp_truth.items():
    want = cid in resolved_at and sb_after[cid] > 0
    if r["reopen"] != want:
        err(f"{cid} reopen={r['reopen']} but derived {want}")

# report
res_n = sum(1 for c in comps if c["status"] == "resolved")
print("complaints:", len(comps), "resolved:", res_n, "unresolved:", len(comps) - res_n)
ro = collections.Counter(r["reopen"] for r in comp_truth.values())
print("reopen true:", ro[True], "false:", ro[False])
print("posts:", len(posts), "labelled:", len(post_truth), "unlabelled chatter:", len(posts) - len(post_truth))
print("posts by stance:", dict(collections.Counter(r["stance"] for r in post_truth.values())))
print("platforms:", dict(collections.Counter(p["platform"] for p in posts)))
print("categories:", dict(collections.Counter(c["category"] for c in comps)))
print("provinces:", len(set(c["province"] for c in comps)), "Bangkok complaints:", sum(c["province"] == "กรุงเทพมหานคร" for c in comps))
resolved_no_after = [cid for cid in resolved_at if not any(r["complaint_id"] == cid and ts(P[pid]["created_at"]) > resolved_at[cid] for pid, r in post_truth.items())]
print("resolved complaints with no posts after resolution:", resolved_no_after)
print("post date range:", posts[0]["created_at"], "->", posts[-1]["created_at"])
if errors:
    print("\nERRORS (%d):" % len(errors))
    for e in errors:
        print(" -", e)
    sys.exit(1)
print("\nOK: all checks passed")
