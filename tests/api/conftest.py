"""Fixtures of the API tests that run on both stores."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from fastapi.testclient import TestClient

from api.access import issue_key
from api.app import create_app
from domain.settings import Settings
from enrich.embeddings import Embedder
from storage.base import Store
from storage.embedded import EmbeddedStore
from tests.conftest import FixedEmbedder

Serve = Callable[..., AbstractContextManager[TestClient]]


@pytest.fixture(params=["embedded", pytest.param("elasticsearch", marks=pytest.mark.integration)])
def any_store(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Store]:
    """An empty store of each kind: embedded in a temporary file, or Elasticsearch on the
    test node under its own index prefix."""
    if request.param == "embedded":
        store = EmbeddedStore(settings.store.path)
        yield store
        store.close()
    else:
        yield request.getfixturevalue("es_store")


@pytest.fixture
def serve(settings: Settings) -> Serve:
    """``with serve(store) as client:`` the app over a filled store, as one viewer key
    (refreshing Elasticsearch first, so what was written is searchable)."""

    @contextmanager
    def serving(store: Store, *, embedder: Embedder | None = None) -> Iterator[TestClient]:
        if hasattr(store, "client"):
            store.client.indices.refresh(index=f"{store.prefix}-*")  # type: ignore[attr-defined]
        key = issue_key(store, role="viewer", name="viewer-1")
        app = create_app(settings, store, embedder=embedder or FixedEmbedder(dimension=4))
        with TestClient(app, headers={"X-API-Key": key}) as client:
            yield client

    return serving
