"""The embedded store's post vectors as one float32 matrix in memory, kept in step with SQLite.

Exact kNN over 100,000 512-d vectors is one matrix-vector product, 8-18 ms on these two
cores. A filtered search reads the posts passing the store's own ``WHERE`` clause as post
rowids (one JSON array from SQLite) and scores only those rows, or every row when the
filter keeps many of them. ``bench/storage/embedded_knn.py`` measures it, and the
alternatives (``bench/results/embedded_knn.json``): faiss's exact flat index is slower
unfiltered (16 ms) and 3 ms faster on a filter; hnswlib and usearch answer in under a
millisecond but approximately (recall 0.99 at k=10), take 20-40 s to build at 100,000,
must be kept in step and still need SQLite for the filter; sqlite-vec scans in 50-60 ms
and needs a Python whose sqlite3 loads extensions (this project's does not). None is
needed for exact answers at this size.

**In step with writes.** Triggers in ``embedded_schema.sql`` record each insert, replace
or delete of a post vector in ``post_vector_log``: one row per post, moved to a new,
never-reused ``seq`` (AUTOINCREMENT) at each write. Before every search the index reads
the highest ``seq`` (one b-tree lookup); when it moved, it reads only the posts logged
after the one it last saw and applies their current vectors: a new vector takes a free
row, a replaced one overwrites its row, a deleted one (or one whose post is gone) frees
its row. Past a quarter of the rows it loads the matrix whole again instead (about 0.7 s
at 100,000, against some 15 us a post). Every writer is seen, in this process or another
(the pipeline writing while the API serves), because the triggers live in the database
file. A file from before the log is loaded whole, as every store's first search does.

**Memory.** The matrix is ``rows x dim x 4`` bytes (100,000 x 512: 205 MB) with about 6%
more rows to grow into, plus per row a post id in a list and a dict and 12 bytes of
arrays (about 20 MB at 100,000): some 230 MB at 100,000 posts, 2.3 GB at a million (past
that, use the Elasticsearch store). Loading holds one chunk of 4,096 vectors besides
(8 MB at 512-d). Only a store that searches by vector loads it: the pipeline never does.

Post rowids map filter results to matrix rows. ``posts.rowid`` is stable: posts are
updated in place, never deleted and re-inserted, and the full-text index relies on the
same (``VACUUM`` may renumber rowids: a store that ran it must be reopened).
"""

from __future__ import annotations

import heapq
import sqlite3
import threading

import numpy as np

from domain.errors import StoreError

# A filter keeping at most this share of the rows has only them gathered and scored, a
# broader one has every row scored and its own picked. Measured at 100,000 x 512 on two
# cores (bench/results/embedded_knn.json), quiet / busy: one product over every row
# 8 / 16-18 ms; gathering and scoring a fifth of the rows 6 / 6 ms, a third 10 / 11 ms,
# a half 16 / 16 ms. Set for the busy case, where p95 is made.
_GATHER_SHARE = 0.4
_GATHER_CHUNK = 1_024  # rows gathered at a time: 2 MB at 512-d, in cache while scored
_CHUNK = 4_096  # rows per chunk when loading and rescoring

_LATEST = "SELECT COALESCE(MAX(seq), 0) FROM post_vector_log"
_ALL = "SELECT p.rowid, v.id, v.vec FROM post_vectors v JOIN posts p ON p.id = v.id"
_SINCE = (
    "SELECT l.id, p.rowid, v.vec FROM post_vector_log l"
    " LEFT JOIN post_vectors v ON v.id = l.id LEFT JOIN posts p ON p.id = l.id"
    " WHERE l.seq > ? ORDER BY l.seq"
)


