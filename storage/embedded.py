"""The embedded store: one SQLite file, FTS5 over Siang's Thai tokens, numpy kNN.

The single-machine default. Thai text is segmented by Siang before it reaches FTS5 (the
tokens are stored space-separated), so FTS5 only has to split on spaces. Vectors are kept
as float32 blobs and searched exactly, by brute-force cosine over one float32 matrix held
in memory and kept in step with every writer (``storage.embedded_vectors``): about 20 ms
at 100,000 512-d posts, fine to a few hundred thousand on one machine.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np

from domain.errors import StoreError
from domain.models import Post
from storage.base import (
    UNMARKED,
    Bucket,
    Dimension,
    Interval,
    Page,
    PostQuery,
    SearchResult,
    UpsertCounts,
)
from storage.embedded_access import EmbeddedAccess
from storage.embedded_alerts import EmbeddedAlerts
from storage.embedded_campaigns import EmbeddedCampaigns, EmbeddedSources
from storage.embedded_complaints import EmbeddedComplaints
from storage.embedded_connection import EmbeddedConnection
from storage.embedded_emergences import EmbeddedEmergences
from storage.embedded_intake import EmbeddedIntake
from storage.embedded_links import EmbeddedLinks
from storage.embedded_operations import EmbeddedOperations
from storage.embedded_topics import EmbeddedTopics
from storage.embedded_tracking import EmbeddedTracking
from storage.embedded_vectors import PostVectorIndex
from storage.fulltext import index_body, index_terms

BANGKOK_OFFSET = 7 * 3600  # Asia/Bangkok has no daylight saving time.
_BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")
_SCHEMA = Path(str(files("storage").joinpath("embedded_schema.sql")))
_FTS_TABLE = re.compile(r"CREATE VIRTUAL TABLE IF NOT EXISTS posts_fts USING fts5\((.*?)\);", re.S)
_COLUMNS: dict[str, str] = {
    "topic": "topic_id",
    "province": "province",
    "sentiment": "sentiment",
    "category": "category",
    "platform": "platform",
}


def content_hash(post: Post) -> str:
    """Hash of what was collected (not when, not what Siang added)."""
    body = post.model_dump(
        mode="json",
        exclude={"collected_at", "enrichment", "topic_id", "cluster_id", "campaign_ids", "id"},
    )
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# A post's full-text row has the post's rowid, so it is found without a scan.
_DELETE_FTS = "DELETE FROM posts_fts WHERE rowid = (SELECT rowid FROM posts WHERE id=?)"


class EmbeddedStore(
    EmbeddedCampaigns,
    EmbeddedSources,
    EmbeddedComplaints,
    EmbeddedTopics,
    EmbeddedLinks,
    EmbeddedTracking,
    EmbeddedAlerts,
    EmbeddedAccess,
    EmbeddedIntake,
    EmbeddedEmergences,
    EmbeddedOperations,
    EmbeddedConnection,
):
    """SQLite implementation of :class:`storage.base.Store`: the posts here, every other
    aggregate in its own ``embedded_<aggregate>.py`` part, all on one connection."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open embedded store at {path}: {exc}") from exc
        self._lock = threading.RLock()
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA.read_text(encoding="utf-8"))
        self._migrate()
        self._retokenize()
        self._classify_quarantine()
        self._post_index = PostVectorIndex()  # loaded at the first vector search

    def _migrate(self) -> None:
        """Version 1: full-text rows share their post's rowid (they were found by a scan of
        the UNINDEXED id column, so every write cost a pass over the whole index)."""
        if self._db.execute("PRAGMA user_version").fetchone()[0] >= 1:
            return
        with self._tx() as db:
            db.execute("CREATE TEMP TABLE fts_copy AS SELECT id, body FROM posts_fts")
            db.execute("DELETE FROM posts_fts")
            db.execute(
                "INSERT INTO posts_fts(rowid, id, body) SELECT p.rowid, f.id, f.body"
                " FROM fts_copy f JOIN posts p ON p.id = f.id"
            )
            db.execute("DROP TABLE fts_copy")
            db.execute("PRAGMA user_version = 1")

    def _retokenize(self) -> None:
        """FTS5 fixes a table's tokenizer when the table is made: a full-text table made with
        another than the schema's (before ``storage.fulltext``, FTS5 split Thai at vowel and
        tone marks) is made again with the schema's, and its terms with it."""
        found = _FTS_TABLE.search(_SCHEMA.read_text(encoding="utf-8"))
        if found is None:
            raise StoreError("embedded_schema.sql has no posts_fts table")
        wanted = found.group(1)

        def current(db: sqlite3.Connection) -> str:
            row = db.execute("SELECT sql FROM sqlite_master WHERE name='posts_fts'").fetchone()
            return str(row[0])

        if wanted in current(self._db):
            return
        with self._tx() as db:
            if wanted in current(db):  # another process rebuilt it meanwhile
                return
            rows = db.execute("SELECT rowid, id, body FROM posts_fts").fetchall()
            db.execute("DROP TABLE posts_fts")
            db.execute(f"CREATE VIRTUAL TABLE posts_fts USING fts5({wanted})")
            db.executemany(
                "INSERT INTO posts_fts(rowid, id, body) VALUES(?,?,?)",
                ((r[0], r[1], index_body(r[2].split(" "))) for r in rows),
            )

    # plumbing --------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self._db.close()

    # posts -----------------------------------------------------------------------------
    def upsert_posts(self, posts: Sequence[Post]) -> UpsertCounts:
        counts = UpsertCounts()
        with self._tx() as db:
            for post in posts:
                digest = content_hash(post)
                row = db.execute("SELECT content_hash FROM posts WHERE id=?", (post.id,)).fetchone()
                if row and row["content_hash"] == digest:
                    counts.unchanged += 1
                    continue
                fresh = post.model_copy(update=UNMARKED)
                db.execute(
                    "INSERT INTO posts(id, content_hash, doc, created_at, platform, enriched) "
                    "VALUES(?,?,?,?,?,0) ON CONFLICT(id) DO UPDATE SET"
                    " content_hash=excluded.content_hash, doc=excluded.doc,"
                    " created_at=excluded.created_at, platform=excluded.platform,"
                    " enriched=0, province=NULL, sentiment=NULL, category=NULL, is_grievance=NULL,"
                    " topic_id=NULL",
                    (
                        post.id,
                        digest,
                        fresh.model_dump_json(),
                        _epoch(post.created_at),
                        post.platform,
                    ),
                )
                db.execute(_DELETE_FTS, (post.id,))
                db.execute("DELETE FROM post_vectors WHERE id=?", (post.id,))
                if row:
                    counts.updated += 1
                else:
                    counts.created += 1
        return counts

    def save_enrichment(self, posts: Sequence[Post], vectors: np.ndarray | None) -> int:
        changed = 0
        with self._tx() as db:
            for i, post in enumerate(posts):
                if post.enrichment is None:
                    raise StoreError(f"post {post.id} has no enrichment to save")
                row = db.execute(
                    "SELECT doc, topic_id FROM posts WHERE id=?", (post.id,)
                ).fetchone()
                if row is None:
                    raise StoreError(f"post {post.id} must be ingested before it is enriched")
                stored = Post.model_validate_json(row["doc"])
                doc = stored.model_copy(
                    update={"enrichment": post.enrichment, "topic_id": row["topic_id"]}
                )
                new_json = doc.model_dump_json()
                vector = vectors[i] if vectors is not None and vectors.shape[1] else None
                if new_json == row["doc"] and not (
                    vector is not None and self._vector_differs(db, post.id, vector)
                ):
                    continue
                enrichment = post.enrichment
                db.execute(
                    "UPDATE posts SET doc=?, enriched=1, province=?, sentiment=?, category=?,"
                    " is_grievance=? WHERE id=?",
                    (
                        new_json,
                        enrichment.province,
                        enrichment.sentiment.label,
                        enrichment.category.label.value,
                        int(enrichment.is_grievance),
                        post.id,
                    ),
                )
                db.execute(_DELETE_FTS, (post.id,))
                db.execute(
                    "INSERT INTO posts_fts(rowid, id, body)"
                    " VALUES((SELECT rowid FROM posts WHERE id=?), ?, ?)",
                    (post.id, post.id, _fts_body(enrichment.tokens)),
                )
                if vector is not None:
                    db.execute(
                        "INSERT OR REPLACE INTO post_vectors(id, dim, vec) VALUES(?,?,?)",
                        (post.id, len(vector), np.asarray(vector, np.float32).tobytes()),
                    )
                changed += 1
        return changed

    @staticmethod
    def _vector_differs(db: sqlite3.Connection, post_id: str, vector: np.ndarray) -> bool:
        row = db.execute("SELECT vec FROM post_vectors WHERE id=?", (post_id,)).fetchone()
        return row is None or row["vec"] != np.asarray(vector, np.float32).tobytes()

    def assign_topics(self, assignments: Mapping[str, int | None]) -> int:
        changed = 0
        with self._tx() as db:
            for post_id, topic_id in assignments.items():
                row = db.execute(
                    "SELECT doc, topic_id FROM posts WHERE id=?", (post_id,)
                ).fetchone()
                if row is None or row["topic_id"] == topic_id:
                    continue
                doc = Post.model_validate_json(row["doc"]).model_copy(update={"topic_id": topic_id})
                db.execute(
                    "UPDATE posts SET topic_id=?, doc=? WHERE id=?",
                    (topic_id, doc.model_dump_json(), post_id),
                )
                changed += 1
        return changed

    def get_post(self, post_id: str) -> Post | None:
        with self._lock:
            row = self._db.execute("SELECT doc FROM posts WHERE id=?", (post_id,)).fetchone()
        return Post.model_validate_json(row["doc"]) if row else None

    def get_posts(self, post_ids: Sequence[str]) -> list[Post]:
        docs = self._docs_by_ids("posts", post_ids)
        return [Post.model_validate_json(docs[p]) for p in post_ids if p in docs]

    def search_posts(self, query: PostQuery, page: Page = Page()) -> SearchResult:
        where, params, join = _where(query)
        order = {
            "newest": "p.created_at DESC, p.id",
            "oldest": "p.created_at ASC, p.id",
            "relevance": "rank, p.created_at DESC, p.id" if join else "p.created_at DESC, p.id",
        }[page.sort]
        rank = "bm25(posts_fts)" if join else "0.0"
        # Rank on rowids first and read only the page's documents: reading every match's
        # JSON just to sort it cost most of a search on a frequent word.
        sql = (
            f"SELECT p.rowid AS row, {rank} AS rank FROM {join}posts p WHERE {where} "
            f"ORDER BY {order} LIMIT ? OFFSET ?"
        )
        counting = (
            "SELECT COUNT(*) FROM posts_fts WHERE posts_fts MATCH ?"  # words alone: no join
            if join and query == PostQuery(terms=query.terms)
            else f"SELECT COUNT(*) FROM {join}posts p WHERE {where}"
        )
        with self._lock:
            total = self._db.execute(counting, params).fetchone()[0]
            ranked = self._db.execute(sql, [*params, page.limit, page.offset]).fetchall()
            rows = [r["row"] for r in ranked]
            docs = {
                r["rowid"]: r["doc"]
                for r in self._db.execute(
                    f"SELECT rowid, doc FROM posts WHERE rowid IN ({','.join('?' * len(rows))})",
                    rows,
                )
            }
        posts = [Post.model_validate_json(docs[row]) for row in rows]
        return SearchResult(total, posts, [-float(r["rank"]) for r in ranked])

    def iter_posts(
        self, query: PostQuery = PostQuery(), *, unenriched: bool = False, batch_size: int = 500
    ) -> Iterator[Post]:
        where, params, join = _where(query)
        if unenriched:
            where += " AND p.enriched=0"
        last = ""
        while True:
            with self._lock:
                rows = self._db.execute(
                    f"SELECT p.id AS id, p.doc AS doc FROM {join}posts p WHERE {where}"
                    " AND p.id > ? ORDER BY p.id LIMIT ?",
                    [*params, last, batch_size],
                ).fetchall()
            if not rows:
                return
            for row in rows:
                yield Post.model_validate_json(row["doc"])
            last = rows[-1]["id"]

    def count_posts(self, query: PostQuery = PostQuery()) -> int:
        where, params, join = _where(query)
        with self._lock:
            return int(
                self._db.execute(
                    f"SELECT COUNT(*) FROM {join}posts p WHERE {where}", params
                ).fetchone()[0]
            )

    def counts(
        self,
        query: PostQuery = PostQuery(),
        *,
        interval: Interval | None = None,
        by: Dimension | None = None,
    ) -> list[Bucket]:
        where, params, join = _where(query)
        size = {"hour": 3600, "day": 86400, None: 0}[interval]
        time_expr = (
            f"((p.created_at + {BANGKOK_OFFSET}) / {size}) * {size} - {BANGKOK_OFFSET}"
            if size
            else "NULL"
        )
        key_expr = f"p.{_COLUMNS[by]}" if by else "NULL"
        sql = (
            f"SELECT {time_expr} AS t, {key_expr} AS k, COUNT(*) AS n FROM {join}posts p "
            f"WHERE {where} GROUP BY t, k ORDER BY t, k"
        )
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        return [
            Bucket(
                _from_epoch(r["t"]) if r["t"] is not None else None,
                None if r["k"] is None else str(r["k"]),
                int(r["n"]),
            )
            for r in rows
        ]

    def post_vectors(self, post_ids: Sequence[str]) -> np.ndarray:
        return self._vectors("post_vectors", post_ids)

    def nearest_posts(
        self, vector: np.ndarray, *, k: int = 10, query: PostQuery = PostQuery()
    ) -> list[tuple[str, float]]:
        """Exact cosine kNN: score descending, ties by post id; filters as ``search_posts``."""
        with self._lock:
            # One snapshot for the vector log, the vectors and the filter's posts.
            own = not self._db.in_transaction
            if own:
                self._db.execute("BEGIN")
            try:
                self._post_index.refresh(self._db)
                rowids = None if query == PostQuery() else self._rowids(query)
            finally:
                if own:
                    self._db.execute("COMMIT")
        return self._post_index.search(vector, k=k, rowids=rowids)

    def _rowids(self, query: PostQuery) -> np.ndarray:
        """Rowids of the posts passing ``query``, by the WHERE clause every search uses."""
        where, params, join = _where(query)
        # One JSON array, not a row per post: a third less time on a broad filter.
        found = self._db.execute(
            f"SELECT json_group_array(p.rowid) FROM {join}posts p WHERE {where}", params
        ).fetchone()[0]
        return np.array(json.loads(found), dtype=np.int64)


