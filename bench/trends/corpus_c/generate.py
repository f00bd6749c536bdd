# -*- coding: utf-8 -*-
"""Generate evaluation corpus C (Thai social-media posts with labelled local incidents and decoys).

Run from the repository root:  python bench/trends/corpus_c/generate.py
Deterministic (fixed seed, standard library only); writes posts.jsonl, labels.json and README.md next to
this file, after checking its own rules (checks.py).  Exits non-zero if any rule is broken.
"""
import json
import os
import random
import sys
from datetime import timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import gen_util as U  # noqa: E402
import build_background as BB  # noqa: E402
import build_events as BE  # noqa: E402
import checks  # noqa: E402
from phrases_decoys import NATIONAL, ROUTINE, STORM  # noqa: E402

SEED = 20270501
PERIOD_START = U.parse_local("2027-05-01T00:00:00")
PERIOD_END = U.parse_local("2027-07-10T00:00:00")
N_DAYS = (PERIOD_END - PERIOD_START).days

# incidents whose (province, problem) also shows up in the background now and then
HISTORY = [("C01", 3), ("C02", 3), ("C04", 3), ("C15", 2)]
# incidents whose (province, problem) never appears in the background
NO_HISTORY = ["C03", "C13", "C16"]


def forbidden_windows():
    f = {}
    for spec in BE.INCIDENTS:
        s = U.parse_local(spec["start"])
        e = s + timedelta(hours=spec["hours"])
        key = (spec["province"], spec["problem"])
        if spec["id"] in NO_HISTORY:
            f[key] = None
        elif f.get(key, []) is not None:
            f.setdefault(key, []).append((s - timedelta(hours=49), e + timedelta(hours=49)))
    s = U.parse_local(STORM["start"])
    f.setdefault((STORM["province"], "dogs"), []).append((s - timedelta(hours=73), s + timedelta(hours=73)))
    return f


def assign_ids(rng, posts):
    posts.sort(key=lambda p: (p["dt"], p["platform"], p["text"]))
    taken = set()
    for p in posts:
        while True:
            nid = U.make_native_id(rng, p["platform"], p["dt"], PERIOD_START, p["source"])
            if (p["platform"], nid) not in taken:
                break
        taken.add((p["platform"], nid))
        p["native_id"] = nid
        p["created_at"] = U.iso(p["dt"])


def uid(p):
    return p["platform"] + ":" + p["native_id"]


def build_labels(posts):
    by_label = {}
    for p in posts:
        lab = p["meta"].get("label")
        if lab:
            by_label.setdefault(lab, []).append(p)
    incidents = []
    for spec in BE.INCIDENTS:
        ps = by_label[spec["id"]]
        incidents.append({
            "id": spec["id"], "description": spec["description"], "province": spec["province"],
            "district": spec["district"], "problem": spec["problem"], "first_post": ps[0]["created_at"],
            "post_ids": [uid(p) for p in ps]})
    decoys = []
    for spec in (NATIONAL, ROUTINE, STORM):
        decoys.append({"id": spec["id"], "kind": spec["kind"], "description": spec["description"],
                       "post_ids": [uid(p) for p in by_label[spec["id"]]]})
    notes = ("Synthetic Thai posts written for this corpus by an independent helper. Background grievances are "
             "isolated (at most 2 posts on one problem in one province within any 48 hours) and never share an "
             "incident's province and problem within 48 hours of it. About a third of incident posts do not name "
             "the place. Incidents C01, C02, C04 and C15 have the same problem in the same province in the "
             "background now and then; C03, C13 and C16 (and the poisoning, bridge and landslide incidents) have "
             "none. Decoy F2 (routine_peak) is Bangkok morning traffic every day between 07:05 and 07:55. "
             "created_at is Bangkok time; period end is exclusive.")
    return {"period": {"start": U.iso(PERIOD_START), "end": U.iso(PERIOD_END)},
            "incidents": incidents, "decoys": decoys, "notes": notes}


def incident_table(labels, posts_by_uid):
    rows = []
    for inc in labels["incidents"]:
        ts = sorted(posts_by_uid[u]["dt"] for u in inc["post_ids"])
        dur = (ts[-1] - ts[0]).total_seconds() / 3600.0
        n6 = sum(1 for t in ts if t - ts[0] < timedelta(hours=6))
        plats = len(set(posts_by_uid[u]["platform"] for u in inc["post_ids"]))
        rows.append((inc["id"], inc["province"], inc["district"] or "-", inc["problem"], len(ts),
                     round(dur, 1), n6, inc["first_post"], plats))
    return rows


