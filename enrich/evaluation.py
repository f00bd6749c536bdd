"""Quality of the enrich stage on a labelled Thai evaluation set.

``evaluate`` runs an ``Enricher`` (no embedder needed) over labelled posts and reports
sentiment accuracy and macro-F1, province and district precision/recall (over the set of
places each post names), category macro-F1, grievance F1 and PII recall and false
redactions, overall and per tag (slang, sarcasm, nickname, ...). ``bench/enrich/quality.py``
writes the report; ``tests/enrich/test_enrich_quality.py`` holds floors on it.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from domain.errors import EnrichError
from domain.models import Category, Enrichment
from domain.privacy import redact
from enrich.service import Enricher


@dataclass(frozen=True)
class EvalPost:
    """One labelled evaluation post (see ``enrich/data/LABELLING.md``)."""

    id: str
    text: str
    sentiment: str
    category: Category
    is_grievance: bool
    provinces: frozenset[str]
    districts: frozenset[str]
    pii: tuple[tuple[str, str], ...]
    tags: frozenset[str] = field(default_factory=frozenset)


def read_eval_posts(directory: Path) -> list[EvalPost]:
    """All ``*.jsonl`` files in ``directory``; a bad line raises naming file and line."""
    posts: list[EvalPost] = []
    for path in sorted(directory.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                posts.append(
                    EvalPost(
                        id=str(row["id"]),
                        text=row["text"],
                        sentiment=row["sentiment"],
                        category=Category(row["category"]),
                        is_grievance=bool(row["is_grievance"]),
                        provinces=frozenset(row.get("provinces", [])),
                        districts=frozenset(row.get("districts", [])),
                        pii=tuple((p["kind"], p["value"]) for p in row.get("pii", [])),
                        tags=frozenset(row.get("tags", [])),
                    )
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise EnrichError(f"{path}:{number}: bad evaluation post: {exc}") from exc
    return posts


def _f1(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def classification_report(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 over the gold labels, and per-label precision/recall/F1."""
    labels = sorted(set(gold))
    per_label = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted, strict=True))
        per_label[label] = {**_f1(tp, fp, fn), "support": sum(g == label for g in gold)}
    correct = sum(g == p for g, p in zip(gold, predicted, strict=True))
    return {
        "n": len(gold),
        "accuracy": round(correct / len(gold), 4) if gold else 0.0,
        "macro_f1": round(sum(v["f1"] for v in per_label.values()) / len(labels), 4)
        if labels
        else 0.0,
        "per_label": per_label,
    }


def set_report(gold: Iterable[frozenset[str]], predicted: Iterable[frozenset[str]]) -> dict:
    """Micro precision/recall/F1 over per-post sets (places)."""
    tp = fp = fn = 0
    for g, p in zip(gold, predicted, strict=True):
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)
    return {**_f1(tp, fp, fn), "gold": tp + fn, "predicted": tp + fp}


def pii_report(posts: Sequence[EvalPost]) -> dict[str, Any]:
    """Recall per kind (a value counts as found when it is gone from the redacted text)."""
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    missed: list[dict[str, str]] = []
    false_redactions = 0
    for post in posts:
        redacted, kinds = redact(post.text)
        for kind, value in post.pii:
            total[kind] += 1
            if value not in redacted:
                found[kind] += 1
            else:
                missed.append({"id": post.id, "kind": kind, "value": value})
        if not post.pii and kinds:
            false_redactions += 1
    all_total = sum(total.values())
    return {
        "recall": round(sum(found.values()) / all_total, 4) if all_total else 1.0,
        "per_kind": {k: round(found[k] / total[k], 4) for k in sorted(total)},
        "values": all_total,
        "posts_without_pii_redacted": false_redactions,
        "posts_without_pii": sum(not p.pii for p in posts),
        "missed": missed,
    }


def _place_sets(enrichment: Enrichment) -> tuple[frozenset[str], frozenset[str]]:
    provinces = frozenset(loc.province for loc in enrichment.locations)
    districts = frozenset(loc.district for loc in enrichment.locations if loc.district)
    return provinces, districts


def _confusion(gold: Sequence[str], got: Sequence[str]) -> dict[str, dict[str, int]]:
    """For each true label, how often each label was predicted (rows with errors only
    list the labels that occurred)."""
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for truth, guess in zip(gold, got, strict=True):
        table[truth][guess] += 1
    return {label: dict(table[label].most_common()) for label in sorted(table)}


def _uncertain_report(posts: Sequence[EvalPost], results: Sequence[Enrichment]) -> dict[str, Any]:
    """How many categories were marked uncertain, and how often each kind was right."""
    flagged = [i for i, e in enumerate(results) if e.category.uncertain]
    sure = [i for i in range(len(results)) if not results[i].category.uncertain]

    def accuracy(ix: list[int]) -> float | None:
        if not ix:
            return None
        return round(sum(posts[i].category == results[i].category.label for i in ix) / len(ix), 4)

    return {
        "share": round(len(flagged) / len(results), 4) if results else 0.0,
        "accuracy_when_uncertain": accuracy(flagged),
        "accuracy_when_confident": accuracy(sure),
    }


