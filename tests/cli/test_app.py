"""What every command stands on: the store is closed however a command ends, and a Siang
error becomes one red line and exit code 1."""

from __future__ import annotations

import sqlite3

import pytest
import typer

from cli.app import exit_on_error, opened_store
from domain.errors import QueryError
from domain.settings import Settings


def test_the_store_is_closed_after_the_block(settings: Settings) -> None:
    with opened_store(settings) as store:
        assert store.count_posts() == 0
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        store.count_posts()


def test_a_siang_error_exits_1_with_its_message_and_the_store_closed(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(typer.Exit) as exited, opened_store(settings) as store, exit_on_error():
        raise QueryError("no such topic: 42")
    assert exited.value.exit_code == 1
    assert isinstance(exited.value.__cause__, QueryError)
    assert capsys.readouterr().err == "error: no such topic: 42\n"
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        store.count_posts()


def test_other_errors_pass_through_with_the_store_closed(settings: Settings) -> None:
    with pytest.raises(KeyError), opened_store(settings) as store, exit_on_error():
        raise KeyError("not a Siang error")
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        store.count_posts()
