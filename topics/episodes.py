"""From firing windows to what an officer reads: one ``Emergence`` per grievance.

Episodes of different series and windows that share most of their posts (at least half of
the smaller one's) describe one grievance: they are joined and reported by the episode that
fired first (the most specific series on a tie), with the others listed in ``also``. The
place and category are the ones most of the posts share, and the reason is one Thai line:
``7 โพสต์ใน 6 ชม. จากปกติ 0.2 — ไฟฟ้า · สงขลา อ.หาดใหญ่``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TypeVar

import numpy as np

from domain.models import CATEGORY_TH, Emergence
from domain.settings import TrendSettings
from topics.emergence import Episode, Grid
from topics.modeling import OUTLIER
from topics.series import Memberships, PostColumns, SeriesKey

T = TypeVar("T")
BANGKOK_PROVINCE = "กรุงเทพมหานคร"
_SPECIFIC = (
    "category_district",
    "category_province",
    "new_cluster",
    "topic",
    "district",
    "province",
    "category",
)
_MAX_POST_IDS = 200


def attach_rows(
    episodes: Sequence[Episode], members: Memberships, columns: PostColumns, grid: Grid
) -> None:
    """Give each series episode its posts: the series' posts from the first window's start
    to the end of its last firing hour."""
    order = np.argsort(members.series, kind="stable")
    bounds = np.searchsorted(members.series[order], np.arange(len(members.keys) + 1))
    hours = grid.hour_of(columns.stamp)
    for ep in episodes:
        if ep.kind == "new_cluster":
            continue
        rows = members.post[order[bounds[ep.series] : bounds[ep.series + 1]]]
        inside = (hours[rows] > ep.first - ep.window) & (hours[rows] <= ep.last)
        ep.rows = np.sort(rows[inside])
        ep.kind = members.keys[ep.series].kind


def join(episodes: Sequence[Episode]) -> list[list[Episode]]:
    """Groups of episodes that share at least half of the smaller one's posts."""
    parent = list(range(len(episodes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_post: dict[int, list[int]] = {}
    for i, ep in enumerate(episodes):
        for row in ep.rows.tolist():
            by_post.setdefault(row, []).append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for owners in by_post.values():
        for a in range(len(owners)):
            for b in range(a + 1, len(owners)):
                shared[(owners[a], owners[b])] += 1
    for (a, b), n in shared.items():
        if n * 2 >= min(len(episodes[a].rows), len(episodes[b].rows)):
            parent[root(a)] = root(b)
    groups: dict[int, list[Episode]] = {}
    for i, ep in enumerate(episodes):
        groups.setdefault(root(i), []).append(ep)
    return list(groups.values())


def emergences(
    groups: Sequence[Sequence[Episode]],
    *,
    keys: Sequence[SeriesKey],
    columns: PostColumns,
    grid: Grid,
    settings: TrendSettings,
    topic_labels: Mapping[int, str],
) -> list[Emergence]:
    """One record per group, strongest first."""
    out = [
        _record(
            group, keys=keys, columns=columns, grid=grid, settings=settings, labels=topic_labels
        )
        for group in groups
    ]
    return sorted(out, key=lambda e: (-e.score, e.detected_at, e.episode_id))


def _series_name(ep: Episode, keys: Sequence[SeriesKey], columns: PostColumns) -> str:
    """A new cluster is named by its first post (``series`` holds that post's row)."""
    return (
        f"new_cluster:{columns.ids[ep.series]}"
        if ep.kind == "new_cluster"
        else keys[ep.series].name
    )


def _record(
    group: Sequence[Episode],
    *,
    keys: Sequence[SeriesKey],
    columns: PostColumns,
    grid: Grid,
    settings: TrendSettings,
    labels: Mapping[int, str],
) -> Emergence:
    first = min(group, key=lambda e: (e.first, _SPECIFIC.index(e.kind), e.window, -e.score))
    best = max(group, key=lambda e: e.score)
    rows = np.unique(np.concatenate([e.rows for e in group]))
    rows = rows[np.argsort(columns.stamp[rows], kind="stable")]
    category = _majority([columns.category[r] for r in rows])
    province = _majority([columns.province[r] for r in rows])
    district = _majority([columns.district[r] for r in rows if columns.province[r] == province])
    fired = [keys[e.series].topic_id for e in group if e.kind == "topic"]
    topic = (
        fired[0]
        if fired
        else _majority([int(columns.topic[r]) for r in rows if columns.topic[r] != OUTLIER])
    )
    provinces = Counter(p for p in (columns.province[r] for r in rows) if p)
    national = len(provinces) >= settings.national_provinces and (
        provinces.most_common(1)[0][1] * 2 < sum(provinces.values())
    )
    if national:
        province = district = None
    first_key = keys[first.series] if first.kind != "new_cluster" else None
    label = _label(topic, category, province, district, labels)
    name = _series_name(first, keys, columns)
    start_at = grid.time(first.first - first.window + 1)
    window_rows = first.rows[columns.stamp[first.rows] >= start_at.timestamp()]
    start_stamp = columns.stamp[window_rows].min() if len(window_rows) else start_at.timestamp()
    also = sorted(
        {f"{_series_name(e, keys, columns)}@{e.window}h" for e in group if e is not first}
        - {f"{name}@{first.window}h"}
    )
    return Emergence(
        episode_id=hashlib.sha256(
            f"{name}\0{first.window}\0{grid.time(first.first).isoformat()}".encode()
        ).hexdigest()[:24],
        kind=first.kind,
        series=name,
        topic_id=first_key.topic_id if first_key and first_key.topic_id is not None else topic,
        category=category,
        province=province,
        district=district,
        label=label,
        reason=f"{first.observed} โพสต์ใน {first.window} ชม. จากปกติ "
        f"{_expected(first.expected)} — {label}",
        window_hours=first.window,
        start=datetime.fromtimestamp(float(start_stamp), UTC).astimezone(grid.start.tzinfo),
        peak=grid.time(best.peak),
        end=grid.time(max(e.last for e in group) + 1),
        detected_at=grid.time(first.first + 1),
        score=round(min(best.score, 300.0), 3),
        observed=first.observed,
        posts=len(rows),
        expected=round(first.expected, 4),
        scope="national" if national else "local",
        also=also,
        post_ids=[columns.ids[r] for r in rows[:_MAX_POST_IDS]],
    )


def _majority(values: Sequence[T | None]) -> T | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    value, n = Counter(present).most_common(1)[0]
    return value if n * 2 >= len(present) else None


def place_label(province: str | None, district: str | None) -> str:
    """สงขลา อ.หาดใหญ่, กรุงเทพมหานคร เขตบางนา."""
    if province is None:
        return ""
    if district is None:
        return province
    prefix = "เขต" if province == BANGKOK_PROVINCE else "อ."
    return f"{province} {prefix}{district}"


def _label(
    topic: int | None,
    category: str | None,
    province: str | None,
    district: str | None,
    labels: Mapping[int, str],
) -> str:
    place = place_label(province, district)
    if topic is not None and labels.get(topic):
        what = labels[topic]  # the topic's readable phrase says more than a category
    elif category is not None:
        what = CATEGORY_TH.get(str(category), str(category))
    else:
        what = "เรื่องใหม่"
    return f"{what} · {place}" if place else what


def _expected(value: float) -> str:
    if 0 < value < 0.005:
        return "<0.01"
    if value >= 10:
        return f"{value:.0f}"
    if value >= 0.1:
        return f"{value:.1f}"
    return f"{value:.2f}"


__all__ = ["attach_rows", "emergences", "join", "place_label"]
