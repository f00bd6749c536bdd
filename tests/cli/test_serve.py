"""``siang serve`` and ``siang demo`` fail at once on a busy port, naming the way out."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()


@pytest.mark.parametrize("command", [["serve"], ["demo"]])
def test_a_busy_port_fails_at_once(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket
    import time

    monkeypatch.setenv("SIANG_STORE__PATH", str(tmp_path / "siang.db"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        result = runner.invoke(app, [*command, "--port", str(port)])
    assert result.exit_code == 1
    assert f"cannot serve on 127.0.0.1:{port}" in result.output and "--port" in result.output
    assert time.monotonic() - started < 5  # before the demo's pipeline, not after it
