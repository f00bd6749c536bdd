"""Injected dependencies of the API routes (built once in the app's lifespan)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from domain.settings import Settings
from enrich.thai_text import ThaiTokenizer
from storage.base import Store


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_tokenizer(request: Request) -> ThaiTokenizer:
    return request.app.state.tokenizer


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
TokenizerDep = Annotated[ThaiTokenizer, Depends(get_tokenizer)]
