"""Alert rules (create, read, update, mute, delete) and the alert history.

Rules managed here live in the store and join the ones in ``config/siang.yaml``; a stored
rule replaces a configured one of the same name.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Query, Response
from fastapi.exceptions import RequestValidationError

from alerts.service import list_rules as rules_in_force
from api.access import Admin, Analyst, audit
from api.deps import IsoDatetime, ModelsDep, SettingsDep, StoreDep
from api.models import AlertDetail, AlertPage, AlertRuleList, PostPublic
from api.problems import RuleConflict
from domain.errors import NotFoundError
from domain.models import AlertKind, AlertRule
from storage.base import AlertQuery

router = APIRouter(prefix="/v1")


_RULE_EXAMPLES = {
    "keyword": {
        "summary": "Posts naming น้ำท่วม, 15 an hour",
        "value": {"name": "flood-keyword", "kind": "keyword", "keyword": "น้ำท่วม",
                  "threshold": 15, "recipients": ["disaster-desk@example.go.th"]},
    },
    "category_province": {
        "summary": "Water supply grievances in Nonthaburi",
        "value": {"name": "water-nonthaburi", "kind": "category_province",
                  "category": "water_supply", "province": "นนทบุรี", "threshold": 8,
                  "recipients": ["officer-nonthaburi@example.go.th"], "cooldown_minutes": 360},
    },
    "topic_spike": {
        "summary": "Any topic spiking at surprise 8 or more",
        "value": {"name": "any-topic-spike", "kind": "topic_spike", "min_score": 8,
                  "recipients": ["policy-team@example.go.th"]},
    },
    "reopen": {
        "summary": "Resolved water cases the public still reports, to the PWA desk",
        "value": {"name": "reopen-pwa", "kind": "reopen", "agency": "การประปาส่วนภูมิภาค",
                  "recipients": ["pwa-desk@example.go.th"]},
    },
}  # fmt: skip


@router.get("/alert-rules", response_model=AlertRuleList, tags=["alerts"])
def list_rules(store: StoreDep, settings: SettingsDep, caller: Analyst) -> AlertRuleList:
    """Every rule in force: the configured ones and those managed through the API."""
    return AlertRuleList(
        rules=sorted(rules_in_force(store, settings), key=lambda r: r.name),
        managed=sorted(r.name for r in store.list_alert_rules()),
    )


@router.get("/alert-rules/{name}", response_model=AlertRule, tags=["alerts"])
def get_rule(name: str, store: StoreDep, settings: SettingsDep, caller: Analyst) -> AlertRule:
    """One rule in force, configured or managed through the API."""
    for rule in rules_in_force(store, settings):
        if rule.name == name:
            return rule
    raise NotFoundError("alert rule", name)


@router.put(
    "/alert-rules/{name}",
    response_model=AlertRule,
    tags=["alerts"],
    responses={
        201: {"model": AlertRule, "description": "Created: the rule is new."},
        409: {"description": "The name in the path and in the body differ."},
    },
)
def put_rule(
    name: str,
    rule: Annotated[AlertRule, Body(openapi_examples=_RULE_EXAMPLES)],
    store: StoreDep,
    models: ModelsDep,
    response: Response,
    caller: Admin,
) -> AlertRule:
    """Create or replace a rule (201 when new). The body's ``name`` must match the path.

    Replacing a configured rule stores a copy that wins over the config file: that is how
    a configured rule is edited or muted (``muted_until``) without a restart. A province
    may be written as people write it (โคราช); it is stored by its official name.
    """
    if rule.name != name:
        raise RuleConflict(f"name in the path ({name}) and in the body ({rule.name}) differ")
    if rule.province is not None:
        official = models.gazetteer.province_named(rule.province)
        if official is None:
            raise RequestValidationError(
                [{"loc": ("body", "province"), "msg": f"{rule.province!r} is not a Thai "
                  "province or a nickname Siang knows", "type": "value_error"}]
            )  # fmt: skip
        rule = rule.model_copy(update={"province": str(official)})
    created = store.put_alert_rule(rule)
    audit(store, caller, "create_alert_rule" if created else "update_alert_rule", f"rule:{name}")
    if created:
        response.status_code = 201
    return rule


@router.delete("/alert-rules/{name}", status_code=204, tags=["alerts"])
def delete_rule(name: str, store: StoreDep, caller: Admin) -> Response:
    """Delete a rule managed through the API (configured rules live in the config file)."""
    if not store.delete_alert_rule(name):
        raise NotFoundError("alert rule", name)
    audit(store, caller, "delete_alert_rule", f"rule:{name}")
    return Response(status_code=204)


@router.get("/alerts", response_model=AlertPage, tags=["alerts"])
def alert_history(
    store: StoreDep,
    caller: Analyst,
    status: Literal["pending", "sent", "suppressed"] | None = None,
    rule: Annotated[str | None, Query(max_length=100, description="The rule's name.")] = None,
    kind: AlertKind | None = None,
    start: Annotated[IsoDatetime | None, Query(description="Fired at or after.")] = None,
    end: Annotated[IsoDatetime | None, Query(description="Fired before.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> AlertPage:
    """Alerts, newest first: what fired, when, observed against expected, its posts'
    ids, and whether it was mailed (sent), is waiting (pending) or was held back
    (suppressed: a repeat within the cooldown, or the rule was muted)."""
    total, alerts = store.search_alerts(
        AlertQuery(status=status, rule=rule, kind=kind, start=start, end=end),
        limit=limit,
        offset=offset,
    )
    return AlertPage(total=total, limit=limit, offset=offset, alerts=alerts)


@router.get("/alerts/{alert_id}", response_model=AlertDetail, tags=["alerts"])
def get_alert(alert_id: str, store: StoreDep, caller: Analyst) -> AlertDetail:
    """One alert with the posts that fired it (as stored now, PII redacted)."""
    alert = store.get_alert(alert_id)
    if alert is None:
        raise NotFoundError("alert", alert_id)
    posts = store.get_posts(alert.post_ids)
    return AlertDetail(alert=alert, posts=[PostPublic.of(p) for p in posts])


__all__ = ["router"]
