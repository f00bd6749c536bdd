"""The pipeline's commands: the batch JSON-lines contracts of ``enrich``, ``link`` and ``trends``;
``topics`` and ``collect`` over the store."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import REPO

runner = CliRunner()
ENRICH_INPUT = [
    {
        "post_id": "x:1",
        "platform": "x",
        "created_at": "2026-11-08T14:05:00+07:00",
        "text": "น้ำประปาเค็มมากกกก ที่บางบัวทอง 😡 โทร 081-234-5678",
        "extra": "ignored",
    },
    {
        "post_id": "x:2",
        "platform": "x",
        "created_at": "2026-11-08T15:00:00+07:00",
        "text": "ขอบคุณการไฟฟ้าที่ซ่อมไฟให้รวดเร็ว หาดใหญ่ 👍",
    },
    "this line is not json",
    {"post_id": "x:3", "platform": "x", "created_at": "yesterday", "text": "ไฟดับ"},
]


def _write_lines(path: Path, rows: Sequence[object]) -> Path:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows)
        + "\n",
        encoding="utf-8",
    )
    return path


def test_enrich_contract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIANG_STORE__PATH", str(tmp_path / "unused.db"))
    source = _write_lines(tmp_path / "in.jsonl", ENRICH_INPUT)
    output = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["enrich", "--input", str(source), "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert "read 4 lines, wrote 2, quarantined 2" in result.output
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [r["post_id"] for r in rows] == ["x:1", "x:2"]
    first, second = rows
    assert set(first) == {
        "post_id",
        "sentiment",
        "locations",
        "category",
        "is_grievance",
        "agency",
        "tokens",
        "redacted_text",
    }
    assert first["sentiment"]["label"] == "negative" and 0 < first["sentiment"]["score"] <= 1
    assert first["category"]["label"] == "water_supply"
    assert first["is_grievance"] is True and first["agency"]
    assert first["locations"][0]["province"] == "นนทบุรี"
    assert first["locations"][0]["district"] == "บางบัวทอง"
    assert {"lat", "lon", "confidence"} <= set(first["locations"][0])
    assert "081-234-5678" not in first["redacted_text"] and "[PHONE]" in first["redacted_text"]
    assert "บางบัวทอง" in first["tokens"]
    assert second["sentiment"]["label"] == "positive" and second["is_grievance"] is False
    quarantine = [
        json.loads(line)
        for line in (tmp_path / "out.jsonl.quarantine.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()
    ]
    reasons = sorted(q["reason"] for q in quarantine)
    assert reasons[0].startswith("line 3: not valid JSON")
    assert reasons[1].startswith("line 4: created_at is not a date or an ISO-8601 timestamp")


def _sample_slice(tmp_path: Path, start: str, end: str) -> tuple[Path, Path]:
    truth = json.loads((REPO / "sample_data" / "truth.json").read_text(encoding="utf-8"))
    malformed = {m["line"] for m in truth["malformed"]}
    lines = (REPO / "sample_data" / "posts.jsonl").read_text(encoding="utf-8").splitlines()
    kept = [
        line
        for n, line in enumerate(lines, 1)
        if n not in malformed and start <= json.loads(line)["created_at"] < end
    ]
    posts = tmp_path / "posts.jsonl"
    posts.write_text("\n".join([*kept, "{not json"]) + "\n", encoding="utf-8")
    return posts, REPO / "sample_data" / "complaints.jsonl"


@pytest.mark.integration
def test_link_contract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIANG_STORE__PATH", str(tmp_path / "unused.db"))
    posts, complaints = _sample_slice(tmp_path, "2026-11-01", "2026-11-04")
    output = tmp_path / "links.jsonl"
    result = runner.invoke(
        app,
        ["link", "--complaints", str(complaints), "--posts", str(posts), "--output", str(output)],
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert rows and all(set(r) == {"post_id", "complaint_id", "score", "explanation"} for r in rows)
    for earlier, later in itertools.pairwise(rows):
        if earlier["post_id"] == later["post_id"]:
            assert earlier["score"] >= later["score"]  # best first per post
    assert len({r["post_id"] for r in rows}) == len(
        [i for i, r in enumerate(rows) if i == 0 or rows[i - 1]["post_id"] != r["post_id"]]
    )
    truth = json.loads((REPO / "sample_data" / "truth.json").read_text(encoding="utf-8"))
    gold = {(f"{t['platform']}:{t['native_id']}", t["complaint_id"]) for t in truth["links"]}
    assert {(r["post_id"], r["complaint_id"]) for r in rows} & gold
    assert "quarantined 1" in result.output


@pytest.mark.integration
def test_trends_contract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIANG_STORE__PATH", str(tmp_path / "unused.db"))
    posts, _ = _sample_slice(tmp_path, "2026-11-01", "2026-11-15")
    output = tmp_path / "spikes.jsonl"
    result = runner.invoke(app, ["trends", "--posts", str(posts), "--output", str(output)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert rows
    keys = {"start", "peak", "detected_at", "score", "series", "window_hours", "observed"}
    assert keys | {"expected", "post_ids", "topic_id", "label", "reason"} <= set(rows[0])
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    # The Hat Yai blackout (13 Nov 19:00 Bangkok) is seen within 6 hours, in Songkhla,
    # and nothing is judged in the first week (the baseline's warm-up).
    blackout = [r for r in rows if "2026-11-13T19" <= r["detected_at"] <= "2026-11-14T01"]
    assert any(r["province"] == "สงขลา" for r in blackout), rows[:3]
    assert all(r["detected_at"] >= "2026-11-08" for r in rows)
    assert all(r["detected_at"].endswith("+07:00") for r in rows)


@pytest.mark.integration
def test_trends_on_a_history_shorter_than_the_warm_up_fails_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIANG_STORE__PATH", str(tmp_path / "unused.db"))
    posts, _ = _sample_slice(tmp_path, "2026-11-10", "2026-11-13")
    output = tmp_path / "spikes.jsonl"
    result = runner.invoke(app, ["trends", "--posts", str(posts), "--output", str(output)])
    assert result.exit_code == 1
    assert "trends.warmup_days (7)" in result.output and not output.exists()


@pytest.mark.integration
def test_topics_command_updates_then_refits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIANG_STORE__PATH", str(tmp_path / "siang.db"))
    posts, _ = _sample_slice(tmp_path, "2026-11-10", "2026-11-15")
    assert runner.invoke(app, ["ingest", "--input", str(posts)]).exit_code == 0
    first = runner.invoke(app, ["run"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, ["topics"])
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith("topics: none, 0 window(s)")
    refit = runner.invoke(app, ["topics", "--refit"])
    assert refit.exit_code == 0, refit.output
    assert refit.stdout.startswith("topics: full, 1 window(s)")
    assert "spike" in refit.output  # the top topics are listed with their spike scores


def test_collect_exits_non_zero_when_a_source_failed(tmp_path: Path) -> None:
    import yaml

    config = yaml.safe_load((REPO / "config" / "siang.yaml").read_text(encoding="utf-8"))
    config["store"] = {"backend": "embedded", "path": str(tmp_path / "siang.db")}
    config["collect"] = {
        **config["collect"],
        "checkpoint_dir": str(tmp_path / "ck"),
        "max_retries": 0,
        "timeout_s": 1.0,
    }
    config["sources"] = [
        {
            "name": "unreachable",
            "kind": "bluesky",
            "endpoint": "http://127.0.0.1:9",
            "queries": ["ไฟดับ"],
        }
    ]
    path = tmp_path / "siang.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["collect", "--config", str(path)])
    assert result.exit_code == 1, result.output
    assert "unreachable" in result.output and "FAILED (CollectorUnavailable" in result.output
