"""Bluesky: ``app.bsky.feed.searchPosts`` on an AppView, newest first (``sort=latest``).

Without credentials it reads the public AppView anonymously. With a handle and app
password it opens a session (``com.atproto.server.createSession``) on the PDS, which
proxies the search, and sends the ``accessJwt`` as a Bearer token. One stream per query;
a finished sweep's newest ``indexedAt`` becomes ``since`` (inclusive: the boundary post
comes back and is dropped by the checkpoint's recent ids).

``searchPosts`` gives each author as a ProfileViewBasic, without counts, so each page's
distinct authors are looked up with ``app.bsky.actor.getProfiles`` (25 actors a call) for
``followersCount``. If a lookup fails, the posts it was for are kept with ``followers`` None.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from crawlers.collectors.base import Collector, Page, follower_count, iso_timestamp
from crawlers.collectors.client import CollectorAuthError
from domain.errors import CollectorError, RecordError

log = logging.getLogger(__name__)

PUBLIC_APPVIEW = "https://public.api.bsky.app"
PDS = "https://bsky.social"
_ACTORS_PER_CALL = 25  # app.bsky.actor.getProfiles takes at most 25 actors


class BlueskyCollector(Collector):
    platform = "bluesky"
    default_endpoint = PUBLIC_APPVIEW

    _session_open = False

    @property
    def _login(self) -> bool:
        creds = self.settings.credentials
        return bool(creds.bluesky_handle and creds.bluesky_app_password)

    def _default_endpoint(self) -> str:
        return PDS if self._login else PUBLIC_APPVIEW

    async def _open_session(self) -> None:
        creds = self.settings.credentials
        assert creds.bluesky_handle and creds.bluesky_app_password
        body = await self.client.request_json(
            "POST",
            "/xrpc/com.atproto.server.createSession",
            json_body={
                "identifier": creds.bluesky_handle,
                "password": creds.bluesky_app_password.get_secret_value(),
            },
        )
        token = body.get("accessJwt") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise CollectorAuthError(
                f"{self.source.name}: createSession returned no accessJwt",
                source=self.source.name,
            )
        self.client.set_header("Authorization", f"Bearer {token}")
        self._session_open = True

    async def collect(self) -> AsyncIterator[dict[str, Any]]:
        if self._login and not self._session_open:
            await self._open_session()
        for query in self.source.queries:

            async def fetch(cursor: str | None, since: str | None, query: str = query) -> Page:
                return await self._page(query, cursor=cursor, since=since)

            async for rec in self.sweep(f"query:{query}", fetch):
                yield rec

    async def _page(self, query: str, *, cursor: str | None, since: str | None) -> Page:
        params: dict[str, Any] = {"q": query, "limit": 100, "lang": "th", "sort": "latest"}
        if cursor:
            params["cursor"] = cursor
        if since:
            params["since"] = since
        body = await self.client.get_json("/xrpc/app.bsky.feed.searchPosts", params=params)
        if not isinstance(body, dict):
            return Page(rejected=[self.reject("response is not an object", body)])
        posts = body.get("posts") or []
        followers = await self._followers(_author_dids(posts))
        records, rejected = self.map_items(posts, lambda p: self._map(p, followers))
        newest = self.newest(r["raw"].get("indexed_at") for r in records)
        cursor_out = body.get("cursor")
        # An empty page ends the sweep even if a cursor comes back.
        next_cursor = cursor_out if isinstance(cursor_out, str) and body.get("posts") else None
        return Page(records, rejected, next_cursor=next_cursor, newest=newest)

    async def _followers(self, dids: list[str]) -> dict[str, int]:
        """``followersCount`` by DID; after a failed call the remaining authors stay unknown."""
        counts: dict[str, int] = {}
        for start in range(0, len(dids), _ACTORS_PER_CALL):
            batch = dids[start : start + _ACTORS_PER_CALL]
            try:
                body = await self.client.get_json(
                    "/xrpc/app.bsky.actor.getProfiles", params={"actors": batch}
                )
            except CollectorError as exc:
                # Never the DIDs or handles. The posts are kept.
                log.warning(
                    "%s: profile follower lookup failed (%s, HTTP %s); %d author(s) left "
                    "without followers",
                    self.source.name,
                    type(exc).__name__,
                    exc.status,
                    len(dids) - start,
                )
                return counts
            profiles = body.get("profiles") if isinstance(body, dict) else None
            for profile in profiles if isinstance(profiles, list) else []:
                if not isinstance(profile, dict) or not isinstance(profile.get("did"), str):
                    continue
                count = follower_count(profile.get("followersCount"))
                if count is not None:
                    counts[profile["did"]] = count
        return counts

    def _map(self, post: dict[str, Any], followers: dict[str, int]) -> dict[str, Any]:
        uri = post.get("uri")
        if not isinstance(uri, str) or not uri.startswith("at://"):
            raise RecordError(f"uri is missing or not an at:// uri: {uri!r}", field="uri")
        record = post.get("record") or {}
        author = post.get("author") or {}
        handle = author.get("handle") if isinstance(author, dict) else None
        did = author.get("did") if isinstance(author, dict) else None
        rkey = uri.rsplit("/", 1)[-1]
        langs = record.get("langs") or []
        indexed_at = post.get("indexedAt")
        return self.record(
            native_id=uri,
            created_at=record.get("createdAt"),
            text=record.get("text"),
            author=handle,
            url=f"https://bsky.app/profile/{handle}/post/{rkey}" if handle else None,
            likes=post.get("likeCount"),
            replies=post.get("replyCount"),
            shares=_sum(post.get("repostCount"), post.get("quoteCount")),
            followers=followers.get(did) if isinstance(did, str) else None,
            lang=langs[0] if isinstance(langs, list) and langs else None,
            raw={
                "uri": uri,
                "cid": post.get("cid"),
                "indexed_at": iso_timestamp(indexed_at, name="indexedAt") if indexed_at else None,
            },
        )


def _author_dids(posts: Any) -> list[str]:
    """The distinct author DIDs of a page's posts, in page order."""
    dids: dict[str, None] = {}
    for post in posts if isinstance(posts, list) else []:
        author = post.get("author") if isinstance(post, dict) else None
        did = author.get("did") if isinstance(author, dict) else None
        if isinstance(did, str) and did.startswith("did:"):
            dids[did] = None
    return list(dids)


def _sum(*values: Any) -> int:
    return sum(v for v in values if isinstance(v, int) and v >= 0)


__all__ = ["BlueskyCollector"]
