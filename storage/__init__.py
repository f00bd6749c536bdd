"""Store and search: the ``Store`` interface and its backends."""

from domain.errors import ConfigError
from domain.settings import Settings
from storage.base import Bucket, Page, PostQuery, SearchResult, Store, UpsertCounts
from storage.embedded import EmbeddedStore


def open_store(settings: Settings) -> Store:
    """The configured backend; clients are built here, at the edge, and passed in."""
    if settings.store.backend == "embedded":
        return EmbeddedStore(settings.store.path)
    raise ConfigError(
        "store.backend: the elasticsearch backend is not available in this build",
        key="store.backend",
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
