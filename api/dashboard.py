"""The dashboard's files: the page at ``/dashboard`` and its bundle at ``/dashboard/assets/``.

The page and its assets hold no data and need no API key; everything the dashboard shows
comes from ``/v1`` with the key the user types in. The files are the bundle that
``dashboard/build.sh`` writes to ``dashboard/static/``; its asset names carry a content hash,
so browsers may keep them for good, while the page itself is always revalidated.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

STATIC_DIR = Path(str(files("dashboard").joinpath("static")))

# The browser may load nothing but this origin's files and call nothing but this origin's
# API. Inline styles stay allowed because ECharts positions its tooltips with them.
_CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
_PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": _CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
_HASHED = re.compile(r"-[A-Z0-9]{8}\.(?:js|css)$")
_FOREVER = "public, max-age=31536000, immutable"


def _file(folder: Path, name: str) -> Path:
    """``folder/name`` if it is a file inside ``folder``; 404 otherwise (no ``..`` escapes)."""
    path = (folder / name).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        raise HTTPException(status_code=404, detail=f"no dashboard file {name!r}")
    return path


def build_router(static_dir: Path = STATIC_DIR) -> APIRouter:
    """Routes serving the bundle in ``static_dir`` (``index.html`` and ``assets/``)."""
    root = static_dir.resolve()
    router = APIRouter(include_in_schema=False)

    @router.get("/dashboard")
    def dashboard_page() -> FileResponse:
        """The single page; it routes between its views with the URL's fragment."""
        index = root / "index.html"
        if not index.is_file():
            raise HTTPException(
                status_code=503,
                detail=f"the dashboard is not built: run dashboard/build.sh (no {index})",
            )
        return FileResponse(index, media_type="text/html; charset=utf-8", headers=_PAGE_HEADERS)

    @router.get("/dashboard/assets/{name:path}")
    def dashboard_asset(name: str) -> FileResponse:
        path = _file(root / "assets", name)
        cache = _FOREVER if _HASHED.search(path.name) else "no-cache"
        return FileResponse(
            path, headers={"Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
        )

    return router


router = build_router()

__all__ = ["STATIC_DIR", "build_router", "router"]
