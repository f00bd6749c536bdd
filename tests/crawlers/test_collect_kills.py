"""Kill ``siang collect`` for real, at random instants, and lose nothing.

``siang collect`` runs as its own process against local servers that speak YouTube's Data
API and a Pantip-like forum. Each trial stops it with SIGTERM or ``kill -9`` at a random
instant after its first request (the seed is in the test id, so a failure can be replayed),
and a last run goes to the end. The store must then hold exactly the expected posts, none
twice, and a SIGTERM must end the run within a few seconds with exit code 143; the crawler
child must not outlive its parent.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from storage.embedded import EmbeddedStore
from tests.crawlers.collectors.conftest import ApiServer, Reply, Seen
from tests.crawlers.conftest import FixtureSite, Route, pantip_routes
from tests.crawlers.test_spiders import PANTIP_IDS

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
SEARCH, THREADS = "/youtube/v3/search", "/youtube/v3/commentThreads"
VIDEOS = [f"v{p}{i}" for p in range(3) for i in range(4)]  # 3 search pages of 4
COMMENTS = {v: [f"c{v}-{n}" for n in range(6)] for v in VIDEOS}  # 2 pages of 3 each


def _youtube(server: ApiServer) -> dict[str, Any]:
    """Route three search pages and each video's second comment page; return each video's
    first comment page (the server keys pages by token only, and first pages have none)."""

    def video(v: str, minute: int) -> dict[str, Any]:
        return {
            "id": {"videoId": v},
            "snippet": {
                "publishedAt": f"2026-11-08T07:{minute:02d}:00Z",
                "title": f"ไฟดับทั้งซอย คลิปที่ {v}",
                "description": "รายงานจากพื้นที่",
                "channelTitle": "ช่องข่าว",
            },
        }

    def comment(v: str, c: str, minute: int) -> dict[str, Any]:
        inner = {
            "videoId": v,
            "textOriginal": f"บ้านเราก็ดับ {c}",
            "authorDisplayName": f"@{c}",
            "publishedAt": f"2026-11-08T08:{minute:02d}:00Z",
        }
        return {"id": c, "snippet": {"videoId": v, "topLevelComment": {"id": c, "snippet": inner}}}

    pages: dict[str | None, Any] = {}
    for p in range(3):
        items = [video(v, 59 - p * 4 - i) for i, v in enumerate(VIDEOS[p * 4 : p * 4 + 4])]
        body: dict[str, Any] = {"items": items}
        if p < 2:
            body["nextPageToken"] = f"s{p + 1}"
        pages[None if p == 0 else f"s{p}"] = body
    server.route(SEARCH, "pageToken", pages)
    firsts, seconds = {}, {}
    for v, ids in COMMENTS.items():
        firsts[v] = {
            "items": [comment(v, c, n) for n, c in enumerate(ids[:3])],
            "nextPageToken": f"{v}-2",
        }
        seconds[f"{v}-2"] = {"items": [comment(v, c, 3 + n) for n, c in enumerate(ids[3:])]}
    server.route(THREADS, "pageToken", seconds)
    return firsts


def _config(tmp_path: Path, sources: list[dict[str, Any]]) -> Path:
    config = yaml.safe_load((REPO / "config" / "siang.yaml").read_text(encoding="utf-8"))
    config["store"] = {"backend": "embedded", "path": str(tmp_path / "siang.db")}
    config["collect"] = {
        **config["collect"],
        "checkpoint_dir": str(tmp_path / "checkpoints"),
        "download_delay_s": 0,
        "timeout_s": 2.0,
        "max_retries": 2,
        "backoff_base_s": 0.1,
        "backoff_max_s": 1.0,
    }
    config["sources"] = sources
    path = tmp_path / "siang.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def _start(config: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SIANG_CREDENTIALS__YOUTUBE_API_KEY": "yt-kill-test"}
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", "collect", "--config", str(config)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _stored(tmp_path: Path) -> list[str]:
    store = EmbeddedStore(tmp_path / "siang.db")
    try:
        return [p.id for p in store.iter_posts()]
    finally:
        store.close()


def _kill_trials(
    config: Path, started: Any, *, seed: int, trials: int, window: float
) -> list[tuple[str, int | None]]:
    """Start, wait for the first request, kill at a random instant; return what happened."""
    rng = random.Random(seed)
    outcomes = []
    for trial in range(trials):
        before = started()
        process = _start(config)
        deadline = time.monotonic() + 30
        while started() == before and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, window))
        how = "TERM" if trial % 2 == 0 else "KILL"
        children = _children(process.pid)
        sent_at = time.monotonic()
        process.send_signal(signal.SIGTERM if how == "TERM" else signal.SIGKILL)
        code = process.wait(timeout=20)
        output = process.stdout.read().decode() if process.stdout else ""
        # It may have finished just before: exit 0 or 1, or, when the signal lands after
        # the summary was printed (the handler is gone by then), the default -15.
        finished = code in (0, 1) or (code == -signal.SIGTERM and " fetched " in output)
        if how == "TERM" and not finished:
            assert code == 128 + signal.SIGTERM, output
            assert time.monotonic() - sent_at < 8
        for child in children:  # the crawler child dies with its parent, even by kill -9
            end = time.monotonic() + 5
            while _alive(child) and time.monotonic() < end:
                time.sleep(0.05)
            assert not _alive(child), f"child {child} outlived its parent ({how})"
        outcomes.append((how, code))
    return outcomes


@pytest.fixture
def youtube(api_server: ApiServer) -> Iterator[ApiServer]:
    firsts = _youtube(api_server)
    routed = api_server.reply_for

    def reply_for(seen: Seen) -> Reply:
        if seen.path == THREADS and "pageToken" not in seen.query:
            routed(seen)  # recorded like any request
            return Reply(firsts[seen.query["videoId"]])
        return routed(seen)

    api_server.reply_for = reply_for  # type: ignore[method-assign]
    api_server.latency = 0.04
    yield api_server


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_api_collector_killed_at_random_loses_and_duplicates_nothing(
    tmp_path: Path, youtube: ApiServer, seed: int
) -> None:
    config = _config(
        tmp_path,
        [
            {
                "name": "yt",
                "kind": "youtube",
                "endpoint": youtube.url,
                "queries": ["ไฟดับ"],
                "max_pages": 10,
            }
        ],
    )
    _kill_trials(config, lambda: len(youtube.requests), seed=seed, trials=4, window=1.2)
    final = _start(config)
    output = final.communicate(timeout=60)[0].decode()
    assert final.returncode == 0, output
    ids = _stored(tmp_path)
    expected = {f"youtube:{v}" for v in VIDEOS} | {
        f"youtube:{c}" for cs in COMMENTS.values() for c in cs
    }
    assert sorted(ids) == sorted(expected)  # everything, and nothing twice


@pytest.mark.parametrize("seed", [4, 5])
def test_a_spider_killed_at_random_loses_nothing_and_its_child_dies_with_it(
    tmp_path: Path, seed: int
) -> None:
    # the same forum as the spider tests, without its faults (they have their own tests)
    routes = {path: Route(r.file, r.content_type) for path, r in pantip_routes().items()}
    with FixtureSite("pantip", routes) as site:
        source = {
            "name": "forum",
            "kind": "pantip",
            "start_urls": [site.url("/forum/siang")],
            "max_pages": 3,
        }
        config = _config(tmp_path, [source])
        _kill_trials(config, lambda: sum(site.hits.values()), seed=seed, trials=3, window=2.5)
        final = _start(config)
        output = final.communicate(timeout=120)[0].decode()
    assert final.returncode == 0, output
    assert sorted(_stored(tmp_path)) == sorted(f"pantip:{i}" for i in PANTIP_IDS)
