"""Siang's one settings model: ``config/siang.yaml`` overridden by ``SIANG_*`` variables.

Nested keys use a double underscore: ``SIANG_STORE__PATH=/data/siang.db``.
This is the only module that reads the environment.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from domain.errors import ConfigError
from domain.models import AlertRule, Category, ComplaintStatus

# The defaults shipped with the package (the checkout and an installed wheel alike).
DEFAULT_CONFIG = Path(str(files("config").joinpath("siang.yaml")))
_DEV_PSEUDONYM_KEY = "siang-development-key-not-for-production"


class _Section(BaseModel):
    model_config = {"extra": "forbid"}


class StoreSettings(_Section):
    backend: Literal["embedded", "elasticsearch"] = Field(
        "embedded", description="embedded (SQLite, one machine) or elasticsearch."
    )
    path: Path = Field(Path("var/siang.db"), description="The embedded store's file.")
    spool_dir: Path = Field(
        Path("var/spool"), description="Posts wait here while the store is down."
    )


class ElasticsearchSettings(_Section):
    hosts: list[str] = Field(
        default_factory=lambda: ["http://127.0.0.1:9200"], description="JSON list of node URLs."
    )
    username: str = "elastic"
    password: SecretStr | None = Field(None, description="The user's password (security on).")
    index_prefix: str = Field("siang", description="Every index and template starts with it.")
    ca_certs: Path | None = Field(None, description="CA bundle for an https cluster.")
    vector_index: Literal["flat", "hnsw"] = Field(
        "flat",
        description="flat: exact kNN by scanning the filtered vectors, cheap to index (2,656 "
        "posts/s, kNN p95 20 ms at 100k on one 2-core node); hnsw: a graph for approximate "
        "kNN far past a million posts, costly to build (953 posts/s). Applies to indices "
        "created after `siang es setup`.",
    )


class EmbedderSettings(_Section):
    kind: Literal["use-multilingual", "sentence-transformers"] = "use-multilingual"
    model: str = Field(
        "paraphrase-multilingual-MiniLM-L12-v2",
        description="sentence-transformers model name or local path (kind=sentence-transformers).",
    )
    batch_size: int = Field(64, ge=1, le=4096)
    threads: int = Field(2, ge=1, le=64)


class TopicModelSettings(_Section):
    seed: int = 42
    min_cluster_size: int | Literal["auto"] = Field(
        "auto", description="HDBSCAN cluster size; auto = 1% of the posts, within 10..200."
    )
    min_samples: int | Literal["auto"] = Field("auto", description="auto = cluster size / 4.")
    umap_neighbors: int = Field(15, ge=2)
    umap_components: int = Field(5, ge=2)
    min_df: int = Field(1, ge=1)
    top_n_words: int = Field(10, ge=3)
    outlier_threshold: float = Field(0.15, ge=0.0, le=1.0)
    fit_sample: int = Field(
        20_000,
        ge=100,
        description="A full fit clusters at most this many posts (seeded sample); the rest "
        "join their nearest topic. HDBSCAN is the bottleneck past a few tens of thousands.",
    )
    window: Literal["hour", "day"] = Field(
        "day", description="Updates cluster new posts per window (Bangkok time)."
    )
    window_reducer: Literal["umap", "pca"] = Field(
        "pca",
        description="Dimension reduction for window updates: pca (default: a 5,000-post "
        "update in ~4 s at 100k posts) or umap (as the full fit, ~4x slower).",
    )
    lookback_days: float = Field(
        3.0, ge=0, description="Unassigned posts this recent are clustered again with new ones."
    )
    assign_threshold: float = Field(
        0.45, ge=0.0, le=1.0, description="Cosine to a topic centroid for a post to join it."
    )
    match_threshold: float = Field(
        0.6, ge=0.0, le=1.0, description="Score for a new cluster to keep an existing topic's id."
    )
    keyword_weight: float = Field(
        0.3, ge=0.0, le=1.0, description="Share of keyword overlap in the match score."
    )


class SentimentSettings(_Section):
    kind: Literal["wisesight-grievance", "wisesight-nbsvm", "lexicon", "transformers"] = Field(
        "wisesight-grievance",
        description=(
            "wisesight-grievance: the wisesight NBSVM re-weighted for grievances (default); "
            "wisesight-nbsvm: the NBSVM alone; lexicon: word list; transformers: `model`."
        ),
    )
    model: str | None = Field(
        None, description="transformers text-classification model name or local path."
    )


class CategorySettings(_Section):
    kind: Literal["trained", "keywords"] = Field(
        "trained", description="trained: classifier on Siang's labelled posts; keywords: counts."
    )
    min_confidence: float = Field(
        0.6,
        ge=0.0,
        le=1.0,
        description="A category whose calibrated probability is below this is marked "
        "uncertain (chosen on training folds: bench/enrich/quality.py).",
    )


class GrievanceSettings(_Section):
    kind: Literal["trained", "rule"] = Field(
        "trained", description="trained: classifier on Siang's labelled posts; rule: not praise."
    )


class ModelSettings(_Section):
    tokenizer: Literal["newmm", "nlpo3"] = Field(
        "nlpo3", description="newmm word segmentation: nlpo3 (Rust) or PyThaiNLP's Python one."
    )
    embedder: EmbedderSettings = Field(default_factory=EmbedderSettings)
    sentiment: SentimentSettings = Field(default_factory=SentimentSettings)
    category: CategorySettings = Field(default_factory=CategorySettings)
    grievance: GrievanceSettings = Field(default_factory=GrievanceSettings)
    enrich_workers: int = Field(
        1, ge=1, le=64, description="Worker processes for the enrich stage (1 = in-process)."
    )
    topics: TopicModelSettings = Field(default_factory=TopicModelSettings)
    max_text_chars: int = Field(
        20_000,
        ge=100,
        le=1_000_000,
        description="Longest text a model sees (tokenizer, classifiers, embedder); longer "
        "texts are cut there for the models and kept whole in the store.",
    )


class SourceSettings(_Section):
    """One configured source: a Scrapy spider (pantip, news, generic) or an API collector."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    kind: Literal["x", "facebook", "youtube", "bluesky", "pantip", "news", "generic"]
    enabled: bool = True
    queries: list[str] = Field(default_factory=list, description="Search terms (APIs).")
    endpoint: str | None = Field(None, description="API base URL; the platform's by default.")
    start_urls: list[str] = Field(
        default_factory=list, description="Spiders: forum rooms, RSS feeds or sitemaps, pages."
    )
    page_ids: list[str] = Field(default_factory=list, description="Facebook pages.")
    video_ids: list[str] = Field(default_factory=list, description="YouTube videos.")
    selectors: dict[str, str] = Field(
        default_factory=dict,
        description="Generic spider: CSS (or xpath:...) for item, text, author, created_at, "
        "url, next_page. News and forum (pantip) spiders: overrides of their defaults "
        "(a forum's topic links, post parts, and comments from a JSON endpoint or the page).",
    )
    max_pages: int = Field(10, ge=1, description="Pagination pages per run and query.")


