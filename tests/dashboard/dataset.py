"""The dashboard's Thai dataset, as tests use it: posts and topics, complaints, links, alerts.

Salty tap water in Nonthaburi is the emerging topic, linked to a complaint with a status
history; floods in Nakhon Ratchasima (โคราช) fill a complaint with 30 linked posts; Bangkok's
dry taps carry emoji. The posts and topics are in ``thai_posts``, the complaints, links,
alerts and rules in ``casework``; ``fill`` writes it all into a store through the store's own
write calls, the ones the pipeline makes.
"""

from __future__ import annotations

from storage.base import Store
from tests.dashboard import casework, thai_posts
from tests.dashboard.casework import (
    ALERTS,
    COMPLAINT_BY_ID,
    COMPLAINTS,
    CONFIGURED_RULES,
    FLOOD_COMPLAINT,
    FLOOD_LINKS,
    LINKS,
    POWER_COMPLAINT,
    RULES,
    TAP_COMPLAINT,
    TRAFFY_COMPLAINT,
    WATER_COMPLAINT,
)
from tests.dashboard.thai_posts import (
    EMERGENCE,
    EMOJI_POST,
    EMOJI_QUERY,
    FLOOD,
    PM25_BKK,
    POWER,
    ROAD,
    ROWS_BY_ID,
    SMOG,
    TAP_BKK,
    TOPIC_BY_ID,
    TOPICS,
    WATER,
    count_by_province,
    emoji_posts,
    post_ids_of,
    posts_of,
    quiet_days,
    trending,
)


def fill(store: Store) -> None:
    """Write the whole dataset into ``store``."""
    thai_posts.fill(store)
    casework.fill(store)


__all__ = [
    "ALERTS",
    "COMPLAINTS",
    "COMPLAINT_BY_ID",
    "CONFIGURED_RULES",
    "EMERGENCE",
    "EMOJI_POST",
    "EMOJI_QUERY",
    "FLOOD",
    "FLOOD_COMPLAINT",
    "FLOOD_LINKS",
    "LINKS",
    "PM25_BKK",
    "POWER",
    "POWER_COMPLAINT",
    "ROAD",
    "ROWS_BY_ID",
    "RULES",
    "SMOG",
    "TAP_BKK",
    "TAP_COMPLAINT",
    "TOPICS",
    "TOPIC_BY_ID",
    "TRAFFY_COMPLAINT",
    "WATER",
    "WATER_COMPLAINT",
    "count_by_province",
    "emoji_posts",
    "fill",
    "post_ids_of",
    "posts_of",
    "quiet_days",
    "trending",
]
