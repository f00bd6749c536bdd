"""Alert mail end to end: a real SMTP server (aiosmtpd) receives it and the test parses it."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from alerts import AlertEvaluator, send_pending
from storage.embedded import EmbeddedStore
from tests.alerts.conftest import (
    DESK,
    EVENING,
    LABEL,
    OFFICER,
    PUBLIC_URL,
    SPIKE,
    SmtpServer,
    mail_settings,
    queue,
    spike,
    spike_rule,
    statuses,
    topic,
)

pytestmark = pytest.mark.integration


def _evaluate(store: EmbeddedStore) -> int:
    found = AlertEvaluator([spike_rule()]).evaluate(topics=store.list_topics(), posts=[])
    return store.add_alerts(found)


def _parts(message: EmailMessage) -> tuple[str, str, list[EmailMessage]]:
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    images = [p for p in message.walk() if p.get_content_type() == "image/png"]
    return plain.get_content(), html.get_content(), images


def test_spike_mail_carries_label_numbers_chart_posts_complaints_and_link(
    tmp_path: Path, smtp_server: SmtpServer, spiking_store: EmbeddedStore
) -> None:
    settings = mail_settings(tmp_path, smtp_server.port, [spike_rule()])
    assert _evaluate(spiking_store) == 1

    report = send_pending(spiking_store, settings, now=EVENING)

    assert (report.mails, report.sent, report.held, report.failed) == (1, 1, 0, 0)
    [received] = smtp_server.received
    assert received.mail_from == "siang-alerts@example.go.th"
    assert sorted(received.rcpt_tos) == sorted([OFFICER, DESK])
    message = received.message
    assert message["From"].addresses[0].display_name == "ระบบเสียง"
    assert {a.addr_spec for a in message["To"].addresses} == {OFFICER, DESK}
    assert message["Subject"] == (f"[เสียง] หัวข้อที่พุ่งสูงผิดปกติ: {LABEL} — 20 โพสต์/ชม. (คาดไว้ 0.5)")
    assert message.get_content_type() == "multipart/alternative"
    assert message["Auto-Submitted"] == "auto-generated"

    text, html, images = _parts(message)
    dashboard = f"{PUBLIC_URL}/dashboard/#/topic/1"
    for body in (text, html):
        assert LABEL in body
        assert "ไฟดับทั้งซอยตั้งแต่หัวค่ำ" in body  # the topic's phrase
        assert "13 พ.ย. 2569 19:00–20:00 น." in body  # Bangkok time, Buddhist-era year
        assert "20</strong> โพสต์ต่อชั่วโมง" in body or "พบ 20 โพสต์ต่อชั่วโมง" in body
        assert "คาดไว้ 0.5" in body and "สูงกว่าที่คาดไว้ 40 เท่า" in body
        assert "คะแนนความผิดปกติ" in body and "12.3" in body
        for native_id in ("1001", "1002", "1003"):
            assert f"https://x.com/i/status/{native_id}" in body
        assert "1111-2569-000123" in body and "1111-2569-000124" in body
        assert "กำลังดำเนินการ" in body  # complaint status in Thai
        assert dashboard in body
        assert f"{PUBLIC_URL}/dashboard/#/complaint/1111-2569-000123" in body
    # The most engaged post comes first; HTML from a post is shown, never interpreted.
    assert text.index("status/1003") < text.index("status/1002") < text.index("status/1001")
    assert "&lt;b&gt;ใครรับผิดชอบ&lt;/b&gt;" in html and "<b>ใคร" not in html
    assert "<b>ใครรับผิดชอบ</b>" in text
    assert f'href="{dashboard}"' in html

    [image] = images
    png = image.get_content()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000
    cid = image["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html
    assert image.get_content_disposition() == "inline"
    assert statuses(spiking_store) == {a: "sent" for a in statuses(spiking_store)}


def test_a_second_run_and_a_re_evaluation_send_nothing(
    tmp_path: Path, smtp_server: SmtpServer, spiking_store: EmbeddedStore
) -> None:
    settings = mail_settings(tmp_path, smtp_server.port, [spike_rule()])
    _evaluate(spiking_store)
    assert send_pending(spiking_store, settings, now=EVENING).sent == 1

    assert _evaluate(spiking_store) == 0  # same spike, same id: nothing new queued
    again = send_pending(spiking_store, settings, now=EVENING + timedelta(minutes=15))

    assert (again.mails, again.sent, again.failed) == (0, 0, 0)
    assert len(smtp_server.received) == 1


def test_a_relabelled_topic_whose_spike_start_moved_is_not_mailed_again(
    tmp_path: Path, smtp_server: SmtpServer, spiking_store: EmbeddedStore
) -> None:
    settings = mail_settings(tmp_path, smtp_server.port, [spike_rule()])
    _evaluate(spiking_store)
    send_pending(spiking_store, settings, now=EVENING)
    # The next topics run recomputes the episode one hour earlier and relabels the topic.
    moved = topic(label="ไฟดับ · หาดใหญ่ · การไฟฟ้า", spikes=[spike(SPIKE - timedelta(hours=1))])
    spiking_store.replace_topics([moved])
    assert _evaluate(spiking_store) == 1  # a new id (new window), inside the cooldown

    report = send_pending(spiking_store, settings, now=EVENING + timedelta(minutes=15))

    assert (report.mails, report.suppressed) == (0, 1)
    assert len(smtp_server.received) == 1
    assert sorted(statuses(spiking_store).values()) == ["sent", "suppressed"]


def test_quiet_hours_hold_the_mail_and_release_it_when_they_end(
    tmp_path: Path, smtp_server: SmtpServer, spiking_store: EmbeddedStore
) -> None:
    rule = spike_rule(quiet_hours="22:00-07:00")
    settings = mail_settings(tmp_path, smtp_server.port, [rule])
    found = AlertEvaluator([rule]).evaluate(topics=spiking_store.list_topics(), posts=[])
    spiking_store.add_alerts(found)
    night = SPIKE.replace(hour=23, minute=10)

    held = send_pending(spiking_store, settings, now=night)
    still = send_pending(spiking_store, settings, now=night + timedelta(hours=7, minutes=49))

    assert (held.held, held.sent, held.mails) == (1, 0, 0)
    assert held.next_release == SPIKE.replace(hour=7) + timedelta(days=1)
    assert (still.held, still.sent) == (1, 0)  # 06:59: still quiet
    assert smtp_server.received == []
    assert list(statuses(spiking_store).values()) == ["pending"]

    morning = send_pending(spiking_store, settings, now=night + timedelta(hours=7, minutes=55))

    assert (morning.held, morning.sent, morning.mails) == (0, 1, 1)
    assert len(smtp_server.received) == 1
    assert LABEL in smtp_server.received[0].message["Subject"]


def test_an_hourly_digest_gathers_a_recipients_alerts_into_one_mail(
    tmp_path: Path, smtp_server: SmtpServer, spiking_store: EmbeddedStore
) -> None:
    from alerts.service import alert_id
    from domain.models import Alert, AlertRule

    digest_spike = spike_rule(name="spike-digest", recipients=[OFFICER], digest="hourly")
    digest_keyword = AlertRule(
        name="blackout-words", kind="keyword", keyword="ไฟดับ", threshold=3,
        recipients=[OFFICER], digest="hourly",
    )  # fmt: skip
    now_rule = spike_rule(name="spike-now", recipients=[DESK])
    settings = mail_settings(tmp_path, smtp_server.port, [digest_spike, digest_keyword, now_rule])
    second = topic(2, label="น้ำประปาไม่ไหล · หาดใหญ่", spikes=[spike(SPIKE, post_ids=[])])
    spiking_store.replace_topics([topic(spikes=[spike()]), second])
    evaluator = AlertEvaluator([digest_spike, now_rule])
    found = evaluator.evaluate(topics=spiking_store.list_topics(), posts=[])
    keyword = Alert(
        alert_id=alert_id("blackout-words", "keyword ไฟดับ", SPIKE),
        rule="blackout-words",
        kind="keyword",
        subject="keyword ไฟดับ",
        triggered_at=SPIKE + timedelta(hours=1),
        window_start=SPIKE,
        score=3,
        observed=3,
        expected=3,
        keyword="ไฟดับ",
        post_ids=["x:1001", "x:1002", "x:1003"],
        recipients=[OFFICER],
    )
    queue(spiking_store, [*found, keyword])  # 2 digest spikes, 2 immediate, 1 digest keyword

    # 19:50: the immediate mails go (one per alert, to the desk); the digest alerts wait.
    early = send_pending(spiking_store, settings, now=SPIKE + timedelta(minutes=50))
    assert (early.mails, early.sent, early.held) == (2, 2, 3)
    assert [r.rcpt_tos for r in smtp_server.received] == [[DESK], [DESK]]
    assert early.next_release == SPIKE + timedelta(hours=1)  # the spikes' hour is over at 20:00

    # 21:05: the keyword alert (raised at 20:00 for 19:00-20:00) is due too: one mail for all.
    later = send_pending(spiking_store, settings, now=SPIKE + timedelta(hours=2, minutes=5))

    assert (later.mails, later.sent, later.held) == (1, 3, 0)
    digest = smtp_server.received[-1]
    assert digest.rcpt_tos == [OFFICER]
    message = digest.message
    assert message["Subject"].startswith("[เสียง] สรุปการแจ้งเตือนรายชั่วโมง 3 รายการ: ")
    ids = {a.alert_id for a in spiking_store.list_alerts() if a.rule != "spike-now"}
    assert {i.strip() for i in message["X-Siang-Alert-Ids"].split(",")} == ids
    text, html, images = _parts(message)
    for body in (text, html):
        assert LABEL in body and "น้ำประปาไม่ไหล · หาดใหญ่" in body and "“ไฟดับ”" in body
        assert "เกณฑ์ 3" in body  # the keyword rule's threshold
        assert body.count("ช่วงเวลา") == 3 and body.count("13 พ.ย. 2569 19:00–20:00 น.") == 3
    assert len(images) == 3
    for image in images:
        assert f'src="cid:{image["Content-ID"].strip("<>")}"' in html
    assert set(statuses(spiking_store).values()) == {"sent"}
    assert len(smtp_server.received) == 3


@pytest.mark.parametrize("reply", ["550 5.7.1 Relaying denied", "451 4.3.0 Try again later"])
def test_a_refused_mail_stays_pending_and_a_later_run_sends_it(
    tmp_path: Path, smtp_server: SmtpServer, spiking_store: EmbeddedStore, reply: str
) -> None:
    settings = mail_settings(tmp_path, smtp_server.port, [spike_rule()])
    _evaluate(spiking_store)
    smtp_server.handler.reply = reply

    refused = send_pending(spiking_store, settings, now=EVENING)

    assert (refused.mails, refused.sent, refused.failed) == (0, 0, 1)
    [error] = refused.errors
    assert f"127.0.0.1:{smtp_server.port}" in error and reply in error
    assert list(statuses(spiking_store).values()) == ["pending"]

    smtp_server.handler.reply = "250 OK"
    retried = send_pending(spiking_store, settings, now=EVENING + timedelta(minutes=15))

    assert (retried.mails, retried.sent, retried.failed) == (1, 1, 0)
    assert len(smtp_server.received) == 1
    assert list(statuses(spiking_store).values()) == ["sent"]


def test_a_stopped_server_loses_nothing_and_the_next_run_delivers(
    tmp_path: Path, smtp_server: SmtpServer, spiking_store: EmbeddedStore
) -> None:
    rules = [spike_rule(), spike_rule(name="second-desk", recipients=[DESK])]
    settings = mail_settings(tmp_path, smtp_server.port, rules)
    found = AlertEvaluator(rules).evaluate(topics=spiking_store.list_topics(), posts=[])
    queue(spiking_store, found)
    smtp_server.stop()

    down = send_pending(spiking_store, settings, now=EVENING)

    assert (down.mails, down.sent, down.failed) == (0, 0, 2)
    assert len(down.errors) == 1  # the second mail is not even tried against a dead server
    assert "cannot connect" in down.errors[0] and str(smtp_server.port) in down.errors[0]
    assert set(statuses(spiking_store).values()) == {"pending"}

    smtp_server.start()
    up = send_pending(spiking_store, settings, now=EVENING + timedelta(minutes=15))

    assert (up.mails, up.sent, up.failed) == (2, 2, 0)
    assert len(smtp_server.received) == 2
    assert set(statuses(spiking_store).values()) == {"sent"}


def test_a_crash_after_the_first_mail_resends_only_the_rest(
    tmp_path: Path, smtp_server: SmtpServer, spiking_store: EmbeddedStore
) -> None:
    from alerts.client import SmtpNotifier

    rules = [spike_rule(), spike_rule(name="second-desk", recipients=[DESK])]
    settings = mail_settings(tmp_path, smtp_server.port, rules)
    found = AlertEvaluator(rules).evaluate(topics=spiking_store.list_topics(), posts=[])
    queue(spiking_store, found)

    class CrashesOnSecondMail(SmtpNotifier):
        calls = 0

        def send(self, message: EmailMessage, *, recipients: object) -> dict[str, str]:
            self.calls += 1
            if self.calls == 2:
                raise KeyboardInterrupt  # the worker is killed mid-run
            return super().send(message, recipients=recipients)  # type: ignore[arg-type]

    crashing = CrashesOnSecondMail(settings.smtp)
    with pytest.raises(KeyboardInterrupt):
        send_pending(spiking_store, settings, now=EVENING, notifier=crashing)
    crashing.close()
    assert sorted(statuses(spiking_store).values()) == ["pending", "sent"]

    resumed = send_pending(spiking_store, settings, now=EVENING + timedelta(minutes=15))

    assert (resumed.mails, resumed.sent) == (1, 1)
    # Each rule's mail arrived exactly once: the one before the crash was not repeated.
    assert sorted(tuple(sorted(r.rcpt_tos)) for r in smtp_server.received) == sorted(
        [tuple(sorted([OFFICER, DESK])), (DESK,)]
    )
    assert set(statuses(spiking_store).values()) == {"sent"}


def test_a_refused_recipient_is_reported_and_the_others_get_the_mail_once(
    tmp_path: Path, smtp_server: SmtpServer, spiking_store: EmbeddedStore
) -> None:
    settings = mail_settings(tmp_path, smtp_server.port, [spike_rule()])
    _evaluate(spiking_store)
    smtp_server.handler.refuse_rcpt = {DESK}

    report = send_pending(spiking_store, settings, now=EVENING)

    assert (report.mails, report.sent) == (1, 1)
    assert list(report.refused) == [DESK] and report.refused[DESK].startswith("550")
    assert not report.ok
    assert [r.rcpt_tos for r in smtp_server.received] == [[OFFICER]]
    # Sent: re-sending would mail the officer twice and never reach the bad address.
    assert send_pending(spiking_store, settings, now=EVENING).mails == 0


def test_no_recipients_means_left_pending_until_the_rule_names_some(
    tmp_path: Path, smtp_server: SmtpServer, spiking_store: EmbeddedStore
) -> None:
    silent = spike_rule(recipients=[])
    found = AlertEvaluator([silent]).evaluate(topics=spiking_store.list_topics(), posts=[])
    queue(spiking_store, found)

    report = send_pending(
        spiking_store, mail_settings(tmp_path, smtp_server.port, [silent]), now=EVENING
    )
    assert (report.unaddressed, report.mails) == (1, 0)

    spiking_store.put_alert_rule(spike_rule(recipients=[OFFICER]))  # stored rule wins
    report = send_pending(
        spiking_store, mail_settings(tmp_path, smtp_server.port, [silent]), now=EVENING
    )
    assert (report.unaddressed, report.mails, report.sent) == (0, 1, 1)
    assert smtp_server.received[0].rcpt_tos == [OFFICER]


def test_message_id_is_stable_for_the_same_alerts(
    tmp_path: Path, smtp_server: SmtpServer, spiking_store: EmbeddedStore
) -> None:
    """A mail re-sent after a crash carries the same Message-ID, so receivers can drop it."""
    settings = mail_settings(tmp_path, smtp_server.port, [spike_rule()])
    _evaluate(spiking_store)
    send_pending(spiking_store, settings, now=EVENING)
    [alert] = spiking_store.list_alerts()
    spiking_store.set_alert_status([alert.alert_id], "pending")  # as if the mark was lost

    send_pending(spiking_store, settings, now=EVENING + timedelta(minutes=30))

    first, second = (r.message for r in smtp_server.received)
    assert first["Message-ID"] == second["Message-ID"]
    assert re.fullmatch(r"<[0-9a-f]{32}@example\.go\.th>", first["Message-ID"])
    assert first["Date"] != second["Date"]


def test_a_reopen_candidate_is_mailed_to_its_agencys_desk_with_the_posts_and_its_page(
    tmp_path: Path, smtp_server: SmtpServer
) -> None:
    from domain.models import AlertRule
    from pipeline.jobs import Pipeline
    from tests.tracking.test_follow_up import _run
    from tests.tracking.test_reopen import _posts, _resolved
    from topics.service import TrendsReport

    desk = AlertRule(name="reopen-pwa", kind="reopen", agency="กปภ.", recipients=[DESK])
    other = AlertRule(name="reopen-pea", kind="reopen", agency="กฟภ.", recipients=[OFFICER])
    settings = mail_settings(tmp_path, smtp_server.port, [desk, other])
    store = EmbeddedStore(tmp_path / "siang.db")
    complaint = _resolved()
    store.upsert_complaints([complaint])
    store.upsert_posts(_posts())
    store.replace_follow_ups(_run())  # the tracking stage's verdict on the store's data

    pipeline = Pipeline(settings, store, None, show_progress=False)
    queued, _ = pipeline.alerts(TrendsReport(topics=[]))

    assert queued == 1
    [received] = smtp_server.received
    assert received.rcpt_tos == [DESK]
    message = received.message
    assert message["Subject"] == (
        "[เสียง] เรื่องที่แก้ไขแล้วแต่ประชาชนยังแจ้งปัญหา: น้ำประปามีรสเค็ม · บางบัวทอง · นนทบุรี — 1 โพสต์หลังแก้ไขแล้ว"
    )
    text, html, images = _parts(message)
    for body in (text, html):
        assert complaint.complaint_id in body
        assert "แจ้งว่าแก้ไขแล้วเมื่อ" in body and "2569" in body  # Buddhist-era year
        assert "บอกแก้แล้วแต่น้ำประปายังเค็มเหมือนเดิมบางบัวทอง" in body  # the still-broken post
        assert "ขอบคุณ" not in body  # a thankful post is not evidence
        assert f"{PUBLIC_URL}/dashboard/#/complaint/{complaint.complaint_id}" in body
    assert "โพสต์ที่รายงานว่าปัญหายังอยู่" in text and images == []
    # The next run queues nothing more for the same resolution.
    assert pipeline.alerts(TrendsReport(topics=[]))[0] == 0
