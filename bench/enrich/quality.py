"""Enrichment quality on two labelled sets, side by side: the team's held-out set
(``tests/data/enrich_eval/``) and the independent one (``bench/data/independent/``,
written apart from the training data and never used to choose anything).

Reports the configured models and, for comparison, the baselines they replace (the
wisesight NBSVM alone and the lexicon for sentiment, keyword counts for category), plus a
5-fold cross-validation of the trained models' regularisation on the training posts
(never on the evaluation set). Writes ``bench/results/enrich_quality.json``::

    python -m bench.enrich.quality [--no-cv]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from domain.models import Category
from domain.settings import load_settings
from enrich.category import KeywordCategoryModel, TrainedCategoryModel
from enrich.embeddings import Embedder, build_embedder
from enrich.evaluation import (
    EvalPost,
    classification_report,
    evaluate,
    read_eval_posts,
    read_post_labels,
)
from enrich.grievance import TrainedGrievanceModel
from enrich.labelled import LabelledPost, training_posts
from enrich.linear import VectorLogit
from enrich.sentiment import GrievanceSentiment, LexiconSentiment, NbsvmSentiment
from enrich.service import Enricher
from enrich.thai_text import normalize

ROOT = Path(__file__).resolve().parents[2]
EVAL_DIR = ROOT / "tests" / "data" / "enrich_eval"
INDEPENDENT = ROOT / "bench" / "data" / "independent"
RESULTS = ROOT / "bench" / "results" / "enrich_quality.json"
C_GRID = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)


def _folds(n: int, k: int = 5) -> list[tuple[list[int], list[int]]]:
    order = sorted(range(n), key=lambda i: (i * 7919) % n)  # fixed shuffle
    return [
        (
            [i for j, i in enumerate(order) if j % k != f],
            [i for j, i in enumerate(order) if j % k == f],
        )
        for f in range(k)
    ]


def cross_validate(enricher: Enricher, posts: list[LabelledPost]) -> dict[str, Any]:
    """Macro-F1 per C of the three trained models, 5 folds of the training posts."""
    tokenizer = enricher.tokenizer
    keywords = KeywordCategoryModel(load_settings().keywords, tokenizer)
    prepared = [normalize(p.text) for p in posts]
    tokens = [tokenizer.tokenize(n.text) for n in prepared]
    out: dict[str, Any] = {"sentiment": {}, "category": {}, "grievance": {}}
    folds = _folds(len(posts))
    for c in C_GRID:
        gold: dict[str, list[str]] = {"sentiment": [], "category": [], "grievance": []}
        got: dict[str, list[str]] = {"sentiment": [], "category": [], "grievance": []}
        for train, test in folds:
            examples = [posts[i] for i in train]
            sentiment = GrievanceSentiment(examples, tokenizer.tokenize, c=c)
            category = TrainedCategoryModel(examples, keywords, tokenizer, c=c)
            grievance = TrainedGrievanceModel(
                examples, tokenizer=tokenizer, sentiment=sentiment, category=category, c=c
            )
            for i in test:
                text, emphasis = prepared[i].text, prepared[i].emphasis
                sentiment_p = sentiment.probabilities(tokens[i], text=text, emphasis=emphasis)
                category_p = category.probabilities(tokens[i])
                gold["sentiment"].append(posts[i].sentiment)
                got["sentiment"].append(max(sentiment_p, key=sentiment_p.__getitem__))
                gold["category"].append(posts[i].category.value)
                got["category"].append(max(category_p, key=category_p.__getitem__).value)
                gold["grievance"].append(str(posts[i].is_grievance))
                got["grievance"].append(
                    str(grievance.predict(tokens[i], sentiment=sentiment_p, category=category_p))
                )
        for name in out:
            out[name][str(c)] = classification_report(gold[name], got[name])["macro_f1"]
    return out


def choose_category_mix(
    posts: list[LabelledPost], enricher: Enricher, embedder: Embedder
) -> dict[str, Any]:
    """The category model's embedding C, its weight in the mix, the temperature and the
    uncertainty threshold, chosen on out-of-fold predictions of the training posts only.

    Weight and C maximise macro-F1; the temperature minimises the log loss of the mixed
    probabilities; ``min_confidence`` is the highest threshold under which the out-of-fold
    predictions are right less than half the time (a guess, better flagged than trusted).
    """
    tokenizer = enricher.tokenizer
    keywords = KeywordCategoryModel(load_settings().keywords, tokenizer)
    texts = [normalize(p.text).text for p in posts]
    tokens = [tokenizer.tokenize(t) for t in texts]
    vectors = embedder.encode(texts)
    gold = [p.category.value for p in posts]
    c_grid, weights = (1.0, 2.0, 4.0, 8.0, 16.0), (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
    classes: list[str] = sorted({p.category.value for p in posts})
    words = np.zeros((len(posts), len(classes)))
    meaning = {c: np.zeros((len(posts), len(classes))) for c in c_grid}
    for train, test in _folds(len(posts)):
        examples = [posts[i] for i in train]
        model = TrainedCategoryModel(examples, keywords, tokenizer)
        for i in test:
            row = model.probabilities(tokens[i])
            words[i] = [row[Category(c)] for c in classes]
        for c in c_grid:
            logit = VectorLogit(vectors[train], [gold[i] for i in train], c=c)
            for i in test:
                row = logit.probabilities(vectors[i])
                meaning[c][i] = [row.get(k, 0.0) for k in classes]
    table: dict[str, float] = {}
    best = (-1.0, 0.0, c_grid[0])
    for c in c_grid:
        for w in weights:
            mixed = (1 - w) * np.log(words + 1e-12) + w * np.log(meaning[c] + 1e-12)
            got = [classes[j] for j in mixed.argmax(axis=1)]
            f1 = classification_report(gold, got)["macro_f1"]
            table[f"C={c:g},weight={w:g}"] = f1
            best = max(best, (f1, w, c))
    f1, weight, c = best
    mixed = (1 - weight) * np.log(words + 1e-12) + weight * np.log(meaning[c] + 1e-12)
    truth = np.array([classes.index(g) for g in gold])

    def log_loss(t: float) -> float:
        z = mixed / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-logp[np.arange(len(truth)), truth].mean())

    temperature = min((round(t, 2) for t in np.arange(0.3, 3.01, 0.05)), key=log_loss)
    z = mixed / temperature
    probs = np.exp(z - z.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    confidence, right = probs.max(axis=1), probs.argmax(axis=1) == truth
    threshold = 0.0
    for t in np.arange(0.2, 0.81, 0.05):
        below = confidence < t
        if below.any() and right[below].mean() < 0.5:
            threshold = round(float(t), 2)
    flagged = confidence < threshold
    when_uncertain = float(right[flagged].mean()) if flagged.any() else None
    return {
        "macro_f1_by_mix": table,
        "chosen": {"c_embedding": c, "embedding_weight": weight, "macro_f1": f1,
                   "temperature": temperature, "log_loss": round(log_loss(temperature), 4),
                   "min_confidence": threshold},
        "uncertain_share": round(float(flagged.mean()), 4),
        "accuracy_when_uncertain": None if when_uncertain is None else round(when_uncertain, 4),
        "accuracy_when_confident": round(float(right[~flagged].mean()), 4),
        "words_only_macro_f1": table[f"C={c_grid[0]:g},weight=0"],
    }  # fmt: skip


def choose_sentiment_mix(
    posts: list[LabelledPost], enricher: Enricher, embedder: Embedder
) -> dict[str, Any]:
    """The sentiment model's embedding C and its weight in the mix, chosen for macro-F1 on
    out-of-fold predictions of the training posts only."""
    tokenizer = enricher.tokenizer
    prepared = [normalize(p.text) for p in posts]
    tokens = [tokenizer.tokenize(n.text) for n in prepared]
    vectors = embedder.encode([n.text for n in prepared])
    gold = [p.sentiment for p in posts]
    labels = sorted(set(gold))
    c_grid, weights = (1.0, 4.0, 16.0), (0.0, 0.2, 0.3, 0.4, 0.5, 0.6)
    words = np.zeros((len(posts), len(labels)))
    meaning = {c: np.zeros((len(posts), len(labels))) for c in c_grid}
    for train, test in _folds(len(posts)):
        model = GrievanceSentiment([posts[i] for i in train], tokenizer.tokenize)
        for i in test:
            row = model.probabilities(
                tokens[i], text=prepared[i].text, emphasis=prepared[i].emphasis
            )
            words[i] = [row[k] for k in labels]  # type: ignore[index]
        for c in c_grid:
            logit = VectorLogit(vectors[train], [gold[i] for i in train], c=c)
            for i in test:
                found = logit.probabilities(vectors[i])
                meaning[c][i] = [found.get(k, 0.0) for k in labels]
    table: dict[str, float] = {}
    best = (-1.0, 0.0, c_grid[0])
    for c in c_grid:
        for w in weights:
            mixed = (1 - w) * np.log(words + 1e-12) + w * np.log(meaning[c] + 1e-12)
            f1 = classification_report(gold, [labels[j] for j in mixed.argmax(axis=1)])["macro_f1"]
            table[f"C={c:g},weight={w:g}"] = f1
            best = max(best, (f1, w, c))
    return {
        "macro_f1_by_mix": table,
        "chosen": {"c_embedding": best[2], "embedding_weight": best[1], "macro_f1": best[0]},
        "words_only_macro_f1": table[f"C={c_grid[0]:g},weight=0"],
    }


def _figures(report: dict[str, Any]) -> dict[str, Any]:
    """The headline numbers of one set's report."""
    sarcasm = report["by_tag"].get("sarcasm", {})
    return {
        "posts": report["posts"],
        "sentiment_macro_f1": report["sentiment"]["macro_f1"],
        "sentiment_accuracy": report["sentiment"]["accuracy"],
        "sarcasm_posts": sarcasm.get("posts", 0),
        "sarcasm_sentiment_accuracy": sarcasm.get("sentiment_accuracy"),
        "category_macro_f1": report["category"]["macro_f1"],
        "category_accuracy": report["category"]["accuracy"],
        "category_uncertain_share": report["category_uncertain"]["share"],
        "category_accuracy_when_confident": report["category_uncertain"]["accuracy_when_confident"],
        "grievance_f1": report["is_grievance"]["per_label"].get("True", {}).get("f1"),
        "province_precision": report["province"]["precision"],
        "province_recall": report["province"]["recall"],
        "district_precision": report["district"]["precision"],
        "district_recall": report["district"]["recall"],
    }


