"""The wisesight_sentiment NBSVM, read from plain arrays and fed the text it was trained on.

The weights come from the ``thai-sentiment`` sdist (cstorm125/thai_sentiment, Apache-2.0),
converted once by ``tools.wisesight_convert``; no pickle is loaded at run time. The model
was trained with scikit-learn's ``TfidfVectorizer(tokenizer=process_thai,
strip_accents="unicode", ngram_range=(1, 2), sublinear_tf=True)``. To score text the way it
was trained, ``WisesightFeatures`` reproduces that analyzer: accents stripped and lowercased
first (which removes Thai tone marks and upper/lower vowels, exactly as in training), then
PyThaiNLP ULMFiT's sparse pre-rules, thai2fit-dictionary word segmentation and post-rules,
then word unigrams and bigrams. The ULMFiT rules are re-implemented here because importing
``pythainlp.ulmfit`` imports torch; ``tests/enrich/test_enrich_wisesight.py`` checks them
against PyThaiNLP's own functions.
"""

from __future__ import annotations

import html
import itertools
import math
import os
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cached_property
from importlib.resources import files
from pathlib import Path

import numpy as np

WEIGHTS = Path(str(files("enrich").joinpath("data", "wisesight_nbsvm.npz")))
LABELS: tuple[str, ...] = ("pos", "neu", "neg", "q")
_TK_REP = "xxrep"
_TK_WREP = "xxwrep"
_TK_URL = "xxurl"

_REPEATED_CHAR = re.compile(r"(\S)(\1{3,})")
_SPECIAL = re.compile(r"([/#\n])")
_SPACES = re.compile(" {2,}")
_NEWLINES = re.compile(r"[\n]{2,}")
_ALNUM = "a-zA-Z0-9ก-๙"
_BRACKET_RULES = [
    (re.compile(r"\(\)"), ""),
    (re.compile(r"\{\}"), ""),
    (re.compile(r"\[\]"), ""),
    (re.compile(rf"\([^{_ALNUM}]+\)"), ""),
    (re.compile(rf"\{{[^{_ALNUM}]+\}}"), ""),
    (re.compile(rf"\[[^{_ALNUM}]+\]"), ""),
    (re.compile(rf"(?<=\()[^{_ALNUM}]+(?=[{_ALNUM}])"), ""),
    (re.compile(rf"(?<=\{{)[^{_ALNUM}]+(?=[{_ALNUM}])"), ""),
    (re.compile(rf"(?<=\[)[^{_ALNUM}]+(?=[{_ALNUM}])"), ""),
    (re.compile(rf"(?<=[{_ALNUM}])[^{_ALNUM}]+(?=\))"), ""),
    (re.compile(rf"(?<=[{_ALNUM}])[^{_ALNUM}]+(?=\}})"), ""),
    (re.compile(rf"(?<=[{_ALNUM}])[^{_ALNUM}]+(?=\])"), ""),
]
# ULMFiT's URL rule runs after slashes were spaced out, so in practice it only ever matches
# bare domains (t.co, pantip.com); two-letter country domains are written as [a-z]{2}.
_GENERIC_TLDS = (
    "com|net|org|edu|gov|mil|aero|asia|biz|cat|coop|info|int|jobs|mobi|museum|name|post|pro"
    "|tel|travel|xxx"
)
_URL = re.compile(
    rf"(?i)\b(?<!@)[a-z0-9]+(?:[.\-][a-z0-9]+)*[.](?:{_GENERIC_TLDS}|[a-z]{{2}})\b/?(?!@)"
)
_HTML_REPLACEMENTS = (
    ("#39;", "'"),
    ("amp;", "&"),
    ("#146;", "'"),
    ("nbsp;", " "),
    ("#36;", "$"),
    ("\\n", "\n"),
    ("quot;", "'"),
    ("<br />", "\n"),
    ('\\"', '"'),
    ("<unk>", "xxunk"),
    (" @.@ ", "."),
    (" @-@ ", "-"),
    (" @,@ ", ","),
    ("\\", " \\ "),
)


def strip_accents(text: str) -> str:
    """scikit-learn's ``strip_accents_unicode``: NFKD, then drop combining marks."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _fix_html(text: str) -> str:
    for old, new in _HTML_REPLACEMENTS:
        text = text.replace(old, new)
    return re.sub("  +", " ", html.unescape(text))


def _rm_brackets(text: str) -> str:
    for pattern, replacement in _BRACKET_RULES:
        text = pattern.sub(replacement, text)
    return text


def pre_rules(text: str) -> str:
    """ULMFiT's sparse pre-rules: HTML fixes, spaced specials, brackets, URLs, repeats."""
    text = _fix_html(text)
    text = _SPECIAL.sub(r" \1 ", text)
    text = _SPACES.sub(" ", text)
    text = _NEWLINES.sub(" ", text)
    text = _rm_brackets(text)
    text = _URL.sub(_TK_URL, text)
    return _REPEATED_CHAR.sub(lambda m: f"{m.group(1)} {_TK_REP} ", text)


