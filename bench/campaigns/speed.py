"""Time to cluster 100,000 posts into near-duplicate clusters, on this machine.

The posts are the bundled sample's texts (``sample_data/posts.jsonl``), each used many times
with seeded edits of the kinds copies carry (hashtags, emoji, a prefix, a word dropped or
added, stretched letters), so the index sees realistic Thai text, long and short, and real
clusters. Many edits leave the core text as it was (a hashtag, an emoji, an RT prefix), as
retweets and bare shares do, and those copies skip the LSH query. A second run gives every
post a core text of its own (a numbered suffix), so each goes through the LSH index: the
worst case, ``cluster_s_100k_distinct``. Updates ``cluster_s_100k`` (and how it was
measured) in ``bench/results/campaigns.json``::

    python -m bench.campaigns.speed [--posts 100000]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.campaigns.quality import RESULTS, merge_results
from campaigns.neardup import NearDuplicates
from ingest.jsonl import read_objects

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "posts.jsonl"
_EDITS = (
    lambda t, r: f"{t} #{r.choice(['น้ำท่วม', 'ไฟดับ', 'ร้องเรียน', 'แชร์ต่อ'])}",
    lambda t, r: f"{t} {r.choice(['😭', '🙏', '😡😡', '‼️'])}",
    lambda t, r: f"RT @user{r.randrange(1000)}: {t}",
    lambda t, r: " ".join(w for w in t.split() if r.random() > 0.15) or t,
    lambda t, r: f"{t} {r.choice(['จริงมาก', 'ช่วยกันแชร์', 'เห็นด้วยครับ'])}",
    lambda t, r: t.replace("มาก", "มากกกก"),
)


def texts(count: int, seed: int = 2569) -> list[str]:
    """``count`` texts: the sample's, then edited copies of them."""
    base = [  # the sample's malformed lines (there on purpose) left out
        row["text"] for row in read_objects(SAMPLE) if isinstance(row.get("text"), str)
    ]
    rng = random.Random(seed)
    out = list(base[:count])
    while len(out) < count:
        text = rng.choice(base)
        for edit in rng.sample(_EDITS, rng.randint(1, 3)):
            text = edit(text, rng)
        out.append(text)
    return out


def _timed(corpus: list[str]) -> tuple[float, NearDuplicates]:
    index = NearDuplicates.shipped()
    started = time.perf_counter()
    index.add_many((f"p{i}", text) for i, text in enumerate(corpus))
    return time.perf_counter() - started, index


def run(count: int = 100_000, output: Path = RESULTS) -> dict[str, Any]:
    corpus = texts(count)
    seconds, index = _timed(corpus)
    clusters = index.clusters()
    sizes: dict[str, int] = {}
    for cluster in clusters.values():
        sizes[cluster] = sizes.get(cluster, 0) + 1
    distinct, _ = _timed([f"{text} ลำดับที่ {i}" for i, text in enumerate(corpus)])
    key = f"cluster_s_{count // 1000}k"
    return merge_results(
        output,
        {
            key: round(seconds, 2),
            f"{key}_distinct": round(distinct, 2),
            "cluster_speed": {
                "posts": count,
                "posts_per_s": round(count / seconds),
                "posts_per_s_distinct": round(count / distinct),
                "clusters_with_copies": sum(1 for n in sizes.values() if n > 1),
                "posts_in_them": sum(n for n in sizes.values() if n > 1),
                "largest_cluster": max(sizes.values()),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "index": index.settings(),
                "texts": "sample_data/posts.jsonl and seeded edited copies",
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
        },
    )  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=100_000)
    print(json.dumps(run(parser.parse_args().posts), ensure_ascii=False, indent=2))
