"""``siang`` as assembled in ``cli.main``: every command and group answers ``--help``, and
starting the tool imports none of the heavy stages."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import REPO

runner = CliRunner()
COMMANDS = [
    "demo",
    "ingest",
    "enrich",
    "link",
    "trends",
    "topics",
    "campaigns",
    "collect",
    "run",
    "serve",
    "schema",
    "config",
    "es",
    "es setup",
    "complaints",
    "complaints import",
    "complaints traffy",
    "complaints track",
    "complaints surveys",
    "alerts",
    "alerts send",
    "keys",
    "keys create",
    "keys list",
    "keys revoke",
    "store",
    "store replay",
]


@pytest.mark.parametrize("command", [[], *[c.split() for c in COMMANDS]])
def test_help_everywhere(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_the_root_help_lists_every_command_in_order() -> None:
    result = runner.invoke(app, ["--help"], terminal_width=200)
    listed = [
        line.strip("│ ").split()[0]
        for line in result.output.split("Commands")[1].splitlines()[1:]
        if line.startswith("│ ") and not line.startswith("│  ")
    ]
    assert listed == [
        "demo", "ingest", "enrich", "link", "trends", "collect", "topics", "campaigns", "run",
        "serve", "schema", "config", "complaints", "alerts", "keys", "es", "store",
    ]  # fmt: skip


def test_starting_the_tool_imports_no_stage() -> None:
    heavy = ["storage", "pipeline", "enrich", "topics", "api", "crawlers", "uvicorn", "torch"]
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, cli.main; print(' '.join(sys.modules))"],
        cwd=REPO, check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    assert [name for name in heavy if name in loaded] == []
