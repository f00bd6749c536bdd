"""Mail the outbox: pending alerts → messages → SMTP → ``sent``, never twice, never lost.

A delivery run reads the pending alerts, and for each one decides (``plan_delivery``):

* **suppressed**: a repeat, within its rule's cooldown, of one already sent or about to be
  (same rule and topic, keyword or place). Spike episodes are recomputed on every run, so
  a spike whose start hour moved gets a new alert id; this keeps it from mailing twice.
  Suppressed alerts stay in the outbox with that status. So do the alerts of a rule muted
  (``muted_until``) at the time of the run.
* **held**: its digest slot has not come, or its rule's quiet hours are on; a later run
  sends it (``DeliveryReport.next_release`` says when).
* **unaddressed**: neither the rule nor the alert names a recipient; it stays pending, so
  adding recipients to the rule delivers it.
* otherwise it is mailed: alone (``digest: none``), or gathered with the other due digest
  alerts for the same recipients into one message.

Recipients are the rule's current ones (the live routing), else those the alert was raised
with. Each message is one SMTP transaction to all its recipients, and its alerts are marked
``sent`` right after the server accepted it: an outage, a refusal or a crash leaves them
``pending`` for the next run, and a sent alert is never picked again. The one window left
is a crash between the server's acceptance and the status write; the re-sent mail then
carries the same Message-ID. Run one delivery at a time per store.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from alerts.client import Notifier, SmtpNotifier
from alerts.content import get_content
from alerts.errors import DeliveryError
from alerts.mail import build_message
from alerts.schedule import parse_hhmm, release_at
from alerts.service import cooldown_key, list_rules
from domain.models import Alert, AlertRule
from domain.settings import Settings
from storage.base import Store

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    """What one run did, counted in alerts (``mails`` counts messages accepted)."""

    sent: int = 0
    held: int = 0
    failed: int = 0
    mails: int = 0
    suppressed: int = 0
    unaddressed: int = 0
    refused: dict[str, str] = field(default_factory=dict)  # recipient → the server's reply
    errors: list[str] = field(default_factory=list)
    next_release: datetime | None = None

    @property
    def ok(self) -> bool:
        """No mail failed and no recipient was refused."""
        return not self.failed and not self.refused


@dataclass(frozen=True)
class PlannedMail:
    recipients: tuple[str, ...]
    alerts: tuple[Alert, ...]
    digest: str | None = None  # "hourly", "daily" or "mixed" for a digest, None for one alert


@dataclass
class DeliveryPlan:
    mails: list[PlannedMail] = field(default_factory=list)
    held: list[tuple[Alert, datetime]] = field(default_factory=list)
    suppressed: list[Alert] = field(default_factory=list)
    unaddressed: list[Alert] = field(default_factory=list)


def plan_delivery(
    pending: Sequence[Alert],
    *,
    rules: dict[str, AlertRule],
    sent: Sequence[Alert] = (),
    now: datetime,
    daily_at: time = time(8, 0),
) -> DeliveryPlan:
    """Decide, without I/O, which pending alerts go out now, in which mails."""
    plan = DeliveryPlan()
    mailed: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    for alert in sent:
        mailed[cooldown_key(alert)].append(alert.window_start)
    # Digests group by recipients compared case-blind, spelled as the earliest alert has them.
    digests: dict[tuple[str, ...], tuple[tuple[str, ...], list[tuple[Alert, str]]]] = {}
    for alert in sorted(pending, key=lambda a: (a.window_start, a.alert_id)):
        rule = rules.get(alert.rule)
        if rule is not None and rule.muted_until is not None and now < rule.muted_until:
            plan.suppressed.append(alert)  # muted: never mailed, not even when the mute ends
            continue
        key = cooldown_key(alert)
        cooldown = timedelta(minutes=rule.cooldown_minutes if rule is not None else 0)
        if any(abs(alert.window_start - t) < cooldown for t in mailed[key]):
            plan.suppressed.append(alert)
            continue
        mailed[key].append(alert.window_start)
        recipients = tuple((rule.recipients if rule is not None else []) or alert.recipients)
        if not recipients:
            plan.unaddressed.append(alert)
            continue
        release = release_at(alert, rule, now=now, daily_at=daily_at)
        if release > now:
            plan.held.append((alert, release))
            continue
        digest = rule.digest if rule is not None else "none"
        if digest == "none":
            plan.mails.append(PlannedMail(recipients, (alert,)))
        else:
            spelled = tuple(sorted({r.lower(): r for r in recipients}.values(), key=str.lower))
            blind = tuple(r.lower() for r in spelled)
            digests.setdefault(blind, (spelled, []))[1].append((alert, digest))
    for group, members in digests.values():
        kinds = {digest for _, digest in members}
        plan.mails.append(
            PlannedMail(
                group,
                tuple(alert for alert, _ in members),
                kinds.pop() if len(kinds) == 1 else "mixed",
            )
        )
    return plan


def send_pending(
    store: Store, settings: Settings, *, now: datetime, notifier: Notifier | None = None
) -> DeliveryReport:
    """Mail every pending alert that is due; see the module docstring for the guarantees.

    SMTP trouble never raises: it is logged, counted in ``failed`` and ``errors``, and the
    alerts stay pending. Store errors do raise (nothing is marked then either).

    Args:
        now: the present moment (timezone-aware); quiet hours and digests are judged by it.
        notifier: how to send; by default SMTP as configured in ``settings.smtp``.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    rules = {rule.name: rule for rule in list_rules(store, settings)}
    limit = settings.alerts.max_per_run
    plan = plan_delivery(
        store.list_alerts(limit=limit, status="pending"),
        rules=rules,
        sent=store.list_alerts(limit=limit, status="sent"),
        now=now,
        daily_at=parse_hhmm(settings.alerts.daily_digest_at),
    )
    report = DeliveryReport(
        held=len(plan.held),
        unaddressed=len(plan.unaddressed),
        next_release=min((when for _, when in plan.held), default=None),
    )
    if plan.suppressed:
        report.suppressed = store.set_alert_status(
            [a.alert_id for a in plan.suppressed], "suppressed"
        )
    for alert in plan.unaddressed:
        log.warning(
            "alert %s of rule %s has no recipients; left pending", alert.alert_id, alert.rule
        )
    own = notifier is None
    sender = notifier if notifier is not None else SmtpNotifier(settings.smtp)
    try:
        for n, mail in enumerate(plan.mails):
            contents = [
                get_content(a, rule=rules.get(a.rule), store=store, settings=settings)
                for a in mail.alerts
            ]
            message = build_message(
                contents,
                sender=settings.smtp.sender,
                recipients=mail.recipients,
                now=now,
                digest=mail.digest,
            )
            try:
                refused = sender.send(message, recipients=mail.recipients)
            except DeliveryError as exc:
                report.failed += len(mail.alerts)
                report.errors.append(str(exc))
                log.error(
                    "alert mail not sent, %d alert(s) stay pending: %s", len(mail.alerts), exc
                )
                if exc.connection:  # the server is unusable: the rest would fail the same way
                    rest = sum(len(m.alerts) for m in plan.mails[n + 1 :])
                    report.failed += rest
                    if rest:
                        log.error("%d more alert(s) stay pending until the next run", rest)
                    break
                continue
            report.mails += 1
            report.sent += store.set_alert_status([a.alert_id for a in mail.alerts], "sent")
            if refused:
                report.refused.update(refused)
                log.error("alert mail accepted, but these recipients were refused: %s", refused)
    finally:
        if own:
            sender.close()
    log.info(
        "alert delivery: %d mail(s), %d alert(s) sent, %d held, %d failed, %d suppressed",
        report.mails,
        report.sent,
        report.held,
        report.failed,
        report.suppressed,
    )
    return report


__all__ = ["DeliveryPlan", "DeliveryReport", "PlannedMail", "plan_delivery", "send_pending"]