def write_readme(path, posts, labels, rows, stats, posts_by_uid):
    dec_rows = []
    for d in labels["decoys"]:
        ts = sorted(posts_by_uid[u]["dt"] for u in d["post_ids"])
        dec_rows.append("| %s | %s | %d | %s to %s | %s |" % (
            d["id"], d["kind"], len(ts), ts[0].isoformat(timespec="minutes"), ts[-1].isoformat(timespec="minutes"),
            d["description"]))
    plat = {}
    for p in posts:
        plat[p["platform"]] = plat.get(p["platform"], 0) + 1
    bg = sum(1 for p in posts if p["meta"]["kind"].startswith("bg_"))
    lines = [
        "# corpus_c: Thai grievance-burst evaluation corpus (set C)",
        "",
        "Written by an independent helper working from a short brief, **without reading the detector, the "
        "project's data or code, or the earlier corpora** (`corpus`, `corpus_b`). All vocabulary, templates, "
        "places, incidents and handles here were written from scratch for this set. All posts and authors are "
        "synthetic; no real personal data.",
        "",
        "Licence: Apache-2.0.",
        "",
        "## How it is made",
        "",
        "`python bench/trends/corpus_c/generate.py` (run from the repository root; standard library only, fixed "
        "seed %d) rebuilds `posts.jsonl`, `labels.json` and this README byte for byte. The phrase banks are in "
        "`phrases_*.py`; `build_background.py` writes the background stream, `build_events.py` the incidents and "
        "decoys, and `checks.py` checks the rules (sizes, durations, first-6-hour counts, the 48-hour background "
        "rule, unique ids and texts, decoy shapes). If a rule is broken the script stops with an error and "
        "writes nothing." % SEED,
        "",
        "Registers include formal complaints to agencies, angry slang, questions, sarcasm, one-liners, long "
        "Pantip-style posts, news-comment style, and Isan, Northern and Southern flavour. Places are written the "
        "way Thais write them: official names, nicknames (โคราช, กทม., อุดร, อุบลฯ, หาดใหญ่ alone), อ./ต./เขต "
        "prefixes, landmarks, roads, sometimes Thai digits, along with stretched letters, emoji, hashtags and "
        "agency abbreviations.",
        "",
        "## Counts",
        "",
        "- Period: %s to %s (%d days, end exclusive)" % (labels["period"]["start"], labels["period"]["end"], N_DAYS),
        "- Posts: %d (background %d, %s)" % (len(posts), bg, ", ".join("%s %d" % (k, plat[k]) for k in U.PLATFORMS)),
        "- Background per day: %d to %d; chatter share %.0f%%; %d provinces carry background grievances; "
        "%.1f%% of background posts fall between 01:00 and 05:00" % (
            min(stats["per_day"]), max(stats["per_day"]), 100 * stats["chatter_share"], stats["bg_provinces"],
            100 * stats["night_share"]),
        "- Incidents: %d (%d with 5 or more posts in the first 6 hours); %.0f%% of incident posts do not name the "
        "place" % (len(rows), stats["fast"], 100 * stats["noplace_share"]),
        "",
        "| id | province | district | problem | posts | duration h | posts in first 6 h | first post | platforms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append("| %s | %s | %s | %s | %d | %.1f | %d | %s | %d |" % r)
    lines += ["", "Decoys (not incidents):", "", "| id | kind | posts | span | description |", "|---|---|---|---|---|"]
    lines += dec_rows
    lines += ["", "## Files", "",
              "- `posts.jsonl`: one post per line, sorted by `created_at`; keys `platform`, `native_id`, "
              "`created_at`, `text`, `author`, `source`.",
              "- `labels.json`: `period`, `incidents` (post ids as `platform:native_id`), `decoys`, `notes`.", ""]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))


def main():
    rng = random.Random(SEED)
    authors = U.AuthorPool(random.Random(SEED + 1))
    used = set()
    posts = []
    posts += BE.build_incidents(random.Random(SEED + 2), authors, used)
    posts += BE.build_national(random.Random(SEED + 3), authors, used)
    posts += BE.build_routine(random.Random(SEED + 4), authors, used, PERIOD_START, N_DAYS)
    posts += BE.build_storm(random.Random(SEED + 5), authors, used)
    spec_by_id = {s["id"]: s for s in BE.INCIDENTS}
    forced = [(spec_by_id[i]["province"], spec_by_id[i]["problem"], k) for i, k in HISTORY]
    posts += BB.build_background(random.Random(SEED + 6), authors, used, PERIOD_START, N_DAYS,
                                 forbidden_windows(), forced)
    assign_ids(rng, posts)
    labels = build_labels(posts)
    posts_by_uid = {uid(p): p for p in posts}

    def same_pair(inc, p):
        return p["meta"]["prov"] == inc["province"] and p["meta"]["prob"] == inc["problem"]

    stats = checks.run(posts, labels, PERIOD_START, PERIOD_END, BE.INCIDENTS, same_pair)
    rows = incident_table(labels, posts_by_uid)

    with open(os.path.join(HERE, "posts.jsonl"), "w", encoding="utf-8") as fh:
        for p in posts:
            rec = {"platform": p["platform"], "native_id": p["native_id"], "created_at": p["created_at"],
                   "text": p["text"], "author": p["author"], "source": p["source"]}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    with open(os.path.join(HERE, "labels.json"), "w", encoding="utf-8") as fh:
        json.dump(labels, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    write_readme(os.path.join(HERE, "README.md"), posts, labels, rows, stats, posts_by_uid)
    print("posts: %d over %d days; incidents: %d; decoys: %s" % (
        len(posts), N_DAYS, len(rows), ", ".join("%s=%d" % (d["id"], len(d["post_ids"])) for d in labels["decoys"])))
    for r in rows:
        print("  %s %s %s %s posts=%d dur=%.1fh first6h=%d first=%s platforms=%d" % r)


if __name__ == "__main__":
    main()
