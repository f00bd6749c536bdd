"""Fixtures of the dashboard tests: the built bundle, the real app on uvicorn, Debian's Chromium.

Chromium is /usr/bin/chromium from Debian (``services/chromium.sh`` installs it); Playwright
drives it through ``executable_path`` and never downloads a browser. A missing browser or a
bundle that does not build is a failure, never a skip. One browser serves the whole run; each
test module gets its own app and store (tests decide links), each test its own tab.

A ``BrowserSession`` also checks what users notice beyond the data: accessibility with
axe-core (``axe``), Thai and emoji drawn as glyphs rather than empty boxes
(``glyphs_render``), and keyboard reach with a visible focus ring (``tab_through``).
"""

from __future__ import annotations

import socket
import struct
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
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
from domain.settings import Settings, load_settings
from storage.base import Store
from storage.embedded import EmbeddedStore
from tests.conftest import REPO, FixedEmbedder
from tests.dashboard import dataset

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LOCAL_HOSTS = {"127.0.0.1"}
AXE = REPO / "dashboard" / "node_modules" / "axe-core" / "axe.min.js"
ROLES = ("viewer", "analyst", "officer", "admin")
# The WCAG 2 level A and AA rules of axe-core (2.0, 2.1 and 2.2).
WCAG_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
BANGKOK = "Asia/Bangkok"


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
def fill_store() -> Callable[[Store, Settings], None]:
    """What ``live_app`` writes into its store: the Thai dataset. A test module may override
    this fixture to add data of its own (``test_campaigns_view`` adds campaigns)."""
    return dataset.fill


