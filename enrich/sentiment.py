"""Sentiment: positive / neutral / negative with a probability.

Three models share the ``SentimentModel`` protocol, chosen by ``models.sentiment.kind``:

* ``GrievanceSentiment`` (default, ``wisesight-grievance``): the wisesight_sentiment NBSVM
  (``enrich.wisesight``, trained on 26k real Thai social-media messages) re-weighted for
  grievance posts. A logistic regression over the NBSVM's four logits, the lexicon score
  below and Siang's word n-grams is fitted on Siang's labelled posts
  (``enrich/data/train``). Alone, the NBSVM calls most complaints neutral: wisesight is
  mostly chatter and brand talk.
* ``NbsvmSentiment`` (``wisesight-nbsvm``): the NBSVM as published.
* ``LexiconSentiment`` (``lexicon``): a transparent word and emoji list with negation and
  emphasis; also a feature of the default.
* ``TransformersSentiment`` (``transformers``): any Hugging Face text-classification model by
  name or local path (e.g. a WangchanBERTa fine-tuned on wisesight), for production.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from domain.errors import EnrichError
from domain.models import Sentiment, SentimentLabel
from domain.settings import SentimentSettings
from enrich.embeddings import Embedder
from enrich.labelled import TRAINING_DIR, LabelledPost, fingerprint, training_posts
from enrich.linear import TfidfLogit, VectorLogit, log_mix
from enrich.thai_text import ThaiTokenizer, normalize
from enrich.wisesight import WisesightNBSVM

_LABELS: tuple[SentimentLabel, ...] = ("negative", "neutral", "positive")
LEXICON = Path(str(files("enrich").joinpath("data", "sentiment_lexicon.txt")))
_NEGATORS = frozenset({"ไม่", "ไม่ได้", "ไม่ค่อย", "มิ", "ไร้", "ไม่มี", "ห้าม"})
_INTENSIFIERS = frozenset({"มาก", "โคตร", "สุดๆ", "จริงๆ", "เกิน", "สุด", "หนัก", "มากๆ"})
_EMOJI = {
    "😡": -2,
    "🤬": -2,
    "😭": -1,
    "😢": -1,
    "😤": -2,
    "💢": -1,
    "😩": -1,
    "😫": -1,
    "🙄": -1,
    "👎": -2,
    "😠": -2,
    "😞": -1,
    "🥲": -1,
    "👍": 2,
    "🙏": 1,
    "😊": 1,
    "😍": 2,
    "❤️": 2,
    "❤": 2,
    "🥰": 2,
    "👏": 2,
    "😀": 1,
    "😄": 1,
    "😂": 1,
    "🤣": 1,
    "✨": 1,
    "💯": 1,
}


class SentimentModel(Protocol):
    """Anything that labels token sequences with a sentiment."""

    name: str

    def probabilities(
        self,
        tokens: Sequence[str],
        *,
        text: str = "",
        emphasis: int = 0,
        vector: np.ndarray | None = None,
    ) -> dict[SentimentLabel, float]:
        """P(negative), P(neutral), P(positive) for one post (summing to one)."""
        ...

    def predict(
        self,
        tokens: Sequence[str],
        *,
        text: str = "",
        emphasis: int = 0,
        vector: np.ndarray | None = None,
    ) -> Sentiment:
        """Label one post from its tokens (and raw text, for models that read characters;
        its embedding, for models that read meaning)."""
        ...


def sentiment_from(probabilities: Mapping[SentimentLabel, float]) -> Sentiment:
    """The most probable label (ties: negative, then neutral) with its probability."""
    label = max(_LABELS, key=lambda k: probabilities.get(k, 0.0))
    return Sentiment(label=label, score=round(probabilities.get(label, 0.0), 4))


def _load_lexicon(path: Path) -> dict[str, int]:
    lexicon: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            polarity, word = line.split("\t", 1)
            lexicon[word.strip()] = int(polarity)
    return lexicon


class _LabelsFromProbabilities:
    """``predict`` for every model here: the most probable label of its ``probabilities``."""

    def predict(
        self: SentimentModel,
        tokens: Sequence[str],
        *,
        text: str = "",
        emphasis: int = 0,
        vector: np.ndarray | None = None,
    ) -> Sentiment:
        return sentiment_from(
            self.probabilities(tokens, text=text, emphasis=emphasis, vector=vector)
        )


class LexiconSentiment(_LabelsFromProbabilities):
    """Sum of word and emoji polarities; negation flips, intensifiers and emphasis amplify."""

    name = "lexicon-v1"

    def __init__(self, path: Path = LEXICON) -> None:
        self.lexicon = _load_lexicon(path)

    def raw_score(self, tokens: Sequence[str], *, text: str = "", emphasis: int = 0) -> float:
        positive, negative = self.sides(tokens, text=text, emphasis=emphasis)
        return positive - negative

    def sides(
        self, tokens: Sequence[str], *, text: str = "", emphasis: int = 0
    ) -> tuple[float, float]:
        """The praise and the complaint in the text, apart (both ≥ 0): sarcasm has both."""
        positive = negative = 0.0
        scored_emoji: Counter[str] = Counter()  # emoji characters already counted as tokens
        for i, token in enumerate(tokens):
            polarity = float(self.lexicon.get(token, _EMOJI.get(token, 0)))
            if not polarity:
                continue
            scored_emoji.update(char for char in token if char in _EMOJI)
            if self._negated(tokens, i):
                polarity = -polarity if polarity > 0 else -polarity * 0.3
            if i + 1 < len(tokens) and tokens[i + 1] in _INTENSIFIERS:
                polarity *= 1.5
            if polarity > 0:
                positive += polarity
            else:
                negative -= polarity
        # Emoji the tokenizer glued together (😡😡) or left out are counted from the text.
        for char in text:
            if char not in _EMOJI:
                continue
            if scored_emoji[char]:
                scored_emoji[char] -= 1
            elif _EMOJI[char] > 0:
                positive += _EMOJI[char]
            else:
                negative -= _EMOJI[char]
        if emphasis and (positive or negative):
            boost = 1 + 0.25 * min(emphasis, 4)
            positive, negative = positive * boost, negative * boost
        return positive, negative

    def _negated(self, tokens: Sequence[str], i: int) -> bool:
        """A negator within two tokens before ``i``, with no other polar word in between."""
        for before in reversed(tokens[max(0, i - 2) : i]):
            if before in _NEGATORS:
                return True
            if before in self.lexicon or before in _EMOJI:
                return False
        return False

    def probabilities(
        self,
        tokens: Sequence[str],
        *,
        text: str = "",
        emphasis: int = 0,
        vector: np.ndarray | None = None,
    ) -> dict[SentimentLabel, float]:
        score = self.raw_score(tokens, text=text, emphasis=emphasis)
        # Softmax over (negative, neutral, positive) logits derived from the score.
        logits: dict[SentimentLabel, float] = {
            "negative": -score,
            "neutral": 1.0,
            "positive": score,
        }
        peak = max(logits.values())
        exps = {k: math.exp(v - peak) for k, v in logits.items()}
        total = sum(exps.values())
        return {k: v / total for k, v in exps.items()}


_QUESTION_CUES = frozenset(
    {"ไหม", "มั้ย", "มั๊ย", "เมื่อไหร่", "เมื่อไร", "ยังไง", "อย่างไร", "หรือเปล่า", "รึเปล่า", "ไหน", "กี่", "?"}
)
_NBSVM_TO_SIANG: dict[str, SentimentLabel] = {
    "neg": "negative",
    "neu": "neutral",
    "pos": "positive",
}


class NbsvmSentiment(_LabelsFromProbabilities):
    """The wisesight NBSVM as published: the most probable of pos, neu and neg."""

    name = "wisesight-nbsvm"

    def __init__(self, nbsvm: WisesightNBSVM | None = None) -> None:
        self.nbsvm = nbsvm or WisesightNBSVM()

    def probabilities(
        self,
        tokens: Sequence[str],
        *,
        text: str = "",
        emphasis: int = 0,
        vector: np.ndarray | None = None,
    ) -> dict[SentimentLabel, float]:
        probabilities = self.nbsvm.probabilities(text or " ".join(tokens))
        ours = {_NBSVM_TO_SIANG[k]: v for k, v in probabilities.items() if k in _NBSVM_TO_SIANG}
        total = sum(ours.values()) or 1.0
        return {k: ours[k] / total for k in _LABELS}


def _ngrams(tokens: Sequence[str]) -> list[str]:
    """Siang-token unigrams and bigrams, lowercased; redaction placeholders dropped."""
    words = [t.lower() for t in tokens if not t.startswith("[")]
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


class GrievanceSentiment(_LabelsFromProbabilities):
    """The wisesight NBSVM re-weighted for grievances on Siang's labelled posts."""

    name = "wisesight-grievance-v3"
    # Chosen by 5-fold cross-validation on the training posts (bench/enrich/quality.py).
    C = 16.0
    DENSE_WEIGHT = 1.5
    C_EMBEDDING = 16.0
    EMBEDDING_WEIGHT = 0.2  # share of the embedding's log-probabilities, when there is one

    def __init__(
        self,
        examples: Sequence[LabelledPost],
        tokenize: Callable[[str], list[str]],
        *,
        nbsvm: WisesightNBSVM | None = None,
        use_nbsvm: bool = True,
        lexicon: LexiconSentiment | None = None,
        embedder: Embedder | None = None,
        c: float | None = None,
        embedding_weight: float | None = None,
    ) -> None:
        self.nbsvm = nbsvm or WisesightNBSVM()
        self.use_nbsvm = use_nbsvm  # False only to measure what the NBSVM adds (bench)
        self.lexicon = lexicon or LexiconSentiment()
        prepared = [self._prepare(e.text, tokenize) for e in examples]
        self._model = TfidfLogit(
            [tokens for tokens, _ in prepared],
            np.vstack([dense for _, dense in prepared]),
            [e.sentiment for e in examples],
            analyzer=_ngrams,
            c=c or self.C,
            min_df=2,
            dense_weight=self.DENSE_WEIGHT,
        )
        # With an embedder, a second regression reads what the post means: sarcasm and
        # registers the training words never covered (see enrich/category.py, same mix).
        self._meaning = (
            VectorLogit(
                embedder.encode([normalize(e.text).text for e in examples]),
                [e.sentiment for e in examples],
                c=self.C_EMBEDDING,
            )
            if embedder is not None
            else None
        )
        self.embedding_weight = (
            self.EMBEDDING_WEIGHT if embedding_weight is None else embedding_weight
        )

    def _dense(self, tokens: Sequence[str], text: str, emphasis: int) -> np.ndarray:
        praise, complaint = self.lexicon.sides(tokens, text=text, emphasis=emphasis)
        lexical = praise - complaint
        question = any(t in _QUESTION_CUES for t in tokens) or "?" in text
        # Praise and complaint in one post (ขอบคุณนะคะที่ให้อยู่แบบไม่มีไฟ) is how sarcasm
        # reads; a linear model sees it only as its own feature.
        mixed = min(praise, complaint)
        return np.concatenate(
            [
                self.nbsvm.decision(text) if self.use_nbsvm else np.zeros(4),
                [max(lexical, 0.0), max(-lexical, 0.0), float(question), min(emphasis, 3), mixed],
            ]
        )

    def _prepare(
        self, text: str, tokenize: Callable[[str], list[str]]
    ) -> tuple[list[str], np.ndarray]:
        normalized = normalize(text)
        tokens = tokenize(normalized.text)
        return tokens, self._dense(tokens, normalized.text, normalized.emphasis)

    def probabilities(
        self,
        tokens: Sequence[str],
        *,
        text: str = "",
        emphasis: int = 0,
        vector: np.ndarray | None = None,
    ) -> dict[SentimentLabel, float]:
        dense = self._dense(tokens, text or " ".join(tokens), emphasis)
        words = self._model.probabilities(tokens, dense)
        if self._meaning is None or vector is None or not vector.size:
            return words  # type: ignore[return-value]
        return log_mix(words, self._meaning.probabilities(vector), self.embedding_weight)  # type: ignore[return-value]


