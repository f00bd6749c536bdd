"""Injected dependencies of the API routes (built once in the app's lifespan)."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import json
import logging
import threading
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import Depends, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, BeforeValidator

from api.problems import CursorError
from domain.errors import EnrichError
from domain.models import BANGKOK_TZ, Category, Platform
from domain.settings import Settings
from enrich.embeddings import Embedder
from enrich.gazetteer import Gazetteer
from enrich.service import custom_words
from enrich.thai_text import ThaiTokenizer, normalize
from storage.base import PostQuery, Store

log = logging.getLogger(__name__)


def _iso_only(value: object) -> object:
    """Refuse bare numbers, in any notation (``0.5``, ``1.2e-125``, ``inf``): pydantic would
    read them as a Unix time, the document says ISO-8601."""
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return value
        raise ValueError("must be an ISO-8601 date and time, such as 2026-11-08T09:00:00+07:00")
    return value


_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def _aware_and_in_range(value: datetime) -> datetime:
    """Without a zone: Asia/Bangkok. Clamped to 1970–2200, so date arithmetic on it (a
    window before it, a day after it) can never overflow."""
    aware = value.replace(tzinfo=BANGKOK_TZ) if value.tzinfo is None else value
    return min(max(aware, _EARLIEST), _LATEST)


# A date and time in a query: ISO-8601 only (with a zone; without one, Asia/Bangkok).
IsoDatetime = Annotated[datetime, BeforeValidator(_iso_only), AfterValidator(_aware_and_in_range)]


class LoadedModels:
    """The API's models, each loaded once per process.

    The tokenizer is built at once. The embedder (about a second and 100 MB) loads in a
    background thread when the app starts (``api.load_models_at_startup``), so liveness
    answers meanwhile and readiness waits for it; otherwise on first use. Either way one
    lock guards the load, so concurrent first calls load it once.
    """

    def __init__(self, settings: Settings, *, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.gazetteer = Gazetteer(settings.place_aliases, landmarks=settings.landmarks)
        words = custom_words(settings, self.gazetteer)
        self.tokenizer = ThaiTokenizer(words, engine=settings.models.tokenizer)
        self._embedder = embedder
        self._error: Exception | None = None
        self._lock = threading.Lock()
        self._loaded = threading.Event()
        if embedder is not None:
            self._loaded.set()

    def start(self) -> None:
        """Begin loading the embedder in the background (when configured to)."""
        if self.settings.api.load_models_at_startup and not self._loaded.is_set():
            threading.Thread(target=self._load, name="siang-model-load", daemon=True).start()

    @property
    def ready(self) -> bool:
        """Loaded, or configured to load on first use (then nothing waits for it)."""
        if self._error is not None:
            return False
        return self._loaded.is_set() or not self.settings.api.load_models_at_startup

    @property
    def status(self) -> str:
        if self._error is not None:
            return f"failed: {self._error}"
        if self._loaded.is_set():
            return "loaded"
        return "loading" if self.settings.api.load_models_at_startup else "loads on first use"

    def embedder(self, *, timeout: float = 120.0) -> Embedder:
        """The embedder, loading it here if nobody has (blocking: call from a thread)."""
        if not self._loaded.is_set():
            self._load()
        if not self._loaded.wait(timeout):
            raise EnrichError("the embedding model is still loading; try again shortly")
        if self._embedder is None:
            raise EnrichError(f"the embedding model failed to load: {self._error}")
        return self._embedder

    def query_vector(self, text: str | None, mode: str) -> np.ndarray:
        """The embedding of a search's text (semantic and hybrid search need one: 422)."""
        if not text or not text.strip():
            raise HTTPException(422, f"q: {mode} search needs the text to look for")
        clipped = normalize(text).text[: self.settings.models.max_text_chars]
        return self.embedder().encode([clipped])[0]

    def _load(self) -> None:
        from enrich.embeddings import build_embedder

        with self._lock:
            if self._loaded.is_set():
                return
            try:
                embedder = build_embedder(self.settings.models.embedder)
                embedder.encode(["สวัสดี"])  # the first call builds the graph: pay it now
                self._embedder = embedder
            except Exception as exc:  # any failure is reported by readiness, not raised here
                log.error("loading the embedding model failed: %s", exc)
                self._error = exc
            finally:
                self._loaded.set()


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_models(request: Request) -> LoadedModels:
    return request.app.state.models


def get_tokenizer(request: Request) -> ThaiTokenizer:
    return request.app.state.models.tokenizer


def search_text(
    q: Annotated[
        str | None,
        Query(
            max_length=500,
            description="Thai text. Lexical search: every word must match; semantic and "
            "hybrid search: what the posts should mean.",
            examples=["น้ำประปาเค็ม"],
        ),
    ] = None,
) -> str | None:
    return q


