"""Facebook Graph API: a page's posts, then each new post's comments.

A stream per page (``/{page-id}/posts``; a finished sweep's newest ``created_time`` is
sent as ``since`` next time) yields each new post followed at once by its comments
(``/{post-id}/comments``), so the posts page is checkpointed only after its comments are
out. Paging follows ``paging.cursors.after`` while ``paging.next`` exists; the ``next``
URL itself is never stored (it carries the access token). Auth: ``access_token=``.
Graph reports throttling as error codes 4, 17, 32, 613 (often with HTTP 400 or 403).

A post's ``followers`` is its page's ``followers_count`` (``fan_count``, the page's likes,
when that is missing), asked once per page per run (``/{page-id}?fields=...``) when the
page first has posts; if that fails the posts are kept with ``followers`` None. Comments
are by people, whose follower counts Graph does not give: ``followers`` None.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx

from crawlers.collectors.base import Collector, Page, follower_count
from crawlers.collectors.client import CollectorAuthError, Verdict
from domain.errors import CollectorError, RecordError

log = logging.getLogger(__name__)

API_VERSION = "v19.0"
_RATE_CODES = frozenset({4, 17, 32, 613})
_AUTH_CODES = frozenset({102, 190})
_POST_FIELDS = (
    "id,message,created_time,permalink_url,reactions.summary(true),comments.summary(true),shares"
)
_COMMENT_FIELDS = "id,message,created_time,from,like_count,comment_count,permalink_url"
_PAGE_FIELDS = "followers_count,fan_count"


def _total(value: Any) -> int:
    summary = value.get("summary") if isinstance(value, dict) else None
    count = summary.get("total_count") if isinstance(summary, dict) else None
    return count if isinstance(count, int) else 0


def _after(body: dict[str, Any]) -> str | None:
    paging = body.get("paging") or {}
    if not paging.get("next"):
        return None
    after = (paging.get("cursors") or {}).get("after")
    return after if isinstance(after, str) and after else None


class FacebookCollector(Collector):
    platform = "facebook"
    default_endpoint = "https://graph.facebook.com"

    _page_followers: dict[str, int | None]  # page id -> followers; set afresh by each run

    def classify(self, response: httpx.Response, body: Any) -> Verdict | None:
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict) and response.status_code >= 400:
            code = error.get("code")
            if code in _RATE_CODES:
                return Verdict.RATE_LIMITED
            if code in _AUTH_CODES:
                return Verdict.AUTH
            if error.get("is_transient") is True:
                return Verdict.RETRY
        return None

    def _token(self) -> str:
        token = self.settings.credentials.facebook_access_token
        if token is None:
            raise CollectorAuthError(
                f"{self.source.name}: set SIANG_CREDENTIALS__FACEBOOK_ACCESS_TOKEN",
                source=self.source.name,
            )
        return token.get_secret_value()

    async def collect(self) -> AsyncIterator[dict[str, Any]]:
        token = self._token()
        self._page_followers = {}
        for page_id in self.source.page_ids:

            async def fetch(cursor: str | None, since: str | None, page_id: str = page_id) -> Page:
                return await self._posts_page(page_id, token=token, cursor=cursor, since=since)

            async for post in self.sweep(f"page:{page_id}", fetch):
                yield post
                if post["engagement"]["replies"] > 0:
                    async for comment in self._comments(post["native_id"], token=token):
                        yield comment

    async def _posts_page(
        self, page_id: str, *, token: str, cursor: str | None, since: str | None
    ) -> Page:
        params: dict[str, Any] = {"fields": _POST_FIELDS, "limit": 100, "access_token": token}
        if cursor:
            params["after"] = cursor
        if since:
            params["since"] = int(datetime.fromisoformat(since).timestamp())
        body = await self.client.get_json(f"/{API_VERSION}/{page_id}/posts", params=params)
        if not isinstance(body, dict):
            return Page(rejected=[self.reject("response is not an object", body)])
        data = body.get("data") or []
        followers = await self._followers(page_id, token=token) if data else None
        records, rejected = self.map_items(data, lambda p: self._map_post(p, page_id, followers))
        newest = self.newest(r["created_at"] for r in records)
        return Page(records, rejected, next_cursor=_after(body), newest=newest)

    async def _followers(self, page_id: str, *, token: str) -> int | None:
        """The page's followers, asked once per run; ``None`` if Graph refuses or omits it."""
        if page_id in self._page_followers:
            return self._page_followers[page_id]
        params = {"fields": _PAGE_FIELDS, "access_token": token}
        followers: int | None = None
        try:
            body = await self.client.get_json(f"/{API_VERSION}/{page_id}", params=params)
        except CollectorError as exc:
            log.warning(
                "%s: page follower lookup failed (%s, HTTP %s); its posts are kept without "
                "followers",
                self.source.name,
                type(exc).__name__,
                exc.status,
            )
        else:
            if isinstance(body, dict):
                followers = follower_count(body.get("followers_count"))
                if followers is None:
                    followers = follower_count(body.get("fan_count"))
        self._page_followers[page_id] = followers
        return followers

    async def _comments(self, post_id: str, *, token: str) -> AsyncIterator[dict[str, Any]]:
        async def fetch(cursor: str | None, since: str | None) -> Page:
            params: dict[str, Any] = {
                "fields": _COMMENT_FIELDS,
                "limit": 100,
                "filter": "stream",
                "access_token": token,
            }
            if cursor:
                params["after"] = cursor
            body = await self.client.get_json(f"/{API_VERSION}/{post_id}/comments", params=params)
            if not isinstance(body, dict):
                return Page(rejected=[self.reject("response is not an object", body)])
            records, rejected = self.map_items(
                body.get("data") or [], lambda c: self._map_comment(c, post_id)
            )
            return Page(records, rejected, next_cursor=_after(body))

        async for comment in self.sweep(f"comments:{post_id}", fetch):
            yield comment

    def _map_post(
        self, post: dict[str, Any], page_id: str, followers: int | None
    ) -> dict[str, Any]:
        post_id = post.get("id")
        if not isinstance(post_id, str) or not post_id:
            raise RecordError("post id is missing", field="id")
        return self.record(
            native_id=post_id,
            created_at=post.get("created_time"),
            text=post.get("message"),
            author=None,  # the page itself publishes; it is named by page_id in raw
            url=post.get("permalink_url") or f"https://www.facebook.com/{post_id}",
            likes=_total(post.get("reactions")),
            replies=_total(post.get("comments")),
            shares=(post.get("shares") or {}).get("count"),
            followers=followers,
            raw={"kind": "post", "post_id": post_id, "page_id": page_id},
        )

    def _map_comment(self, comment: dict[str, Any], post_id: str) -> dict[str, Any]:
        comment_id = comment.get("id")
        if not isinstance(comment_id, str) or not comment_id:
            raise RecordError("comment id is missing", field="id")
        sender = comment.get("from") or {}
        return self.record(
            native_id=comment_id,
            created_at=comment.get("created_time"),
            text=comment.get("message"),
            author=(sender.get("id") or sender.get("name")) if isinstance(sender, dict) else None,
            url=comment.get("permalink_url") or f"https://www.facebook.com/{comment_id}",
            likes=comment.get("like_count"),
            replies=comment.get("comment_count"),
            raw={"kind": "comment", "comment_id": comment_id, "post_id": post_id},
        )


__all__ = ["FacebookCollector"]
