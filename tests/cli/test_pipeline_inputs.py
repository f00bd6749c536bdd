"""What users hand over, through ``siang enrich``, ``ingest`` and ``link``, on both stores.

Plain ids with their platform, zone-less times (Bangkok), Buddhist-era and Thai-month
dates, platform aliases and the platforms Thai users live on are accepted; an id too long
for any store is refused with the reason, alone; a run where nothing could be taken fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cli.main import app
from storage.elasticsearch import ElasticsearchStore
from storage.embedded import EmbeddedStore
from tests.conftest import REPO, elasticsearch_settings

runner = CliRunner()
ROWS = [
    {"post_id": "P0001", "platform": "pantip", "created_at": "2026-11-20T14:00:00",
     "text": "น้ำประปาไม่ไหลทั้งซอยที่บางบัวทอง นนทบุรี ตั้งแต่เมื่อคืน"},
    {"post_id": "185301", "platform": "Twitter", "created_at": "๒๐/๑๑/๒๕๖๙ ๑๔:๓๐",
     "text": "ไฟดับทั้งหมู่บ้าน หาดใหญ่ สงขลา สามชั่วโมงแล้ว"},
    {"native_id": "7301", "platform": "tiktok", "created_at": "20 พ.ย. 2569 09:05 น.",
     "text": "ถนนพังหน้าโรงเรียน โคราช รถล้มทุกวัน"},
    {"post_id": "line:OC-9", "created_at": "2026-11-20 08:00",
     "text": "ขยะไม่มีคนเก็บมาอาทิตย์นึงแล้ว เชียงใหม่"},
    {"post_id": "ก" * 200, "platform": "x", "created_at": "2026-11-20T08:00:00+07:00",
     "text": "โพสต์ที่ไอดียาวเกิน"},
]  # fmt: skip
IDS = ["pantip:P0001", "x:185301", "tiktok:7301", "line:OC-9"]


def _input(tmp_path: Path, rows: list[dict[str, str]] = ROWS) -> Path:
    path = tmp_path / "posts.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


@pytest.mark.integration
def test_enrich_takes_what_users_have(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIANG_STORE__PATH", str(tmp_path / "unused.db"))
    output = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["enrich", "--input", str(_input(tmp_path)), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "read 5 lines, wrote 4, quarantined 1" in result.output
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["post_id"] for r in rows) == sorted(IDS)
    quarantine = (tmp_path / "out.jsonl.quarantine.jsonl").read_text(encoding="utf-8")
    assert "id is 602 bytes in UTF-8; stores accept at most 512" in quarantine


def test_ingest_takes_what_users_have_on_the_embedded_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIANG_STORE__PATH", str(tmp_path / "siang.db"))
    result = runner.invoke(app, ["ingest", "--input", str(_input(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "read 5: written 4 (4 new, 0 updated, 0 unchanged), quarantined 1, spooled 0" in (
        result.output
    )
    store = EmbeddedStore(tmp_path / "siang.db")
    posts = {p.id: p for p in store.iter_posts()}
    store.close()
    assert sorted(posts) == sorted(IDS)
    assert posts["x:185301"].created_at.isoformat() == "2026-11-20T14:30:00+07:00"
    assert posts["pantip:P0001"].created_at.isoformat() == "2026-11-20T14:00:00+07:00"


@pytest.mark.integration
def test_ingest_takes_what_users_have_on_elasticsearch(
    tmp_path: Path, es_store: ElasticsearchStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = elasticsearch_settings()
    config = yaml.safe_load((REPO / "config" / "siang.yaml").read_text(encoding="utf-8"))
    config["store"] = {"backend": "elasticsearch", "spool_dir": str(tmp_path / "spool")}
    config["elasticsearch"] = {"hosts": [conn["url"]], "index_prefix": es_store.prefix}
    path = tmp_path / "siang.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("SIANG_ELASTICSEARCH__PASSWORD", conn["password"])
    result = runner.invoke(app, ["ingest", "--input", str(_input(tmp_path)), "--config", str(path)])
    assert result.exit_code == 0, result.output
    assert "written 4 (4 new" in result.output and "quarantined 1, spooled 0" in result.output
    assert sorted(p.id for p in es_store.iter_posts()) == sorted(IDS)


def test_a_run_that_takes_nothing_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIANG_STORE__PATH", str(tmp_path / "siang.db"))
    result = runner.invoke(app, ["ingest", "--input", str(_input(tmp_path, ROWS[-1:]))])
    assert result.exit_code == 1
    assert "written 0" in result.output and "quarantined 1" in result.output


@pytest.mark.integration
def test_link_takes_what_users_have(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIANG_STORE__PATH", str(tmp_path / "unused.db"))
    complaints = tmp_path / "complaints.jsonl"
    complaints.write_text(
        json.dumps(
            {
                "complaint_id": "1111-2569-000777",
                "filed_at": "20/11/2569 10:00",
                "channel": "1111",
                "category": "water_supply",
                "province": "นนทบุรี",
                "district": "บางบัวทอง",
                "subject": "น้ำประปาไม่ไหลในซอยบางบัวทอง",
                "description": "ผู้ร้องแจ้งว่าน้ำประปาไม่ไหลทั้งซอยตั้งแต่เมื่อคืน",
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    output = tmp_path / "links.jsonl"
    result = runner.invoke(
        app,
        [
            "link",
            "--complaints",
            str(complaints),
            "--posts",
            str(_input(tmp_path)),
            "-o",
            str(output),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert ("pantip:P0001", "1111-2569-000777") in {(r["post_id"], r["complaint_id"]) for r in rows}
