"""Every setting of Rapid Response, read from environment variables with the `RRM_` prefix.

Nested groups use a double underscore: `RRM_KAFKA__BOOTSTRAP_SERVERS`, `RRM_DB__URL`, `RRM_MAIL__BACKEND`.
The defaults run the embedded demo with no environment at all: an embedded tansu broker, SQLite under `var/`,
the local mail sink and the web console on http://127.0.0.1:8000. Production is a matter of setting variables.
`docs/settings.md` is generated from this file (`rrm settings --markdown`).
"""

from __future__ import annotations

import functools
import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: The shortest signing key accepted (a generated key has 64 characters).
MIN_SECRET_KEY_CHARS = 24


class KafkaSettings(BaseModel):
    """Where the bus is, and how clients talk to it."""

    model_config = {"frozen": True}

    bootstrap_servers: str = Field(
        "",
        description="Comma-separated Kafka bootstrap servers (`host:port`). Empty: start and use the embedded "
        "tansu broker on `embedded_port`.",
    )
    embedded_port: int = Field(19092, description="Port of the embedded tansu broker on 127.0.0.1.")
    topic_prefix: str = Field(
        "rrm.", description="Prefix of every topic name, so that several engines (or test runs) share one cluster."
    )
    default_partitions: int = Field(
        4, description="Partitions of the topics whose catalog entry does not fix a number."
    )
    replication_factor: int = Field(1, description="Replication factor of created topics (3 on a real cluster).")
    session_timeout_s: float = Field(
        10.0, description="Consumer group session timeout; short, because every join waits about half of it."
    )
    heartbeat_interval_s: float = Field(1.0, description="Consumer group heartbeat interval.")
    batch_max_messages: int = Field(
        500, ge=1,
        description="A worker's agent handles up to this many messages of a topic at once (one transaction for "
        "a handler that writes), then acknowledges them together.",
    )
    batch_max_ms: int = Field(
        20, ge=1,
        description="A batch that is not full is handled after this many milliseconds, so a quiet stream adds at "
        "most this much latency per hop.",
    )
    request_timeout_s: float = Field(10.0, description="How long a client waits for one broker request.")
    client_id: str = Field("rrm", description="Client id prefix sent to the broker.")
    embedded_replay_hours: float = Field(
        24.0,
        description="When the embedded broker (in memory) starts afresh, re-publish the outbox of this many past "
        "hours so that nothing it held is lost; idempotent consumers ignore what they had applied.",
    )
    outbox_retention_hours: float = Field(
        72.0,
        description="The outbox relay deletes published outbox rows and processed-message markers older than this "
        "(pending and parked rows are kept). Must be longer than `embedded_replay_hours`: a replayed message must "
        "still find its marker.",
    )

    @field_validator("outbox_retention_hours")
    @classmethod
    def _retention_covers_replay(cls, value: float, info: ValidationInfo) -> float:
        replay = info.data.get("embedded_replay_hours", 0.0)
        if value <= replay:
            raise ValueError(f"RRM_KAFKA__OUTBOX_RETENTION_HOURS ({value:g}) must be longer than "
                             f"RRM_KAFKA__EMBEDDED_REPLAY_HOURS ({replay:g}), or a replayed message would be "
                             "applied twice")
        return value

    @property
    def embedded(self) -> bool:
        """True when no external cluster is configured and the embedded broker is used."""
        return not self.bootstrap_servers.strip()

    @property
    def servers(self) -> str:
        """The bootstrap servers actually used."""
        return self.bootstrap_servers.strip() or f"127.0.0.1:{self.embedded_port}"


class DatabaseSettings(BaseModel):
    """The store."""

    model_config = {"frozen": True}

    url: str = Field(
        "",
        description="SQLAlchemy URL, e.g. `postgresql+psycopg://rrm@db/rrm`. "
        "Empty: SQLite at `<data_dir>/rrm.sqlite3`.",
    )
    echo: bool = Field(False, description="Log every SQL statement (debugging only).")
    pool_size: int = Field(5, description="Connections kept open per process (PostgreSQL).")


