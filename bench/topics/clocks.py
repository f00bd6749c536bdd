"""Clocks put on the topics stage from outside: call-path timers, numba compile time, cProfile.

``StageTimer.wrap`` replaces a function or method in its module or class with a timed one;
seconds add up per call path (``fit/_full_fit/cluster_documents/_fit_bertopic/umap``), and
``tree`` adds ``…/(rest)``, a parent's time outside its wrapped children. Names that are
missing (topics/ moves) are listed rather than failing the run.
"""

from __future__ import annotations

import functools
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class StageTimer:
    """Wraps functions in place; sums seconds per call path; logs finished stages to a file."""

    def __init__(self, progress: Path | None) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()
        self.missing: list[str] = []
        self._stack: list[str] = []
        self._progress = progress
        self._origin = time.perf_counter()

    def wrap(self, owner: Any, name: str, *, label: str | None = None, log: bool = True) -> None:
        original = getattr(owner, name, None)
        if original is None:  # topics/ is moving: report what could not be timed
            self.missing.append(f"{getattr(owner, '__name__', owner)}.{name}")
            return

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.stage(label or name, log=log):
                return original(*args, **kwargs)

        setattr(owner, name, timed)

    @contextmanager
    def stage(self, label: str, *, log: bool = True) -> Iterator[None]:
        self._stack.append(label)
        path = "/".join(self._stack)
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            self._stack.pop()
            self.seconds[path] += elapsed
            self.calls[path] += 1
            if log:
                self.note(stage=path, s=round(elapsed, 3))

    def note(self, **fields: Any) -> None:
        if self._progress is None:
            return
        fields["at_s"] = round(time.perf_counter() - self._origin, 2)
        with self._progress.open("a", encoding="utf-8") as out:
            out.write(json.dumps(fields) + "\n")

    def tree(self, root: str) -> dict[str, float]:
        """Seconds per path under ``root``, with ``(rest)`` for time outside wrapped children."""
        paths = sorted(p for p in self.seconds if p == root or p.startswith(root + "/"))
        out: dict[str, float] = {}
        for path in paths:
            out[path] = round(self.seconds[path], 2)
            children = [c for c in paths if c != path and c.rsplit("/", 1)[0] == path]
            if children:
                rest = self.seconds[path] - sum(self.seconds[c] for c in children)
                out[f"{path}/(rest)"] = round(rest, 2)
        return out

    def call_counts(self, root: str) -> dict[str, int]:
        return {p: n for p, n in sorted(self.calls.items()) if p.startswith(root) and n > 1}


def install_timers(timer: StageTimer) -> None:
    from bertopic import BERTopic

    import topics.modeling
    import topics.records
    import topics.service

    for name in ("documents_of", "_full_fit", "_update", "_records", "detect_emergences"):
        timer.wrap(topics.service, name)
    for name in ("cluster_documents", "topic_keywords", "match_clusters"):
        timer.wrap(topics.service, name)
    for name in ("topic_record", "_signatures", "_nearest"):
        timer.wrap(topics.service, name, log=False)  # called per topic or per window
    records = getattr(topics.records, "PostFrame", None)  # per-post columns, once per run
    if records is not None:
        timer.wrap(records, "build", label="PostFrame.build")
    timer.wrap(topics.modeling, "_fit_bertopic")
    timer.wrap(topics.modeling, "nearest_topic")
    for name, label in (
        ("_reduce_dimensionality", "umap"),
        ("_cluster_embeddings", "hdbscan"),
        ("_extract_topics", "ctfidf_representation"),
        ("_create_topic_vectors", "topic_vectors"),
        ("reduce_outliers", "reduce_outliers"),
    ):
        timer.wrap(BERTopic, name, label=label)


class CompileClock:
    """Wall seconds spent in numba compilation (outermost compiles only), per function."""

    def __init__(self) -> None:
        from numba.core import event

        clock = self
        self.by_function: dict[str, float] = defaultdict(float)
        self._depth = 0
        self._started = 0.0

        class _Listener(event.Listener):
            def on_start(self, _event: Any) -> None:
                if clock._depth == 0:
                    clock._started = time.perf_counter()
                clock._depth += 1

            def on_end(self, event: Any) -> None:
                clock._depth -= 1
                if clock._depth == 0:
                    dispatcher = (event.data or {}).get("dispatcher")
                    name = getattr(dispatcher, "__qualname__", None) or str(dispatcher)
                    module = getattr(dispatcher, "__module__", "")
                    key = f"{module}.{name}"
                    clock.by_function[key] += time.perf_counter() - clock._started

        event.register("numba:compile", _Listener())

    @property
    def seconds(self) -> float:
        return sum(self.by_function.values())

    def since(self, before: dict[str, float]) -> dict[str, float]:
        """Seconds per function compiled after ``before`` (a copy of ``by_function``)."""
        spent = {k: v - before.get(k, 0.0) for k, v in self.by_function.items()}
        return {k: v for k, v in spent.items() if v > 0}

    def top(self, before: dict[str, float] | None = None, n: int = 8) -> dict[str, float]:
        spent = self.since(before or {})
        return {k: round(spent[k], 2) for k in sorted(spent, key=spent.__getitem__)[::-1][:n]}


@contextmanager
def profiled(directory: Path | None, name: str) -> Iterator[None]:
    """cProfile the block into ``directory/name.pstats`` (when given; it slows Python code)."""
    if directory is None:
        yield
        return
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        directory.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(directory / f"{name}.pstats")


__all__ = ["CompileClock", "StageTimer", "install_timers", "profiled"]
