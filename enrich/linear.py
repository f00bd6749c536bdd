"""Fast scoring of one document by a fitted tf-idf + logistic-regression model.

scikit-learn validates inputs on every ``transform``/``predict_proba`` call, which costs a
few milliseconds per post: more than the rest of the enrich stage together. ``TfidfLogit``
is fitted with scikit-learn once, then keeps only the numbers (vocabulary, idf, weights)
and scores a document with a dictionary lookup and a small dot product.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np


class TfidfLogit:
    """Multinomial logistic regression over sublinear tf-idf terms plus dense features."""

    def __init__(
        self,
        documents: Sequence[Sequence[str]],
        dense: np.ndarray,
        labels: Sequence[str],
        *,
        analyzer: Callable[[Sequence[str]], list[str]],
        c: float,
        min_df: int = 1,
        dense_weight: float = 1.0,
    ) -> None:
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from threadpoolctl import threadpool_limits

        self._analyzer = analyzer
        vectorizer = TfidfVectorizer(analyzer=analyzer, min_df=min_df, sublinear_tf=True)
        words = vectorizer.fit_transform([list(d) for d in documents])
        self._mean = dense.mean(axis=0) if len(dense) else np.zeros(dense.shape[1])
        scale = dense.std(axis=0) if len(dense) else np.ones(dense.shape[1])
        self._scale = np.where(scale == 0, 1.0, scale) / dense_weight
        features = sparse.hstack([words, sparse.csr_matrix(self._standard(dense))]).tocsr()
        model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced", random_state=0)
        # One BLAS thread: on matrices this small, more threads only fight (3x slower here).
        with threadpool_limits(limits=1):
            model.fit(features, list(labels))
        self.classes: list[str] = [str(c) for c in model.classes_]
        self._vocabulary: dict[str, int] = {
            str(k): int(v) for k, v in vectorizer.vocabulary_.items()
        }
        self._idf = vectorizer.idf_.astype(np.float64)
        n_words = len(self._vocabulary)
        coef = np.asarray(model.coef_, dtype=np.float64)
        if len(self.classes) == 2:  # binary models keep one row: logit of the second class
            coef = np.vstack([np.zeros_like(coef), coef])
            intercept = np.array([0.0, float(model.intercept_[0])])
        else:
            intercept = np.asarray(model.intercept_, dtype=np.float64)
        self._word_weights = coef[:, :n_words]
        self._dense_weights = coef[:, n_words:]
        self._intercept = intercept

    def _standard(self, dense: np.ndarray) -> np.ndarray:
        return (dense - self._mean) / self._scale

    def probabilities(self, document: Sequence[str], dense: np.ndarray) -> dict[str, float]:
        """Class probabilities for one document, identical to the fitted scikit-learn model."""
        logits = self._intercept + self._dense_weights @ self._standard(dense)
        counts = Counter(
            self._vocabulary[t] for t in self._analyzer(document) if t in self._vocabulary
        )
        if counts:
            columns = np.fromiter(counts, dtype=np.int64, count=len(counts))
            values = np.array([1.0 + math.log(counts[c]) for c in columns]) * self._idf[columns]
            values /= np.linalg.norm(values)
            logits = logits + self._word_weights[:, columns] @ values
        logits = logits - logits.max()
        exps = np.exp(logits)
        exps /= exps.sum()
        return {label: float(p) for label, p in zip(self.classes, exps, strict=True)}


class VectorLogit:
    """Multinomial logistic regression over dense vectors (sentence embeddings), scored
    with numpy alone; vectors are compared as unit vectors."""

    def __init__(self, vectors: np.ndarray, labels: Sequence[str], *, c: float) -> None:
        from sklearn.linear_model import LogisticRegression
        from threadpoolctl import threadpool_limits

        model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced", random_state=0)
        with threadpool_limits(limits=1):
            model.fit(_unit(np.asarray(vectors, dtype=np.float64)), list(labels))
        self.classes: list[str] = [str(c) for c in model.classes_]
        coef = np.asarray(model.coef_, dtype=np.float64)
        intercept = np.asarray(model.intercept_, dtype=np.float64)
        if len(self.classes) == 2:
            coef, intercept = np.vstack([np.zeros_like(coef), coef]), np.array([0.0, intercept[0]])
        self._weights, self._intercept = coef, intercept

    def probabilities(self, vector: np.ndarray) -> dict[str, float]:
        logits = self._intercept + self._weights @ _unit(np.asarray(vector, dtype=np.float64))
        exps = np.exp(logits - logits.max())
        exps /= exps.sum()
        return {label: float(p) for label, p in zip(self.classes, exps, strict=True)}


def log_mix(
    words: dict[str, float], meaning: dict[str, float], weight: float, *, temperature: float = 1.0
) -> dict[str, float]:
    """Combine two models' probabilities over the same labels in log space (``weight`` is
    the share of ``meaning``), sharpened or softened by ``temperature``."""
    labels = list(words)
    logp = (1 - weight) * np.log(np.array([words[k] for k in labels]) + 1e-12) + weight * np.log(
        np.array([meaning.get(k, 0.0) for k in labels]) + 1e-12
    )
    logp = logp / temperature
    exps = np.exp(logp - logp.max())
    exps /= exps.sum()
    return {label: float(p) for label, p in zip(labels, exps, strict=True)}


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


__all__ = ["TfidfLogit", "VectorLogit", "log_mix"]
