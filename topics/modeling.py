"""BERTopic configured for Thai: precomputed embeddings, Siang's tokens, fixed seed.

BERTopic's default vectorizer strips Thai characters ("empty vocabulary"), so documents are
given as space-joined Siang content tokens (stopwords, single letters, digits and URL parts
already removed) and split back with ``str.split``.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from domain.errors import TopicError
from domain.settings import TopicModelSettings

log = logging.getLogger(__name__)
OUTLIER = -1


@dataclass
class Clustering:
    """Topic per document (row-aligned with the input; ``OUTLIER`` for none)."""

    assignments: list[int]
    outliers_before: int
    outliers_after: int
    sampled: int


def cluster_sizes(n_documents: int, settings: TopicModelSettings) -> tuple[int, int]:
    """HDBSCAN (min_cluster_size, min_samples), resolving ``auto`` from the corpus size."""
    if settings.min_cluster_size == "auto":
        size = max(10, min(200, round(n_documents / 100)))
    else:
        size = settings.min_cluster_size
    samples = max(2, size // 4) if settings.min_samples == "auto" else settings.min_samples
    return size, samples


def min_documents(n_documents: int, settings: TopicModelSettings) -> int:
    """How many documents a BERTopic fit needs at this corpus size."""
    size, _ = cluster_sizes(n_documents, settings)
    return max(size * 2, 10)


def cluster_documents(
    documents: Sequence[str],
    embeddings: np.ndarray,
    settings: TopicModelSettings,
    *,
    reducer: str = "umap",
) -> Clustering:
    """BERTopic over Siang's tokens and precomputed embeddings.

    At most ``settings.fit_sample`` documents (a seeded sample) are clustered; the others, and
    the outliers BERTopic could not place, join the nearest topic centroid when their cosine
    reaches ``settings.assign_threshold``. HDBSCAN's cost grows much faster than linearly, so
    this keeps a 100k-post fit within minutes (the maintainers' advice: fit on a sample).
    """
    if len(documents) != len(embeddings):
        raise TopicError("documents and embeddings differ in length")
    needed = min_documents(min(len(documents), settings.fit_sample), settings)
    if len(documents) < needed:
        raise TopicError(f"need at least {needed} posts to fit topics, got {len(documents)}")
    rng = np.random.default_rng(settings.seed)
    if len(documents) > settings.fit_sample:
        chosen = np.sort(rng.choice(len(documents), size=settings.fit_sample, replace=False))
    else:
        chosen = np.arange(len(documents))
    sample_docs = [documents[i] if documents[i].strip() else "_" for i in chosen]
    fitted, before = _fit_bertopic(sample_docs, embeddings[chosen], settings, reducer=reducer)
    assignments = np.full(len(documents), OUTLIER, dtype=np.int64)
    assignments[chosen] = fitted
    unplaced = np.flatnonzero(assignments == OUTLIER)
    if len(unplaced) and (assignments != OUTLIER).any():
        assignments[unplaced] = nearest_topic(
            embeddings[unplaced], embeddings, assignments, threshold=settings.assign_threshold
        )
    after = int((assignments == OUTLIER).sum())
    log.info(
        "topics: %d clusters from %d sampled posts, outliers %d -> %d",
        len(set(assignments.tolist()) - {OUTLIER}),
        len(chosen),
        before,
        after,
    )
    return Clustering([int(t) for t in assignments], before, after, len(chosen))


def nearest_topic(
    vectors: np.ndarray, reference: np.ndarray, assignments: np.ndarray, *, threshold: float
) -> np.ndarray:
    """For each vector, the topic whose unit centroid is closest, if within ``threshold``."""
    ids = np.array(sorted(set(assignments.tolist()) - {OUTLIER}), dtype=np.int64)
    if not len(ids) or not len(vectors):
        return np.full(len(vectors), OUTLIER, dtype=np.int64)
    centroids = np.vstack([reference[assignments == t].mean(axis=0) for t in ids])
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    cosines = vectors @ centroids.T
    best = cosines.argmax(axis=1)
    return np.where(cosines[np.arange(len(vectors)), best] >= threshold, ids[best], OUTLIER)


def topic_keywords(
    documents: Sequence[str], assignments: Sequence[int], *, top_n: int, min_df: int = 1
) -> dict[int, list[tuple[str, float]]]:
    """c-TF-IDF keywords per topic (BERTopic's ClassTfidfTransformer) over all its posts."""
    _require_bertopic()
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    ids = sorted(set(assignments) - {OUTLIER})
    if not ids:
        return {}
    members: dict[int, list[str]] = {t: [] for t in ids}
    for document, topic in zip(documents, assignments, strict=True):
        if topic != OUTLIER and document.strip():
            members[topic].append(document)
    joined = [" ".join(members[t]) or "_" for t in ids]
    vectorizer = CountVectorizer(
        tokenizer=str.split, token_pattern=None, lowercase=False, min_df=min_df
    )
    try:
        counts = vectorizer.fit_transform(joined)
    except ValueError:  # every class empty after min_df
        return {t: [] for t in ids}
    weights = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(counts).toarray()
    words = vectorizer.get_feature_names_out()
    out: dict[int, list[tuple[str, float]]] = {}
    for row, topic in enumerate(ids):
        order = np.argsort(-weights[row], kind="stable")[:top_n]
        out[topic] = [
            (str(words[i]), float(weights[row, i]))
            for i in order
            if weights[row, i] > 0 and words[i] != "_"
        ]
    return out


def _require_bertopic() -> None:
    """BERTopic is installed apart (``--no-deps``): say how when it is missing."""
    if importlib.util.find_spec("bertopic") is None:
        raise TopicError(
            "BERTopic is not installed: `pip install --no-deps 'bertopic>=0.16,<0.18'` (the "
            "lean install `make` does, see the README) or `pip install 'siang[full]'`"
        )


def _fit_bertopic(
    docs: list[str], embeddings: np.ndarray, settings: TopicModelSettings, *, reducer: str
) -> tuple[list[int], int]:
    """Fit BERTopic; outliers reduced by embedding similarity. Returns topics, outliers."""
    cluster_size, samples = cluster_sizes(len(docs), settings)
    _require_bertopic()
    from bertopic import BERTopic
    from bertopic.vectorizers import ClassTfidfTransformer
    from hdbscan import HDBSCAN
    from sklearn.feature_extraction.text import CountVectorizer
    from umap import UMAP

    vectorizer = CountVectorizer(
        tokenizer=str.split, token_pattern=None, lowercase=False, min_df=settings.min_df
    )
    reduction: object
    if reducer == "pca":
        from sklearn.decomposition import PCA

        reduction = PCA(n_components=settings.umap_components, random_state=settings.seed)
    else:
        reduction = UMAP(
            n_neighbors=min(settings.umap_neighbors, len(docs) - 1),
            n_components=settings.umap_components,
            min_dist=0.0,
            metric="cosine",
            random_state=settings.seed,
            n_jobs=1,  # a seed makes UMAP single-threaded anyway; say so to avoid the warning
            # The default spectral initialisation calls ARPACK with an unseeded start vector,
            # so two fits of the same data differ; PCA initialisation is reproducible.
            init="pca",
        )
    model = BERTopic(
        embedding_model=None,
        language="multilingual",  # "english" would strip every Thai character
        umap_model=reduction,
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
    return [int(t) for t in topics], before


__all__ = [
    "OUTLIER",
    "Clustering",
    "cluster_documents",
    "cluster_sizes",
    "min_documents",
    "nearest_topic",
    "topic_keywords",
]
