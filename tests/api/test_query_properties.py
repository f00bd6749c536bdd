"""Property: no raw query string breaks a route, on either store (Hypothesis).

Schemathesis generates values its schema allows; these are bytes as an attacker or a broken
client sends them: NUL, quotes, FTS5 syntax (``*``, ``NEAR(``, ``OR``), emoji, zero-width
marks, invalid UTF-8 after percent-decoding, repeated and unknown parameters. Every answer
is a 2xx or a 4xx problem, never a 5xx.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote_from_bytes

import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.access import issue_key
from api.app import create_app
from domain.models import Category, Complaint
from domain.settings import Settings
from storage.base import Store
from storage.embedded import EmbeddedStore
from tests.conftest import T0, FixedEmbedder, make_post

ROUTES = ("/v1/posts/search", "/v1/stats/province", "/v1/stats/timeline", "/v1/posts/export",
          "/v1/complaints", "/v1/emergences")  # fmt: skip
NASTY = ["\x00", '"', "'", "*", "NEAR(", " OR ", "AND", "(", ")", "^", ":", "-", "😡",
         "\u200b", "\ufeff", "%", "&", "=", "+", "\\", "น้ำ", "ไฟดับ", "\U0001f1f9\U0001f1ed",
         "\ud800"]  # fmt: skip

# Pieces of query text: hostile fragments, any Unicode, or raw bytes (often invalid UTF-8).
_fragment = st.one_of(
    st.sampled_from(NASTY).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.text(max_size=8).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.binary(max_size=8),
)
_text = st.lists(_fragment, max_size=8).map(b"".join)


def _fill(store: Store) -> None:
    posts = [
        make_post("1", "น้ำประปาเค็ม 😡", tokens=["น้ำประปา", "เค็ม", "😡"], province="นนทบุรี",
                  created_at=T0),
        make_post("2", "ไฟดับ หาดใหญ่", tokens=["ไฟดับ", "หาดใหญ่"], province="สงขลา",
                  category=Category.electricity, created_at=T0),
    ]  # fmt: skip
    store.upsert_posts(posts)
    store.save_enrichment(posts, np.eye(2, 4, dtype=np.float32))
    store.upsert_complaints(
        [
            Complaint(
                complaint_id="c1",
                filed_at=T0,
                channel="1111",
                tokens=["น้ำ", "เค็ม"],
                category=Category.water_supply,
                subject="น้ำเค็ม",
            )
        ]
    )


@pytest.fixture(
    params=[
        "embedded",
        pytest.param("elasticsearch", marks=pytest.mark.integration),
    ]
)
def client(request: pytest.FixtureRequest, settings: Settings) -> Iterator[TestClient]:
    if request.param == "embedded":
        store: Store = EmbeddedStore(settings.store.path)
    else:
        store = request.getfixturevalue("es_store")
    _fill(store)
    key = issue_key(store, role="admin", name="properties", rate_per_minute=10_000_000)
    app = create_app(settings, store, embedder=FixedEmbedder(dimension=4))
    with TestClient(app, headers={"X-API-Key": key}, raise_server_exceptions=False) as c:
        yield c


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(route=st.sampled_from(ROUTES), text=_text)
def test_no_query_text_breaks_a_route(client: TestClient, route: str, text: bytes) -> None:
    response = client.get(f"{route}?q={quote_from_bytes(text)}")
    assert response.status_code < 500, (route, text, response.text[:300])
    assert response.status_code in (200, 422), (route, text, response.text[:300])


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    route=st.sampled_from(ROUTES),
    raw=st.lists(
        st.tuples(
            st.sampled_from(
                [
                    b"q",
                    b"province",
                    b"start",
                    b"cursor",
                    b"limit",
                    b"platform",
                    b"sort",
                    b"x",
                    b"",
                    b"q[]",
                ]
            ),
            _text,
        ),
        max_size=5,
    ),
)
def test_no_raw_query_string_gets_a_server_error(
    client: TestClient, route: str, raw: list[tuple[bytes, bytes]]
) -> None:
    query = "&".join(f"{quote_from_bytes(k)}={quote_from_bytes(v)}" for k, v in raw)
    response = client.get(f"{route}?{query}")
    assert response.status_code < 500, (route, query, response.text[:300])
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json"
