"""Pantip-style forum: room listings → topic pages → comment threads (JSON endpoint).

Site shape (as pantip.com): a room lists topics as links to ``/topic/<id>`` and pages with
a ``rel="next"`` link; a topic page holds the opening post (``.display-post-title``,
``.display-post-story``, ``.display-post-name``, ``abbr.timeago[data-utime]`` in
``M/D/YYYY HH:MM:SS``); its comments come from
``/forum/topic/render_comments?tid=<id>&page=<n>`` as JSON
(``{"paging": {"page", "max_page"}, "comments": [{"comment_no", "user": {"name"},
"message", "data_utime", "point", "reply_count"}]}``).

Native ids: the topic id for the opening post, ``<topic id>-<comment no>`` for comments.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawlers.items import PostItem
from crawlers.spiders import SiangSpider, element_text, thai_datetime, thai_int

_TOPIC = re.compile(r"/topic/(\d+)")
_MAX_COMMENT_PAGES = 100


class PantipSpider(SiangSpider):
    """Topics and comments from the rooms in ``source.start_urls``."""

    name = "pantip"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.source.start_urls:
            yield scrapy.Request(
                url, callback=self.parse_room, errback=self.failed, cb_kwargs={"page_no": 1}
            )

    def parse_room(self, response: Response, page_no: int) -> Iterator[scrapy.Request]:
        response = self.page(response)
        for href in response.css("a[href*='/topic/']::attr(href)").getall():
            match = _TOPIC.search(href)
            if match:
                # Canonical topic URL: the same topic linked with tracking queries is one fetch.
                yield scrapy.Request(
                    response.urljoin(f"/topic/{match.group(1)}"),
                    callback=self.parse_topic,
                    errback=self.failed,
                    cb_kwargs={"topic_id": match.group(1)},
                )
        next_href = response.css("a[rel='next']::attr(href)").get()
        if next_href and page_no < self.source.max_pages:
            yield scrapy.Request(
                response.urljoin(next_href),
                callback=self.parse_room,
                errback=self.failed,
                cb_kwargs={"page_no": page_no + 1},
            )

    def parse_topic(self, response: Response, topic_id: str) -> Iterator[PostItem | scrapy.Request]:
        response = self.page(response)
        post = response.css(".display-post-wrapper.main-post")
        title = element_text(post.css(".display-post-title").get())
        story = element_text(post.css(".display-post-story").get())
        yield PostItem(
            platform="pantip",
            native_id=topic_id,
            text="\n\n".join(part for part in (title, story) if part),
            url=response.url,
            source=self.source.name,
            created_at=thai_datetime(
                post.css("abbr.timeago::attr(data-utime)").get(), dayfirst=False
            ),
            author=(post.css(".display-post-name::text").get() or "").strip() or None,
            engagement={
                "likes": thai_int(post.css(".like-score::text").get()),
                "views": thai_int(post.css(".view-count::text").get()),
                "replies": thai_int(post.css(".comment-count::text").get()),
            },
            raw={"kind": "topic", "topic_id": topic_id, "title": title},
        )
        yield self._comments_request(response, topic_id, 1)

    def _comments_request(self, response: Response, topic_id: str, page: int) -> scrapy.Request:
        return scrapy.Request(
            response.urljoin(f"/forum/topic/render_comments?tid={topic_id}&page={page}"),
            headers={"X-Requested-With": "XMLHttpRequest", "Accept": "application/json"},
            callback=self.parse_comments,
            errback=self.failed,
            cb_kwargs={"topic_id": topic_id, "page": page},
        )

    def parse_comments(
        self, response: Response, topic_id: str, page: int
    ) -> Iterator[PostItem | scrapy.Request]:
        self._count("siang/pages")
        try:
            data: dict[str, Any] = json.loads(response.body)
        except ValueError:
            self._count("siang/failed")
            self.logger.warning("comments of topic %s page %d: not JSON", topic_id, page)
            return
        topic_url = response.urljoin(f"/topic/{topic_id}")
        for comment in data.get("comments") or []:
            number = comment.get("comment_no")
            yield PostItem(
                platform="pantip",
                native_id=f"{topic_id}-{number}",
                text=element_text(str(comment.get("message") or "")),
                url=f"{topic_url}#comment{number}",
                source=self.source.name,
                created_at=thai_datetime(comment.get("data_utime"), dayfirst=False),
                author=((comment.get("user") or {}).get("name") or "").strip() or None,
                engagement={
                    "likes": int(comment.get("point") or 0),
                    "replies": int(comment.get("reply_count") or 0),
                },
                raw={"kind": "comment", "topic_id": topic_id, "comment_no": number},
            )
        paging = data.get("paging") or {}
        if int(paging.get("max_page") or 1) > page and page < _MAX_COMMENT_PAGES:
            yield self._comments_request(response, topic_id, page + 1)


__all__ = ["PantipSpider"]
