"""The production docker-compose.yml: valid for Compose, and its settings load in Siang."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import yaml

from domain.settings import load_settings
from tests.conftest import REPO

pytestmark = pytest.mark.integration
SECRETS = {
    "ELASTIC_PASSWORD": "compose-test-password",
    "SIANG_PRIVACY__PSEUDONYM_KEY": "compose-test-pseudonym-key-123",
}


def _compose_config() -> dict:
    if (
        shutil.which("docker")
        and subprocess.run(
            ["docker", "compose", "version"], capture_output=True, check=False
        ).returncode
        == 0
    ):
        command = ["docker", "compose"]
    elif shutil.which("docker-compose"):
        command = ["docker-compose"]
    else:
        pytest.fail(
            "neither `docker compose` nor `docker-compose` is installed (make test "
            "installs Debian's docker-compose)"
        )
    result = subprocess.run(
        [*command, "-f", str(REPO / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        env={**os.environ, **SECRETS},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_compose_file_is_valid_and_complete() -> None:
    config = _compose_config()
    services = config["services"]
    assert set(services) == {"elasticsearch", "api", "collector", "worker", "mailcatcher"}
    es = services["elasticsearch"]
    assert es["image"].split(":")[1].startswith("8.")
    assert es["environment"]["xpack.security.enabled"] == "true"
    assert es["environment"]["ELASTIC_PASSWORD"] == SECRETS["ELASTIC_PASSWORD"]
    targets = [v["target"] if isinstance(v, dict) else v.split(":")[1] for v in es["volumes"]]
    assert "/usr/share/elasticsearch/data" in targets
    assert "esdata" in config["volumes"]
    assert services["worker"]["command"][:2] == ["siang", "run"]
    assert services["collector"]["command"] == ["siang", "collect", "--schedule"]
    collector_env = services["collector"]["environment"]
    assert collector_env["SIANG_STORE__BACKEND"] == "elasticsearch"
    # Credentials pass through from the host (None here: unset), never written in the file.
    assert collector_env["SIANG_CREDENTIALS__X_BEARER_TOKEN"] is None


@pytest.mark.parametrize("service", ["api", "collector", "worker"])
def test_service_environment_is_valid_siang_config(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = _compose_config()["services"][service]["environment"]
    for key, value in environment.items():
        if value is not None:  # None: passed through from the host, unset here
            monkeypatch.setenv(key, str(value))
    settings = load_settings()
    assert settings.environment == "production"
    assert settings.store.backend == "elasticsearch"
    assert settings.elasticsearch.hosts == ["http://elasticsearch:9200"]
    assert settings.elasticsearch.password is not None


def test_compose_refuses_to_start_without_secrets() -> None:
    env = {k: v for k, v in os.environ.items() if k not in SECRETS}
    binary = shutil.which("docker-compose") or "docker-compose"
    result = subprocess.run(
        [binary, "-f", str(REPO / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode != 0
    assert "ELASTIC_PASSWORD" in result.stderr or "PSEUDONYM_KEY" in result.stderr
