"""Near-duplicate posts: MinHash LSH over character shingles of a post's core text.

A copy of a post rarely keeps every character: people add hashtags and emoji, prefix
"RT @handle:" or "แชร์จากเพจ…", stretch letters (มากกกก), write Thai or Arabic digits, cut or
add a sentence. The core text drops all of that (``core_text``): hashtags, mentions, links,
emoji and punctuation go, repeated letters collapse, digits become Arabic. Its character
``shingle``-grams are hashed into a MinHash signature (``datasketch``), and an LSH index
finds the posts whose estimated Jaccard similarity reaches ``threshold``.

Clusters grow as posts arrive (``NearDuplicates.add``): a post joins every cluster it is
near, and clusters it bridges merge, each keeping its earliest post's id. A cluster's first
post anchors it: a post joins only when it is also ``root_threshold`` close to that first
post, so texts written from one template (each a little like the last) cannot chain into
one cluster of thousands. Posts whose core
text is shorter than ``min_chars`` are never clustered: "ไฟดับอีกแล้ว" written by a hundred
people is a hundred voices, not one copied text.
"""

from __future__ import annotations

import json
import re
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

DATA = Path(str(files("campaigns").joinpath("data")))
SETTINGS = DATA / "neardup.json"  # chosen by python -m campaigns.calibration
TRAINING = DATA / "train"
_PREFIX = re.compile(
    r"^\s*(?:RT\s*@?\S*:?|แชร์(?:จาก|ต่อ)?\s*(?:เพจ|page)?\s*\S*\s*[:：]|"
    r"(?:FW|Fwd|Repost)\s*:?)\s*",
    re.IGNORECASE,
)
_HASHTAG_OR_MENTION = re.compile(r"[#@]\S+")
_LINK = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_REPEATED = re.compile(r"(.)\1{2,}")  # มากกกก → มาก (three or more: "ดี" "ดีดี" stay)
# A post this close to a member of the cluster it joined is not indexed itself: the member
# finds whatever it would find, and copy storms do not fill the LSH buckets.
_REDUNDANT = 0.8
_ARABIC_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def core_text(text: str) -> str:
    """What stays of a post when the decoration of a copy is taken away (module docstring)."""
    text = _PREFIX.sub("", unicodedata.normalize("NFC", text))
    text = _LINK.sub(" ", _HASHTAG_OR_MENTION.sub(" ", text))
    text = _REPEATED.sub(r"\1", text.translate(_ARABIC_DIGITS))
    # Letters, marks (Thai vowels and tones) and digits; spacing is a copy's to change.
    return "".join(c for c in text.casefold() if unicodedata.category(c)[0] in "LMN")


def shingles(core: str, size: int) -> set[str]:
    """The character ``size``-grams of a core text (the whole text when shorter)."""
    if len(core) <= size:
        return {core} if core else set()
    return {core[i : i + size] for i in range(len(core) - size + 1)}


