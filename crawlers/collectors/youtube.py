"""YouTube Data API v3: ``search`` for videos per query, ``commentThreads`` per video.

A search stream per query (``order=date``; a finished sweep's newest ``publishedAt``
becomes ``publishedAfter``) yields each new video as a record (title and description)
followed at once by its comment threads, so the search page is checkpointed only after
its videos' comments are out. Configured ``video_ids`` get their comment threads read too.
Auth: ``key=`` query parameter. ``quotaExceeded`` stops the run (the quota resets daily);
``rateLimitExceeded`` is retried; ``commentsDisabled`` skips the video.

A video's ``followers`` is its channel's ``statistics.subscriberCount``, from one batched
``channels?part=statistics`` call per search page (1 quota unit; None when the channel hides
the count). If that call fails the page's videos are kept with ``followers`` None. Comments
keep ``followers`` None: their authors are mostly private people, and a lookup per comment
page would double or triple the quota and requests the comments cost.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx

from crawlers.collectors.base import Collector, Page, follower_count
from crawlers.collectors.client import CollectorAuthError, CollectorResponseError, Verdict
from domain.errors import CollectorError, RecordError

log = logging.getLogger(__name__)

_QUOTA = frozenset({"quotaExceeded", "dailyLimitExceeded"})
_RATE = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
_CHANNELS_PER_CALL = 50  # channels.list takes at most 50 ids


def _reasons(body: Any) -> set[str]:
    error = body.get("error") if isinstance(body, dict) else None
    errors = error.get("errors") if isinstance(error, dict) else None
    return {str(e.get("reason")) for e in errors or [] if isinstance(e, dict)}


class YouTubeCollector(Collector):
    platform = "youtube"
    default_endpoint = "https://www.googleapis.com"

    def classify(self, response: httpx.Response, body: Any) -> Verdict | None:
        if response.status_code in (403, 429):
            reasons = _reasons(body)
            if reasons & _QUOTA:
                return Verdict.QUOTA
            if reasons & _RATE:
                return Verdict.RATE_LIMITED
            if "commentsDisabled" in reasons:
                return Verdict.FATAL
        return None

    def _key(self) -> str:
        key = self.settings.credentials.youtube_api_key
        if key is None:
            raise CollectorAuthError(
                f"{self.source.name}: set SIANG_CREDENTIALS__YOUTUBE_API_KEY",
                source=self.source.name,
            )
        return key.get_secret_value()

    async def collect(self) -> AsyncIterator[dict[str, Any]]:
        key = self._key()
        for query in self.source.queries:

            async def fetch(cursor: str | None, since: str | None, query: str = query) -> Page:
                return await self._search_page(query, key=key, cursor=cursor, since=since)

            async for video in self.sweep(f"search:{query}", fetch):
                yield video
                async for comment in self._comments(video["native_id"], key=key):
                    yield comment
        for video_id in self.source.video_ids:
            async for comment in self._comments(video_id, key=key):
                yield comment

    async def _search_page(
        self, query: str, *, key: str, cursor: str | None, since: str | None
    ) -> Page:
        params: dict[str, Any] = {
            "part": "snippet",
            "q": query,
            "type": "video",
            "order": "date",
            "regionCode": "TH",
            "relevanceLanguage": "th",
            "maxResults": 50,
            "key": key,
        }
        if cursor:
            params["pageToken"] = cursor
        if since:
            params["publishedAfter"] = since.replace("+00:00", "Z")
        body = await self.client.get_json("/youtube/v3/search", params=params)
        if not isinstance(body, dict):
            return Page(rejected=[self.reject("response is not an object", body)])
        items = body.get("items") or []
        subscribers = await self._subscribers(_channel_ids(items), key=key)
        records, rejected = self.map_items(items, lambda v: self._map_video(v, subscribers))
        newest = self.newest(r["created_at"] for r in records)
        return Page(records, rejected, next_cursor=body.get("nextPageToken"), newest=newest)

    async def _subscribers(self, channel_ids: list[str], *, key: str) -> dict[str, int]:
        """Subscriber counts by channel id; hidden counts are left out, a failure gives ``{}``."""
        counts: dict[str, int] = {}
        for start in range(0, len(channel_ids), _CHANNELS_PER_CALL):
            batch = channel_ids[start : start + _CHANNELS_PER_CALL]
            params = {"part": "statistics", "id": ",".join(batch), "key": key}
            try:
                body = await self.client.get_json("/youtube/v3/channels", params=params)
            except CollectorError as exc:
                # Never the ids: a channel can be a person's. The videos are kept.
                log.warning(
                    "%s: channel subscriber lookup failed (%s, HTTP %s); %d channel(s) "
                    "left without followers",
                    self.source.name,
                    type(exc).__name__,
                    exc.status,
                    len(channel_ids) - start,
                )
                return counts
            items = body.get("items") if isinstance(body, dict) else None
            for item in items if isinstance(items, list) else []:
                stats = item.get("statistics") if isinstance(item, dict) else None
                count = _subscriber_count(stats)
                if count is not None and isinstance(item.get("id"), str):
                    counts[item["id"]] = count
        return counts

    async def _comments(self, video_id: str, *, key: str) -> AsyncIterator[dict[str, Any]]:
        async def fetch(cursor: str | None, since: str | None) -> Page:
            params: dict[str, Any] = {
                "part": "snippet",
                "videoId": video_id,
                "maxResults": 100,
                "textFormat": "plainText",
                "order": "time",
                "key": key,
            }
            if cursor:
                params["pageToken"] = cursor
            body = await self.client.get_json("/youtube/v3/commentThreads", params=params)
            if not isinstance(body, dict):
                return Page(rejected=[self.reject("response is not an object", body)])
            records, rejected = self.map_items(body.get("items") or [], self._map_comment)
            return Page(records, rejected, next_cursor=body.get("nextPageToken"))

        try:
            async for comment in self.sweep(f"comments:{video_id}", fetch):
                yield comment
        except CollectorResponseError as exc:
            if exc.status != 403:
                raise
            log.info("%s: comments of video %s are disabled; skipped", self.source.name, video_id)

    def _map_video(self, item: dict[str, Any], subscribers: dict[str, int]) -> dict[str, Any]:
        video_id = (item.get("id") or {}).get("videoId")
        if not isinstance(video_id, str) or not video_id:
            raise RecordError("id.videoId is missing", field="id.videoId")
        snippet = item.get("snippet") or {}
        title = snippet.get("title") or ""
        description = snippet.get("description") or ""
        text = f"{title}\n{description}".strip()
        return self.record(
            native_id=video_id,
            created_at=snippet.get("publishedAt"),
            text=text,
            author=snippet.get("channelTitle"),
            url=f"https://www.youtube.com/watch?v={video_id}",
            followers=subscribers.get(snippet.get("channelId") or ""),
            raw={"kind": "video", "video_id": video_id},
        )

    def _map_comment(self, item: dict[str, Any]) -> dict[str, Any]:
        snippet = item.get("snippet") or {}
        top = snippet.get("topLevelComment") or {}
        comment_id = top.get("id") or item.get("id")
        inner = top.get("snippet") or {}
        video_id = inner.get("videoId") or snippet.get("videoId")
        if not isinstance(comment_id, str) or not comment_id:
            raise RecordError("comment id is missing", field="id")
        return self.record(
            native_id=comment_id,
            created_at=inner.get("publishedAt"),
            text=inner.get("textOriginal") or inner.get("textDisplay"),
            author=inner.get("authorDisplayName"),
            url=f"https://www.youtube.com/watch?v={video_id}&lc={comment_id}",
            likes=inner.get("likeCount"),
            replies=snippet.get("totalReplyCount"),
            raw={"kind": "comment", "video_id": video_id, "comment_id": comment_id},
        )


def _channel_ids(items: Any) -> list[str]:
    """The distinct uploading channels of a search page's videos, in page order."""
    ids: dict[str, None] = {}
    for item in items if isinstance(items, list) else []:
        kind = item.get("id") if isinstance(item, dict) else None
        snippet = item.get("snippet") if isinstance(item, dict) else None
        if not isinstance(kind, dict) or not kind.get("videoId") or not isinstance(snippet, dict):
            continue
        channel = snippet.get("channelId")
        if isinstance(channel, str) and channel:
            ids[channel] = None
    return list(ids)


def _subscriber_count(statistics: Any) -> int | None:
    """``subscriberCount`` is a decimal string; absent when ``hiddenSubscriberCount``."""
    if not isinstance(statistics, dict) or statistics.get("hiddenSubscriberCount") is True:
        return None
    value = statistics.get("subscriberCount")
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return follower_count(value)


__all__ = ["YouTubeCollector"]
