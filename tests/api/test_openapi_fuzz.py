"""Schemathesis over the OpenAPI document: generated requests never get a 5xx, and every
answer is the one the document promises.

Every operation is called with valid and invalid inputs (an admin key, so access control
lets the requests reach the handlers; the Traffy webhook with its secret), over a small
populated embedded store, one by one and then in stateful chains.
"""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import schemathesis
import schemathesis.core
import schemathesis.engine
import schemathesis.specs
from hypothesis import HealthCheck, settings
from schemathesis.checks import CheckFunction
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from api.access import issue_key
from api.app import create_app
from domain.models import Category, Complaint, PostComplaintLink, Topic
from domain.settings import load_settings
from storage.embedded import EmbeddedStore
from tests.conftest import T0, FixedEmbedder, make_post

pytestmark = pytest.mark.integration


def _import_lazy_checks() -> None:
    """Import the Schemathesis modules its checks import lazily, here at the top of the stack.

    Pytest rewrites a plugin's modules as they are first imported, compiling their source;
    CPython 3.11.7 raises "SystemError: AST constructor recursion depth mismatch" when that
    compile runs deep inside a Hypothesis test (seen in CI on ``object_authorization``).
    Imported now, nothing is compiled inside a test.
    """
    for package in (schemathesis.specs, schemathesis.core, schemathesis.engine):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            with contextlib.suppress(ImportError):
                importlib.import_module(module.name)


_import_lazy_checks()
_SECRET = "fuzz-webhook-secret"
_FOLDER = Path(tempfile.mkdtemp(prefix="siang-fuzz-"))
_SETTINGS = load_settings(
    store={"backend": "embedded", "path": str(_FOLDER / "siang.db")},
    credentials={"traffy_webhook_secret": _SECRET},
    api={"auth_failures_per_minute": 1_000_000},  # Schemathesis sends bad keys on purpose
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
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(_SETTINGS, _STORE, embedder=FixedEmbedder(dimension=4))
)


_HEADERS = {"X-API-Key": _KEY, "X-Webhook-Secret": _SECRET}


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_is_documented_and_none_is_a_server_error(case: schemathesis.Case) -> None:
    """All of Schemathesis' checks: no 5xx, every status and content type documented, and
    every documented body (problem details included) matching its schema."""
    case.call_and_validate(headers=_HEADERS, excluded_checks=_beyond_the_schema(case))


def _beyond_the_schema(case: schemathesis.Case) -> list[CheckFunction]:
    """Checks that cannot hold for this case, and why.

    Where validity cannot be written as JSON Schema, a 4xx for schema-valid input is
    right: an opaque cursor this API did not issue, semantic or hybrid search without the
    text to embed, a province no gazetteer knows, a Traffy body dated in the future or
    naming an unknown ticket, an alert rule whose quiet hours start and end together, a
    timeline whose range holds more buckets than one answer may (hours, or days to a date
    centuries away), a survey CSV (any string to the schema) without one usable answer.
    And a mangled ``Authorization`` header is not a bad request here: the harness also
    sends a valid ``X-API-Key``, and either scheme is enough.
    """
    query = case.query or {}
    excluded: list[CheckFunction] = []
    if (
        "cursor" in query
        or "province" in query  # a place Siang knows, written any way people write it
        or query.get("mode") in ("semantic", "hybrid")
        or (_timeline(case.path) and ("start" in query or "end" in query))
        or case.path.startswith("/v1/webhooks/")
        or case.path == "/v1/surveys"
        or (case.method == "PUT" and case.path.startswith("/v1/alert-rules/"))
    ):
        excluded.append(positive_data_acceptance)
    if "Authorization" in (case.headers or {}):
        excluded.append(negative_data_rejection)
    return excluded


def _timeline(path: str) -> bool:
    """Routes whose answer has every bucket of a range (``api.timelines.every_bucket``)."""
    topic = path.startswith("/v1/topics/") and path.count("/") == 3
    return path == "/v1/stats/timeline" or topic


class _Workflow(schema.as_state_machine()):  # type: ignore[misc]
    """Chains of calls along the links Schemathesis infers (a created rule read back, a
    complaint's posts then a decision on one...), every answer validated."""

    def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, object]:
        return {"headers": _HEADERS}

    def validate_response(
        self,
        response: Response,
        case: schemathesis.Case,
        additional_checks: list[CheckFunction] | None = None,
        **kwargs: Any,
    ) -> None:
        case.validate_response(
            response,
            additional_checks=additional_checks,
            excluded_checks=_beyond_the_schema(case),
            transport_kwargs=kwargs,
        )


TestStatefulWorkflows = _Workflow.TestCase
TestStatefulWorkflows.settings = settings(
    max_examples=30,
    stateful_step_count=5,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
