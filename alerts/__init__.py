"""Alerts stage: rules on spikes and volumes, queued in the outbox for delivery."""

from alerts.service import AlertEvaluator, alert_id

__all__ = ["AlertEvaluator", "alert_id"]
