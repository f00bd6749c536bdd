"""The embedded store's in-memory kNN matrix: exact answers, and in step with every writer."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from domain.errors import StoreError
from domain.models import Category, Post
from storage.base import PostQuery
from storage.embedded import EmbeddedStore
from tests.conftest import T0, make_post

_WORDS = ("น้ำประปา", "ไฟดับ", "ถนน", "ขยะ", "รถติด", "เสียงดัง", "หมาจร", "ฝุ่น")
_PROVINCES = ("นนทบุรี", "สงขลา", "เชียงใหม่")
_PLATFORMS = ("x", "facebook", "pantip")
_SENTIMENTS = ("negative", "neutral", "positive")
_DIM = 12


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    backend = EmbeddedStore(tmp_path / "knn.db")
    yield backend
    backend.close()


def _sql(path: Path, statement: str) -> object:
    """One statement on a connection of its own (another process's), committed."""
    db = sqlite3.connect(path)
    try:
        row = db.execute(statement).fetchone()
        db.commit()
        return row[0] if row else None
    finally:
        db.close()


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=-1, keepdims=True)).astype(np.float32)


def _random_corpus(store: EmbeddedStore, n: int = 300) -> dict[str, np.ndarray]:
    """``n`` posts with random labels; most with a vector, some sharing one (ties)."""
    rng = np.random.default_rng(7)
    vectors = _unit(rng.standard_normal((n, _DIM)))
    vectors[40:60] = vectors[3]  # a tie group scattered over the matrix with post 3
    vectors[n - 5 :] = vectors[3]
    categories = list(Category)
    posts = []
    for i in range(n):
        tokens = list(rng.choice(_WORDS, size=3, replace=False))
        posts.append(
            make_post(
                f"{i:04d}",
                " ".join(tokens),
                platform=_PLATFORMS[i % 3],
                created_at=T0 + timedelta(hours=int(rng.integers(0, 24 * 30))),
                province=_PROVINCES[int(rng.integers(0, 3))] if rng.random() < 0.8 else None,
                sentiment=_SENTIMENTS[int(rng.integers(0, 3))],
                category=categories[int(rng.integers(0, len(categories)))],
                tokens=tokens,
            )
        )
    store.upsert_posts(posts)
    with_vector = [i for i in range(n) if i % 10 != 9]  # every tenth post has no vector
    store.save_enrichment([posts[i] for i in with_vector], vectors[with_vector])
    store.save_enrichment([posts[i] for i in range(n) if i % 10 == 9], None)
    store.assign_topics({posts[i].id: i % 4 for i in range(0, n, 2)})
    return {posts[i].id: vectors[i] for i in with_vector}


def _exact(
    store: EmbeddedStore, vectors: dict[str, np.ndarray], vector: np.ndarray, query: PostQuery
) -> list[tuple[str, float]]:
    """Brute force: the posts ``iter_posts`` lets through, score descending, then id."""
    allowed = [p.id for p in store.iter_posts(query) if p.id in vectors]
    wide = vector.astype(np.float64)
    scored = [(pid, float(vectors[pid].astype(np.float64) @ wide)) for pid in allowed]
    return sorted(scored, key=lambda item: (-item[1], item[0]))


_QUERIES = {
    "none": PostQuery(),
    "terms": PostQuery(terms=("น้ำประปา",)),
    "two_terms": PostQuery(terms=("ไฟดับ", "ถนน")),
    "time": PostQuery(start=T0 + timedelta(days=10), end=T0 + timedelta(days=20)),
    "platforms": PostQuery(platforms=("x", "pantip")),
    "province": PostQuery(province="สงขลา"),
    "sentiment": PostQuery(sentiment="positive"),
    "category": PostQuery(category="electricity"),
    "topic": PostQuery(topic_id=2),
    "grievance": PostQuery(is_grievance=True),
    "not_grievance": PostQuery(is_grievance=False),
    "ids": PostQuery(ids=("x:0003", "facebook:0040", "pantip:0050", "x:0009", "x:0299")),
    "no_ids": PostQuery(ids=()),
    "everything": PostQuery(
        terms=("ขยะ",), start=T0, end=T0 + timedelta(days=25), province="นนทบุรี", is_grievance=True
    ),
    "nothing": PostQuery(province="ภูเก็ต"),
}


