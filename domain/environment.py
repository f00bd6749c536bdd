"""The environment variables a deployer sets, as a Markdown table built from ``Settings``.

``siang config --environment`` prints it and the README carries it between
``<!-- environment:start -->`` and ``<!-- environment:end -->``; a test holds the two equal,
so the table cannot drift from the settings model.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, SecretStr

from domain.settings import Settings

# The sections a deployment sets; the rest (sources, keywords, thresholds) belong in YAML.
DEPLOYER_SECTIONS = ("store", "elasticsearch", "privacy", "credentials", "smtp", "api", "collect")


def environment_table() -> str:
    rows = [
        ("SIANG_CONFIG", "path", "config/siang.yaml", "Another YAML file to read."),
        ("SIANG_ENVIRONMENT", "development or production", "development",
         "production refuses unsafe defaults (the development pseudonym key)."),
    ]  # fmt: skip
    defaults = Settings.model_construct()
    for section in DEPLOYER_SECTIONS:
        model = type(getattr(defaults, section))
        rows += _rows(model, f"SIANG_{section.upper()}__")
    lines = ["| variable | type | default | meaning |", "|---|---|---|---|"]
    lines += [
        f"| `{name}` | {kind} | {default} | {meaning} |" for name, kind, default, meaning in rows
    ]
    return "\n".join(lines) + "\n"


def _rows(model: type[BaseModel], prefix: str) -> list[tuple[str, str, str, str]]:
    rows = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            rows += _rows(annotation, f"{prefix}{name.upper()}__")
            continue
        rows.append(
            (
                f"{prefix}{name.upper()}",
                _kind(annotation),
                _default(field.get_default(call_default_factory=True)),
                (field.description or "").replace("|", "/"),
            )
        )
    return rows


def _kind(annotation: Any) -> str:
    text = str(annotation).replace("typing.", "").replace("pathlib.", "")
    text = text.replace("pydantic.types.", "").replace("<class '", "").replace("'>", "")
    return text.replace("|", "or")


def _default(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, SecretStr):
        return "(secret: set it)"
    return f"`{value}`"


__all__ = ["DEPLOYER_SECTIONS", "environment_table"]
