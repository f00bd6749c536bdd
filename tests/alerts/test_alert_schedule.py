"""Quiet hours and digest slots in Bangkok time (alerts/schedule.py), Thai dates."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

import pytest

from alerts.schedule import due_at, in_quiet_hours, quiet_ends, release_at
from alerts.thai_format import number, thai_datetime, thai_hour_range
from domain.models import Alert, AlertRule

BKK = timezone(timedelta(hours=7))


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BKK)


def _rule(**fields: object) -> AlertRule:
    return AlertRule.model_validate({"name": "r", "kind": "topic_spike", **fields})


def _alert(triggered: datetime) -> Alert:
    return Alert(
        alert_id="a",
        rule="r",
        kind="topic_spike",
        subject="topic 1: x",
        triggered_at=triggered,
        window_start=triggered - timedelta(hours=1),
        score=9,
        observed=20,
        expected=1,
    )


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (_at(13, 21, 59), False),
        (_at(13, 22, 0), True),
        (_at(14, 3, 0), True),
        (_at(14, 6, 59), True),
        (_at(14, 7, 0), False),
        (_at(14, 12, 0), False),
        # 15:30 UTC is 22:30 in Bangkok: the rule's hours are Bangkok's, whatever the input zone.
        (datetime(2026, 11, 13, 15, 30, tzinfo=UTC), True),
    ],
)
def test_quiet_hours_spanning_midnight(moment: datetime, quiet: bool) -> None:
    assert in_quiet_hours(_rule(quiet_hours="22:00-07:00"), moment) is quiet


def test_quiet_hours_within_a_day_and_their_end() -> None:
    lunch = _rule(quiet_hours="12:00-13:30")
    assert in_quiet_hours(lunch, _at(13, 12, 15)) and not in_quiet_hours(lunch, _at(13, 13, 30))
    assert quiet_ends(lunch, _at(13, 12, 15)) == _at(13, 13, 30)
    night = _rule(quiet_hours="22:00-07:00")
    assert quiet_ends(night, _at(13, 23, 10)) == _at(14, 7, 0)
    assert quiet_ends(night, _at(14, 2, 0)) == _at(14, 7, 0)
    assert quiet_ends(night, _at(14, 9, 0)) == _at(14, 9, 0)  # not quiet: now
    assert quiet_ends(_rule(), _at(14, 23, 0)) == _at(14, 23, 0)


def test_digest_slots() -> None:
    alert = _alert(_at(13, 19, 40))
    eight = time(8, 0)
    assert due_at(alert, _rule(), daily_at=eight) == _at(13, 19, 40)
    assert due_at(alert, _rule(digest="hourly"), daily_at=eight) == _at(13, 20, 0)
    assert due_at(alert, _rule(digest="daily"), daily_at=eight) == _at(14, 8, 0)
    assert due_at(_alert(_at(13, 7, 59)), _rule(digest="daily"), daily_at=eight) == _at(13, 8)
    assert due_at(alert, None, daily_at=eight) == _at(13, 19, 40)  # rule deleted: at once


def test_release_combines_the_digest_slot_and_quiet_hours() -> None:
    rule = _rule(digest="daily", quiet_hours="06:00-09:00")
    alert = _alert(_at(13, 19, 40))
    # The daily slot (08:00) falls inside quiet hours: the mail goes at 09:00.
    assert release_at(alert, rule, now=_at(13, 20, 0), daily_at=time(8, 0)) == _at(14, 9, 0)
    assert release_at(alert, rule, now=_at(14, 9, 5), daily_at=time(8, 0)) == _at(14, 9, 5)


def test_thai_dates_and_numbers() -> None:
    assert thai_datetime(datetime(2026, 11, 13, 12, 0, tzinfo=UTC)) == "13 พ.ย. 2569 19:00 น."
    assert thai_datetime(_at(1, 0, 5).replace(month=1)) == "1 ม.ค. 2569 00:05 น."
    assert thai_hour_range(_at(13, 19), _at(13, 21)) == "13 พ.ย. 2569 19:00–21:00 น."
    assert thai_hour_range(_at(13, 23), _at(14, 1)) == (
        "13 พ.ย. 2569 23:00 น. – 14 พ.ย. 2569 01:00 น."
    )
    assert [number(v) for v in (20, 0.5, 0.05, 12.34, 1234.0)] == [
        "20",
        "0.5",
        "0.05",
        "12.3",
        "1,234",
    ]
