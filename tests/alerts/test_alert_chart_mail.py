"""The spike chart (with and without a Thai font) and the message built around it."""

from __future__ import annotations

import warnings
from datetime import datetime, timedelta, timezone
from email import policy
from email.parser import BytesParser

import pytest

from alerts import AlertEvaluator, chart
from alerts.chart import SpikeSeries, render_spike_chart
from alerts.content import AlertContent, PostItem, get_content
from alerts.mail import build_message
from domain.models import Alert
from domain.settings import load_settings
from storage.embedded import EmbeddedStore
from tests.alerts.conftest import SPIKE, spike, spike_rule, topic

BKK = timezone(timedelta(hours=7))
T = datetime(2026, 11, 13, 19, 0, tzinfo=BKK)
PNG = b"\x89PNG\r\n\x1a\n"


def _series() -> SpikeSeries:
    hours = [T - timedelta(hours=47 - h) for h in range(50)]
    counts = [h % 3 for h in range(50)]
    counts[47:49] = [20, 7]
    return SpikeSeries(hours, counts, (hours[47], hours[49]), 0.5)


@pytest.mark.parametrize("ascii_only", [False, True])
def test_chart_is_a_png_and_never_warns_about_missing_glyphs(ascii_only: bool) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would fail here
        png = render_spike_chart(
            _series(), title_th="ไฟดับ · หาดใหญ่ 2569", title_ascii="Topic 1", ascii_only=ascii_only
        )
    assert png.startswith(PNG) and len(png) > 5000


def test_without_a_thai_font_the_chart_still_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chart, "thai_font", lambda: None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = render_spike_chart(_series(), title_th="ไฟดับ", title_ascii="Topic 1")
    assert png.startswith(PNG)


def test_the_installed_thai_font_really_has_thai_glyphs() -> None:
    family = chart.thai_font()
    if family is None:  # nothing to check on a machine without one; ASCII is covered above
        return
    from matplotlib.font_manager import FontProperties, findfont
    from matplotlib.ft2font import FT2Font

    charmap = FT2Font(findfont(FontProperties(family=family))).get_charmap()
    assert 0x0E01 in charmap and 0x0E48 in charmap


def _content(**fields: object) -> AlertContent:
    alert = Alert(
        alert_id="abc123",
        rule="r",
        kind="topic_spike",
        subject="topic 1: x",
        triggered_at=T,
        window_start=T,
        score=12.0,
        observed=20,
        expected=0.5,
        topic_id=1,
    )
    values: dict[str, object] = {
        "alert": alert,
        "kind": "หัวข้อที่พุ่งสูงผิดปกติ",
        "headline": "ไฟดับ <script>alert(1)</script>",
        "headline_ascii": "Topic 1",
        "phrase": "",
        "window": "13 พ.ย. 2569 19:00–20:00 น.",
        "observed": "20",
        "expected": "0.5",
        "reference": "คาดไว้",
        "ratio": "40",
        "score": "12",
        "posts": [PostItem("โพสต์ <img src=x onerror=y>", None, "X", "13 พ.ย. 2569 19:05 น.")],
        "complaints": [],
        "dashboard_url": "https://siang.example/dashboard/#/topic/1",
        "series": _series(),
        **fields,
    }
    return AlertContent(**values)  # type: ignore[arg-type]


def test_html_is_escaped_and_the_message_round_trips() -> None:
    message = build_message(
        [_content()], sender="Siang <a@example.go.th>", recipients=["b@example.go.th"], now=T
    )
    parsed = BytesParser(policy=policy.default).parsebytes(message.as_bytes())
    html = parsed.get_body(("html",)).get_content()  # type: ignore[union-attr]
    text = parsed.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html and "(ไม่มีลิงก์)" in html
    assert "<script>alert(1)</script>" in text  # plain text is shown as text
    assert "ยังไม่มีเรื่องร้องเรียนที่เชื่อมโยง" in text
    assert parsed["Subject"].startswith("[เสียง] หัวข้อที่พุ่งสูงผิดปกติ: ไฟดับ <script>")


def test_a_chart_that_fails_does_not_stop_the_mail(monkeypatch: pytest.MonkeyPatch) -> None:
    import alerts.mail

    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("no display")

    monkeypatch.setattr(alerts.mail, "render_spike_chart", broken)
    message = build_message(
        [_content()], sender="a@example.go.th", recipients=["b@example.go.th"], now=T
    )
    assert [p.get_content_type() for p in message.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]
    assert "cid:" not in message.get_body(("html",)).get_content()  # type: ignore[union-attr]


def test_an_old_spike_is_charted_from_the_store_when_the_topic_kept_no_hours(
    spiking_store: EmbeddedStore,
) -> None:
    old = topic(spikes=[spike()]).model_copy(update={"counts_hourly": {}})
    spiking_store.replace_topics([old])
    [alert] = AlertEvaluator([spike_rule()]).evaluate(topics=[old], posts=[])

    content = get_content(alert, rule=None, store=spiking_store, settings=load_settings())

    assert content.series is not None
    by_hour = dict(zip(content.series.hours, content.series.counts, strict=True))
    assert by_hour[SPIKE] == 3  # the three stored posts of topic 1, 19:05 to 19:15
    assert sum(content.series.counts) == 3


def test_subject_lines() -> None:
    from alerts.mail import subject_line

    one, two = _content(), _content(headline="น้ำท่วม · หาดใหญ่")
    assert subject_line([one], digest=None) == (
        "[เสียง] หัวข้อที่พุ่งสูงผิดปกติ: ไฟดับ <script>alert(1)</script> — 20 โพสต์/ชม. (คาดไว้ 0.5)"
    )
    assert subject_line([two, one], digest="daily") == (
        "[เสียง] สรุปการแจ้งเตือนรายวัน 2 รายการ: น้ำท่วม · หาดใหญ่ และอีก 1 เรื่อง"
    )
    assert subject_line([two], digest="mixed") == ("[เสียง] สรุปการแจ้งเตือน 1 รายการ: น้ำท่วม · หาดใหญ่")
    long = _content(headline="ก" * 200)
    assert len(subject_line([long], digest=None)) < 160