class PostVectorIndex:
    """Every stored post vector in one matrix; exact cosine kNN, optionally over a subset.

    ``refresh`` needs the store's connection (call it inside a read transaction, with the
    store's lock held); ``search`` needs none. Both are thread-safe.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seq = -1  # the last log entry applied; -1: never loaded
        self._matrix = np.zeros((0, 0), np.float32)
        self._used = 0  # rows [0, used) are live or free; the rest is room to grow
        self._ids: list[str | None] = []  # row -> post id; None for a free row
        self._row_of_id: dict[str, int] = {}
        self._rowid_of_row = np.zeros(0, np.int64)  # row -> posts.rowid
        self._row_of_rowid = np.full(0, -1, np.int32)  # posts.rowid -> row, -1 for none
        self._free: list[int] = []
        self._max_norm = 0.0  # of any row ever held: bounds the float32 rounding

    # keeping in step ----------------------------------------------------------------
    def refresh(self, db: sqlite3.Connection) -> None:
        """Apply the vector writes logged since the last refresh (all of them at first)."""
        latest = int(db.execute(_LATEST).fetchone()[0])
        with self._lock:
            try:
                if self._seq < 0 or latest < self._seq:  # first use, or a log started afresh
                    self._load(db)
                elif latest - self._seq > max(_CHUNK, self._live_rows() // 4):
                    self._load(db)  # most rows rewritten (a re-embedding): quicker whole
                elif latest > self._seq:
                    for post_id, rowid, vec in db.execute(_SINCE, (self._seq,)):
                        if vec is None or rowid is None:
                            self._remove(post_id)
                        else:
                            self._put(post_id, int(rowid), vec)
            except BaseException:
                self._seq = -1  # half applied: load afresh next time
                raise
            self._seq = latest

    def _load(self, db: sqlite3.Connection) -> None:
        count, low, high = db.execute(
            "SELECT COUNT(*), MIN(dim), MAX(dim) FROM post_vectors"
        ).fetchone()
        if low != high:
            raise StoreError(
                f"post vectors have {low} and {high} dimensions: re-embed every post with one"
                " model before searching by vector"
            )
        dim = int(high or 0)
        capacity = count + max(1_024, count // 16)
        self._matrix = np.zeros((capacity, dim), np.float32)
        self._ids, self._row_of_id, self._free = [], {}, []
        self._rowid_of_row = np.zeros(capacity, np.int64)
        self._row_of_rowid = np.full(0, -1, np.int32)
        self._used, self._max_norm = 0, 0.0
        cursor = db.execute(_ALL)
        while chunk := cursor.fetchmany(_CHUNK):
            self._append(chunk, dim)
        self._map_rowids(np.arange(self._used))

    def _append(self, chunk: list[sqlite3.Row], dim: int) -> None:
        start = self._used
        stop = start + len(chunk)
        blob = b"".join(row[2] for row in chunk)
        if len(blob) != len(chunk) * dim * 4:  # the MIN/MAX check saw an older snapshot?
            raise StoreError(f"a post vector changed dimension while loading ({dim} expected)")
        vectors = np.frombuffer(blob, np.float32).reshape(len(chunk), dim)
        self._matrix[start:stop] = vectors
        if dim:
            self._max_norm = max(self._max_norm, float(np.linalg.norm(vectors, axis=1).max()))
        self._rowid_of_row[start:stop] = [row[0] for row in chunk]
        for offset, row in enumerate(chunk):
            self._ids.append(row[1])
            self._row_of_id[row[1]] = start + offset
        self._used = stop

    def _map_rowids(self, rows: np.ndarray) -> None:
        rowids = self._rowid_of_row[rows]
        if len(rowids) and rowids.max() >= len(self._row_of_rowid):
            grown = np.full(int(rowids.max() * 1.25) + 1_024, -1, np.int32)
            grown[: len(self._row_of_rowid)] = self._row_of_rowid
            self._row_of_rowid = grown
        self._row_of_rowid[rowids] = rows

    def _put(self, post_id: str, rowid: int, vec: bytes) -> None:
        vector = np.frombuffer(vec, np.float32)
        if self._live_rows() == 0 and self._matrix.shape[1] != len(vector):
            self._matrix = np.zeros((len(self._matrix), len(vector)), np.float32)
        if len(vector) != self._matrix.shape[1]:
            raise StoreError(
                f"post {post_id} has a {len(vector)}-d vector, the others"
                f" {self._matrix.shape[1]}-d: re-embed every post with one model"
            )
        row = self._row_of_id.get(post_id)
        if row is None:
            row = self._free.pop() if self._free else self._new_row()
            self._ids[row] = post_id
            self._row_of_id[post_id] = row
        elif self._rowid_of_row[row] != rowid:  # never expected: posts keep their rowid
            self._row_of_rowid[self._rowid_of_row[row]] = -1
        self._matrix[row] = vector
        self._max_norm = max(self._max_norm, float(np.linalg.norm(vector)))
        self._rowid_of_row[row] = rowid
        self._map_rowids(np.array([row]))

    def _new_row(self) -> int:
        if self._used == len(self._matrix):
            capacity = self._used + max(1_024, self._used // 4)
            matrix = np.zeros((capacity, self._matrix.shape[1]), np.float32)
            matrix[: self._used] = self._matrix[: self._used]
            rowids = np.zeros(capacity, np.int64)
            rowids[: self._used] = self._rowid_of_row[: self._used]
            self._matrix, self._rowid_of_row = matrix, rowids
        self._ids.append(None)
        self._used += 1
        return self._used - 1

    def _remove(self, post_id: str) -> None:
        row = self._row_of_id.pop(post_id, None)
        if row is None:
            return
        self._row_of_rowid[self._rowid_of_row[row]] = -1
        self._ids[row] = None
        self._matrix[row] = 0.0
        self._free.append(row)

    def _live_rows(self) -> int:
        return self._used - len(self._free)

    # searching ------------------------------------------------------------------------
    def search(
        self, vector: np.ndarray, *, k: int, rowids: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` best (post id, score) by score descending, then post id; only posts
        among ``rowids`` (``posts.rowid``) if given. Scores are dot products: cosines, as
        stored vectors are unit length."""
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        with self._lock:
            if k <= 0 or self._live_rows() == 0:
                return []
            if len(query) != self._matrix.shape[1]:
                raise StoreError(
                    f"a {len(query)}-d query against {self._matrix.shape[1]}-d post vectors"
                )
            matrix = self._matrix[: self._used]
            rows: np.ndarray | None = None
            if rowids is None:
                scores = matrix @ query
                if self._free:
                    scores[self._free] = -np.inf
            else:
                rows = self._rows_of(rowids)
                if len(rows) > _GATHER_SHARE * self._used:
                    scores = (matrix @ query)[rows]
                else:
                    scores = self._gathered_scores(matrix, rows, query)
            return self._best(scores, rows, query, k)

    @staticmethod
    def _gathered_scores(matrix: np.ndarray, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Scores of ``rows`` only. By einsum, not ``@``: BLAS splits even a small product
        over its threads, and on two busy cores waiting for the other thread cost up to
        8 ms a chunk (a fifth of the rows took 40 ms instead of 6)."""
        scores = np.empty(len(rows), np.float32)
        for start in range(0, len(rows), _GATHER_CHUNK):
            chunk = rows[start : start + _GATHER_CHUNK]
            np.einsum("ij,j->i", matrix[chunk], query, out=scores[start : start + len(chunk)])
        return scores

    def _rows_of(self, rowids: np.ndarray) -> np.ndarray:
        wanted = np.asarray(rowids, np.int64)
        wanted = wanted[(wanted >= 0) & (wanted < len(self._row_of_rowid))]
        rows = self._row_of_rowid[wanted]
        return np.sort(rows[rows >= 0])  # in matrix order, gathering is up to 4x faster

    def _best(
        self, scores: np.ndarray, rows: np.ndarray | None, query: np.ndarray, k: int
    ) -> list[tuple[str, float]]:
        """Top ``k`` of ``scores`` (for matrix ``rows``, all rows if None).

        The float32 product only shortlists: BLAS rounds a row's score differently by its
        place in the matrix (the same vector twice can score 1e-7 apart), so the rows that
        could be in the top ``k`` are scored again exactly enough to be position-free (in
        float64, where each product of two float32 numbers is exact, summed row by row),
        then ranked by that score and, on a tie, by post id.
        """
        finite = scores > -np.inf  # free rows and NaN drop out
        if np.count_nonzero(finite) > k:
            kth = np.partition(scores[finite], -k)[-k]
            shortlist = np.flatnonzero(scores >= kth - self._rounding_bound(query))
        else:
            shortlist = np.flatnonzero(finite)
        at = shortlist if rows is None else rows[shortlist]
        exact = self._exact_scores(at, query)
        if len(at) > k:
            kth = np.partition(exact, -k)[-k]
            above = np.flatnonzero(exact > kth)
            tied = np.flatnonzero(exact == kth)
            keep = np.concatenate([above, self._smallest_ids(tied, at, k - len(above))])
            at, exact = at[keep], exact[keep]
        ids = self._ids
        ranked = sorted(zip((-exact).tolist(), [ids[r] for r in at.tolist()], strict=True))
        return [(str(pid), -negated) for negated, pid in ranked]

    def _rounding_bound(self, query: np.ndarray) -> float:
        """How far a float32 dot product can be off: d * 2u * |x| * |q| (u = 2**-24)."""
        return float(len(query) * 2.0**-23 * self._max_norm * np.linalg.norm(query))

    def _exact_scores(self, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
        out = np.empty(len(rows), np.float64)
        wide = query.astype(np.float64)
        for start in range(0, len(rows), _CHUNK):  # many ties: bounded memory
            chunk = rows[start : start + _CHUNK]
            out[start : start + len(chunk)] = (self._matrix[chunk] * wide).sum(axis=1)
        return out

    def _smallest_ids(self, tied: np.ndarray, at: np.ndarray, n: int) -> np.ndarray:
        """The ``n`` of ``tied`` (positions in ``at``) whose post ids sort first."""
        if len(tied) <= n:
            return tied
        ids = self._ids
        firsts = heapq.nsmallest(
            n, zip([ids[r] for r in at[tied].tolist()], tied.tolist(), strict=True)
        )
        return np.array([i for _, i in firsts], dtype=np.int64)


__all__ = ["PostVectorIndex"]
