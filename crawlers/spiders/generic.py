"""Generic spider: any listing page, read with the selectors in ``SourceSettings.selectors``.

Keys: ``item`` (each post on the page, required), ``text`` (required), ``author``,
``created_at``, ``url`` (the post's own link), ``id`` (a stable id on the page) and
``next_page``. A selector starting with ``xpath:`` is XPath, anything else CSS. A selector
that matches elements yields their text; ``::text``/``::attr()``/``@attr`` yield the value.

Native ids: the ``id`` value if configured, else a hash of the post's absolute ``url``, else a
hash of author, date and text.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator

import scrapy
from parsel import Selector, SelectorList
from scrapy.http import Response, TextResponse

from crawlers.items import PostItem
from crawlers.spiders import SiangSpider, clean_text, element_text, thai_datetime


def select(node: Selector, selector: str) -> SelectorList[Selector]:
    """Apply one configured selector: ``xpath:...`` or CSS."""
    if selector.startswith("xpath:"):
        return node.xpath(selector.removeprefix("xpath:"))
    return node.css(selector)


def _value(node: Selector, selector: str | None) -> str:
    if not selector:
        return ""
    parts: list[str] = []
    for match in select(node, selector):
        if isinstance(match.root, str):
            parts.append(match.root)
        else:
            parts.append(element_text(match.get()))
    return clean_text(parts)


class GenericSpider(SiangSpider):
    """Posts from pages described only by configured selectors."""

    name = "generic"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        missing = {"item", "text"} - set(self.source.selectors)
        if missing:
            raise ValueError(
                f"sources[{self.source.name}].selectors: missing {', '.join(sorted(missing))}"
            )
        for url in self.source.start_urls:
            yield scrapy.Request(
                url, callback=self.parse_listing, errback=self.failed, cb_kwargs={"page_no": 1}
            )

    def parse_listing(
        self, response: Response, page_no: int
    ) -> Iterator[PostItem | scrapy.Request]:
        response = self.page(response)
        if not isinstance(response, TextResponse):
            self._count("siang/failed")
            self.logger.warning("not a text page: %s", response.url)
            return
        css = self.source.selectors
        for node in select(response.selector, css["item"]):
            text = _value(node, css["text"])
            author = _value(node, css.get("author"))
            shown_time = _value(node, css.get("created_at"))
            link = _value(node, css.get("url"))
            url = response.urljoin(link) if link else response.url
            native_id = _value(node, css.get("id"))
            if not native_id:
                basis = url if link else f"{author}|{shown_time}|{text}"
                native_id = hashlib.sha1(basis.encode()).hexdigest()[:16]
            yield PostItem(
                platform="web",
                native_id=native_id,
                text=text,
                url=url,
                source=self.source.name,
                created_at=thai_datetime(shown_time),
                author=author or None,
                raw={"page_url": response.url, "shown_time": shown_time or None},
            )
        next_href = _value(response.selector, css.get("next_page"))
        if next_href and page_no < self.source.max_pages:
            yield scrapy.Request(
                response.urljoin(next_href),
                callback=self.parse_listing,
                errback=self.failed,
                cb_kwargs={"page_no": page_no + 1},
            )


__all__ = ["GenericSpider", "select"]
