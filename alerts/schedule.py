"""When a pending alert may be mailed: digest slots and quiet hours, in Bangkok time.

An alert is *due* when its digest slot has come (at once for ``digest: none``; at the end of
its Bangkok clock hour for ``hourly``; at the next ``alerts.daily_digest_at`` for ``daily``),
and *sendable* when it is due and the present moment is outside its rule's quiet hours.
Quiet hours hold mail, they never drop it: the first run after the period ends sends it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.models import BANGKOK, Alert, AlertRule

_TZ = ZoneInfo(BANGKOK)


def parse_hhmm(value: str) -> time:
    """``"07:30"`` → ``time(7, 30)``; the value is already validated by the settings."""
    hour, _, minute = value.partition(":")
    return time(int(hour), int(minute))


def quiet_window(rule: AlertRule | None) -> tuple[time, time] | None:
    """The rule's quiet hours as (start, end) times of day, or None."""
    if rule is None or rule.quiet_hours is None:
        return None
    start, _, end = rule.quiet_hours.partition("-")
    return parse_hhmm(start), parse_hhmm(end)


def in_quiet_hours(rule: AlertRule | None, moment: datetime) -> bool:
    """True when ``moment`` falls in the rule's quiet hours (start included, end not)."""
    window = quiet_window(rule)
    if window is None:
        return False
    start, end = window
    now = moment.astimezone(_TZ).time()
    if start < end:
        return start <= now < end
    return now >= start or now < end  # spans midnight, e.g. 22:00-07:00


def quiet_ends(rule: AlertRule | None, moment: datetime) -> datetime:
    """The first moment at or after ``moment`` outside the rule's quiet hours."""
    window = quiet_window(rule)
    if window is None or not in_quiet_hours(rule, moment):
        return moment
    end = window[1]
    local = moment.astimezone(_TZ)
    candidate = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate


def due_at(alert: Alert, rule: AlertRule | None, *, daily_at: time) -> datetime:
    """When the alert's digest slot comes: at once, the end of its hour, or the next day's."""
    digest = rule.digest if rule is not None else "none"
    if digest == "none":
        return alert.triggered_at
    local = alert.triggered_at.astimezone(_TZ)
    if digest == "hourly":
        return local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    slot = local.replace(hour=daily_at.hour, minute=daily_at.minute, second=0, microsecond=0)
    return slot if slot > local else slot + timedelta(days=1)


def release_at(alert: Alert, rule: AlertRule | None, *, now: datetime, daily_at: time) -> datetime:
    """The earliest moment from ``now`` on at which the alert may be mailed."""
    return quiet_ends(rule, max(now, due_at(alert, rule, daily_at=daily_at)))


__all__ = ["due_at", "in_quiet_hours", "parse_hhmm", "quiet_ends", "quiet_window", "release_at"]
