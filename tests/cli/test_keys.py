"""``siang keys``: a key is shown once, listed without its secret, revoked."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()


def test_keys_create_list_revoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIANG_STORE__PATH", str(tmp_path / "keys.db"))
    created = runner.invoke(app, ["keys", "create", "--role", "officer", "--name", "somchai"])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[0]
    assert key.startswith("siang_")
    key_id = key.split("_")[1]
    listed = runner.invoke(app, ["keys", "list"])
    assert key_id in listed.output and "officer" in listed.output and "live" in listed.output
    assert key.split("_", 2)[2] not in listed.output  # the secret is never shown again
    assert runner.invoke(app, ["keys", "revoke", key_id]).exit_code == 0
    assert "revoked" in runner.invoke(app, ["keys", "list"]).output
    bad = runner.invoke(app, ["keys", "create", "--role", "root", "--name", "x"])
    assert bad.exit_code == 2
