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


def test_security_schemes_and_the_errors_each_route_gives_are_documented(
    settings: Settings,
) -> None:
    spec = create_app(settings).openapi()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["APIKeyHeader"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "A Siang API key (`siang keys create`).",
    }
    assert schemes["HTTPBearer"]["scheme"] == "bearer"
    assert "Problem" in spec["components"]["schemas"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            name = f"{method.upper()} {path}"
            errors = {int(s): r for s, r in operation["responses"].items() if s[0] in "45"}
            assert {400, 500} <= set(errors), name
            for status, response in errors.items():
                assert response["content"] == {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                }, (name, status)
            keyed = path.startswith("/v1/") and not path.startswith("/v1/webhooks/")
            assert ("security" in operation) == keyed, name
            if keyed:
                assert {401, 429, 503} <= set(errors), name
                assert operation["security"] == [{"APIKeyHeader": []}, {"HTTPBearer": []}], name
    responses = spec["paths"]["/v1/complaints/{complaint_id}"]["get"]["responses"]
    assert {"403", "404", "422"} <= set(responses)
    assert "403" not in spec["paths"]["/v1/topics"]["get"]["responses"]  # viewers may read
    hook = spec["paths"]["/v1/webhooks/traffy"]["post"]["responses"]
    assert {"401", "413", "422", "429"} <= set(hook)
    assert "409" in spec["paths"]["/v1/alert-rules/{name}"]["put"]["responses"]
