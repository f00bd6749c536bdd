"""The spike chart in alert mail: posts per hour, the spike's hours, the expected level.

Drawn with matplotlib's Agg canvas on a bare ``Figure`` (no pyplot, no global backend
switch), into PNG bytes. Thai labels need a font with Thai glyphs: the first installed one
of a known list (Noto Sans Thai, Sarabun, Loma, Garuda...) is used; without one every label
is ASCII, so a missing font never breaks a mail or prints tofu boxes.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Literal

from alerts.thai_format import chart_tick, number

log = logging.getLogger(__name__)

# Preferred first; any other family whose name says Thai is tried after these.
_THAI_FAMILIES = (
    "Noto Sans Thai",
    "Noto Sans Thai UI",
    "Noto Sans Thai Looped",
    "Sarabun",
    "TH Sarabun New",
    "Loma",
    "Garuda",
    "Waree",
    "Umpush",
    "Norasi",
    "Kinnari",
    "Tlwg Typo",
    "Leelawadee UI",
    "Tahoma",
)
_THAI_PROBE = (0x0E01, 0x0E32, 0x0E48)  # ก, า, the first tone mark


@dataclass(frozen=True)
class SpikeSeries:
    """Counts per hour around an alert; ``highlight`` is the alert's hours, [start, end)."""

    hours: Sequence[datetime]
    counts: Sequence[int]
    highlight: tuple[datetime, datetime]
    expected: float
    reference: Literal["expected", "threshold"] = "expected"


@cache
def thai_font() -> str | None:
    """The family of an installed font with Thai glyphs, or None (then labels are ASCII)."""
    try:
        from matplotlib import font_manager
        from matplotlib.ft2font import FT2Font
    except ImportError:
        return None
    entries = font_manager.fontManager.ttflist

    def rank(entry: font_manager.FontEntry) -> tuple[int, int]:
        known = _THAI_FAMILIES.index(entry.name) if entry.name in _THAI_FAMILIES else 99
        return known, 0 if entry.weight in (400, "normal", "regular") else 1

    candidates = [e for e in entries if e.name in _THAI_FAMILIES or "thai" in e.name.lower()]
    for entry in sorted(candidates, key=rank):
        try:
            charmap = FT2Font(entry.fname).get_charmap()
        except (OSError, RuntimeError):
            continue
        if all(code in charmap for code in _THAI_PROBE):
            return str(entry.name)
    log.info("no font with Thai glyphs installed; alert charts get ASCII labels")
    return None


def render_spike_chart(
    series: SpikeSeries, *, title_th: str, title_ascii: str, ascii_only: bool = False
) -> bytes:
    """PNG bytes of the chart; Thai labels when a Thai font is installed and not ``ascii_only``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import Patch

    family = None if ascii_only else thai_font()
    thai = family is not None
    # Thai fonts often lack Latin letters and digits: DejaVu Sans (bundled with matplotlib)
    # draws those, the Thai family the rest, glyph by glyph.
    props = FontProperties(family=["DejaVu Sans", family] if family else ["DejaVu Sans"])
    small = props.copy()
    small.set_size(8)

    figure = Figure(figsize=(7.2, 3.0), dpi=100)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    start, end = series.highlight
    inside = [start <= hour < end for hour in series.hours]
    ax.bar(
        range(len(series.hours)),
        series.counts,
        width=0.85,
        color=["#c0392b" if hit else "#95a5a6" for hit in inside],
    )
    reference = (
        ("ค่าที่คาดไว้" if thai else "expected")
        if series.reference == "expected"
        else ("เกณฑ์" if thai else "threshold")
    )
    ax.axhline(series.expected, color="#2c3e50", linestyle="--", linewidth=1)
    ax.legend(
        handles=[
            Patch(color="#c0392b", label="ช่วงที่พุ่งสูง" if thai else "spike"),
            Patch(color="#95a5a6", label="โพสต์ต่อชั่วโมง" if thai else "posts per hour"),
            ax.lines[-1],
        ],
        labels=[
            "ช่วงที่พุ่งสูง" if thai else "spike",
            "โพสต์ต่อชั่วโมง" if thai else "posts per hour",
            f"{reference} {number(series.expected)}",
        ],
        prop=small,
        loc="upper left",
        frameon=False,
    )
    step = max(1, len(series.hours) // 8)
    ticks = list(range(0, len(series.hours), step))
    ax.set_xticks(ticks)
    ax.set_xticklabels(
        [chart_tick(series.hours[i], thai=thai) for i in ticks], fontproperties=small
    )
    for label in ax.get_yticklabels():
        label.set_fontproperties(small)
    ax.set_ylabel("โพสต์ต่อชั่วโมง" if thai else "posts per hour", fontproperties=small)
    ax.set_title(title_th if thai else title_ascii, fontproperties=props, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(x=0.01)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


__all__ = ["SpikeSeries", "render_spike_chart", "thai_font"]
