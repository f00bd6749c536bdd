"""Who may call the API: keys with roles, per-key rate limits and the audit log.

A key reads ``siang_<key_id>_<secret>``; the store keeps only the SHA-256 of the secret
(the secret is 256 random bits, so a fast hash is as safe as a slow one). Send it as
``X-API-Key: <key>`` or ``Authorization: Bearer <key>``. Roles are ordered (``ROLES``):
viewer reads posts, topics and statistics; analyst also exports and reads alerts; officer
also reads complaints and decides links; admin also manages alert rules. Every complaint
an officer reads is written to the audit log with who and when.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from domain.models import ROLES, ApiKey, AuditEntry, Role
from storage.base import Store

log = logging.getLogger(__name__)
_PREFIX = "siang"
HEADER = "X-API-Key"


@dataclass(frozen=True)
class Caller:
    """The key behind a request."""

    key_id: str
    name: str
    role: Role


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_key(
    store: Store,
    *,
    role: Role,
    name: str,
    by: Caller | None = None,
    rate_per_minute: int | None = None,
    now: datetime | None = None,
) -> str:
    """Create a key and return it in clear: the only time it is ever shown. The audit log
    records who created it (``by``; the command-line operator by default)."""
    key_id, secret = secrets.token_hex(4), secrets.token_urlsafe(32)
    store.put_api_key(
        ApiKey(
            key_id=key_id,
            name=name,
            role=role,
            secret_sha256=hash_secret(secret),
            created_at=now or datetime.now(UTC),
            rate_per_minute=rate_per_minute,
        )
    )
    audit(store, by or operator(), f"create_key:{role}", f"key:{key_id}")
    return f"{_PREFIX}_{key_id}_{secret}"


def revoke_key(
    store: Store, key_id: str, *, by: Caller | None = None, now: datetime | None = None
) -> ApiKey | None:
    key = store.get_api_key(key_id)
    if key is None:
        return None
    revoked = key.model_copy(update={"revoked_at": key.revoked_at or now or datetime.now(UTC)})
    store.put_api_key(revoked)
    audit(store, by or operator(), "revoke_key", f"key:{key_id}")
    return revoked


def operator() -> Caller:
    """The person at this machine's command line, for audit entries of CLI actions."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = "unknown"
    return Caller(key_id="cli", name=f"cli:{user}", role="admin")


def verify(store: Store, presented: str) -> ApiKey | None:
    """The live key ``presented`` stands for, or None (unknown, malformed, wrong, revoked)."""
    prefix, _, rest = presented.strip().partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != _PREFIX or not key_id or not secret:
        return None
    key = store.get_api_key(key_id)
    if key is None or key.revoked_at is not None:
        return None
    return key if hmac.compare_digest(key.secret_sha256, hash_secret(secret)) else None


class RateLimiter:
    """A token bucket per key: ``per_minute`` requests a minute, bursts up to that many."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key_id -> (tokens, last time)
        self._lock = threading.Lock()

    def take(self, key_id: str, per_minute: int) -> float | None:
        """None if allowed, else the seconds until one more request is."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key_id, (float(per_minute), now))
            tokens = min(float(per_minute), tokens + (now - last) * per_minute / 60.0)
            if tokens >= 1.0:
                self._buckets[key_id] = (tokens - 1.0, now)
                return None
            self._buckets[key_id] = (tokens, now)
            return (1.0 - tokens) * 60.0 / per_minute


# Declared as security schemes, so the OpenAPI document shows both ways to send a key.
_KEY_HEADER = APIKeyHeader(
    name=HEADER, auto_error=False, description="A Siang API key (`siang keys create`)."
)
_BEARER = HTTPBearer(auto_error=False, description="The same key as `Authorization: Bearer <key>`.")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def note_auth_failure(request: Request) -> None:
    """Count a failed authentication against the client's address; 429 past the limit.

    Guessing keys or webhook secrets is slowed to ``api.auth_failures_per_minute`` tries.
    """
    state = request.app.state
    wait = state.auth_failures.take(
        client_address(request), state.settings.api.auth_failures_per_minute
    )
    if wait is not None:
        log.warning("authentication failures from %s: rate limited", client_address(request))
        raise HTTPException(
            429,
            f"too many failed authentications from this address; retry in {wait:.0f} s",
            headers={"Retry-After": str(max(1, round(wait + 0.5)))},
        )


def require(role: Role) -> Callable[..., Caller]:
    """A dependency: the caller's key must be live, allowed ``role`` and within its rate."""
    needed = ROLES.index(role)

    def check(
        request: Request,
        header_key: Annotated[str | None, Security(_KEY_HEADER)] = None,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)] = None,
    ) -> Caller:
        presented = header_key or (bearer.credentials if bearer else None)
        if not presented:
            raise HTTPException(
                401,
                f"an API key is required: send it as {HEADER} (siang keys create)",
                headers={"WWW-Authenticate": "Bearer"},
            )
        state = request.app.state
        key = verify(state.store, presented)
        if key is None:
            note_auth_failure(request)
            raise HTTPException(
                401, "the API key is unknown or revoked", headers={"WWW-Authenticate": "Bearer"}
            )
        if ROLES.index(key.role) < needed:
            raise HTTPException(403, f"this needs the {role} role; the key has {key.role}")
        wait = state.rate_limiter.take(
            key.key_id, key.rate_per_minute or state.settings.api.rate_per_minute
        )
        if wait is not None:
            raise HTTPException(
                429,
                f"rate limit of the key exceeded; retry in {wait:.1f} s",
                headers={"Retry-After": str(max(1, round(wait + 0.5)))},
            )
        caller = Caller(key.key_id, key.name, key.role)
        request.state.caller = caller
        return caller

    check.siang_role = role  # type: ignore[attr-defined]  # read by api.openapi
    return check


def audit(store: Store, caller: Caller, action: str, *resources: str) -> None:
    """One audit entry per resource, written together (a list of complaints is one write)."""
    if not resources:
        return
    at = datetime.now(UTC)
    store.add_audit(
        [
            AuditEntry(
                at=at,
                key_id=caller.key_id,
                name=caller.name,
                role=caller.role,
                action=action,
                resource=resource,
            )
            for resource in resources
        ]
    )


Viewer = Annotated[Caller, Depends(require("viewer"))]
Analyst = Annotated[Caller, Depends(require("analyst"))]
Officer = Annotated[Caller, Depends(require("officer"))]
Admin = Annotated[Caller, Depends(require("admin"))]

__all__ = [
    "HEADER",
    "Admin",
    "Analyst",
    "Caller",
    "Officer",
    "RateLimiter",
    "Viewer",
    "audit",
    "client_address",
    "hash_secret",
    "issue_key",
    "note_auth_failure",
    "operator",
    "require",
    "revoke_key",
    "verify",
]