def _where(query: PostQuery) -> tuple[str, list[Any], str]:
    clauses: list[str] = ["1=1"]
    params: list[Any] = []
    join = ""
    if query.terms:
        # The full-text index leads (CROSS JOIN fixes SQLite's join order): led by a filter's
        # index instead, a province filter made SQLite test the MATCH post by post (seconds).
        join = "posts_fts CROSS JOIN "
        clauses.append("p.rowid = posts_fts.rowid")
        clauses.append("posts_fts MATCH ?")
        params.append(" ".join('"' + t.replace('"', '""') + '"' for t in index_terms(query.terms)))
    if query.start:
        clauses.append("p.created_at >= ?")
        params.append(_epoch(query.start))
    if query.end:
        clauses.append("p.created_at < ?")
        params.append(_epoch(query.end))
    if query.platforms:
        clauses.append(f"p.platform IN ({','.join('?' * len(query.platforms))})")
        params.extend(query.platforms)
    for column, value in (
        ("province", query.province),
        ("sentiment", query.sentiment),
        ("category", query.category),
        ("topic_id", query.topic_id),
    ):
        if value is not None:
            clauses.append(f"p.{column} = ?")
            params.append(value)
    if query.is_grievance is not None:
        clauses.append("p.is_grievance = ?")
        params.append(int(query.is_grievance))
    if query.ids is not None:
        clauses.append(f"p.id IN ({','.join('?' * len(query.ids)) or 'NULL'})")
        params.extend(query.ids)
    return " AND ".join(clauses), params, join


def _fts_body(tokens: Sequence[str]) -> str:
    return index_body(tokens)


def _epoch(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise StoreError("timestamps must be timezone-aware")
    return int(moment.timestamp())


def _from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(int(seconds), UTC).astimezone(_BANGKOK)


__all__ = ["EmbeddedStore", "content_hash"]
