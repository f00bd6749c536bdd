"""Routes for emerging grievances: what the detector saw, now or in any period.

"Now" is the server's clock in production and the last hour the detector judged on a
historical or demo store (``trends.clock``); every answer says which.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.access import Viewer
from api.deps import IsoDatetime, ProvinceFilter, SettingsDep, StoreDep
from api.models import EmergenceList
from domain.models import Category, EmergenceKind
from domain.settings import Settings
from storage.base import EmergenceQuery, Store

router = APIRouter(prefix="/v1")
_PERIODS = {
    "now": None,
    "day": timedelta(days=1),
    "week": timedelta(days=7),
    "month": timedelta(days=30),
}


def now_for(store: Store, settings: Settings) -> tuple[datetime, Literal["real", "data"]]:
    """The moment 'now' means, and which clock gave it."""
    real = datetime.now(UTC)
    clock = settings.trends.clock
    if clock == "auto":
        clock = "real" if settings.environment == "production" else "data"
    if clock == "real":
        return real, "real"
    judged = store.emergences_judged_until()
    return (min(judged, real) if judged else real), "data"


@router.get("/emergences", response_model=EmergenceList, tags=["emergences"])
def list_emergences(
    store: StoreDep,
    settings: SettingsDep,
    caller: Viewer,
    period: Annotated[
        Literal["now", "day", "week", "month"],
        Query(
            description="now: detected in the last `trends.current_hours`; day, week, month: "
            "the last 24 hours, 7 or 30 days. `detected_from`/`detected_to` override it."
        ),
    ] = "now",
    detected_from: IsoDatetime | None = None,
    detected_to: IsoDatetime | None = None,
    kind: EmergenceKind | None = None,
    category: Category | None = None,
    province: ProvinceFilter = None,
    min_score: Annotated[float | None, Query(ge=0, le=1000)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> EmergenceList:
    """Emerging grievances strongest first, each with a one-line Thai reason, the series
    and window that fired, observed against expected voices and the posts."""
    as_of, clock = now_for(store, settings)
    span = _PERIODS[period] or timedelta(hours=settings.trends.current_hours)
    upper = detected_to or as_of + timedelta(seconds=1)
    lower = detected_from or upper - span
    total, found = store.list_emergences(
        EmergenceQuery(
            detected_from=lower,
            detected_to=upper,
            kind=kind,
            category=category.value if category else None,
            province=province,
            min_score=min_score,
        ),
        limit=limit,
        offset=offset,
    )
    return EmergenceList(
        as_of=as_of,
        clock=clock,
        detected_from=lower,
        detected_to=upper,
        total=total,
        emergences=found,
    )


__all__ = ["now_for", "router"]
