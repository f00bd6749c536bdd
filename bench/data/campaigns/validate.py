#!/usr/bin/env python3
"""Validate the synthetic Thai campaign / near-duplicate evaluation set.

Usage: python3 validate.py [DIR]        (DIR defaults to this file's folder)

Errors (exit code 1) are structural problems. Warnings are similarity checks that
flag possibly mislabelled pairs; they are informational (identical very short
texts such as "ไฟดับ" are exempt by design).
Standard library only.
"""
import collections
import datetime as dt
import itertools
import json
import os
import re
import sys
import unicodedata

DIR = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
PLATFORMS = {'x', 'facebook', 'pantip', 'youtube', 'bluesky', 'news_comment'}
KINDS = {'campaign_copy', 'repost_storm', 'organic', 'source_text', 'background', 'note'}
CTYPES = {'many_accounts_one_text', 'few_accounts_one_topic'}
errors, warnings = [], []


def err(msg):
    errors.append(msg)


def load(name):
    rows = []
    with open(os.path.join(DIR, name), encoding='utf-8') as f:
        for ln, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                err(f'{name}:{ln}: bad JSON ({e})')
    return rows


posts = load('posts.jsonl')
truth_rows = load('truth.jsonl')

# ------------------------------------------------------------------ posts
ids = collections.Counter(p.get('post_id') for p in posts)
for pid, n in ids.items():
    if n > 1:
        err(f'duplicate post_id {pid}')
by_id = {}
order = []
for p in posts:
    pid = p.get('post_id')
    by_id[pid] = p
    for k, typ in [('post_id', str), ('platform', str), ('created_at', str), ('text', str), ('author', str),
                   ('followers', int), ('likes', int), ('shares', int), ('replies', int)]:
        if not isinstance(p.get(k), typ) or isinstance(p.get(k), bool):
            err(f'{pid}: field {k} missing or not {typ.__name__}')
    if p.get('synthetic') is not True:
        err(f'{pid}: synthetic must be true')
    if p.get('platform') not in PLATFORMS:
        err(f'{pid}: unknown platform {p.get("platform")}')
    m = re.fullmatch(r'([a-z_]+):c(\d{5})', pid or '')
    if not m or m.group(1) != p.get('platform'):
        err(f'{pid}: post_id must be "<platform>:cNNNNN" matching platform')
    else:
        order.append((int(m.group(2)), pid))
    for k in ('followers', 'likes', 'shares', 'replies'):
        if isinstance(p.get(k), int) and p[k] < 0:
            err(f'{pid}: negative {k}')
    try:
        t = dt.datetime.fromisoformat(p['created_at'])
        if t.utcoffset() != dt.timedelta(hours=7) or not p['created_at'].endswith('+07:00'):
            err(f'{pid}: created_at must carry +07:00')
        if not (t.year == 2026 and t.month == 8):
            err(f'{pid}: created_at outside Aug 2026')
        p['_t'] = t
    except Exception:
        err(f'{pid}: bad created_at {p.get("created_at")}')
    if not (p.get('text') or '').strip():
        err(f'{pid}: empty text')

order.sort()
if [n for n, _ in order] != list(range(1, len(order) + 1)):
    err('post numbers are not contiguous 1..N')
prev = None
for n, pid in order:
    t = by_id[pid].get('_t')
    if prev and t and t < prev:
        err(f'{pid}: numbering not in time order')
    prev = t or prev
if posts:
    span = max(p['_t'] for p in posts if '_t' in p) - min(p['_t'] for p in posts if '_t' in p)
    if span > dt.timedelta(days=11):
        err(f'time span {span} longer than ~10 days')

fol = collections.defaultdict(set)
for p in posts:
    fol[p.get('author')].add(p.get('followers'))
for a, s in fol.items():
    if len(s) > 1:
        err(f'author {a!r} has inconsistent followers {sorted(s)}')

# ------------------------------------------------------------------ PII
THAI_DIG = str.maketrans('๐๑๒๓๔๕๖๗๘๙', '0123456789')
PII = [
    ('e-mail', re.compile(r'[\w.+-]+@[\w-]+\.[A-Za-z]{2,}')),
    ('phone', re.compile(r'(?<!\d)(?:\+?66[\s-]?|0)\d{1,2}[\s-]?\d{3}[\s-]?\d{3,4}(?!\d)')),
    ('national-id', re.compile(r'(?<!\d)\d[\s-]?\d{4}[\s-]?\d{5}[\s-]?\d{2}[\s-]?\d(?!\d)')),
    ('long digit run', re.compile(r'\d{9,}')),
]
for p in posts:
    for field in ('text', 'author'):
        s = (p.get(field) or '').translate(THAI_DIG)
        for name, rx in PII:
            if rx.search(s):
                err(f'{p.get("post_id")}: {field} contains {name}-like string: {rx.search(s).group(0)!r}')

