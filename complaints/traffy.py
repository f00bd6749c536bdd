"""Traffy Fondue's Exchange API as a complaint source: the JWT client and the pull.

Wire format (github.com/traffy-nectec/exchange-api-doc): ``POST get-auth/v1`` trades
``user``/``pass`` for a JWT whose ``expire_timestamp`` is Thai time; every other call sends
``Authorization: Bearer <jwt>``. Answers are envelopes ``{status, message, credit_balance,
results, ...}`` whose ``status`` is ``success``, ``warning`` or ``fail`` (the live get-auth
also answers ``200``/``OK``); errors come in the same wrapper with ``results: []``.
Timestamps are naive ``YYYY-MM-DD HH:MM:SS[.ffffff]`` in Asia/Bangkok time.

Retries, backoff, ``Retry-After`` and error translation are ``ApiClient``'s; this module
adds the token, the envelope and Traffy's error messages on top. Mapping records and
webhooks to complaints is ``complaints.traffy_records``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import random as _random
import time
from collections.abc import Mapping
from datetime import datetime
from types import TracebackType
from typing import Any

import httpx

from complaints.traffy_records import (
    SOURCE,
    complaint_from_issue,
    optional_thai_time,
)
from crawlers.collectors.client import (
    ApiClient,
    Clock,
    CollectorAuthError,
    CollectorError,
    CollectorRateLimited,
    CollectorResponseError,
    Random,
    Sleep,
    Verdict,
)
from domain.models import Complaint
from domain.settings import CollectSettings, CredentialSettings, TraffySettings

log = logging.getLogger(__name__)

_EXPIRY_MARGIN_S = 60.0  # re-authenticate this long before the token's stated expiry
_TOKEN_MESSAGES = ("token has expired", "invalid token")
_QUOTA_MESSAGE = "running out of api usage quota"


class TraffyApiError(CollectorResponseError):
    """Traffy answered ``status: fail``; ``api_message`` is its message, verbatim."""

    def __init__(self, message: str, *, api_message: str, status: int | None = None) -> None:
        super().__init__(message, source=SOURCE, status=status)
        self.api_message = api_message


class _TokenRefused(CollectorAuthError):
    """The bearer token was refused (expired, revoked, malformed): authenticate again."""


# ---------------------------------------------------------------------------- client


class TraffyClient:
    """Async client for the Exchange API's read endpoints; use as ``async with``.

    The token is fetched on first use, renewed shortly before its ``expire_timestamp`` and
    once more when a call is refused with 401 or a token error; a second refusal raises
    ``CollectorAuthError``. ``credit_balance`` holds the quota left after the last call.
    """

    def __init__(
        self,
        settings: TraffySettings,
        credentials: CredentialSettings,
        collect: CollectSettings,
        *,
        base_url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        random: Random = _random.random,
        clock: Clock = time.time,
    ) -> None:
        self._settings = settings
        self._user = credentials.traffy_user
        self._password = credentials.traffy_pass
        self._clock = clock
        self._api = ApiClient(
            source=SOURCE,
            base_url=base_url or settings.base_url,
            settings=collect,
            classify=self._classify,
            transport=transport,
            sleep=sleep,
            random=random,
            clock=clock,
        )
        self._token: str | None = None
        self._expires_at: float | None = None
        self._http_status: int | None = None
        self.credit_balance: int | None = None

    async def __aenter__(self) -> TraffyClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._api.aclose()

    @property
    def requests(self) -> int:
        """HTTP requests sent so far, retries included (each one may cost a credit)."""
        return self._api.requests

    async def authenticate(self) -> None:
        """Trade user/pass for a JWT and keep it with its expiry."""
        password = self._password.get_secret_value() if self._password else ""
        if not self._user or not password:
            raise CollectorAuthError(
                "traffy: no credentials; set SIANG_CREDENTIALS__TRAFFY_USER and "
                "SIANG_CREDENTIALS__TRAFFY_PASS",
                source=SOURCE,
            )
        body = await self._call(
            "POST", "/get-auth/v1", json_body={"user": self._user, "pass": password}
        )
        results: Any = body.get("results")
        if isinstance(results, list) and results:  # the older contract: a one-item list
            results = results[0]
        if not isinstance(results, dict) or not isinstance(results.get("token"), str):
            raise CollectorAuthError("traffy: get-auth answered without a token", source=SOURCE)
        token: str = results["token"]
        expires = optional_thai_time(results.get("expire_timestamp"), name="expire_timestamp")
        self._token = token
        self._expires_at = expires.timestamp() if expires else _jwt_expiry(token)
        self._api.set_header("Authorization", f"Bearer {token}")

    async def issues(
        self, *, duration: str | None = None, org_id: str | None = None
    ) -> list[dict[str, Any]]:
        """``get-issues/v2``: issues active in ``duration`` (default: the configured one)."""
        return [item for item in await self._issue_list(duration, org_id) if isinstance(item, dict)]

    async def issue(self, ticket_id: str) -> dict[str, Any]:
        """``get-issue/v1``: one issue with its ``orgs`` and ``timeline``."""
        if not ticket_id.strip():
            raise ValueError("ticket_id is empty")
        body = await self._authorized("/get-issue/v1", {"ticket_id": ticket_id})
        results = body.get("results")
        if not isinstance(results, dict):
            raise CollectorResponseError(
                f"traffy: get-issue {ticket_id}: results is not an object", source=SOURCE
            )
        return results

    async def _issue_list(self, duration: str | None, org_id: str | None) -> list[Any]:
        params = {"duration": duration or self._settings.duration}
        orgs = org_id if org_id is not None else self._settings.org_id
        if orgs:
            params["org_id"] = orgs
        body = await self._authorized("/get-issues/v2", params)
        results = body.get("results")
        if results is None:
            return []
        if not isinstance(results, list):
            raise CollectorResponseError("traffy: get-issues: results is not a list", source=SOURCE)
        return results

    async def _authorized(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        if self._token is None or (
            self._expires_at is not None and self._clock() >= self._expires_at - _EXPIRY_MARGIN_S
        ):
            await self.authenticate()
        try:
            return await self._call("GET", path, params=params)
        except _TokenRefused as exc:
            log.info("traffy: token refused (%s); authenticating again", exc)
        await self.authenticate()
        try:
            return await self._call("GET", path, params=params)
        except _TokenRefused as exc:
            raise CollectorAuthError(
                f"traffy: GET {path}: a fresh token was refused too: {exc}",
                source=SOURCE,
                status=exc.status,
            ) from exc

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json_body: Any = None,
    ) -> dict[str, Any]:
        where = f"{method} {path}"
        try:
            body = await self._api.request_json(method, path, params=params, json_body=json_body)
        except CollectorAuthError as exc:
            if exc.status == 401 and path != "/get-auth/v1":
                raise _TokenRefused(str(exc), source=SOURCE, status=401) from exc
            raise
        # No await since ApiClient's classify ran, so this is that response's status.
        return self._envelope(body, where=where, status=self._http_status)

    def _classify(self, response: httpx.Response, body: Any) -> Verdict | None:
        """Let a client error that carries Traffy's wrapper through, to read its message."""
        self._http_status = response.status_code
        code = response.status_code
        if 400 <= code < 500 and code not in (408, 429) and _is_envelope(body):
            return Verdict.OK
        return None

    def _envelope(self, body: Any, *, where: str, status: int | None) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise CollectorResponseError(
                f"traffy: {where}: the answer is not a JSON object", source=SOURCE, status=status
            )
        credit = body.get("credit_balance", self.credit_balance)
        if credit is None or isinstance(credit, int):
            self.credit_balance = credit  # None: no quota on this account
        state = str(body.get("status", "")).strip().lower()
        message = str(body.get("message") or "").strip()
        failed = state in ("fail", "error") or (state.isdigit() and int(state) >= 400)
        if failed or (status is not None and status >= 400):
            text = f"traffy: {where}: {message or 'failed'}"
            lowered = message.lower()
            if status == 401 or any(m in lowered for m in _TOKEN_MESSAGES):
                if where.endswith("/get-auth/v1"):
                    raise CollectorAuthError(text, source=SOURCE, status=status)
                raise _TokenRefused(text, source=SOURCE, status=status)
            if "invalid user or pass" in lowered or status == 403:
                raise CollectorAuthError(text, source=SOURCE, status=status)
            if _QUOTA_MESSAGE in lowered and "almost" not in lowered:
                raise CollectorRateLimited(text, source=SOURCE, status=status)
            raise TraffyApiError(text, api_message=message, status=status)
        if state == "warning":
            log.warning("traffy: %s: %s", where, message)
        return body


