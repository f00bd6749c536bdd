"""``siang complaints surveys``: survey results in, exit 1 when nothing could be used."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()


def test_survey_import_reports_counts_and_fails_when_nothing_is_usable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIANG_STORE__PATH", str(tmp_path / "siang.db"))
    good = tmp_path / "survey.csv"
    good.write_text("complaint_id,score,comment\nc1,4,ดีมาก\nc2,๒,\nc3,9,\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("complaint_id,score\nc1,0\n", encoding="utf-8")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("id,rating\nc1,4\n", encoding="utf-8")

    first = runner.invoke(app, ["complaints", "surveys", str(good)])
    again = runner.invoke(app, ["complaints", "surveys", str(good)])
    refused = runner.invoke(app, ["complaints", "surveys", str(bad)])
    not_a_survey = runner.invoke(app, ["complaints", "surveys", str(wrong)])

    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("survey answers: 3 read, 2 new, 0 updated, 0 unchanged, 1 q")
    assert "2 about complaints not in the store" in first.stdout
    assert "quarantined: line 4: score must be a whole number from 1 to 5" in first.stdout
    assert again.exit_code == 0 and "0 new, 0 updated, 2 unchanged" in again.stdout
    assert refused.exit_code == 1 and "no survey answer could be used" in refused.output
    assert not_a_survey.exit_code == 1
    assert "error: the survey CSV has no complaint_id or score column" in not_a_survey.output