# ------------------------------------------------------------------ truth
post_truth = [r for r in truth_rows if 'post_id' in r]
camp_rows = [r for r in truth_rows if 'campaign' in r and 'post_id' not in r]
burst_rows = [r for r in truth_rows if 'burst' in r]
other = [r for r in truth_rows if r not in post_truth and r not in camp_rows and r not in burst_rows]
for r in other:
    err(f'unrecognised truth row {r}')

tcount = collections.Counter(r['post_id'] for r in post_truth)
for pid in by_id:
    if tcount[pid] != 1:
        err(f'{pid}: has {tcount[pid]} truth rows (need exactly 1)')
for pid in tcount:
    if pid not in by_id:
        err(f'truth row for unknown post {pid}')
truth = {r['post_id']: r for r in post_truth}
for pid, r in truth.items():
    if r.get('kind') not in KINDS:
        err(f'{pid}: bad kind {r.get("kind")}')
    for k in ('dup_group', 'campaign'):
        if r.get(k) is not None and not isinstance(r.get(k), str):
            err(f'{pid}: {k} must be string or null')
        if k not in r:
            err(f'{pid}: missing key {k}')

groups = collections.defaultdict(list)
camps = collections.defaultdict(list)
for pid, r in truth.items():
    if r.get('dup_group'):
        groups[r['dup_group']].append(pid)
    if r.get('campaign'):
        camps[r['campaign']].append(pid)
for g, m in groups.items():
    if len(m) < 2:
        err(f'dup_group {g} has only {len(m)} post')

# kind consistency
for pid, r in truth.items():
    k = r.get('kind')
    if (k == 'campaign_copy') != bool(r.get('campaign')):
        err(f'{pid}: kind campaign_copy iff campaign set (kind={k}, campaign={r.get("campaign")})')
    if k in ('source_text', 'repost_storm') and not r.get('dup_group'):
        err(f'{pid}: {k} must have a dup_group')
    if k in ('organic', 'note') and r.get('dup_group'):
        err(f'{pid}: {k} post must not have a dup_group')
storm_groups = {}
for g, m in groups.items():
    kinds = collections.Counter(truth[p]['kind'] for p in m)
    if kinds['source_text'] > 1:
        err(f'dup_group {g} has {kinds["source_text"]} source_text posts')
    if kinds['source_text'] or kinds['repost_storm']:
        if set(kinds) - {'source_text', 'repost_storm'}:
            err(f'dup_group {g} mixes storm and non-storm kinds {dict(kinds)}')
        storm_groups[g] = m
    if any(truth[p].get('campaign') for p in m) and len({truth[p].get('campaign') for p in m}) > 1:
        err(f'dup_group {g} spans several campaigns / non-campaign posts')

# campaign rows
seen_c = collections.Counter(r['campaign'] for r in camp_rows)
for c, n in seen_c.items():
    if n > 1:
        err(f'campaign {c} has {n} rows')
for c in camps:
    if c not in seen_c:
        err(f'campaign {c} used by posts but has no campaign row')
for r in camp_rows:
    c = r['campaign']
    m = camps.get(c, [])
    if not m:
        err(f'campaign row {c} has no posts')
        continue
    if r.get('type') not in CTYPES:
        err(f'campaign {c}: bad type {r.get("type")}')
    used = {by_id[p]['author'] for p in m}
    if set(r.get('accounts') or []) != used:
        err(f'campaign {c}: accounts list differs from authors used (missing {sorted(used - set(r.get("accounts") or []))}, '
            f'extra {sorted(set(r.get("accounts") or []) - used)})')
    ts = sorted(by_id[p]['_t'] for p in m)
    if r.get('start') != min(by_id[p]['created_at'] for p in m) or r.get('end') != max(by_id[p]['created_at'] for p in m):
        err(f'campaign {c}: start/end do not match its posts')
    hours = (ts[-1] - ts[0]).total_seconds() / 3600
    if r.get('type') == 'many_accounts_one_text':
        if len(used) < 10:
            err(f'campaign {c}: many_accounts_one_text with only {len(used)} accounts')
        if hours > 6.01:
            err(f'campaign {c}: window {hours:.1f} h longer than 6 h')
    if r.get('type') == 'few_accounts_one_topic':
        if not 2 <= len(used) <= 4:
            err(f'campaign {c}: few_accounts_one_topic with {len(used)} accounts')
        if len(m) < 30:
            err(f'campaign {c}: only {len(m)} posts')

