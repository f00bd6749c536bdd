"""The enrich stage: one Post in, its Enrichment and embedding out.

``Enricher.run`` is batch-oriented so the embedder sees whole batches; everything else is
per post and deterministic, so re-running on the same posts yields the same enrichment.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from domain.models import Category, Enrichment, Post
from domain.privacy import redact
from domain.settings import Settings
from enrich.agency import agency_for
from enrich.category import CategoryModel, build_category, category_from
from enrich.embeddings import Embedder
from enrich.gazetteer import Gazetteer
from enrich.grievance import GrievanceModel, build_grievance
from enrich.sentiment import SentimentModel, build_sentiment, sentiment_from
from enrich.thai_text import NormalizedText, ThaiTokenizer, ce_years_in, normalize


@dataclass
class EnrichedBatch:
    posts: list[Post]
    vectors: np.ndarray


class Enricher:
    """Normalise, redact, tokenise, locate, classify and embed posts."""

    def __init__(
        self,
        *,
        gazetteer: Gazetteer,
        tokenizer: ThaiTokenizer,
        sentiment: SentimentModel,
        category: CategoryModel,
        grievance: GrievanceModel,
        embedder: Embedder | None,
        agencies: dict[Category, str],
        agencies_by_province: dict[Category, dict[str, str]] | None = None,
        max_text_chars: int = 20_000,
        min_confidence: float = 0.0,
    ) -> None:
        self.gazetteer = gazetteer
        self.tokenizer = tokenizer
        self.sentiment = sentiment
        self.category = category
        self.grievance = grievance
        self.embedder = embedder
        self.agencies = agencies
        self.agencies_by_province = agencies_by_province or {}
        self.max_text_chars = max_text_chars
        self.min_confidence = min_confidence

    @classmethod
    def from_settings(cls, settings: Settings, *, embedder: Embedder | None) -> Enricher:
        gazetteer = Gazetteer(settings.place_aliases, landmarks=settings.landmarks)
        tokenizer = ThaiTokenizer(
            custom_words(settings, gazetteer), engine=settings.models.tokenizer
        )
        sentiment = build_sentiment(settings.models.sentiment, tokenizer, embedder=embedder)
        category = build_category(
            settings.models.category, settings.keywords, tokenizer, embedder=embedder
        )
        return cls(
            gazetteer=gazetteer,
            tokenizer=tokenizer,
            sentiment=sentiment,
            category=category,
            grievance=build_grievance(
                settings.models.grievance,
                tokenizer=tokenizer,
                sentiment=sentiment,
                category=category,
            ),
            embedder=embedder,
            agencies=dict(settings.agencies),
            agencies_by_province={k: dict(v) for k, v in settings.agencies_by_province.items()},
            max_text_chars=settings.models.max_text_chars,
            min_confidence=settings.models.category.min_confidence,
        )

    def enrich_text(
        self,
        text: str,
        *,
        vector: np.ndarray | None = None,
        timings: dict[str, float] | None = None,
    ) -> Enrichment:
        """Enrich one text; ``vector`` is its embedding when there is one (the category
        model reads it), ``timings``, when given, accumulates seconds per stage."""
        clock = _StageClock(timings)
        prepared = self._prepare(text)
        clock.lap("normalize")
        return self._enrich(prepared, vector=vector, timings=timings)

    def _enrich(
        self,
        prepared: tuple[str, list[str], NormalizedText],
        *,
        vector: np.ndarray | None,
        timings: dict[str, float] | None,
    ) -> Enrichment:
        clock = _StageClock(timings)
        redacted, pii, normalized = prepared
        tokens = self.tokenizer.tokenize(normalized.text)
        clock.lap("tokenize")
        sentiment_p = self.sentiment.probabilities(
            tokens, text=normalized.text, emphasis=normalized.emphasis, vector=vector
        )
        sentiment = sentiment_from(sentiment_p)
        clock.lap("sentiment")
        category_p = self.category.probabilities(tokens, vector)
        category = category_from(category_p, min_confidence=self.min_confidence)
        grievance = self.grievance.predict(tokens, sentiment=sentiment_p, category=category_p)
        clock.lap("category")
        locations = self.gazetteer.locate(tokens)
        clock.lap("location")
        return Enrichment(
            tokens=tokens,
            normalized_text=normalized.text,
            redacted_text=redacted,
            sentiment=sentiment,
            locations=locations,
            category=category,
            is_grievance=grievance,
            agency=agency_for(
                category.label,
                self.agencies,
                province=locations[0].province if locations else None,
                by_province=self.agencies_by_province,
                tokens=tokens,
            ),
            hashtags=normalized.hashtags,
            mentions=normalized.mentions,
            urls=normalized.urls,
            emphasis=normalized.emphasis,
            years=ce_years_in(normalized.text),
            pii_redacted=pii,
            embedding_model=self.embedder.name if self.embedder else None,
        )

    def _prepare(self, text: str) -> tuple[str, list[str], NormalizedText]:
        """Redacted text, what was redacted, and the normalised text the models see (at
        most ``max_text_chars``)."""
        redacted, pii = redact(text)
        return redacted, pii, normalize(redacted[: self.max_text_chars])

    def run(
        self, posts: Sequence[Post], *, timings: dict[str, float] | None = None
    ) -> EnrichedBatch:
        """Enrich a batch; vectors are row-aligned with the returned posts.

        The batch is embedded first (one call to the embedder), because the category
        model reads each post's vector beside its words.
        """
        enrichments, vectors = self.enrich_texts([p.text for p in posts], timings=timings)
        enriched = [
            post.model_copy(update={"enrichment": enrichment})
            for post, enrichment in zip(posts, enrichments, strict=True)
        ]
        return EnrichedBatch(enriched, vectors)

    def enrich_texts(
        self, texts: Sequence[str], *, timings: dict[str, float] | None = None
    ) -> tuple[list[Enrichment], np.ndarray]:
        """Enrich texts in one batch: their enrichments and row-aligned embeddings (zero
        columns without an embedder)."""
        clock = _StageClock(timings)
        prepared = [self._prepare(text) for text in texts]
        clock.lap("normalize")
        if self.embedder is None:
            vectors = np.zeros((len(texts), 0), dtype=np.float32)
        else:
            vectors = self.embedder.encode([normalized.text for *_, normalized in prepared])
        clock.lap("embed")
        enrichments = [
            self._enrich(ready, vector=vectors[i] if vectors.size else None, timings=timings)
            for i, ready in enumerate(prepared)
        ]
        return enrichments, vectors


class _StageClock:
    """Adds the time since the previous lap to ``timings[stage]``; a no-op without timings."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self._timings = timings
        self._last = time.perf_counter() if timings is not None else 0.0

    def lap(self, stage: str) -> None:
        if self._timings is None:
            return
        now = time.perf_counter()
        self._timings[stage] = self._timings.get(stage, 0.0) + now - self._last
        self._last = now


def custom_words(settings: Settings, gazetteer: Gazetteer) -> set[str]:
    """Words the tokenizer keeps whole: places, category keywords, slang and agency names.

    The enrich stage, the API's query parser and the benchmark all use this one list, so a
    query is segmented exactly as the indexed text was.
    """
    words = gazetteer.vocabulary()
    words |= {w for keywords in settings.keywords.values() for w in keywords}
    words |= set(settings.slang)
    words |= set(settings.agencies.values())
    words |= {
        a for by_province in settings.agencies_by_province.values() for a in by_province.values()
    }
    return words


def embedding_text(post: Post) -> str:
    """What the embedder reads: normalised text without URLs, mentions or PII."""
    return post.enrichment.normalized_text if post.enrichment else post.text


__all__ = ["EnrichedBatch", "Enricher", "custom_words", "embedding_text"]
