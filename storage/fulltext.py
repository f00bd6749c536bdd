"""The terms a post's Thai tokens are indexed and searched as: the same in every store.

Siang tokenises Thai itself, so a store only has to split the space-joined terms again:
Elasticsearch with its built-in ``whitespace`` analyzer, the embedded store with an FTS5
``unicode61`` tokenizer told that every character but a separator belongs to a word (its
default splits Thai at every vowel or tone mark above or below a letter, so ``ไม่`` found
``ไม้`` and ``ที่`` found every word starting with ``ท``, and it drops emoji and
punctuation, so ``ไฟดับ 😡`` found every post with ``ไฟดับ``). For both stores to find
the same posts, every term, indexed or searched, is made here so that each splits it alike:

* characters no full-text engine should see (``storage.base.searchable_terms``) go;
* lower-cased (Elasticsearch's whitespace analyzer keeps case);
* whitespace inside a token becomes ``_`` (both stores would split there);
* a term longer than Lucene's whitespace tokenizer keeps (255 UTF-16 code units) is cut
  where Lucene cuts it, and each piece is a term of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from storage.base import searchable_terms

MAX_TERM_UNITS = 255  # Lucene's CharTokenizer default maxTokenLen, in UTF-16 code units
_WHITESPACE = re.compile(r"\s")


def index_terms(tokens: Iterable[str]) -> list[str]:
    """The terms ``tokens`` are indexed as (documents) or must all match (queries)."""
    terms: list[str] = []
    for token in searchable_terms(tuple(tokens)):
        terms.extend(_pieces(_WHITESPACE.sub("_", token.lower())))
    return terms


def index_body(tokens: Iterable[str]) -> str:
    """The space-joined terms of ``tokens``, as both stores index them."""
    return " ".join(index_terms(tokens))


def matched_words(text: str, terms: Iterable[str]) -> list[str]:
    """The stretches of ``text`` that the search ``terms`` found, as written, for
    highlighting: each term case-blind, the longest first where two overlap."""
    wanted = {t.replace("_", " ") for t in index_terms(terms)}
    if not wanted:
        return []
    pattern = re.compile(
        "|".join(re.escape(w) for w in sorted(wanted, key=len, reverse=True)), re.IGNORECASE
    )
    return list(dict.fromkeys(m.group(0) for m in pattern.finditer(text)))


def _pieces(term: str) -> list[str]:
    """``term`` cut as Lucene's CharTokenizer cuts a long token: a piece ends once it
    reaches 255 UTF-16 code units (a character outside the BMP counts two)."""
    if len(term) * 2 < MAX_TERM_UNITS:
        return [term]
    pieces: list[str] = []
    start = units = 0
    for i, char in enumerate(term):
        units += 2 if ord(char) > 0xFFFF else 1
        if units >= MAX_TERM_UNITS:
            pieces.append(term[start : i + 1])
            start, units = i + 1, 0
    if start < len(term):
        pieces.append(term[start:])
    return pieces


__all__ = ["MAX_TERM_UNITS", "index_body", "index_terms", "matched_words"]
