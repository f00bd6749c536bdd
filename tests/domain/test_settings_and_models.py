"""Settings (YAML + environment, validated at start) and the domain model."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from domain.errors import ConfigError
from domain.models import Category, Complaint, Post
from domain.schema import json_schema
from domain.settings import load_settings
from tests.conftest import T0, make_post


def test_bundled_config_loads() -> None:
    settings = load_settings()
    assert settings.store.backend == "embedded"
    assert set(settings.keywords) == {c for c in Category if c is not Category.none}
    assert settings.alerts.rules and settings.place_aliases["โคราช"] == "นครราชสีมา"


def test_environment_overrides_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIANG_STORE__PATH", "/data/siang.db")
    monkeypatch.setenv("SIANG_API__PORT", "9001")
    settings = load_settings()
    assert str(settings.store.path) == "/data/siang.db" and settings.api.port == 9001


@pytest.mark.parametrize(
    ("yaml_text", "key"),
    [
        ("api:\n  port: 70000\n", "api.port"),
        ("store:\n  backend: nope\n", "store.backend"),
        ("mystery: 1\n", "mystery"),
        ("alerts:\n  rules:\n    - {name: Bad Name, kind: keyword}\n", "alerts.rules.0.name"),
        ("environment: production\n", "privacy.pseudonym_key"),
    ],
)
def test_invalid_config_names_the_key(tmp_path: Path, yaml_text: str, key: str) -> None:
    path = tmp_path / "siang.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.key == key
    assert key in str(caught.value)


def test_production_accepts_a_real_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "siang.yaml"
    path.write_text("environment: production\n", encoding="utf-8")
    monkeypatch.setenv("SIANG_PRIVACY__PSEUDONYM_KEY", "a-real-secret-from-the-vault-123")
    assert load_settings(path).environment == "production"


def test_missing_config_file() -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(Path("/nonexistent/siang.yaml"))


def test_post_id_round_trip_and_timezones() -> None:
    post = make_post("42", platform="pantip")
    assert post.id == "pantip:42"
    assert Post.model_validate_json(post.model_dump_json()) == post
    with pytest.raises(ValidationError):
        Post(
            platform="x", native_id="1", text="t", created_at=datetime(2026, 11, 1), collected_at=T0
        )


def test_complaint_needs_a_real_category() -> None:
    with pytest.raises(ValidationError, match="real category"):
        Complaint(complaint_id="c", filed_at=T0, channel="web", category=Category.none, subject="s")


def test_json_schema_covers_the_model() -> None:
    defs = json_schema()["$defs"]
    for name in (
        "Post",
        "Enrichment",
        "Complaint",
        "Topic",
        "PostComplaintLink",
        "AlertRule",
        "Alert",
    ):
        assert name in defs
    assert "created_at" in defs["Post"]["required"]