class CredentialSettings(_Section):
    """Platform credentials; set them in the environment (SIANG_CREDENTIALS__...)."""

    x_bearer_token: SecretStr | None = None
    facebook_access_token: SecretStr | None = None
    youtube_api_key: SecretStr | None = None
    bluesky_handle: str | None = None
    bluesky_app_password: SecretStr | None = None
    traffy_user: str | None = None
    traffy_pass: SecretStr | None = None
    traffy_webhook_secret: SecretStr | None = Field(
        None, description="Shared secret Traffy's webhook calls must carry."
    )


class CollectSettings(_Section):
    user_agent: str = "SiangBot/0.1 (public-interest complaint monitoring; robots.txt obeyed)"
    concurrency_per_domain: int = Field(2, ge=1, le=32)
    download_delay_s: float = Field(1.0, ge=0)
    timeout_s: float = Field(20.0, gt=0)
    max_retries: int = Field(5, ge=0, le=20)
    backoff_base_s: float = Field(1.0, ge=0)
    backoff_max_s: float = Field(300.0, ge=0, description="Longest single wait between tries.")
    max_wait_s: float = Field(
        900.0, ge=0, description="Longest a source may spend waiting in all in one run."
    )
    checkpoint_dir: Path = Field(
        Path("var/checkpoints"), description="Cursors and seen-item state per source."
    )
    every_minutes: float = Field(15.0, gt=0, description="`siang collect --schedule` period.")


class Landmark(_Section):
    """A named place (airport, campus, market, island...) and where it is."""

    province: str = Field(description="Official Thai province name.")
    district: str | None = Field(None, description="District (อำเภอ/เขต) without its prefix.")


class PrivacySettings(_Section):
    pseudonym_key: SecretStr = Field(
        SecretStr(_DEV_PSEUDONYM_KEY),
        description="Key of the authors' keyed-hash pseudonyms (16+ characters; production "
        "refuses the development one). Changing it changes every pseudonym.",
    )


