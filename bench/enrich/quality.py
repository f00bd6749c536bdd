"""Enrichment quality on the labelled evaluation set in ``tests/data/enrich_eval/``.

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

from domain.settings import Settings, load_settings
from enrich.category import KeywordCategoryModel, TrainedCategoryModel
from enrich.evaluation import classification_report, evaluate, read_eval_posts
from enrich.grievance import TrainedGrievanceModel
from enrich.labelled import LabelledPost, training_posts
from enrich.sentiment import GrievanceSentiment, LexiconSentiment, NbsvmSentiment
from enrich.service import Enricher
from enrich.thai_text import normalize

ROOT = Path(__file__).resolve().parents[2]
EVAL_DIR = ROOT / "tests" / "data" / "enrich_eval"
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


def _with(settings: Settings, **models: Any) -> Settings:
    return settings.model_copy(
        update={"models": settings.models.model_copy(update=models)}, deep=True
    )


def run(*, cv: bool = True) -> dict[str, Any]:
    settings = load_settings()
    posts = read_eval_posts(EVAL_DIR)
    started = time.perf_counter()
    enricher = Enricher.from_settings(settings, embedder=None)
    report = evaluate(enricher, posts)
    baselines = {}
    for name, model in (("wisesight_nbsvm", NbsvmSentiment()), ("lexicon", LexiconSentiment())):
        enricher.sentiment = model
        baselines[f"sentiment_{name}"] = {
            k: v for k, v in evaluate(enricher, posts)["sentiment"].items() if k != "per_label"
        }
    enricher.sentiment = GrievanceSentiment(
        training_posts(), enricher.tokenizer.tokenize, use_nbsvm=False
    )
    baselines["sentiment_grievance_without_nbsvm_features"] = {
        k: v for k, v in evaluate(enricher, posts)["sentiment"].items() if k != "per_label"
    }
    enricher = Enricher.from_settings(settings, embedder=None)
    enricher.category = KeywordCategoryModel(settings.keywords, enricher.tokenizer)
    baselines["category_keywords"] = {
        k: v for k, v in evaluate(enricher, posts)["category"].items() if k != "per_label"
    }
    result: dict[str, Any] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": platform.machine(),
        "eval_posts": len(posts),
        "training_posts": len(training_posts()),
        "models": {
            "sentiment": settings.models.sentiment.kind,
            "category": settings.models.category.kind,
            "tokenizer": settings.models.tokenizer,
        },
        "sentiment_accuracy": report["sentiment"]["accuracy"],
        "sentiment_macro_f1": report["sentiment"]["macro_f1"],
        "province_precision": report["province"]["precision"],
        "province_recall": report["province"]["recall"],
        "district_precision": report["district"]["precision"],
        "district_recall": report["district"]["recall"],
        "category_macro_f1": report["category"]["macro_f1"],
        "category_accuracy": report["category"]["accuracy"],
        "grievance_f1": report["is_grievance"]["per_label"].get("True", {}).get("f1"),
        "pii_recall": report["pii"]["recall"],
        "baselines": baselines,
        "report": report,
    }
    if cv:
        result["cross_validation_macro_f1_by_C"] = cross_validate(enricher, training_posts())
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure enrichment quality on tests/data.")
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
    args = parser.parse_args()
    result = run(cv=not args.no_cv)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    summary = {k: v for k, v in result.items() if k not in {"report", "baselines"}}
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    print(json.dumps(result["baselines"], ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
