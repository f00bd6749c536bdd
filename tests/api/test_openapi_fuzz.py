"""Schemathesis over the OpenAPI document: generated requests never get a 5xx.

Every operation is called with valid and invalid inputs (an admin key, so access control
lets the requests reach the handlers; the Traffy webhook with its secret), over a small
populated embedded store. Responses that succeed must match their documented schema.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from api.access import issue_key
from api.app import create_app
from domain.models import Category, Complaint, PostComplaintLink, Topic
from domain.settings import load_settings
from storage.embedded import EmbeddedStore
from tests.conftest import T0, make_post

pytestmark = pytest.mark.integration
_SECRET = "fuzz-webhook-secret"
_FOLDER = Path(tempfile.mkdtemp(prefix="siang-fuzz-"))
_SETTINGS = load_settings(
    store={"backend": "embedded", "path": str(_FOLDER / "siang.db")},
    credentials={"traffy_webhook_secret": _SECRET},
)


def _populated() -> tuple[EmbeddedStore, str]:
    store = EmbeddedStore(_SETTINGS.store.path)
    posts = [
        make_post("1", "น้ำประปาเค็ม บางบัวทอง", province="นนทบุรี", created_at=T0),
        make_post("2", "ไฟดับ หาดใหญ่", province="สงขลา", category=Category.electricity,
                  created_at=T0 + timedelta(hours=2)),
    ]  # fmt: skip
    store.upsert_posts(posts)
    store.save_enrichment(posts, np.eye(2, 4, dtype=np.float32))
    store.assign_topics({"x:1": 0, "x:2": 0})
    store.replace_topics([Topic(topic_id=0, label="น้ำ", keywords=[], size=2, first_seen=T0,
                                last_seen=T0)])  # fmt: skip
    complaint = Complaint(complaint_id="c1", filed_at=T0, channel="1111",
                          category=Category.water_supply, subject="น้ำเค็ม")  # fmt: skip
    store.upsert_complaints([complaint])
    store.replace_links([PostComplaintLink(post_id="x:1", complaint_id="c1", score=0.9,
                                           explanation="same")])  # fmt: skip
    return store, issue_key(store, role="admin", name="fuzz", rate_per_minute=1_000_000)


_STORE, _KEY = _populated()
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(_SETTINGS, _STORE))


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error(case: schemathesis.Case) -> None:
    headers = {"X-API-Key": _KEY, "X-Webhook-Secret": _SECRET}
    response = case.call(headers=headers)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
    if response.status_code < 300 and "json" in response.headers.get("content-type", ""):
        case.validate_response(response)
