"""JSON Schema export of the domain model (domain/schema.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from domain.schema import json_schema, write_schema


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def test_schema_has_a_definition_for_every_exported_model() -> None:
    defs = json_schema()["$defs"]
    assert isinstance(defs, dict)
    expected = {"Post", "Complaint", "Topic", "PostComplaintLink", "AlertRule", "Alert"}
    assert expected | {"Enrichment", "QuarantinedRecord"} <= set(defs)
    assert set(defs["Post"]["required"]) == {
        "platform",
        "native_id",
        "text",
        "created_at",
        "collected_at",
    }


def test_every_reference_resolves_inside_the_document() -> None:
    schema = json_schema()
    refs = _refs(schema)
    assert "#/$defs/Category" in refs and "#/$defs/Enrichment" in refs
    assert {ref.removeprefix("#/$defs/") for ref in refs} <= set(schema["$defs"])  # type: ignore[arg-type]


def test_write_schema_round_trips(tmp_path: Path) -> None:
    path = write_schema(tmp_path / "out" / "schema.json")
    assert json.loads(path.read_text(encoding="utf-8")) == json_schema()