class TransformersSentiment(_LabelsFromProbabilities):
    """A Hugging Face text-classification model by name or local path (no downloads)."""

    def __init__(self, model: str) -> None:
        try:
            from transformers import pipeline
        except ImportError as exc:  # the lean install has no transformers
            raise EnrichError(
                "transformers is not installed: install Siang with its transformers extra "
                "(pip install 'siang[transformers]') to use models.sentiment.kind: transformers"
            ) from exc
        try:
            self._pipeline = pipeline("text-classification", model=model, top_k=None, device=-1)
        except OSError as exc:
            raise EnrichError(
                f"cannot load sentiment model {model!r}: give a local path or a model in the "
                "local cache (no downloads at run time)"
            ) from exc
        self.name = f"transformers:{model}"

    @staticmethod
    def _label(raw: str) -> SentimentLabel | None:
        low = raw.lower()
        for prefix, label in (("pos", "positive"), ("neg", "negative"), ("neu", "neutral")):
            if low.startswith(prefix):
                return label  # type: ignore[return-value]
        return None

    def probabilities(
        self,
        tokens: Sequence[str],
        *,
        text: str = "",
        emphasis: int = 0,
        vector: np.ndarray | None = None,
    ) -> dict[SentimentLabel, float]:
        scores: dict[SentimentLabel, float] = dict.fromkeys(_LABELS, 0.0)
        items: Any = self._pipeline(text or " ".join(tokens), truncation=True)[0]
        for item in items:
            label = self._label(str(item["label"]))
            if label:
                scores[label] += float(item["score"])
        total = sum(scores.values()) or 1.0
        return {k: v / total for k, v in scores.items()}


