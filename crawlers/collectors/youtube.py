"""YouTube Data API v3: ``search`` for videos per query, ``commentThreads`` per video.

A search stream per query (``order=date``; a finished sweep's newest ``publishedAt``
becomes ``publishedAfter``) yields each new video as a record (title and description)
followed at once by its comment threads, so the search page is checkpointed only after
its videos' comments are out. Configured ``video_ids`` get their comment threads read too.
Auth: ``key=`` query parameter. ``quotaExceeded`` stops the run (the quota resets daily);
``rateLimitExceeded`` is retried; ``commentsDisabled`` skips the video.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx

from crawlers.collectors.base import Collector, Page
from crawlers.collectors.client import CollectorAuthError, CollectorResponseError, Verdict
from domain.errors import RecordError

log = logging.getLogger(__name__)

_QUOTA = frozenset({"quotaExceeded", "dailyLimitExceeded"})
_RATE = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


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
        records, rejected = self.map_items(body.get("items") or [], self._map_video)
        newest = self.newest(r["created_at"] for r in records)
        return Page(records, rejected, next_cursor=body.get("nextPageToken"), newest=newest)

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

    def _map_video(self, item: dict[str, Any]) -> dict[str, Any]:
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


__all__ = ["YouTubeCollector"]