def test_every_filter_gives_the_exact_brute_force_answer(store: EmbeddedStore) -> None:
    vectors = _random_corpus(store)
    rng = np.random.default_rng(1)
    probes = [*_unit(rng.standard_normal((4, _DIM))), vectors["x:0003"]]  # the last: ties
    sizes = {name: len(_exact(store, vectors, probes[0], q)) for name, q in _QUERIES.items()}
    assert sizes["none"] == 270 and sizes["nothing"] == 0 and sizes["no_ids"] == 0
    assert all(
        0 < sizes[name] < 270 for name in _QUERIES if name not in {"none", "nothing", "no_ids"}
    )
    for name, query in _QUERIES.items():
        for probe in probes:
            expected = _exact(store, vectors, probe, query)
            for k in (1, 7, 30, 1_000):
                got = store.nearest_posts(probe, k=k, query=query)
                assert [pid for pid, _ in got] == [pid for pid, _ in expected[:k]], (name, k)
                assert [s for _, s in got] == pytest.approx([s for _, s in expected[:k]], abs=1e-6)


def test_ties_go_to_the_smallest_post_ids(store: EmbeddedStore) -> None:
    vectors = _random_corpus(store)
    tied = sorted(pid for pid, v in vectors.items() if np.array_equal(v, vectors["x:0003"]))
    assert len(tied) == 23
    top = store.nearest_posts(vectors["x:0003"], k=10)
    assert [pid for pid, _ in top] == tied[:10]
    assert len({score for _, score in top}) == 1
    # Written after the first search, in reverse id order: their rows run against the ids.
    late = [make_post(f"t{i:02d}", "ฝุ่น", platform="bluesky") for i in range(12)][::-1]
    store.upsert_posts(late)
    store.save_enrichment(late, np.repeat(vectors["x:0003"][None, :], len(late), axis=0))
    top = store.nearest_posts(vectors["x:0003"], k=10)
    assert [pid for pid, _ in top] == [f"bluesky:t{i:02d}" for i in range(10)]
    # A narrow filter (its rows gathered) and a broad one (every row scored) agree.
    narrow = PostQuery(platforms=("bluesky",))
    broad = PostQuery(start=T0 - timedelta(days=1))
    assert store.nearest_posts(vectors["x:0003"], k=10, query=narrow) == top
    assert store.nearest_posts(vectors["x:0003"], k=10, query=broad) == top


def test_writes_after_the_first_search_are_found(store: EmbeddedStore) -> None:
    vectors = _random_corpus(store, n=50)
    probe = _unit(np.arange(_DIM, dtype=np.float64) - 5.5)
    assert store.nearest_posts(probe, k=1)[0][0] != "x:new"  # the matrix is loaded now

    new = make_post("new", "ไฟดับ ถนน", province="สงขลา", category=Category.electricity)
    store.upsert_posts([new])
    store.save_enrichment([new], probe[None, :])
    assert store.nearest_posts(probe, k=1) == [("x:new", pytest.approx(1.0))]
    assert store.nearest_posts(probe, k=1, query=PostQuery(province="สงขลา"))[0][0] == "x:new"

    # re-enriched with another vector: found by the new one, scored by it
    old = store.get_post("x:0003")
    assert old is not None
    store.save_enrichment([old], -probe[None, :])
    farthest = store.nearest_posts(probe, k=len(vectors) + 1)[-1]
    assert farthest == ("x:0003", pytest.approx(-1.0))

    # edited: the post waits for enrichment again, without a vector, so kNN leaves it out
    store.upsert_posts([new.model_copy(update={"text": "แก้ไขแล้ว", "enrichment": None})])
    assert "x:new" not in {pid for pid, _ in store.nearest_posts(probe, k=100)}


def test_the_matrix_grows_past_its_first_allocation(store: EmbeddedStore) -> None:
    assert store.nearest_posts(np.ones(4, np.float32), k=3) == []  # loaded, empty
    rng = np.random.default_rng(3)
    vectors = _unit(rng.standard_normal((1_500, 4)))
    posts = [make_post(f"g{i:04d}", "ขยะ") for i in range(1_500)]
    store.upsert_posts(posts)
    for start in range(0, 1_500, 500):  # three refreshes, the matrix grows on the way
        store.save_enrichment(posts[start : start + 500], vectors[start : start + 500])
        assert store.nearest_posts(vectors[start], k=1)[0][0] == posts[start].id
    exact = np.argsort(-(vectors.astype(np.float64) @ vectors[7]), kind="stable")[:20]
    assert [pid for pid, _ in store.nearest_posts(vectors[7], k=20)] == [posts[i].id for i in exact]


