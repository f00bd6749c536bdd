"""Both stores count the same posts for the same filtered query, and the right ones.

The corpus holds what made the embedded store count more than Elasticsearch: words that
differ only in a vowel or tone mark above or below a letter (FTS5's default tokenizer cut
Thai there), emoji and signs (which it dropped, so a query word made of them matched
everything), tokens with punctuation inside, whitespace and invisible marks inside a token,
a token longer than Lucene keeps, and times with fractions of a second.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from domain.models import Category, Post
from storage.base import Page, PostQuery, Store
from storage.elasticsearch import ElasticsearchStore
from storage.embedded import EmbeddedStore
from tests.conftest import T0, make_post

LONG = "ก" * 300

CORPUS: list[Post] = [
    make_post("1", "ไม่ มี น้ำ", tokens=["ไม่", "มี", "น้ำ"], province="นนทบุรี"),
    make_post("2", "ไม้ ล้ม ทับ ถนน", tokens=["ไม้", "ล้ม", "ทับ", "ถนน"], province="นนทบุรี"),
    make_post("3", "ที่ นี่ ไฟดับ", tokens=["ที่", "นี่", "ไฟดับ"], province="สงขลา"),
    make_post("4", "ทุก คน ไฟดับ 😡", tokens=["ทุก", "คน", "ไฟดับ", "😡"], province="สงขลา"),
    make_post("5", "#น้ำท่วม @ปภ", tokens=["#น้ำท่วม", "@ปภ"], category=Category.flood_water),
    make_post("6", "น้ำท่วม ปภ", tokens=["น้ำท่วม", "ปภ"], category=Category.flood_water),
    make_post("7", "covid-19 อบต.", tokens=["COVID-19", "อบต."], sentiment="neutral"),
    make_post("8", "covid 19", tokens=["covid", "19"], sentiment="neutral"),
    make_post("9", "กรุงเทพ มหานคร", tokens=["กรุงเทพ มหานคร"], platform="pantip"),
    make_post("10", "กรุงเทพ มหานคร", tokens=["กรุงเทพ", "มหานคร"], platform="pantip"),
    make_post("11", "ไฟดับ!!", tokens=["ไฟ\u200bดับ", "!!"]),
    make_post("12", LONG, tokens=[LONG]),
]
TIMED = [  # fractions of a second
    make_post("t1", "ไฟดับ", created_at=T0 + timedelta(days=2, seconds=0.3)),
    make_post("t2", "ไฟดับ", created_at=T0 + timedelta(days=2, seconds=0.7)),
    make_post("t3", "ไฟดับ", created_at=T0 + timedelta(days=2, seconds=1.2)),
]
ON_DAY_2 = T0 + timedelta(days=2)

# (query, the posts it must find)
EXPECTED: list[tuple[PostQuery, set[str]]] = [
    (PostQuery(terms=("ไม่",)), {"x:1"}),  # not ไม้
    (PostQuery(terms=("ไม้",)), {"x:2"}),
    (PostQuery(terms=("ที่",)), {"x:3"}),  # not ทุก, not ทับ
    (PostQuery(terms=("ไฟดับ",)), {"x:3", "x:4", "x:11", "x:t1", "x:t2", "x:t3"}),
    (PostQuery(terms=("ไฟดับ", "😡")), {"x:4"}),  # the emoji is a word to match
    (PostQuery(terms=("😡",)), {"x:4"}),
    (PostQuery(terms=("ไฟดับ", "!!")), {"x:11"}),
    (PostQuery(terms=("น้ำท่วม",)), {"x:6"}),  # a token is matched whole
    (PostQuery(terms=("#น้ำท่วม",)), {"x:5"}),
    (PostQuery(terms=("ปภ",)), {"x:6"}),
    (PostQuery(terms=("covid-19",)), {"x:7"}),
    (PostQuery(terms=("Covid",)), {"x:8"}),
    (PostQuery(terms=("อบต.",)), {"x:7"}),
    (PostQuery(terms=("กรุงเทพ มหานคร",)), {"pantip:9"}),  # one token with a space inside
    (PostQuery(terms=("กรุงเทพ", "มหานคร")), {"pantip:10"}),
    (PostQuery(terms=(LONG,)), {"x:12"}),
    (PostQuery(terms=("ก" * 255,)), {"x:12"}),  # the first piece Lucene keeps
    (PostQuery(terms=("ไม่",), province="นนทบุรี"), {"x:1"}),
    (PostQuery(terms=("ไฟดับ",), province="สงขลา"), {"x:3", "x:4"}),
    (PostQuery(category="flood_water"), {"x:5", "x:6"}),
    (PostQuery(sentiment="neutral", is_grievance=True), {"x:7", "x:8"}),
    (PostQuery(platforms=("pantip",)), {"pantip:9", "pantip:10"}),
    # Bounds are resolved to the second in both stores: [day 2 00:00:00, 00:00:01).
    (
        PostQuery(start=ON_DAY_2 + timedelta(seconds=0.5), end=ON_DAY_2 + timedelta(seconds=1.5)),
        {"x:t1", "x:t2"},
    ),
    (PostQuery(start=ON_DAY_2 + timedelta(seconds=0.9)), {"x:t1", "x:t2", "x:t3"}),
    (
        PostQuery(terms=("ไฟดับ",), end=ON_DAY_2 + timedelta(seconds=1.9)),
        {"x:3", "x:4", "x:11", "x:t1", "x:t2"},
    ),
]


@pytest.fixture(params=["embedded", pytest.param("elasticsearch", marks=pytest.mark.integration)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    backend: Store
    if request.param == "elasticsearch":
        backend = request.getfixturevalue("es_store")
    else:
        backend = EmbeddedStore(tmp_path / "parity.db")
    posts = CORPUS + TIMED
    backend.upsert_posts([p.model_copy(update={"enrichment": None}) for p in posts])
    vectors = np.random.default_rng(0).normal(size=(len(posts), 4)).astype(np.float32)
    backend.save_enrichment(posts, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))
    yield backend
    if isinstance(backend, EmbeddedStore):
        backend.close()


@pytest.mark.parametrize(
    ("query", "expected"), EXPECTED, ids=[str(i) for i in range(len(EXPECTED))]
)
def test_every_store_finds_exactly_these_posts(
    store: Store, query: PostQuery, expected: set[str]
) -> None:
    found = store.search_posts(query, Page(limit=50))
    assert {p.id for p in found.posts} == expected
    assert found.total == store.count_posts(query) == len(expected)
    assert sum(b.count for b in store.counts(query, interval="day")) == len(expected)


def test_an_embedded_store_made_with_the_old_tokenizer_is_retokenized(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = EmbeddedStore(path)
    old.upsert_posts([p.model_copy(update={"enrichment": None}) for p in CORPUS[:4]])
    old.save_enrichment(CORPUS[:4], None)
    rows = old._db.execute("SELECT rowid, id, body FROM posts_fts").fetchall()
    old._db.execute("DROP TABLE posts_fts")
    old._db.execute(  # how every store before this change made it
        "CREATE VIRTUAL TABLE posts_fts USING fts5(id UNINDEXED, body, "
        "tokenize = \"unicode61 remove_diacritics 0 tokenchars '._[]'\")"
    )
    old._db.executemany("INSERT INTO posts_fts(rowid, id, body) VALUES(?,?,?)", rows)
    assert old.count_posts(PostQuery(terms=("ไม่",))) == 2  # ไม่ and ไม้ alike
    old.close()
    store = EmbeddedStore(path)
    assert store.count_posts(PostQuery(terms=("ไม่",))) == 1
    assert store.count_posts(PostQuery(terms=("ที่",))) == 1
    assert store.count_posts(PostQuery(terms=("ไฟดับ", "😡"))) == 1
    sql = store._db.execute("SELECT sql FROM sqlite_master WHERE name='posts_fts'").fetchone()[0]
    assert "categories 'L* M* N* P* S* C*'" in sql
    store.close()


def test_elasticsearch_and_embedded_agree_on_the_whole_table(
    es_store: ElasticsearchStore, tmp_path: Path
) -> None:
    """The same corpus in both stores: every query's total the same (the bench's check)."""
    from bench.es_ingest.run import parity

    embedded = EmbeddedStore(tmp_path / "both.db")
    posts = CORPUS + TIMED
    for backend in (embedded, es_store):
        backend.upsert_posts([p.model_copy(update={"enrichment": None}) for p in posts])
        backend.save_enrichment(posts, None)
    assert parity(es_store, embedded, [q for q, _ in EXPECTED]) == []
    extra = make_post("extra", "ไม่")  # one post more in one store: the check must see it
    embedded.upsert_posts([extra])
    embedded.save_enrichment([extra], None)
    differing = parity(es_store, embedded, [PostQuery(terms=("ไม่",))])
    assert differing == [{"query": repr(PostQuery(terms=("ไม่",))), "first": 1, "second": 2}]
    embedded.close()
