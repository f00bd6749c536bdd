"""Store and search: the ``Store`` interface and its backends."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from domain.errors import ConfigError, StoreUnavailable
from domain.settings import Settings
from storage.base import Bucket, Page, PostQuery, SearchResult, Store, UpsertCounts
from storage.embedded import EmbeddedStore

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

log = logging.getLogger(__name__)


def elasticsearch_client(settings: Settings) -> Elasticsearch:
    """The official client for the configured cluster."""
    from storage.elasticsearch import build_client

    es = settings.elasticsearch
    return build_client(
        es.hosts,
        username=es.username,
        password=es.password.get_secret_value() if es.password else None,
        ca_certs=str(es.ca_certs) if es.ca_certs else None,
    )


def open_store(settings: Settings) -> Store:
    """The configured backend; clients are built here, at the edge, and passed in."""
    if settings.store.backend == "embedded":
        return EmbeddedStore(settings.store.path)
    if settings.store.backend == "elasticsearch":
        from storage.elasticsearch import ElasticsearchStore
        from storage.spool import SpoolingStore

        store = SpoolingStore(
            ElasticsearchStore(
                elasticsearch_client(settings), prefix=settings.elasticsearch.index_prefix
            ),
            settings.store.spool_dir,
        )
        try:  # what an earlier outage left waiting goes first, whatever the command
            replayed = store.replay()
            if replayed.total or replayed.refused:
                log.info("replayed %d spooled posts", replayed.total)
        except StoreUnavailable as exc:
            log.warning("the store is still unavailable; spooled posts wait (%s)", exc)
        return store
    raise ConfigError(
        f"store.backend: unknown backend {settings.store.backend!r}", key="store.backend"
    )


__all__ = [
    "Bucket",
    "EmbeddedStore",
    "Page",
    "PostQuery",
    "SearchResult",
    "Store",
    "UpsertCounts",
    "elasticsearch_client",
    "open_store",
]
