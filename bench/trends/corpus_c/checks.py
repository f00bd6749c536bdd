# -*- coding: utf-8 -*-
"""Self-checks for corpus_c.  Every rule of the brief that can be checked mechanically is checked here;
any failure stops generate.py with a non-zero exit status."""
import re
from datetime import timedelta

import gen_util as U

ID_RE = {
    "x": re.compile(r"^\d{18,19}$"),
    "facebook": re.compile(r"^\d{15}_\d{16}$"),
    "youtube": re.compile(r"^Ug[wxyz][A-Za-z0-9_-]{22}4AaABAg$"),
    "bluesky": re.compile(r"^[2-7a-z]{13}$"),
    "pantip": re.compile(r"^\d{8}$"),
    "news_comment": re.compile(r"^\d{8}$"),
}
H = timedelta(hours=1)


class CheckError(SystemExit):
    pass


def need(cond, msg):
    if not cond:
        raise CheckError("CHECK FAILED: " + msg)


def run(posts, labels, period_start, period_end, incidents_spec, same_pair):
    """posts: internal dicts (with dt, meta, native_id); labels: the labels.json dict.
    same_pair(prob_label, bg_prob_key) -> bool maps incident problem words onto background keys."""
    need((period_end - period_start).days >= 65, "period shorter than 65 days")
    need(1500 <= len(posts) <= 2600, "total posts %d outside 1500-2600" % len(posts))
    keys = {"platform", "native_id", "created_at", "text", "author", "source"}
    seen_ids, seen_texts = set(), set()
    prev = None
    for p in posts:
        need(p["platform"] in U.PLATFORMS, "bad platform %r" % p["platform"])
        need(ID_RE[p["platform"]].match(p["native_id"]) is not None, "bad id %s:%s" % (p["platform"], p["native_id"]))
        uid = p["platform"] + ":" + p["native_id"]
        need(uid not in seen_ids, "duplicate id " + uid)
        seen_ids.add(uid)
        need(10 <= len(p["text"]) <= 280, "text length %d: %r" % (len(p["text"]), p["text"][:40]))
        need(p["text"] not in seen_texts, "duplicate text %r" % p["text"][:60])
        seen_texts.add(p["text"])
        need(re.search("[\u0e00-\u0e7f]", p["text"]) is not None, "text without Thai")
        need(period_start <= p["dt"] < period_end, "post outside period " + U.iso(p["dt"]))
        need(p["author"] and p["source"] and ":" in p["source"], "author/source missing")
        if prev is not None:
            need(prev <= p["dt"], "posts not sorted")
        prev = p["dt"]
        need(set(k for k in p if k not in ("dt", "meta")) == keys, "unexpected keys")

    by_uid = {p["platform"] + ":" + p["native_id"]: p for p in posts}
    n_days = (period_end - period_start).days

    # ---------------------------------------------------------------- background
    bg = [p for p in posts if p["meta"]["kind"].startswith("bg_")]
    per_day = [0] * n_days
    for p in bg:
        per_day[(p["dt"] - period_start).days] += 1
    need(min(per_day) >= 12 and max(per_day) <= 30, "background per day %d..%d" % (min(per_day), max(per_day)))
    chat = sum(1 for p in bg if p["meta"]["kind"] == "bg_chatter") / float(len(bg))
    need(0.34 <= chat <= 0.48, "chatter share %.2f" % chat)
    issues = [p for p in bg if p["meta"]["kind"] != "bg_chatter"]
    need(len(set(p["meta"]["prov"] for p in issues)) >= 50, "fewer than 50 provinces in background grievances")
    need(len(set(p["meta"]["prob"] for p in issues)) >= 15, "fewer than 15 problem kinds in background")
    night = sum(1 for p in bg if 1 <= p["dt"].hour < 5) / float(len(bg))
    need(night < 0.06, "night share too high %.3f" % night)
    noon = sum(1 for p in bg if 12 <= p["dt"].hour < 13)
    need(noon > 3 * sum(1 for p in bg if 3 <= p["dt"].hour < 4), "no daily rhythm")
    pairs = {}
    for p in issues:
        pairs.setdefault((p["meta"]["prov"], p["meta"]["prob"]), []).append(p["dt"])
    for k, ts in pairs.items():
        ts.sort()
        for i in range(len(ts) - 2):
            need(ts[i + 2] - ts[i] >= 48 * H, "48h rule broken for %s/%s" % k)

    # ---------------------------------------------------------------- incidents
    incs = labels["incidents"]
    need(len(incs) >= 15, "fewer than 15 incidents")
    used_uids = set()
    fast, spans, hist, nohist, night_inc, noplace, total_inc = 0, [], 0, 0, 0, 0, 0
    n6_values = []
    for inc, spec in zip(incs, incidents_spec):
        ps = [by_uid[u] for u in inc["post_ids"]]
        need(all(u not in used_uids for u in inc["post_ids"]), "post in two labels")
        used_uids.update(inc["post_ids"])
        need(5 <= len(ps) <= 30, "%s size %d" % (inc["id"], len(ps)))
        ts = sorted(p["dt"] for p in ps)
        dur = (ts[-1] - ts[0]).total_seconds() / 3600.0
        need(6 <= dur <= 48, "%s duration %.1f" % (inc["id"], dur))
        need(U.iso(ts[0]) == inc["first_post"], "%s first_post mismatch" % inc["id"])
        n6 = sum(1 for t in ts if t - ts[0] < 6 * H)
        need(n6 == spec["n6"], "%s n6 %d != %d" % (inc["id"], n6, spec["n6"]))
        n6_values.append(n6)
        fast += n6 >= 5
        need(len(set(p["author"] for p in ps)) == len(ps), "%s repeated author" % inc["id"])
        need(len(set(p["platform"] for p in ps)) >= 2, "%s single platform" % inc["id"])
        spans.append((ts[0], ts[-1]))
        if ts[0].hour >= 21 or ts[0].hour < 5:
            night_inc += 1
        near = [p for p in issues if same_pair(inc, p)]
        for p in near:
            need(not (ts[0] - 48 * H <= p["dt"] <= ts[-1] + 48 * H),
                 "%s background same pair within 48h" % inc["id"])
        if near:
            hist += 1
        else:
            nohist += 1
        noplace += sum(1 for p in ps if not p["meta"]["place"])
        total_inc += len(ps)
    need(fast >= 10, "only %d fast incidents" % fast)
    need(5 in n6_values and 6 in n6_values, "want incidents with exactly 5 and 6 early posts")
    need(len(incs) - fast >= 3, "want some slower incidents")
    need(hist >= 3, "only %d incidents with background history" % hist)
    need(nohist >= 2, "only %d incidents without background history" % nohist)
    need(night_inc >= 2, "fewer than 2 night incidents")
    overl = sum(1 for i in range(len(spans)) for j in range(i + 1, len(spans))
                if spans[i][0] < spans[j][1] and spans[j][0] < spans[i][1])
    need(overl >= 2, "fewer than 2 overlapping incident pairs")
    share = noplace / float(total_inc)
    need(0.25 <= share <= 0.42, "no-place share %.2f" % share)

    # ---------------------------------------------------------------- decoys
    dec = {d["kind"]: d for d in labels["decoys"]}
    need(set(dec) == {"national_story", "routine_peak", "repost_storm"}, "decoy kinds")
    for d in labels["decoys"]:
        need(all(u not in used_uids for u in d["post_ids"]), "post in two labels (%s)" % d["id"])
        used_uids.update(d["post_ids"])
    nat = [by_uid[u] for u in dec["national_story"]["post_ids"]]
    need(60 <= len(nat) <= 120, "national story size %d" % len(nat))
    ts = sorted(p["dt"] for p in nat)
    span = (ts[-1] - ts[0]).total_seconds() / 3600.0
    need(40 <= span <= 96, "national story span %.1f h" % span)
    per_prov = {}
    for p in nat:
        per_prov[p["meta"]["prov"]] = per_prov.get(p["meta"]["prov"], 0) + 1
    need(len(per_prov) >= 30 and max(per_prov.values()) <= 4, "national story provinces")
    named = set(p["meta"]["prov"] for p in nat if p["meta"]["place"])
    need(len(named) >= 30, "national story names fewer than 30 provinces in text")
    rout = [by_uid[u] for u in dec["routine_peak"]["post_ids"]]
    days = [0] * n_days
    for p in rout:
        days[(p["dt"] - period_start).days] += 1
        need(p["dt"].hour == 7 and 5 <= p["dt"].minute < 56, "routine post outside window")
    need(min(days) >= 1 and max(days) <= 3, "routine peak per day %d..%d" % (min(days), max(days)))
    st = [by_uid[u] for u in dec["repost_storm"]["post_ids"]]
    need(31 <= len(st) <= 51, "repost storm size %d" % len(st))
    ts = sorted(p["dt"] for p in st)
    span = (ts[-1] - ts[0]).total_seconds() / 3600.0
    need(2 <= span <= 6, "repost storm span %.1f" % span)
    need(len(set(p["author"] for p in st)) == len(st), "repost storm repeated author")
    sp = (st[0]["meta"]["prov"], st[0]["meta"]["prob"])
    need(all((i["province"], i["problem"]) != sp for i in incs), "repost storm pair used by an incident")
    for p in issues:
        if p["meta"]["prov"] == sp[0] and p["meta"]["prob"] == "dogs":
            need(abs(p["dt"] - ts[0]) > 48 * H, "background stray-dog post near the repost storm")
    return {"per_day": per_day, "fast": fast, "hist": hist, "nohist": nohist, "noplace_share": share,
            "chatter_share": chat, "bg_provinces": len(set(p["meta"]["prov"] for p in issues)),
            "night_share": night}
