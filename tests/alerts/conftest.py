"""Alert mail fixtures: a real aiosmtpd server on 127.0.0.1, and a store with a spiking topic.

The server records every envelope it accepted; ``Received.message`` parses what arrived
with ``BytesParser(policy=policy.default)``, the way a mail client would.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from domain.models import (
    Alert,
    AlertRule,
    Category,
    Complaint,
    Engagement,
    PostComplaintLink,
    SpikeEpisode,
    Topic,
)
from domain.settings import Settings, load_settings
from storage.embedded import EmbeddedStore
from tests.conftest import make_post

BANGKOK = timezone(timedelta(hours=7))
SPIKE = datetime(2026, 11, 13, 19, 0, tzinfo=BANGKOK)  # 13 พ.ย. 2569 19:00 น.
EVENING = SPIKE + timedelta(hours=2, minutes=30)  # 21:30, outside 22:00-07:00
PUBLIC_URL = "https://siang.example.go.th"
OFFICER = "duty-officer@example.go.th"
DESK = "songkhla-desk@example.go.th"
LABEL = "ไฟดับ · หาดใหญ่"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    tls: bool
    login: str | None

    @property
    def message(self) -> EmailMessage:
        parsed = BytesParser(policy=policy.default).parsebytes(self.content)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Recorder:
    """aiosmtpd handler: keeps what it accepted; ``reply`` and ``refuse_rcpt`` make it say no."""

    received: list[Received] = field(default_factory=list)
    reply: str = "250 Message accepted for delivery"
    refuse_rcpt: set[str] = field(default_factory=set)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refuse_rcpt:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.reply.startswith("250"):
            login = session.auth_data.login.decode() if session.authenticated else None
            self.received.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    bytes(envelope.original_content or envelope.content),
                    tls=session.ssl is not None,
                    login=login,
                )
            )
        return self.reply


class SmtpServer:
    """One aiosmtpd ``Controller`` that can be stopped and started again on the same port."""

    def __init__(self, **smtp_options: Any) -> None:
        self.handler = Recorder()
        self.port = _free_port()
        self.options = smtp_options
        self.controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def start(self) -> None:
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, **self.options
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def mail_settings(tmp_path: Path, port: int, rules: list[AlertRule], **smtp: Any) -> Settings:
    """Settings on a store in ``tmp_path``, mailing to 127.0.0.1:``port`` with ``rules``."""
    return load_settings(
        store={"backend": "embedded", "path": str(tmp_path / "siang.db")},
        api={"public_url": PUBLIC_URL},
        alerts={"rules": [rule.model_dump() for rule in rules]},
        smtp={
            "enabled": True,
            "host": "127.0.0.1",
            "port": port,
            "sender": "ระบบเสียง <siang-alerts@example.go.th>",
            "timeout_s": 5,
            **smtp,
        },
    )


def spike_rule(**update: Any) -> AlertRule:
    fields: dict[str, Any] = {
        "name": "hatyai-spike",
        "kind": "topic_spike",
        "min_score": 8,
        "recipients": [OFFICER, DESK],
    }
    return AlertRule.model_validate({**fields, **update})


def topic(topic_id: int = 1, *, label: str = LABEL, spikes: list[SpikeEpisode]) -> Topic:
    """A topic with 48 quiet hours (one post every third hour) before its spikes."""
    hourly = {}
    for h in range(48):
        hour = SPIKE - timedelta(hours=48 - h)
        if h % 3 == 0:
            hourly[hour.isoformat(timespec="minutes")] = 1
    for spike in spikes:
        hourly[spike.start.isoformat(timespec="minutes")] = spike.observed
        hourly[(spike.start + timedelta(hours=1)).isoformat(timespec="minutes")] = 7
    return Topic(
        topic_id=topic_id,
        label=label,
        phrase="ไฟดับทั้งซอยตั้งแต่หัวค่ำ ยังไม่มีใครมาแก้",
        keywords=[],
        size=60,
        first_seen=SPIKE - timedelta(days=2),
        last_seen=SPIKE + timedelta(hours=2),
        spikes=spikes,
        counts_hourly=hourly,
        representative_post_ids=["x:1001"],
    )


def spike(start: datetime = SPIKE, *, post_ids: list[str] | None = None) -> SpikeEpisode:
    return SpikeEpisode(
        start=start,
        peak=start + timedelta(minutes=40),
        end=start + timedelta(hours=1),
        score=12.3,
        observed=20,
        expected=0.5,
        post_ids=post_ids if post_ids is not None else ["x:1001", "x:1002", "x:1003"],
    )


@pytest.fixture
def spiking_store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    """Topic 1 spiking at 19:00 with three linked posts and two related complaints."""
    store = EmbeddedStore(tmp_path / "siang.db")
    texts = {
        "1001": "ไฟดับอีกแล้ว หาดใหญ่ มืดทั้งซอย โทร [เบอร์โทร]",
        "1002": "ไฟดับสามชั่วโมงแล้ว ตู้เย็นพังหมด <b>ใครรับผิดชอบ</b>",
        "1003": "หาดใหญ่ไฟดับ แจ้งการไฟฟ้าแล้วยังเงียบ",
    }
    posts = [
        make_post(
            native_id,
            text,
            created_at=SPIKE + timedelta(minutes=5 * n),
            province="สงขลา",
            category=Category.electricity,
        ).model_copy(
            update={
                "url": f"https://x.com/i/status/{native_id}",
                "engagement": Engagement(likes=10 * n),
            }
        )
        for n, (native_id, text) in enumerate(texts.items(), start=1)
    ]
    store.upsert_posts(posts)
    store.assign_topics({p.id: 1 for p in posts})
    store.replace_topics([topic(spikes=[spike()])])
    complaints = [
        Complaint(
            complaint_id="1111-2569-000123",
            filed_at=SPIKE + timedelta(minutes=50),
            channel="hotline_1111",
            category=Category.electricity,
            province="สงขลา",
            district="หาดใหญ่",
            subject="ไฟฟ้าดับบ่อยในเขตเทศบาลนครหาดใหญ่",
            status="in_progress",
        ),
        Complaint(
            complaint_id="1111-2569-000124",
            filed_at=SPIKE + timedelta(hours=1),
            channel="hotline_1111",
            category=Category.electricity,
            province="สงขลา",
            subject="ไฟดับ ตู้เย็นเสียหาย ขอค่าชดเชย",
        ),
    ]
    store.upsert_complaints(complaints)
    store.upsert_links(
        [
            PostComplaintLink(
                post_id="x:1001", complaint_id="1111-2569-000123", score=0.81, explanation="-"
            ),
            PostComplaintLink(
                post_id="x:1003", complaint_id="1111-2569-000123", score=0.64, explanation="-"
            ),
            PostComplaintLink(
                post_id="x:1002", complaint_id="1111-2569-000124", score=0.7, explanation="-"
            ),
        ]
    )
    yield store
    store.close()


def statuses(store: EmbeddedStore) -> dict[str, str]:
    return {a.alert_id: a.status for a in store.list_alerts(limit=1000)}


def queue(store: EmbeddedStore, alerts: list[Alert]) -> list[Alert]:
    assert store.add_alerts(alerts) == len(alerts)
    return alerts
