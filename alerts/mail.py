"""Alert mail as an ``EmailMessage``: Thai HTML with inline charts, and a plain-text twin.

Structure (RFC 2046)::

    multipart/alternative
      text/plain                      the same content, for text-only readers
      multipart/related
        text/html                     jinja2, autoescaped
        image/png  (Content-ID)       one spike chart per alert, shown inline by cid:

Everything is UTF-8. The Message-ID is derived from the alerts and recipients, so a mail
re-sent after a crash carries the same id and mail systems that de-duplicate drop it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from functools import cache
from importlib.resources import files
from pathlib import Path

import jinja2

from alerts.chart import render_spike_chart
from alerts.content import AlertContent
from alerts.thai_format import DIGESTS, thai_datetime

log = logging.getLogger(__name__)

_TEMPLATES = Path(str(files("alerts").joinpath("templates")))
_MAX_CHARTS = 12  # a digest's later alerts go without a chart; the mail stays small
_SUBJECT_LABEL = 90


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def subject_line(contents: Sequence[AlertContent], *, digest: str | None) -> str:
    """``[เสียง] หัวข้อที่พุ่งสูงผิดปกติ: ไฟดับ · หาดใหญ่ — 20 โพสต์/ชม. (คาดไว้ 0.5)``."""
    first = contents[0]
    label = _shorten(first.headline, _SUBJECT_LABEL)
    if len(contents) == 1 and digest is None and first.alert.kind == "reopen":
        return f"[เสียง] {first.kind}: {label} — {first.observed} โพสต์หลังแก้ไขแล้ว"
    if len(contents) == 1 and digest is None:
        per = "" if first.alert.kind == "emerging" else "/ชม."  # an emergence's window varies
        return (
            f"[เสียง] {first.kind}: {label} — {first.observed} โพสต์{per} "
            f"({first.reference} {first.expected})"
        )
    kind = DIGESTS.get(digest or "", "")  # "mixed" (hourly and daily together): no adjective
    more = f" และอีก {len(contents) - 1} เรื่อง" if len(contents) > 1 else ""
    return f"[เสียง] สรุปการแจ้งเตือน{kind} {len(contents)} รายการ: {label}{more}"


def build_message(
    contents: Sequence[AlertContent],
    *,
    sender: str,
    recipients: Sequence[str],
    now: datetime,
    digest: str | None = None,
    ascii_charts: bool = False,
) -> EmailMessage:
    """One mail for ``contents`` (one alert, or a digest of several) to ``recipients``.

    Args:
        digest: "hourly" or "daily" when the mail gathers a digest, else None.
        ascii_charts: draw charts with ASCII labels even if a Thai font is installed.
    """
    if not contents:
        raise ValueError("a mail needs at least one alert")
    subject = subject_line(contents, digest=digest)
    charts = _charts(contents, ascii_only=ascii_charts)
    sent_at = thai_datetime(now)
    if len(contents) == 1 and digest is None:
        intro = f"ระบบเสียงพบสัญญาณที่ควรตรวจสอบ ({contents[0].kind})"
    else:
        intro = f"สรุปการแจ้งเตือน{DIGESTS.get(digest or '', '')} {len(contents)} รายการ ถึง {sent_at}"
    values = {"contents": contents, "intro": intro, "subject": subject, "sent_at": sent_at}
    env = _environment()
    text = env.get_template("mail.txt").render(values)
    html = env.get_template("mail.html").render(values)

    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = _message_id(contents, recipients, sender)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    message["X-Siang-Alert-Ids"] = ", ".join(c.alert.alert_id for c in contents)
    message.set_content(text, charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    html_part = next(
        part for part in message.iter_parts() if part.get_content_type() == "text/html"
    )
    for content, png in charts:
        html_part.add_related(
            png,
            maintype="image",
            subtype="png",
            cid=f"<{content.chart_cid}>",
            filename=f"spike-{content.alert.alert_id}.png",
            disposition="inline",
        )
    return message


def _charts(
    contents: Sequence[AlertContent], *, ascii_only: bool
) -> list[tuple[AlertContent, bytes]]:
    """Render the charts and set each content's ``chart_cid``; a chart that fails is left out.

    A chart is decoration: a plotting error (or matplotlib missing) must never hold back
    the alert itself, so any exception is logged and the mail goes without that image.
    """
    out: list[tuple[AlertContent, bytes]] = []
    for content in contents:
        content.chart_cid = None
        if content.series is None or len(out) >= _MAX_CHARTS:
            continue
        try:
            png = render_spike_chart(
                content.series,
                title_th=content.headline,
                title_ascii=content.headline_ascii,
                ascii_only=ascii_only,
            )
        except ImportError:
            log.warning("matplotlib is not installed; alert mail goes without its chart")
            continue
        except Exception:
            log.exception("chart for alert %s failed; mailing without it", content.alert.alert_id)
            continue
        content.chart_cid = f"chart-{content.alert.alert_id}@siang"
        out.append((content, png))
    return out


def _message_id(contents: Sequence[AlertContent], recipients: Sequence[str], sender: str) -> str:
    key = "\0".join(sorted(c.alert.alert_id for c in contents)) + "\0" + ",".join(recipients)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "siang"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


__all__ = ["build_message", "subject_line"]
