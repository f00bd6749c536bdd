"""Platform API collectors (httpx, async): X, Facebook, YouTube, Bluesky.

Each collector yields raw records for ``ingest.service.parse_post``; see ``base`` for
the error hierarchy, retries and the checkpointed sweep. Build one with
:func:`collector_for` and drive it from an asyncio entry point::

    async with collector_for(source, settings, quarantine=on_reject) as collector:
        async for record in collector.collect():
            ...
"""

from __future__ import annotations

import asyncio
import random as _random
import time
from collections.abc import Callable

import httpx

from crawlers.collectors.base import Collector, CollectStats, Rejected
from crawlers.collectors.bluesky import BlueskyCollector
from crawlers.collectors.checkpoint import Checkpoint, CheckpointError
from crawlers.collectors.client import (
    ApiClient,
    Clock,
    CollectorAuthError,
    CollectorError,
    CollectorRateLimited,
    CollectorResponseError,
    CollectorUnavailable,
    Random,
    Sleep,
)
from crawlers.collectors.facebook import FacebookCollector
from crawlers.collectors.x import XCollector
from crawlers.collectors.youtube import YouTubeCollector
from domain.errors import ConfigError
from domain.settings import Settings, SourceSettings

COLLECTORS: dict[str, type[Collector]] = {
    "x": XCollector,
    "facebook": FacebookCollector,
    "youtube": YouTubeCollector,
    "bluesky": BlueskyCollector,
}


def collector_for(
    source: SourceSettings,
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    sleep: Sleep = asyncio.sleep,
    random: Random = _random.random,
    clock: Clock = time.time,
    quarantine: Callable[[Rejected], None] | None = None,
    commit: Callable[[], None] | None = None,
) -> Collector:
    """The collector for ``source.kind``; ``ConfigError`` if the kind is a Scrapy spider."""
    try:
        cls = COLLECTORS[source.kind]
    except KeyError:
        raise ConfigError(
            f"source {source.name!r}: kind {source.kind!r} is a spider, not an API collector",
            key="sources.kind",
        ) from None
    return cls(
        source,
        settings,
        transport=transport,
        sleep=sleep,
        random=random,
        clock=clock,
        quarantine=quarantine,
        commit=commit,
    )


__all__ = [
    "COLLECTORS",
    "ApiClient",
    "BlueskyCollector",
    "Checkpoint",
    "CheckpointError",
    "CollectStats",
    "Collector",
    "CollectorAuthError",
    "CollectorError",
    "CollectorRateLimited",
    "CollectorResponseError",
    "CollectorUnavailable",
    "FacebookCollector",
    "Rejected",
    "XCollector",
    "YouTubeCollector",
    "collector_for",
]
