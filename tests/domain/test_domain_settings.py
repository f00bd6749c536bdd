"""Settings: bundled YAML, SIANG_* overrides, validation naming the bad key (domain/settings.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from domain.errors import ConfigError
from domain.models import Category
from domain.settings import load_settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the variables a test sets may reach the settings."""
    for name in list(os.environ):
        if name.startswith("SIANG_"):
            monkeypatch.delenv(name)


def _yaml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "siang.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_config_loads() -> None:
    settings = load_settings()
    assert settings.environment == "development"
    assert settings.store.backend == "embedded"
    assert settings.store.path == Path("var/siang.db")
    assert settings.api.port == 8000
    assert set(settings.keywords) == {c for c in Category if c is not Category.none}
    assert settings.place_aliases["โคราช"] == "นครราชสีมา"
    assert [rule.name for rule in settings.alerts.rules] == [
        "emerging-grievances",
        "any-topic-spike",
        "flood-keyword",
        "reopen-candidates",
        "water-nonthaburi",
    ]


def test_siang_config_variable_chooses_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIANG_CONFIG", str(_yaml(tmp_path, "api: {port: 9100}\n")))
    settings = load_settings()
    assert settings.api.port == 9100
    assert settings.keywords == {}  # nothing from the bundled file


def test_environment_overrides_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIANG_STORE__PATH", "/data/siang.db")
    monkeypatch.setenv("SIANG_API__PORT", "9001")
    settings = load_settings()
    assert settings.store.path == Path("/data/siang.db")
    assert settings.api.port == 9001
    assert settings.api.host == "127.0.0.1"  # siblings still come from the YAML
    assert settings.store.backend == "embedded"


def test_keyword_overrides_beat_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIANG_STORE__PATH", "/data/siang.db")
    settings = load_settings(store={"backend": "embedded", "path": "/tmp/x.db"})
    assert settings.store.path == Path("/tmp/x.db")


@pytest.mark.parametrize(
    ("yaml_text", "key"),
    [
        ("api: {port: 70000}\n", "api.port"),
        ("api:\n  port: not-a-number\n", "api.port"),
        ("store: {backend: nope}\n", "store.backend"),
        ("mystery: 1\n", "mystery"),
        ("api: {prot: 8000}\n", "api.prot"),
        ("alerts:\n  rules:\n    - {name: Bad Name, kind: keyword}\n", "alerts.rules.0.name"),
        ("environment: production\n", "privacy.pseudonym_key"),
        ("privacy: {pseudonym_key: short}\n", "privacy.pseudonym_key"),
    ],
)
def test_invalid_config_names_the_key(tmp_path: Path, yaml_text: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_yaml(tmp_path, yaml_text))
    assert caught.value.key == key
    assert f": {key}: " in str(caught.value)


def test_production_refuses_the_development_key_even_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SIANG_ENVIRONMENT", "production")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.key == "privacy.pseudonym_key"
    assert "refused in production" in str(caught.value)


def test_production_accepts_a_real_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIANG_PRIVACY__PSEUDONYM_KEY", "a-real-secret-from-the-vault-123")
    settings = load_settings(_yaml(tmp_path, "environment: production\n"))
    assert settings.environment == "production"
    key = settings.privacy.pseudonym_key
    assert key.get_secret_value() == "a-real-secret-from-the-vault-123"
    assert "vault" not in repr(settings)


def test_invalid_environment_value_names_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIANG_API__PORT", "70000")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.key == "api.port"


def test_missing_config_file() -> None:
    with pytest.raises(ConfigError, match="config file not found") as caught:
        load_settings(Path("/nonexistent/siang.yaml"))
    assert caught.value.key == "SIANG_CONFIG"


@pytest.mark.parametrize("yaml_text", ["api: [\n", "api: {port: 1\n", "- 1\n- 2\n"])
def test_unparsable_yaml_is_a_config_error(tmp_path: Path, yaml_text: str) -> None:
    with pytest.raises(ConfigError, match="cannot read") as caught:
        load_settings(_yaml(tmp_path, yaml_text))
    assert caught.value.key == "SIANG_CONFIG"


def test_empty_yaml_gives_defaults(tmp_path: Path) -> None:
    settings = load_settings(_yaml(tmp_path, ""))
    assert (settings.api.port, settings.store.backend, settings.keywords) == (8000, "embedded", {})
