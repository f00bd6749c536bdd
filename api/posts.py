"""Posts: search (lexical, semantic, hybrid), posts like one, export, one post.

The export route comes before ``/posts/{post_id}`` so that ``export`` is never read as an id.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from api.access import Analyst, Viewer
from api.deps import CursorsDep, ModelsDep, PostFilters, SearchText, SettingsDep, StoreDep
from api.models import PostPublic, SearchResponse
from domain.errors import NotFoundError
from domain.models import Post
from storage import hybrid
from storage.base import Page
from storage.fulltext import matched_words
from storage.hybrid import SearchMode

router = APIRouter(prefix="/v1")


_EXPORT_COLUMNS = (
    "id", "platform", "url", "author", "text", "created_at", "created_at_bangkok", "sentiment",
    "category", "is_grievance", "province", "district", "topic_id",
)  # fmt: skip


@router.get("/posts/search", response_model=SearchResponse, tags=["posts"])
def search_posts(
    store: StoreDep,
    caller: Viewer,
    query: PostFilters,
    text: SearchText,
    settings: SettingsDep,
    models: ModelsDep,
    cursors: CursorsDep,
    mode: Annotated[
        SearchMode,
        Query(
            description="lexical: BM25 over the words of `q`; semantic: posts nearest to "
            "what `q` means (its embedding); hybrid: both, fused by reciprocal rank."
        ),
    ] = "lexical",
    sort: Literal["relevance", "newest", "oldest"] = "relevance",
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    cursor: Annotated[
        str | None,
        Query(
            max_length=4000,
            description="`next_cursor` of the previous page (replaces offset); on "
            "Elasticsearch it pages past 10,000 hits in a point in time.",
        ),
    ] = None,
) -> SearchResponse:
    """Search posts by Thai words or meaning, with filters (time range, platform, place,
    sentiment, category, topic, grievance).

    Page with ``next_cursor``: it carries the position and is bound to this query, mode
    and sort. Semantic and hybrid search need `q`, rank by relevance only and reach
    ``api.semantic_depth`` hits.
    """
    binding = f"{mode}:{sort}"
    resume = None
    if cursor is not None:
        offset, resume = cursors.read(cursor, query, binding)
    page = Page(limit=limit, offset=offset, sort=sort, resume=resume)
    if mode == "lexical":
        result = hybrid.search(store, query, page)
        reach = result.total
    else:
        vector = models.query_vector(text, mode)
        depth = settings.api.semantic_depth
        result = hybrid.search(store, query, page, mode=mode, vector=vector, depth=depth)
        reach = min(result.total, depth)
    shown = text if mode != "semantic" else None
    hits = [
        PostPublic.of(p, s, matched=matched_words(p.text, query.terms) if shown else None)
        for p, s in zip(result.posts, result.scores, strict=True)
    ]
    following = offset + len(hits)
    return SearchResponse(
        total=result.total,
        limit=limit,
        offset=offset,
        hits=hits,
        next_cursor=cursors.make(following, query, binding, result.resume)
        if hits and following < reach
        else None,
    )


@router.get("/posts/{post_id}/similar", response_model=SearchResponse, tags=["posts"])
def similar_posts(
    post_id: str,
    store: StoreDep,
    caller: Viewer,
    query: PostFilters,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> SearchResponse:
    """Posts like this one (nearest by embedding), with every filter of a search; the
    post itself is left out. 404 when the post is unknown or not yet enriched."""
    depth = settings.api.semantic_depth
    result = hybrid.similar(store, post_id, query, Page(limit=limit, offset=offset), depth=depth)
    if result is None:
        raise NotFoundError("post with a vector", post_id)
    hits = [PostPublic.of(p, s) for p, s in zip(result.posts, result.scores, strict=True)]
    return SearchResponse(total=result.total, limit=limit, offset=offset, hits=hits)


@router.get(
    "/posts/export",
    tags=["posts"],
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}, "application/x-ndjson": {}}}},
)
def export_posts(
    store: StoreDep,
    query: PostFilters,
    text: SearchText,
    models: ModelsDep,
    settings: SettingsDep,
    caller: Analyst,
    format: Literal["csv", "jsonl"] = "csv",
    mode: Annotated[
        SearchMode,
        Query(
            description="lexical: every post matching the filters and words, by post id; "
            "semantic or hybrid: the search's hits in rank order, up to api.semantic_depth."
        ),
    ] = "lexical",
    limit: Annotated[int, Query(ge=1, le=1_000_000)] = 100_000,
) -> StreamingResponse:
    """Any post search as CSV (UTF-8 with BOM, opens in Excel) or JSON lines.

    CSV cells that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``,
    ``@``, tab or carriage return) are prefixed with ``'`` (OWASP's CSV injection rule).
    """
    posts: Iterator[Post]
    if mode == "lexical":
        posts = store.iter_posts(query)
    else:
        depth = min(settings.api.semantic_depth, limit)
        found = hybrid.search(
            store, query, Page(limit=depth), mode=mode, vector=models.query_vector(text, mode),
            depth=depth,
        )  # fmt: skip
        posts = iter(found.posts)
    # Read the first post before answering: a failing query is an error response, not a
    # 200 followed by a broken stream.
    first = list(itertools.islice(posts, 1))
    rows = (PostPublic.of(p) for p in itertools.islice(itertools.chain(first, posts), limit))
    if format == "jsonl":
        body: Iterator[str] = (json.dumps(r.model_dump(mode="json"), ensure_ascii=False) + "\n"
                               for r in rows)  # fmt: skip
        media, suffix = "application/x-ndjson", "jsonl"
    else:
        body, media, suffix = _csv(rows), "text/csv; charset=utf-8", "csv"
    headers = {"Content-Disposition": f'attachment; filename="siang-posts.{suffix}"'}
    return StreamingResponse(body, media_type=media, headers=headers)


def _csv(rows: Iterator[PostPublic]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_EXPORT_COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        data = row.model_dump(mode="json")
        writer.writerow([_cell(data.get(c)) for c in _EXPORT_COLUMNS])
        yield buffer.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """A CSV cell no spreadsheet runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


@router.get("/posts/{post_id}", response_model=PostPublic, tags=["posts"])
def get_post(post_id: str, store: StoreDep, caller: Viewer) -> PostPublic:
    """One post as stored: PII redacted, author pseudonymised, with its enrichment."""
    post = store.get_post(post_id)
    if post is None:
        raise NotFoundError("post", post_id)
    return PostPublic.of(post)


__all__ = ["router"]