@pytest.fixture(scope="module")
def live_app(
    tmp_path_factory: pytest.TempPathFactory,
    dashboard_bundle: Path,
    fill_store: Callable[[Store, Settings], None],
) -> Iterator[LiveApp]:
    path = tmp_path_factory.mktemp("dashboard") / "siang.db"
    settings = load_settings(store={"backend": "embedded", "path": str(path)})
    store = EmbeddedStore(settings.store.path)
    fill_store(store, settings)
    keys = {
        role: issue_key(store, role=role, name=f"dashboard-{role}")  # type: ignore[arg-type]
        for role in ROLES
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


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: run services/chromium.sh (make test does)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield chromium
        chromium.close()


@dataclass(frozen=True)
class AxeViolation:
    """One axe-core rule the page breaks, and where (CSS selectors of the offending nodes)."""

    id: str
    impact: str | None
    help: str
    targets: list[str]

    def __str__(self) -> str:
        return f"{self.id} ({self.impact}): {self.help} at {', '.join(self.targets)}"


@dataclass(frozen=True)
class GlyphCheck:
    """How each character of a text is drawn in an element's font stack.

    True when every character is a real glyph: ink on the canvas that differs from the
    missing-glyph box (the rendering of code points no font has) and from the other
    characters of the text. ``missing`` lists those drawn as boxes or as nothing,
    ``alike`` groups of different characters drawn pixel for pixel the same (a font that
    draws one box per script, like Last Resort, would otherwise pass).
    """

    text: str
    font: str
    missing: list[str]
    alike: list[str]

    def __bool__(self) -> bool:
        return not self.missing and not self.alike


@dataclass(frozen=True)
class Focused:
    """The element that had the focus after one Tab press."""

    tag: str
    id: str
    text: str  # its accessible text: aria-label, label, or its own text (first 60 chars)
    path: str  # a CSS path that names it in the page, as ``controls`` gives it
    ring: bool  # a visible focus indicator: an outline or a box-shadow drawn when focused
    visible: bool  # on screen with a size

    def __str__(self) -> str:
        return f"<{self.tag}#{self.id}> {self.text!r} at {self.path}"


_DESCRIBE = """
  window.__siangDescribe = (el) => {
    const path = (node) => {
      const parts = [];
      while (node && node.nodeType === 1 && node !== document.documentElement) {
        if (node.id) { parts.unshift(`#${CSS.escape(node.id)}`); break; }
        const same = [...node.parentElement.children].filter((c) => c.tagName === node.tagName);
        const tag = node.tagName.toLowerCase();
        parts.unshift(same.length > 1 ? `${tag}:nth-of-type(${same.indexOf(node) + 1})` : tag);
        node = node.parentElement;
      }
      return parts.join(" > ");
    };
    const labelText = (node) => {
      if (!node.labels || !node.labels[0]) return "";
      const label = node.labels[0].cloneNode(true);
      label.querySelectorAll("select, input, textarea").forEach((c) => c.remove());
      return label.textContent;
    };
    const label = (node) => {
      const named = node.getAttribute("aria-label") || labelText(node).trim() ||
        node.innerText || node.value || node.getAttribute("title") || "";
      return named.replace(/\\s+/g, " ").trim().slice(0, 60);
    };
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0 &&
      !/rgba\\(.*,\\s*0\\)$/.test(style.outlineColor) && style.outlineColor !== "transparent";
    const shadow = style.boxShadow !== "none";
    const rect = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(), id: el.id || "", text: label(el), path: path(el),
      ring: el === document.activeElement ? outline || shadow : false,
      visible: rect.width > 0 && rect.height > 0 && style.visibility !== "hidden",
    };
  };
"""

_GLYPHS = """([text, selector]) => {
  const el = selector ? document.querySelector(selector) : document.body;
  if (!el) throw new Error(`no element matches ${selector}`);
  const style = getComputedStyle(el);
  const font = `${style.fontStyle} ${style.fontWeight} 40px ${style.fontFamily}`;
  const draw = (chars) => {
    const canvas = document.createElement("canvas");
    canvas.width = 120; canvas.height = 80;
    const ctx = canvas.getContext("2d");
    ctx.font = font;
    ctx.textBaseline = "alphabetic";
    ctx.fillStyle = "#000";
    ctx.fillText(chars, 20, 56);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let ink = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink += 1;
    return { key: canvas.toDataURL(), ink, width: ctx.measureText(chars).width };
  };
  // Code points no font has: unassigned (U+0378), private use (U+E000, U+10FFFD), and the
  // last code point (U+10FFFF). Whatever box the stack draws for them is the "tofu".
  const tofu = new Set(["\\u0378", "\\uE000", "\\u{10FFFD}", "\\u{10FFFF}"]
    .map((c) => draw(c).key));
  // Characters that are not drawn on their own: spaces, joiners, variation selectors.
  const silent = /^[\\s\\u200B-\\u200D\\u2060\\uFE00-\\uFE0F]$/u;
  const chars = [...new Set([...text].filter((c) => !silent.test(c)))];
  const missing = [];
  const byKey = new Map();
  for (const c of chars) {
    const glyph = draw(c);
    if (glyph.ink === 0 || tofu.has(glyph.key)) missing.push(c);
    else byKey.set(glyph.key, [...(byKey.get(glyph.key) || []), c]);
  }
  const alike = [...byKey.values()].filter((group) => group.length > 1).map((g) => g.join(""));
  return { font, missing, alike };
}"""


@dataclass
class BrowserSession:
    """A fresh browser tab (own sessionStorage) that records every request and page error."""

    page: Any
    app: LiveApp
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    in_flight: set[Any] = field(default_factory=set)

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

    def settle(self, *, quiet_ms: int = 150, timeout: float = 10) -> None:
        """Wait until no request has been in flight for ``quiet_ms`` (Playwright's
        "networkidle" waits 500 ms, too long to pay on every view)."""
        deadline = time.monotonic() + timeout
        quiet_since: float | None = None
        while True:
            now = time.monotonic()
            if self.in_flight:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= quiet_ms / 1000:
                return
            if now > deadline:
                urls = sorted(r.url for r in self.in_flight)
                raise AssertionError(f"requests still in flight after {timeout} s: {urls}")
            self.page.wait_for_timeout(25)

    def screenshot(self, name: str) -> Path:
        """A full-page PNG in tests/dashboard/artifacts/ (not committed)."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def axe(self, selector: str | None = None) -> list[AxeViolation]:
        """The WCAG 2 A and AA rules axe-core finds broken in the page (or in ``selector``).

        axe-core is evaluated through the DevTools protocol, which the page's
        Content-Security-Policy does not govern, so the page is tested as it is served.
        """
        if not AXE.is_file():
            pytest.fail(f"{AXE} is missing: run dashboard/build.sh (npm ci)")
        if not self.page.evaluate("typeof window.axe === 'object'"):
            self.page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
        found = self.page.evaluate(
            """async ([selector, tags]) => {
              const result = await axe.run(selector ? document.querySelector(selector) : document,
                { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
              return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map((n) => n.target.join(" ")),
              }));
            }""",
            [selector, list(WCAG_AA)],
        )
        return [AxeViolation(**v) for v in found]

    def glyphs_render(self, text: str, selector: str | None = None) -> GlyphCheck:
        """Whether every character of ``text`` is drawn as a glyph of its own in the font
        stack of ``selector`` (the body when None), not as the missing-glyph box."""
        found = self.page.evaluate(_GLYPHS, [text, selector])
        return GlyphCheck(text=text, **found)

    def controls(self, selector: str = "body") -> list[Focused]:
        """Every control a keyboard user should reach in ``selector``: visible links,
        buttons, fields and other elements in the tab order, none disabled."""
        self._describer()
        found = self.page.evaluate(
            """(selector) => {
              const root = document.querySelector(selector);
              if (!root) throw new Error(`no element matches ${selector}`);
              // A radio group is one Tab stop (arrows move inside it): its checked
              // button, or its first when none is checked.
              const radioStop = (radio) => {
                const group = [...(radio.form || document).querySelectorAll(
                  `input[type=radio][name="${CSS.escape(radio.name)}"]`)];
                return group.find((r) => r.checked) || group[0];
              };
              const focusable = "a[href], button, input, select, textarea, summary, " +
                "[tabindex], [contenteditable=true]";
              return [...root.querySelectorAll(focusable)]
                .filter((el) => !el.disabled && el.tabIndex >= 0 && el.type !== "hidden")
                .filter((el) => el.type !== "radio" || el === radioStop(el))
                .filter((el) => el.checkVisibility({ checkOpacity: true,
                                                     checkVisibilityCSS: true }))
                .map((el) => window.__siangDescribe(el));
            }""",
            selector,
        )
        return [Focused(**c) for c in found]

    def tab_through(self, n: int) -> list[Focused]:
        """Press Tab ``n`` times; the element focused after each press, in order."""
        self._describer()
        focused = []
        for _ in range(n):
            self.page.keyboard.press("Tab")
            found = self.page.evaluate("() => window.__siangDescribe(document.activeElement)")
            focused.append(Focused(**found))
        return focused

    def _describer(self) -> None:
        if not self.page.evaluate("typeof window.__siangDescribe === 'function'"):
            self.page.evaluate(_DESCRIBE + "\n;0")


@contextmanager
def open_tab(
    browser: Any,
    app: LiveApp,
    *,
    viewport: dict[str, int] = DESKTOP,
    timezone: str = BANGKOK,
    locale: str = "th-TH",
) -> Iterator[BrowserSession]:
    """A new browser context and tab over ``app``, closed on leaving."""
    context = browser.new_context(viewport=viewport, locale=locale, timezone_id=timezone)
    page = context.new_page()
    page.set_default_timeout(10_000)
    tab = BrowserSession(page=page, app=app)
    page.on("request", lambda request: tab.requests.append(request.url))
    page.on("request", lambda request: tab.in_flight.add(request))
    page.on("requestfinished", lambda request: tab.in_flight.discard(request))
    page.on("requestfailed", lambda request: tab.in_flight.discard(request))
    page.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    try:
        yield tab
    finally:
        context.close()


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG file, from its header."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


@pytest.fixture
def session(browser: Any, live_app: LiveApp) -> Iterator[BrowserSession]:
    """A desktop tab (1440x900), Thai locale, in Bangkok."""
    with open_tab(browser, live_app) as tab:
        yield tab


@pytest.fixture
def console(session: BrowserSession) -> list[Any]:
    """The browser console's errors in ``session``'s tab, from its first page on."""
    found: list[Any] = []
    session.page.on("console", lambda m: found.append(m) if m.type == "error" else None)
    return found


def assert_clean(session: BrowserSession, console: list[Any]) -> None:
    """No page error, no console error (a failed call included), no call outside."""
    assert session.errors == [], f"the page raised: {session.errors}"
    found = [f"{m.text} at {m.location.get('url')}" for m in console]
    assert found == [], f"the console has errors: {found}"
    assert session.outside_requests() == [], "the page called outside 127.0.0.1"


@pytest.fixture
def phone_session(browser: Any, live_app: LiveApp) -> Iterator[BrowserSession]:
    """A phone-sized tab (390x844), Thai locale, in Bangkok."""
    with open_tab(browser, live_app, viewport=PHONE) as tab:
        yield tab


@pytest.fixture
def session_in_zone(browser: Any, live_app: LiveApp) -> Iterator[Callable[[str], BrowserSession]]:
    """Opens a desktop tab whose browser runs in another time zone: ``session_in_zone(
    "America/New_York")``; the dashboard must still show Bangkok times. Closed after the test."""
    with ExitStack() as stack:
        yield lambda zone: stack.enter_context(open_tab(browser, live_app, timezone=zone))
