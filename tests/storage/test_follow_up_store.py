"""Follow-ups of resolved complaints and reopen verdicts: the same on every backend."""

from __future__ import annotations

from datetime import timedelta

from domain.models import (
    Category,
    ComplaintFollowUp,
    FollowUpPost,
    PublicWindow,
    ReopenDecision,
    SatisfactionSignal,
)
from storage.base import FollowUpQuery, Store
from tests.conftest import T0
from tests.storage.test_store_contract import store  # noqa: F401  (the two-backend fixture)


def _follow_up(
    complaint_id: str,
    *,
    days: int,
    broken: int = 0,
    agency: str = "กปภ.สาขาสันทราย",
    province: str = "เชียงใหม่",
    category: Category = Category.water_supply,
    label: str = "mixed",
) -> ComplaintFollowUp:
    window = PublicWindow(start=T0, end=T0, posts=0, negative=0, per_day=0.0, negative_share=None)
    posts = [
        FollowUpPost(post_id=f"x:{complaint_id}-{i}", stance="still_broken", score=0.7,
                     days_after=2.0, cues=["still"])
        for i in range(broken)
    ]  # fmt: skip
    return ComplaintFollowUp(
        complaint_id=complaint_id,
        agency=agency,
        province=province,
        district=None,
        category=category,
        resolved_at=T0 + timedelta(days=days),
        satisfaction=SatisfactionSignal(
            before=window,
            after=window,
            fixed_posts=0,
            still_broken_posts=broken,
            score=-0.5 if broken else 0.1,
            label=label,  # type: ignore[arg-type]
        ),
        reopen_candidate=broken > 0,
        still_broken=posts,
        computed_at=T0 + timedelta(days=40),
    )


def test_follow_ups_replace_filter_and_page_candidates_first(store: Store) -> None:  # noqa: F811
    one = _follow_up("c1", days=1)
    two = _follow_up("c2", days=2, broken=1, label="dissatisfied")
    three = _follow_up("c3", days=3, broken=2, province="ลำพูน", agency="อบต.ริมปิง",
                       category=Category.road_traffic, label="dissatisfied")  # fmt: skip
    four = _follow_up("c4", days=4)
    store.replace_follow_ups([one, two, three, four])
    total, page = store.search_follow_ups(FollowUpQuery())
    assert total == 4
    assert [f.complaint_id for f in page] == ["c3", "c2", "c4", "c1"]  # candidates, newest
    assert store.get_follow_up("c3") == three
    assert store.get_follow_up("nope") is None
    total, page = store.search_follow_ups(FollowUpQuery(reopen_only=True), limit=1, offset=1)
    assert (total, [f.complaint_id for f in page]) == (2, ["c2"])
    for query, expected in (
        (FollowUpQuery(province="ลำพูน"), ["c3"]),
        (FollowUpQuery(agency="กปภ.สาขาสันทราย"), ["c2", "c4", "c1"]),
        (FollowUpQuery(category="road_traffic"), ["c3"]),
        (FollowUpQuery(label="mixed"), ["c4", "c1"]),
        (FollowUpQuery(start=T0 + timedelta(days=2), end=T0 + timedelta(days=4)), ["c3", "c2"]),
    ):
        assert [f.complaint_id for f in store.search_follow_ups(query)[1]] == expected, query
    everything = list(store.iter_follow_ups(FollowUpQuery(), batch_size=3))  # pages of 3
    assert [f.complaint_id for f in everything] == ["c1", "c2", "c3", "c4"]
    water = store.iter_follow_ups(FollowUpQuery(category="water_supply"), batch_size=1)
    assert [f.complaint_id for f in water] == ["c1", "c2", "c4"]
    decided = two.model_copy(update={"reopen_candidate": False})
    store.upsert_follow_ups([decided])  # one follow-up replaced, the others kept
    assert store.get_follow_up("c2") == decided
    assert store.search_follow_ups(FollowUpQuery(reopen_only=True))[0] == 1
    assert store.search_follow_ups(FollowUpQuery())[0] == 4
    store.replace_follow_ups([four])  # a new run replaces every follow-up
    assert store.search_follow_ups(FollowUpQuery())[0] == 1
    assert store.get_follow_up("c3") is None


def test_reopen_decisions_are_kept_once_oldest_first(store: Store) -> None:  # noqa: F811
    first = ReopenDecision(complaint_id="c1", verdict="dismissed", by="officer-a", at=T0)
    later = ReopenDecision(
        complaint_id="c1", verdict="confirmed", by="officer-b", at=T0 + timedelta(hours=1),
        note="ชาวบ้านยืนยันว่ายังไม่ไหล",
    )  # fmt: skip
    other = ReopenDecision(complaint_id="c2", verdict="confirmed", by="officer-a", at=T0)
    assert store.add_reopen_decision(later) is True
    assert store.add_reopen_decision(first) is True
    assert store.add_reopen_decision(first) is False  # the same decision twice is one
    assert store.add_reopen_decision(other) is True
    assert store.reopen_decisions(complaint_id="c1") == [first, later]
    assert len(store.reopen_decisions()) == 3


def test_survey_answers_are_kept_one_per_complaint_and_a_reimport_changes_nothing(
    store: Store,  # noqa: F811
) -> None:
    from domain.models import SurveyResponse

    def answer(complaint_id: str, score: int, *, day: int = 0) -> SurveyResponse:
        return SurveyResponse(
            complaint_id=complaint_id, score=score, comment="ช่างมาเร็ว ขอบคุณค่ะ",
            answered_at=T0 + timedelta(days=3), source="survey.csv",
            imported_at=T0 + timedelta(days=10 + day),
        )  # fmt: skip

    first = store.upsert_survey_responses([answer("c1", 4), answer("c2", 2)])
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    # The same file later: only its import time differs, so nothing changes.
    again = store.upsert_survey_responses([answer("c1", 4, day=1), answer("c2", 2, day=1)])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = store.upsert_survey_responses([answer("c2", 5, day=2), answer("c3", 1)])
    assert (changed.created, changed.updated, changed.unchanged) == (1, 1, 0)
    assert [(a.complaint_id, a.score) for a in store.iter_survey_responses(batch_size=2)] == [
        ("c1", 4), ("c2", 5), ("c3", 1),
    ]  # fmt: skip
    [c2] = store.get_survey_responses(["c2", "missing"])
    assert c2.score == 5 and c2.imported_at == T0 + timedelta(days=12)
    assert c2.answered_at == T0 + timedelta(days=3) and c2.comment == "ช่างมาเร็ว ขอบคุณค่ะ"
