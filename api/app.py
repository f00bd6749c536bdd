"""The FastAPI application: ``create_app`` wires settings, store and tokenizer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api import (
    alerts,
    campaigns,
    complaints,
    dashboard,
    emergences,
    health,
    keys,
    links,
    metrics,
    places,
    posts,
    problems,
    stats,
    topics,
    tracking,
    webhooks,
)
from api.access import RateLimiter
from api.deps import Cursors, LoadedModels
from api.limits import RequestLimits
from api.openapi import document
from api.topics import RecentTopicLists
from domain.settings import Settings
from enrich.embeddings import Embedder
from storage import open_store
from storage.base import Store


def create_app(
    settings: Settings, store: Store | None = None, *, embedder: Embedder | None = None
) -> FastAPI:
    """Build the app; with no ``store`` the configured one is opened in the lifespan, with
    no ``embedder`` the configured one is loaded (``LoadedModels``)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        app.state.settings = settings
        app.state.store = store or await run_in_threadpool(open_store, settings)
        app.state.rate_limiter = RateLimiter()
        app.state.auth_failures = RateLimiter()  # per client address
        app.state.topic_lists = RecentTopicLists(settings.api.topic_cache_seconds)
        app.state.cursors = Cursors(settings.privacy.pseudonym_key.get_secret_value())
        app.state.models = await run_in_threadpool(LoadedModels, settings, embedder=embedder)
        app.state.models.start()
        yield
        if owned:
            app.state.store.close()

    app = FastAPI(
        title="Siang API",
        version="0.1.0",
        summary="Thai social-media grievance monitoring for the 1111 complaint centre.",
        description="Search public Thai posts, follow emerging grievance topics and see the "
        "social posts related to a formal complaint. Times are ISO-8601 with offset; "
        "`*_bangkok` fields are for display in Asia/Bangkok.",
        lifespan=lifespan,
        docs_url=None,  # served below from Siang's own copy of Swagger UI: works offline
        redoc_url=None,
    )

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Siang API",
            swagger_js_url="/dashboard/assets/docs/swagger-ui-bundle.js",
            swagger_css_url="/dashboard/assets/docs/swagger-ui.css",
            swagger_favicon_url="/dashboard/assets/docs/favicon-32x32.png",
        )

    # One router per thing served (api/<name>.py); /health, /metrics and /dashboard need no key.
    # tracking before complaints: /complaints/reopen-candidates is not a complaint id.
    for module in (health, metrics, posts, stats, topics, emergences, tracking, complaints,
                   campaigns, links, alerts, places, keys, webhooks, dashboard):  # fmt: skip
        app.include_router(module.router)

    problems.install(app, settings)
    # Added last = runs first: every request, refused or not, carries a request id.
    app.add_middleware(RequestLimits, settings=settings.api)
    app.add_middleware(
        CorrelationIdMiddleware, header_name=problems.REQUEST_ID_HEADER, validator=_valid_id
    )
    app.openapi = lambda: document(app)  # type: ignore[method-assign]
    metrics.instrument(app)  # last: outermost, so it also counts what the middleware above refuses
    return app


def _valid_id(value: str) -> bool:
    """A caller's own request id is kept when it is short and plain (it reaches the log)."""
    return 0 < len(value) <= 64 and all(c.isascii() and (c.isalnum() or c in "-_.") for c in value)


__all__ = ["create_app"]
