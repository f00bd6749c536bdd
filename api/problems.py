"""Every error the API returns, in one shape: ``application/problem+json`` (RFC 9457).

Domain errors map to a status through ``PROBLEMS``, looked up along the exception's class
hierarchy, so a new subclass gets its parent's answer without another ``isinstance``. An
error nobody planned for is a 500 with the same shape and the request id, logged with its
traceback under that id: the client quotes the id, the operator finds the line.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from asgi_correlation_id.context import correlation_id
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import (
    EnrichError,
    NotFoundError,
    QueryError,
    RecordError,
    SiangError,
    StoreError,
    StoreUnavailable,
)
from domain.settings import Settings

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"
REQUEST_ID_HEADER = "X-Request-ID"


class CursorError(SiangError):
    """A cursor that is malformed or belongs to another query."""


class RuleConflict(SiangError):
    """The rule's name in the path and in the body differ."""


class Problem(BaseModel):
    """An error: what kind (``type``, ``title``), the status, what exactly went wrong."""

    type: str = Field(description="A URI reference naming the kind of problem.")
    title: str = Field(description="Short summary of the kind of problem.")
    status: int
    detail: str = Field(description="What went wrong with this request.")
    request_id: str | None = Field(
        None, description="Quote it when reporting a problem: the server's log carries it too."
    )


# Looked up along the raised class's MRO: the most specific entry wins.
PROBLEMS: dict[type[Exception], tuple[int, str, str]] = {
    NotFoundError: (404, "not-found", "Not found"),
    RuleConflict: (409, "rule-conflict", "Rule name conflict"),
    CursorError: (400, "bad-cursor", "Unusable cursor"),
    QueryError: (400, "unanswerable-query", "Query the store cannot answer"),
    RecordError: (422, "unusable-record", "Unusable record"),
    StoreUnavailable: (503, "store-unavailable", "Store unavailable"),
    EnrichError: (503, "model-unavailable", "Model unavailable"),
    StoreError: (500, "store-error", "Store error"),
    SiangError: (500, "internal-error", "Internal server error"),
}
# HTTP errors raised by routes and dependencies (auth, limits) keep a specific title.
_HTTP_TITLES = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "API key missing or not accepted"),
    403: ("forbidden", "Role not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("body-too-large", "Request body too large"),
    422: ("invalid-request", "Invalid request"),
    429: ("too-many-requests", "Rate limit exceeded"),
    503: ("unavailable", "Service unavailable"),
}


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem details response carrying the request id (the middleware sends it as a
    header too)."""
    request_id = correlation_id.get()
    body = Problem(
        type=f"/problems/{slug}", title=title, status=status, detail=detail, request_id=request_id
    )
    response = JSONResponse(body.model_dump(), status_code=status, media_type=MEDIA_TYPE)
    response.headers.update(headers or {})
    return response


def http_problem(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    slug, title = _HTTP_TITLES.get(status, (str(status), _phrase(status)))
    return problem(status, slug, title, detail, headers=headers)


def install(app: FastAPI, settings: Settings) -> None:
    """Route every error through ``problem``."""

    @app.exception_handler(SiangError)
    async def _siang_error(request: Request, exc: SiangError) -> JSONResponse:
        status, slug, title = next(PROBLEMS[cls] for cls in type(exc).__mro__ if cls in PROBLEMS)
        headers = {}
        if status == 503:
            headers["Retry-After"] = str(settings.api.retry_after_seconds)
        if status >= 500:
            log.error("%s %s: %s: %s", request.method, request.url.path, title, exc)
            detail = str(exc) if status == 503 else f"{title}; quote the request id to report it"
        else:
            detail = str(exc)
        return problem(status, slug, title, detail, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method of the path, not only the first route's
            headers["Allow"] = ", ".join(_allowed_methods(app, request.url.path))
        return http_problem(exc.status_code, str(exc.detail), headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first: dict[str, Any] = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        field = ".".join(str(p) for p in first["loc"] if p not in ("query", "path", "body"))
        return http_problem(422, f"{field}: {first['msg']}" if field else str(first["msg"]))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error(
            "%s %s failed: %s", request.method, request.url.path, type(exc).__name__, exc_info=exc
        )
        request_id = correlation_id.get()
        return problem(
            500,
            "internal-error",
            "Internal server error",
            "an unexpected error; quote the request id to report it",
            # a 500 leaves through Starlette's outermost middleware, past the one adding it
            headers={REQUEST_ID_HEADER: request_id} if request_id else None,
        )


def _allowed_methods(app: FastAPI, path: str) -> list[str]:
    from api.openapi import api_routes

    methods = {
        method
        for route in api_routes(app)
        if route.path_regex.match(path)
        for method in route.methods or ()
    }
    return sorted(methods)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the problems a route can answer with."""
    return {
        status: {
            "model": Problem,
            "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
            "description": _HTTP_TITLES.get(status, ("", _phrase(status)))[1],
        }
        for status in statuses
    }


__all__ = [
    "MEDIA_TYPE",
    "PROBLEMS",
    "CursorError",
    "Problem",
    "RuleConflict",
    "error_responses",
    "http_problem",
    "install",
    "problem",
]
