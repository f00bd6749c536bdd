"""The collect stage end to end: a spider, an API collector and a broken source, one store."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from crawlers.jobs import Collection
from domain.settings import CollectSettings, CredentialSettings, Settings, SourceSettings
from storage.embedded import EmbeddedStore
from tests.crawlers.collectors.conftest import ApiServer, FakeSleep, load_fixture
from tests.crawlers.conftest import FAST, FixtureSite
from tests.crawlers.test_spiders import PANTIP_IDS

pytestmark = pytest.mark.integration
X_IDS = {"1908", "1907", "1906", "1905", "1903", "1902"}


def _settings(tmp: Path, site: FixtureSite, api: ApiServer) -> Settings:
    return Settings(
        store={"backend": "embedded", "path": str(tmp / "siang.db")},
        credentials=CredentialSettings(x_bearer_token=SecretStr("x-test-token")),
        collect=CollectSettings(
            download_delay_s=0,
            timeout_s=1.0,
            max_retries=2,
            backoff_max_s=2.0,  # pantip's 429-once (Retry-After: 1) is waited out
            concurrency_per_domain=4,
            checkpoint_dir=tmp / "checkpoints",
        ),
        sources=[
            SourceSettings(
                name="pantip-siang",
                kind="pantip",
                start_urls=[site.url("/forum/siang")],
                max_pages=3,
            ),
            SourceSettings(
                name="broken-bluesky",
                kind="bluesky",
                endpoint="http://127.0.0.1:9",
                queries=["ไฟดับ"],
            ),
            SourceSettings(name="x-test", kind="x", endpoint=api.url, queries=["น้ำไม่ไหล"]),
        ],
    )


def test_sources_feed_ingest_and_a_broken_one_stops_nothing(
    tmp_path: Path, pantip_site: FixtureSite, api_server: ApiServer, fake_sleep: FakeSleep
) -> None:
    api_server.route(
        "/2/tweets/search/recent",
        "next_token",
        {
            None: load_fixture("x", "page1.json"),
            "p2": load_fixture("x", "page2.json"),
            "p3": load_fixture("x", "page3.json"),
        },
    )
    settings = _settings(tmp_path, pantip_site, api_server)
    store = EmbeddedStore(settings.store.path)
    collection = Collection(
        settings,
        store,
        scrapy_overrides=FAST,
        collector_options={"sleep": fake_sleep, "random": lambda: 0.5},
    )
    pantip, broken, x = collection.run()

    # Every item once in the store; authors pseudonymised.
    ids = {p.id for p in store.iter_posts()}
    assert ids == {f"pantip:{i}" for i in PANTIP_IDS} | {f"x:{i}" for i in X_IDS}
    assert all(p.author is None or p.author.startswith("anon-") for p in store.iter_posts())
    assert (pantip.fetched, pantip.new, pantip.duplicate, pantip.quarantined) == (17, 14, 1, 2)
    assert (x.new, x.duplicate, x.quarantined, x.failed, x.error) == (6, 1, 1, 0, None)
    assert x.fetched == 8
    # The broken source failed on its own, with the reason kept.
    assert broken.failed == 1 and broken.new == 0
    assert broken.error is not None and "CollectorUnavailable" in broken.error
    assert broken.errors.get("transport", 0) >= 1  # connection refused, counted
    # Refused records are quarantined with their reasons, without raw handles.
    refused = store.list_quarantine(stage="collect", limit=100)
    assert sorted(r.reason for r in refused) == [
        "created_at is missing",
        "text is missing or empty",
        "text is missing or empty",
    ]
    assert all("สมาชิกหมายเลข" not in r.payload for r in refused)
    # Totals per source are in the store for /metrics.
    stats = {s.source: s for s in store.list_source_stats()}
    assert stats["x-test"].new == 6 and stats["x-test"].last_success_at is not None
    assert stats["broken-bluesky"].last_success_at is None and stats["broken-bluesky"].failed == 1

    # A second run finds nothing new and loses nothing.
    again = {run.source: run for run in collection.run(["pantip-siang", "x-test"])}
    assert again["pantip-siang"].new == 0 and again["x-test"].new == 0
    assert {p.id for p in store.iter_posts()} == ids
    assert store.list_source_stats()[2].runs == 2  # x-test, sorted after the others
    store.close()


def test_an_unknown_source_name_is_refused(tmp_path: Path) -> None:
    settings = Settings(store={"backend": "embedded", "path": str(tmp_path / "s.db")})
    store = EmbeddedStore(settings.store.path)
    with pytest.raises(Exception, match="no source named nope"):
        Collection(settings, store).run(["nope"])
    store.close()


def test_a_site_that_yields_nothing_is_a_failing_source(
    tmp_path: Path, generic_site: FixtureSite
) -> None:
    """Every request failing, or pages whose selectors match nothing, is not "ok"."""
    from tests.crawlers.test_spiders import GENERIC_SELECTORS

    settings = Settings(
        store={"backend": "embedded", "path": str(tmp_path / "siang.db")},
        collect=CollectSettings(
            download_delay_s=0, timeout_s=1.0, max_retries=1, checkpoint_dir=tmp_path / "ck"
        ),
        sources=[
            SourceSettings(
                name="down",
                kind="generic",
                selectors=GENERIC_SELECTORS,
                start_urls=[generic_site.url("/broken")],
            ),
            SourceSettings(
                name="moved",
                kind="generic",
                selectors={**GENERIC_SELECTORS, "item": "article.entry"},  # the site changed
                start_urls=[generic_site.url("/board?p=1")],
                max_pages=1,
            ),
        ],
    )
    store = EmbeddedStore(settings.store.path)
    down, moved = Collection(settings, store, scrapy_overrides=FAST).run()
    assert down.error is not None and "every request failed" in down.error
    assert down.errors.get("server_error", 0) >= 2  # the first try and its retry
    assert moved.error is not None and "selectors match nothing" in moved.error
    stats = {s.source: s for s in store.list_source_stats()}
    assert stats["down"].last_error and stats["moved"].last_error  # siang_source_up 0
    assert stats["down"].errors == down.errors
    store.close()
