"""What an alert mail says about one alert, gathered from the store.

The topic (label, phrase, hourly counts), the alert's posts (already redacted of PII at
ingest), the complaints those posts link to, the chart's series and the dashboard links.
Nothing here renders: ``alerts.mail`` turns an :class:`AlertContent` into a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from alerts.chart import SpikeSeries
from alerts.thai_format import (
    CATEGORIES,
    COMPLAINT_STATUSES,
    PLATFORMS,
    number,
    thai_datetime,
    thai_hour_range,
)
from domain.models import Alert, AlertRule, Complaint, Post, Topic
from domain.settings import Settings
from storage.base import PostQuery, Store

_KINDS = {
    "topic_spike": "หัวข้อที่พุ่งสูงผิดปกติ",
    "keyword": "คำที่เฝ้าระวัง",
    "category_province": "เรื่องร้องทุกข์ตามหมวดและจังหวัด",
    "emerging": "เรื่องร้องทุกข์ที่เริ่มเกิดขึ้น",
    "reopen": "เรื่องที่แก้ไขแล้วแต่ประชาชนยังแจ้งปัญหา",
}
_TEXT_CHARS = 280
_COMPLAINT_POSTS = 2000  # topic posts whose links are looked up for related complaints


@dataclass(frozen=True)
class PostItem:
    text: str
    url: str | None
    platform: str
    when: str


@dataclass(frozen=True)
class ComplaintItem:
    complaint_id: str
    subject: str
    status: str
    place: str
    filed: str
    linked_posts: int
    url: str


@dataclass
class AlertContent:
    """One alert, worded in Thai, with everything the templates show."""

    alert: Alert
    kind: str
    headline: str
    headline_ascii: str
    phrase: str
    window: str
    observed: str
    expected: str
    reference: str  # "คาดไว้" (a spike's baseline) or "เกณฑ์" (a volume rule's threshold)
    ratio: str | None
    score: str
    posts: list[PostItem]
    complaints: list[ComplaintItem]
    dashboard_url: str
    series: SpikeSeries | None
    chart_cid: str | None = field(default=None)


def dashboard_url(settings: Settings, fragment: str = "/overview") -> str:
    """A link into the dashboard the API serves at ``/dashboard`` (``#/topic/12``...)."""
    return f"{settings.api.public_url.rstrip('/')}/dashboard/#{fragment}"


def get_content(
    alert: Alert, *, rule: AlertRule | None, store: Store, settings: Settings
) -> AlertContent:
    """Everything the mail shows about ``alert``; missing posts or topics are left out."""
    if alert.kind == "reopen":
        return _reopen_content(alert, store=store, settings=settings)
    topic = store.get_topic(alert.topic_id) if alert.topic_id is not None else None
    posts = store.get_posts(alert.post_ids)
    top = sorted(posts, key=lambda p: (-_engagement(p), p.created_at, p.id))
    headline, headline_ascii = _headline(alert, rule, topic)
    volume = alert.kind not in ("topic_spike", "emerging")
    ratio = alert.observed / alert.expected if alert.expected > 0 else None
    return AlertContent(
        alert=alert,
        kind=_KINDS[alert.kind],
        headline=headline,
        headline_ascii=headline_ascii,
        phrase=topic.phrase if topic is not None else "",
        window=thai_hour_range(*_highlight(alert, topic)),
        observed=number(alert.observed),
        expected=number(alert.expected),
        reference="เกณฑ์" if volume else "คาดไว้",
        ratio=number(round(ratio, 1)) if ratio is not None and not volume else None,
        score=number(round(alert.score, 1)),
        posts=[_post_item(p) for p in top[: settings.alerts.max_posts]],
        complaints=_complaints(alert, topic, posts, store=store, settings=settings),
        dashboard_url=dashboard_url(
            settings, f"/topic/{alert.topic_id}" if alert.topic_id is not None else "/overview"
        ),
        series=_series(alert, topic, store=store, hours_before=settings.alerts.chart_hours),
    )


def _reopen_content(alert: Alert, *, store: Store, settings: Settings) -> AlertContent:
    """A reopen candidate: the resolved complaint, and the posts that still report its
    problem after the resolution, oldest first."""
    complaint = store.get_complaint(alert.complaint_id) if alert.complaint_id else None
    posts = sorted(store.get_posts(alert.post_ids), key=lambda p: (p.created_at, p.id))
    last = max((p.created_at for p in posts), default=alert.triggered_at)
    headline = alert.subject
    phrase = ""
    complaints: list[ComplaintItem] = []
    if complaint is not None:
        place = " · ".join(part for part in (complaint.district, complaint.province) if part)
        headline = " · ".join(part for part in (complaint.subject, place) if part)
        agency = complaint.agency or "-"
        phrase = (
            f"เรื่อง {complaint.complaint_id} ({agency}) แจ้งว่าแก้ไขแล้วเมื่อ "
            f"{thai_datetime(alert.window_start)} แต่ยังมีโพสต์รายงานปัญหาเดิมที่เดิม"
        )
        complaints = [_complaint_item(complaint, len(alert.post_ids), settings)]
    fragment = f"/complaint/{quote(alert.complaint_id or '', safe='')}"
    return AlertContent(
        alert=alert,
        kind=_KINDS[alert.kind],
        headline=headline,
        headline_ascii="Reopen candidate",
        phrase=phrase,
        window=thai_hour_range(_hour(alert.window_start), _hour(last) + timedelta(hours=1)),
        observed=number(alert.observed),
        expected=number(alert.expected),
        reference="เกณฑ์",
        ratio=None,
        score=number(round(alert.score, 1)),
        posts=[_post_item(p) for p in posts[: settings.alerts.max_posts]],
        complaints=complaints,
        dashboard_url=dashboard_url(settings, fragment),
        series=None,
    )


def _headline(alert: Alert, rule: AlertRule | None, topic: Topic | None) -> tuple[str, str]:
    if alert.kind == "topic_spike":
        label = topic.label if topic is not None else alert.subject.partition(": ")[2]
        return label or alert.subject, f"Topic {alert.topic_id}"
    if alert.kind == "emerging":
        return alert.subject, "Emerging grievance"
    if alert.kind == "keyword":
        keyword = alert.keyword or (rule.keyword if rule is not None else None)
        return (f"“{keyword}”" if keyword else alert.subject), "Keyword volume"
    category = alert.category or (rule.category if rule is not None else None)
    province = alert.province or (rule.province if rule is not None else None)
    what = CATEGORIES.get(str(category), str(category)) if category else "ทุกหมวด"
    return f"{what} · {province or 'ทุกจังหวัด'}", "Category in province"


def _highlight(alert: Alert, topic: Topic | None) -> tuple[datetime, datetime]:
    """The alert's hours, end excluded: its spike episode, else the hour it counted."""
    if topic is not None:
        for spike in topic.spikes:
            if spike.start == alert.window_start:
                return spike.start, spike.end
    one_hour = alert.window_start + timedelta(hours=1)
    if alert.kind in ("topic_spike", "emerging"):
        return alert.window_start, max(one_hour, _hour(alert.triggered_at) + timedelta(hours=1))
    return alert.window_start, one_hour


def _series(
    alert: Alert, topic: Topic | None, *, store: Store, hours_before: int
) -> SpikeSeries | None:
    start, end = _highlight(alert, topic)
    first = _hour(start) - timedelta(hours=hours_before)
    last = _hour(end) + timedelta(hours=6)
    counts: dict[datetime, int] = {}
    if alert.kind == "topic_spike" or (alert.kind == "emerging" and alert.category is None):
        if topic is None:
            return None
        for label, n in topic.counts_hourly.items():
            hour = _hour(datetime.fromisoformat(label))
            if first <= hour <= last:
                counts[hour] = n
        if not counts:  # the record keeps 7 days of hours; older spikes count from the store
            counts = _store_counts(store, PostQuery(topic_id=topic.topic_id), first, last)
    else:
        query = (
            PostQuery(terms=(alert.keyword,))
            if alert.kind == "keyword" and alert.keyword
            else PostQuery(category=alert.category, province=alert.province)
        )
        counts = _store_counts(store, query, first, last)
        # The alert's own count is the measurement that fired it (the evaluator also matches
        # keywords inside words, the store's term query only whole tokens).
        if alert.kind != "emerging":
            counts[_hour(start)] = alert.observed
    if not counts:
        return None
    last_known = max(counts)
    stop = min(last, max(last_known, _hour(end)))
    span = int((stop - first) / timedelta(hours=1))
    hours = [first + timedelta(hours=h) for h in range(span + 1)]
    return SpikeSeries(
        hours=hours,
        counts=[counts.get(h, 0) for h in hours],
        highlight=(_hour(start), _hour(end)),
        expected=alert.expected,
        reference="expected" if alert.kind in ("topic_spike", "emerging") else "threshold",
    )


def _store_counts(
    store: Store, query: PostQuery, first: datetime, last: datetime
) -> dict[datetime, int]:
    bounded = replace(query, start=first, end=last + timedelta(hours=1))
    return {
        _hour(b.time): b.count for b in store.counts(bounded, interval="hour") if b.time is not None
    }


def _complaints(
    alert: Alert, topic: Topic | None, posts: list[Post], *, store: Store, settings: Settings
) -> list[ComplaintItem]:
    limit = settings.alerts.max_complaints
    if limit == 0:
        return []
    from linking.service import complaints_for_topic  # pulls in the Thai tokenizer: lazy

    ids = list(dict.fromkeys([*alert.post_ids, *(p.id for p in posts)]))
    if topic is not None:
        ids += topic.representative_post_ids
        around = PostQuery(
            topic_id=topic.topic_id,
            start=alert.window_start - timedelta(days=3),
            end=alert.triggered_at + timedelta(days=1),
        )
        for n, post in enumerate(store.iter_posts(around)):
            if n >= _COMPLAINT_POSTS:
                break
            ids.append(post.id)
    return [
        _complaint_item(found.complaint, found.linked_posts, settings)
        for found in complaints_for_topic(store, list(dict.fromkeys(ids)))[:limit]
    ]


def _complaint_item(c: Complaint, linked_posts: int, settings: Settings) -> ComplaintItem:
    place = " · ".join(part for part in (c.district, c.province) if part) or "-"
    return ComplaintItem(
        complaint_id=c.complaint_id,
        subject=c.subject,
        status=COMPLAINT_STATUSES.get(c.status, c.status),
        place=place,
        filed=thai_datetime(c.filed_at),
        linked_posts=linked_posts,
        url=dashboard_url(settings, f"/complaint/{quote(c.complaint_id, safe='')}"),
    )


def _post_item(post: Post) -> PostItem:
    text = " ".join(post.text.split())
    if len(text) > _TEXT_CHARS:
        text = text[: _TEXT_CHARS - 1].rstrip() + "…"
    # Only web links become links: a collected "url" is data from outside.
    url = post.url if post.url and post.url.lower().startswith(("https://", "http://")) else None
    return PostItem(
        text=text,
        url=url,
        platform=PLATFORMS.get(post.platform, post.platform),
        when=thai_datetime(post.created_at),
    )


def _engagement(post: Post) -> int:
    e = post.engagement
    return e.likes + e.replies + e.shares


def _hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


__all__ = ["AlertContent", "ComplaintItem", "PostItem", "dashboard_url", "get_content"]
