"""Index templates: well-formed files, rendering, idempotent install on a real node."""

from __future__ import annotations

import json

import pytest
from elasticsearch import Elasticsearch

from storage.templates import TEMPLATES, install_templates, load_templates


def test_files_are_sorted_json_with_versions_and_known_components() -> None:
    components = {p.stem for p in (TEMPLATES / "component").glob("*.json")}
    composables = sorted((TEMPLATES / "composable").glob("*.json"))
    assert components and composables
    for path in [*(TEMPLATES / "component").glob("*.json"), *composables]:
        text = path.read_text(encoding="utf-8")
        body = json.loads(text)
        assert text == json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n", path
        assert isinstance(body["_meta"]["version"], int), path
    for path in composables:
        for name in json.loads(path.read_text(encoding="utf-8"))["composed_of"]:
            assert name in components, f"{path.name} names unknown component {name}"


def test_rendering_applies_prefix_and_dimension() -> None:
    components, composables = load_templates(prefix="city", dims=384)
    posts = components["city-post-mappings"]["template"]["mappings"]["properties"]
    assert posts["embedding"]["dims"] == 384 and posts["embedding"]["similarity"] == "cosine"
    assert posts["tokens"]["analyzer"] == "whitespace"
    assert posts["location"]["type"] == "geo_point"
    assert composables["city-posts"]["index_patterns"] == ["city-posts-*"]
    assert composables["city-posts"]["template"]["aliases"] == {"city-posts": {}}
    assert composables["city-posts"]["composed_of"] == ["city-settings", "city-post-mappings"]


def test_the_posts_vector_index_is_hnsw_or_flat() -> None:
    hnsw, _ = load_templates(prefix="city", dims=8, vector_index="hnsw")
    flat, _ = load_templates(prefix="city", dims=8)  # the default
    graph = hnsw["city-post-mappings"]["template"]["mappings"]["properties"]["embedding"]
    scan = flat["city-post-mappings"]["template"]["mappings"]["properties"]["embedding"]
    assert graph["index_options"] == {"ef_construction": 100, "m": 16, "type": "hnsw"}
    assert scan["index_options"] == {"type": "flat"} and scan["dims"] == 8
    complaints = flat["city-complaint-mappings"]["template"]["mappings"]["properties"]
    assert "index_options" not in complaints["embedding"]  # only posts are bulk-loaded


@pytest.mark.integration
def test_install_is_idempotent_and_reports_changes(es_client: Elasticsearch) -> None:
    prefix = "tmpl-idem"
    try:
        first = install_templates(es_client, prefix=prefix, dims=8)
        assert first.updated == [] and first.unchanged == []
        assert len(first.created) == 37  # 19 component + 18 composable templates
        second = install_templates(es_client, prefix=prefix, dims=8)
        assert second.created == [] and second.updated == [] and len(second.unchanged) == 37
        third = install_templates(es_client, prefix=prefix, dims=16)
        assert third.updated == [f"{prefix}-complaint-mappings", f"{prefix}-post-mappings"]
    finally:
        for item in es_client.indices.get_index_template(name=f"{prefix}-*")["index_templates"]:
            es_client.indices.delete_index_template(name=item["name"])
        for item in es_client.cluster.get_component_template(name=f"{prefix}-*")[
            "component_templates"
        ]:
            es_client.cluster.delete_component_template(name=item["name"])
