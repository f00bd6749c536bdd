"""X (Twitter) API v2 recent search: ``GET /2/tweets/search/recent``.

One stream per query. The first sweep reads up to ``max_pages`` pages through
``next_token``; once a sweep reaches the end, the newest id becomes ``since_id`` for the
next run, so each later run only reads what is new. Auth: app-only Bearer token.
The author's ``public_metrics.followers_count`` comes in the same response
(``expansions=author_id``, ``user.fields=public_metrics``); an author missing from
``includes.users`` (suspended, withheld) leaves ``followers`` unknown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from crawlers.collectors.base import Collector, Page
from crawlers.collectors.client import CollectorAuthError
from domain.errors import RecordError

_FIELDS = {
    "max_results": 100,
    "tweet.fields": "created_at,public_metrics,lang,author_id",
    "expansions": "author_id",
    "user.fields": "username,public_metrics",
}


class XCollector(Collector):
    platform = "x"
    default_endpoint = "https://api.x.com"

    def _auth_headers(self) -> dict[str, str]:
        token = self.settings.credentials.x_bearer_token
        return {"Authorization": f"Bearer {token.get_secret_value()}"} if token else {}

    async def collect(self) -> AsyncIterator[dict[str, Any]]:
        if self.settings.credentials.x_bearer_token is None:
            raise CollectorAuthError(
                f"{self.source.name}: set SIANG_CREDENTIALS__X_BEARER_TOKEN",
                source=self.source.name,
            )
        for query in self.source.queries:

            async def fetch(cursor: str | None, since: str | None, query: str = query) -> Page:
                return await self._page(query, cursor=cursor, since=since)

            async for rec in self.sweep(f"query:{query}", fetch):
                yield rec

    async def _page(self, query: str, *, cursor: str | None, since: str | None) -> Page:
        params: dict[str, Any] = {"query": query, **_FIELDS}
        if cursor:
            params["next_token"] = cursor
        if since:
            params["since_id"] = since
        body = await self.client.get_json("/2/tweets/search/recent", params=params)
        if not isinstance(body, dict):
            return Page(rejected=[self.reject("response is not an object", body)])
        users = {
            u.get("id"): u
            for u in (body.get("includes") or {}).get("users") or []
            if isinstance(u, dict)
        }
        records, rejected = self.map_items(body.get("data") or [], lambda t: self._map(t, users))
        meta = body.get("meta") or {}
        newest = meta.get("newest_id") or self.newest(r["native_id"] for r in records)
        return Page(records, rejected, next_cursor=meta.get("next_token"), newest=newest)

    def _map(self, tweet: dict[str, Any], users: dict[Any, dict[str, Any]]) -> dict[str, Any]:
        tweet_id = tweet.get("id")
        if not isinstance(tweet_id, str) or not tweet_id.isdigit():
            raise RecordError(f"tweet id is missing or not numeric: {tweet_id!r}", field="id")
        metrics = tweet.get("public_metrics") or {}
        user = users.get(tweet.get("author_id")) or {}
        username = user.get("username")
        user_metrics = user.get("public_metrics")
        url = (
            f"https://x.com/{username}/status/{tweet_id}"
            if username
            else f"https://x.com/i/web/status/{tweet_id}"
        )
        return self.record(
            native_id=tweet_id,
            created_at=tweet.get("created_at"),
            text=tweet.get("text"),
            author=username,
            url=url,
            likes=metrics.get("like_count"),
            replies=metrics.get("reply_count"),
            shares=_sum(metrics.get("retweet_count"), metrics.get("quote_count")),
            views=metrics.get("impression_count"),
            followers=(
                user_metrics.get("followers_count") if isinstance(user_metrics, dict) else None
            ),
            lang=tweet.get("lang"),
            raw={"tweet_id": tweet_id, "lang": tweet.get("lang")},
        )


def _sum(*values: Any) -> int:
    return sum(v for v in values if isinstance(v, int) and v >= 0)


__all__ = ["XCollector"]
