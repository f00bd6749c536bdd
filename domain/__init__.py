"""The shared domain model, settings and errors of Siang."""

from domain.errors import (
    ConfigError,
    EnrichError,
    NotFoundError,
    RecordError,
    SiangError,
    StoreError,
    TopicError,
)
from domain.settings import Settings, load_settings

__all__ = [
    "ConfigError",
    "EnrichError",
    "NotFoundError",
    "RecordError",
    "Settings",
    "SiangError",
    "StoreError",
    "TopicError",
    "load_settings",
]
