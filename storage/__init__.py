"""Store and search: the ``Store`` interface and its backends."""

from domain.errors import ConfigError
from domain.settings import Settings
from storage.base import Bucket, Page, PostQuery, SearchResult, Store, UpsertCounts
from storage.embedded import EmbeddedStore


def open_store(settings: Settings) -> Store:
    """The configured backend; clients are built here, at the edge, and passed in."""
    if settings.store.backend == "embedded":
        return EmbeddedStore(settings.store.path)
    if settings.store.backend == "elasticsearch":
        from storage.elasticsearch import ElasticsearchStore, build_client

        es = settings.elasticsearch
        client = build_client(
            es.hosts,
            username=es.username,
            password=es.password.get_secret_value() if es.password else None,
            ca_certs=str(es.ca_certs) if es.ca_certs else None,
        )
        from storage.spool import SpoolingStore

        return SpoolingStore(
            ElasticsearchStore(client, prefix=es.index_prefix), settings.store.spool_dir
        )
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
    "open_store",
]