def test_a_second_store_on_the_file_sees_the_first_ones_writes(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    writer, reader = EmbeddedStore(path), EmbeddedStore(path)
    try:
        _random_corpus(writer, n=50)
        probe = _unit(np.linspace(-1, 1, _DIM))
        before = reader.nearest_posts(probe, k=3)  # the reader loads its matrix
        assert len(before) == 3

        added = make_post("fresh", "น้ำประปา", province="เชียงใหม่")
        writer.upsert_posts([added])
        writer.save_enrichment([added], probe[None, :])
        assert reader.nearest_posts(probe, k=1)[0][0] == "x:fresh"
        in_province = reader.nearest_posts(probe, k=1, query=PostQuery(province="เชียงใหม่"))
        assert in_province[0][0] == "x:fresh"

        moved = writer.get_post(before[0][0])
        assert moved is not None
        writer.save_enrichment([moved], -probe[None, :])
        assert before[0][0] not in {pid for pid, _ in reader.nearest_posts(probe, k=3)}

        writer.upsert_posts([added.model_copy(update={"text": "ข้อความใหม่", "enrichment": None})])
        assert "x:fresh" not in {pid for pid, _ in reader.nearest_posts(probe, k=50)}
        assert reader.nearest_posts(probe, k=3) == writer.nearest_posts(probe, k=3)
    finally:
        writer.close()
        reader.close()


def test_deleted_posts_do_not_linger(tmp_path: Path) -> None:
    """The store has no delete yet; a post deleted in SQL (a retention job, say) takes its
    vector along, and a post that later gets the freed rowid does not inherit it."""
    path = tmp_path / "deleted.db"
    store = EmbeddedStore(path)
    try:
        posts = [make_post(f"{i}", "ฝุ่น") for i in range(5)]
        vectors = np.eye(5, _DIM, dtype=np.float32)
        store.upsert_posts(posts)
        store.save_enrichment(posts, vectors)
        assert store.nearest_posts(vectors[4], k=1)[0][0] == "x:4"

        rowid = _sql(path, "SELECT rowid FROM posts WHERE id='x:4'")
        _sql(path, "DELETE FROM posts WHERE id='x:4'")  # another process, with no store
        assert "x:4" not in {pid for pid, _ in store.nearest_posts(vectors[4], k=5)}

        late = make_post("late", "ฝุ่น")
        store.upsert_posts([late])
        assert _sql(path, "SELECT rowid FROM posts WHERE id='x:late'") == rowid
        assert "x:late" not in {pid for pid, _ in store.nearest_posts(vectors[4], k=5)}
        assert store.nearest_posts(vectors[4], k=5, query=PostQuery(ids=("x:late",))) == []
    finally:
        store.close()


def test_no_neighbours_asked_and_a_query_of_another_dimension(store: EmbeddedStore) -> None:
    vectors = _random_corpus(store, n=20)
    assert store.nearest_posts(vectors["x:0003"], k=0) == []
    with pytest.raises(StoreError, match="12-d post vectors"):
        store.nearest_posts(np.ones(5, np.float32), k=3)


def test_a_store_file_from_before_the_log_is_loaded_whole(tmp_path: Path) -> None:
    """Vectors written before the log existed (no triggers) are found all the same."""
    path = tmp_path / "old.db"
    store = EmbeddedStore(path)
    posts: list[Post] = [make_post(f"{i}", "ถนน") for i in range(3)]
    store.upsert_posts(posts)
    store.save_enrichment(posts, np.eye(3, _DIM, dtype=np.float32))
    store.close()
    for statement in (
        "DROP TRIGGER post_vectors_logged_insert",
        "DROP TRIGGER post_vectors_logged_update",
        "DROP TRIGGER post_vectors_logged_delete",
        "DROP TABLE post_vector_log",
    ):
        _sql(path, statement)
    reopened = EmbeddedStore(path)
    try:
        assert reopened.nearest_posts(np.eye(3, _DIM)[2], k=1) == [("x:2", 1.0)]
        late = make_post("late", "ถนน")
        reopened.upsert_posts([late])
        reopened.save_enrichment([late], -np.eye(1, _DIM, dtype=np.float32))
        assert reopened.nearest_posts(-np.eye(1, _DIM)[0], k=1) == [("x:late", 1.0)]
    finally:
        reopened.close()
