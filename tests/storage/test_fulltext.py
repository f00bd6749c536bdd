"""The terms both stores index and search, and vectors written as exact float32 JSON."""

from __future__ import annotations

import json

import numpy as np

from storage.es_documents import source_json, vector_json
from storage.fulltext import MAX_TERM_UNITS, index_body, index_terms


def test_terms_are_lowercased_without_whitespace_or_invisible_marks() -> None:
    assert index_terms(["COVID-19", "กรุงเทพ มหานคร", "ไฟ\u200bดับ", " ", "a\u3000b", "😡"]) == [
        "covid-19",
        "กรุงเทพ_มหานคร",
        "ไฟดับ",
        "a_b",
        "😡",
    ]
    assert index_body(["ไม่", "#น้ำท่วม"]) == "ไม่ #น้ำท่วม"


def test_a_long_term_is_cut_where_lucene_cuts_it() -> None:
    thai = "ก" * 600
    assert [len(p) for p in index_terms([thai])] == [255, 255, 90]
    emoji = "😡" * 200  # two UTF-16 units each: a piece ends at 256 units, 128 emoji
    assert [len(p) for p in index_terms([emoji])] == [128, 72]
    assert "".join(index_terms([thai])) == thai
    assert MAX_TERM_UNITS == 255


def test_vectors_are_written_as_json_read_back_to_the_same_float32() -> None:
    rng = np.random.default_rng(3)
    wide = rng.normal(size=(50, 64)) * 10.0 ** rng.integers(-40, 38, size=(50, 64))
    vectors = np.vstack([rng.normal(size=(50, 64)), wide]).astype(np.float32)
    vectors[0, :6] = [0.0, 1.0, -1.0, 9.9999999e-3, 1e-45, 3.4e38]
    texts = vector_json(vectors)
    back = np.array([json.loads(t) for t in texts], dtype=np.float32)
    assert np.array_equal(back, vectors)
    assert len(texts[1]) == 64 * 16 + 1  # " 1.23456789e-02," per value, "[" and "]"


def test_a_vector_with_nan_is_written_for_the_cluster_to_refuse() -> None:
    assert vector_json(np.array([[np.nan, 1.0]], np.float32)) == ["[NaN, 1.0]"]


def test_source_json_splices_the_vector_into_the_document() -> None:
    body = source_json({"id": "x:1", "text": "ไฟดับ"}, "[ 1.00000000e+00]")
    assert json.loads(body) == {"id": "x:1", "text": "ไฟดับ", "embedding": [1.0]}