@lru_cache(maxsize=4)
def _trained_grievance(
    data_version: str, tokenizer: ThaiTokenizer, train_dir: Path, embedder: Embedder | None
) -> GrievanceSentiment:
    del data_version  # part of the cache key only
    return GrievanceSentiment(training_posts(train_dir), tokenizer.tokenize, embedder=embedder)


def build_sentiment(
    settings: SentimentSettings,
    tokenizer: ThaiTokenizer,
    *,
    embedder: Embedder | None = None,
    train_dir: Path = TRAINING_DIR,
) -> SentimentModel:
    """The configured sentiment model; the default is trained once per process and data."""
    if settings.kind == "lexicon":
        return LexiconSentiment()
    if settings.kind == "wisesight-nbsvm":
        return NbsvmSentiment()
    if settings.kind == "transformers":
        if not settings.model:
            raise EnrichError("models.sentiment.model: a model name or path is required")
        return TransformersSentiment(settings.model)
    examples = training_posts(train_dir)
    # An embedder object is a cache key by identity: its vectors are what the model learned.
    return _trained_grievance(fingerprint(examples), tokenizer, train_dir, embedder)  # type: ignore[arg-type]


__all__ = [
    "LEXICON",
    "GrievanceSentiment",
    "LexiconSentiment",
    "NbsvmSentiment",
    "SentimentModel",
    "TransformersSentiment",
    "build_sentiment",
    "sentiment_from",
]
