"""Injected dependencies of the API routes (built once in the app's lifespan)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Depends, Query, Request

from domain.models import Category, Platform
from domain.settings import Settings
from enrich.thai_text import ThaiTokenizer, normalize
from storage.base import PostQuery, Store


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_tokenizer(request: Request) -> ThaiTokenizer:
    return request.app.state.tokenizer


def post_filters(
    tokenizer: Annotated[ThaiTokenizer, Depends(get_tokenizer)],
    q: Annotated[
        str | None,
        Query(
            max_length=500,
            description="Thai full text; every word must match.",
            examples=["น้ำประปาเค็ม"],
        ),
    ] = None,
    start: Annotated[
        datetime | None, Query(description="Inclusive, ISO-8601 with timezone.")
    ] = None,
    end: Annotated[datetime | None, Query(description="Exclusive, ISO-8601 with timezone.")] = None,
    platform: Annotated[list[Platform] | None, Query()] = None,
    province: Annotated[str | None, Query(max_length=100, examples=["นนทบุรี"])] = None,
    sentiment: Literal["positive", "neutral", "negative"] | None = None,
    category: Category | None = None,
    topic_id: Annotated[int | None, Query(ge=-1)] = None,
    grievance: bool | None = None,
) -> PostQuery:
    """The filters every post query shares (search, stats, export)."""
    terms = tuple(t.lower() for t in tokenizer.tokenize(normalize(q).text)) if q else ()
    return PostQuery(
        terms=terms,
        start=start,
        end=end,
        platforms=tuple(platform or ()),
        province=province,
        sentiment=sentiment,
        category=category.value if category else None,
        topic_id=topic_id,
        is_grievance=grievance,
    )


StoreDep = Annotated[Store, Depends(get_store)]
PostFilters = Annotated[PostQuery, Depends(post_filters)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
TokenizerDep = Annotated[ThaiTokenizer, Depends(get_tokenizer)]
