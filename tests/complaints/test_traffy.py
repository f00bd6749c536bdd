"""Traffy Fondue: mapping issues to complaints, the JWT client against a local Exchange API,
and webhooks."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import pytest
from pydantic import SecretStr

from complaints.traffy import TraffyApiError, TraffyClient, fetch_complaints
from complaints.traffy_records import (
    THAI_TIME,
    TraffyRecordError,
    complaint_from_issue,
    parse_webhook,
    thai_time,
    verify_webhook,
)
from crawlers.collectors.client import (
    CollectorAuthError,
    CollectorError,
    CollectorRateLimited,
    CollectorUnavailable,
)
from domain.models import Category, ComplaintStatusChange
from domain.settings import CollectSettings, CredentialSettings, TraffySettings
from tests.complaints.traffy_server import (
    MSG_BAD_LOGIN,
    MSG_EXPIRED,
    MSG_INVALID_TOKEN,
    MSG_QUOTA,
    PASSWORD,
    USER,
    Reply,
    TraffyServer,
    load,
)

T = TypeVar("T")

# The shape of config/siang.yaml's complaints.traffy block (a copy, so config edits
# do not move these tests).
SETTINGS = TraffySettings(
    org_id="3021,3122",
    categories={
        "ถนน": Category.road_traffic,
        "น้ำท่วม": Category.flood_water,
        "ไฟฟ้า": Category.electricity,
        "ขยะ": Category.waste_environment,
    },
    statuses={
        "รอรับเรื่อง": "received",
        "waiting": "received",
        "กำลังดำเนินการ": "in_progress",
        "inprogress": "in_progress",
        "ส่งต่อ": "forwarded",
        "forward": "forwarded",
        "เสร็จสิ้น": "resolved",
        "finish": "resolved",
        "ไม่เกี่ยวข้อง": "closed",
    },
    default_category=Category.road_traffic,
)
ISSUES = load("issues.json")
DETAILS = load("details.json")
WEBHOOKS = load("webhooks.json")


def bkk(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, us, tzinfo=THAI_TIME)


def issue(ticket: str) -> dict[str, Any]:
    return copy.deepcopy(next(i for i in ISSUES if i["ticket_id"] == ticket))


def steps(history: list[ComplaintStatusChange]) -> list[tuple[datetime, str, str | None]]:
    return [(c.at, c.status, c.source_status) for c in history]


# ---------------------------------------------------------------------------- mapping


def test_list_record_becomes_a_complaint() -> None:
    complaint = complaint_from_issue(issue("2026-HKW4TQ"), SETTINGS)

    assert complaint.complaint_id == "traffy:2026-HKW4TQ"
    assert (complaint.source, complaint.channel) == ("traffy", "traffy")
    assert complaint.filed_at == bkk(2026, 9, 14, 8, 12, 5, 120034)
    assert complaint.filed_at.astimezone(UTC) == datetime(2026, 9, 14, 1, 12, 5, 120034, UTC)
    assert complaint.category is Category.road_traffic
    assert complaint.agency == "สำนักงานเขตห้วยขวาง"
    assert (complaint.province, complaint.district, complaint.subdistrict) == (
        "กรุงเทพมหานคร",
        "ห้วยขวาง",
        "ห้วยขวาง",
    )
    assert (complaint.lat, complaint.lon) == (13.776612, 100.579034)
    assert complaint.subject == (
        "ถนน: ถนนประชาราษฎร์บำเพ็ญ ซอย 20 เป็นหลุมลึกหลายจุด รถจักรยานยนต์ล้มไปแล้วสองคันเมื่อคืนนี้ "
        "ฝนตกน้ำขังจนมองไม่เห็นหลุม…"
    )
    assert len(complaint.subject) == 119  # the next word would pass 120
    assert complaint.description == issue("2026-HKW4TQ")["description"]
    assert complaint.status == "in_progress"
    assert steps(complaint.history) == [
        (bkk(2026, 9, 14, 8, 12, 5, 120034), "received", None),
        (bkk(2026, 9, 14, 10, 40), "in_progress", "กำลังดำเนินการ"),
    ]
    assert complaint.updated_at == bkk(2026, 9, 15, 9, 3, 44, 551200)


def test_finished_record_has_three_steps_and_its_category() -> None:
    complaint = complaint_from_issue(issue("2026-JTC7RM"), SETTINGS)

    assert complaint.category is Category.flood_water
    assert complaint.status == "resolved"
    assert steps(complaint.history) == [
        (bkk(2026, 9, 13, 17, 45, 10, 4512), "received", None),
        (bkk(2026, 9, 13, 18, 30, 2), "in_progress", None),
        (bkk(2026, 9, 14, 6, 15, 47, 882100), "resolved", "เสร็จสิ้น"),
    ]
    assert complaint.history[-1].agency == "สำนักการระบายน้ำ"


def test_empty_strings_and_zero_coordinates_become_none() -> None:
    complaint = complaint_from_issue(issue("2026-DDG3NV"), SETTINGS)

    assert complaint.subdistrict is None
    assert complaint.district == "ดินแดง"
    assert (complaint.lat, complaint.lon) == (None, None)
    assert complaint.category is Category.electricity
    assert complaint.subject == "ไฟฟ้า: ไฟฟ้าส่องสว่างในซอยมิตรไมตรีดับทั้งซอยมาสามคืนแล้ว"
    # ส่งต่อ(ใหม่) is mapped through its bare word ส่งต่อ when the map lacks it.
    assert complaint.status == "forwarded"
    assert steps(complaint.history)[-1] == (bkk(2026, 9, 15, 21, 30), "forwarded", "ส่งต่อ(ใหม่)")


def test_unknown_type_and_status_fall_back_and_keep_the_raw_status() -> None:
    complaint = complaint_from_issue(issue("2026-CTK5WB"), SETTINGS)

    assert complaint.category is Category.road_traffic  # default_category
    assert complaint.status == "received"
    assert steps(complaint.history) == [(bkk(2026, 9, 12, 11, 20), "received", "จัดทำนโยบาย")]


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(0, 100.5), (13.7, 0), (95.0, 100.5), (13.7, 200.0), ("", ""), (None, None), ("x", 1)],
)
def test_unusable_coordinates_become_none(lat: Any, lon: Any) -> None:
    record = issue("2026-HKW4TQ") | {"latitude": lat, "longitude": lon}
    complaint = complaint_from_issue(record, SETTINGS)
    assert (complaint.lat, complaint.lon) == (None, None)


def test_timeline_becomes_history_oldest_first() -> None:
    detail = DETAILS["2026-HKW4TQ"]
    complaint = complaint_from_issue(detail, SETTINGS, timeline=detail["timeline"])

    assert complaint.status == "in_progress"  # from status_type
    assert [(c.at, c.status, c.source_status, c.agency, c.note) for c in complaint.history] == [
        (
            bkk(2026, 9, 14, 8, 12, 5, 120034),
            "received",
            "รอรับเรื่อง",
            None,
            "ถนนประชาราษฎร์บำเพ็ญ ซอย 20 เป็นหลุมลึกหลายจุด",
        ),
        (
            bkk(2026, 9, 14, 9, 5, 12, 330000),
            "forwarded",
            "ส่งต่อ",
            "Traffy Fondue กรุงเทพมหานคร",
            "ส่งต่อให้สำนักงานเขตห้วยขวาง",
        ),
        (
            bkk(2026, 9, 14, 10, 40),
            "in_progress",
            "กำลังดำเนินการ",
            "สำนักงานเขตห้วยขวาง",
            "ฝ่ายโยธารับเรื่องแล้ว นัดซ่อมผิวจราจรภายในสัปดาห์นี้",
        ),
    ]


def test_a_custom_status_step_takes_the_status_type() -> None:
    detail = DETAILS["2026-CTK5WB"]
    merged = issue("2026-CTK5WB") | detail
    complaint = complaint_from_issue(merged, SETTINGS, timeline=detail["timeline"])

    assert complaint.status == "in_progress"
    assert steps(complaint.history) == [
        (bkk(2026, 9, 12, 11, 20), "received", "รอรับเรื่อง"),
        (bkk(2026, 9, 14, 15, 2, 11), "in_progress", "จัดทำนโยบาย"),
    ]


def test_history_ends_in_the_current_status_when_the_timeline_lags() -> None:
    detail = DETAILS["2026-HKW4TQ"]
    record = issue("2026-HKW4TQ") | {"status": "เสร็จสิ้น", "last_activity": "2026-09-16 13:05:09"}
    complaint = complaint_from_issue(record, SETTINGS, timeline=detail["timeline"])

    assert complaint.status == "resolved"
    assert steps(complaint.history)[-2:] == [
        (bkk(2026, 9, 14, 10, 40), "in_progress", "กำลังดำเนินการ"),
        (bkk(2026, 9, 16, 13, 5, 9), "resolved", "เสร็จสิ้น"),
    ]


def test_thai_times_buddhist_era_and_explicit_offsets() -> None:
    assert thai_time("2026-08-20 22:25:37.433959", name="t") == bkk(2026, 8, 20, 22, 25, 37, 433959)
    assert thai_time("2567-02-29 10:00:00", name="t") == bkk(2024, 2, 29, 10)  # พ.ศ. 2567
    assert thai_time("2026-08-20T15:25:37+00:00", name="t") == bkk(2026, 8, 20, 22, 25, 37)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"ticket_id": None}, "ticket_id is missing"),
        ({"ticket_id": "  "}, "ticket_id is missing"),
        ({"timestamp": None}, "timestamp is missing"),
        ({"timestamp": "เมื่อวานนี้"}, "timestamp is not a date: 'เมื่อวานนี้'"),
        ({"timestamp": "2026-02-30 10:00:00"}, "timestamp is not a date: '2026-02-30 10:00:00'"),
    ],
)
def test_unusable_records_raise_a_value_error_naming_the_field(
    change: dict[str, Any], reason: str
) -> None:
    with pytest.raises(ValueError) as caught:
        complaint_from_issue(issue("2026-HKW4TQ") | change, SETTINGS)
    assert str(caught.value) == reason
    assert isinstance(caught.value, TraffyRecordError)
    assert caught.value.field == reason.split()[0]


def test_subject_without_spaces_is_cut_hard() -> None:
    record = issue("2026-DDG3NV") | {"description": "ไฟดับ" * 60}
    subject = complaint_from_issue(record, SETTINGS).subject
    assert len(subject) == 120
    assert subject.startswith("ไฟฟ้า: ไฟดับไฟดับ")
    assert subject.endswith("…")


# ---------------------------------------------------------------------------- webhooks


def test_new_issue_webhook_gives_a_complaint() -> None:
    hook = parse_webhook(WEBHOOKS["new_issue"], SETTINGS, method="POST")

    assert hook.kind == "new_issue"
    assert hook.complaint_id == "traffy:2026-PYT6KD"
    assert hook.change is None
    complaint = hook.complaint
    assert complaint is not None
    assert complaint.complaint_id == "traffy:2026-PYT6KD"
    assert complaint.filed_at == bkk(2026, 9, 16, 7, 41, 18, 250000)
    assert complaint.category is Category.road_traffic
    assert complaint.agency == "Traffy Fondue กรุงเทพมหานคร, สำนักงานเขตจตุจักร"
    # The webhook has only an address: the places are read from it.
    assert (complaint.province, complaint.district, complaint.subdistrict) == (
        "กรุงเทพมหานคร",
        "จตุจักร",
        "จอมพล",
    )
    assert (complaint.lat, complaint.lon) == (13.818245, 100.565102)
    assert complaint.status == "received"
    assert steps(complaint.history) == [(bkk(2026, 9, 16, 7, 41, 18, 250000), "received", None)]
    # Told apart by its fields when the method is not given.
    assert parse_webhook(WEBHOOKS["new_issue"], SETTINGS).complaint == complaint


def test_status_update_webhook_gives_a_change() -> None:
    hook = parse_webhook(WEBHOOKS["status_update"], SETTINGS, method="PATCH")

    assert hook.kind == "status_update"
    assert hook.complaint is None
    assert hook.change == (
        "traffy:2026-HKW4TQ",
        ComplaintStatusChange(
            at=bkk(2026, 9, 16, 13, 5, 9),
            status="resolved",
            source_status="เสร็จสิ้น",
            agency="สำนักงานเขตห้วยขวาง",
            note="ซ่อมผิวจราจรและเปลี่ยนหลอดไฟส่องทางเรียบร้อยแล้วครับ",
        ),
    )
    assert parse_webhook(WEBHOOKS["status_update"], SETTINGS) == hook


def test_comment_webhook_changes_nothing() -> None:
    hook = parse_webhook(WEBHOOKS["comment"], SETTINGS, method="POST")

    assert (hook.kind, hook.complaint_id, hook.event) == ("comment", "traffy:2026-JTC7RM", "rating")
    assert hook.text == "ขอบคุณที่มาระบายน้ำให้เร็วมากครับ"
    assert hook.complaint is None and hook.change is None


@pytest.mark.parametrize(
    ("payload", "method", "reason"),
    [
        (["not", "an", "object"], "POST", "webhook body is not a JSON object"),
        ({"status": "เสร็จสิ้น"}, "PATCH", "ticket_id is missing"),
        ({"ticket_id": "2026-HKW4TQ", "note": "x"}, "PATCH", "status is missing"),
        (
            {"ticket_id": "2026-HKW4TQ", "status": "เสร็จสิ้น"},
            "PATCH",
            "timestamp is missing",
        ),
        ({"ticket_id": "2026-PYT6KD", "type": "ถนน"}, "POST", "timestamp is missing"),
        ({"ticket_id": "2026-JTC7RM", "event": "like"}, "POST", "event 'like' is not documented"),
        ({"ticket_id": "2026-JTC7RM"}, "DELETE", "HTTP DELETE is not a Traffy webhook method"),
    ],
)
def test_malformed_webhooks_raise_value_error(payload: Any, method: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_webhook(payload, SETTINGS, method=method)
    assert str(caught.value) == reason


def test_verify_webhook_accepts_only_the_shared_secret() -> None:
    secret = "ความลับ-webhook-2026"
    body = b"{}"
    assert verify_webhook({"X-Webhook-Secret": secret}, body, secret)
    assert verify_webhook({"x-webhook-secret": secret}, body, secret)
    assert verify_webhook({"Authorization": f"Bearer {secret}"}, body, secret)
    assert not verify_webhook({"X-Webhook-Secret": secret + "x"}, body, secret)
    assert not verify_webhook({"Authorization": f"Basic {secret}"}, body, secret)
    assert not verify_webhook({}, body, secret)
    assert not verify_webhook({"X-Webhook-Secret": ""}, body, "")
    assert not verify_webhook({"X-Webhook-Secret": secret}, body, None)


# ---------------------------------------------------------------------------- client


class FakeSleep:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class Clock:
    """Real time plus an offset the test moves."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@pytest.fixture
