"""Forums like Pantip: room listings → topic pages → comments, shaped by configuration.

The defaults are pantip.com's shape: a room lists topics as links matching ``/topic/<id>``
and pages with a ``rel="next"`` link; a topic page holds the opening post
(``.display-post-title``, ``.display-post-story``, ``.display-post-name``,
``abbr.timeago[data-utime]`` in ``M/D/YYYY HH:MM:SS``); its comments come from
``/forum/topic/render_comments?tid=<id>&page=<n>`` as JSON (``{"paging": {"page",
"max_page"}, "comments": [{"comment_no", "user": {"name"}, "message", "data_utime",
"point", "reply_count"}]}``).

Another forum is a matter of ``SourceSettings.selectors`` (``DEFAULT_SELECTORS`` names
every key): a ``topic_id`` pattern for its links, the opening post's parts, and either a
``comments_url`` JSON endpoint of the same shape or, with ``comments: page``, comments read
from the topic page itself (``comment``, ``comment_id``, ``comment_author``,
``comment_time``, ``comment_text``, ``comments_next``). Topic links are followed as found,
so robots.txt is judged on the very URL requested; a topic linked twice is fetched once.

Native ids: the topic id for the opening post, ``<topic id>-<comment id>`` for comments.
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

_MAX_COMMENT_PAGES = 100
DEFAULT_SELECTORS = {
    "topic_link": "a[href*='/topic/']::attr(href)",
    "topic_id": r"/topic/(\d+)",  # a regular expression; its first group is the id
    "next_page": "a[rel='next']::attr(href)",
    "post": ".display-post-wrapper.main-post",
    "title": ".display-post-title",
    "story": ".display-post-story",
    "author": ".display-post-name::text",
    "time": "abbr.timeago::attr(data-utime)",
    "likes": ".like-score::text",
    "views": ".view-count::text",
    "replies": ".comment-count::text",
    "comments": "json",  # or "page": comments in the topic page, read with the keys below
    "comments_url": "/forum/topic/render_comments?tid={id}&page={page}",
    "comment": ".comment",
    "comment_id": "::attr(data-comment-id)",
    "comment_author": ".comment-author::text",
    "comment_time": ".comment-time::text",
    "comment_text": ".comment-body",
    "comments_next": "a.comments-next::attr(href)",
}


class PantipSpider(SiangSpider):
    """Topics and comments from the rooms in ``source.start_urls``."""

    name = "pantip"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.css = {**DEFAULT_SELECTORS, **self.source.selectors}
        self._topic_id = re.compile(self.css["topic_id"])
        self._topics: set[str] = set()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.source.start_urls:
            yield scrapy.Request(
                url, callback=self.parse_room, errback=self.failed, cb_kwargs={"page_no": 1}
            )

    def parse_room(self, response: Response, page_no: int) -> Iterator[scrapy.Request]:
        response = self.page(response)
        for href in response.css(self.css["topic_link"]).getall():
            match = self._topic_id.search(href)
            if match and match.group(1) not in self._topics:
                # The link as found (robots.txt judges what is requested), once per topic even
                # when linked again with tracking queries.
                self._topics.add(match.group(1))
                yield scrapy.Request(
                    response.urljoin(href),
                    callback=self.parse_topic,
                    errback=self.failed,
                    cb_kwargs={"topic_id": match.group(1), "page": 1},
                )
        next_href = response.css(self.css["next_page"]).get()
        if next_href and page_no < self.source.max_pages:
            yield scrapy.Request(
                response.urljoin(next_href),
                callback=self.parse_room,
                errback=self.failed,
                cb_kwargs={"page_no": page_no + 1},
            )

    def parse_topic(
        self, response: Response, topic_id: str, page: int
    ) -> Iterator[PostItem | scrapy.Request]:
        response = self.page(response)
        css = self.css
        if page == 1:
            post = response.css(css["post"])
            title = element_text(post.css(css["title"]).get())
            story = element_text(post.css(css["story"]).get())
            yield PostItem(
                platform="pantip",
                native_id=topic_id,
                text="\n\n".join(part for part in (title, story) if part),
                url=response.url,
                source=self.source.name,
                created_at=thai_datetime(post.css(css["time"]).get(), dayfirst=False),
                author=(post.css(css["author"]).get() or "").strip() or None,
                engagement={
                    "likes": thai_int(post.css(css["likes"]).get()),
                    "views": thai_int(post.css(css["views"]).get()),
                    "replies": thai_int(post.css(css["replies"]).get()),
                },
                raw={"kind": "topic", "topic_id": topic_id, "title": title},
            )
        if css["comments"] != "page":
            yield self._comments_request(response, topic_id, 1)
            return
        yield from self._page_comments(response, topic_id)
        next_href = response.css(css["comments_next"]).get()
        if next_href and page < _MAX_COMMENT_PAGES:
            yield scrapy.Request(
                response.urljoin(next_href),
                callback=self.parse_topic,
                errback=self.failed,
                cb_kwargs={"topic_id": topic_id, "page": page + 1},
            )

    def _page_comments(self, response: Response, topic_id: str) -> Iterator[PostItem]:
        css = self.css
        topic_url = response.url.split("#")[0]
        for comment in response.css(css["comment"]):
            number = (comment.css(css["comment_id"]).get() or "").strip()
            text = element_text(comment.css(css["comment_text"]).get())
            yield PostItem(
                platform="pantip",
                native_id=f"{topic_id}-{number}",
                text=text,
                url=f"{topic_url}#comment{number}",
                source=self.source.name,
                created_at=thai_datetime(comment.css(css["comment_time"]).get()),
                author=(comment.css(css["comment_author"]).get() or "").strip() or None,
                raw={"kind": "comment", "topic_id": topic_id, "comment_no": number},
            )

    def _comments_request(self, response: Response, topic_id: str, page: int) -> scrapy.Request:
        return scrapy.Request(
            response.urljoin(self.css["comments_url"].format(id=topic_id, page=page)),
            headers={"X-Requested-With": "XMLHttpRequest", "Accept": "application/json"},
            callback=self.parse_comments,
            errback=self.failed,
            cb_kwargs={"topic_id": topic_id, "page": page, "topic_url": response.url},
        )

    def parse_comments(
        self, response: Response, topic_id: str, page: int, topic_url: str
    ) -> Iterator[PostItem | scrapy.Request]:
        self._count("siang/pages")
        try:
            data: dict[str, Any] = json.loads(response.body)
        except ValueError:
            self._count("siang/failed")
            self.logger.warning("comments of topic %s page %d: not JSON", topic_id, page)
            return
        for comment in data.get("comments") or []:
            number = comment.get("comment_no")
            yield PostItem(
                platform="pantip",
                native_id=f"{topic_id}-{number}",
                text=element_text(str(comment.get("message") or "")),
                url=f"{topic_url.split('#')[0]}#comment{number}",
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
            req = self._comments_request(response, topic_id, page + 1)
            req.cb_kwargs["topic_url"] = topic_url
            yield req


__all__ = ["DEFAULT_SELECTORS", "PantipSpider"]
