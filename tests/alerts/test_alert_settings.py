"""Rule and SMTP settings: validation names the key and says what is expected."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from domain.errors import ConfigError
from domain.models import AlertRule
from domain.settings import Settings, load_settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("SIANG_"):
            monkeypatch.delenv(name)


def _load(tmp_path: Path, text: str) -> Settings:
    path = tmp_path / "siang.yaml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path)


def test_bundled_config_has_the_new_rule_fields_and_smtp_off() -> None:
    settings = load_settings()
    rules = {rule.name: rule for rule in settings.alerts.rules}
    assert rules["water-nonthaburi"].quiet_hours == "22:00-07:00"
    assert rules["water-nonthaburi"].digest == "hourly"
    assert rules["any-topic-spike"].digest == "none"
    assert settings.smtp.enabled is False and settings.smtp.password is None


def test_rule_fields_are_normalised() -> None:
    rule = AlertRule(
        name="r",
        kind="keyword",
        keyword="น้ำท่วม",
        quiet_hours=" 7:00 - 9:30 ",
        recipients=[" Desk@example.go.th", "desk@example.go.th", "b@example.org"],
    )
    assert rule.quiet_hours == "07:00-09:30"
    assert rule.recipients == ["Desk@example.go.th", "b@example.org"]
    assert AlertRule(name="r", kind="keyword", quiet_hours="").quiet_hours is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"quiet_hours": "22-07"}, "must look like 22:00-07:00"),
        ({"quiet_hours": "25:00-07:00"}, "is not a time of day"),
        ({"quiet_hours": "07:00-07:00"}, "starts and ends at the same time"),
        ({"digest": "weekly"}, "'none', 'hourly' or 'daily'"),
        ({"recipients": ["officer at example.go.th"]}, "is not an e-mail address"),
        ({"recipients": ["a@b..th"]}, "is not an e-mail address"),
    ],
)
def test_bad_rule_fields_are_refused_with_a_clear_message(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        AlertRule.model_validate({"name": "r", "kind": "topic_spike", **fields})


@pytest.mark.parametrize(
    ("yaml_text", "key", "message"),
    [
        (
            "alerts:\n  rules:\n    - {name: a, kind: keyword, quiet_hours: '10pm-7am'}\n",
            "alerts.rules.0.quiet_hours",
            "HH:MM-HH:MM",
        ),
        (
            "alerts:\n  rules:\n    - {name: a, kind: keyword, digest: weekly}\n",
            "alerts.rules.0.digest",
            "hourly",
        ),
        (
            "alerts:\n  rules:\n    - {name: a, kind: keyword}\n    - {name: a, kind: keyword}\n",
            "alerts.rules",
            "repeated: a",
        ),
        ("alerts: {daily_digest_at: '8am'}\n", "alerts.daily_digest_at", "HH:MM"),
        ("smtp: {port: 0}\n", "smtp.port", "greater than or equal to 1"),
        ("smtp: {sender: nobody}\n", "smtp.sender", "no usable address"),
        ("smtp: {username: siang}\n", "smtp", "SIANG_SMTP__PASSWORD"),
        (
            "smtp: {host: mail.example.go.th, username: siang, password: pw}\n",
            "smtp",
            "must be true to log in to mail.example.go.th",
        ),
    ],
)
def test_bad_alert_and_smtp_config_names_the_key(
    tmp_path: Path, yaml_text: str, key: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, yaml_text)
    assert caught.value.key == key
    assert message in str(caught.value)


def test_smtp_password_comes_from_the_environment_and_stays_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIANG_SMTP__PASSWORD", "from-the-vault-42")
    settings = _load(
        tmp_path, "smtp: {host: mail.example.go.th, port: 587, starttls: true, username: siang}\n"
    )
    assert settings.smtp.password is not None
    assert settings.smtp.password.get_secret_value() == "from-the-vault-42"
    assert "from-the-vault-42" not in repr(settings) and "from-the-vault-42" not in str(
        settings.model_dump()
    )
