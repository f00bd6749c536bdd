"""Timelines with every bucket of their range, on Bangkok hours and midnights, on both
stores (api/timelines.py, api/stats.py, api/topics.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.timelines import MAX_BUCKETS
from domain.models import BANGKOK_TZ, Category, SpikeEpisode, Topic
from storage.base import Store
from tests.api.conftest import Serve
from tests.conftest import make_post

NOV = datetime(2026, 11, 1, tzinfo=BANGKOK_TZ)  # midnight, Bangkok
# Two posts on 1 November, a burst of three on 4 November, nothing between. Post 3 is at
# 02:00 on 4 November in Bangkok, still 3 November in UTC: it belongs to the 4th.
MOMENTS = {
    "1": NOV + timedelta(hours=9),
    "2": NOV + timedelta(hours=9, minutes=40),
    "3": datetime(2026, 11, 3, 19, 0, tzinfo=UTC),
    "4": NOV + timedelta(days=3, hours=8),
    "5": NOV + timedelta(days=3, hours=8, minutes=5),
}


def _fill(store: Store) -> None:
    posts = [
        make_post(pid, "น้ำประปา เค็ม", province="นนทบุรี", created_at=at)
        for pid, at in MOMENTS.items()
    ]
    posts.append(
        make_post("6", "ไฟดับ", province="สงขลา", category=Category.electricity,
                  created_at=NOV + timedelta(days=10))
    )  # fmt: skip
    store.upsert_posts(posts)
    store.save_enrichment(posts, np.full((6, 4), 0.5, dtype=np.float32))  # unit vectors
    store.assign_topics({f"x:{pid}": 7 for pid in MOMENTS})
    burst = MOMENTS["4"].replace(minute=0)
    store.replace_topics(
        [
            Topic(
                topic_id=7, label="น้ำประปา · เค็ม", keywords=[], size=5,
                first_seen=MOMENTS["1"], last_seen=MOMENTS["5"],
                spikes=[SpikeEpisode(start=burst, peak=burst, end=burst + timedelta(hours=1),
                                     score=4.2, observed=2, expected=0.1)],
            )
        ]
    )  # fmt: skip


@pytest.fixture
def client(any_store: Store, serve: Serve) -> Iterator[TestClient]:
    _fill(any_store)
    with serve(any_store) as served:
        yield served


def _points(body: dict[str, object]) -> list[tuple[str, int]]:
    return [(p["time"], p["count"]) for p in body["points"]]  # type: ignore[attr-defined, index]


def test_empty_days_are_zeros_on_bangkok_midnights(client: TestClient) -> None:
    body = client.get("/v1/stats/timeline", params={"province": "นนทบุรี"}).json()
    assert _points(body) == [
        ("2026-11-01T00:00:00+07:00", 2),
        ("2026-11-02T00:00:00+07:00", 0),
        ("2026-11-03T00:00:00+07:00", 0),
        ("2026-11-04T00:00:00+07:00", 3),
    ]
    assert (body["start"], body["end"]) == (
        "2026-11-01T00:00:00+07:00",
        "2026-11-05T00:00:00+07:00",
    )


def test_the_asked_range_is_covered_bucket_by_bucket(client: TestClient) -> None:
    # Bounds given in UTC: buckets still start on Bangkok midnights, the first one holding
    # the start; the end (05:00 UTC on the 5th is 00:00 on the 6th in Bangkok) is exclusive.
    params = {"start": "2026-10-30T12:30:00+00:00", "end": "2026-11-05T17:00:00+00:00",
              "province": "นนทบุรี"}  # fmt: skip
    points = _points(client.get("/v1/stats/timeline", params=params).json())
    days = [("10", 30), ("10", 31), *[("11", d) for d in range(1, 6)]]
    assert [t for t, _ in points] == [f"2026-{m}-{d:02d}T00:00:00+07:00" for m, d in days]
    assert [n for _, n in points] == [0, 0, 2, 0, 0, 3, 0]
    later = {**params, "end": "2026-11-05T17:00:01+00:00"}
    assert len(client.get("/v1/stats/timeline", params=later).json()["points"]) == 8
    nothing = client.get("/v1/stats/timeline", params={**params, "category": "road_traffic"}).json()
    assert len(nothing["points"]) == 7 and {p["count"] for p in nothing["points"]} == {0}
    assert client.get("/v1/stats/timeline", params={"category": "road_traffic"}).json() == {
        "interval": "day", "start": None, "end": None, "points": []
    }  # fmt: skip


def test_hours_without_posts_are_zeros(client: TestClient) -> None:
    params = {"interval": "hour", "start": "2026-11-04T00:00:00+07:00",
              "end": "2026-11-04T10:00:00+07:00"}  # fmt: skip
    points = _points(client.get("/v1/stats/timeline", params=params).json())
    assert len(points) == 10 and points[0][0] == "2026-11-04T00:00:00+07:00"
    assert [n for _, n in points] == [0, 0, 1, 0, 0, 0, 0, 0, 2, 0]


def test_a_range_of_too_many_buckets_is_refused_with_the_way_out(client: TestClient) -> None:
    params = {"interval": "hour", "start": "2020-01-01T00:00:00+07:00",
              "end": "2026-01-01T00:00:00+07:00"}  # fmt: skip
    refused = client.get("/v1/stats/timeline", params=params)
    assert refused.status_code == 422 and f"{MAX_BUCKETS:,}" in refused.json()["detail"]
    assert "interval=day" in refused.json()["detail"]
    days = client.get("/v1/stats/timeline", params={**params, "interval": "day"})
    assert days.status_code == 200 and len(days.json()["points"]) == 2192


def test_a_topic_timeline_spans_its_life_with_zeros_and_spikes_say_expected(
    client: TestClient,
) -> None:
    body = client.get("/v1/topics/7").json()
    assert [(p["time"][:10], p["count"]) for p in body["timeline"]] == [
        ("2026-11-01", 2), ("2026-11-02", 0), ("2026-11-03", 0), ("2026-11-04", 3)
    ]  # fmt: skip
    [spike] = body["topic"]["spikes"]
    assert (spike["observed"], spike["expected"]) == (2, 0.1)
    hours = client.get(
        "/v1/topics/7",
        params={"interval": "hour", "start": "2026-11-04T00:00:00+07:00",
                "end": "2026-11-05T00:00:00+07:00"},
    ).json()["timeline"]  # fmt: skip
    assert len(hours) == 24 and sum(p["count"] for p in hours) == 3
    assert hours[8] == {"time": "2026-11-04T08:00:00+07:00", "count": 2}
