"""Siang's exception hierarchy: one root, one subclass per domain.

Data travels as attributes so callers (CLI, API handler) never parse messages.
"""

from __future__ import annotations


class SiangError(Exception):
    """Root of every error Siang raises on purpose."""


class ConfigError(SiangError):
    """The configuration is invalid; ``key`` names the offending setting."""

    def __init__(self, message: str, *, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


class RecordError(SiangError):
    """An input record cannot be accepted; it is quarantined with ``reason``."""

    def __init__(self, reason: str, *, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


class StoreError(SiangError):
    """The store failed to read or write."""


class StoreUnavailable(StoreError):
    """The store cannot be reached or keeps failing; callers may spool and retry later."""


class QueryError(SiangError):
    """A query the store cannot answer as asked (e.g. an offset past its result window)."""


class NotFoundError(SiangError):
    """A requested entity does not exist."""

    def __init__(self, kind: str, ident: str) -> None:
        super().__init__(f"{kind} {ident!r} not found")
        self.kind = kind
        self.ident = ident


class CollectorError(SiangError):
    """A source could not be read; ``source`` names the source, ``status`` the HTTP code."""

    def __init__(self, message: str, *, source: str, status: int | None = None) -> None:
        super().__init__(message)
        self.source = source
        self.status = status


class EnrichError(SiangError):
    """An enrichment step could not run (missing model, bad configuration)."""


class TopicError(SiangError):
    """Topic modelling or trend detection could not run."""
