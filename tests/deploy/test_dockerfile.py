"""The Dockerfile, read with Docker's own parser (no engine runs here): three stages, and a
runtime image that installs the built wheel, lean, and runs as an unprivileged user."""

from __future__ import annotations

import dockerfile

from tests.conftest import REPO


def _stages() -> list[list[dockerfile.Command]]:
    stages: list[list[dockerfile.Command]] = []
    for command in dockerfile.parse_file(str(REPO / "Dockerfile")):
        if command.cmd == "FROM":
            stages.append([])
        stages[-1].append(command)
    return stages


def test_the_image_installs_the_wheel_and_nothing_of_the_source() -> None:
    dashboard, wheel, runtime = _stages()
    assert dashboard[0].value[-1] == "dashboard" and wheel[0].value[-1] == "wheel"
    assert any("pip wheel . --no-deps" in " ".join(c.value) for c in wheel if c.cmd == "RUN")
    copies = [c for c in runtime if c.cmd == "COPY"]
    assert [c.flags for c in copies] == [("--from=wheel",)]  # only the wheel comes in
    install = " ".join(" ".join(c.value) for c in runtime if c.cmd == "RUN")
    assert "pip install /dist/siang-*.whl" in install
    assert 'pip install --no-deps "bertopic' in install  # the lean CPU install: no torch
    assert "torch" not in install and "sentence-transformers" not in install
    user = [c.value[0] for c in runtime if c.cmd == "USER"]
    assert user == ["siang"]  # never root
    assert runtime[-1].cmd == "CMD" and runtime[-1].value[:2] == ("siang", "serve")
