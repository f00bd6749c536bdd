"""Export the domain model as JSON Schema (``siang schema``)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from domain import models

EXPORTED: tuple[type[BaseModel], ...] = (
    models.Post,
    models.Enrichment,
    models.Complaint,
    models.Topic,
    models.PostComplaintLink,
    models.LinkDecision,
    models.AlertRule,
    models.Alert,
    models.QuarantinedRecord,
)


def json_schema() -> dict[str, object]:
    """One document whose ``$defs`` hold every exported model."""
    defs: dict[str, object] = {}
    for model in EXPORTED:
        schema = model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(schema.pop("$defs", {}))
        defs[model.__name__] = schema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Siang domain model",
        "$defs": dict(sorted(defs.items())),
    }


def write_schema(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", "utf-8")
    return path
