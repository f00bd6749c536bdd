"""The OpenAPI document is complete: every operation described, every JSON answer exemplified."""

from __future__ import annotations

from typing import Any

from api.app import create_app
from domain.settings import Settings


def _has_example(schema: Any, components: dict[str, Any], seen: tuple[str, ...] = ()) -> bool:
    if not isinstance(schema, dict):
        return False
    if "example" in schema or "examples" in schema:
        return True
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return name not in seen and _has_example(components[name], components, (*seen, name))
    nested = [*schema.get("properties", {}).values()]
    for key in ("items", "anyOf", "allOf", "oneOf"):
        value = schema.get(key)
        nested += value if isinstance(value, list) else [value] if value else []
    return any(_has_example(s, components, seen) for s in nested)


def test_every_operation_is_described_and_exemplified(settings: Settings) -> None:
    spec = create_app(settings).openapi()
    components = spec["components"]["schemas"]
    missing_text, missing_example = [], []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if not operation.get("description"):
                missing_text.append(f"{method.upper()} {path}")
            answer = operation["responses"].get("200") or operation["responses"].get("201") or {}
            schema = answer.get("content", {}).get("application/json", {}).get("schema")
            if schema and not _has_example(schema, components):
                missing_example.append(f"{method.upper()} {path}")
    assert missing_text == [] and missing_example == []
    assert sum(len(ops) for ops in spec["paths"].values()) >= 23
