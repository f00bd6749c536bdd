"""Labelled campaign sets: posts, and which of them are near-duplicates of each other.

A set is a folder with ``posts.jsonl`` (``post_id``, ``created_at``, ``text``, ``author`` …)
and ``truth.jsonl``: a row per post naming its ``dup_group`` (posts that copy one text share
it; null for a post nobody copied) and its ``campaign``, then a row per campaign and per
organic burst (see the sets' READMEs). ``campaigns/data/train`` is where choices are made;
``bench/data/campaigns``, written apart from the code, only measures.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from campaigns.neardup import NearDuplicates, pair_labels
from domain.models import Campaign
from ingest.jsonl import read_objects


@dataclass(frozen=True)
class LabelledPost:
    post_id: str
    created_at: datetime
    text: str
    author: str
    dup_group: str | None
    campaign: str | None


def load_set(directory: Path) -> tuple[list[LabelledPost], list[dict[str, Any]]]:
    """The set's posts in time order, and its campaign rows."""
    truth: dict[str, dict[str, Any]] = {}
    campaigns = []
    for row in read_objects(directory / "truth.jsonl"):
        if "post_id" in row:
            truth[row["post_id"]] = row
        elif "campaign" in row and "type" in row:
            campaigns.append(row)
    posts = [
        LabelledPost(
            post_id=row["post_id"],
            created_at=datetime.fromisoformat(row["created_at"]),
            text=row["text"],
            author=row.get("author") or "",
            dup_group=truth.get(row["post_id"], {}).get("dup_group"),
            campaign=truth.get(row["post_id"], {}).get("campaign"),
        )
        for row in read_objects(directory / "posts.jsonl")
    ]
    return sorted(posts, key=lambda p: (p.created_at, p.post_id)), campaigns


def true_pairs(posts: list[LabelledPost]) -> set[tuple[str, str]]:
    """Every pair of posts labelled near-duplicates of each other."""
    return pair_labels({p.post_id: p.dup_group for p in posts if p.dup_group})


def pair_scores(index: NearDuplicates, posts: list[LabelledPost]) -> dict[str, float]:
    """Pair precision and recall of ``index``'s clusters over ``posts`` (added in time order)."""
    index.add_many((p.post_id, p.text) for p in posts)
    clusters = index.clusters()
    found = pair_labels(clusters)
    truth = true_pairs(posts)
    hits = len(found & truth)
    # Big groups own most pairs; per group, a small copy group counts as much as a storm.
    groups = _pairs_by({p.post_id: p.dup_group for p in posts if p.dup_group})
    made = _pairs_by(clusters)
    return {
        "precision": round(hits / len(found), 4) if found else 1.0,
        "recall": round(hits / len(truth), 4) if truth else 1.0,
        "found_pairs": len(found),
        "true_pairs": len(truth),
        "recall_per_group": _mean([len(g & found) / len(g) for g in groups.values()]),
        "precision_per_cluster": _mean([len(c & truth) / len(c) for c in made.values()]),
        "groups": len(groups),
        "clusters_with_copies": len(made),
    }


def records(directory: Path) -> list[dict[str, Any]]:
    """The set's posts as collected records, in the shape ``siang ingest`` reads."""
    out = []
    for row in read_objects(directory / "posts.jsonl"):
        platform, native_id = row["post_id"].split(":", 1)
        out.append(
            {
                "platform": platform,
                "native_id": native_id,
                "text": row["text"],
                "author": row.get("author"),
                "created_at": row["created_at"],
                "engagement": {k: int(row.get(k) or 0) for k in ("likes", "shares", "replies")},
                "followers": row.get("followers"),
                "synthetic": True,
            }
        )
    return out


def campaign_scores(found: list[Campaign], posts: list[LabelledPost]) -> dict[str, Any]:
    """Campaign precision and recall: a flagged campaign is right when most of its posts
    belong to one labelled campaign, and a labelled campaign is found when one is right
    about it. Post-level figures beside them."""
    label = {p.post_id: p.campaign for p in posts}
    truth = {p.campaign for p in posts if p.campaign}
    matched: list[str | None] = []
    for campaign in found:
        votes = Counter(label.get(pid) for pid in campaign.post_ids)
        best, n = votes.most_common(1)[0] if votes else (None, 0)
        matched.append(best if best is not None and n * 2 >= len(campaign.post_ids) else None)
    flagged = {pid for c in found for pid in c.post_ids}
    labelled = {pid for pid, c in label.items() if c}
    return {
        "precision": _mean([1.0 if m else 0.0 for m in matched]),
        "recall": round(len({m for m in matched if m} & truth) / len(truth), 4) if truth else 1.0,
        "flagged": len(found),
        "labelled": len(truth),
        "missed": sorted(truth - {m for m in matched if m}),
        "wrong": [c.campaign_id for c, m in zip(found, matched, strict=True) if m is None],
        "post_precision": round(len(flagged & labelled) / len(flagged), 4) if flagged else 1.0,
        "post_recall": round(len(flagged & labelled) / len(labelled), 4) if labelled else 1.0,
    }


def _pairs_by(labels: dict[str, str]) -> dict[str, set[tuple[str, str]]]:
    """label → the pairs of posts carrying it (labels of one post only are left out)."""
    members: dict[str, dict[str, str]] = {}
    for post_id, label in labels.items():
        members.setdefault(label, {})[post_id] = label
    return {label: pairs for label, group in members.items() if (pairs := pair_labels(group))}


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 4) if values else 1.0


__all__ = [
    "LabelledPost",
    "campaign_scores",
    "load_set",
    "pair_scores",
    "records",
    "true_pairs",
]