# burst rows
in_burst = collections.Counter()
for r in burst_rows:
    for pid in r.get('post_ids', []):
        in_burst[pid] += 1
        if pid not in truth:
            err(f'burst {r["burst"]}: unknown post {pid}')
        elif truth[pid]['kind'] != 'organic' or truth[pid].get('campaign') or truth[pid].get('dup_group'):
            err(f'burst {r["burst"]}: post {pid} is not an organic, non-campaign, non-duplicate post')
for pid, r in truth.items():
    if r['kind'] == 'organic' and in_burst[pid] != 1:
        err(f'{pid}: organic post in {in_burst[pid]} bursts (need 1)')

# ------------------------------------------------------------------ similarity checks (warnings)
RT = re.compile(r'^\s*RT @\S+:\s*')
TAG = re.compile(r'#\S+')


def norm(s):
    s = unicodedata.normalize('NFC', s).lower().translate(THAI_DIG)
    s = RT.sub('', s)
    s = TAG.sub('', s)
    s = ''.join(ch for ch in s if unicodedata.category(ch)[0] in 'LMN')
    s = re.sub(r'(.)\1{2,}', r'\1', s)
    return s


def grams(s, n=4):
    return {s[i:i + n] for i in range(max(1, len(s) - n + 1))}


G = {}
for p in posts:
    s = norm(p.get('text', ''))
    G[p['post_id']] = (len(s), grams(s))
pids = sorted(G)
hi_unlabeled, lo_labeled = [], []
for a, b in itertools.combinations(pids, 2):
    la, ga = G[a]
    lb, gb = G[b]
    if min(la, lb) < 15:
        continue
    inter = len(ga & gb)
    if not inter:
        continue
    j = inter / len(ga | gb)
    c = inter / min(len(ga), len(gb))
    same = truth[a].get('dup_group') and truth[a].get('dup_group') == truth[b].get('dup_group')
    if not same and (j >= 0.5 or (c >= 0.8 and min(la, lb) >= 30)):
        hi_unlabeled.append((round(j, 2), round(c, 2), a, b))
for g, m in groups.items():
    for a, b in itertools.combinations(m, 2):
        ga, gb = G[a][1], G[b][1]
        inter = len(ga & gb)
        j = inter / len(ga | gb)
        c = inter / max(1, min(len(ga), len(gb)))
        if j < 0.3 and c < 0.6:
            lo_labeled.append((g, round(j, 2), round(c, 2), a, b))
for x in hi_unlabeled:
    warnings.append(f'similar but not in the same dup_group: J={x[0]} C={x[1]} {x[2]} {x[3]}')
for x in lo_labeled:
    warnings.append(f'low similarity inside {x[0]}: J={x[1]} C={x[2]} {x[3]} {x[4]}')

# ------------------------------------------------------------------ report
pairs = sum(len(m) * (len(m) - 1) // 2 for m in groups.values())
ctype = collections.Counter(r.get('type') for r in camp_rows)
kinds = collections.Counter(r['kind'] for r in truth.values())
print(f'posts: {len(posts)}')
print(f'platforms: {dict(collections.Counter(p["platform"] for p in posts))}')
print(f'kinds: {dict(kinds)}')
print(f'dup groups: {len(groups)}  (posts in groups: {sum(len(m) for m in groups.values())}, near-duplicate pairs: {pairs})')
print(f'repost storms (dup groups with a source_text): {len(storm_groups)}')
print(f'campaigns: {len(camp_rows)} {dict(ctype)}  (campaign posts: {sum(len(m) for m in camps.values())})')
print(f'organic bursts: {len(burst_rows)}  (posts: {sum(len(r.get("post_ids", [])) for r in burst_rows)})')
print(f'authors: {len(fol)}')
for w in warnings[:60]:
    print('WARNING', w)
if len(warnings) > 60:
    print(f'... {len(warnings) - 60} more warnings')
for e in errors[:200]:
    print('ERROR', e)
print(f'{len(errors)} errors, {len(warnings)} warnings')
sys.exit(1 if errors else 0)
