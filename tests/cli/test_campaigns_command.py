"""``siang campaigns``: clusters, campaigns and sources over the configured store."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from cli.main import app
from domain.models import Engagement
from storage.embedded import EmbeddedStore
from tests.conftest import T0, make_post

runner = CliRunner()
_TEXT = "ขอให้ทุกคนช่วยกันคัดค้านการย้ายตลาดโต้รุ่ง พ่อค้าแม่ค้าเดือดร้อนหนักมาก ไม่มีใครถามเราเลย"


def test_the_command_flags_a_campaign_lists_sources_and_changes_nothing_the_second_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "siang.db"
    monkeypatch.setenv("SIANG_STORE__PATH", str(path))
    store = EmbeddedStore(path)
    posts = [
        make_post(f"c{i}", f"{_TEXT} {'!' * i}", created_at=T0 + timedelta(minutes=5 * i))
        .model_copy(update={"author": f"vendor{i}", "source": "page:ตลาดโต้รุ่ง",
                            "engagement": Engagement(likes=10)})
        for i in range(8)
    ]  # fmt: skip
    store.upsert_posts([p.model_copy(update={"enrichment": None}) for p in posts])
    store.save_enrichment(posts, np.ones((8, 4), dtype=np.float32))
    store.close()

    first = runner.invoke(app, ["campaigns"])
    again = runner.invoke(app, ["campaigns", "--no-sources"])

    assert first.exit_code == 0, first.output
    lines = first.stdout.splitlines()
    assert lines[0] == (
        "clusters: 8 posts, 8 in copied texts (8 changed); campaigns: 1 (8 posts marked)"
    )
    assert "copied_text  8 บัญชีโพสต์ข้อความเดียวกันภายใน 35 นาที" in lines[1]
    assert lines[2] == "sources: 9; widest reach:"
    assert lines[3].split()[:2] == ["page", "ตลาดโต้รุ่ง"]
    assert again.exit_code == 0
    assert again.stdout.splitlines()[0].endswith("(0 changed); campaigns: 1 (0 posts marked)")
    assert "sources:" not in again.stdout
