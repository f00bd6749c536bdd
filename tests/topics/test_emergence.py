"""Emerging grievances on sparse series (topics.detector and its parts)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import numpy as np
import pytest

from domain.models import BANGKOK_TZ, Category, Location, Post
from domain.settings import TrendSettings
from tests.conftest import make_post
from topics.detector import detect_emergences
from topics.emergence import Grid, count_voices, score_threshold, score_windows
from topics.series import PostColumns, copies, memberships

START = datetime(2026, 8, 1, 0, 0, tzinfo=BANGKOK_TZ)
PROVINCES = ["เชียงใหม่", "ขอนแก่น", "ชลบุรี", "ภูเก็ต", "ลำปาง", "น่าน", "ตราด", "ยะลา"]
CATEGORIES = [Category.road_traffic, Category.electricity, Category.waste_environment]
DIM = 16
# Distinct words, so no two posts are copies (digits are not content words).
WORDS = ["มืด", "ร้อน", "ตู้เย็น", "หม้อแปลง", "เสียงดัง", "ควัน", "เด็ก", "คนแก่", "ยุง", "พัดลม"]


def _post(
    i: int,
    at: datetime,
    *,
    text: str,
    province: str | None,
    category: Category,
    district: str | None = None,
    author: str | None = None,
) -> Post:
    post = make_post(f"p{i}", text, created_at=at, province=province, category=category)
    assert post.enrichment is not None
    if district and province:
        post.enrichment.locations = [
            Location(province=province, district=district, lat=8.0, lon=100.0, confidence=0.9)
        ]
    post.author = author or f"a{i}"
    return post


def _background(days: int = 30, per_day: int = 6, seed: int = 1) -> list[Post]:
    """Isolated posts over many provinces and categories, a new text each."""
    rng = np.random.default_rng(seed)
    posts = []
    for day in range(days):
        for k in range(per_day):
            at = START + timedelta(days=day, hours=int(rng.integers(7, 23)), minutes=k)
            i = day * 1000 + k
            posts.append(
                _post(
                    i,
                    at,
                    text=f"เรื่องทั่วไป คำ{i}",
                    province=PROVINCES[int(rng.integers(len(PROVINCES)))],
                    category=CATEGORIES[int(rng.integers(len(CATEGORIES)))],
                )
            )
    return posts


def _incident(
    at: datetime, n: int = 5, *, spread_h: float = 4.0, first: int = 90_000
) -> list[Post]:
    return [
        _post(
            first + k,
            at + timedelta(hours=spread_h * k / max(n - 1, 1)),
            text=f"ไฟดับทั้งซอยที่หาดใหญ่ {WORDS[k]} {WORDS[-1 - k]}",
            province="สงขลา",
            district="หาดใหญ่",
            category=Category.electricity,
        )
        for k in range(n)
    ]


def _vectors(posts: list[Post], seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(len(posts), DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _detect(posts: list[Post], **kwargs: object):  # type: ignore[no-untyped-def]
    posts = sorted(posts, key=lambda p: (p.created_at, p.id))
    return detect_emergences(posts, _vectors(posts), TrendSettings(), **kwargs)  # type: ignore[arg-type]


def test_threshold_means_false_alarms_per_1000_series_month() -> None:
    settings = TrendSettings(false_alarms_per_1000_series_month=2.0)
    tests = 30 * 24 * len(settings.windows_hours)
    assert score_threshold(settings) == pytest.approx(math.log10(1000 * tests / 2.0))
    looser = TrendSettings(false_alarms_per_1000_series_month=20.0)
    assert score_threshold(looser) == pytest.approx(score_threshold(settings) - 1)


def test_quiet_background_raises_nothing() -> None:
    assert _detect(_background()) == []


def test_five_posts_in_six_hours_about_one_place_emerge() -> None:
    at = START + timedelta(days=20, hours=19)
    found = _detect(_background() + _incident(at))
    assert len(found) == 1
    [e] = found
    assert e.province == "สงขลา" and e.district == "หาดใหญ่"
    assert e.category == Category.electricity and e.scope == "local"
    assert at < e.detected_at <= at + timedelta(hours=6)
    assert e.detected_at.minute == 0 and e.start == at
    assert e.observed >= 3 and e.expected < 0.5
    assert {f"x:p{90_000 + k}" for k in range(5)} <= set(e.post_ids)
    assert e.reason.startswith(f"{e.observed} โพสต์ใน {e.window_hours} ชม. จากปกติ ")
    assert e.reason.endswith("ไฟฟ้า · สงขลา อ.หาดใหญ่") and e.label == "ไฟฟ้า · สงขลา อ.หาดใหญ่"


def test_nothing_is_judged_in_the_warm_up() -> None:
    at = START + timedelta(days=3, hours=19)
    assert _detect(_background() + _incident(at)) == []


def test_copies_of_one_text_count_once() -> None:
    at = START + timedelta(days=20, hours=9)
    storm = [
        _post(
            80_000 + k,
            at + timedelta(minutes=5 * k),
            text=f"{prefix}สะพานลอยหน้าตลาดพังจะมีคนตกลงมาแล้ว{tag}",
            province="ตราด",
            category=Category.road_traffic,
        )
        for k, (prefix, tag) in enumerate(
            [("RT ", ""), ("", " #ช่วยด้วย"), ("แชร์ต่อ ", ""), ("", " 😡")] * 8
        )
    ]
    for post in storm:  # the tokens a tokenizer gives, hashtags and repost words apart
        assert post.enrichment is not None
        post.enrichment.tokens = post.text.replace("#", " ").split()
        post.enrichment.hashtags = ["ช่วยด้วย"] if "#" in post.text else []
    assert _detect(_background() + storm) == []
    columns = PostColumns.of(sorted(storm, key=lambda p: p.created_at))
    assert copies(columns, np.zeros((0, DIM)), TrendSettings()).sum() == len(storm) - 1


def test_copies_in_one_near_duplicate_cluster_count_once_within_the_copy_window() -> None:
    # Edited copies (different content words, so no shared fingerprint) of one text, which
    # the campaigns stage put in one cluster; a copy three days later (past copy_hours, 48)
    # counts again.
    at = START + timedelta(days=20, hours=9)
    texts = ["ถนนทรุด มืด", "ถนนทรุด ร้อน ตู้เย็น", "ถนนทรุด หม้อแปลง", "ถนนทรุด ควัน เด็ก"]
    posts = [
        _post(700 + k, at + timedelta(minutes=20 * k), text=t, province="ตราด",
              category=Category.road_traffic)
        for k, t in enumerate(texts)
    ]  # fmt: skip
    late = _post(799, at + timedelta(days=3), text="ถนนทรุด ยุง", province="ตราด",
                 category=Category.road_traffic)  # fmt: skip
    clustered = [p.model_copy(update={"cluster_id": "x:p700"}) for p in [*posts, late]]
    settings = TrendSettings()
    assert copies(PostColumns.of(clustered), np.zeros((0, DIM)), settings).tolist() == [
        False, True, True, True, False,
    ]  # fmt: skip
    unclustered = [p.model_copy(update={"cluster_id": p.id}) for p in [*posts, late]]
    assert not copies(PostColumns.of(unclustered), np.zeros((0, DIM)), settings).any()


def test_one_author_repeating_counts_once() -> None:
    at = START + timedelta(days=20, hours=9)
    posts = [
        _post(
            70_000 + k,
            at + timedelta(minutes=20 * k),
            text=f"ร้องเรียนอีกครั้ง เรื่องขยะล้นถัง {WORDS[k]}",
            province="น่าน",
            category=Category.waste_environment,
            author="same-person",
        )
        for k in range(8)
    ]
    assert _detect(_background() + posts) == []


@pytest.mark.parametrize("weekdays_only", [False, True])
def test_a_daily_routine_is_learned_not_flagged(weekdays_only: bool) -> None:
    routine = [
        _post(
            60_000 + day * 10 + k,
            START + timedelta(days=day, hours=7, minutes=2 + 6 * k),
            text=f"รถติดหน้าโรงเรียนทุกเช้า {WORDS[day % 10]}{WORDS[k]} วัน{day}",
            province="ภูเก็ต",
            district="กะทู้",
            category=Category.road_traffic,
        )
        for day in range(30)
        for k in range(9)  # nine in one hour: on a flat day, that would be a spike
        if not weekdays_only or (START + timedelta(days=day)).weekday() < 5
    ]
    posts = sorted(_background(per_day=150) + routine, key=lambda p: (p.created_at, p.id))

    def late(settings: TrendSettings) -> list[object]:
        found = detect_emergences(posts, _vectors(posts), settings)
        return [e for e in found if e.detected_at > START + timedelta(days=14)]

    assert late(TrendSettings()) == []
    # Without the series' own rhythm (everyone's only) the same mornings would fire.
    assert late(TrendSettings(season_posts=1e6))


def test_no_look_ahead_hours_are_judged_from_earlier_posts_only() -> None:
    at = START + timedelta(days=20, hours=19)
    posts = sorted(_background() + _incident(at), key=lambda p: (p.created_at, p.id))
    cut = at + timedelta(hours=4)  # the fifth post is at the cut
    early = [p for p in posts if p.created_at < cut]
    settings = TrendSettings()

    def episodes(chosen: list[Post]) -> set[tuple[str, int, int, float]]:
        columns = PostColumns.of(chosen)
        members = memberships(columns, copies(columns, _vectors(chosen), settings), settings)
        grid = Grid.covering(float(columns.stamp[0]), float(columns.stamp[-1]))
        counts = count_voices(columns, members, grid, settings)
        last = int(grid.hour_of(np.array([cut.timestamp()]))[0])
        found = score_windows(counts, members, settings, evaluate=(0, last))
        return {(members.keys[e.series].name, e.window, e.first, round(e.score, 6)) for e in found}

    before_cut = episodes(early)
    assert before_cut  # the incident had already fired by then
    assert before_cut == episodes(posts)


def test_an_incremental_run_keeps_ids_and_judges_only_new_hours() -> None:
    at = START + timedelta(days=20, hours=19)
    posts = _background() + _incident(at)
    full = _detect(posts)
    later = _detect(posts, judge_from=at + timedelta(days=2))
    assert full and later == []
    again = _detect(posts, judge_from=at - timedelta(hours=1))
    assert [e.episode_id for e in again] == [e.episode_id for e in full]


def test_a_story_everywhere_is_national() -> None:
    at = START + timedelta(days=20, hours=9)
    story = [
        _post(
            50_000 + k,
            at + timedelta(minutes=15 * k),
            text=f"ค่าไฟขึ้นอีกแล้ว บ้านที่{PROVINCES[k % 8]}ก็โดน {WORDS[k % 10]}{k}",
            province=PROVINCES[k % 8],
            category=Category.electricity,
        )
        for k in range(24)
    ]
    found = _detect(_background() + story)
    assert found and all(e.scope == "national" and e.province is None for e in found)


def test_a_new_cluster_emerges_without_category_or_place() -> None:
    posts = sorted(_background(), key=lambda p: (p.created_at, p.id))
    vectors = _vectors(posts)
    at = START + timedelta(days=20, hours=10)
    direction = np.zeros(DIM, dtype=np.float32)
    direction[0] = 1.0
    new = []
    for k in range(6):
        post = _post(
            40_000 + k,
            at + timedelta(hours=k),
            text=f"แอปรับเงินใหม่หักเงินเกิน {WORDS[k]}",
            province=None,
            category=Category.consumer,
        )
        new.append(post)
    jitter = np.random.default_rng(9).normal(scale=0.2, size=(6, DIM)).astype(np.float32)
    new_vectors = direction + jitter
    new_vectors /= np.linalg.norm(new_vectors, axis=1, keepdims=True)
    vectors = vectors - np.outer(vectors[:, 0], direction)  # nothing earlier points that way
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    everything = posts + new
    order = np.argsort([p.created_at.timestamp() for p in everything], kind="stable")
    stacked = np.vstack([vectors, new_vectors])[order]
    chosen = [everything[i] for i in order]
    found = detect_emergences(chosen, stacked, TrendSettings())
    assert len(found) == 1  # the category fired too: one grievance, several series
    [e] = found
    assert e.kind == "new_cluster" or "new_cluster:x:p40000@24h" in e.also
    assert {f"x:p{40_000 + k}" for k in range(6)} == set(e.post_ids)
    assert e.detected_at <= at + timedelta(hours=5)
    # With the category's own series switched off, only the new cluster sees it.
    quiet = TrendSettings(windows_hours=[24], min_voices={24: 50})
    [only] = detect_emergences(chosen, stacked, quiet)
    assert only.kind == "new_cluster" and only.series == "new_cluster:x:p40000"


def test_a_new_cluster_is_carried_into_the_topic_its_posts_join() -> None:
    from topics.service import carry_into_topics

    posts = _incident(START + timedelta(days=20))
    found = _detect(_background() + posts)
    assert found
    unheld = found[0].model_copy(update={"topic_id": None})
    for post in posts:
        post.topic_id = 17  # what the next BERTopic update decided
    [carried] = carry_into_topics([unheld], posts)
    assert carried.topic_id == 17 and carried.episode_id == unheld.episode_id
    assert carry_into_topics([carried], posts) == []  # already held: nothing to carry
