"""BERTopic configured for Thai: precomputed embeddings, Siang's tokens, fixed seed.

BERTopic's default vectorizer strips Thai characters ("empty vocabulary"), so documents are
given as space-joined Siang content tokens (stopwords, single letters, digits and URL parts
already removed) and split back with ``str.split``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from domain.errors import TopicError
from domain.settings import TopicModelSettings

log = logging.getLogger(__name__)
OUTLIER = -1


@dataclass
class TopicFit:
    """Assignments (row-aligned with the input) and each topic's weighted keywords."""

    assignments: list[int]
    keywords: dict[int, list[tuple[str, float]]]
    outliers_before: int
    outliers_after: int


def cluster_sizes(n_documents: int, settings: TopicModelSettings) -> tuple[int, int]:
    """HDBSCAN (min_cluster_size, min_samples), resolving ``auto`` from the corpus size."""
    if settings.min_cluster_size == "auto":
        size = max(10, min(200, round(n_documents / 100)))
    else:
        size = settings.min_cluster_size
    samples = max(2, size // 4) if settings.min_samples == "auto" else settings.min_samples
    return size, samples


def fit_topics(
    documents: Sequence[str], embeddings: np.ndarray, settings: TopicModelSettings
) -> TopicFit:
    """Cluster documents into topics; outliers are reassigned to the nearest topic when close."""
    if len(documents) != len(embeddings):
        raise TopicError("documents and embeddings differ in length")
    cluster_size, samples = cluster_sizes(len(documents), settings)
    if len(documents) < max(cluster_size * 2, 10):
        raise TopicError(
            f"need at least {max(cluster_size * 2, 10)} posts to fit topics, got {len(documents)}"
        )
    from bertopic import BERTopic
    from bertopic.vectorizers import ClassTfidfTransformer
    from hdbscan import HDBSCAN
    from sklearn.feature_extraction.text import CountVectorizer
    from umap import UMAP

    docs = [d if d.strip() else "_" for d in documents]
    vectorizer = CountVectorizer(
        tokenizer=str.split, token_pattern=None, lowercase=False, min_df=settings.min_df
    )
    model = BERTopic(
        embedding_model=None,
        language="multilingual",  # "english" would strip every Thai character
        umap_model=UMAP(
            n_neighbors=settings.umap_neighbors,
            n_components=settings.umap_components,
            min_dist=0.0,
            metric="cosine",
            random_state=settings.seed,
            n_jobs=1,  # a seed makes UMAP single-threaded anyway; say so to avoid the warning
            # The default spectral initialisation calls ARPACK with an unseeded start vector,
            # so two fits of the same data differ; PCA initialisation is reproducible.
            init="pca",
        ),
        hdbscan_model=HDBSCAN(
            min_cluster_size=cluster_size,
            min_samples=samples,
            metric="euclidean",
            cluster_selection_method="eom",
            prediction_data=True,
        ),
        vectorizer_model=vectorizer,
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        top_n_words=settings.top_n_words,
        calculate_probabilities=False,
    )
    topics, _ = model.fit_transform(docs, embeddings=embeddings)
    before = sum(1 for t in topics if t == OUTLIER)
    if before and len(set(topics) - {OUTLIER}) > 0:
        topics = model.reduce_outliers(
            docs,
            topics,
            strategy="embeddings",
            embeddings=embeddings,
            threshold=settings.outlier_threshold,
        )
        model.update_topics(
            docs,
            topics=topics,
            vectorizer_model=vectorizer,
            ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
            top_n_words=settings.top_n_words,
        )
    after = sum(1 for t in topics if t == OUTLIER)
    log.info("topics: %d clusters, outliers %d -> %d", len(set(topics) - {OUTLIER}), before, after)
    keywords: dict[int, list[tuple[str, float]]] = {}
    for topic_id in sorted(set(topics) - {OUTLIER}):
        words = model.get_topic(topic_id) or []
        keywords[int(topic_id)] = [(w, float(s)) for w, s in words if w and w != "_" and s > 0]
    return TopicFit([int(t) for t in topics], keywords, before, after)


__all__ = ["OUTLIER", "TopicFit", "fit_topics"]
