"""The FastAPI application: ``create_app`` wires settings, store and tokenizer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.access import RateLimiter
from api.dashboard import router as dashboard_router
from api.emergences import router as emergences_router
from api.links import router as links_router
from api.manage import RuleConflict
from api.manage import router as manage_router
from api.metrics import router as metrics_router
from api.views import RecentTopicLists, router, v1
from domain.errors import NotFoundError, SiangError
from domain.settings import Settings
from enrich.gazetteer import Gazetteer
from enrich.service import custom_words
from enrich.thai_text import ThaiTokenizer
from storage import open_store
from storage.base import Store


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """Build the app; with no ``store`` the configured one is opened in the lifespan."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        app.state.settings = settings
        app.state.store = store or open_store(settings)
        app.state.rate_limiter = RateLimiter()
        app.state.topic_lists = RecentTopicLists(settings.api.topic_cache_seconds)
        words = custom_words(
            settings, Gazetteer(settings.place_aliases, landmarks=settings.landmarks)
        )
        app.state.tokenizer = ThaiTokenizer(words, engine=settings.models.tokenizer)
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

    app.include_router(router)
    app.include_router(metrics_router)
    app.include_router(manage_router)  # before v1: /v1/posts/export is not a post id
    app.include_router(v1)
    app.include_router(links_router)
    app.include_router(emergences_router)
    app.include_router(dashboard_router)  # /dashboard and its assets; no key needed

    @app.exception_handler(SiangError)
    async def _siang_error(request: Request, exc: SiangError) -> JSONResponse:
        if isinstance(exc, NotFoundError):
            return _problem(404, "Not Found", str(exc))
        if isinstance(exc, RuleConflict):
            return _problem(409, "Conflict", str(exc))
        return _problem(400, "Bad Request", str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests"}
        response = _problem(exc.status_code, titles.get(exc.status_code, "Error"), str(exc.detail))
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        field = ".".join(str(p) for p in first["loc"] if p not in ("query", "path", "body"))
        return _problem(422, "Unprocessable Content", f"{field}: {first['msg']}")

    return app


def _problem(status: int, title: str, detail: str) -> JSONResponse:
    return JSONResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail},
        status_code=status,
        media_type="application/problem+json",
    )


__all__ = ["create_app"]
