"""Sentiment: positive / neutral / negative with a probability.

The default here is a transparent lexicon model (Thai word list, emoji, negation and
emphasis). It implements the same ``SentimentModel`` protocol that trained models use,
so a classifier drops in through configuration without touching callers.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from domain.models import Sentiment, SentimentLabel

LEXICON = Path(__file__).resolve().parent / "data" / "sentiment_lexicon.txt"
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

    def predict(self, tokens: Sequence[str], *, text: str = "", emphasis: int = 0) -> Sentiment:
        """Label one post from its tokens (and raw text, for models that read characters)."""
        ...


def _load_lexicon(path: Path) -> dict[str, int]:
    lexicon: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            polarity, word = line.split("\t", 1)
            lexicon[word.strip()] = int(polarity)
    return lexicon


class LexiconSentiment:
    """Sum of word and emoji polarities; negation flips, intensifiers and emphasis amplify."""

    name = "lexicon-v1"

    def __init__(self, path: Path = LEXICON) -> None:
        self.lexicon = _load_lexicon(path)

    def raw_score(self, tokens: Sequence[str], *, text: str = "", emphasis: int = 0) -> float:
        score = 0.0
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
            score += polarity
        # Emoji the tokenizer glued together (😡😡) or left out are counted from the text.
        for char in text:
            if char not in _EMOJI:
                continue
            if scored_emoji[char]:
                scored_emoji[char] -= 1
            else:
                score += _EMOJI[char]
        if emphasis and score:
            score *= 1 + 0.25 * min(emphasis, 4)
        return score

    def _negated(self, tokens: Sequence[str], i: int) -> bool:
        """A negator within two tokens before ``i``, with no other polar word in between."""
        for before in reversed(tokens[max(0, i - 2) : i]):
            if before in _NEGATORS:
                return True
            if before in self.lexicon or before in _EMOJI:
                return False
        return False

    def predict(self, tokens: Sequence[str], *, text: str = "", emphasis: int = 0) -> Sentiment:
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
        label = max(exps, key=lambda k: exps[k])
        return Sentiment(label=label, score=round(exps[label] / total, 4))


__all__ = ["LEXICON", "LexiconSentiment", "SentimentModel"]
