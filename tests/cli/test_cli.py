"""The ``siang`` command line: help everywhere, config errors, batch JSON-lines contracts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from domain.schema import json_schema
from tests.conftest import REPO

runner = CliRunner()
COMMANDS = [
    "demo",
    "ingest",
    "enrich",
    "link",
    "trends",
    "serve",
    "schema",
    "config",
    "es",
    "es setup",
]


@pytest.mark.parametrize("command", [[], *[c.split() for c in COMMANDS]])
def test_help_everywhere(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_invalid_config_names_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("api:\n  port: 70000\n", encoding="utf-8")
    result = runner.invoke(app, ["config", "--config", str(bad)])
    assert result.exit_code == 2
    assert "api.port" in result.output


def test_environment_overrides_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIANG_API__PORT", "9123")
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 0
    assert json.loads(result.output)["api"]["port"] == 9123


def test_committed_json_schema_is_current() -> None:
    committed = json.loads((REPO / "domain" / "schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(), "run `siang schema` and commit domain/schema.json"


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


def _write_lines(path: Path, rows: list[object]) -> Path:
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
    assert reasons[1].startswith("line 4: created_at is not an ISO-8601 timestamp")
