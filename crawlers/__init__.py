"""Collect stage: Scrapy spiders (web sources) and httpx collectors (platform APIs)."""
