"""How well the centre's satisfaction survey and the public signal agree.

Over the resolved complaints that have both a survey answer (1–5) and a public score
(-1 to 1, ``tracking.satisfaction``): Pearson's r on the values and Spearman's rank
correlation, each with its two-sided p-value and the number of pairs. Under three pairs, or
when either side does not vary, a correlation means nothing and is left null.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from statistics import fmean

from scipy import stats

from domain.models import ComplaintFollowUp, SurveyAgreement, SurveyResponse

MIN_PAIRS = 3


def survey_agreement(
    answers: Iterable[SurveyResponse], follow_ups: Mapping[str, ComplaintFollowUp]
) -> SurveyAgreement:
    """The agreement over ``answers`` whose complaint's follow-up has a public score."""
    answers = list(answers)
    pairs = [
        (float(a.score), score)
        for a in answers
        if (f := follow_ups.get(a.complaint_id)) is not None
        and (score := f.satisfaction.score) is not None
    ]
    survey = [s for s, _ in pairs]
    public = [p for _, p in pairs]
    pearson: tuple[float | None, float | None] = (None, None)
    spearman = pearson
    if len(pairs) >= MIN_PAIRS and len(set(survey)) > 1 and len(set(public)) > 1:
        pearson = _rounded(stats.pearsonr(survey, public))
        spearman = _rounded(stats.spearmanr(survey, public))
    return SurveyAgreement(
        pairs=len(pairs),
        pearson=pearson[0],
        pearson_p=pearson[1],
        spearman=spearman[0],
        spearman_p=spearman[1],
        survey_mean=round(fmean(survey), 4) if survey else None,
        public_mean=round(fmean(public), 4) if public else None,
        surveys=len(answers),
        without_public_signal=len(answers) - len(pairs),
    )


def _rounded(result: object) -> tuple[float | None, float | None]:
    statistic, pvalue = (float(v) for v in result)  # type: ignore[attr-defined]
    if math.isnan(statistic):
        return None, None
    return round(statistic, 4), round(pvalue, 6)


__all__ = ["MIN_PAIRS", "survey_agreement"]
