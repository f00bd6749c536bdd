"""Alert rules: topic spikes, keyword and category/province volume, cooldown, idempotent ids."""

from __future__ import annotations

from datetime import timedelta

from alerts.service import AlertEvaluator
from domain.models import AlertRule, Category, SpikeEpisode, Topic
from tests.conftest import T0, make_emergence, make_post


def _topic(score: float, start_offset_h: int = 0) -> Topic:
    start = T0 + timedelta(hours=start_offset_h)
    spike = SpikeEpisode(
        start=start,
        peak=start,
        end=start + timedelta(hours=2),
        score=score,
        observed=20,
        expected=0.5,
        post_ids=["x:1"],
    )
    return Topic(
        topic_id=1,
        label="ไฟดับ · หาดใหญ่",
        keywords=[],
        size=40,
        first_seen=T0,
        last_seen=T0,
        spikes=[spike],
    )


def test_topic_spike_rule_respects_min_score_and_is_stable() -> None:
    rule = AlertRule(name="spike", kind="topic_spike", min_score=8, recipients=["a@example.org"])
    evaluator = AlertEvaluator([rule])
    assert evaluator.evaluate(topics=[_topic(7.9)], posts=[]) == []
    first = evaluator.evaluate(topics=[_topic(12.0)], posts=[])
    second = evaluator.evaluate(topics=[_topic(12.0)], posts=[])
    assert len(first) == 1 and first == second
    assert first[0].recipients == ["a@example.org"]
    assert first[0].topic_id == 1 and first[0].observed == 20


def test_cooldown_suppresses_repeats() -> None:
    rule = AlertRule(name="spike", kind="topic_spike", min_score=5, cooldown_minutes=360)
    topic = _topic(9.0)
    later = _topic(9.0, start_offset_h=3).spikes[0]
    much_later = _topic(9.0, start_offset_h=8).spikes[0]
    topic = topic.model_copy(update={"spikes": [*topic.spikes, later, much_later]})
    alerts = AlertEvaluator([rule]).evaluate(topics=[topic], posts=[])
    assert [a.window_start for a in alerts] == [T0, T0 + timedelta(hours=8)]


def test_category_province_and_keyword_volume() -> None:
    posts = [
        make_post(str(i), "น้ำประปา เค็ม", province="นนทบุรี", created_at=T0 + timedelta(minutes=5 * i))
        for i in range(9)
    ]
    posts += [make_post("other", "น้ำประปา เค็ม", province="สงขลา", created_at=T0)]
    rule = AlertRule(
        name="water",
        kind="category_province",
        category=Category.water_supply,
        province="นนทบุรี",
        threshold=8,
    )
    keyword = AlertRule(name="salty", kind="keyword", keyword="เค็ม", threshold=10)
    alerts = AlertEvaluator([rule, keyword]).evaluate(topics=[], posts=posts)
    by_rule = {a.rule: a for a in alerts}
    assert by_rule["water"].observed == 9 and by_rule["water"].window_start == T0
    assert by_rule["salty"].observed == 10


def test_emerging_rule_fires_on_the_detector_episodes() -> None:
    rule = AlertRule(
        name="south", kind="emerging", min_score=6, province="สงขลา", recipients=["s@example.org"]
    )
    evaluator = AlertEvaluator([rule])
    found = [
        make_emergence(1, detected_at=T0, observed=4, expected=0.1),
        make_emergence(2, detected_at=T0, score=5.0),  # under min_score
        make_emergence(3, detected_at=T0, province="ตราด", score=12.0),  # another province
    ]
    [alert] = evaluator.evaluate(topics=[], posts=[], emergences=found)
    assert alert.kind == "emerging" and alert.subject == "ไฟฟ้า · สงขลา"
    assert alert.triggered_at == found[0].detected_at and alert.window_start == found[0].start
    assert (alert.observed, alert.expected, alert.score) == (4, 0.1, 9.0)
    assert alert.post_ids == ["x:1", "x:10"] and alert.province == "สงขลา"
    assert evaluator.evaluate(topics=[], posts=[], emergences=found) == [alert]  # stable id
    later = make_emergence(4, detected_at=T0 + timedelta(hours=2))  # same place, in the cooldown
    assert evaluator.evaluate(topics=[], posts=[], emergences=[found[0], later]) == [alert]


def test_a_muted_rules_alerts_are_kept_as_suppressed_until_the_mute_ends() -> None:
    muted_until = T0 + timedelta(hours=5)
    rule = AlertRule(name="spike", kind="topic_spike", min_score=5, cooldown_minutes=0,
                     muted_until=muted_until)  # fmt: skip
    topic = _topic(9.0)
    later = _topic(9.0, start_offset_h=6).spikes[0]
    topic = topic.model_copy(update={"spikes": [*topic.spikes, later]})
    alerts = AlertEvaluator([rule]).evaluate(topics=[topic], posts=[])
    assert [(a.triggered_at, a.status) for a in alerts] == [
        (T0, "suppressed"), (T0 + timedelta(hours=6), "pending")
    ]  # fmt: skip


def _follow_ups():  # type: ignore[no-untyped-def]
    """The tracking stage's follow-ups of two resolved complaints, one still reported."""
    from tests.tracking.test_follow_up import _run

    [candidate] = _run()
    quiet = candidate.model_copy(
        update={"complaint_id": "c-quiet", "reopen_candidate": False, "still_broken": []}
    )
    return candidate, quiet


def test_a_reopen_rule_alerts_once_per_undecided_candidate_in_its_agency() -> None:
    from domain.models import ReopenDecision

    candidate, quiet = _follow_ups()
    rule = AlertRule(name="reopen-pwa", kind="reopen", agency="กปภ.", recipients=["pwa@ex.org"])
    evaluator = AlertEvaluator([rule])
    [alert] = evaluator.evaluate(topics=[], posts=[], follow_ups=[candidate, quiet])
    assert (alert.kind, alert.complaint_id, alert.observed) == ("reopen", "c-1", 1)
    assert alert.post_ids == ["x:broken"] and alert.recipients == ["pwa@ex.org"]
    assert alert.window_start == candidate.resolved_at
    assert alert.triggered_at == candidate.resolved_at + timedelta(days=2)  # the first report
    assert evaluator.evaluate(topics=[], posts=[], follow_ups=[candidate]) == [alert]  # stable id
    # Another agency's desk, category or province is not told; a verdict ends the alerting.
    for other in (
        rule.model_copy(update={"agency": "การไฟฟ้าส่วนภูมิภาค"}),
        rule.model_copy(update={"agency": None, "category": Category.electricity}),
        rule.model_copy(update={"agency": None, "province": "เชียงใหม่"}),
    ):
        assert AlertEvaluator([other]).evaluate(topics=[], posts=[], follow_ups=[candidate]) == []
    decided = candidate.model_copy(
        update={
            "decision": ReopenDecision(
                complaint_id="c-1", verdict="confirmed", by="officer", at=T0 + timedelta(days=9)
            )
        }
    )
    assert evaluator.evaluate(topics=[], posts=[], follow_ups=[decided]) == []
