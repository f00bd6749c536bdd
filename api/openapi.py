"""The OpenAPI document: FastAPI's, plus the errors each route really answers with.

Every error is ``application/problem+json`` (``api.problems.Problem``). Which statuses a
route can give follows from what it depends on, so the document cannot drift from the
code: a key → 401 and 429 (and 403 above the viewer role), parameters → 422, a body → 413
and 422, a path id → 404, the store → 503, anything → 400 (a key in the URL) and 500.
``tests/api/test_openapi_document.py`` and the Schemathesis run hold it to the responses.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from api.problems import MEDIA_TYPE, Problem

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_DESCRIPTIONS = {
    400: "Bad request: a key in the URL, or an unusable cursor",
    401: "API key missing, unknown or revoked",
    403: "The key's role is not allowed here",
    404: "Not found",
    409: "Conflict",
    413: "Request body too large",
    422: "Invalid parameters or body",
    429: "Rate limit exceeded (see Retry-After)",
    500: "Internal server error (quote the request id)",
    503: "Store or model unavailable (see Retry-After)",
}
# Routes that answer without the store (liveness, the document itself).
_NO_STORE = frozenset({"/health", "/openapi.json"})


def document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document, built once and kept on the app."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = Problem.model_json_schema()
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for route in api_routes(app):
        if not route.include_in_schema:
            continue
        statuses = _statuses(route)
        for method in route.methods or ():
            operation = schema["paths"][route.path_format].get(method.lower())
            if operation is not None:
                _document_errors(operation, statuses)
    app.openapi_schema = schema
    return schema


def api_routes(app: FastAPI) -> list[Any]:
    """Every API route as served, with its router's prefix and dependencies applied."""
    contexts = getattr(routing, "iter_route_contexts", None)  # FastAPI ≥ 0.160: lazy routers
    if contexts is None:
        return [r for r in app.routes if isinstance(r, APIRoute)]
    return [c for c in contexts(app.routes) if isinstance(c.original_route, APIRoute)]


def _statuses(route: Any) -> set[int]:
    statuses = {400, 500}
    role = _role(route.dependant)
    if role is not None:
        statuses |= {401, 429} | ({403} if role != "viewer" else set())
    if route.path_format.startswith("/v1/webhooks/"):
        statuses |= {401, 404, 429}  # the shared secret; a status update for no complaint
    if route.dependant.query_params or route.dependant.path_params or route.body_field:
        statuses.add(422)
    raw_body = "requestBody" in (route.openapi_extra or {})  # a body read from the request
    if route.body_field or raw_body or route.path_format.startswith("/v1/webhooks/"):
        statuses |= {413, 422}
    if route.dependant.path_params or route.body_field:
        statuses.add(404)  # an id in the path or the body that names nothing
    if route.path_format not in _NO_STORE:
        statuses.add(503)
    return statuses


def _role(dependant: Dependant) -> str | None:
    """The role ``api.access.require`` asks for, anywhere in the dependency tree."""
    for dependency in dependant.dependencies:
        role = getattr(dependency.call, "siang_role", None) or _role(dependency)
        if role is not None:
            return str(role)
    return None


def _document_errors(operation: dict[str, Any], statuses: set[int]) -> None:
    responses = operation.setdefault("responses", {})
    for status in sorted(statuses | {int(s) for s in responses if s.startswith(("4", "5"))}):
        existing = responses.get(str(status), {})
        responses[str(status)] = {
            "description": existing.get("description") or _DESCRIPTIONS.get(status, "Error"),
            "content": {MEDIA_TYPE: {"schema": _PROBLEM_REF}},
        }


__all__ = ["api_routes", "document"]
