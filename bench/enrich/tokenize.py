"""Tokeniser benchmark: PyThaiNLP newmm vs nlpo3 (Rust newmm) on the sample's posts.

Both engines get Siang's full custom dictionary (places, agencies, keywords, slang) and the
same normalised text. Writes ``bench/results/enrich.json``::

    python -m bench.enrich.tokenize [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

from domain.privacy import redact
from domain.settings import load_settings
from enrich.gazetteer import Gazetteer
from enrich.service import custom_words
from enrich.thai_text import ThaiTokenizer, normalize

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "enrich.json"


def _texts() -> list[str]:
    texts = []
    for line in (ROOT / "sample_data" / "posts.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record.get("text"), str) and record["text"].strip():
            texts.append(normalize(redact(record["text"])[0]).text)
    return texts


def _rate(tokenizer: ThaiTokenizer, texts: list[str], repeat: int) -> tuple[float, list[list[str]]]:
    tokenizer.tokenize("อุ่นเครื่อง")  # build the dictionary outside the timing
    best = float("inf")
    output: list[list[str]] = []
    for _ in range(repeat):
        start = time.perf_counter()
        output = [tokenizer.tokenize(t) for t in texts]
        best = min(best, time.perf_counter() - start)
    return len(texts) / best, output


def run(repeat: int = 3) -> dict[str, object]:
    settings = load_settings()
    gazetteer = Gazetteer(settings.place_aliases, landmarks=settings.landmarks)
    words = custom_words(settings, gazetteer)
    texts = _texts()
    newmm_rate, newmm_tokens = _rate(ThaiTokenizer(words, engine="newmm"), texts, repeat)
    nlpo3_rate, nlpo3_tokens = _rate(ThaiTokenizer(words, engine="nlpo3"), texts, repeat)
    agree = sum(a == b for a, b in zip(newmm_tokens, nlpo3_tokens, strict=True))
    differ = [
        (t, a, b) for t, a, b in zip(texts, newmm_tokens, nlpo3_tokens, strict=True) if a != b
    ]
    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "posts": len(texts),
        "mean_chars": round(sum(map(len, texts)) / len(texts), 1),
        "tokenize_newmm_posts_per_s": round(newmm_rate),
        "tokenize_nlpo3_posts_per_s": round(nlpo3_rate),
        "nlpo3_speedup": round(nlpo3_rate / newmm_rate, 2),
        "tokens_identical_share": round(agree / len(texts), 4),
        "examples_that_differ": [{"text": t, "newmm": a, "nlpo3": b} for t, a, b in differ[:5]],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    summary = run(parser.parse_args().repeat)
    print(json.dumps({k: v for k, v in summary.items() if k != "examples_that_differ"}, indent=2))
