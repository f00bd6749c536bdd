#!/usr/bin/env python3
"""Validate posts.jsonl + truth.jsonl of the synthetic near-duplicate / campaign training set.

Usage: python3 validate.py [DIR]   (default: the directory of this script)
Prints every error, some similarity statistics, and exits 1 if there is any error.
"""
import collections
import datetime as dt
import itertools
import json
import os
import re
import sys

DIR = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
PLATFORMS = {"x", "facebook", "pantip", "youtube", "bluesky", "news_comment"}
KINDS = {"campaign_copy", "repost_storm", "organic", "source_text", "background"}
CTYPES = {"many_accounts_one_text", "few_accounts_one_topic"}
POST_KEYS = ["post_id", "platform", "created_at", "text", "author", "followers", "likes",
             "shares", "replies", "synthetic"]
TRUTH_KEYS = ["post_id", "dup_group", "campaign", "kind", "note"]
WEEK_START = dt.datetime(2026, 3, 1, tzinfo=dt.timezone(dt.timedelta(hours=7)))
WEEK_END = dt.datetime(2026, 3, 31, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=7)))
THAI_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

errors = []


def err(msg):
    errors.append(msg)


def load(name):
    rows = []
    with open(os.path.join(DIR, name), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                err(f"{name}:{n}: blank line")
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                err(f"{name}:{n}: bad JSON ({e})")
    return rows


# ------------------------------------------------------------------ personal-data patterns
PII = [
    ("e-mail", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}")),
    ("Thai ID number", re.compile(r"(?<!\d)\d[- ]?\d{4}[- ]?\d{5}[- ]?\d{2}[- ]?\d(?!\d)")),
    ("phone number", re.compile(r"(?<![\d.,])(?:\+?66[- ]?|0)\d{1,2}[- ]?\d{3}[- ]?\d{3,4}(?![\d.,])")),
    ("long digit run", re.compile(r"\d(?:[- ]?\d){8,}")),
    ("LINE id", re.compile(r"(?i)line\s*id|ไอดีไลน์|แอดไลน์\s*@|line\.me")),
    ("bank account", re.compile(r"(?:เลขบัญชี|บัญชีเลขที่)\s*\d")),
]


def pii_hits(s):
    s = s.translate(THAI_TO_ARABIC)
    return [name for name, rx in PII if rx.search(s)]


# ------------------------------------------------------------------ similarity (diagnostics)
def norm(s):
    s = s.translate(THAI_TO_ARABIC).lower()
    s = re.sub(r"rt @\S+:?", " ", s)
    s = re.sub(r"(.)\1{2,}", r"\1", s)            # repeated letters
    return re.sub(r"[^0-9a-z\u0e00-\u0e7f]", "", s)  # drop spaces, punctuation, emoji


def shingles(s, k=4):
    return {s[i:i + k] for i in range(max(1, len(s) - k + 1))}


def jacc(a, b):
    return len(a & b) / len(a | b) if a and b else 0.0


def contain(a, b):
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def main():
    posts = load("posts.jsonl")
    truth = load("truth.jsonl")

    # ---- posts
    ids = [p.get("post_id") for p in posts]
    for pid, n in collections.Counter(ids).items():
        if n > 1:
            err(f"duplicate post_id {pid}")
    by_id = {p.get("post_id"): p for p in posts}
    followers_of = {}
    prev = None
    for i, p in enumerate(posts):
        pid = p.get("post_id")
        if list(p.keys()) != POST_KEYS:
            err(f"{pid}: keys {list(p.keys())} != {POST_KEYS}")
        m = re.fullmatch(r"([a-z_]+):t(\d{5})", str(pid))
        if not m:
            err(f"{pid}: bad post_id format")
            continue
        if m.group(1) != p.get("platform"):
            err(f"{pid}: id prefix does not match platform {p.get('platform')}")
        if p.get("platform") not in PLATFORMS:
            err(f"{pid}: unknown platform")
        try:
            t = dt.datetime.fromisoformat(p["created_at"])
            if t.utcoffset() != dt.timedelta(hours=7):
                err(f"{pid}: created_at not +07:00")
            if not (WEEK_START <= t <= WEEK_END):
                err(f"{pid}: created_at outside March 2026")
        except Exception:
            err(f"{pid}: bad created_at {p.get('created_at')!r}")
            continue
        if prev is not None:
            if t < prev[1]:
                err(f"{pid}: ids not in time order (earlier than {prev[0]})")
            if int(m.group(2)) <= prev[2]:
                err(f"{pid}: numbering not increasing")
        prev = (pid, t, int(m.group(2)))
        if not isinstance(p.get("text"), str) or not p["text"].strip():
            err(f"{pid}: empty text")
        if not isinstance(p.get("author"), str) or not p["author"].strip():
            err(f"{pid}: empty author")
        for k in ("followers", "likes", "shares", "replies"):
            if not isinstance(p.get(k), int) or isinstance(p.get(k), bool) or p[k] < 0:
                err(f"{pid}: {k} must be a non-negative int")
        if p.get("synthetic") is not True:
            err(f"{pid}: synthetic must be true")
        a = p.get("author")
        if a in followers_of and followers_of[a] != p.get("followers"):
            err(f"{pid}: author {a} has two follower counts")
        followers_of.setdefault(a, p.get("followers"))
        for field in ("text", "author"):
            for hit in pii_hits(str(p.get(field, ""))):
                err(f"{pid}: {field} looks like it contains a {hit}")
    span = sorted(dt.datetime.fromisoformat(p["created_at"]) for p in posts if "created_at" in p)
    if span and (span[-1] - span[0]) > dt.timedelta(days=8):
        err(f"posts span {span[-1] - span[0]}, more than about a week")

    # ---- truth rows
    post_rows, camp_rows, burst_rows = [], {}, {}
    for r in truth:
        if "post_id" in r:
            post_rows.append(r)
        elif "campaign" in r and "type" in r:
            if r["campaign"] in camp_rows:
                err(f"campaign {r['campaign']} listed twice")
            camp_rows[r["campaign"]] = r
        elif "burst" in r:
            if r["burst"] in burst_rows:
                err(f"burst {r['burst']} listed twice")
            burst_rows[r["burst"]] = r
        else:
            err(f"unrecognised truth row {r}")
    tcount = collections.Counter(r["post_id"] for r in post_rows)
    for pid, n in tcount.items():
        if n > 1:
            err(f"{pid}: {n} truth rows")
        if pid not in by_id:
            err(f"truth row for unknown post {pid}")
    for pid in by_id:
        if pid not in tcount:
            err(f"{pid}: no truth row")
    T = {r["post_id"]: r for r in post_rows}
    for r in post_rows:
        pid = r["post_id"]
        if list(r.keys()) != TRUTH_KEYS:
            err(f"{pid}: truth keys {list(r.keys())} != {TRUTH_KEYS}")
        if r.get("kind") not in KINDS:
            err(f"{pid}: bad kind {r.get('kind')}")
        for k in ("dup_group", "campaign"):
            if r.get(k) is not None and not (isinstance(r[k], str) and r[k]):
                err(f"{pid}: {k} must be a non-empty string or null")
        if not isinstance(r.get("note"), str):
            err(f"{pid}: note must be a string")
        kind = r.get("kind")
        if kind == "campaign_copy" and not r.get("campaign"):
            err(f"{pid}: campaign_copy without campaign")
        if kind != "campaign_copy" and r.get("campaign"):
            err(f"{pid}: campaign set but kind is {kind}")
        if kind in ("repost_storm", "source_text") and not r.get("dup_group"):
            err(f"{pid}: {kind} needs a dup_group")
        if kind == "organic" and r.get("dup_group"):
            err(f"{pid}: organic burst posts are independent and must have no dup_group")

    groups = collections.defaultdict(list)
    for r in post_rows:
        if r.get("dup_group"):
            groups[r["dup_group"]].append(r["post_id"])
    for g, members in groups.items():
        if len(members) < 2:
            err(f"dup_group {g} has only {len(members)} post")
        kinds = collections.Counter(T[m]["kind"] for m in members)
        if kinds["source_text"] > 1:
            err(f"dup_group {g} has {kinds['source_text']} source_text posts")
        if kinds["repost_storm"] and kinds["source_text"] != 1:
            err(f"storm dup_group {g} needs exactly one source_text")
        if kinds["source_text"]:
            src = [m for m in members if T[m]["kind"] == "source_text"][0]
            t0 = by_id[src]["created_at"]
            for m in members:
                if by_id[m]["created_at"] < t0:
                    err(f"{m}: re-share earlier than its source {src}")

    # ---- campaigns
    used = collections.defaultdict(list)
    for r in post_rows:
        if r.get("campaign"):
            used[r["campaign"]].append(r["post_id"])
    for c in used:
        if c not in camp_rows:
            err(f"campaign {c} used by posts but has no campaign row")
    for c, row in camp_rows.items():
        for k in ("campaign", "type", "accounts", "start", "end", "note"):
            if k not in row:
                err(f"campaign {c}: missing {k}")
        members = used.get(c, [])
        if not members:
            err(f"campaign {c} has no posts")
            continue
        authors = {by_id[m]["author"] for m in members}
        listed = set(row.get("accounts", []))
        if authors != listed:
            err(f"campaign {c}: accounts row {sorted(listed)} != authors used {sorted(authors)}")
        if len(row.get("accounts", [])) != len(listed):
            err(f"campaign {c}: accounts listed twice")
        times = sorted(by_id[m]["created_at"] for m in members)
        if row.get("start") != times[0] or row.get("end") != times[-1]:
            err(f"campaign {c}: start/end {row.get('start')}..{row.get('end')} != posts {times[0]}..{times[-1]}")
        span = dt.datetime.fromisoformat(times[-1]) - dt.datetime.fromisoformat(times[0])
        if row.get("type") not in CTYPES:
            err(f"campaign {c}: bad type {row.get('type')}")
        elif row["type"] == "many_accounts_one_text":
            if not 8 <= len(authors) <= 30:
                err(f"campaign {c}: {len(authors)} accounts, expected 8-30")
            if span > dt.timedelta(hours=6):
                err(f"campaign {c}: spans {span}, expected a few hours")
            dgs = {T[m]["dup_group"] for m in members}
            if len(dgs) != 1 or None in dgs:
                err(f"campaign {c}: copies should share one dup_group, got {dgs}")
        else:
            if not 2 <= len(authors) <= 4:
                err(f"campaign {c}: {len(authors)} accounts, expected 2-4")
            if not 20 <= len(members) <= 40:
                err(f"campaign {c}: {len(members)} posts, expected 20-40")
            if span < dt.timedelta(days=2):
                err(f"campaign {c}: spans only {span}, expected days")

    # ---- bursts
    in_burst = collections.Counter()
    for b, row in burst_rows.items():
        for k in ("burst", "note", "post_ids"):
            if k not in row:
                err(f"burst {b}: missing {k}")
        for pid in row.get("post_ids", []):
            in_burst[pid] += 1
            if pid not in T:
                err(f"burst {b}: unknown post {pid}")
            elif T[pid]["kind"] != "organic":
                err(f"burst {b}: {pid} is {T[pid]['kind']}, expected organic")
        if len(row.get("post_ids", [])) < 10:
            err(f"burst {b}: only {len(row.get('post_ids', []))} posts")
    for r in post_rows:
        if r.get("kind") == "organic" and in_burst[r["post_id"]] != 1:
            err(f"{r['post_id']}: organic post in {in_burst[r['post_id']]} bursts (expected 1)")

    # ---- similarity consistency (catches mislabelled copies)
    sh = {p["post_id"]: shingles(norm(p["text"])) for p in posts}
    ln = {p["post_id"]: len(norm(p["text"])) for p in posts}
    dg = {pid: T[pid]["dup_group"] for pid in T}
    cross_hi = []
    for a, b in itertools.combinations(by_id, 2):
        if min(ln[a], ln[b]) < 30:
            continue
        same = dg.get(a) is not None and dg.get(a) == dg.get(b)
        if same:
            continue
        j = jacc(sh[a], sh[b])
        if j >= 0.5:
            cross_hi.append((j, a, b))
            if j >= 0.8:
                err(f"{a} / {b}: Jaccard {j:.2f} (near-identical long texts) but not in one dup_group")
    low_members = []
    for g, members in groups.items():
        for m in members:
            best = max(max(jacc(sh[m], sh[o]), contain(sh[m], sh[o])) for o in members if o != m)
            if best < 0.5:
                low_members.append((best, m, g))
                err(f"{m}: shares dup_group {g} but overlaps no other member (best {best:.2f})")

    # ---- report
    kinds = collections.Counter(r["kind"] for r in post_rows)
    plats = collections.Counter(p["platform"] for p in posts)
    print(f"posts: {len(posts)}   authors: {len(followers_of)}")
    print("platforms:", dict(sorted(plats.items())))
    print("kinds:", dict(sorted(kinds.items())))
    print(f"dup_groups: {len(groups)} (posts in groups: {sum(len(v) for v in groups.values())})")
    for c, row in sorted(camp_rows.items()):
        print(f"  campaign {c}: {row['type']}, {len(used.get(c, []))} posts, {len(row['accounts'])} accounts, "
              f"{row['start']} .. {row['end']}")
    for b, row in sorted(burst_rows.items()):
        print(f"  burst {b}: {len(row['post_ids'])} posts")
    within = []
    for g, members in groups.items():
        for a, b in itertools.combinations(members, 2):
            within.append(jacc(sh[a], sh[b]))
    if within:
        within.sort()
        q = lambda x: within[int(x * (len(within) - 1))]
        print(f"char-4-gram Jaccard within dup_groups: min {within[0]:.2f}  p10 {q(.1):.2f}  "
              f"median {q(.5):.2f}  pairs {len(within)}")
    cross_hi.sort(reverse=True)
    print(f"pairs in different/no dup_group with Jaccard >= 0.5 (texts >= 30 chars): {len(cross_hi)}")
    for j, a, b in cross_hi[:8]:
        print(f"   {j:.2f}  {a}  {b}")
    print(f"errors: {len(errors)}")
    for e in errors[:200]:
        print("  ERROR", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
