"""The dashboard's Thai dataset, as tests use it: posts and topics, complaints, links, alerts,
and the follow-ups of resolved complaints.

Salty tap water in Nonthaburi is the emerging topic, linked to a complaint with a status
history; floods in Nakhon Ratchasima (โคราช) fill a complaint with 30 linked posts; Bangkok's
dry taps carry emoji; Phitsanulok's traffic lights are still broken after the fix. The posts
and topics are in ``thai_posts``, the complaints, links, alerts and rules in ``casework``, more
resolved complaints in ``resolved_cases``; ``fill`` writes it all into a store through the
store's own write calls, the ones the pipeline makes, and runs its tracking step.
"""

from __future__ import annotations

from domain.settings import Settings
from storage.base import Store
from tests.dashboard import casework, resolved_cases, thai_posts
from tests.dashboard.casework import (
    ALERTS,
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
from tests.dashboard.resolved_cases import REOPEN_COMPLAINT, SURVEY_CSV
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

COMPLAINTS = casework.COMPLAINTS + resolved_cases.COMPLAINTS
COMPLAINT_BY_ID = {c.complaint_id: c for c in COMPLAINTS}


def fill(store: Store, settings: Settings) -> None:
    """Write the whole dataset into ``store``, then follow its resolved complaints as the
    pipeline's tracking step does (with ``settings.tracking``)."""
    thai_posts.fill(store)
    casework.fill(store)
    resolved_cases.fill(store, settings)


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
    "REOPEN_COMPLAINT",
    "ROAD",
    "ROWS_BY_ID",
    "RULES",
    "SMOG",
    "SURVEY_CSV",
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
