"""What the client and the node spend during a load: CPU seconds, and the node's hot threads."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch


def say(message: str) -> None:
    """A progress line on stderr."""
    print(f"[bench.es_ingest {datetime.now():%H:%M:%S}] {message}", file=sys.stderr)


class CpuClock:
    """CPU seconds of this process and of the Elasticsearch node (None if unreadable)."""

    def __init__(self) -> None:
        run_dir = os.environ.get("SIANG_TEST_ES_RUN_DIR")
        self.node_pid: int | None = None
        if run_dir and (Path(run_dir) / "pid").is_file():
            self.node_pid = int((Path(run_dir) / "pid").read_text().strip())

    def node(self) -> float | None:
        if self.node_pid is None:
            return None
        try:
            fields = Path(f"/proc/{self.node_pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    @contextmanager
    def measured(self, n: int, into: dict[str, Any]) -> Iterator[None]:
        """Wall time, posts/s and CPU seconds per 1,000 posts of the block, into ``into``."""
        node0, client0, wall0 = self.node(), time.process_time(), time.perf_counter()
        yield
        wall = time.perf_counter() - wall0
        node1 = self.node()
        into["seconds"] = round(wall, 2)
        into["posts_per_s"] = round(n / wall, 1)
        into["client_cpu_s_per_1k"] = round((time.process_time() - client0) / n * 1000, 3)
        if node0 is not None and node1 is not None:
            into["node_cpu_s_per_1k"] = round((node1 - node0) / n * 1000, 3)


class HotThreads:
    """Samples the node's hot threads while a load runs: what its busy threads were doing
    (``summary``: share of stack snapshots per activity, and the busiest frames)."""

    KINDS = (
        ("hnsw graph build", "HnswGraphBuilder"),
        ("merging", "Merge"),
        ("json parsing", "JsonParser"),
        ("translog", "Translog"),
    )

    def __init__(self, client: Elasticsearch, *, every: float = 10.0) -> None:
        self.client = client
        self.every = every
        self.groups: list[tuple[int, str]] = []  # (snapshots, stack)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> HotThreads:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(self.every):
            try:
                text = self.client.nodes.hot_threads(
                    threads=3, interval="500ms", snapshots=10, ignore_idle_threads=True
                ).body
            except Exception as exc:  # a profile is a nicety; the load goes on
                say(f"no hot threads: {exc}")
                return
            self.groups += _stack_groups(str(text))

    def summary(self) -> dict[str, Any]:
        total = sum(n for n, _ in self.groups)
        if not total:
            return {}
        shares = {
            name: round(sum(n for n, stack in self.groups if mark in stack) / total, 3)
            for name, mark in self.KINDS
        }
        tops: Counter[str] = Counter()
        for n, stack in self.groups:
            tops[stack.splitlines()[0].strip().split("/")[-1]] += n
        return {
            "snapshots": total,
            "share": shares,
            "top_frames": [f"{n / total:.0%} {frame}" for frame, n in tops.most_common(6)],
        }


def _stack_groups(text: str) -> list[tuple[int, str]]:
    """(snapshots, stack) of each group in a hot-threads report."""
    groups: list[tuple[int, str]] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        stripped = line.strip()
        if "snapshots sharing following" in stripped:
            count = int(stripped.split("/", 1)[0])
        elif stripped == "unique snapshot":
            count = 1
        else:
            continue
        stack = []
        for frame in lines[i + 1 :]:
            if not frame.strip() or "snapshot" in frame or "cpu usage by thread" in frame:
                break
            stack.append(frame)
        if stack:
            groups.append((count, "\n".join(stack)))
    return groups


__all__ = ["CpuClock", "HotThreads", "say"]