def labelled_sets() -> dict[str, list[EvalPost]]:
    """The team's held-out set and the independent one (written apart from the training
    data by writers who never read it; see bench/data/independent/README.md)."""
    independent = [
        post for folder in sorted(INDEPENDENT.glob("writer_*")) for post in read_post_labels(folder)
    ]
    return {"team_heldout": read_eval_posts(EVAL_DIR), "independent": independent}


def run(*, cv: bool = True) -> dict[str, Any]:
    settings = load_settings()
    sets = labelled_sets()
    started = time.perf_counter()
    embedder = build_embedder(settings.models.embedder)
    enricher = Enricher.from_settings(settings, embedder=embedder)
    reports = {name: evaluate(enricher, posts) for name, posts in sets.items()}
    figures = {name: _figures(report) for name, report in reports.items()}
    side_by_side = {
        metric: {name: figures[name][metric] for name in sets} for metric in figures["team_heldout"]
    }
    baselines: dict[str, Any] = {}
    words_only = Enricher.from_settings(settings, embedder=None)
    for name, posts in sets.items():
        words = evaluate(words_only, posts)
        baselines[f"category_words_only_{name}"] = words["category"]["macro_f1"]
        words_only.category = KeywordCategoryModel(settings.keywords, words_only.tokenizer)
        baselines[f"category_keywords_{name}"] = evaluate(words_only, posts)["category"]["macro_f1"]
        words_only = Enricher.from_settings(settings, embedder=None)
    for name, model in (("wisesight_nbsvm", NbsvmSentiment()), ("lexicon", LexiconSentiment())):
        words_only.sentiment = model
        baselines[f"sentiment_{name}_team_heldout"] = evaluate(words_only, sets["team_heldout"])[
            "sentiment"
        ]["macro_f1"]
    result: dict[str, Any] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": platform.machine(),
        "training_posts": len(training_posts()),
        "models": {
            "sentiment": settings.models.sentiment.kind,
            "category": settings.models.category.kind,
            "category_min_confidence": settings.models.category.min_confidence,
            "embedder": embedder.name,
            "tokenizer": settings.models.tokenizer,
        },
        "side_by_side": side_by_side,
        "targets_independent": {
            "category_macro_f1_at_least_0.80": figures["independent"]["category_macro_f1"] >= 0.8,
            "district_recall_at_least_0.90": figures["independent"]["district_recall"] >= 0.9,
            "district_precision_at_least_0.90": figures["independent"]["district_precision"] >= 0.9,
        },
        "category_confusion": {name: r["category_confusion"] for name, r in reports.items()},
        "baselines": baselines,
        "reports": reports,
    }
    if cv:
        training = training_posts()
        result["cross_validation_macro_f1_by_C"] = cross_validate(words_only, training)
        result["category_mix_chosen_on_training_folds"] = choose_category_mix(
            training, words_only, embedder
        )
        result["sentiment_mix_chosen_on_training_folds"] = choose_sentiment_mix(
            training, words_only, embedder
        )
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure enrichment quality on tests/data.")
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
    args = parser.parse_args()
    result = run(cv=not args.no_cv)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    summary = {k: v for k, v in result.items() if k in {"side_by_side", "targets_independent"}}
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    print(json.dumps(result["baselines"], ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
