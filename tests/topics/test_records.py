"""Topic records from per-post columns (topics/records.py)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import numpy as np

from tests.conftest import make_post
from topics.records import Column, PostFrame, phrase, topic_record

START = datetime(2026, 11, 8, 0, 0, tzinfo=UTC)  # 07:00 in Bangkok


def _posts() -> list:  # type: ignore[type-arg]
    times = [START, START + timedelta(minutes=30), START + timedelta(hours=16, minutes=59),
             START + timedelta(hours=17, minutes=1), START + timedelta(hours=40)]  # fmt: skip
    return [make_post(str(i), f"ข้อความ {i}", created_at=t) for i, t in enumerate(times)]


def test_frame_indexes_hours_and_bangkok_days() -> None:
    posts = _posts()
    frame = PostFrame.build(posts, START, 48)
    assert frame.hour.tolist() == [0, 0, 16, 17, 40]
    # 17:00 UTC is midnight in Bangkok: the fourth post falls on the next Bangkok day.
    days = [frame.days[frame.hour_day[h]] for h in frame.hour]
    assert days == ["2026-11-08", "2026-11-08", "2026-11-08", "2026-11-09", "2026-11-09"]
    assert frame.hour_labels[frame.hour[3]] == "2026-11-09T00:00+07:00"
    series = frame.series(np.array([0, 1, 4]))
    assert len(series) == 48
    assert series[0] == 2 and series[40] == 1 and series.sum() == 3


def test_phrase_prefers_keywords_and_cuts_at_a_word() -> None:
    long_text = "น้ำประปาไม่ไหล " + "ที่หมู่บ้านของเรา " * 10
    posts = [make_post("a", "ไฟดับทั้งซอย"), make_post("b", long_text)]
    got = phrase(posts, ["น้ำประปาไม่ไหล"])
    assert got.startswith("น้ำประปาไม่ไหล") and got.endswith("…") and len(got) <= 81
    assert phrase(posts, ["ไฟดับทั้งซอย"]) == "ไฟดับทั้งซอย"


def test_record_counts_add_up() -> None:
    posts = _posts()
    frame = PostFrame.build(posts, START, 48)
    rows = np.arange(5)
    vectors = np.eye(5, 4, dtype=np.float32)
    topic = topic_record(
        7, rows, frame, vectors, [("ข้อความ", 0.5)], as_of=posts[-1].created_at,
    )  # fmt: skip
    assert topic.size == 5
    assert topic.counts_daily == {"2026-11-08": 3, "2026-11-09": 2}
    assert sum(topic.counts_hourly.values()) == 5
    assert topic.first_seen == START and topic.last_seen == posts[-1].created_at


def test_column_counts_order_like_most_common() -> None:
    items = ["b", None, "a", "c", "a", "b", None, "c", "d"]
    column = Column.of(items)
    rows = np.array([8, 0, 2, 3, 4, 5, 6, 7, 1])
    expected = Counter(items[i] for i in rows if items[i] is not None).most_common()
    assert column.counts(rows) == expected  # ties keep their first appearance in rows
    assert column.counts(np.array([1, 6])) == []


def test_first_posts_break_time_ties_by_id() -> None:
    same = START + timedelta(hours=2)
    posts = [make_post(name, "x", created_at=same) for name in ("d", "b", "c", "a")]
    posts.insert(0, make_post("z", "x", created_at=START))
    frame = PostFrame.build(posts, START, 48)
    got = frame.in_time_order(np.arange(5), 2)
    assert [p.id for p in got] == ["x:z", "x:a"]


def test_voices_count_accounts_once_and_everyone_copying_one_text_as_one() -> None:
    posts = _posts()  # five posts over two Bangkok days
    marks = [
        ("ann", "x:0"),  # ann's text, copied by bob and cat the same morning
        ("bob", "x:0"),
        ("cat", "x:0"),
        ("dan", None),  # dan writes twice, in his own words
        ("dan", None),
    ]
    posts = [
        p.model_copy(update={"author": author, "cluster_id": cluster or p.id})
        for p, (author, cluster) in zip(posts, marks, strict=True)
    ]
    frame = PostFrame.build(posts, START, 48)
    topic = topic_record(
        7, np.arange(5), frame, np.eye(5, 4, dtype=np.float32), [("ข้อความ", 0.5)],
        as_of=posts[-1].created_at,
    )  # fmt: skip
    assert (topic.size, topic.voices) == (5, 2)
    assert topic.counts_daily == {"2026-11-08": 3, "2026-11-09": 2}
    assert topic.voices_daily == {"2026-11-08": 1, "2026-11-09": 1}
    anonymous = [p.model_copy(update={"author": None, "cluster_id": p.id}) for p in posts]
    assert PostFrame.build(anonymous, START, 48).voices(np.arange(5)) == 5
