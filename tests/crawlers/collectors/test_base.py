"""Unit tests of the retrying client, with ``httpx.MockTransport`` as the server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from crawlers.collectors import (
    ApiClient,
    Checkpoint,
    CheckpointError,
    CollectorAuthError,
    CollectorRateLimited,
    CollectorResponseError,
    CollectorUnavailable,
    collector_for,
)
from crawlers.collectors.base import later
from crawlers.collectors.client import backoff_delay, parse_retry_after
from domain.errors import ConfigError, SiangError
from domain.settings import CollectSettings, Settings, SourceSettings
from tests.crawlers.collectors.conftest import FakeSleep

NOW = 1_800_000_000.0


def _client(
    handler, sleep: FakeSleep, *, retries: int = 3, cap: float = 60.0, random: float = 0.5
) -> ApiClient:
    return ApiClient(
        source="t",
        base_url="https://api.test",
        settings=CollectSettings(max_retries=retries, backoff_base_s=1.0, backoff_max_s=cap),
        transport=httpx.MockTransport(handler),
        sleep=sleep,
        random=lambda: random,
        clock=lambda: NOW,
    )


def _run(client: ApiClient, path: str = "/x") -> object:
    async def go() -> object:
        try:
            return await client.get_json(path, params={"key": "secret-key"})
        finally:
            await client.aclose()

    return asyncio.run(go())


def _script(*responses: httpx.Response | Exception):
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return handler


def test_backoff_is_full_jitter_capped() -> None:
    assert [backoff_delay(a, base=1.0, cap=10.0, random=lambda: 1.0) for a in range(6)] == [
        1.0,
        2.0,
        4.0,
        8.0,
        10.0,
        10.0,
    ]
    assert backoff_delay(3, base=1.0, cap=10.0, random=lambda: 0.0) == 0.0
    assert backoff_delay(2, base=0.5, cap=10.0, random=lambda: 0.25) == 0.5


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7.0),
        ("1.5", 1.5),
        ("-3", 0.0),
        ("Fri, 15 Jan 2027 08:00:30 GMT", 30.0),
        ("not a date", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    now = datetime(2027, 1, 15, 8, 0, tzinfo=UTC).timestamp()
    assert parse_retry_after(value, now=now) == expected


def test_later_compares_ids_numerically_and_times_as_times() -> None:
    assert later("999", "1000") == "1000"
    assert later(None, "5") == "5"
    assert later("2026-11-08T07:00:00+07:00", "2026-11-08T01:00:00+00:00") == (
        "2026-11-08T01:00:00+00:00"
    )


def test_retries_then_succeeds_with_waits_from_headers() -> None:
    sleep = FakeSleep()
    handler = _script(
        httpx.Response(429, headers={"x-rate-limit-reset": str(int(NOW) + 12)}),
        httpx.Response(503, headers={"Retry-After": "2"}),
        httpx.ReadTimeout("slow"),
        httpx.ConnectError("refused"),
        httpx.Response(200, json={"ok": True}),
    )
    assert _run(_client(handler, sleep, retries=4)) == {"ok": True}
    assert sleep.calls == [12.0, 2.0, 2.0, 4.0]  # then backoff 0.5 * 2**attempt


def test_exhausted_retries_raise_with_source_status_and_cause() -> None:
    sleep = FakeSleep()
    handler = _script(*[httpx.Response(500)] * 3)
    with pytest.raises(CollectorUnavailable) as info:
        _run(_client(handler, sleep, retries=2))
    assert (info.value.source, info.value.status) == ("t", 500)
    assert isinstance(info.value, SiangError)
    assert "secret-key" not in str(info.value) and "/x" in str(info.value)
    assert len(sleep.calls) == 2


def test_timeouts_are_translated_and_chained() -> None:
    handler = _script(*[httpx.ReadTimeout("slow")] * 2)
    with pytest.raises(CollectorUnavailable) as info:
        _run(_client(handler, FakeSleep(), retries=1))
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)


def test_malformed_json_is_retried_then_a_response_error() -> None:
    ok = _script(httpx.Response(200, content=b'{"a":'), httpx.Response(200, json=[1]))
    assert _run(_client(ok, FakeSleep())) == [1]
    bad = _script(*[httpx.Response(200, content=b"<html>")] * 2)
    with pytest.raises(CollectorResponseError) as info:
        _run(_client(bad, FakeSleep(), retries=1))
    assert info.value.status == 200


def test_a_wait_beyond_the_cap_stops_the_run_instead_of_blocking() -> None:
    sleep = FakeSleep()
    handler = _script(httpx.Response(429, headers={"Retry-After": "900"}))
    with pytest.raises(CollectorRateLimited) as info:
        _run(_client(handler, sleep, cap=300.0))
    assert info.value.retry_after == 900.0 and sleep.calls == []


def test_an_exhausted_window_waits_for_its_reset_before_the_next_request() -> None:
    sleep = FakeSleep()
    headers = {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(NOW) + 30)}
    handler = _script(httpx.Response(200, json=1, headers=headers), httpx.Response(200, json=2))
    client = _client(handler, sleep)

    async def go() -> list[object]:
        async with asyncio.timeout(5):
            out = [await client.get_json("/a"), await client.get_json("/b")]
        await client.aclose()
        return out

    assert asyncio.run(go()) == [1, 2]
    assert sleep.calls == [30.0]


@pytest.mark.parametrize(
    ("status", "error"), [(401, CollectorAuthError), (404, CollectorResponseError)]
)
def test_client_errors_are_not_retried(status: int, error: type[Exception]) -> None:
    sleep = FakeSleep()
    with pytest.raises(error):
        _run(_client(_script(httpx.Response(status, json={"error": {"message": "no"}})), sleep))
    assert sleep.calls == []


def test_checkpoint_round_trips_atomically_and_refuses_corruption(tmp_path: Path) -> None:
    checkpoint = Checkpoint(tmp_path, "src")
    state = checkpoint.stream("query:a")
    state.cursor, state.since = "c2", "100"
    state.remember(["1", "2", "2"])
    checkpoint.save()
    assert [p.name for p in tmp_path.iterdir()] == ["src.json"]  # no temporary file left
    again = Checkpoint(tmp_path, "src").load().stream("query:a")
    assert (again.cursor, again.since, again.recent_ids) == ("c2", "100", ["1", "2"])
    (tmp_path / "src.json").write_text("{", encoding="utf-8")
    with pytest.raises(CheckpointError):
        Checkpoint(tmp_path, "src").load()


def test_collector_for_maps_kinds_and_refuses_spiders(tmp_path: Path) -> None:
    settings = Settings(collect=CollectSettings(checkpoint_dir=tmp_path))
    for kind, cls in [("x", "XCollector"), ("bluesky", "BlueskyCollector")]:
        collector = collector_for(SourceSettings(name="s", kind=kind), settings)
        assert type(collector).__name__ == cls
        asyncio.run(collector.aclose())
    with pytest.raises(ConfigError):
        collector_for(SourceSettings(name="s", kind="pantip"), settings)


def test_a_500_backs_off_whatever_rate_limit_headers_ride_along() -> None:
    sleep = FakeSleep()
    reset = {"x-rate-limit-reset": str(int(NOW + 895)), "x-rate-limit-remaining": "12"}
    client = _client(
        _script(
            httpx.Response(500, headers=reset, json={}),
            httpx.Response(502, headers={"ratelimit-reset": str(int(NOW + 255))}, json={}),
            httpx.Response(200, json={"ok": True}),
        ),
        sleep,
    )
    assert _run(client) == {"ok": True}
    assert sleep.calls == [0.5, 1.0]  # full jitter (random 0.5) of 1 s, 2 s: never 895 or 255
    assert client.errors == {"server_error": 2}


def test_a_503_honours_its_retry_after_and_a_429_its_reset() -> None:
    sleep = FakeSleep()
    client = _client(
        _script(
            httpx.Response(503, headers={"retry-after": "7"}, json={}),
            httpx.Response(429, headers={"x-rate-limit-reset": str(int(NOW + 30))}, json={}),
            httpx.Response(200, json={"ok": True}),
        ),
        sleep,
    )
    assert _run(client) == {"ok": True}
    assert sleep.calls == [7.0, 30.0]
    assert client.errors == {"rate_limited": 1, "server_error": 1}


def test_the_waits_of_a_run_stay_within_max_wait() -> None:
    sleep = FakeSleep()
    client = ApiClient(
        source="t",
        base_url="https://api.test",
        settings=CollectSettings(
            max_retries=10, backoff_base_s=1.0, backoff_max_s=60.0, max_wait_s=20.0
        ),
        transport=httpx.MockTransport(lambda request: httpx.Response(503, json={})),
        sleep=sleep,
        random=lambda: 1.0,
        clock=lambda: NOW,
    )
    with pytest.raises(CollectorUnavailable, match=r"collect.max_wait_s \(20s\)"):
        _run(client)
    assert sleep.calls == [1.0, 2.0, 4.0, 8.0]  # the next, 16 s, would pass 20 s in all
    assert client.waited == 15.0 and client.errors == {"server_error": 5}


def test_timeouts_and_malformed_bodies_are_counted_by_kind() -> None:
    sleep = FakeSleep()
    client = _client(
        _script(
            httpx.ReadTimeout("slow"),
            httpx.Response(200, content=b'{"truncated": '),
            httpx.ConnectError("refused"),
            httpx.Response(200, json={"ok": True}),
        ),
        sleep,
    )
    assert _run(client) == {"ok": True}
    assert client.errors == {"timeout": 1, "malformed": 1, "transport": 1}
