"""How every Siang process logs: readable text or JSON lines, with request ids, and nothing
personal.

``configure_logging`` is called once at each entry point (the CLI, so ``siang serve`` too).
Every record passes ``PrivacyFilter`` on its way to the handler: the formatted message is
redacted (phones, national ids, e-mails, bank accounts, LINE ids) and API keys are
masked, whichever library logged it (uvicorn's access log prints query strings).
"""

from __future__ import annotations

import logging
import re
import sys
from types import TracebackType
from typing import Literal, TextIO

from asgi_correlation_id.context import correlation_id
from pythonjsonlogger.json import JsonFormatter

from domain.privacy import redact

LogFormat = Literal["text", "json"]
_ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]
TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s%(request_suffix)s"
_JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"
# A key as issued (siang_<id>_<secret>); the secret is never logged, only its id.
_API_KEY = re.compile(r"\b(siang_[0-9a-f]{8})_[A-Za-z0-9_-]{16,}")
_UVICORN = ("uvicorn", "uvicorn.error", "uvicorn.access")
_QUIET = ("numba", "httpx", "sentence_transformers", "BERTopic", "elastic_transport")


def mask_keys(text: str) -> str:
    """API keys with their secret replaced: ``siang_ab12cd34_***``."""
    return _API_KEY.sub(r"\1_***", text)


class PrivacyFilter(logging.Filter):
    """Redact the formatted message and mask API keys; attach the request id."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = mask_keys(redact(message)[0]) if message else message
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        request_id = correlation_id.get()
        record.request_id = request_id
        record.request_suffix = f" [request {request_id}]" if request_id else ""
        return True


class _TextFormatter(logging.Formatter):
    def formatException(self, ei: _ExcInfo) -> str:
        return mask_keys(redact(super().formatException(ei))[0])


class _JsonLinesFormatter(JsonFormatter):
    def formatException(self, ei: _ExcInfo) -> str:
        text = super().formatException(ei)
        joined = text if isinstance(text, str) else "\n".join(text)
        return mask_keys(redact(joined)[0])


def configure_logging(
    *, format: LogFormat = "text", level: str = "INFO", stream: TextIO | None = None
) -> logging.Handler:
    """Replace the root logger's handlers with one that filters and formats every record."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(PrivacyFilter())
    if format == "json":
        handler.setFormatter(
            _JsonLinesFormatter(
                _JSON_FIELDS, rename_fields={"levelname": "level", "name": "logger"}
            )
        )
    else:
        handler.setFormatter(_TextFormatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in _QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    for name in _UVICORN:  # whatever uvicorn set up before: its records go through ours
        server = logging.getLogger(name)
        server.handlers.clear()
        server.propagate = True
        server.setLevel(logging.NOTSET)
    return handler


__all__ = ["LogFormat", "PrivacyFilter", "configure_logging", "mask_keys"]
