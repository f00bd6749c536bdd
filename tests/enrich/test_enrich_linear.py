"""TfidfLogit scores one document exactly as the fitted scikit-learn model would."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from enrich.linear import TfidfLogit

DOCS = [
    ["น้ำ", "ไม่", "ไหล"],
    ["ไฟ", "ดับ", "อีก", "แล้ว"],
    ["ถนน", "พัง", "หลุม"],
    ["น้ำ", "ประปา", "ขุ่น"],
    ["ไฟ", "ตก", "ทั้ง", "ซอย"],
    ["หลุม", "ใหญ่", "บน", "ถนน"],
]
DENSE = np.array([[1.0, 0.0], [0.0, 2.0], [0.5, 0.5], [2.0, 0.0], [0.0, 1.0], [0.3, 0.1]])


def _identity(tokens: list[str]) -> list[str]:
    return list(tokens)


def _reference(labels: list[str], doc: list[str], dense: np.ndarray) -> np.ndarray:
    vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
    words = vectorizer.fit_transform(DOCS)
    mean, std = DENSE.mean(axis=0), DENSE.std(axis=0)
    standard = (DENSE - mean) / std * 2.0
    model = LogisticRegression(C=3.0, max_iter=5000, class_weight="balanced", random_state=0)
    model.fit(sparse.hstack([words, sparse.csr_matrix(standard)]).tocsr(), labels)
    x = sparse.hstack(
        [vectorizer.transform([doc]), sparse.csr_matrix((dense - mean) / std * 2.0)]
    ).tocsr()
    return model.predict_proba(x)[0]


@pytest.mark.parametrize(
    "labels",
    [
        ["water", "power", "road", "water", "power", "road"],  # multinomial
        ["yes", "no", "no", "yes", "no", "no"],  # binary
    ],
)
def test_matches_scikit_learn(labels: list[str]) -> None:
    model = TfidfLogit(DOCS, DENSE, labels, analyzer=_identity, c=3.0, dense_weight=2.0)
    for doc, dense in [(["น้ำ", "ไม่", "ไหล", "ไหล"], np.array([1.0, 0.2])), (["ใหม่"], np.zeros(2))]:
        got = model.probabilities(doc, dense)
        assert list(got) == sorted(set(labels))
        assert np.allclose(list(got.values()), _reference(labels, doc, dense), atol=1e-9)
        assert sum(got.values()) == pytest.approx(1.0)
