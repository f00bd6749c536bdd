"""The routes that serve the dashboard's files, and the province table behind its map."""

from __future__ import annotations

import csv
import json
import re
import subprocess
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.dashboard import STATIC_DIR, build_router
from domain.settings import Settings
from tests.conftest import REPO

PROVINCES = REPO / "dashboard" / "web" / "provinces.json"
HASHED_JS = "app-AB12CD34.js"


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A stand-in for dashboard/static/ as build.sh lays it out."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(
        f'<!doctype html><html lang="th"><title>เสียง</title>'
        f'<script type="module" src="/dashboard/assets/{HASHED_JS}"></script></html>',
        encoding="utf-8",
    )
    (tmp_path / "assets" / HASHED_JS).write_text("console.log('เสียง');", encoding="utf-8")
    (tmp_path / "assets" / "THIRD-PARTY-LICENSES.txt").write_text("echarts (Apache-2.0)\n")
    (tmp_path / "secret.txt").write_text("outside the assets folder\n")
    return tmp_path


def _client(static_dir: Path) -> TestClient:
    app = FastAPI()
    app.include_router(build_router(static_dir))
    return TestClient(app)


def test_the_page_needs_no_key_and_may_load_only_this_origin(bundle: Path) -> None:
    page = _client(bundle).get("/dashboard")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "เสียง" in page.text
    assert page.headers["cache-control"] == "no-cache"
    csp = page.headers["content-security-policy"]
    for directive in ("default-src 'none'", "script-src 'self'", "connect-src 'self'"):
        assert directive in csp
    assert _client(bundle).get("/dashboard/", follow_redirects=True).text == page.text


def test_hashed_assets_are_cached_for_good_and_others_revalidated(bundle: Path) -> None:
    client = _client(bundle)
    script = client.get(f"/dashboard/assets/{HASHED_JS}")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert script.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert script.text == "console.log('เสียง');"
    licences = client.get("/dashboard/assets/THIRD-PARTY-LICENSES.txt")
    assert licences.status_code == 200 and licences.headers["cache-control"] == "no-cache"
    assert client.get("/dashboard/assets/missing.js").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/dashboard/assets/..%2Fsecret.txt", "/dashboard/assets/..%2F..%2Fpyproject.toml"],
)
def test_nothing_outside_the_assets_folder_is_served(bundle: Path, path: str) -> None:
    response = _client(bundle).get(path)
    assert response.status_code == 404
    assert "outside" not in response.text


def test_an_unbuilt_dashboard_says_how_to_build_it(tmp_path: Path) -> None:
    response = _client(tmp_path / "static").get("/dashboard")
    assert response.status_code == 503
    assert "dashboard/build.sh" in response.json()["detail"]


def test_the_app_serves_the_dashboard(settings: Settings) -> None:
    # 503 when dashboard/static/ is not built yet; 404 would mean the router is missing.
    response = TestClient(create_app(settings)).get("/dashboard")
    assert response.status_code in (200, 503), "api/app.py must include api.dashboard.router"


def test_the_map_names_every_province_as_the_api_does() -> None:
    table = json.loads(PROVINCES.read_text(encoding="utf-8"))
    with (REPO / "enrich" / "data" / "centroids.csv").open(encoding="utf-8") as handle:
        official = {row["province"] for row in csv.DictReader(handle) if row["level"] == "province"}
    thai = [entry["th"] for entry in table.values()]
    english = [entry["en"] for entry in table.values()]
    assert len(official) == 77
    assert sorted(thai) == sorted(official)
    assert len(set(english)) == 77 and all(re.fullmatch(r"[A-Za-z .-]+", e) for e in english)


@pytest.mark.integration
def test_the_table_matches_the_map_package(dashboard_bundle: Path) -> None:
    package = REPO / "dashboard" / "node_modules" / "@svg-maps" / "thailand"
    regions = re.findall(r'"id":"([a-z]+)"', (package / "index.js").read_text(encoding="utf-8"))
    table = json.loads(PROVINCES.read_text(encoding="utf-8"))
    assert set(table) <= set(regions)
    assert set(regions) - set(table) == {"lksg"}  # Lake Songkhla: water, not a province
    licence = json.loads((package / "package.json").read_text(encoding="utf-8"))["license"]
    assert licence == "CC-BY-4.0"


@pytest.mark.integration
def test_the_build_is_skipped_when_the_bundle_is_up_to_date(dashboard_bundle: Path) -> None:
    assert dashboard_bundle == STATIC_DIR
    index = STATIC_DIR / "index.html"
    before = index.stat().st_mtime_ns
    again = subprocess.run(
        ["bash", str(REPO / "dashboard" / "build.sh")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert again.stderr == "" and index.stat().st_mtime_ns == before
    html = index.read_text(encoding="utf-8")
    assets = re.findall(r'/dashboard/assets/(app-[A-Z0-9]{8}\.(?:js|css))"', html)
    assert len(assets) == 2 and all((STATIC_DIR / "assets" / a).is_file() for a in assets)
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)  # nothing from the internet


WEB = REPO / "dashboard" / "web"


def _messages(lang: str) -> dict[str, str]:
    script = "import(process.argv[1]).then(m => console.log(JSON.stringify(m.default)))"
    found = subprocess.run(
        ["node", "--input-type=module", "-e", script, str(WEB / "messages" / f"{lang}.js")],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return dict(json.loads(found.stdout))


def test_every_label_exists_in_thai_and_english() -> None:
    thai, english = _messages("th"), _messages("en")
    assert sorted(thai) == sorted(english)
    assert all(v.strip() for v in [*thai.values(), *english.values()])
    html = (WEB / "index.html").read_text(encoding="utf-8")
    used = set(re.findall(r'data-i18n(?:-[a-z]+)?="([^"]+)"', html))
    for script in [*WEB.glob("*.js"), *WEB.glob("views/*.js")]:
        # Literal keys only; keys built at run time (`alert.reason.${kind}`) are term()'s.
        code = re.sub(r"^\s*//.*$", "", script.read_text(encoding="utf-8"), flags=re.M)
        used |= set(re.findall(r'\bt\("([^"]+)"', code))
    assert len(used) > 100
    assert sorted(used - set(thai)) == []
