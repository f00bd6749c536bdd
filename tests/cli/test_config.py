"""``siang config`` and ``siang schema``: a bad key is named, the environment wins over the
file, the committed schema is current."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from domain.schema import json_schema
from tests.conftest import REPO

runner = CliRunner()


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
