"""``siang es setup``: installs the templates, then reports nothing changed."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()


@pytest.mark.integration
def test_es_setup_reports_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import elasticsearch_settings

    conn = elasticsearch_settings()
    monkeypatch.setenv("SIANG_ELASTICSEARCH__HOSTS", json.dumps([conn["url"]]))
    monkeypatch.setenv("SIANG_ELASTICSEARCH__PASSWORD", conn["password"])
    monkeypatch.setenv("SIANG_ELASTICSEARCH__INDEX_PREFIX", "clisetup")
    first = runner.invoke(app, ["es", "setup"])
    second = runner.invoke(app, ["es", "setup"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert (
        "clisetup-posts" in first.output.split("created:")[1].split("\n")[0]
        or "clisetup-posts" in first.output
    )
    assert "  created: -" in second.output and "  updated: -" in second.output
    assert "clisetup-post-mappings" in second.output.split("unchanged:")[1]
