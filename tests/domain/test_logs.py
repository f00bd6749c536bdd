"""How Siang logs (domain/logs.py): nothing personal, keys masked, request ids, JSON lines."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from asgi_correlation_id.context import correlation_id

from domain.logs import configure_logging, mask_keys

KEY = "siang_0a1b2c3d_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdefg"


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    buffer = io.StringIO()
    yield buffer
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved:
        root.addHandler(handler)
    root.setLevel(level)


def test_messages_and_their_arguments_are_redacted_and_keys_masked(stream: io.StringIO) -> None:
    configure_logging(stream=stream)
    logging.getLogger("siang.test").info(
        "complaint from %s (%s), key %s", "081-234-5678", "somchai@example.co.th", KEY
    )
    line = stream.getvalue()
    assert "081-234-5678" not in line and "somchai@example.co.th" not in line
    assert "[PHONE]" in line and "[EMAIL]" in line
    assert KEY not in line and "siang_0a1b2c3d_***" in line


def test_uvicorns_access_log_keeps_no_key_from_a_query_string(stream: io.StringIO) -> None:
    configure_logging(stream=stream)
    access = logging.getLogger("uvicorn.access")
    access.info(
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:5000",
        "GET",
        f"/v1/topics?api_key={KEY}",
        "1.1",
        400,
    )
    assert KEY not in stream.getvalue() and "api_key=siang_0a1b2c3d_***" in stream.getvalue()


def test_tracebacks_are_redacted_too(stream: io.StringIO) -> None:
    configure_logging(stream=stream)
    try:
        raise ValueError("national id 1101700230708 refused")
    except ValueError:
        logging.getLogger("siang.test").exception("import failed")
    text = stream.getvalue()
    assert "Traceback" in text and "1101700230708" not in text and "[NATIONAL_ID]" in text


def test_json_lines_carry_the_request_id(stream: io.StringIO) -> None:
    configure_logging(format="json", stream=stream)
    token = correlation_id.set("desk-42")
    try:
        logging.getLogger("siang.test").warning("store slow for 0812345678")
    finally:
        correlation_id.reset(token)
    logging.getLogger("siang.test").warning("outside a request")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["level"] == "WARNING" and first["logger"] == "siang.test"
    assert first["message"] == "store slow for [PHONE]" and first["request_id"] == "desk-42"
    assert second["request_id"] is None


def test_text_lines_name_the_request() -> None:
    buffer = io.StringIO()
    root = logging.getLogger()
    saved = list(root.handlers)
    try:
        configure_logging(stream=buffer)
        token = correlation_id.set("abc123")
        logging.getLogger("siang.test").info("hello")
        correlation_id.reset(token)
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved:
            root.addHandler(handler)
    assert buffer.getvalue().rstrip().endswith("siang.test: hello [request abc123]")


def test_mask_keys_leaves_other_text_alone() -> None:
    assert mask_keys("siang_notakey and siang_0a1b2c3d_short") == (
        "siang_notakey and siang_0a1b2c3d_short"
    )
