"""Whether a post after a resolution says the problem is still there or was fixed.

Cues come from ``tracking/data/stance.tsv``: *still* (ยังไม่ไหล, อีกแล้ว, เหมือนเดิม, บอกแก้แล้ว
แต่…) and *fixed* (ไฟมาแล้ว, ซ่อมเสร็จ, ขอบคุณ). The post's sentiment settles a post with both,
which is how sarcasm reads ("ขอบคุณที่ซ่อมให้ ซ่อมเสร็จพังใน 3 วัน"): negative means still
broken. A post without a still cue is not evidence, however negative it reads: on the reopen
training set (``tracking/data/train``) reading negative posts that name the problem as still
broken raised recall nothing and cut precision from 0.86 to 0.58, since people who say it
works now ("ไม่เคยดับอีกเลย") still write the problem's words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Literal

from domain.models import Post
from linking.problems import PhraseTable

STANCES = Path(str(files("tracking").joinpath("data", "stance.tsv")))
Stance = Literal["still_broken", "fixed", "other"]


@dataclass(frozen=True)
class StanceReading:
    stance: Stance
    cues: tuple[str, ...]  # the cue names found (still, again, fixed, thanks, ...)


@lru_cache(maxsize=1)
def stance_table() -> PhraseTable:
    return PhraseTable.read(STANCES)


def read_stance(post: Post) -> StanceReading:
    """The post's stance on a problem an agency said it fixed."""
    e = post.enrichment
    tokens: Iterable[str] = e.tokens if e is not None else post.text.split()
    table = stance_table()
    cues = table.named(list(tokens))
    kinds = table.kin(cues)
    negative = e is not None and e.sentiment.label == "negative"
    still, fixed = "still" in kinds, "fixed" in kinds
    if still and (negative or not fixed):
        stance: Stance = "still_broken"
    elif fixed:
        stance = "fixed"
    else:
        stance = "other"
    return StanceReading(stance, tuple(sorted(cues)))


__all__ = ["STANCES", "Stance", "StanceReading", "read_stance", "stance_table"]
