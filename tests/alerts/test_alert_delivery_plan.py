"""Which pending alerts go out now, in which mails (alerts.delivery.plan_delivery), no I/O."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from alerts.delivery import plan_delivery
from alerts.service import AlertEvaluator, alert_id, list_rules
from domain.models import Alert, AlertRule, SpikeEpisode, Topic
from domain.settings import Settings
from storage.embedded import EmbeddedStore

BKK = timezone(timedelta(hours=7))
T = datetime(2026, 11, 13, 19, 0, tzinfo=BKK)


def _rule(name: str, **fields: object) -> AlertRule:
    return AlertRule.model_validate(
        {"name": name, "kind": "topic_spike", "recipients": ["a@example.go.th"], **fields}
    )


def _alert(rule: str, topic_id: int, start: datetime, **fields: object) -> Alert:
    return Alert.model_validate(
        {
            "alert_id": alert_id(rule, f"topic {topic_id}", start),
            "rule": rule,
            "kind": "topic_spike",
            "subject": f"topic {topic_id}: x",
            "triggered_at": start + timedelta(minutes=30),
            "window_start": start,
            "score": 9.0,
            "observed": 20,
            "expected": 1.0,
            "topic_id": topic_id,
            "recipients": ["old@example.go.th"],
            **fields,
        }
    )


def test_immediate_alerts_get_one_mail_each_to_the_rules_current_recipients() -> None:
    rules = {"r": _rule("r", recipients=["a@example.go.th", "b@example.go.th"])}
    pending = [_alert("r", 1, T), _alert("r", 2, T)]

    plan = plan_delivery(pending, rules=rules, now=T + timedelta(hours=1))

    assert [(m.recipients, len(m.alerts), m.digest) for m in plan.mails] == [
        (("a@example.go.th", "b@example.go.th"), 1, None),
        (("a@example.go.th", "b@example.go.th"), 1, None),
    ]
    assert not plan.held and not plan.suppressed


def test_a_deleted_rules_alert_goes_to_the_recipients_it_was_raised_with() -> None:
    plan = plan_delivery([_alert("gone", 1, T)], rules={}, now=T + timedelta(hours=1))
    assert [m.recipients for m in plan.mails] == [("old@example.go.th",)]


def test_digests_group_by_recipients_across_rules_and_kinds() -> None:
    rules = {
        "hourly": _rule("hourly", digest="hourly", recipients=["A@example.go.th"]),
        "daily": _rule("daily", digest="daily", recipients=["a@example.go.th"]),
        "other": _rule("other", digest="hourly", recipients=["z@example.go.th"]),
    }
    pending = [
        _alert("hourly", 1, T),
        _alert("hourly", 2, T),
        _alert("daily", 3, T - timedelta(days=1)),
        _alert("other", 4, T),
    ]

    plan = plan_delivery(pending, rules=rules, now=T + timedelta(hours=2), daily_at=time(8))

    # A@ and a@ are one mailbox: one digest, spelled as the earliest alert's rule spells it.
    by_recipients = {m.recipients: m for m in plan.mails}
    assert set(by_recipients) == {("a@example.go.th",), ("z@example.go.th",)}
    assert len(by_recipients[("a@example.go.th",)].alerts) == 3
    assert by_recipients[("a@example.go.th",)].digest == "mixed"
    assert by_recipients[("z@example.go.th",)].digest == "hourly"


def test_held_alerts_say_when_they_will_go() -> None:
    rules = {"night": _rule("night", quiet_hours="22:00-07:00")}
    now = T.replace(hour=23)

    plan = plan_delivery([_alert("night", 1, T)], rules=rules, now=now)

    assert plan.mails == [] and plan.held[0][1] == (T + timedelta(days=1)).replace(hour=7)


def test_repeats_within_the_cooldown_are_suppressed_against_sent_and_pending() -> None:
    rules = {"r": _rule("r", cooldown_minutes=360)}
    sent = [_alert("r", 1, T, status="sent")]
    shifted = _alert("r", 1, T - timedelta(hours=1))  # same spike, start recomputed earlier
    later = _alert("r", 1, T + timedelta(hours=7))  # past the cooldown: a new episode
    other_topic = _alert("r", 2, T)
    twin_a = _alert("r", 3, T)
    twin_b = _alert("r", 3, T + timedelta(hours=2))  # both pending: only the first goes

    plan = plan_delivery(
        [shifted, later, other_topic, twin_a, twin_b],
        rules=rules,
        sent=sent,
        now=T + timedelta(hours=8),
    )

    assert {a.alert_id for a in plan.suppressed} == {shifted.alert_id, twin_b.alert_id}
    assert {m.alerts[0].alert_id for m in plan.mails} == {
        later.alert_id,
        other_topic.alert_id,
        twin_a.alert_id,
    }


def test_no_cooldown_means_no_suppression() -> None:
    rules = {"r": _rule("r", cooldown_minutes=0)}
    sent = [_alert("r", 1, T, status="sent")]
    plan = plan_delivery(
        [_alert("r", 1, T + timedelta(hours=1))], rules=rules, sent=sent, now=T + timedelta(days=1)
    )
    assert plan.suppressed == [] and len(plan.mails) == 1


def test_unaddressed_alerts_are_set_aside() -> None:
    rules = {"r": _rule("r", recipients=[])}
    plan = plan_delivery(
        [_alert("r", 1, T, recipients=[])], rules=rules, now=T + timedelta(hours=1)
    )
    assert len(plan.unaddressed) == 1 and plan.mails == []


def test_stored_rules_join_config_rules_and_win_on_the_same_name(settings: Settings) -> None:
    store = EmbeddedStore(settings.store.path)
    configured = {rule.name for rule in settings.alerts.rules}
    store.put_alert_rule(_rule("any-topic-spike", recipients=["api@example.go.th"]))
    store.put_alert_rule(_rule("from-the-api"))

    rules = {rule.name: rule for rule in list_rules(store, settings)}

    assert set(rules) == configured | {"from-the-api"}
    assert rules["any-topic-spike"].recipients == ["api@example.go.th"]
    store.close()


def test_a_relabelled_topic_keeps_its_alert_id() -> None:
    spike = SpikeEpisode(start=T, peak=T, end=T, score=12, observed=20, expected=0.5)

    def topic(label: str) -> Topic:
        return Topic(
            topic_id=7, label=label, keywords=[], size=9, first_seen=T, last_seen=T, spikes=[spike]
        )

    evaluator = AlertEvaluator([_rule("r", min_score=8)])
    [before] = evaluator.evaluate(topics=[topic("ไฟดับ")], posts=[])
    [after] = evaluator.evaluate(topics=[topic("ไฟดับ · หาดใหญ่")], posts=[])
    assert before.alert_id == after.alert_id
    assert after.subject == "topic 7: ไฟดับ · หาดใหญ่"


def test_volume_alerts_remember_what_they_counted() -> None:
    from tests.conftest import make_post

    posts = [make_post(str(i), "น้ำท่วม ถนน", created_at=T + timedelta(minutes=i)) for i in range(3)]
    rule = AlertRule(name="flood", kind="keyword", keyword="น้ำท่วม", threshold=3)
    [alert] = AlertEvaluator([rule]).evaluate(topics=[], posts=posts)
    assert (alert.keyword, alert.category, alert.province) == ("น้ำท่วม", None, None)


def test_a_muted_rules_alerts_are_suppressed_until_the_mute_ends() -> None:
    rules = {"r": _rule("r", muted_until=T + timedelta(days=1)), "loud": _rule("loud")}
    pending = [_alert("r", 1, T), _alert("loud", 2, T)]

    muted = plan_delivery(pending, rules=rules, now=T + timedelta(hours=2))
    assert [a.alert_id for a in muted.suppressed] == [pending[0].alert_id]
    assert [m.alerts[0].rule for m in muted.mails] == ["loud"]

    after = plan_delivery(pending[:1], rules=rules, now=T + timedelta(days=1))
    assert after.suppressed == [] and len(after.mails) == 1