def province_filter(
    request: Request,
    province: Annotated[
        str | None,
        Query(
            max_length=100,
            description="A province as people write it: official name, nickname or short "
            "form (โคราช, กทม., อุบลฯ, Khon Kaen); an unknown one is a 422.",
            examples=["นนทบุรี"],
        ),
    ] = None,
) -> str | None:
    """The official name of the province asked for; 422 when it names none."""
    if province is None or not province.strip():
        return None
    return official_province(request, province)


def official_province(request: Request, province: str) -> str:
    """The official name of ``province`` as written (a 422 naming it when it names none)."""
    official = request.app.state.models.gazetteer.province_named(province)
    if official is None:
        raise RequestValidationError(
            [{"loc": ("query", "province"), "msg": f"{province!r} is not a Thai province "
              "or a nickname Siang knows", "type": "value_error"}]
        )  # fmt: skip
    return str(official)


ProvinceFilter = Annotated[str | None, Depends(province_filter)]


def post_scope(
    province: ProvinceFilter,
    start: Annotated[
        IsoDatetime | None, Query(description="Inclusive, ISO-8601 with timezone.")
    ] = None,
    end: Annotated[
        IsoDatetime | None, Query(description="Exclusive, ISO-8601 with timezone.")
    ] = None,
    platform: Annotated[list[Platform] | None, Query()] = None,
    sentiment: Literal["positive", "neutral", "negative"] | None = None,
    category: Category | None = None,
    grievance: bool | None = None,
) -> PostQuery:
    """Which posts count: time, platform, place, sentiment, category, grievance."""
    return PostQuery(
        start=start,
        end=end,
        platforms=tuple(platform or ()),
        province=province,
        sentiment=sentiment,
        category=category.value if category else None,
        is_grievance=grievance,
    )


def post_filters(
    tokenizer: Annotated[ThaiTokenizer, Depends(get_tokenizer)],
    scope: Annotated[PostQuery, Depends(post_scope)],
    q: Annotated[str | None, Depends(search_text)] = None,
    topic_id: Annotated[int | None, Query(ge=-1, le=2**31 - 1)] = None,
) -> PostQuery:
    """The filters every post query shares (search, stats, export): the scope, the words
    of ``q`` and a topic."""
    terms = tuple(t.lower() for t in tokenizer.tokenize(normalize(q).text)) if q else ()
    return dataclasses.replace(scope, terms=terms, topic_id=topic_id)


def _query_digest(query: PostQuery, sort: str) -> str:
    return hashlib.sha256(repr((query, sort)).encode()).hexdigest()[:16]


class Cursors:
    """Signed page cursors: the position (an offset, or a store's ``resume`` point such as
    Elasticsearch's ``search_after`` values and point in time), bound to one query and
    sort. The HMAC means a client can hand a cursor back but never forge one, so nothing
    it could put in ``search_after`` ever reaches the store."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"siang-cursor:" + secret.encode()).digest()

    def make(
        self, offset: int, query: PostQuery, sort: str, resume: dict[str, Any] | None = None
    ) -> str:
        data = {"o": offset, "q": _query_digest(query, sort), **({"r": resume} if resume else {})}
        payload = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
        return f"{payload}.{self._sign(payload)}"

    def read(self, cursor: str, query: PostQuery, sort: str) -> tuple[int, dict[str, Any] | None]:
        """The offset and resume point a cursor stands for; another query's is refused."""
        payload, _, signature = cursor.partition(".")
        if not hmac.compare_digest(signature.encode(), self._sign(payload).encode()):
            raise CursorError("cursor: not a cursor this API issued")
        try:
            data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            offset, digest, resume = data["o"], str(data["q"]), data.get("r")
            if type(offset) is not int:  # 1e999, Infinity, NaN, "3", true: never issued
                raise TypeError("offset is not an integer")
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            raise CursorError("cursor: not a cursor this API issued") from exc
        if digest != _query_digest(query, sort) or offset < 0:
            raise CursorError("cursor: it belongs to another query or sort")
        return offset, resume

    def _sign(self, payload: str) -> str:
        digest = hmac.new(self._key, payload.encode(), hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def get_cursors(request: Request) -> Cursors:
    return request.app.state.cursors


StoreDep = Annotated[Store, Depends(get_store)]
TopicId = Annotated[int, Path(ge=0, le=2**31 - 1, description="A topic id.")]
PostFilters = Annotated[PostQuery, Depends(post_filters)]
PostScope = Annotated[PostQuery, Depends(post_scope)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
TokenizerDep = Annotated[ThaiTokenizer, Depends(get_tokenizer)]
ModelsDep = Annotated[LoadedModels, Depends(get_models)]
CursorsDep = Annotated[Cursors, Depends(get_cursors)]
SearchText = Annotated[str | None, Depends(search_text)]