class NoveltySettings(_Section):
    """New clusters: similar posts in a short window that resemble nothing said before."""

    window_hours: int = Field(24, ge=1, le=168, description="How recent the posts must be.")
    reference_days: int = Field(
        14, ge=1, le=90, description="'Said before' means in this many days before the window."
    )
    novel_below: float = Field(
        0.6, gt=0, le=1, description="A post is new when no earlier post is this close (cosine)."
    )
    join_cosine: float = Field(
        0.5, gt=0, le=1, description="New posts this close to each other form one cluster."
    )
    min_voices: int = Field(5, ge=2, description="Distinct voices a new cluster needs.")


class TrendSettings(_Section):
    """Emerging grievances (``topics.emergence``): multi-scale counts of distinct voices per
    series against a sparse-aware negative-binomial baseline, judged hour by hour with no
    look-ahead."""

    windows_hours: list[int] = Field(
        [1, 6, 24], min_length=1, description="Windows summed at the end of every hour."
    )
    min_voices: dict[int, int] = Field(
        {1: 3, 6: 3, 24: 4},
        description="Distinct voices a window needs before it may fire (per window, hours).",
    )
    false_alarms_per_1000_series_month: float = Field(
        10.0,
        gt=0,
        description="The score threshold: at most this many alarms per 1,000 quiet series per "
        "30 days if counts followed the baseline (threshold = log10(1000 · tests / this)).",
    )
    baseline_days: int = Field(28, ge=1, le=365, description="History the baseline reads.")
    guard_hours: int = Field(
        24, ge=0, description="Hours before a window left out of its baseline (slow starts)."
    )
    warmup_days: float = Field(
        7.0, ge=0, description="Nothing fires before the data holds this many days."
    )
    prior_posts: float = Field(
        1.0,
        gt=0,
        description="Weight, in posts, of the prior rate a series borrows from its parents "
        "(category × place share); sparse series lean on it, busy ones on their own history.",
    )
    min_rate_per_day: float = Field(
        1 / 60, gt=0, description="Prior rate floor: a series nobody mentioned, posts per day."
    )
    season_posts: float = Field(
        24.0,
        ge=0,
        description="Pseudo-posts pulling a series' hour-of-day and weekday rhythm toward "
        "everyone's: a series with few posts follows the overall rhythm.",
    )
    copy_cosine: float = Field(
        0.9, gt=0, le=1, description="An earlier post this close (cosine) makes a post a copy."
    )
    copy_hours: int = Field(48, ge=0, description="How far back copies are looked for.")
    repeat_hours: int = Field(
        24, ge=0, description="An author's further posts in one series this soon count once."
    )
    national_provinces: int = Field(
        5, ge=2, description="An episode over this many provinces, none with half, is national."
    )
    districts: bool = Field(True, description="Score (category, district) series too.")
    novelty: NoveltySettings = Field(default_factory=NoveltySettings)
    current_hours: int = Field(
        24, ge=1, description="'Emerging now': detected this many hours before now."
    )
    clock: Literal["auto", "real", "data"] = Field(
        "auto",
        description="What 'now' is for the API and dashboard: the real clock, the data's last "
        "judged hour (a historical or demo store), or auto: real in production, data otherwise.",
    )

    @model_validator(mode="after")
    def _every_window_has_a_minimum(self) -> TrendSettings:
        missing = sorted(set(self.windows_hours) - set(self.min_voices))
        if missing:
            raise ValueError(f"trends.min_voices: no minimum for window(s) {missing} hours")
        return self


class LinkSettings(_Section):
    days_before: float = Field(3.0, ge=0, description="Posts this many days before filing count.")
    days_after: float = Field(7.0, ge=0, description="...and this many days after.")
    threshold: float = Field(
        0.53, ge=0.0, le=1.0, description="Calibrated score from which a pair is a link."
    )
    max_per_complaint: int = Field(50, ge=1)
    weights: dict[str, float] | None = Field(
        None,
        description="Logistic weights per signal and 'bias'; None: the calibrated ones shipped "
        "in linking/data/weights.json (python -m linking.calibration).",
    )
    feedback_min: int = Field(
        10, ge=1, description="Officer decisions needed before they re-weight the signals."
    )
    feedback_weight: float = Field(
        3.0, gt=0, description="How much one decided pair counts against a training pair."
    )


