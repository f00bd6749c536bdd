"""Agency scorecards: per agency and province, how cases were handled and what the public said.

For the complaints filed in a period:

* ``received``: complaints filed;
* ``median_hours_to_first_action``: filing to the first status step after ``received``;
* ``median_hours_to_resolution``: filing to the resolution (``tracking.reopen.resolved_at``);
* ``renewed_share``: of the resolved ones followed, the share the public still reports
  (reopen candidates, officers' verdicts applied);
* ``mean_satisfaction``: the mean satisfaction score after resolution;
* ``survey_mean``, ``survey_responses``: the centre's survey (1–5) beside it, when imported.

An agency is the one that resolved the case (the agency of its resolved step), else the
complaint's own. One with fewer than ``min_cases`` resolved complaints is listed but not
ranked: a median of two cases says little.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from statistics import median

from domain.models import Complaint, ComplaintFollowUp, SurveyResponse
from tracking.reopen import resolved_at, resolving_agency


@dataclass(frozen=True)
class Scorecard:
    agency: str
    province: str | None
    received: int
    resolved: int
    followed: int  # resolved complaints with a follow-up
    median_hours_to_first_action: float | None
    median_hours_to_resolution: float | None
    renewed_share: float | None
    mean_satisfaction: float | None
    ranked: bool
    rank: int | None = None
    survey_mean: float | None = None
    survey_responses: int = 0


def scorecards(
    complaints: Iterable[Complaint],
    follow_ups: Mapping[str, ComplaintFollowUp],
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    min_cases: int = 5,
    surveys: Mapping[str, SurveyResponse] | None = None,
) -> list[Scorecard]:
    """Scorecards of the complaints filed in ``[start, end)``, ranked ones first (best
    satisfaction, then fewest renewed, then fastest), the rest by volume."""
    groups: dict[tuple[str, str | None], list[Complaint]] = defaultdict(list)
    for c in complaints:
        if (start is None or c.filed_at >= start) and (end is None or c.filed_at < end):
            groups[(resolving_agency(c) or "ไม่ระบุหน่วยงาน", c.province)].append(c)
    cards = []
    for (agency, province), cases in groups.items():
        first_action, resolution = [], []
        for c in cases:
            acted = [s.at for s in c.history if s.status != "received" and s.at >= c.filed_at]
            if acted:
                first_action.append(_hours(min(acted) - c.filed_at))
            fixed = resolved_at(c)
            if fixed is not None:
                resolution.append(_hours(fixed - c.filed_at))
        followed = [follow_ups[c.complaint_id] for c in cases if c.complaint_id in follow_ups]
        scores = [f.satisfaction.score for f in followed if f.satisfaction.score is not None]
        answers = [a.score for c in cases if (a := (surveys or {}).get(c.complaint_id))]
        cards.append(
            Scorecard(
                agency=agency,
                province=province,
                received=len(cases),
                resolved=len(resolution),
                followed=len(followed),
                median_hours_to_first_action=_median(first_action),
                median_hours_to_resolution=_median(resolution),
                renewed_share=(
                    round(sum(f.reopen_candidate for f in followed) / len(followed), 4)
                    if followed
                    else None
                ),
                mean_satisfaction=round(sum(scores) / len(scores), 4) if scores else None,
                ranked=len(resolution) >= min_cases,
                survey_mean=round(sum(answers) / len(answers), 4) if answers else None,
                survey_responses=len(answers),
            )
        )
    ranked = sorted(
        (c for c in cards if c.ranked),
        key=lambda c: (
            -(c.mean_satisfaction if c.mean_satisfaction is not None else -2.0),
            c.renewed_share if c.renewed_share is not None else 1.0,
            c.median_hours_to_resolution or 0.0,
            c.agency,
        ),
    )
    rest = sorted((c for c in cards if not c.ranked), key=lambda c: (-c.received, c.agency))
    return [replace(c, rank=i) for i, c in enumerate(ranked, 1)] + rest


def _hours(delta: timedelta) -> float:
    return round(delta.total_seconds() / 3600, 2)


def _median(values: list[float]) -> float | None:
    return round(median(values), 2) if values else None


__all__ = ["Scorecard", "scorecards"]
