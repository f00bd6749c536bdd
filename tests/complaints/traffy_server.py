"""A local Traffy Fondue Exchange API speaking the documented wire format.

Serves ``/exchange-api/get-auth/v1``, ``get-issues/v2`` and ``get-issue/v1`` with real
HS256 JWTs (signed and checked with hmac, as PyJWT is not installed), the documented
envelopes (``status``/``message``/``results``, ``credit_balance``), the error wrapper with
the documented messages, a monthly quota, and scripted faults served before the real answer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

PREFIX = "/exchange-api"
USER = "siang-1111"
PASSWORD = "รหัสผ่าน-ทดสอบ-1234"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "traffy"
_THAI = timezone(timedelta(hours=7))
DURATIONS = frozenset({"today", "3days", "3day", "all"})
MSG_EXPIRED = "This token has expired | Token นี้หมดอายุแล้ว"
MSG_INVALID_TOKEN = "ERR 1 - Invalid token"
MSG_BAD_LOGIN = "Invalid user or pass"
MSG_BAD_JSON = "Invalid input JSON format"
MSG_QUOTA = "Running out of API usage quota"


@dataclass
class Reply:
    """A scripted answer: JSON body (or raw bytes), HTTP status and headers."""

    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None


@dataclass
class Seen:
    method: str
    endpoint: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    status: int = 0


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def thai_stamp(epoch: float) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in Thai time, as ``expire_timestamp`` is written."""
    return datetime.fromtimestamp(epoch, _THAI).strftime("%Y-%m-%d %H:%M:%S")