class TrackingSettings(_Section):
    """What the public says after a complaint is resolved (``tracking/``)."""

    before_days: int = Field(
        14, ge=1, le=365, description="Days before filing: the baseline of the place's voice."
    )
    after_days: int = Field(
        30, ge=1, le=365, description="Days after resolution in which posts are read."
    )
    about_threshold: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="Chance (the about model of tracking/data/reopen.json) from which a post "
        "after the resolution counts for the complaint; still-broken evidence also needs the "
        "calibrated evidence threshold.",
    )
    reopen_min_posts: int = Field(
        1, ge=1, description="Still-broken posts that make a resolved complaint a candidate."
    )
    scorecard_min_cases: int = Field(
        5, ge=1, description="Resolved complaints an agency needs to be ranked on scorecards."
    )


class CampaignSettings(_Section):
    """Coordinated posting (``campaigns/``). Two shapes are flagged: one text posted by many
    accounts within hours (``copy_*``), and a few accounts pushing one subject for days
    (``few_*``). Defaults were chosen on ``campaigns/data/train``."""

    lookback_days: int = Field(
        30, ge=1, le=365, description="Days of posts, back from the newest, read for campaigns."
    )
    copy_window_hours: float = Field(
        3.0, gt=0, le=72, description="The window in which copies of one text are counted."
    )
    copy_min_accounts: int = Field(
        8, ge=2, description="Distinct accounts posting one text within the window: a campaign."
    )
    copy_min_share: float = Field(
        0.6,
        ge=0.0,
        le=1.0,
        description="Share of all the text's accounts that posted inside that window. A repost "
        "storm spreads over a day or two; a campaign posts at once.",
    )
    few_max_accounts: int = Field(
        5, ge=1, description="At most this many accounts make a few-accounts campaign."
    )
    few_min_posts: int = Field(
        15, ge=2, description="Posts the accounts together need on their subject."
    )
    few_min_account_posts: int = Field(
        5, ge=2, description="Posts an account needs in the lookback to be considered."
    )
    few_min_days: float = Field(
        2.0, ge=0, description="Days between the group's first and last post: a push, not a day."
    )
    few_similarity: float = Field(
        0.25,
        ge=0.0,
        le=1.0,
        description="Cosine of two accounts' word profiles (TF-IDF of content words) from "
        "which they push the same subject.",
    )
    few_coherence: float = Field(
        0.05,
        ge=0.0,
        le=1.0,
        description="Mean cosine between an account's own posts from which it keeps to one "
        "subject (a news page or a chatty person does not).",
    )


class ComplaintExportSettings(_Section):
    """How the columns of a 1111 export (CSV or JSON) map onto complaint fields.

    ``fields``: complaint field → the column names it may have, first found wins (exports
    differ by year and by who ran them). ``categories`` and ``statuses`` map the export's
    own words onto Siang's labels; a value already in Siang's vocabulary passes through.
    """

    fields: dict[str, list[str]] = Field(default_factory=dict)
    categories: dict[str, Category] = Field(default_factory=dict)
    statuses: dict[str, ComplaintStatus] = Field(default_factory=dict)
    channel: str = Field("1111", description="The channel of rows that do not name one.")


class TraffySettings(_Section):
    """Traffy Fondue's Exchange API (credentials: SIANG_CREDENTIALS__TRAFFY_USER/_PASS)."""

    base_url: str = "https://publicapi.traffy.in.th/exchange-api"
    org_id: str | None = Field(None, description="Comma-separated org ids; None: the account's.")
    duration: Literal["today", "3days", "all"] = "today"
    timelines: bool = Field(True, description="Fetch each issue's status timeline (get-issue).")
    categories: dict[str, Category] = Field(
        default_factory=dict, description="Traffy problem type (Thai) → Siang category."
    )
    statuses: dict[str, ComplaintStatus] = Field(
        default_factory=dict, description="Traffy status or status_type → complaint status."
    )
    default_category: Category = Category.road_traffic


class ComplaintSettings(_Section):
    export: ComplaintExportSettings = Field(default_factory=ComplaintExportSettings)
    traffy: TraffySettings = Field(default_factory=TraffySettings)


