"""Scrapy settings for Siang's spiders, derived from ``Settings.collect``.

Polite by default: robots.txt obeyed, AutoThrottle on, per-domain concurrency, delay and
user agent from config. No module-level constants are read from the environment; the runner
(``crawlers.crawl``) builds these once per crawl.
"""

from __future__ import annotations

from typing import Any

from domain.settings import Settings

RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]

# RetryAfterMiddleware must see a 429/503 before RetryMiddleware (550) does, and
# process_response runs from the highest priority to the lowest: 555 puts it directly in front
# of RetryMiddleware on the way back (after redirects and decompression, 600 and 590), so it
# can wait out Retry-After and hand back the retry itself, leaving RetryMiddleware the
# responses without one. See crawlers/middlewares.py.
DOWNLOADER_MIDDLEWARES = {
    "crawlers.middlewares.RetryAfterMiddleware": 555,
}

ITEM_PIPELINES = {
    "crawlers.pipelines.SeenPipeline": 100,
    "crawlers.pipelines.ValidatePipeline": 200,
}


def scrapy_settings(settings: Settings) -> dict[str, Any]:
    """The Scrapy settings dict for one crawl."""
    collect = settings.collect
    return {
        "BOT_NAME": "siang",
        "USER_AGENT": collect.user_agent,
        "ROBOTSTXT_OBEY": True,
        "AUTOTHROTTLE_ENABLED": True,
        # AutoThrottle never goes below DOWNLOAD_DELAY; start there rather than at Scrapy's 5 s.
        "AUTOTHROTTLE_START_DELAY": collect.download_delay_s,
        "AUTOTHROTTLE_MAX_DELAY": max(collect.backoff_max_s, collect.download_delay_s),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(collect.concurrency_per_domain),
        "CONCURRENT_REQUESTS_PER_DOMAIN": collect.concurrency_per_domain,
        "DOWNLOAD_DELAY": collect.download_delay_s,
        "DOWNLOAD_TIMEOUT": collect.timeout_s,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": collect.max_retries,
        "RETRY_HTTP_CODES": RETRY_HTTP_CODES,
        "DOWNLOADER_MIDDLEWARES": dict(DOWNLOADER_MIDDLEWARES),
        # The longest Retry-After RetryAfterMiddleware waits; a longer one gives up the request.
        "SIANG_BACKOFF_MAX_S": collect.backoff_max_s,
        "HTTPCACHE_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "COOKIES_ENABLED": False,
        "ITEM_PIPELINES": dict(ITEM_PIPELINES),
        "SIANG_CHECKPOINT_DIR": str(collect.checkpoint_dir),
        # Kept as SecretStr: Scrapy logs overridden settings, and this one must print masked.
        "SIANG_PSEUDONYM_KEY": settings.privacy.pseudonym_key,
    }


__all__ = ["DOWNLOADER_MIDDLEWARES", "ITEM_PIPELINES", "RETRY_HTTP_CODES", "scrapy_settings"]