def _is_envelope(body: Any) -> bool:
    return isinstance(body, dict) and "status" in body and "message" in body


def _jwt_expiry(token: str) -> float | None:
    """The ``exp`` claim, read without verifying (only to know when to renew)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims["exp"])
    except (IndexError, KeyError, TypeError, ValueError):
        return None


async def fetch_complaints(
    client: TraffyClient,
    settings: TraffySettings,
    *,
    known: Mapping[str, datetime | None] | None = None,
) -> tuple[list[Complaint], list[tuple[dict[str, Any], str]]]:
    """List issues, add each one's timeline (if ``settings.timelines``), map to complaints.

    Returns the complaints and the refused ``(payload, reason)`` pairs. A ticket whose
    get-issue fails keeps its list record; after an auth or quota refusal no more
    timelines are asked for in this run. A ticket listed twice (two orgs) comes out once.
    ``known`` maps stored complaint ids to their ``updated_at``: a ticket whose
    ``last_activity`` is no newer is skipped, so an unchanged issue costs no get-issue credit.
    """
    known = known or {}
    items = await client._issue_list(settings.duration, settings.org_id)
    complaints: list[Complaint] = []
    rejected: list[tuple[dict[str, Any], str]] = []
    seen: set[str] = set()
    timelines = settings.timelines
    for item in items:
        if not isinstance(item, dict):
            rejected.append(({"value": item}, "issue is not a JSON object"))
            continue
        try:
            complaint = complaint_from_issue(item, settings)
        except ValueError as exc:
            rejected.append((item, str(exc)))
            continue
        ticket = complaint.complaint_id.removeprefix("traffy:")
        if ticket in seen:
            continue
        seen.add(ticket)
        stored_at = known.get(complaint.complaint_id)
        updated_at = complaint.updated_at
        if stored_at is not None and updated_at is not None and updated_at <= stored_at:
            continue  # nothing happened since the stored copy
        if timelines:
            try:
                detail = await client.issue(ticket)
            except (CollectorAuthError, CollectorRateLimited) as exc:
                log.warning("traffy: no more timelines this run: %s", exc)
                timelines = False
            except CollectorError as exc:
                log.warning("traffy: get-issue %s failed, list record kept: %s", ticket, exc)
            else:
                merged = {**item, **{k: v for k, v in detail.items() if v not in (None, "")}}
                timeline = detail.get("timeline")
                try:
                    complaint = complaint_from_issue(
                        merged, settings, timeline=timeline if isinstance(timeline, list) else None
                    )
                except ValueError as exc:
                    log.warning("traffy: get-issue %s unusable, list record kept: %s", ticket, exc)
        complaints.append(complaint)
    return complaints, rejected


__all__ = [
    "TraffyApiError",
    "TraffyClient",
    "fetch_complaints",
]