def traffy_server() -> Iterator[TraffyServer]:
    server = TraffyServer()
    server.start()
    yield server
    server.stop()


def client_for(
    server: TraffyServer,
    *,
    sleep: FakeSleep | None = None,
    clock: Clock | None = None,
    user: str | None = USER,
    password: str | None = PASSWORD,
    max_retries: int = 3,
    settings: TraffySettings = SETTINGS,
) -> TraffyClient:
    return TraffyClient(
        settings,
        CredentialSettings(
            traffy_user=user, traffy_pass=SecretStr(password) if password is not None else None
        ),
        CollectSettings(timeout_s=2.0, max_retries=max_retries, backoff_base_s=1.0),
        base_url=server.url,
        sleep=sleep or FakeSleep(),
        random=lambda: 0.5,
        clock=clock or time.time,
    )


def run(client: TraffyClient, work: Callable[[TraffyClient], Awaitable[T]]) -> T:
    async def _main() -> T:
        async with client:
            return await work(client)

    return asyncio.run(_main())


def raised(client: TraffyClient, work: Callable[[TraffyClient], Awaitable[Any]]) -> Exception:
    with pytest.raises(CollectorError) as caught:
        run(client, work)
    return caught.value


@pytest.mark.integration
def test_fetch_complaints_end_to_end(traffy_server: TraffyServer) -> None:
    client = client_for(traffy_server)

    complaints, rejected = run(client, lambda c: fetch_complaints(c, SETTINGS))

    assert [c.complaint_id for c in complaints] == [
        "traffy:2026-HKW4TQ",
        "traffy:2026-JTC7RM",
        "traffy:2026-DDG3NV",
        "traffy:2026-CTK5WB",
    ]
    assert rejected == [(issue("2026-LPR8QZ"), "timestamp is missing")]
    auth = traffy_server.hits("/get-auth/v1")
    assert len(auth) == 1
    assert auth[0].method == "POST"
    assert json.loads(auth[0].body) == {"user": USER, "pass": PASSWORD}
    listing = traffy_server.hits("/get-issues/v2")
    assert [(r.query, r.status) for r in listing] == [
        ({"duration": "today", "org_id": "3021,3122"}, 200)
    ]
    details = traffy_server.hits("/get-issue/v1")
    assert [r.query["ticket_id"] for r in details] == [
        "2026-HKW4TQ",
        "2026-JTC7RM",
        "2026-DDG3NV",
        "2026-CTK5WB",
    ]
    token = listing[0].headers["authorization"]
    assert token.startswith("Bearer ey") and token.count(".") == 2
    assert all(r.headers["authorization"] == token for r in listing + details)
    assert client.credit_balance == 1000 - 5
    by_id = {c.complaint_id: c for c in complaints}
    assert [c.status for c in complaints] == ["in_progress", "resolved", "forwarded", "in_progress"]
    assert [s[1:] for s in steps(by_id["traffy:2026-HKW4TQ"].history)] == [
        ("received", "รอรับเรื่อง"),
        ("forwarded", "ส่งต่อ"),
        ("in_progress", "กำลังดำเนินการ"),
    ]
    assert by_id["traffy:2026-JTC7RM"].history[-1].note == "ระบายน้ำเรียบร้อย ล้างท่อระบายน้ำหน้าตลาดแล้ว"
    assert by_id["traffy:2026-DDG3NV"].history[-1].agency == "Traffy Fondue กรุงเทพมหานคร"


