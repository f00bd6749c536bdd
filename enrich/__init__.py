"""Enrich stage: Thai normalisation and tokens, sentiment, places, category, vectors."""

from enrich.embeddings import Embedder, build_embedder
from enrich.gazetteer import Gazetteer
from enrich.jobs import run_enrichment
from enrich.service import EnrichedBatch, Enricher
from enrich.thai_text import ThaiTokenizer, content_tokens, normalize

__all__ = [
    "Embedder",
    "EnrichedBatch",
    "Enricher",
    "Gazetteer",
    "ThaiTokenizer",
    "build_embedder",
    "content_tokens",
    "normalize",
    "run_enrichment",
]
