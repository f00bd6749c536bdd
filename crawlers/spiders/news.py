"""News site: RSS 2.0 feed or sitemap → article pages → reader comments.

The article itself is a post (platform ``news``: headline and body, the outlet and title in
``raw``), and so is each reader comment (platform ``news_comment``, with the article's
headline, URL and publication time in ``raw``): what the press reports and what readers
say about it. Article markup is read with CSS selectors; the defaults below match common
Thai news templates and any of them can be overridden in ``SourceSettings.selectors``
(``outlet`` names the outlet; the site's host by default).

Native ids: the article key for the article, ``<article key>-<comment id>`` for comments,
the article key being a hash of the article's URL without query or fragment (stable across
comment pages and feed tracking parameters).
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urldefrag, urlsplit, urlunsplit

import scrapy
from scrapy.http import Response

from crawlers.items import PostItem
from crawlers.spiders import SiangSpider, element_text, thai_datetime, thai_int

DEFAULT_SELECTORS = {
    "headline": "h1.headline",
    "body": "article .article-body, article .entry-content, .article-body",
    "published": "time.published::attr(datetime)",
    "comment": ".comments .comment",
    "comment_id": "::attr(data-comment-id)",
    "comment_author": ".comment-author::text",
    "comment_time": ".comment-time::text",
    "comment_text": ".comment-body",
    "comment_likes": ".comment-likes::text",
    "comments_next": "a.comments-next::attr(href)",
}


def article_key(url: str) -> str:
    """A stable id for an article: hash of its URL without query or fragment."""
    parts = urlsplit(urldefrag(url)[0])
    bare = urlunsplit((parts.scheme, parts.netloc.lower(), parts.path, "", ""))
    return hashlib.sha1(bare.encode()).hexdigest()[:12]


class NewsSpider(SiangSpider):
    """Reader comments on the articles listed by the feeds or sitemaps in ``start_urls``."""

    name = "news"

    @property
    def selectors(self) -> dict[str, str]:
        return {**DEFAULT_SELECTORS, **self.source.selectors}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.source.start_urls:
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.failed)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """RSS 2.0 ``item/link``, sitemap ``url/loc``; a sitemap index is followed."""
        self._count("siang/pages")
        selector = scrapy.Selector(text=response.text, type="xml")
        for loc in selector.xpath(
            "//*[local-name()='sitemap']/*[local-name()='loc']/text()"
        ).getall():
            yield scrapy.Request(loc.strip(), callback=self.parse_feed, errback=self.failed)
        links = (
            selector.xpath("//item/link/text()").getall()
            + selector.xpath("//*[local-name()='url']/*[local-name()='loc']/text()").getall()
        )
        for link in links:
            url = response.urljoin(link.strip())
            yield scrapy.Request(
                url,
                callback=self.parse_article,
                errback=self.failed,
                cb_kwargs={"article": None, "page_no": 1},
            )

    def parse_article(
        self, response: Response, article: dict[str, str] | None, page_no: int
    ) -> Iterator[PostItem | scrapy.Request]:
        response = self.page(response)
        css = self.selectors
        if article is None:
            article = {
                "key": article_key(response.url),
                "url": urldefrag(response.url)[0],
                "headline": element_text(response.css(css["headline"]).get()),
                "published": thai_datetime(response.css(css["published"]).get()) or "",
            }
            yield self._article(response, article)
        for comment in response.css(css["comment"]):
            text = element_text(comment.css(css["comment_text"]).get())
            author = (comment.css(css["comment_author"]).get() or "").strip()
            shown_time = (comment.css(css["comment_time"]).get() or "").strip()
            comment_id = (comment.css(css["comment_id"]).get() or "").strip() or (
                hashlib.sha1(f"{author}|{shown_time}|{text}".encode()).hexdigest()[:12]
            )
            yield PostItem(
                platform="news_comment",
                native_id=f"{article['key']}-{comment_id}",
                text=text,
                url=f"{article['url']}#comment-{comment_id}",
                source=self.source.name,
                created_at=thai_datetime(shown_time),
                author=author or None,
                engagement={"likes": thai_int(comment.css(css["comment_likes"]).get())},
                raw={
                    "kind": "comment",
                    "comment_id": comment_id,
                    "article_url": article["url"],
                    "headline": article["headline"],
                    "article_published": article["published"] or None,
                },
            )
        next_href = response.css(css["comments_next"]).get()
        if next_href and page_no < self.source.max_pages:
            yield scrapy.Request(
                response.urljoin(next_href),
                callback=self.parse_article,
                errback=self.failed,
                cb_kwargs={"article": article, "page_no": page_no + 1},
            )

    def _article(self, response: Response, article: dict[str, str]) -> PostItem:
        body = element_text("\n".join(response.css(self.selectors["body"]).getall()))
        outlet = self.source.selectors.get("outlet") or urlsplit(article["url"]).netloc
        return PostItem(
            platform="news",
            native_id=article["key"],
            text="\n\n".join(part for part in (article["headline"], body) if part),
            url=article["url"],
            source=self.source.name,
            created_at=article["published"] or None,
            author=None,
            engagement={},
            raw={"kind": "article", "outlet": outlet, "title": article["headline"]},
        )


__all__ = ["DEFAULT_SELECTORS", "NewsSpider", "article_key"]