@pytest.mark.integration
def test_a_failing_get_issue_keeps_the_list_record(traffy_server: TraffyServer) -> None:
    sleep = FakeSleep()
    traffy_server.fault("/get-issue/v1", Reply({}, 500), Reply({}, 500), ticket_id="2026-JTC7RM")
    client = client_for(traffy_server, sleep=sleep, max_retries=1)

    complaints, rejected = run(client, lambda c: fetch_complaints(c, SETTINGS))

    assert len(complaints) == 4 and len(rejected) == 1
    flood = next(c for c in complaints if c.complaint_id == "traffy:2026-JTC7RM")
    # From the list record's stamps, not the timeline: no notes, synthesised steps.
    assert [s[1] for s in steps(flood.history)] == ["received", "in_progress", "resolved"]
    assert all(c.note is None for c in flood.history)
    road = next(c for c in complaints if c.complaint_id == "traffy:2026-HKW4TQ")
    assert len(road.history) == 3 and road.history[1].source_status == "ส่งต่อ"
    assert sleep.calls == [0.5]


@pytest.mark.integration
def test_timelines_off_asks_only_for_the_list(traffy_server: TraffyServer) -> None:
    settings = SETTINGS.model_copy(update={"timelines": False, "duration": "3days"})
    complaints, _ = run(client_for(traffy_server), lambda c: fetch_complaints(c, settings))

    assert len(complaints) == 4
    assert traffy_server.hits("/get-issue/v1") == []
    assert traffy_server.hits("/get-issues/v2")[0].query["duration"] == "3days"


