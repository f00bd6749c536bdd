"""Linking quality floors on the held-out labelled set (measured by ``bench.linking.quality``).

The floors sit a little under the measurement in ``bench/results/linking.json`` (precision@5
0.95, recall@20 1.0, link precision 0.81 and recall 0.82 at the configured threshold, 21 hard
negatives linked), so a change that makes linking worse fails here.
"""

from __future__ import annotations

import pytest

from domain.settings import load_settings
from enrich.embeddings import build_embedder
from linking.labelled import load_set, measure

pytestmark = pytest.mark.integration


def test_linking_quality_holds_its_floors() -> None:
    settings = load_settings()
    data = load_set("eval", settings, build_embedder(settings.models.embedder))
    result = measure(data, settings.linking)
    assert result["precision_at_5"] >= 0.88
    assert result["recall_at_20"] >= 0.97
    assert result["link_precision"] >= 0.78
    assert result["link_recall"] >= 0.70
    assert result["hard_negatives_linked"] <= 24
