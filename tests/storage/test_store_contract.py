"""The store contract: every backend must pass these (issue 3 adds Elasticsearch)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from domain.models import (
    Alert,
    AlertRule,
    ApiKey,
    AuditEntry,
    Category,
    Complaint,
    ComplaintStatusChange,
    LinkDecision,
    PostComplaintLink,
    QuarantinedRecord,
    SourceRun,
    Topic,
)
from domain.settings import LinkSettings
from linking.service import complaints_for_topic, link_store
from storage.base import AlertQuery, ComplaintQuery, EmergenceQuery, Page, PostQuery, Store
from storage.embedded import EmbeddedStore
from tests.conftest import T0, make_emergence, make_post


@pytest.fixture(params=["embedded", pytest.param("elasticsearch", marks=pytest.mark.integration)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "elasticsearch":
        yield request.getfixturevalue("es_store")
        return
    backend = EmbeddedStore(tmp_path / "contract.db")
    yield backend
    backend.close()


def _seed(store: Store) -> None:
    posts = [
        make_post("1", "น้ำประปา เค็ม บางบัวทอง", province="นนทบุรี", created_at=T0),
        make_post("2", "น้ำประปา ขุ่น ปากเกร็ด", province="นนทบุรี", created_at=T0 + timedelta(hours=1)),
        make_post(
            "3",
            "ไฟดับ หาดใหญ่",
            province="สงขลา",
            category=Category.electricity,
            created_at=T0 + timedelta(hours=1, minutes=30),
        ),
        make_post(
            "4",
            "กิน ส้มตำ อร่อย",
            sentiment="positive",
            category=Category.none,
            created_at=T0 + timedelta(days=1),
        ),
        make_post(
            "5",
            "ไฟดับ อีกแล้ว",
            platform="pantip",
            province="สงขลา",
            category=Category.electricity,
            created_at=T0 + timedelta(days=1, hours=2),
        ),
    ]
    store.upsert_posts([p.model_copy(update={"enrichment": None}) for p in posts])
    vectors = np.eye(5, 4, dtype=np.float32)
    vectors[4] = [0.0, 0.0, 0.6, 0.8]
    store.save_enrichment(posts, vectors)


def test_upsert_is_idempotent_by_id(store: Store) -> None:
    posts = [make_post(str(i), enriched=False) for i in range(3)]
    first = store.upsert_posts(posts)
    again = store.upsert_posts(posts)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert store.count_posts() == 3


def test_unchanged_reingest_keeps_enrichment_and_edit_clears_it(store: Store) -> None:
    _seed(store)
    raw = store.get_post("x:1")
    assert raw is not None and raw.enrichment is not None
    store.upsert_posts(
        [raw.model_copy(update={"enrichment": None, "collected_at": T0 + timedelta(days=3)})]
    )
    kept = store.get_post("x:1")
    assert kept is not None and kept.enrichment is not None
    counts = store.upsert_posts([raw.model_copy(update={"text": "แก้ไขแล้ว", "enrichment": None})])
    assert counts.updated == 1
    edited = store.get_post("x:1")
    assert edited is not None and edited.enrichment is None and edited.text == "แก้ไขแล้ว"
    assert [p.id for p in store.iter_posts(unenriched=True)] == ["x:1"]


def test_save_enrichment_twice_changes_nothing(store: Store) -> None:
    _seed(store)
    posts = sorted(store.iter_posts(), key=lambda p: p.id)
    vectors = store.post_vectors([p.id for p in posts])
    assert store.save_enrichment(posts, vectors) == 0


def test_full_text_search_matches_every_thai_token(store: Store) -> None:
    _seed(store)
    assert {p.id for p in store.search_posts(PostQuery(terms=("น้ำประปา",))).posts} == {"x:1", "x:2"}
    assert [p.id for p in store.search_posts(PostQuery(terms=("น้ำประปา", "เค็ม"))).posts] == ["x:1"]
    assert store.search_posts(PostQuery(terms=("รถติด",))).total == 0


def test_filters(store: Store) -> None:
    _seed(store)

    def ids(**kwargs: object) -> set[str]:
        return {p.id for p in store.search_posts(PostQuery(**kwargs), Page(limit=50)).posts}  # type: ignore[arg-type]

    assert ids(province="สงขลา") == {"x:3", "pantip:5"}
    assert ids(platforms=("pantip",)) == {"pantip:5"}
    assert ids(sentiment="positive") == {"x:4"}
    assert ids(category="electricity") == {"x:3", "pantip:5"}
    assert ids(start=T0 + timedelta(hours=1), end=T0 + timedelta(days=1)) == {"x:2", "x:3"}
    assert ids(is_grievance=False) == {"x:4"}
    store.assign_topics({"x:1": 7, "x:2": 7})
    assert ids(topic_id=7) == {"x:1", "x:2"}


def test_sort_and_pagination(store: Store) -> None:
    _seed(store)
    newest = store.search_posts(PostQuery(), Page(limit=2, offset=0, sort="newest"))
    rest = store.search_posts(PostQuery(), Page(limit=10, offset=2, sort="newest"))
    assert newest.total == 5
    assert [p.id for p in newest.posts] == ["pantip:5", "x:4"]
    assert [p.id for p in rest.posts] == ["x:3", "x:2", "x:1"]


def test_counts_per_hour_and_day_by_dimension(store: Store) -> None:
    _seed(store)
    hourly = store.counts(interval="hour")
    assert [(b.time.hour, b.count) for b in hourly if b.time] == [(9, 1), (10, 2), (9, 1), (11, 1)]
    daily = store.counts(interval="day", by="province")
    assert {(b.time.day, b.key, b.count) for b in daily if b.time} == {
        (1, "นนทบุรี", 2),
        (1, "สงขลา", 1),
        (2, None, 1),
        (2, "สงขลา", 1),
    }
    by_sentiment = {b.key: b.count for b in store.counts(by="sentiment")}
    assert by_sentiment == {"negative": 4, "positive": 1}
    by_category = {b.key: b.count for b in store.counts(by="category")}
    assert by_category == {"electricity": 2, "none": 1, "water_supply": 2}
    # Day buckets follow Asia/Bangkok: 23:30 Bangkok on 1 Nov is still 1 Nov.
    late = make_post("late", created_at=T0.replace(hour=23, minute=30), enriched=False)
    store.upsert_posts([late])
    days = {b.time.day: b.count for b in store.counts(interval="day") if b.time}
    assert days[1] == 4
    assert all(b.time.utcoffset() == timedelta(hours=7) for b in hourly if b.time)


def test_nearest_neighbours_with_filters(store: Store) -> None:
    _seed(store)
    query = np.array([0.0, 0.0, 0.6, 0.8], dtype=np.float32)
    top = store.nearest_posts(query, k=2)
    assert [pid for pid, _ in top] == ["pantip:5", "x:4"]
    assert top[0][1] == pytest.approx(1.0)
    filtered = store.nearest_posts(query, k=2, query=PostQuery(province="นนทบุรี"))
    assert {pid for pid, _ in filtered} == {"x:1", "x:2"}


def test_complaints_topics_links_alerts_quarantine(store: Store) -> None:
    complaint = Complaint(
        complaint_id="1111-1",
        filed_at=T0,
        channel="hotline_1111",
        category=Category.water_supply,
        province="นนทบุรี",
        subject="น้ำเค็ม",
    )
    assert store.upsert_complaints([complaint]).created == 1
    assert store.upsert_complaints([complaint]).unchanged == 1
    assert store.get_complaint("1111-1") == complaint

    topic = Topic(
        topic_id=3,
        label="น้ำประปา · เค็ม",
        keywords=[],
        size=2,
        first_seen=T0,
        last_seen=T0,
        spike_score=9.5,
    )
    store.replace_topics([topic])
    store.replace_topics([topic])
    assert store.list_topics() == [topic]
    assert store.get_topic(3) == topic and store.get_topic(4) is None

    link = PostComplaintLink(post_id="x:1", complaint_id="1111-1", score=0.9, explanation="same")
    store.replace_links([link, link])
    assert store.links_for_complaint("1111-1") == [link]
    assert store.links_for_post("x:1") == [link]
    assert store.count_links() == 1

    alert = Alert(
        alert_id="a1",
        rule="r",
        kind="topic_spike",
        subject="s",
        triggered_at=T0,
        window_start=T0,
        score=9.0,
        observed=10,
        expected=0.5,
    )
    assert store.add_alerts([alert]) == 1
    assert store.add_alerts([alert]) == 0
    assert store.list_alerts() == [alert]

    bad = QuarantinedRecord(
        stage="ingest", source="f", reason="line 3: bad", payload="{", received_at=T0
    )
    assert store.quarantine([bad]) == 1
    assert store.quarantine([bad]) == 0
    assert store.count_quarantine(stage="ingest") == 1
    assert store.list_quarantine() == [bad]


def test_complaint_history_place_and_source_round_trip(store: Store) -> None:
    complaint = Complaint(
        complaint_id="traffy:2026-ABCDEF",
        filed_at=T0,
        channel="traffy",
        source="traffy",
        category=Category.road_traffic,
        province="กรุงเทพมหานคร",
        district="ห้วยขวาง",
        subdistrict="สามเสนนอก",
        lat=13.78,
        lon=100.58,
        subject="ถนนเป็นหลุม",
        status="in_progress",
        history=[
            ComplaintStatusChange(at=T0, status="received", source_status="รอรับเรื่อง"),
            ComplaintStatusChange(
                at=T0 + timedelta(hours=5), status="in_progress", agency="สำนักงานเขตห้วยขวาง"
            ),
        ],
        updated_at=T0 + timedelta(hours=5),
    )
    assert store.upsert_complaints([complaint]).created == 1
    assert store.get_complaint(complaint.complaint_id) == complaint
    moved = complaint.model_copy(update={"status": "resolved"})
    assert store.upsert_complaints([moved]).updated == 1
    assert store.get_complaint(complaint.complaint_id) == moved


def test_links_by_posts_upserts_and_officer_decisions(store: Store) -> None:
    links = [
        PostComplaintLink(post_id="x:1", complaint_id="c1", score=0.7, explanation="a"),
        PostComplaintLink(post_id="x:2", complaint_id="c1", score=0.9, explanation="b"),
        PostComplaintLink(post_id="x:3", complaint_id="c2", score=0.8, explanation="c"),
    ]
    store.replace_links(links)
    assert [lk.post_id for lk in store.links_for_posts(["x:1", "x:2", "x:9"])] == ["x:2", "x:1"]
    confirmed = LinkDecision(
        post_id="x:1", complaint_id="c1", verdict="confirmed", by="officer-a", at=T0
    )
    rejected = LinkDecision(
        post_id="x:1",
        complaint_id="c1",
        verdict="rejected",
        by="officer-b",
        at=T0 + timedelta(minutes=5),
        note="ถนนคนละซอย",
    )
    assert store.add_link_decision(rejected) is True
    assert store.add_link_decision(confirmed) is True
    assert store.add_link_decision(confirmed) is False  # the same decision twice is one
    other = LinkDecision(post_id="x:3", complaint_id="c2", verdict="confirmed", by="a", at=T0)
    assert store.add_link_decision(other) is True
    assert store.link_decisions(complaint_id="c1") == [confirmed, rejected]  # oldest first
    assert store.link_decisions(post_id="x:3") == [other]
    assert len(store.link_decisions()) == 3
    decided = links[0].model_copy(update={"decision": rejected, "score": 0.2})
    store.upsert_links([decided])
    assert store.links_for_post("x:1") == [decided]
    assert store.count_links() == 3


def test_linking_with_decisions_and_topics_on_every_backend(store: Store) -> None:
    """The linking stage reads and writes only through the store, so it agrees everywhere."""
    _seed(store)
    store.assign_topics({"x:1": 0, "x:2": 0, "x:3": 1, "x:5": 1})
    water = Complaint(
        complaint_id="c-water",
        filed_at=T0 - timedelta(hours=2),
        channel="1111",
        category=Category.water_supply,
        province="นนทบุรี",
        subject="น้ำประปา เค็ม",
        tokens=["น้ำประปา", "เค็ม", "บางบัวทอง"],
    )
    power = water.model_copy(
        update={
            "complaint_id": "c-power",
            "category": Category.electricity,
            "province": "สงขลา",
            "subject": "ไฟดับ",
            "tokens": ["ไฟดับ", "หาดใหญ่"],
        }
    )
    store.upsert_complaints([water, power], np.array([[1, 0, 0, 0], [0, 0, 1, 0]], np.float32))
    settings = LinkSettings()
    assert link_store(store, settings) > 0
    proposed = {(lk.post_id, lk.complaint_id) for lk in store.links_for_complaint("c-water")}
    assert ("x:1", "c-water") in proposed and ("x:3", "c-water") not in proposed
    store.add_link_decision(
        LinkDecision(post_id="x:1", complaint_id="c-water", verdict="rejected", by="o", at=T0)
    )
    link_store(store, settings)
    [rejected] = [lk for lk in store.links_for_post("x:1") if lk.complaint_id == "c-water"]
    assert rejected.decision is not None and rejected.decision.verdict == "rejected"
    related = complaints_for_topic(store, ["x:3", "x:5"])
    assert [r.complaint.complaint_id for r in related] == ["c-power"]
    assert related[0].linked_posts >= 1


def test_api_keys_audit_alert_rules_and_alert_status(store: Store) -> None:
    key = ApiKey(key_id="k1234567", name="officer-a", role="officer", secret_sha256="a" * 64,
                 created_at=T0)  # fmt: skip
    store.put_api_key(key)
    assert store.get_api_key("k1234567") == key and store.get_api_key("nope0000") is None
    revoked = key.model_copy(update={"revoked_at": T0 + timedelta(days=1)})
    store.put_api_key(revoked)
    assert store.list_api_keys() == [revoked]
    entries = [
        AuditEntry(at=T0 + timedelta(seconds=i), key_id="k1234567", name="officer-a",
                   role="officer", action="read_complaint", resource=f"complaint:c{i % 2}")
        for i in range(3)
    ]  # fmt: skip
    store.add_audit(entries)
    assert store.list_audit(resource="complaint:c0") == [entries[2], entries[0]]  # newest first
    assert len(store.list_audit()) == 3
    rule = AlertRule(name="flood", kind="keyword", keyword="น้ำท่วม", recipients=["a@example.go.th"])
    assert store.put_alert_rule(rule) is True
    assert store.put_alert_rule(rule.model_copy(update={"threshold": 20})) is False
    assert [r.threshold for r in store.list_alert_rules()] == [20]
    assert store.delete_alert_rule("flood") is True and store.delete_alert_rule("flood") is False
    alert = Alert(alert_id="a9", rule="r", kind="keyword", subject="s", triggered_at=T0,
                  window_start=T0, score=7.0, observed=12, expected=1.0)  # fmt: skip
    store.add_alerts([alert])
    assert store.set_alert_status(["a9", "missing"], "sent") == 1
    assert store.set_alert_status(["a9"], "sent") == 0
    assert [a.status for a in store.list_alerts(status="sent")] == ["sent"]
    assert store.list_alerts(status="pending") == []


def test_the_alert_history_filters_and_pages(store: Store) -> None:
    alerts = [
        Alert(alert_id=f"a{i}", rule="flood" if i % 2 else "power", kind="keyword",
              subject="s", triggered_at=T0 + timedelta(hours=i), window_start=T0, score=7.0,
              observed=12, expected=1.0, status="sent" if i < 3 else "pending")
        for i in range(6)
    ]  # fmt: skip
    store.add_alerts(alerts)

    def ids(query: AlertQuery, **page: int) -> tuple[int, list[str]]:
        total, found = store.search_alerts(query, **page)
        return total, [a.alert_id for a in found]

    assert ids(AlertQuery()) == (6, ["a5", "a4", "a3", "a2", "a1", "a0"])
    assert ids(AlertQuery(), limit=2, offset=3) == (6, ["a2", "a1"])
    assert ids(AlertQuery(rule="flood", status="pending")) == (2, ["a5", "a3"])
    assert ids(AlertQuery(kind="keyword", status="sent")) == (3, ["a2", "a1", "a0"])
    assert ids(AlertQuery(kind="emerging")) == (0, [])
    window = AlertQuery(start=T0 + timedelta(hours=1), end=T0 + timedelta(hours=3))
    assert ids(window) == (2, ["a2", "a1"])
    assert store.get_alert("a4") == alerts[4] and store.get_alert("nope") is None


def test_complaint_search_filters_and_words(store: Store) -> None:
    def complaint(i: int, **kw: object) -> Complaint:
        base: dict[str, object] = dict(
            complaint_id=f"c{i}", filed_at=T0 + timedelta(days=i), channel="1111",
            category=Category.water_supply, province="นนทบุรี", subject="น้ำประปาไม่ไหล",
            tokens=["น้ำประปา", "ไม่", "ไหล"],
        )  # fmt: skip
        return Complaint.model_validate(base | kw)

    store.upsert_complaints(
        [
            complaint(1),
            complaint(2, status="resolved"),
            complaint(3, province="สงขลา", category=Category.electricity, subject="ไฟดับ",
                      tokens=["ไฟดับ", "หาดใหญ่"], channel="traffy"),
        ]
    )  # fmt: skip
    total, page = store.search_complaints(ComplaintQuery(), limit=2)
    assert total == 3 and [c.complaint_id for c in page] == ["c3", "c2"]  # newest filed first
    assert [c.complaint_id for c in store.search_complaints(ComplaintQuery(), offset=2)[1]] == [
        "c1"
    ]
    assert store.search_complaints(ComplaintQuery(terms=("ไฟดับ",)))[0] == 1
    assert store.search_complaints(ComplaintQuery(terms=("น้ำประปา", "ไหล")))[0] == 2
    assert store.search_complaints(ComplaintQuery(status="resolved"))[1][0].complaint_id == "c2"
    assert store.search_complaints(ComplaintQuery(channel="traffy"))[0] == 1
    window = ComplaintQuery(start=T0 + timedelta(days=2), end=T0 + timedelta(days=3))
    assert [c.complaint_id for c in store.search_complaints(window)[1]] == ["c2"]


def test_hybrid_search_fuses_lexical_and_vector_ranks(store: Store) -> None:
    from storage.hybrid import reciprocal_rank_fusion, search

    assert reciprocal_rank_fusion([["a", "b"], ["b", "c"]]) == [
        ("b", 1 / 62 + 1 / 61),
        ("a", 1 / 61),
        ("c", 1 / 62),
    ]
    _seed(store)
    vector = np.array([0.0, 1.0, 0.0, 0.0], dtype=np.float32)  # nearest: x:2
    ranked = search(store, PostQuery(terms=("น้ำประปา",)), Page(limit=3), mode="hybrid",
                    vector=vector)  # fmt: skip
    assert ranked.posts[0].id == "x:2"  # in both lists, so first
    assert {p.id for p in ranked.posts} <= {"x:1", "x:2", "x:3", "x:4", "pantip:5"}
    filtered = search(store, PostQuery(province="สงขลา"), Page(limit=5), mode="hybrid",
                      vector=vector)  # fmt: skip
    assert {p.id for p in filtered.posts} == {"x:3", "pantip:5"} and filtered.total == 2


def test_semantic_search_and_similar_posts_keep_every_filter(store: Store) -> None:
    from storage.hybrid import search, similar

    _seed(store)
    vector = np.array([0.0, 1.0, 0.0, 0.0], dtype=np.float32)
    everything = search(store, PostQuery(), Page(limit=10), mode="semantic", vector=vector)
    assert everything.posts[0].id == "x:2" and everything.total == store.count_posts()
    assert everything.scores == sorted(everything.scores, reverse=True)
    second = search(store, PostQuery(), Page(limit=2, offset=1), mode="semantic", vector=vector)
    assert [p.id for p in second.posts] == [p.id for p in everything.posts[1:3]]
    south = search(store, PostQuery(province="สงขลา"), Page(limit=10), mode="semantic",
                   vector=vector)  # fmt: skip
    assert {p.id for p in south.posts} == {"x:3", "pantip:5"} and south.total == 2
    like = similar(store, "x:3", PostQuery(), Page(limit=10))
    assert like is not None and "x:3" not in {p.id for p in like.posts}
    assert like.total == store.count_posts() - 1
    like_south = similar(store, "x:3", PostQuery(province="สงขลา"), Page(limit=10))
    assert like_south is not None and [p.id for p in like_south.posts] == ["pantip:5"]
    assert similar(store, "x:999", PostQuery(), Page()) is None


def test_source_runs_add_up_per_source(store: Store) -> None:
    t0 = datetime(2026, 11, 8, 9, 0, tzinfo=UTC)
    ok = SourceRun(
        source="x-grievances",
        kind="x",
        started_at=t0,
        finished_at=t0 + timedelta(minutes=1),
        fetched=120,
        new=100,
        duplicate=15,
        quarantined=5,
    )
    failed = SourceRun(
        source="x-grievances",
        kind="x",
        started_at=t0 + timedelta(hours=1),
        finished_at=t0 + timedelta(hours=1, minutes=1),
        fetched=10,
        new=10,
        failed=1,
        error="HTTP 503 after 5 retries",
    )
    other = SourceRun(
        source="pantip-sinthorn", kind="pantip", started_at=t0, finished_at=t0, fetched=3, new=3
    )
    store.record_source_run(ok)
    store.record_source_run(other)
    totals = store.record_source_run(failed)
    assert (totals.runs, totals.fetched, totals.new, totals.duplicate) == (2, 130, 110, 15)
    assert (totals.quarantined, totals.failed) == (5, 1)
    assert totals.last_success_at == ok.finished_at
    assert totals.last_run_at == failed.finished_at
    assert totals.last_error == "HTTP 503 after 5 retries"
    listed = store.list_source_stats()
    assert [s.source for s in listed] == ["pantip-sinthorn", "x-grievances"]
    assert listed[1] == totals
    assert listed[0].last_error is None and listed[0].new == 3


def test_embedded_store_migrates_full_text_rows_to_post_rowids(tmp_path: Path) -> None:
    """Stores written before version 1 kept full-text rows under their own rowids."""
    path = tmp_path / "old.db"
    old = EmbeddedStore(path)
    _seed(old)
    old._db.execute("PRAGMA user_version = 0")
    rows = old._db.execute("SELECT id, body FROM posts_fts").fetchall()
    old._db.execute("DELETE FROM posts_fts")
    for offset, row in enumerate(rows):  # the old layout: rowids unrelated to the posts'
        old._db.execute(
            "INSERT INTO posts_fts(rowid, id, body) VALUES(?,?,?)", (1000 + offset, *row)
        )
    old.close()
    store = EmbeddedStore(path)
    assert store._db.execute("PRAGMA user_version").fetchone()[0] == 1
    found = store.search_posts(PostQuery(terms=("ไฟดับ",)))
    assert {p.id for p in found.posts} == {"x:3", "pantip:5"}
    store.close()


def test_emergences_upsert_list_and_watermark(store: Store) -> None:
    assert store.emergences_judged_until() is None
    first = [
        make_emergence(1, detected_at=T0 + timedelta(hours=2)),
        make_emergence(2, detected_at=T0 + timedelta(hours=30), province="ตราด", score=12.0),
    ]
    counts = store.upsert_emergences(first, judged_until=T0 + timedelta(hours=40))
    assert (counts.created, counts.updated, counts.unchanged) == (2, 0, 0)
    grown = first[0].model_copy(update={"score": 11.0, "observed": 7})
    counts = store.upsert_emergences([grown, first[1]], judged_until=T0 + timedelta(hours=20))
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 1)
    assert store.emergences_judged_until() == T0 + timedelta(hours=40)  # never moves back
    total, found = store.list_emergences()
    assert total == 2 and [e.episode_id for e in found] == ["ep2", "ep1"]  # strongest first
    assert found[1] == grown
    total, found = store.list_emergences(
        EmergenceQuery(detected_from=T0, detected_to=T0 + timedelta(hours=24))
    )
    assert total == 1 and found[0].episode_id == "ep1"
    total, found = store.list_emergences(EmergenceQuery(province="ตราด", min_score=10))
    assert [e.episode_id for e in found] == ["ep2"]
    assert store.list_emergences(EmergenceQuery(category="water_supply")) == (0, [])
    total, page = store.list_emergences(limit=1, offset=1)
    assert total == 2 and [e.episode_id for e in page] == ["ep1"]


def test_batch_reads_keep_the_order_asked_and_skip_unknown_ids(store: Store) -> None:
    _seed(store)
    got = store.get_posts(["pantip:5", "x:9", "x:1", "x:1", "x:3"])
    assert [p.id for p in got] == ["pantip:5", "x:1", "x:1", "x:3"]
    assert store.get_posts([]) == []
    complaints = [
        Complaint(complaint_id=f"c{n}", filed_at=T0 + timedelta(days=n % 3, minutes=n),
                  channel="1111", category=Category.road_traffic, subject=f"ถนน {n}")
        for n in range(7)
    ]  # fmt: skip
    store.upsert_complaints(complaints)
    assert [c.complaint_id for c in store.get_complaints(["c6", "nope", "c0"])] == ["c6", "c0"]
    every = [c.complaint_id for c in store.iter_complaints(batch_size=2)]
    expected = sorted(complaints, key=lambda c: (c.filed_at, c.complaint_id))
    assert every == [c.complaint_id for c in expected]  # oldest filed first, none twice
