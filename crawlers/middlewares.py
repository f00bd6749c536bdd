"""Downloader middleware: wait out a server's ``Retry-After`` before retrying that request.

Scrapy's ``RetryMiddleware`` retries 429 and 503 at once, which a rate-limited server answers
with another 429. ``RetryAfterMiddleware`` sits just before it on the way back from the
downloader (priority 555 > 550: ``process_response`` runs in descending priority order) and,
for a 429 or 503 carrying ``Retry-After`` (seconds or an HTTP-date):

- waits that long for that request only: ``scrapy.utils.asyncio.sleep`` is ``asyncio.sleep``
  under the asyncio reactor Scrapy installs by default (``crawlers.settings`` does not choose
  another) and Twisted's ``deferLater`` otherwise, so the reactor and every other request go on.
  The request has left its domain's download slot by then; it still counts towards the global
  ``CONCURRENT_REQUESTS`` until it is handed back;
- then returns the retry request built by Scrapy's own ``get_retry_request``, so
  ``meta["retry_times"]``, ``max_retry_times``, the priority adjustment and the ``retry/*``
  stats are exactly RetryMiddleware's and one budget (``RETRY_TIMES``) covers both;
- gives up on the request when the wait exceeds ``SIANG_BACKOFF_MAX_S``
  (``collect.backoff_max_s``): stat ``siang/retry_after_too_long``, a warning, and the 429/503
  goes on to the spider's errback (counted there as failed) with RetryMiddleware told not to
  retry it.

Without a usable ``Retry-After``, with the budget already spent, or for other statuses, the
response passes through untouched and RetryMiddleware behaves as before.
"""

from __future__ import annotations

import logging
import math
import time
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.asyncio import sleep as reactor_sleep

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from scrapy.crawler import Crawler

log = logging.getLogger(__name__)

RETRY_AFTER_CODES = frozenset({429, 503})
TOO_LONG_STAT = "siang/retry_after_too_long"


def retry_after_seconds(value: str | bytes | None, *, now: float) -> float | None:
    """Seconds to wait according to a ``Retry-After`` header value, or None if unusable.

    Args:
        value: The header value: delay-seconds (``"120"``) or an HTTP-date
            (``"Wed, 21 Oct 2015 07:28:00 GMT"``).
        now: The current time (epoch seconds) an HTTP-date is measured from.

    Returns:
        A non-negative number of seconds (a date in the past is 0), or None for a missing,
        negative or unparsable value.
    """
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if not text:
        return None
    try:
        seconds = float(text)  # RFC 9110 says whole seconds; a fraction is harmless
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # asctime form, or "-0000": HTTP-dates are always GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


class RetryAfterMiddleware:
    """Honour ``Retry-After`` on 429 and 503 for the one request, within ``backoff_max_s``."""

    def __init__(
        self,
        crawler: Crawler,
        *,
        backoff_max_s: float,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = reactor_sleep,
    ) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.backoff_max_s = backoff_max_s
        self.max_retry_times = settings.getint("RETRY_TIMES")
        self.priority_adjust = settings.getint("RETRY_PRIORITY_ADJUST")
        retry_codes = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        self.codes = RETRY_AFTER_CODES & retry_codes
        self._clock = clock
        self._sleep = sleep

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        if not crawler.settings.getbool("RETRY_ENABLED"):
            raise NotConfigured
        return cls(crawler, backoff_max_s=crawler.settings.getfloat("SIANG_BACKOFF_MAX_S"))

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in self.codes or request.meta.get("dont_retry", False):
            return response
        header = response.headers.get(b"Retry-After")
        wait = retry_after_seconds(header, now=self._clock())
        if wait is None:
            return response  # RetryMiddleware retries it at once, as without this middleware
        # The same budget RetryMiddleware reads. When it is spent, pass the response on and
        # let RetryMiddleware give up (one "Gave up retrying" log, one retry/max_reached).
        max_retry_times = request.meta.get("max_retry_times", self.max_retry_times)
        if request.meta.get("retry_times", 0) >= max_retry_times:
            return response
        if wait > self.backoff_max_s:
            self._inc_stat(TOO_LONG_STAT)
            log.warning(
                "giving up on %s: %d asks to wait %.0f s (Retry-After: %s), "
                "beyond backoff_max_s=%s",
                request.url,
                response.status,
                wait,
                (header or b"").decode("latin-1"),
                self.backoff_max_s,
            )
            # RetryMiddleware runs next on this same request; it only skips it on dont_retry.
            request.meta["dont_retry"] = True
            return response
        retry = self._retry_request(request, reason=f"{response.status} Retry-After")
        if retry is None:  # cannot happen after the budget check; keep RetryMiddleware's say
            return response
        log.debug("%s: waiting %.2f s (Retry-After) before retrying", request.url, wait)
        await self._sleep(wait)
        return retry

    def _retry_request(self, request: Request, *, reason: str) -> Request | None:
        spider = self.crawler.spider
        assert spider is not None, "process_response runs only while a spider is open"
        return get_retry_request(
            request,
            spider=spider,
            reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            logger=log,
        )

    def _inc_stat(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)


__all__ = ["RETRY_AFTER_CODES", "TOO_LONG_STAT", "RetryAfterMiddleware", "retry_after_seconds"]
