"""The README's table of environment variables is the one the settings model gives."""

from __future__ import annotations

import os

from domain.environment import environment_table
from domain.settings import load_settings
from tests.conftest import REPO


def test_readme_carries_the_generated_table() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- environment:start -->\n") + len("<!-- environment:start -->\n")
    end = readme.index("<!-- environment:end -->")
    assert readme[start:end] == environment_table(), "run `siang config --environment`"


def test_every_variable_in_the_table_is_read(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SIANG_API__PORT", "8123")
    monkeypatch.setenv("SIANG_COLLECT__MAX_WAIT_S", "60")
    monkeypatch.setenv("SIANG_ELASTICSEARCH__HOSTS", '["http://es:9200"]')
    settings = load_settings()
    assert settings.api.port == 8123 and settings.collect.max_wait_s == 60
    assert settings.elasticsearch.hosts == ["http://es:9200"]
    names = [line.split("`")[1] for line in environment_table().splitlines()[2:]]
    assert "SIANG_API__PORT" in names and len(names) == len(set(names))
    assert not [n for n in names if n.startswith("SIANG_") and n != n.upper()]
    assert os.environ["SIANG_API__PORT"] == "8123"