@dataclass
class NearDuplicates:
    """An incremental near-duplicate index: post id → cluster id (its earliest post's id)."""

    shingle: int = 4
    threshold: float = 0.5
    num_perm: int = 128
    min_chars: int = 20
    root_threshold: float = 0.0
    seed: int = 1
    _lsh: MinHashLSH = field(init=False, repr=False)
    # Posts are rows in arrival order: ids, union-find parents, signatures (the LSH keys
    # are rows too, so a query's candidates index the signature matrix directly).
    _row: dict[str, int] = field(default_factory=dict, init=False, repr=False)
    _ids: list[str] = field(default_factory=list, init=False, repr=False)
    _parent: list[int] = field(default_factory=list, init=False, repr=False)
    _matrix: np.ndarray = field(init=False, repr=False)
    _exact: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._lsh = MinHashLSH(threshold=self.threshold, num_perm=self.num_perm)
        template = MinHash(num_perm=self.num_perm, seed=self.seed)
        self._permutations, self._scheme = template.permutations, template.scheme
        self._matrix = np.zeros((1024, self.num_perm), dtype=template.hashvalues.dtype)

    @classmethod
    def shipped(cls, path: Path = SETTINGS) -> NearDuplicates:
        """An empty index with the shingle size, threshold and shortest text chosen on the
        training set."""
        chosen = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            shingle=int(chosen["shingle"]),
            threshold=float(chosen["threshold"]),
            min_chars=int(chosen["min_chars"]),
            root_threshold=float(chosen.get("root_threshold", 0.0)),
        )

    def settings(self) -> dict[str, float | int]:
        """What the index was built with (for reports)."""
        return {"shingle": self.shingle, "threshold": self.threshold,
                "min_chars": self.min_chars, "root_threshold": self.root_threshold,
                "num_perm": self.num_perm}  # fmt: skip

    def signature(self, text: str) -> MinHash | None:
        return self._signature(core_text(text))

    def _signature(self, core: str) -> MinHash | None:
        if len(core) < self.min_chars:
            return None
        grams = shingles(core, self.shingle)
        signature = MinHash(
            num_perm=self.num_perm,
            permutations=self._permutations,
            scheme=self._scheme,
            hashfunc=zlib.crc32,  # stable across runs, and fast: shingles are short
        )
        signature.update_batch([g.encode("utf-8") for g in grams])
        return signature

    def add(self, post_id: str, text: str) -> str:
        """Index one post (in time order) and say its cluster."""
        if post_id in self._row:
            return self.cluster_of(post_id)
        row = len(self._ids)
        self._row[post_id] = row
        self._ids.append(post_id)
        self._parent.append(row)
        core = core_text(text)
        if len(core) < self.min_chars:
            return post_id
        same = self._exact.setdefault(core, row)
        if same != row:  # the same core text (a retweet, a bare share): its cluster
            self._union(row, same)
            return self._ids[self._root(row)]
        signature = self._signature(core)
        if signature is None:
            return post_id
        values = signature.hashvalues
        redundant = False
        candidates = np.fromiter(self._lsh.query(signature), dtype=np.int64)
        if len(candidates):
            # Estimated Jaccard with every candidate at once (what MinHash.jaccard computes).
            near = (self._matrix[candidates] == values).mean(axis=1)
            keep = near >= self.threshold
            anchored: dict[int, bool] = {}  # cluster root → close enough to join
            for other, similarity in zip(
                candidates[keep].tolist(), near[keep].tolist(), strict=True
            ):
                root = self._root(other)
                if root == self._root(row):
                    continue  # joined already
                if root not in anchored:
                    anchored[root] = root == other or bool(
                        (self._matrix[root] == values).mean() >= self.root_threshold
                    )
                if anchored[root]:
                    self._union(row, other)
                    redundant = redundant or similarity >= _REDUNDANT
        if not redundant:  # a near-exact copy finds nothing its original would not
            self._lsh.insert(row, signature)
            while row >= len(self._matrix):
                self._matrix = np.concatenate([self._matrix, np.zeros_like(self._matrix)])
            self._matrix[row] = values
        return self._ids[self._root(row)]

    def add_many(self, posts: Iterable[tuple[str, str]]) -> None:
        for post_id, text in posts:
            self.add(post_id, text)

    def cluster_of(self, post_id: str) -> str:
        return self._ids[self._root(self._row[post_id])]

    def clusters(self) -> dict[str, str]:
        """Every indexed post's cluster id."""
        return {post_id: self._ids[self._root(row)] for post_id, row in self._row.items()}

    def _root(self, row: int) -> int:
        parent = self._parent
        while parent[row] != row:
            parent[row] = parent[parent[row]]  # path halving
            row = parent[row]
        return row

    def _union(self, a: int, b: int) -> None:
        root_a, root_b = self._root(a), self._root(b)
        if root_a != root_b:  # the cluster keeps its earliest post (the lower row)
            self._parent[max(root_a, root_b)] = min(root_a, root_b)


def pair_labels(clusters: dict[str, str]) -> set[tuple[str, str]]:
    """Every unordered pair of posts in one cluster (for measuring against labelled pairs)."""
    members: dict[str, list[str]] = {}
    for post_id, cluster in clusters.items():
        members.setdefault(cluster, []).append(post_id)
    pairs: set[tuple[str, str]] = set()
    for group in members.values():
        ordered = sorted(group)
        for i, a in enumerate(ordered):
            pairs.update((a, b) for b in ordered[i + 1 :])
    return pairs


__all__ = ["DATA", "SETTINGS", "TRAINING", "NearDuplicates", "core_text", "pair_labels", "shingles"]