@pytest.mark.integration
def test_renews_the_token_before_it_expires(traffy_server: TraffyServer) -> None:
    clock = Clock()
    client = client_for(traffy_server, clock=clock)

    async def work(c: TraffyClient) -> None:
        await c.issues()
        clock.offset = traffy_server.ttl_s - 30  # inside the renewal margin
        traffy_server.advance(traffy_server.ttl_s - 30)
        await c.issues()

    run(client, work)

    assert len(traffy_server.hits("/get-auth/v1")) == 2
    assert [r.status for r in traffy_server.hits("/get-issues/v2")] == [200, 200]
    first, second = (r.headers["authorization"] for r in traffy_server.hits("/get-issues/v2"))
    assert first != second


@pytest.mark.integration
def test_authenticates_again_once_after_a_401(traffy_server: TraffyServer) -> None:
    client = client_for(traffy_server)

    async def work(c: TraffyClient) -> list[dict[str, Any]]:
        await c.authenticate()
        traffy_server.advance(2 * traffy_server.ttl_s)  # the server says: expired
        return await c.issues()

    issues = run(client, work)

    assert len(issues) == 5
    assert len(traffy_server.hits("/get-auth/v1")) == 2
    assert [r.status for r in traffy_server.hits("/get-issues/v2")] == [401, 200]


