"""Install Siang's Elasticsearch index templates (``siang es setup``).

Templates live as JSON under ``index_templates/`` (component first, then composable). The
file names carry the default prefix ``siang``; ``{prefix}`` in index patterns and the
``siang-`` names are rewritten for the configured prefix, and the embedding dimension is
set from the configured embedder. Installing is idempotent: a template whose rendered body
equals what the cluster holds is left alone and reported as unchanged. Fields a template
gained are also mapped on the indices it shaped before (``SetupReport.extended``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from elasticsearch import Elasticsearch, NotFoundError

TEMPLATES = Path(str(files("index_templates")))


# How post vectors are indexed: flat (exact kNN by scanning the filtered vectors; about a
# seventh of the graph's indexing CPU: 2,656 posts/s and kNN p95 20 ms at 100k on one
# 2-core node) or an HNSW graph (approximate kNN that stays fast far past a million posts,
# but 953 posts/s to build here). Measured in bench/es_ingest.
VectorIndex = Literal["hnsw", "flat"]


@dataclass
class SetupReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    extended: list[str] = field(default_factory=list)  # existing indices given new fields


def load_templates(
    *,
    prefix: str = "siang",
    dims: int = 512,
    vector_index: VectorIndex = "flat",
    root: Path = TEMPLATES,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(component templates, composable templates) by name, rendered for ``prefix``/``dims``
    and the posts' vector index (``elasticsearch.vector_index``)."""
    component = {
        _name(p, prefix): _render(p, prefix, dims, vector_index)
        for p in sorted((root / "component").glob("*.json"))
    }
    composable = {
        _name(p, prefix): _render(p, prefix, dims, vector_index)
        for p in sorted((root / "composable").glob("*.json"))
    }
    return component, composable


def _name(path: Path, prefix: str) -> str:
    return path.stem.replace("siang", prefix, 1)


def _render(path: Path, prefix: str, dims: int, vector_index: VectorIndex) -> dict[str, Any]:
    body = json.loads(path.read_text(encoding="utf-8"))
    if "composed_of" in body:
        body["composed_of"] = [n.replace("siang", prefix, 1) for n in body["composed_of"]]
        body["index_patterns"] = [p.format(prefix=prefix) for p in body["index_patterns"]]
        aliases = body.get("template", {}).get("aliases")
        if aliases:
            body["template"]["aliases"] = {a.format(prefix=prefix): v for a, v in aliases.items()}
    properties = body.get("template", {}).get("mappings", {}).get("properties", {})
    if "embedding" in properties:
        properties["embedding"]["dims"] = dims
        if vector_index == "flat" and "index_options" in properties["embedding"]:
            properties["embedding"]["index_options"] = {"type": "flat"}
    return body


def install_templates(
    client: Elasticsearch,
    *,
    prefix: str = "siang",
    dims: int = 512,
    vector_index: VectorIndex = "flat",
) -> SetupReport:
    """Create or update every template; components first so composables can refer to them."""
    component, composable = load_templates(prefix=prefix, dims=dims, vector_index=vector_index)
    report = SetupReport()
    kinds = (
        (
            component,
            client.cluster.get_component_template,
            "component_templates",
            "component_template",
            client.cluster.put_component_template,
        ),
        (
            composable,
            client.indices.get_index_template,
            "index_templates",
            "index_template",
            client.indices.put_index_template,
        ),
    )
    for templates, get, listing, key, put in kinds:
        for name, body in templates.items():
            try:
                current = get(name=name)[listing][0][key]
            except NotFoundError:
                current = None
            if current is not None and _same(current, body):
                report.unchanged.append(name)
                continue
            put(name=name, **body)
            (report.updated if current is not None else report.created).append(name)
    report.extended = _add_new_fields(client, component, composable)
    return report


def _add_new_fields(
    client: Elasticsearch, component: dict[str, Any], composable: dict[str, Any]
) -> list[str]:
    """Map, on indices created before, the fields their templates gained since (a template
    only shapes new indices, and a strict mapping refuses a document with an unmapped
    field). Only new fields are put: changing a mapped one needs a reindex."""
    extended = []
    for body in composable.values():
        wanted: dict[str, Any] = {}
        for part in body["composed_of"]:
            mappings = component[part].get("template", {}).get("mappings", {})
            wanted.update(mappings.get("properties", {}))
        if not wanted:
            continue
        found = client.indices.get_mapping(
            index=",".join(body["index_patterns"]), allow_no_indices=True, ignore_unavailable=True
        )
        for index, mapping in sorted(found.items()):
            have = mapping.get("mappings", {}).get("properties", {})
            new = {name: field for name, field in wanted.items() if name not in have}
            if new:
                client.indices.put_mapping(index=index, properties=new)
                extended.append(index)
    return extended


def _same(current: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """Compare by the version in ``_meta`` plus the rendered body the cluster echoes back."""
    if current.get("_meta") != wanted.get("_meta"):
        return False
    return _normalise(current) == _normalise(wanted)


def _normalise(body: dict[str, Any]) -> str:
    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k not in {"version"}}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return str(value).lower() if isinstance(value, bool | int | float) else value

    return json.dumps(clean(body), sort_keys=True)


__all__ = ["TEMPLATES", "SetupReport", "install_templates", "load_templates"]
