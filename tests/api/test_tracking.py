"""After the fix over HTTP: reopen candidates, a complaint's follow-up, officers' verdicts
and the satisfaction signal by agency, province and category, on both stores."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from api.access import issue_key
from domain.models import ComplaintStatusChange, PostComplaintLink
from storage.base import Store
from tests.api.conftest import Serve
from tests.conftest import T0, make_post
from tests.linking.test_linker import _complaint
from tests.storage.test_follow_up_store import _follow_up


def _seed(store: Store) -> dict[str, str]:
    resolved = [ComplaintStatusChange(at=T0 + timedelta(days=2), status="resolved")]
    store.upsert_complaints(
        [
            _complaint(complaint_id=cid, status="resolved", history=resolved)
            for cid in ("c1", "c2", "c3")
        ]
        + [_complaint(complaint_id="c-open")]
    )
    store.replace_follow_ups(
        [
            _follow_up("c1", days=1, label="satisfied"),
            _follow_up("c2", days=2, broken=2, label="dissatisfied"),
            _follow_up("c3", days=3, broken=1, province="นครราชสีมา", agency="กฟภ.",
                       label="dissatisfied"),
        ]
    )  # fmt: skip
    return {"X-API-Key": issue_key(store, role="officer", name="officer-1")}


def test_reopen_candidates_page_filter_and_need_an_officer(any_store: Store, serve: Serve) -> None:
    officer = _seed(any_store)
    with serve(any_store) as client:
        assert client.get("/v1/complaints/reopen-candidates").status_code == 403  # viewer
        page = client.get("/v1/complaints/reopen-candidates", headers=officer).json()
        assert page["total"] == 2
        assert [f["complaint_id"] for f in page["follow_ups"]] == ["c2", "c3"]
        assert len(page["follow_ups"][0]["still_broken"]) == 2
        korat = client.get(
            "/v1/complaints/reopen-candidates", params={"province": "โคราช"}, headers=officer
        ).json()
        assert [f["complaint_id"] for f in korat["follow_ups"]] == ["c3"]
        one = client.get("/v1/complaints/c1/follow-up", headers=officer)
        assert one.status_code == 200 and one.json()["satisfaction"]["label"] == "satisfied"
        assert client.get("/v1/complaints/c-open/follow-up", headers=officer).status_code == 404


def test_a_verdict_shows_at_once_and_is_kept(any_store: Store, serve: Serve) -> None:
    officer = _seed(any_store)
    with serve(any_store) as client:
        answer = client.post(
            "/v1/complaints/c2/reopen-decision",
            json={"verdict": "dismissed", "note": "โพสต์เป็นคนละหมู่บ้าน"},
            headers=officer,
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["recorded"] and body["decision"]["by"] == "officer-1"
        assert body["follow_up"]["reopen_candidate"] is False
        if hasattr(any_store, "client"):
            any_store.client.indices.refresh(index=f"{any_store.prefix}-*")  # type: ignore[attr-defined]
        page = client.get("/v1/complaints/reopen-candidates", headers=officer).json()
        assert [f["complaint_id"] for f in page["follow_ups"]] == ["c3"]
        assert [d.verdict for d in any_store.reopen_decisions(complaint_id="c2")] == ["dismissed"]
        missing = client.post(
            "/v1/complaints/c-open/reopen-decision", json={"verdict": "confirmed"}, headers=officer
        )
        assert missing.status_code == 404


def test_satisfaction_groups_by_agency_province_and_category(
    any_store: Store, serve: Serve
) -> None:
    _seed(any_store)
    analyst = {"X-API-Key": issue_key(any_store, role="analyst", name="analyst-1")}
    with serve(any_store) as client:
        by_agency = client.get("/v1/satisfaction", headers=analyst).json()
        assert by_agency["group"] == "agency"
        groups = {g["key"]: g for g in by_agency["groups"]}
        assert groups["กปภ.สาขาสันทราย"]["resolved"] == 2
        assert groups["กปภ.สาขาสันทราย"]["reopen_candidates"] == 1
        assert groups["กปภ.สาขาสันทราย"]["satisfied"] == 1
        assert groups["กฟภ."]["dissatisfied"] == 1
        by_province = client.get(
            "/v1/satisfaction", params={"group": "province"}, headers=analyst
        ).json()
        assert {g["key"]: g["resolved"] for g in by_province["groups"]} == {
            "เชียงใหม่": 2, "นครราชสีมา": 1
        }  # fmt: skip
        by_category = client.get(
            "/v1/satisfaction", params={"group": "category"}, headers=analyst
        ).json()
        assert [(g["key"], g["resolved"]) for g in by_category["groups"]] == [("water_supply", 3)]
        by_series = client.get(
            "/v1/satisfaction", params={"group": "series"}, headers=analyst
        ).json()
        assert {g["key"]: g["reopen_candidates"] for g in by_series["groups"]} == {
            "water_supply · เชียงใหม่": 1, "water_supply · นครราชสีมา": 1
        }  # fmt: skip
        assert client.get("/v1/satisfaction").status_code == 403  # viewer


def test_a_complaints_timeline_in_bangkok_days_with_buddhist_years(
    any_store: Store, serve: Serve
) -> None:
    officer = _seed(any_store)
    history = [
        ComplaintStatusChange(at=T0, status="received", agency="ศูนย์บริการประชาชน"),
        ComplaintStatusChange(at=T0 + timedelta(days=1), status="in_progress", agency="กปภ."),
        ComplaintStatusChange(
            at=T0 + timedelta(days=2), status="resolved", agency="กปภ.", note="ซ่อมท่อแล้ว"
        ),
    ]
    any_store.upsert_complaints(
        [_complaint(complaint_id="c9", status="resolved", history=history, agency="กปภ.")]
    )
    posts = [
        make_post("before", created_at=T0 - timedelta(days=3), province="นนทบุรี"),
        make_post("during", created_at=T0 + timedelta(days=1), province="นนทบุรี"),
        make_post("after", created_at=T0 + timedelta(days=5), province="นนทบุรี",
                  sentiment="positive"),
        make_post("elsewhere", created_at=T0 + timedelta(days=5), province="สงขลา"),
    ]  # fmt: skip
    any_store.upsert_posts(posts)
    any_store.save_enrichment(posts, np.eye(4, 4, dtype=np.float32))
    any_store.replace_links(
        [PostComplaintLink(post_id="x:during", complaint_id="c9", score=0.8, explanation="-")]
    )
    with serve(any_store) as client:
        answer = client.get("/v1/complaints/c9/timeline", headers=officer)
        assert answer.status_code == 200, answer.text
        body = answer.json()
    kinds = [(e["kind"], e["status"]) for e in body["events"]]
    assert kinds == [
        ("filed", None), ("status", "received"), ("status", "in_progress"),
        ("post", None), ("status", "resolved"),
    ]  # fmt: skip
    assert body["events"][0]["at_th"] == "1 พ.ย. 2569 09:00 น."
    assert body["events"][3]["post"]["id"] == "x:during"
    days = {d["day_th"]: d for d in body["public"]}
    assert len(body["public"]) == 14 + 2 + 30 + 1  # before, handling, after, the partial day
    assert body["public"][0]["day"].startswith("2026-10-18T00:00:00+07:00")
    assert (days["29 ต.ค. 2569"]["posts"], days["29 ต.ค. 2569"]["phase"]) == (1, "before")
    assert (days["2 พ.ย. 2569"]["posts"], days["2 พ.ย. 2569"]["phase"]) == (1, "handling")
    assert days["6 พ.ย. 2569"] == {
        "day": "2026-11-06T00:00:00+07:00", "day_th": "6 พ.ย. 2569", "posts": 1,
        "negative": 0, "phase": "after",
    }  # fmt: skip
    assert days["2 พ.ย. 2569"]["negative"] == 1


def test_agency_scorecards_rank_enough_cases_mark_the_rest_and_export_csv(
    any_store: Store, serve: Serve
) -> None:
    def case(cid: str, agency: str, province: str, acted_h: float, fixed_h: float | None):  # type: ignore[no-untyped-def]
        steps = [
            ComplaintStatusChange(at=T0, status="received"),
            ComplaintStatusChange(at=T0 + timedelta(hours=acted_h), status="in_progress",
                                  agency=agency),
        ]  # fmt: skip
        if fixed_h is not None:
            steps.append(ComplaintStatusChange(at=T0 + timedelta(hours=fixed_h),
                                               status="resolved", agency=agency))  # fmt: skip
        return _complaint(complaint_id=cid, province=province, agency=agency, history=steps,
                          status="resolved" if fixed_h is not None else "in_progress")  # fmt: skip

    water = [case(f"w{i}", "กปภ.สาขาสันทราย", "เชียงใหม่", 2 + i, 24 * (i + 1))
             for i in range(5)]  # fmt: skip
    power = [case("p1", "กฟภ.", "นครราชสีมา", 1, 10), case("p2", "กฟภ.", "นครราชสีมา", 5, None)]
    any_store.upsert_complaints(water + power)
    any_store.replace_follow_ups(
        [_follow_up(f"w{i}", days=i, broken=1 if i < 2 else 0) for i in range(5)]
        + [_follow_up("p1", days=1, agency="กฟภ.", province="นครราชสีมา")]
    )
    analyst = {"X-API-Key": issue_key(any_store, role="analyst", name="analyst-1")}
    with serve(any_store) as client:
        page = client.get("/v1/agencies/scorecards", headers=analyst).json()
        csv_answer = client.get(
            "/v1/agencies/scorecards", params={"format": "csv"}, headers=analyst
        )
        korat = client.get(
            "/v1/agencies/scorecards", params={"province": "โคราช"}, headers=analyst
        ).json()
    cards = {c["agency"]: c for c in page["scorecards"]}
    water_card, power_card = cards["กปภ.สาขาสันทราย"], cards["กฟภ."]
    assert (water_card["received"], water_card["resolved"], water_card["followed"]) == (5, 5, 5)
    assert water_card["median_hours_to_first_action"] == 4.0  # 2, 3, 4, 5, 6 hours
    assert water_card["median_hours_to_resolution"] == 72.0
    assert water_card["renewed_share"] == 0.4 and water_card["ranked"] and water_card["rank"] == 1
    assert (power_card["received"], power_card["resolved"]) == (2, 1)
    assert not power_card["ranked"] and power_card["rank"] is None
    assert page["min_cases"] == 5
    assert csv_answer.headers["content-type"].startswith("text/csv")
    lines = csv_answer.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("agency,province,received,resolved")
    assert any(line.startswith("กฟภ.,นครราชสีมา,2,1,") for line in lines)
    assert [c["agency"] for c in korat["scorecards"]] == ["กฟภ."]


def test_a_bare_number_is_no_date_in_any_notation(any_store: Store, serve: Serve) -> None:
    """pydantic reads a number as a Unix time; the document says ISO-8601 (found by the fuzz:
    ``start=1.2295600168325555e-125`` answered 200)."""
    headers = {"X-API-Key": issue_key(any_store, role="admin", name="admin-1")}
    with serve(any_store) as client:
        for route in ("/v1/agencies/scorecards", "/v1/satisfaction", "/v1/complaints"):
            for number in ("0.5", "1.2295600168325555e-125", "-3E4", "inf", "nan", "1700000000"):
                answer = client.get(route, params={"start": number}, headers=headers)
                assert answer.status_code == 422, (route, number, answer.text)
            good = client.get(route, params={"start": "2026-11-01T00:00+07:00"}, headers=headers)
            assert good.status_code == 200, (route, good.text)


def test_survey_results_import_once_and_sit_beside_the_public_signal(
    any_store: Store, serve: Serve
) -> None:
    officer = _seed(any_store)  # public scores: c1 0.1, c2 -0.5, c3 -0.5
    analyst = {"X-API-Key": issue_key(any_store, role="analyst", name="analyst-1")}
    survey = (
        "เลขที่เรื่อง,คะแนน,ความคิดเห็น\n"
        "c1,5,ช่างมาเร็ว โทร 081-234-5678\n"
        "c2,2,\n"
        "c3,๑,แจ้งว่าแก้แล้วแต่ยังเหมือนเดิม\n"
        "c4,7,out of range\n"
    ).encode()
    with serve(any_store) as client:
        url = "/v1/surveys"
        assert client.post(url, content=survey, headers=analyst).status_code == 403
        first = client.post(url, content=survey, headers={**officer, "Content-Type": "text/csv"})
        again = client.post(url, content=survey, headers=officer).json()
        wrong = client.post(url, content=b"id,rating\nc1,4\n", headers=officer)
        all_bad = client.post(url, content=b"complaint_id,score\nc9,0\n", headers=officer)
        follow_up = client.get("/v1/complaints/c1/follow-up", headers=officer).json()
        agreement = client.get("/v1/satisfaction/agreement", headers=analyst).json()
        korat = client.get(
            "/v1/satisfaction/agreement", params={"province": "โคราช"}, headers=analyst
        ).json()
        groups = client.get("/v1/satisfaction", headers=analyst).json()["groups"]
        cards = client.get("/v1/agencies/scorecards", headers=analyst).json()["scorecards"]
    assert first.status_code == 200
    assert first.json() == {
        "read": 4, "created": 3, "updated": 0, "unchanged": 0, "quarantined": 1,
        "reasons": ['line 5: score must be a whole number from 1 to 5, not "7"'],
        "unknown_complaints": 0,
    }  # fmt: skip
    assert (again["created"], again["unchanged"]) == (0, 3)
    assert wrong.status_code == 422 and "complaint_id and score" in wrong.json()["detail"]
    assert all_bad.status_code == 422 and "no survey answer" in all_bad.json()["detail"]
    assert follow_up["survey"]["score"] == 5
    assert "081" not in follow_up["survey"]["comment"]
    assert agreement["pairs"] == 3 and agreement["surveys"] == 3
    expected = np.corrcoef([5, 2, 1], [0.1, -0.5, -0.5])[0, 1]
    assert abs(agreement["pearson"] - expected) < 1e-4
    assert korat["pairs"] == 1 and korat["pearson"] is None  # one pair says nothing
    by_agency = {g["key"]: g for g in groups}
    assert by_agency["กปภ.สาขาสันทราย"]["survey_mean"] == 3.5
    assert by_agency["กปภ.สาขาสันทราย"]["survey_responses"] == 2
    assert sum(c["survey_responses"] for c in cards) == 3
