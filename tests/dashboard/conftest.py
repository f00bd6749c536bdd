"""Fixtures of the dashboard tests: the built bundle, the real app on uvicorn, Debian's Chromium.

Chromium is /usr/bin/chromium from Debian (``services/chromium.sh`` installs it); Playwright
drives it through ``executable_path`` and never downloads a browser. A missing browser or a
bundle that does not build is a failure, never a skip.
"""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn

from api.access import issue_key
from api.app import create_app
from api.dashboard import STATIC_DIR
from domain.settings import load_settings
from storage.embedded import EmbeddedStore
from tests.conftest import REPO, FixedEmbedder
from tests.dashboard import dataset

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LOCAL_HOSTS = {"127.0.0.1"}


@pytest.fixture(scope="session")
def dashboard_bundle() -> Path:
    """dashboard/static/, built by dashboard/build.sh (a no-op when it is up to date)."""
    build = subprocess.run(
        ["bash", str(REPO / "dashboard" / "build.sh")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if build.returncode != 0:
        pytest.fail(f"dashboard/build.sh failed:\n{build.stdout}\n{build.stderr}")
    assert (STATIC_DIR / "index.html").is_file()
    return STATIC_DIR


@dataclass
class LiveApp:
    """The real app served by uvicorn on a free port of 127.0.0.1, over the Thai dataset."""

    url: str
    store: EmbeddedStore
    keys: dict[str, str]


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory, dashboard_bundle: Path) -> Iterator[LiveApp]:
    path = tmp_path_factory.mktemp("dashboard") / "siang.db"
    settings = load_settings(store={"backend": "embedded", "path": str(path)})
    store = EmbeddedStore(settings.store.path)
    dataset.fill(store)
    keys = {
        role: issue_key(store, role=role, name=f"dashboard-{role}")  # type: ignore[arg-type]
        for role in ("viewer", "officer")
    }
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, store, embedder=FixedEmbedder(dimension=4)),
            log_level="warning",
            access_log=False,
        )
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start the Siang app")
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    page = httpx.get(f"{url}/dashboard", timeout=10)
    if page.status_code != 200:
        pytest.fail(
            f"GET /dashboard: {page.status_code} (api/app.py must include api.dashboard.router)"
        )
    yield LiveApp(url=url, store=store, keys=keys)
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
    store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: run services/chromium.sh (make test does)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield chromium
        chromium.close()


@dataclass
class BrowserSession:
    """A fresh browser tab (own sessionStorage) that records every request and page error."""

    page: Any
    app: LiveApp
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, fragment: str = "") -> None:
        self.page.goto(f"{self.app.url}/dashboard{fragment}")

    def sign_in(self, role: str = "officer") -> None:
        self.page.fill("#key-input", self.app.keys[role])
        self.page.click("#key-submit")
        self.page.wait_for_selector("#key-view", state="hidden")

    def painted(self, container: str) -> int:
        """How many pixels ECharts painted in the canvas inside ``container``."""
        return int(
            self.page.evaluate(
                """(selector) => {
                  const canvas = document.querySelector(`${selector} canvas`);
                  if (!canvas || !canvas.width || !canvas.height) return 0;
                  const data = canvas.getContext("2d")
                    .getImageData(0, 0, canvas.width, canvas.height).data;
                  let painted = 0;
                  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted += 1;
                  return painted;
                }""",
                container,
            )
        )

    def wait_painted(self, container: str, *, at_least: int = 500) -> int:
        deadline = time.monotonic() + 10
        while (count := self.painted(container)) < at_least:
            if time.monotonic() > deadline:
                raise AssertionError(f"the chart in {container} painted only {count} pixels")
            self.page.wait_for_timeout(50)
        return count

    def outside_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob")
            and urlsplit(url).hostname not in LOCAL_HOSTS
        ]


@pytest.fixture
def session(browser: Any, live_app: LiveApp) -> Iterator[BrowserSession]:
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="th-TH", timezone_id="Asia/Bangkok"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    tab = BrowserSession(page=page, app=live_app)
    page.on("request", lambda request: tab.requests.append(request.url))
    page.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    context.close()