@pytest.mark.integration
def test_a_fresh_token_refused_too_raises_auth_error(traffy_server: TraffyServer) -> None:
    client = client_for(traffy_server)

    async def work(c: TraffyClient) -> Any:
        await c.authenticate()
        traffy_server.refuse_tokens = True
        return await c.issue("2026-HKW4TQ")

    error = raised(client, work)

    assert isinstance(error, CollectorAuthError)
    assert error.status == 401
    assert MSG_INVALID_TOKEN in str(error)
    assert len(traffy_server.hits("/get-auth/v1")) == 2
    assert [r.status for r in traffy_server.hits("/get-issue/v1")] == [401, 401]


@pytest.mark.integration
def test_a_rotated_key_is_survived_by_authenticating_again(traffy_server: TraffyServer) -> None:
    client = client_for(traffy_server)

    async def work(c: TraffyClient) -> dict[str, Any]:
        await c.authenticate()
        traffy_server.rotate_key()
        return await c.issue("2026-HKW4TQ")

    detail = run(client, work)

    assert detail["status_type"] == "inprogress"
    assert len(detail["timeline"]) == 3
    assert [r.status for r in traffy_server.hits("/get-issue/v1")] == [401, 200]


@pytest.mark.integration
def test_missing_bearer_is_refused_by_the_server(traffy_server: TraffyServer) -> None:
    response = httpx.get(f"{traffy_server.url}/get-issues/v2")
    assert response.status_code == 401
    assert response.json()["status"] == "fail"
    assert response.json()["message"] == MSG_INVALID_TOKEN
    token, _ = traffy_server.mint(issued_at=traffy_server.now() - 2 * traffy_server.ttl_s)
    expired = httpx.get(
        f"{traffy_server.url}/get-issues/v2", headers={"Authorization": f"Bearer {token}"}
    )
    assert (expired.status_code, expired.json()["message"]) == (401, MSG_EXPIRED)