class WebSettings(BaseModel):
    """The web console, member and editor links, webhooks and dashboards."""

    model_config = {"frozen": True}

    host: str = Field("127.0.0.1", description="Address the web server listens on.")
    port: int = Field(8000, description="Port the web server listens on.")
    public_url: str = Field(
        "", description="Base URL used in emails and links. Empty: `http://<host>:<port>`."
    )
    secret_key: str = Field(
        "",
        description="Key that signs sessions and member/editor links. Empty: a random key kept in "
        "`<data_dir>/secret_key` (created on first start).",
        repr=False,
    )
    max_body_bytes: int = Field(2_000_000, description="Largest request body accepted (bytes).")
    session_max_age_s: int = Field(12 * 3600, description="How long a console login lasts (seconds).")
    event_webhook_max_bytes: int = Field(
        2_000_000, description="Largest SendGrid Event Webhook post accepted (bytes); SendGrid posts batches of at "
        "most 768 KB. Counted as the body arrives; more is refused with 413 before it is read."
    )
    login_window_s: int = Field(
        900, description="Failed logins older than this no longer count (seconds), for every counter below."
    )
    login_free_failures_per_pair: int = Field(
        3, description="Failed logins for one account from one address before each next try must wait a growing "
        "delay (1 s, 2 s, 4 s ... up to login_max_delay_s)."
    )
    login_free_failures_per_address: int = Field(
        20, description="Failed logins from one address (any account) before each next try from it must wait a "
        "growing delay."
    )
    login_free_failures_per_account: int = Field(
        10, description="Failed logins for one account (any address) before it is slowed (a soft limit: a try waits "
        "at most login_account_max_delay_s, and an address that signed in to it before is not slowed)."
    )
    login_base_delay_s: float = Field(
        1.0, description="First delay once a counter's free failures are used up (seconds); it doubles each failure."
    )
    login_max_delay_s: float = Field(900.0, description="Longest delay imposed on one address (seconds).")
    login_account_max_delay_s: float = Field(
        30.0, description="Longest delay the per-account soft limit imposes (seconds): it slows, never locks."
    )
    trusted_proxies: list[str] = Field(
        default_factory=list, description="Networks of reverse proxies (e.g. `[\"10.0.0.5/32\"]`) whose "
        "X-Forwarded-For and X-Forwarded-Proto headers are believed. Empty: the peer address is the client."
    )
    link_max_age_s: int = Field(
        7 * 24 * 3600, description="Default lifetime of signed member and editor links (seconds)."
    )
    monitor_interval_s: float = Field(
        1.5, description="How often the operator dashboard samples topics and consumer groups (seconds)."
    )
    stall_after_s: float = Field(
        30.0,
        description="A partition with lag whose committed offset has not moved for this long is marked stalled.",
    )
    metrics_token: str = Field(
        "", description="Bearer token Prometheus must send to read /metrics. Empty: /metrics is open in the demo "
        "and refused everywhere else.", repr=False
    )

    @field_validator("secret_key")
    @classmethod
    def _long_key(cls, value: str) -> str:
        if value and len(value.strip()) < MIN_SECRET_KEY_CHARS:
            raise ValueError(f"RRM_WEB__SECRET_KEY is too short: give at least {MIN_SECRET_KEY_CHARS} random "
                             "characters (or leave it empty to use a generated key file)")
        return value

    @property
    def base_url(self) -> str:
        """Base URL for links that leave the system."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


class MailSettings(BaseModel):
    """Outgoing and incoming email."""

    model_config = {"frozen": True}

    backend: Literal["sink", "smtp", "sendgrid"] = Field(
        "sink", description="`sink` keeps messages in the database, readable in the console (demo); `smtp`; `sendgrid`."
    )
    from_address: str = Field("rapid-response@aoc.example.org", description="Sender address.")
    from_name: str = Field("Rapid Response, AoC Secretariat", description="Sender display name.")
    reply_domain: str = Field(
        "reply.aoc.example.org", description="Domain of per-invitation reply addresses (SendGrid Inbound Parse)."
    )
    smtp_host: str = Field("127.0.0.1", description="SMTP relay host.")
    smtp_port: int = Field(25, description="SMTP relay port.")
    smtp_username: str = Field("", description="SMTP user (empty: no AUTH).")
    smtp_password: str = Field("", description="SMTP password.", repr=False)
    smtp_starttls: bool = Field(False, description="Use STARTTLS.")
    sendgrid_api_key: str = Field("", description="SendGrid API key.", repr=False)
    sendgrid_host: str = Field("https://api.sendgrid.com", description="SendGrid API base URL.")
    sendgrid_webhook_public_key: str = Field(
        "", description="SendGrid Event Webhook verification key (base64 ECDSA public key)."
    )
    timeout_s: float = Field(15.0, description="Timeout of one send.")
    send_attempts: int = Field(
        5, description="Attempts of one queued email whose send failed for sure (a refused connection) before it is "
        "marked failed and shown to officers."
    )
    pending_grace_s: float = Field(
        120.0, description="A ledger row left `pending` this long (a worker died mid-send) is marked `uncertain` "
        "and never resent automatically: at most one copy of each email."
    )
    inbound_max_bytes: int = Field(10_000_000, description="Largest Inbound Parse post stored (bytes).")
    inbound_token: str = Field(
        "", description="Secret SendGrid's Inbound Parse must send, in the webhook URL "
        "(`/webhooks/sendgrid/inbound?token=...`) or as the HTTP basic-auth password "
        "(`https://rrm:TOKEN@host/webhooks/sendgrid/inbound`); a post without it is refused (403) and nothing is "
        "stored. Required outside the demo (`env=production` does not start without it); empty in the demo: not "
        "checked.", repr=False
    )


class TranslateSettings(BaseModel):
    """Machine translation of approved op-eds."""

    model_config = {"frozen": True}

    languages: list[str] = Field(
        default_factory=lambda: ["ar", "zh", "en", "fr", "ru", "es", "tr", "ur", "fa", "id", "de", "pt"],
        description="Target languages (the six UN languages plus Turkish, Urdu, Persian, Indonesian, German, "
        "Portuguese).",
    )
    backends: list[str] = Field(
        default_factory=lambda: ["offline"],
        description="Fallback order of translation backends: `libre`, `deepl`, `google`, `microsoft`, `mymemory`, "
        "`offline` (no machine translation: the language waits for a human translator).",
    )
    libre_url: str = Field("", description="Base URL of a self-hosted LibreTranslate server.")
    libre_api_key: str = Field("", description="LibreTranslate API key.", repr=False)
    deepl_auth_key: str = Field("", description="DeepL API key.", repr=False)
    deepl_server_url: str = Field("", description="DeepL server URL (empty: DeepL's own).")
    microsoft_api_key: str = Field("", description="Microsoft Translator key.", repr=False)
    microsoft_region: str = Field("", description="Microsoft Translator region.")
    timeout_s: float = Field(20.0, description="Timeout of one translation request.")
    retries: int = Field(3, description="Retries per chunk before the next backend is tried.")
    requests_per_second: float = Field(5.0, description="Rate limit per backend.")


class DistributeSettings(BaseModel):
    """Sending approved op-eds to editors."""

    model_config = {"frozen": True}

    tick_s: float = Field(1.0, description="How often the distribute worker looks for distributions due (seconds).")
    webhook_max_age_s: float = Field(
        300.0, description="SendGrid Event Webhook posts signed longer ago than this are refused as replays."
    )
    cancel_margin_s: float = Field(
        600.0,
        description="After a crash, an in-doubt SendGrid batch is cancelled and resent only if its release is further "
        "away than this (SendGrid does not promise to stop a scheduled send later); else it is marked uncertain.",
    )
    unsubscribe_mailto: str = Field(
        "", description="Address added to List-Unsubscribe as a mailto: alternative (empty: the one-click URL only)."
    )
    reply_to: str = Field(
        "desk@editors.aoc.example.org", description="Where editors' replies go: the email's Reply-To becomes "
        "`desk+<distribution id>@…`; point this domain's SendGrid Inbound Parse at `/webhooks/sendgrid/editors` "
        "(the secret is RRM_MAIL__INBOUND_TOKEN, as for members' replies). Empty: no Reply-To."
    )
    placement_link_days: int = Field(
        180, description="How long the link in an editor's email for saying where the op-ed ran keeps working."
    )


class DetectSettings(BaseModel):
    """Flagging polarizing stories."""

    model_config = {"frozen": True}

    threshold: float = Field(0.5, description="Article score at or above which an article counts as polarizing.")
    window_minutes: int = Field(360, description="Window over which a story's spread is measured.")
    min_sources: int = Field(2, description="Distinct sources in the window before a polarizing story is flagged.")
    classifier: bool = Field(
        False,
        description="Combine the rules with the learned classifier (`detect/classifier.py`): it can veto a rule flag "
        "it finds unlikely and raise an article just under the threshold; false (the default: on the held-out "
        "labels it lowers F1 and adds false alarms, see docs/detect.md) = the rules alone.",
    )
    spacy_model: str = Field(
        "auto",
        description="Trained spaCy pipeline for entities: a package name, `auto` (use one if installed) or `none`.",
    )
    fetch_wait_ms: int = Field(
        50, description="Longest idle fetch of the detect worker's consumers (ms): bounds the latency of a flag.",
    )


class IngestSettings(BaseModel):
    """Reading news feeds."""

    model_config = {"frozen": True}

    feeds_file: str = Field(
        "", description="Feed registry file (TOML). Empty: `config/feeds.demo.toml` in the demo, else none."
    )
    timeout_s: float = Field(10.0, description="Timeout of one feed fetch.")
    max_bytes: int = Field(5_000_000, description="Largest feed body read; more is refused.")
    max_redirects: int = Field(5, description="Redirects followed per fetch.")
    per_host_concurrency: int = Field(2, description="Fetches at once against one host.")
    concurrency: int = Field(64, description="Fetches at once in all.")
    user_agent: str = Field("RapidResponse/0.1 (+https://www.unaoc.org)", description="User-Agent header.")
    jitter: float = Field(0.1, description="Each feed's next poll moves by up to this fraction of its interval.")
    max_backoff_s: float = Field(
        6 * 3600.0, description="Longest wait before polling again a feed that keeps failing (seconds)."
    )
    registry_check_s: float = Field(
        10.0, description="How often the worker reads the feed registry for feeds added, changed or paused."
    )
    near_duplicate_threshold: float = Field(
        0.6, description="Estimated Jaccard similarity of title+summary at which an article is a near-duplicate."
    )
    near_duplicate_window_h: float = Field(
        36.0, description="How far back an article's first copy is looked for (hours)."
    )
    seen_retention_days: float = Field(
        90.0, description="How long an article is remembered for exact de-duplication (days); older rows are pruned."
    )
    allow_networks: list[str] = Field(
        default_factory=list, description="Networks or host names a feed may be fetched from although they are "
        "loopback, private, link-local, multicast or reserved (e.g. `[\"127.0.0.1/32\"]`); every other such "
        "address is refused, after name resolution and on every redirect. The demo names its own feed server."
    )
    demo_port: int = Field(
        18093, description="Port of the demo feed server on 127.0.0.1 (demo only; another free port if taken)."
    )


class MobilizeSettings(BaseModel):
    """Paging the network, co-authoring and approval."""

    model_config = {"frozen": True}

    auto_start: bool = Field(
        False, description="Start a mobilization without a person for flagged stories (off: the duty officer on call "
        "is alerted and decides)."
    )
    auto_start_severities: list[str] = Field(
        default_factory=list, description="With auto_start, the severities that start by themselves (empty: all)."
    )
    alert_ack_s: float = Field(
        900.0, description="Seconds an alert waits for the duty officer on call to acknowledge it before the next "
        "officer in the rota (next level) is alerted."
    )
    quorum: int = Field(2, description="Co-authors wanted per mobilization (a pair across communities by default).")
    wave_size: int = Field(4, description="Members paged in one wave.")
    max_waves: int = Field(4, description="Waves paged before the mobilization waits for the duty officer.")
    answer_deadline_s: float = Field(
        3600.0, description="Seconds a paged member has to answer before the next wave is paged."
    )
    reminder_after_s: float = Field(
        1800.0, description="Seconds after paging when a silent member gets one reminder (0: no reminder)."
    )
    draft_deadline_s: float = Field(
        4 * 3600.0, description="Seconds after the quorum is reached by which a draft is expected for review."
    )
    link_ttl_s: float = Field(48 * 3600.0, description="Lifetime of accept/decline links in invitation emails.")
    draft_link_ttl_s: float = Field(7 * 24 * 3600.0, description="Lifetime of the co-authors' draft links.")
    signoff_window_s: float = Field(
        48 * 3600.0, description="Time the authors have to object to a translation shown to them before it goes out "
        "under their names (silence then counts as consent).")
    signoff_link_ttl_s: float = Field(14 * 24 * 3600.0, description="Lifetime of the authors' sign-off links.")
    target_words_min: int = Field(700, description="Shortest op-ed the draft editor aims for (words).")
    target_words_max: int = Field(900, description="Longest op-ed the draft editor aims for (words).")
    tick_s: float = Field(2.0, description="How often the scheduler looks for due timers and queued email.")
    fairness_days: int = Field(30, description="Window over which requests per member are counted and capped.")
    officer_email: str = Field(
        "duty-officer@aoc.example.org", description="Where duty-officer notifications go (drafts to review)."
    )


class Settings(BaseSettings):
    """All settings; read once per process with `get_settings()`."""

    model_config = SettingsConfigDict(
        env_prefix="RRM_", env_nested_delimiter="__", frozen=True, extra="ignore", env_file=None
    )

    env: Literal["demo", "production", "test"] = Field(
        "demo", description="`demo` seeds fictional data and serves demo feeds; `production` seeds nothing."
    )
    data_dir: Path = Field(
        PROJECT_ROOT / "var", description="Where the embedded store, the secret key and local files live."
    )
    log_format: Literal["auto", "console", "json"] = Field(
        "auto", description="`console` for people, `json` for machines; `auto` picks by whether stderr is a terminal."
    )
    log_level: str = Field("INFO", description="Log level.")
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    db: DatabaseSettings = Field(default_factory=DatabaseSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    mail: MailSettings = Field(default_factory=MailSettings)
    translate: TranslateSettings = Field(default_factory=TranslateSettings)
    distribute: DistributeSettings = Field(default_factory=DistributeSettings)
    detect: DetectSettings = Field(default_factory=DetectSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    mobilize: MobilizeSettings = Field(default_factory=MobilizeSettings)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError(f"unknown log level {value!r}")
        return level

    @model_validator(mode="after")
    def _production_secrets(self) -> Settings:
        if self.env == "production" and not self.mail.inbound_token:
            raise ValueError("RRM_MAIL__INBOUND_TOKEN is required in production: without it anyone could post "
                             "replies to /webhooks/sendgrid/inbound. Set it to a long random value and put it in "
                             "SendGrid's Inbound Parse URL (?token=...) or basic-auth password.")
        return self

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL actually used."""
        return self.db.url or f"sqlite:///{self.data_dir / 'rrm.sqlite3'}"

    @property
    def secret_key(self) -> str:
        """The signing key: the configured one, else one kept in the data directory."""
        if self.web.secret_key:
            return self.web.secret_key
        path = self.data_dir / "secret_key"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():  # written whole with mode 0600 from the first byte, then linked into place at once
            spare = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
            fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "w") as out:
                    out.write(secrets.token_urlsafe(48))
                os.link(spare, path)  # fails if another process got there first: then its key is the key
            except FileExistsError:
                pass
            finally:
                spare.unlink(missing_ok=True)
        key = path.read_text().strip()
        if len(key) < MIN_SECRET_KEY_CHARS:
            raise ValueError(f"the secret key file {path} is empty or too short (under {MIN_SECRET_KEY_CHARS} "
                             "characters): delete it to have a new one generated, or set RRM_WEB__SECRET_KEY")
        return key


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment once."""
    return Settings()


def describe(model: type[BaseModel] = Settings, prefix: str = "RRM_") -> list[tuple[str, str, str]]:
    """Every setting as (variable, default, description), for `rrm settings` and docs/settings.md."""
    rows: list[tuple[str, str, str]] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            rows.extend(describe(annotation, f"{prefix}{name.upper()}__"))
            continue
        default = field.default_factory() if field.default_factory else field.default  # type: ignore[call-arg]
        if isinstance(default, Path):
            default = str(default.relative_to(PROJECT_ROOT)) if default.is_relative_to(PROJECT_ROOT) else str(default)
        rows.append((f"{prefix}{name.upper()}", repr(default) if default != "" else '""', field.description or ""))
    return rows