class AlertSettings(_Section):
    """Alert rules (the store's rules join these; a stored rule wins on the same name)."""

    rules: list[AlertRule] = Field(default_factory=list)
    daily_digest_at: str = Field(
        "08:00", description="HH:MM, Bangkok time, when daily digests go out."
    )
    max_posts: int = Field(5, ge=1, le=50, description="Posts shown per alert in a mail.")
    max_complaints: int = Field(5, ge=0, le=50, description="Related complaints per alert.")
    chart_hours: int = Field(
        48, ge=6, le=168, description="Hours before the spike the mail's chart shows."
    )
    max_per_run: int = Field(
        1000, ge=1, description="Pending alerts one delivery run looks at (newest first)."
    )

    @field_validator("rules")
    @classmethod
    def _unique_names(cls, rules: list[AlertRule]) -> list[AlertRule]:
        names = [rule.name for rule in rules]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"rule names must be unique; repeated: {', '.join(twice)}")
        return rules

    @field_validator("daily_digest_at")
    @classmethod
    def _time_of_day(cls, value: str) -> str:
        hour, _, minute = value.strip().partition(":")
        if not (hour.isdigit() and minute.isdigit() and len(minute) == 2) or (
            int(hour) > 23 or int(minute) > 59
        ):
            raise ValueError(f"{value!r} must be a time of day like 08:00 (HH:MM, Bangkok time)")
        return f"{int(hour):02d}:{minute}"


class SmtpSettings(_Section):
    """Outgoing mail for alerts; the password comes from SIANG_SMTP__PASSWORD."""

    enabled: bool = Field(
        False, description="Mail alerts after each pipeline run; off: they wait in the outbox."
    )
    host: str = "127.0.0.1"
    port: int = Field(25, ge=1, le=65535)
    starttls: bool = Field(
        False, description="Upgrade the connection with STARTTLS; refuse to go on without it."
    )
    ca_certs: Path | None = Field(
        None, description="CA bundle to verify the server's certificate; None: the system's."
    )
    username: str | None = Field(None, description="Log in as this user (set the password too).")
    password: SecretStr | None = None
    sender: str = Field(
        "Siang <siang@localhost>", description="From: of alert mail, 'Name <address>' or address."
    )
    timeout_s: float = Field(30.0, gt=0, description="Connect and per-command timeout.")

    @field_validator("sender")
    @classmethod
    def _sender_address(cls, value: str) -> str:
        from email.utils import parseaddr

        _, address = parseaddr(value)
        local, at, domain = address.rpartition("@")
        if not (local and at and domain) or any(c.isspace() for c in address):
            raise ValueError(f"{value!r} has no usable address (Name <alerts@example.go.th>)")
        return value.strip()

    @model_validator(mode="after")
    def _credentials(self) -> SmtpSettings:
        if self.username and self.password is None:
            raise ValueError("smtp.password: set SIANG_SMTP__PASSWORD when smtp.username is set")
        if self.password is not None and not self.username:
            raise ValueError("smtp.username: a password is set but no username")
        loopback = self.host in {"localhost", "::1"} or self.host.startswith("127.")
        if self.username and not self.starttls and not loopback:
            raise ValueError(
                f"smtp.starttls: must be true to log in to {self.host}; "
                "the password would cross the network in clear"
            )
        return self


class ApiSettings(_Section):
    host: str = Field("127.0.0.1", description="Bind address of `siang serve` (--host).")
    port: int = Field(8000, ge=1, le=65535, description="Port of `siang serve` (--port).")
    page_size: int = Field(20, ge=1, le=500, description="Results per page by default.")
    rate_per_minute: int = Field(
        600, ge=1, description="Requests per minute per API key unless the key sets its own."
    )
    topic_cache_seconds: float = Field(
        10.0, ge=0, description="How long a topic list is served before it is read again."
    )
    public_url: str = Field(
        "http://127.0.0.1:8000", description="Where users reach the API and dashboard (mail links)."
    )
    max_body_bytes: int = Field(
        1_000_000, ge=1024, description="Largest request body on any route; larger ones get 413."
    )
    webhook_max_body_bytes: int = Field(
        256_000, ge=1024, description="Largest body a webhook (Traffy Fondue) may send."
    )
    semantic_depth: int = Field(
        1000,
        ge=10,
        le=10_000,
        description="How many nearest posts semantic and hybrid search rank (and page through).",
    )
    max_json_depth: int = Field(
        32, ge=4, le=512, description="Deepest nesting of a JSON body; deeper ones get 422."
    )
    retry_after_seconds: int = Field(
        30, ge=1, description="Retry-After sent with 503 when the store is unavailable."
    )
    auth_failures_per_minute: int = Field(
        20,
        ge=1,
        description="Failed authentications (bad API key, wrong webhook secret) allowed per "
        "client address a minute; more get 429.",
    )
    load_models_at_startup: bool = Field(
        True,
        description="Load the embedder while the API starts (readiness waits for it); off, "
        "it loads on first use.",
    )