def test_missing_credentials_name_the_variables() -> None:
    client = TraffyClient(
        SETTINGS, CredentialSettings(), CollectSettings(), base_url="http://127.0.0.1:9"
    )
    error = raised(client, lambda c: c.authenticate())
    assert isinstance(error, CollectorAuthError)
    assert "SIANG_CREDENTIALS__TRAFFY_USER" in str(error)
    assert "SIANG_CREDENTIALS__TRAFFY_PASS" in str(error)


@pytest.mark.integration
def test_wrong_credentials_fail_at_once(traffy_server: TraffyServer) -> None:
    sleep = FakeSleep()
    client = client_for(traffy_server, sleep=sleep, password="ผิด")

    error = raised(client, lambda c: c.issues())

    assert isinstance(error, CollectorAuthError)
    assert MSG_BAD_LOGIN in str(error)
    assert len(traffy_server.hits("/get-auth/v1")) == 1
    assert traffy_server.hits("/get-issues/v2") == []
    assert sleep.calls == []
    assert PASSWORD not in str(error) and "ผิด" not in str(error)


@pytest.mark.integration
def test_retries_5xx_and_waits_as_429_asks(traffy_server: TraffyServer) -> None:
    sleep = FakeSleep()
    traffy_server.fault(
        "/get-issues/v2",
        Reply(raw=b"<html>503 Service Unavailable</html>", status=503),
        Reply(traffy_server.envelope("fail", "Too many requests"), 429, {"Retry-After": "7"}),
    )
    client = client_for(traffy_server, sleep=sleep)

    issues = run(client, lambda c: c.issues())

    assert [i["ticket_id"] for i in issues][:2] == ["2026-HKW4TQ", "2026-JTC7RM"]
    assert [r.status for r in traffy_server.hits("/get-issues/v2")] == [503, 429, 200]
    assert sleep.calls == [0.5, 7.0]