def read_post_labels(directory: Path) -> list[EvalPost]:
    """A labelled set kept as posts in the ingest format (``posts.jsonl``) with their labels
    beside them (``labels.jsonl``: post_id, sentiment, sarcasm, category, is_grievance,
    provinces, districts, tags), such as the independent set in ``bench/data/independent``.
    Sarcastic posts carry the tag ``sarcasm``; these sets label no personal data."""
    texts: dict[str, str] = {}
    for number, line in enumerate(_lines(directory / "posts.jsonl"), 1):
        row = _row(directory / "posts.jsonl", number, line)
        texts[str(row["post_id"])] = str(row["text"])
    posts: list[EvalPost] = []
    for number, line in enumerate(_lines(directory / "labels.jsonl"), 1):
        row = _row(directory / "labels.jsonl", number, line)
        try:
            tags = set(row.get("tags", [])) | ({"sarcasm"} if row.get("sarcasm") else set())
            posts.append(
                EvalPost(
                    id=str(row["post_id"]),
                    text=texts[str(row["post_id"])],
                    sentiment=str(row["sentiment"]),
                    category=Category(row["category"]),
                    is_grievance=bool(row["is_grievance"]),
                    provinces=frozenset(row.get("provinces", [])),
                    districts=frozenset(row.get("districts", [])),
                    pii=(),
                    tags=frozenset(tags),
                )
            )
        except (KeyError, ValueError) as exc:
            raise EnrichError(f"{directory / 'labels.jsonl'}:{number}: {exc!r}") from exc
    return posts


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _row(path: Path, number: int, line: str) -> dict[str, Any]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise EnrichError(f"{path}:{number}: {exc}") from exc
    if not isinstance(row, dict):
        raise EnrichError(f"{path}:{number}: not a JSON object")
    return row


def evaluate(enricher: Enricher, posts: Sequence[EvalPost], *, errors: int = 25) -> dict[str, Any]:
    """The full quality report; ``errors`` examples of each kind of mistake are included."""
    results, _ = enricher.enrich_texts([post.text for post in posts])
    places = [_place_sets(e) for e in results]
    report: dict[str, Any] = {
        "posts": len(posts),
        "sentiment": classification_report(
            [p.sentiment for p in posts], [e.sentiment.label for e in results]
        ),
        "category": classification_report(
            [p.category.value for p in posts], [e.category.label.value for e in results]
        ),
        "is_grievance": classification_report(
            [str(p.is_grievance) for p in posts], [str(e.is_grievance) for e in results]
        ),
        "province": set_report((p.provinces for p in posts), (pl[0] for pl in places)),
        "district": set_report(
            (p.districts for p in posts if p.districts),
            (pl[1] for p, pl in zip(posts, places, strict=True) if p.districts),
        ),
        "pii": pii_report(posts),
        "category_confusion": _confusion(
            [p.category.value for p in posts], [e.category.label.value for e in results]
        ),
        "category_uncertain": _uncertain_report(posts, results),
    }
    by_tag: dict[str, list[int]] = defaultdict(list)
    for i, post in enumerate(posts):
        for tag in post.tags:
            by_tag[tag].append(i)
    report["by_tag"] = {
        tag: {
            "posts": len(ix),
            "sentiment_accuracy": round(
                sum(posts[i].sentiment == results[i].sentiment.label for i in ix) / len(ix), 4
            ),
            "category_accuracy": round(
                sum(posts[i].category == results[i].category.label for i in ix) / len(ix), 4
            ),
            "province": set_report((posts[i].provinces for i in ix), (places[i][0] for i in ix)),
        }
        for tag, ix in sorted(by_tag.items())
    }
    report["errors"] = {
        "province": [
            {"id": p.id, "text": p.text, "gold": sorted(p.provinces), "got": sorted(pl[0])}
            for p, pl in zip(posts, places, strict=True)
            if p.provinces != pl[0]
        ][:errors],
        "sentiment": [
            {"id": p.id, "text": p.text, "gold": p.sentiment, "got": e.sentiment.label}
            for p, e in zip(posts, results, strict=True)
            if p.sentiment != e.sentiment.label
        ][:errors],
        "category": [
            {"id": p.id, "text": p.text, "gold": p.category.value, "got": e.category.label.value}
            for p, e in zip(posts, results, strict=True)
            if p.category != e.category.label
        ][:errors],
    }
    return report


__all__ = [
    "EvalPost",
    "classification_report",
    "evaluate",
    "pii_report",
    "read_eval_posts",
    "read_post_labels",
    "set_report",
]
