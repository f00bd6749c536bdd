"""Every spider's item: a raw post record as ``ingest.service.parse_post`` reads it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SpiderPlatform = Literal["pantip", "news", "news_comment", "web"]


@dataclass
class PostItem:
    """One public post or comment as scraped; ``to_record`` is the dict ingest validates.

    ``author`` is the raw handle: ingest pseudonymises it, nothing else may store it.
    ``created_at`` is ISO-8601 with a zone, or None when the page had no usable date
    (the item is then quarantined by ``ValidatePipeline``, never silently dropped).
    """

    platform: SpiderPlatform
    native_id: str
    text: str
    url: str
    source: str
    created_at: str | None = None
    author: str | None = None
    engagement: dict[str, int] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        return asdict(self)


__all__ = ["PostItem", "SpiderPlatform"]