@pytest.mark.integration
def test_persistent_5xx_raises_unavailable(traffy_server: TraffyServer) -> None:
    traffy_server.fault("/get-issues/v2", *[Reply({}, 502)] * 3)
    error = raised(client_for(traffy_server, max_retries=2), lambda c: c.issues())
    assert isinstance(error, CollectorUnavailable)
    assert error.status == 502


@pytest.mark.integration
def test_fail_envelope_raises_with_the_api_message(traffy_server: TraffyServer) -> None:
    message = "ไม่สามารถเชื่อมต่อฐานข้อมูลได้ กรุณาลองใหม่"
    traffy_server.fault("/get-issues/v2", traffy_server.failure(message))

    error = raised(client_for(traffy_server), lambda c: c.issues())

    assert isinstance(error, TraffyApiError)
    assert error.api_message == message
    assert error.status == 200
    assert message in str(error)


@pytest.mark.integration
def test_bad_parameters_and_unknown_tickets_raise_api_errors(traffy_server: TraffyServer) -> None:
    async def work(c: TraffyClient) -> list[Exception]:
        errors: list[Exception] = []
        for call in (c.issues(duration="week"), c.issue("2026-NOSUCH")):
            try:
                await call
            except CollectorError as exc:
                errors.append(exc)
        return errors

    bad_duration, unknown = run(client_for(traffy_server), work)

    assert isinstance(bad_duration, TraffyApiError) and bad_duration.status == 400
    assert bad_duration.api_message == "Invalid duration or org_id: 'week'"
    assert isinstance(unknown, TraffyApiError) and unknown.status == 200
    assert unknown.api_message == "ticket_id 2026-NOSUCH not found | ไม่พบเรื่องแจ้ง"


@pytest.mark.integration
def test_quota_exhausted_raises_rate_limited(traffy_server: TraffyServer) -> None:
    traffy_server.credit_balance = 0
    error = raised(client_for(traffy_server), lambda c: c.issues())
    assert isinstance(error, CollectorRateLimited)
    assert MSG_QUOTA in str(error)


@pytest.mark.integration
def test_quota_running_out_mid_run_keeps_list_records(traffy_server: TraffyServer) -> None:
    traffy_server.credit_balance = 3  # the list and two timelines

    complaints, rejected = run(client_for(traffy_server), lambda c: fetch_complaints(c, SETTINGS))

    assert len(complaints) == 4 and len(rejected) == 1
    assert [r.query["ticket_id"] for r in traffy_server.hits("/get-issue/v1")] == [
        "2026-HKW4TQ",
        "2026-JTC7RM",
        "2026-DDG3NV",
    ]
    last = complaints[-1]
    assert last.complaint_id == "traffy:2026-CTK5WB"
    assert steps(last.history) == [(bkk(2026, 9, 12, 11, 20), "received", "จัดทำนโยบาย")]


@pytest.mark.integration
def test_unchanged_issues_cost_no_timeline_call(traffy_server: TraffyServer) -> None:
    first, _ = run(client_for(traffy_server), lambda c: fetch_complaints(c, SETTINGS))
    known = {c.complaint_id: c.updated_at for c in first}
    known["traffy:2026-JTC7RM"] = None  # a stored copy with no activity time: fetched again
    before = len(traffy_server.hits("/get-issue/v1"))
    again, _ = run(client_for(traffy_server), lambda c: fetch_complaints(c, SETTINGS, known=known))
    asked = [r.query["ticket_id"] for r in traffy_server.hits("/get-issue/v1")[before:]]
    assert [c.complaint_id for c in again] == ["traffy:2026-JTC7RM"]
    assert asked == ["2026-JTC7RM"]