class TraffyServer:
    """The Exchange API on 127.0.0.1; tests set ``issues``/``details`` and queue faults."""

    def __init__(self, *, ttl_s: float = 3600.0) -> None:
        self.issues: list[Any] = load("issues.json")
        self.details: dict[str, dict[str, Any]] = load("details.json")
        self.ttl_s = ttl_s
        self.credit_balance: int | None = 1000
        self.clock_offset = 0.0
        self.key = secrets.token_bytes(32)
        self.refuse_tokens = False
        self.faults: dict[tuple[str, str | None], list[Reply]] = {}
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer("GET")

            def do_POST(self) -> None:
                self._answer("POST")

            def _answer(self, method: str) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(
                    method,
                    parts.path.removeprefix(PREFIX),
                    {k: v[0] for k, v in parse_qs(parts.query).items()},
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                )
                reply = server.reply_for(seen, prefixed=parts.path.startswith(PREFIX + "/"))
                seen.status = reply.status
                data = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # ------------------------------------------------------------------ test controls

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}{PREFIX}"

    def now(self) -> float:
        return time.time() + self.clock_offset

    def advance(self, seconds: float) -> None:
        """Move the server's clock: tokens it issued earlier may now be expired."""
        self.clock_offset += seconds

    def rotate_key(self) -> None:
        """Sign with a new key: every token issued so far is invalid."""
        self.key = secrets.token_bytes(32)

    def fault(self, endpoint: str, *replies: Reply, ticket_id: str | None = None) -> None:
        """Serve ``replies`` first for ``endpoint`` (``/get-issue/v1``: per ticket)."""
        self.faults.setdefault((endpoint, ticket_id), []).extend(replies)

    def hits(self, endpoint: str) -> list[Seen]:
        return [r for r in self.requests if r.endpoint == endpoint]

    def mint(self, *, issued_at: float | None = None) -> tuple[str, float]:
        issued = self.now() if issued_at is None else issued_at
        expires = issued + self.ttl_s
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        claims = {"sub": USER, "org_id": [3021], "iat": int(issued), "exp": int(expires)}
        payload = _b64(json.dumps(claims).encode())
        signature = hmac.new(self.key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{_b64(signature)}", float(int(expires))

    def token_problem(self, authorization: str | None) -> str | None:
        """None for a good bearer token, else the documented message."""
        scheme, _, token = (authorization or "").partition(" ")
        if self.refuse_tokens or scheme != "Bearer" or token.count(".") != 2:
            return MSG_INVALID_TOKEN
        header, payload, signature = token.split(".")
        expected = hmac.new(self.key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        try:
            if not hmac.compare_digest(_unb64(signature), expected):
                return MSG_INVALID_TOKEN
            if json.loads(_unb64(header)).get("alg") != "HS256":
                return MSG_INVALID_TOKEN
            claims = json.loads(_unb64(payload))
        except ValueError:
            return MSG_INVALID_TOKEN
        return MSG_EXPIRED if claims.get("exp", 0) <= self.now() else None

    # ------------------------------------------------------------------ the API

    def envelope(self, status: str = "success", message: str = "", **fields: Any) -> dict[str, Any]:
        return {
            "status": status,
            "message": message,
            "exec_time": "0.012s",
            "credit_balance": self.credit_balance,
            **fields,
            "api_log_session_id": str(2_000_000_000 + len(self.requests)),
        }

    def failure(self, message: str, status: int = 200, **fields: Any) -> Reply:
        return Reply(self.envelope("fail", message, results=[], **fields), status)

    def reply_for(self, seen: Seen, *, prefixed: bool) -> Reply:
        with self._lock:
            self.requests.append(seen)
            key = (seen.endpoint, seen.query.get("ticket_id"))
            for k in (key, (seen.endpoint, None)):
                if self.faults.get(k):
                    return self.faults[k].pop(0)
            if not prefixed:
                return self.failure(f"no API at {seen.endpoint}", 404)
            if seen.endpoint == "/get-auth/v1" and seen.method == "POST":
                return self._auth(seen)
            problem = self.token_problem(seen.headers.get("authorization"))
            if problem is not None:
                return self.failure(problem, 401)
            if self.credit_balance is not None:
                if self.credit_balance <= 0:
                    return self.failure(MSG_QUOTA)
                self.credit_balance -= 1
            if seen.endpoint == "/get-issues/v2" and seen.method == "GET":
                return self._issues(seen)
            if seen.endpoint == "/get-issue/v1" and seen.method == "GET":
                return self._issue(seen)
            return self.failure(f"no API at {seen.method} {seen.endpoint}", 404)

    def _auth(self, seen: Seen) -> Reply:
        try:
            body = json.loads(seen.body or b"null")
        except ValueError:
            return self.failure(MSG_BAD_JSON, 400)
        if not isinstance(body, dict):
            return self.failure(MSG_BAD_JSON, 400)
        for name in ("user", "pass"):
            if not body.get(name):
                return self.failure(f"{name} is not specified", 400)
        if body["user"] != USER or body["pass"] != PASSWORD:
            return self.failure(MSG_BAD_LOGIN)
        token, expires = self.mint()
        results = {"token": token, "expire_timestamp": thai_stamp(expires)}
        fields: dict[str, Any] = {"quota_limit": 1000, "permissions": ["read"], "results": results}
        return Reply(self.envelope(**fields))

    def _issues(self, seen: Seen) -> Reply:
        duration = seen.query.get("duration", "today")
        orgs = [o for o in seen.query.get("org_id", "3021").split(",") if o]
        if duration not in DURATIONS or not all(o.strip().isdigit() for o in orgs):
            return self.failure(f"Invalid duration or org_id: {duration!r}", 400, count=0)
        return Reply(
            self.envelope(
                source="db",
                org_id=[int(o) for o in orgs],
                count=len(self.issues),
                results=self.issues,
            )
        )

    def _issue(self, seen: Seen) -> Reply:
        ticket = seen.query.get("ticket_id")
        if not ticket:
            return self.failure("ticket_id is not specified", 400)
        if ticket not in self.details:
            return self.failure(f"ticket_id {ticket} not found | ไม่พบเรื่องแจ้ง")
        return Reply(self.envelope(source="db", ticket_id=ticket, results=self.details[ticket]))

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


__all__ = [
    "MSG_BAD_LOGIN",
    "MSG_EXPIRED",
    "MSG_INVALID_TOKEN",
    "MSG_QUOTA",
    "PASSWORD",
    "USER",
    "Reply",
    "Seen",
    "TraffyServer",
    "load",
    "thai_stamp",
]
