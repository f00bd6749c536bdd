"""Alerts stage: rules on spikes and volumes, queued in the outbox, mailed over SMTP.

``AlertEvaluator`` turns spikes and volumes into alerts (``service``); ``send_pending``
mails the due ones (``delivery``) through a ``Notifier`` (``client``), as Thai HTML and
plain text with an inline chart (``mail``, ``content``, ``chart``), respecting quiet
hours and digests (``schedule``).
"""

from alerts.client import Notifier, SmtpNotifier
from alerts.delivery import DeliveryReport, plan_delivery, send_pending
from alerts.errors import AlertError, DeliveryError
from alerts.service import AlertEvaluator, alert_id, list_rules

__all__ = [
    "AlertError",
    "AlertEvaluator",
    "DeliveryError",
    "DeliveryReport",
    "Notifier",
    "SmtpNotifier",
    "alert_id",
    "list_rules",
    "plan_delivery",
    "send_pending",
]
