"""Item pipelines: drop items already seen, validate the rest into ``Post``.

Order (``crawlers.settings.ITEM_PIPELINES``): ``SeenPipeline`` then ``ValidatePipeline``.
Items that pass both reach Scrapy's ``item_scraped`` signal, which the runner
(``crawlers.crawl``) hands to its ``on_item`` callback and only then records as seen, so an
item is never marked seen before something downstream has it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from itemadapter import ItemAdapter
from pydantic import SecretStr
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from domain.errors import RecordError
from domain.privacy import Pseudonymizer, redact_payload
from ingest.service import parse_post

#: Signal sent by ``ValidatePipeline`` for each refused record: ``refused=Refused``.
record_refused = object()


@dataclass(frozen=True)
class Refused:
    """A record ``ValidatePipeline`` refused, safe to keep: author pseudonymised, PII redacted."""

    source: str
    reason: str
    record: dict[str, Any]


class SeenStore:
    """The native ids already handed downstream for one source: a JSON-lines file.

    Each id is appended and fsynced on its own line, so a crash loses at most the line being
    written; a torn last line is ignored on load.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def for_source(cls, checkpoint_dir: Path | str, source: str) -> SeenStore:
        return cls(Path(checkpoint_dir) / "spiders" / f"{source}.seen.jsonl")

    def load(self) -> set[str]:
        if not self.path.is_file():
            return set()
        seen: set[str] = set()
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    seen.add(str(json.loads(line)["id"]))
                except (ValueError, KeyError, TypeError):
                    continue  # torn write from a crash: that item is simply seen again
        return seen

    def add(self, native_id: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"id": native_id, "at": datetime.now(UTC).isoformat()}) + "\n"
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())


def _source(spider: Spider) -> str:
    return str(spider.source.name)  # type: ignore[attr-defined]


class SeenPipeline:
    """Drop items seen in an earlier run (the source's ``SeenStore``) or earlier in this one."""

    def __init__(self, crawler: Crawler, checkpoint_dir: str) -> None:
        self.crawler = crawler
        self.checkpoint_dir = checkpoint_dir
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, crawler.settings.get("SIANG_CHECKPOINT_DIR", "var/checkpoints"))

    def open_spider(self) -> None:
        assert self.crawler.spider is not None
        self.seen = SeenStore.for_source(self.checkpoint_dir, _source(self.crawler.spider)).load()

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("siang/items")
        native_id = str(ItemAdapter(item).get("native_id"))
        if native_id in self.seen:
            stats.inc_value("siang/duplicate")
            raise DropItem(f"already seen: {native_id}")
        self.seen.add(native_id)
        return item


class ValidatePipeline:
    """Validate each record with ``ingest.service.parse_post``; refuse bad ones with the reason.

    Refused records are counted (``siang/quarantined``), kept on ``refused`` and sent as the
    ``record_refused`` signal for the runner to quarantine.
    """

    def __init__(self, crawler: Crawler, pseudonymizer: Pseudonymizer) -> None:
        self.crawler = crawler
        self.pseudonymizer = pseudonymizer
        self.refused: list[Refused] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        key = crawler.settings.get("SIANG_PSEUDONYM_KEY")
        if isinstance(key, SecretStr):
            key = key.get_secret_value()
        if not key:
            raise ValueError("SIANG_PSEUDONYM_KEY is not set (settings.privacy.pseudonym_key)")
        return cls(crawler, Pseudonymizer(str(key)))

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        record = ItemAdapter(item).asdict()
        stats = self.crawler.stats
        assert stats is not None
        try:
            parse_post(record, pseudonymizer=self.pseudonymizer, collected_at=datetime.now(UTC))
        except RecordError as exc:
            stats.inc_value("siang/quarantined")
            refused = Refused(
                source=str(record.get("source") or ""),
                reason=exc.reason,
                record=self._safe(record),
            )
            self.refused.append(refused)
            self.crawler.signals.send_catch_log(signal=record_refused, refused=refused)
            raise DropItem(f"quarantined: {exc.reason}") from exc
        stats.inc_value("siang/accepted")
        return item

    def _safe(self, record: dict[str, Any]) -> dict[str, Any]:
        safe: dict[str, Any] = redact_payload({k: v for k, v in record.items() if k != "author"})
        if record.get("author"):
            safe["author"] = self.pseudonymizer.pseudonym(
                str(record.get("platform")), str(record["author"])
            )
        return safe


__all__ = ["Refused", "SeenPipeline", "SeenStore", "ValidatePipeline", "record_refused"]
