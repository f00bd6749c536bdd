"""A spool two processes share, and batches the store refuses, against the real node.

Two ``siang ingest`` processes spool into one directory while Elasticsearch is out of
reach; ``siang store replay`` then writes every post once. A post whose id the store cannot
hold (over 512 bytes) is refused on its own, quarantined with the reason, and never blocks
its batch or the spool; quarantine records written during an outage wait in the spool too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from domain.errors import StoreUnavailable
from domain.models import QuarantinedRecord
from storage.elasticsearch import ElasticsearchStore
from storage.spool import SpoolingStore
from tests.conftest import REPO, T0, elasticsearch_settings, make_post

pytestmark = pytest.mark.integration
LONG = "ก" * 200  # 600 bytes in UTF-8: more than Elasticsearch's 512-byte _id


class Down:
    """The wrapped store while the cluster is unreachable."""

    def upsert_posts(self, posts: object) -> object:
        raise StoreUnavailable("connection refused")

    def quarantine(self, records: object) -> int:
        raise StoreUnavailable("connection refused")


def _lines(path: Path, first: int, n: int) -> Path:
    rows = [
        {
            "post_id": f"P{i:05d}",  # plain ids, with the platform given
            "platform": "twitter",
            "created_at": (T0 + timedelta(minutes=i)).strftime("%d/%m/") + "2569 10:00",
            "text": f"น้ำไม่ไหล ครั้งที่ {i}",
        }
        for i in range(first, first + n)
    ]
    rows.insert(n // 2, {"post_id": "broken", "text": "ไม่มีแพลตฟอร์ม"})  # quarantined
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def _config(tmp_path: Path, prefix: str, url: str, *, name: str) -> Path:
    config = yaml.safe_load((REPO / "config" / "siang.yaml").read_text(encoding="utf-8"))
    config["store"] = {"backend": "elasticsearch", "spool_dir": str(tmp_path / "spool")}
    config["elasticsearch"] = {
        **config.get("elasticsearch", {}),
        "hosts": [url],
        "index_prefix": prefix,
        "username": elasticsearch_settings()["user"],
    }
    path = tmp_path / f"siang-{name}.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def _siang(*args: str, config: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "SIANG_ELASTICSEARCH__PASSWORD": elasticsearch_settings()["password"]}
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", *args, "--config", str(config)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_two_processes_share_a_spool_while_the_store_is_down_and_lose_nothing(
    es_store: ElasticsearchStore, tmp_path: Path
) -> None:
    down = _config(tmp_path, es_store.prefix, "http://127.0.0.1:9", name="down")  # no one there
    up = _config(tmp_path, es_store.prefix, elasticsearch_settings()["url"], name="up")
    first = _siang("ingest", "--input", str(_lines(tmp_path / "a.jsonl", 0, 1500)), config=down)
    second = _siang("ingest", "--input", str(_lines(tmp_path / "b.jsonl", 1500, 1501)), config=down)
    outputs = [p.communicate(timeout=300)[0] for p in (first, second)]
    for process, output in zip((first, second), outputs, strict=True):
        assert process.returncode == 0, output
        assert "quarantined 1, spooled" in output
    spool = tmp_path / "spool"
    assert len([p for p in spool.glob("posts-*.jsonl")]) >= 2
    assert list(spool.glob("quarantine-*.jsonl"))  # the refused lines wait too
    replay = _siang("store", "replay", config=up)
    output = replay.communicate(timeout=300)[0]
    assert replay.returncode == 0, output
    assert not list(spool.glob("*.jsonl"))
    ids = [p.id for p in es_store.iter_posts()]
    assert len(ids) == len(set(ids)) == 3001
    assert {"x:P00000", "x:P03000"} <= set(ids)
    reasons = [q.reason for q in es_store.list_quarantine(stage="ingest", limit=10)]
    assert sorted(reasons)[0].endswith("platform is missing") and len(reasons) == 2


def test_an_id_the_store_cannot_hold_is_refused_alone_with_the_store_up(
    es_store: ElasticsearchStore,
) -> None:
    posts = [make_post(str(i)) for i in range(3)]
    posts.insert(1, make_post(LONG))
    counts = es_store.upsert_posts(posts)
    assert (counts.created, counts.refused) == (3, 1)
    assert sorted(p.native_id for p in es_store.iter_posts()) == ["0", "1", "2"]
    [refused] = es_store.list_quarantine(limit=10)
    assert refused.reason == "id is 602 bytes; Elasticsearch allows at most 512"


def test_a_spooled_batch_the_store_refuses_in_part_never_blocks_the_spool(
    es_store: ElasticsearchStore, tmp_path: Path
) -> None:
    offline = SpoolingStore(Down(), tmp_path / "spool")  # type: ignore[arg-type]
    first = [make_post("a"), make_post(LONG), make_post("b")]
    assert offline.upsert_posts(first).spooled == 3
    assert offline.upsert_posts([make_post("c")]).spooled == 1
    refusal = QuarantinedRecord(
        stage="ingest", source="t", reason="line 9: text is missing or empty", payload="{}",
        received_at=datetime(2026, 11, 20, tzinfo=UTC),
    )  # fmt: skip
    assert offline.quarantine([refusal]) == 1
    # A crash here leaves the spool as it is; the next process replays it first.
    online = SpoolingStore(es_store, tmp_path / "spool")
    counts = online.replay()
    assert (counts.created, counts.refused) == (3, 1)
    assert online.pending() == 0 and not list((tmp_path / "spool").glob("*.jsonl"))
    assert sorted(p.native_id for p in es_store.iter_posts()) == ["a", "b", "c"]
    reasons = sorted(q.reason for q in es_store.list_quarantine(limit=10))
    assert reasons == [
        "id is 602 bytes; Elasticsearch allows at most 512",
        "line 9: text is missing or empty",
    ]
    assert online.replay().total == 0  # replaying again changes nothing
