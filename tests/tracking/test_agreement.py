"""Survey scores beside the public signal: correlations with their sample size."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from domain.models import SurveyResponse
from tests.conftest import T0
from tests.storage.test_follow_up_store import _follow_up
from tracking.agreement import survey_agreement


def _answer(complaint_id: str, score: int) -> SurveyResponse:
    return SurveyResponse(
        complaint_id=complaint_id, score=score, source="survey.csv",
        imported_at=T0 + timedelta(days=40),
    )  # fmt: skip


def _follow_ups(scores: dict[str, float | None]):  # type: ignore[no-untyped-def]
    out = {}
    for n, (cid, score) in enumerate(scores.items()):
        f = _follow_up(cid, days=n)
        out[cid] = f.model_copy(
            update={"satisfaction": f.satisfaction.model_copy(update={"score": score})}
        )
    return out


def test_correlations_are_over_complaints_with_both_and_say_how_many() -> None:
    public = {"a": 0.8, "b": 0.1, "c": -0.4, "d": -0.9, "e": 0.5, "silent": None}
    survey = {"a": 5, "b": 3, "c": 2, "d": 1, "e": 3, "silent": 4, "untracked": 2}
    found = survey_agreement([_answer(c, s) for c, s in survey.items()], _follow_ups(public))
    pairs = ["a", "b", "c", "d", "e"]
    x = np.array([survey[c] for c in pairs], float)
    y = np.array([public[c] for c in pairs], float)
    assert found.pairs == 5 and found.surveys == 7 and found.without_public_signal == 2
    assert found.pearson == pytest.approx(np.corrcoef(x, y)[0, 1], abs=1e-4)
    x_ranks, y_ranks = [5, 3.5, 2, 1, 3.5], [5, 3, 2, 1, 4]  # b and e tie on the survey
    assert found.spearman == pytest.approx(np.corrcoef(x_ranks, y_ranks)[0, 1], abs=1e-4)
    assert found.pearson_p is not None and found.pearson_p < 0.05
    assert found.survey_mean == pytest.approx(x.mean()) and found.public_mean == pytest.approx(
        y.mean()
    )


@pytest.mark.parametrize(
    ("survey", "public"),
    [
        ({"a": 5, "b": 1}, {"a": 0.5, "b": -0.5}),  # two pairs say nothing
        ({"a": 4, "b": 4, "c": 4}, {"a": 0.5, "b": -0.5, "c": 0.0}),  # no spread
    ],
)
def test_too_few_or_flat_pairs_give_no_correlation(
    survey: dict[str, int], public: dict[str, float]
) -> None:
    found = survey_agreement([_answer(c, s) for c, s in survey.items()], _follow_ups(public))
    assert found.pairs == len(survey)
    assert (found.pearson, found.spearman, found.pearson_p) == (None, None, None)