def _is_emoji_run(token: str) -> bool:
    return bool(token) and all(
        unicodedata.category(c) in {"So", "Sk"} or c in "\u200d\ufe0f" for c in token
    )


def post_rules(tokens: Sequence[str]) -> list[str]:
    """ULMFiT's sparse post-rules: split emoji runs, lowercase, mark repeated words."""
    split: list[str] = []
    for token in tokens:
        split.extend(list(token) if _is_emoji_run(token) else [token])
    lowered = [t.lower() for t in split]
    out: list[str] = []
    i = 0
    while i < len(lowered):
        j = i
        while j + 1 < len(lowered) and lowered[j + 1] == lowered[i]:
            j += 1
        out += [_TK_WREP, lowered[i]] if j > i else [lowered[i]]
        i = j + 1
    # The 2021 training code dropped single-space tokens only; longer runs stayed.
    return [t for t in out if t != " " and t != ""]


class WisesightFeatures:
    """Turns text into the model's unigram and bigram terms.

    ``engine="newmm"`` (default) segments as in training: PyThaiNLP's newmm over the thai2fit
    word list, about 0.3 ms a post. ``engine="nlpo3"`` runs the same word list in Rust, 5x
    faster and identical on 96.6 % of 2,460 sample and evaluation posts, but the NBSVM alone
    then loses 3.5 points of accuracy on the evaluation set (0.604 → 0.570), so fidelity wins.
    """

    def __init__(self, *, engine: str = "newmm") -> None:
        if engine not in ("newmm", "nlpo3"):
            raise ValueError(f"unknown engine {engine!r} (newmm or nlpo3)")
        self.engine = engine

    @cached_property
    def _words(self) -> list[str]:
        from pythainlp.corpus import get_corpus

        return sorted(get_corpus("words_th_thai2fit_201810.txt"))

    @cached_property
    def _segment(self) -> Callable[[str], list[str]]:
        if self.engine == "nlpo3":
            import nlpo3

            name = "siang-thai2fit-201810"
            path = Path(tempfile.gettempdir()) / f"{name}.{len(self._words)}.txt"
            if not path.exists():
                temporary = path.with_suffix(f".{os.getpid()}.tmp")
                temporary.write_text("\n".join(self._words) + "\n", encoding="utf-8")
                temporary.replace(path)
            nlpo3.load_dict(str(path), name)
            return lambda text: list(nlpo3.segment(text, name, safe=True))
        from pythainlp.tokenize import Tokenizer

        tokenizer = Tokenizer(custom_dict=self._words, engine="newmm")
        return tokenizer.word_tokenize

    def tokens(self, text: str) -> list[str]:
        return post_rules(self._segment(pre_rules(strip_accents(text).lower())))

    def terms(self, text: str) -> list[str]:
        tokens = self.tokens(text)
        return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


class WisesightNBSVM:
    """Four one-vs-rest NBSVM classifiers (pos, neu, neg, q) over tf-idf terms."""

    name = "wisesight-nbsvm"

    def __init__(self, path: Path = WEIGHTS, *, engine: str = "newmm") -> None:
        if not path.is_file():
            raise FileNotFoundError(
                f"{path} is missing: run `python -m tools.wisesight_convert` to build it"
            )
        with np.load(path) as data:
            self.vocabulary = {str(term): i for i, term in enumerate(data["vocabulary"])}
            self.idf = data["idf"].astype(np.float64)
            self.weights = data["weights"].astype(np.float64)
            self.intercepts = data["intercepts"].astype(np.float64)
            self.labels = tuple(str(label) for label in data["labels"])
        self.features = WisesightFeatures(engine=engine)

    def decision(self, text: str) -> np.ndarray:
        """Per-class logits, in ``LABELS`` order."""
        counts = Counter(
            self.vocabulary[t] for t in self.features.terms(text) if t in self.vocabulary
        )
        if not counts:
            return self.intercepts.copy()
        columns = np.fromiter(counts, dtype=np.int64)
        tf = np.array([1.0 + math.log(counts[c]) for c in columns])  # sublinear tf
        values = tf * self.idf[columns]
        values /= np.linalg.norm(values)
        return self.weights[:, columns] @ values + self.intercepts

    def probabilities(self, text: str) -> dict[str, float]:
        """One-vs-rest probabilities per class (they need not sum to one)."""
        logits = self.decision(text)
        return {
            label: float(1.0 / (1.0 + math.exp(-v)))
            for label, v in zip(self.labels, logits, strict=True)
        }

    def coverage(self, text: str) -> float:
        """Share of the text's terms the model knows (a diagnostic)."""
        terms = self.features.terms(text)
        return sum(t in self.vocabulary for t in terms) / len(terms) if terms else 0.0


__all__ = [
    "LABELS",
    "WEIGHTS",
    "WisesightFeatures",
    "WisesightNBSVM",
    "post_rules",
    "pre_rules",
    "strip_accents",
]
