"""The problems a text names, in either register: a bridge between complaint and post.

A complaint says กระแสไฟฟ้าขัดข้อง where the post says ไฟดับ, and ผิวจราจรชำรุด where the
post says ถนนเป็นหลุม. Word overlap misses that and sentence embeddings blur it, so the
linker also compares the *problems* each side names, from the phrase table
``linking/data/problems.tsv`` (one problem a line: its name, its category, and its phrases
in both registers, the agencies' short names and how people say it was fixed: ไฟมาแล้ว).
Problems of one category are kin: น้ำขุ่น and น้ำไม่ไหล are not the same problem, but a
post about one is not plainly about something else either.

A phrase is found on the text's tokens glued back together, so the tokenizer's choices do
not matter (น้ำประปา|ไม่|ไหล and น้ำ|ประปา|ไม่ไหล both hold น้ำประปาไม่ไหล). It must start
where a token starts; a short phrase (under five letters: ยา, คิว, หลุม) must also end
where one ends, so ยา is not read in ยาว and เรือ not in เรือน.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

PROBLEMS = Path(str(files("linking").joinpath("data", "problems.tsv")))
_SHORT = 5  # phrases shorter than this must end on a token boundary too
_DROPPED = re.compile(r"[\s.]")


class PhraseTable:
    """Phrase → the name it stands for (a problem here; a stance in ``tracking``), each name
    with its kin (a category), matched longest first at each token start."""

    def __init__(self, rows: Sequence[tuple[str, str, Sequence[str]]]) -> None:
        self._problem: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self._kin: dict[str, str] = {}
        for problem, category, phrases in rows:
            self._names.setdefault(problem, phrases[0])
            self._kin[problem] = category
            for phrase in phrases:
                key = _DROPPED.sub("", phrase.lower())
                if key:
                    self._problem.setdefault(key, problem)
        ordered = sorted(self._problem, key=lambda p: (-len(p), p))
        self._pattern = re.compile("|".join(re.escape(p) for p in ordered))
        self.problems = frozenset(self._problem.values())

    @classmethod
    def read(cls, path: Path = PROBLEMS) -> PhraseTable:
        """A table of ``name<TAB>kin<TAB>phrase | phrase`` lines; # starts a comment."""
        rows = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 3 or not fields[2].strip():
                raise ValueError(
                    f"{path}:{number}: expected 'problem<TAB>category<TAB>phrase | phrase'"
                )
            problem, category, phrases = (f.strip() for f in fields)
            rows.append((problem, category, [p.strip() for p in phrases.split("|")]))
        return cls(rows)

    def kin(self, problems: frozenset[str]) -> frozenset[str]:
        """The categories of ``problems``."""
        return frozenset(self._kin[p] for p in problems)

    def name(self, problem: str) -> str:
        """The problem as people say it: its first phrase (ไฟดับ for power_outage)."""
        return self._names.get(problem, problem)

    def named(self, tokens: Sequence[str]) -> frozenset[str]:
        """The problems the tokens name."""
        pieces = [_DROPPED.sub("", t.lower()) for t in tokens]
        text = "".join(pieces)
        starts: list[int] = []
        ends: set[int] = set()
        at = 0
        for piece in pieces:
            if piece:
                starts.append(at)
                at += len(piece)
                ends.add(at)
        found: set[str] = set()
        for start in starts:
            # every phrase that starts here, not only the longest: ไฟดับ and ไฟ... both count
            for match in _matches_at(self._pattern, text, start):
                if len(match) >= _SHORT or start + len(match) in ends:
                    found.add(self._problem[match])
        return frozenset(found)


def _matches_at(pattern: re.Pattern[str], text: str, start: int) -> list[str]:
    """Every table phrase that starts at ``start`` (longest first)."""
    found = []
    end = len(text)
    while end > start:
        match = pattern.match(text, start, end)
        if match is None:
            break
        found.append(match.group(0))
        end = start + len(match.group(0)) - 1
    return found


@lru_cache(maxsize=1)
def problem_table() -> PhraseTable:
    """The shipped table, read once."""
    return PhraseTable.read()


__all__ = ["PROBLEMS", "PhraseTable", "problem_table"]
