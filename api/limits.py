"""Bounded work per request, enforced before any route runs.

- A body larger than ``api.max_body_bytes`` (``api.webhook_max_body_bytes`` under
  ``/v1/webhooks/``) gets 413: at once when ``Content-Length`` says so, else as soon as
  the streamed body passes the limit. Nothing larger is ever held in memory.
- A JSON body nested deeper than ``api.max_json_depth`` gets 422 before it is parsed
  (Python's parser recurses: 100,000 levels would raise ``RecursionError``).
- An API key in the query string (by parameter name, or any value shaped like a Siang
  key) gets 400: URLs end up in access logs and browser history,
  so keys travel only in headers.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qsl

import numpy as np
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import http_problem
from domain.logs import mask_keys
from domain.settings import ApiSettings

WEBHOOK_PREFIX = "/v1/webhooks/"
KEY_PARAMETERS = frozenset({"api_key", "apikey", "api-key", "x-api-key", "access_token"})
# Query parameters that may repeat (arrays in the OpenAPI document); any other given twice
# is ambiguous and refused rather than silently read as its last value.
LIST_PARAMETERS = frozenset({"platform"})
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')  # a JSON string literal, escapes included
_OPEN, _CLOSE = np.frombuffer(b"[{", np.uint8), np.frombuffer(b"]}", np.uint8)


def json_depth(body: bytes) -> int:
    """How deeply ``body``'s arrays and objects nest (brackets inside strings ignored)."""
    text = np.frombuffer(_STRING.sub(b'""', body), dtype=np.uint8)
    steps = np.isin(text, _OPEN).astype(np.int32) - np.isin(text, _CLOSE).astype(np.int32)
    return int(np.cumsum(steps).max(initial=0))


class BodyTooLarge(Exception):
    pass


class RequestLimits:
    """Pure ASGI middleware: refuses oversize or over-deep bodies and keys in URLs."""

    def __init__(self, app: ASGIApp, *, settings: ApiSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        if any(
            name.lower() in KEY_PARAMETERS or mask_keys(value) != value
            for name, value in parse_qsl(query)
        ):
            detail = "send the API key in the X-API-Key or Authorization header, never in the URL"
            await http_problem(400, detail)(scope, receive, send)
            return
        counts = Counter(name for name, _ in parse_qsl(query, keep_blank_values=True))
        repeated = sorted({n for n, c in counts.items() if c > 1} - LIST_PARAMETERS)
        if repeated:
            await http_problem(422, f"{repeated[0]}: given more than once")(scope, receive, send)
            return
        path: str = scope["path"]
        limit = (
            self.settings.webhook_max_body_bytes
            if path.startswith(WEBHOOK_PREFIX)
            else self.settings.max_body_bytes
        )
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._too_large(scope, receive, send, limit)
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS") and declared is None:
            await self.app(scope, receive, send)
            return
        try:
            body, rest = await _read_body(receive, limit)
        except BodyTooLarge:
            await self._too_large(scope, receive, send, limit)
            return
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if body and content_type.endswith(b"json"):
            depth = json_depth(body)
            if depth > self.settings.max_json_depth:
                detail = f"JSON nested {depth} levels deep; at most {self.settings.max_json_depth}"
                await http_problem(422, detail)(scope, receive, send)
                return
        await self.app(scope, _replay(body, rest, receive), send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        detail = f"the request body is larger than {limit:,} bytes"
        await http_problem(413, detail, {"Connection": "close"})(scope, receive, send)


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, Message | None]:
    """The whole body (at most ``limit`` bytes), and a disconnect seen while reading."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), message
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), None


def _replay(body: bytes, rest: Message | None, receive: Receive) -> Receive:
    """A ``receive`` that hands the app the body already read, then the real channel."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return rest if rest is not None else await receive()

    return replay


__all__ = ["KEY_PARAMETERS", "LIST_PARAMETERS", "RequestLimits", "json_depth"]
