"""Liveness and readiness: ``/health`` and ``/health/ready`` (no key needed)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ModelsDep, SettingsDep, StoreDep
from api.models import Health, Readiness
from domain.errors import SiangError

router = APIRouter()


@router.get("/health", response_model=Health, tags=["meta"])
async def health(settings: SettingsDep) -> Health:
    """Liveness: answers while the process runs, whatever the store or models do."""
    return Health(store=settings.store.backend)


@router.get(
    "/health/ready",
    response_model=Readiness,
    tags=["meta"],
    responses={503: {"model": Readiness, "description": "Not ready: the body says why."}},
)
def ready(store: StoreDep, settings: SettingsDep, models: ModelsDep) -> JSONResponse:
    """Readiness: the store answers and the embedding model is loaded (else 503)."""
    posts = topics = None
    error = None
    try:
        posts, topics = store.count_posts(), len(store.list_topics(limit=10_000))
    except SiangError as exc:
        error = str(exc)
    ok = error is None and models.ready
    body = Readiness(
        status="ready" if ok else "not_ready",
        store=settings.store.backend,
        store_reachable=error is None,
        store_error=error,
        posts=posts,
        topics=topics,
        embedder=models.status,
    )
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)


__all__ = ["router"]