class LoggingSettings(_Section):
    format: Literal["text", "json"] = Field(
        "text", description="text: readable lines; json: one JSON object a line (with request_id)."
    )
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class DemoSettings(_Section):
    sample_dir: Path = Field(
        default_factory=lambda: Path(str(files("sample_data"))),
        description="posts.jsonl and complaints.jsonl for `siang demo`; the bundled sample.",
    )


class Settings(BaseSettings):
    """Every setting Siang reads, validated at start-up."""

    model_config = SettingsConfigDict(
        env_prefix="SIANG_", env_nested_delimiter="__", extra="forbid", yaml_file=None
    )

    environment: Literal["development", "production"] = "development"
    store: StoreSettings = Field(default_factory=StoreSettings)
    elasticsearch: ElasticsearchSettings = Field(default_factory=ElasticsearchSettings)
    models: ModelSettings = Field(default_factory=ModelSettings)
    sources: list[SourceSettings] = Field(default_factory=list)
    credentials: CredentialSettings = Field(default_factory=CredentialSettings)
    collect: CollectSettings = Field(default_factory=CollectSettings)
    keywords: dict[Category, list[str]] = Field(default_factory=dict)
    agencies: dict[Category, str] = Field(default_factory=dict)
    agencies_by_province: dict[Category, dict[str, str]] = Field(
        default_factory=dict, description="category → province → agency, over `agencies`."
    )
    slang: list[str] = Field(
        default_factory=list,
        description="Slang and complaint phrases the tokenizer keeps whole (เซ็ง, น้ำไม่ไหล).",
    )
    place_aliases: dict[str, str] = Field(
        default_factory=dict, description="Nickname or abbreviation → official province name."
    )
    landmarks: dict[str, Landmark] = Field(
        default_factory=dict, description="Landmark name → its province and district."
    )
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    trends: TrendSettings = Field(default_factory=TrendSettings)
    complaints: ComplaintSettings = Field(default_factory=ComplaintSettings)
    linking: LinkSettings = Field(default_factory=LinkSettings)
    tracking: TrackingSettings = Field(default_factory=TrackingSettings)
    campaigns: CampaignSettings = Field(default_factory=CampaignSettings)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    demo: DemoSettings = Field(default_factory=DemoSettings)

    @model_validator(mode="after")
    def _no_unsafe_defaults_in_production(self) -> Settings:
        key = self.privacy.pseudonym_key.get_secret_value()
        if self.environment == "production" and key == _DEV_PSEUDONYM_KEY:
            raise ValueError(
                "privacy.pseudonym_key: set SIANG_PRIVACY__PSEUDONYM_KEY; "
                "the development key is refused in production"
            )
        if len(key) < 16:
            raise ValueError("privacy.pseudonym_key: must be at least 16 characters")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        yaml_file = settings_cls.model_config.get("yaml_file")
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if yaml_file:
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=yaml_file))
        return tuple(sources)


def config_path(explicit: Path | None = None) -> Path:
    """The YAML file to read: ``explicit``, else ``$SIANG_CONFIG``, else the bundled default."""
    if explicit is not None:
        return explicit
    from_env = os.environ.get("SIANG_CONFIG")
    return Path(from_env) if from_env else DEFAULT_CONFIG


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Load and validate settings; raise :class:`ConfigError` naming the first bad key."""
    yaml_path = config_path(path)
    if not yaml_path.is_file():
        raise ConfigError(f"config file not found: {yaml_path}", key="SIANG_CONFIG")

    class _FromFile(Settings):
        model_config = SettingsConfigDict(yaml_file=str(yaml_path))

    try:
        loaded = _FromFile(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "(root)"
        message = first["msg"]
        if key == "(root)" and ":" in message:
            key = message.split(":", 1)[0].removeprefix("Value error, ")
        raise ConfigError(
            f"invalid configuration in {yaml_path}: {key}: {message}"
            + (f" ({len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""),
            key=key,
        ) from exc
    # Unreadable file, unparsable YAML, or YAML whose top level is not a mapping.
    except (OSError, ValueError, TypeError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read {yaml_path}: {exc}", key="SIANG_CONFIG") from exc
    return Settings.model_validate(loaded.model_dump())


__all__ = ["DEFAULT_CONFIG", "Landmark", "Settings", "config_path", "load_settings"]
