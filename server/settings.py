"""Settings from the environment. Production refuses to start with development defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from domain.jurisdiction import DEFAULT_NORTH_CHINA
from server.rate_limit import parse_networks, parse_rate
from services.clock import DEFAULT_TIME_ZONE, zone_named

MIN_HS256_SECRET_BYTES = 32  # RFC 7518 §3.2: a key at least as long as the hash (256 bits)
DEV_SECRET = "dev-only-secret-change-me-0123456789abcdef"


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    database_url: str = "sqlite://data/surveil.sqlite3"
    # The PostgreSQL password apart from the URL, any characters (compose passes POSTGRES_PASSWORD):
    # percent-encoded into DATABASE_URL when the settings are read.
    database_password: str | None = None
    jwt_secret: str = DEV_SECRET
    jwt_algorithm: str = "HS256"
    jwt_public_key_file: str | None = None
    jwks_file: str | None = None
    jwt_issuer: str = "surveil"
    jwt_audience: str = "surveil-api"
    token_ttl_hours: int = 12
    # Sign-in through the identity provider (server/oidc.py); set OIDC_JWKS_URL to turn it on.
    oidc_jwks_url: str | None = None
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_login_claim: str = "preferred_username"  # the claim that holds a user's login
    oidc_auto_provision: bool = False  # create an unknown login as a user without roles
    oidc_provision_unit: str = "hq"  # where auto-provisioned users are placed
    oidc_jwks_lifespan_seconds: float = 300
    oidc_jwks_cooldown_seconds: float = 30  # at most one refetch for unknown key ids per period
    north_china: tuple[str, ...] = DEFAULT_NORTH_CHINA
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_query_chars: int = 32768  # checked before the lexer: comments and whitespace are no tokens
    body_idle_seconds: float = 30  # a request body that stalls this long gets a 408
    body_grace_seconds: float = 10  # after which a body must average body_min_rate bytes a second
    body_min_rate: int = 1024
    max_cost: int = 20000  # fields resolved per request, pages multiplied (server/query_limits.py)
    introspection: bool = True
    graphiql: bool = True
    field_suggestions: bool = True
    compiled_reads: bool = True  # covered queries answered by one SQL statement (server/compiled)
    cors_origins: tuple[str, ...] = ()  # browser origins allowed to call the API (CORS); none by default
    log_level: str = "INFO"
    metrics_token: str | None = None  # bearer for /metrics; without it: loopback only, none in production
    document_dir: str = "data/documents"
    max_upload_bytes: int = 20 * 1024 * 1024
    max_import_rows: int = 20_000  # rows of one importRegistry upload (surveil import has no limit)
    lab_turnaround_working_days: int = 20  # 检测报告时限, from the lab's receipt of a sample
    correction_months: int = 3  # 整改期限 for non-conformities; not closed in time -> fail
    suspension_months: int = 6  # 暂停期限 (a voluntary suspension is 12 months)
    holidays_file: str | None = None  # official holidays / make-up working days over chinesecalendar's data
    time_zone: str = DEFAULT_TIME_ZONE  # whose calendar dates the rules use (services/clock.py); storage is UTC
    # The public certificate page (server/public_status.py): the address printed in QR codes and
    # given as publicStatusUrl (required in production; else the request's own base URL), the
    # per-client budget of the public pages, and the proxies whose X-Forwarded-For is believed.
    public_base_url: str | None = None
    public_rate_limit: str = "60/minute"
    trusted_proxies: tuple[str, ...] = ()
    # Notices (issue 14): the worker's SMTP server, retries and pace (server/worker.py).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025  # `surveil mail-sink` listens here in development
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "surveil@localhost"
    smtp_starttls: bool = False
    smtp_tls: bool = False
    notice_timeout_seconds: float = 10  # one email or webhook POST
    notice_retry_base_seconds: float = 30  # first retry; doubling with jitter up to the max
    notice_retry_max_seconds: float = 3600
    notice_max_attempts: int = 8  # then the delivery is dead (deadNotices)
    worker_poll_seconds: float = 5  # between the worker's passes
    worker_periodic_seconds: float = 300  # between runs of the periodic jobs (reminders)
    # Several processes (issue G, store/bus.py): Redis carries policy changes, subscription events
    # and the shared rate-limit budgets; without REDIS_URL the service is one process.
    redis_url: str | None = None
    redis_namespace: str = "surveil"  # prefix of every key and channel: deployments may share a Redis
    workers: int = 1  # API processes `surveil serve` starts (--workers wins)
    # Budgets in query-cost points a minute (server/query_limits.py's estimate) per kind of user; 0: none.
    # Off outside production unless set (the test suite and `make bench` run many queries as one
    # user); production's defaults are in PRODUCTION_DEFAULTS (server/budgets.py, README).
    budget_staff: int = 0
    budget_agency: int = 0
    budget_enterprise: int = 0
    budget_buyer: int = 0
    # GraphQL subscriptions over graphql-transport-ws (GET /graphql as a websocket).
    max_subscriptions_per_connection: int = 10
    max_subscriptions_per_user: int = 20
    subscription_idle_seconds: float = 300  # a connection with no subscription this long is closed
    extra: dict = field(default_factory=dict)

    @property
    def production(self) -> bool:
        return self.env == "production"


# Each setting read from the environment (or the .env file), by the variable's name. The others
# (token lifetime, key-set caching, slow-body limits) are fixed here.
ENV_NAMES = {
    "env": "SURVEIL_ENV",
    "database_url": "DATABASE_URL",
    "database_password": "DATABASE_PASSWORD",
    "jwt_secret": "JWT_SECRET",
    "jwt_algorithm": "JWT_ALGORITHM",
    "jwt_public_key_file": "JWT_PUBLIC_KEY_FILE",
    "jwks_file": "JWKS_FILE",
    "jwt_issuer": "JWT_ISSUER",
    "jwt_audience": "JWT_AUDIENCE",
    "oidc_jwks_url": "OIDC_JWKS_URL",
    "oidc_issuer": "OIDC_ISSUER",
    "oidc_audience": "OIDC_AUDIENCE",
    "oidc_login_claim": "OIDC_LOGIN_CLAIM",
    "oidc_auto_provision": "OIDC_AUTO_PROVISION",
    "oidc_provision_unit": "OIDC_PROVISION_UNIT",
    "north_china": "SURVEIL_NORTH_CHINA",
    "max_depth": "SURVEIL_MAX_DEPTH",
    "max_aliases": "SURVEIL_MAX_ALIASES",
    "max_tokens": "SURVEIL_MAX_TOKENS",
    "max_query_chars": "SURVEIL_MAX_QUERY_CHARS",
    "max_cost": "SURVEIL_MAX_COST",
    "introspection": "SURVEIL_INTROSPECTION",
    "graphiql": "SURVEIL_GRAPHIQL",
    "field_suggestions": "SURVEIL_FIELD_SUGGESTIONS",
    "compiled_reads": "SURVEIL_COMPILED_READS",
    "cors_origins": "SURVEIL_CORS_ORIGINS",
    "log_level": "SURVEIL_LOG_LEVEL",
    "metrics_token": "SURVEIL_METRICS_TOKEN",
    "document_dir": "SURVEIL_DOCUMENT_DIR",
    "max_upload_bytes": "SURVEIL_MAX_UPLOAD_BYTES",
    "max_import_rows": "SURVEIL_MAX_IMPORT_ROWS",
    "lab_turnaround_working_days": "SURVEIL_LAB_TURNAROUND_DAYS",
    "correction_months": "SURVEIL_CORRECTION_MONTHS",
    "suspension_months": "SURVEIL_SUSPENSION_MONTHS",
    "holidays_file": "SURVEIL_HOLIDAYS_FILE",
    "time_zone": "SURVEIL_TIME_ZONE",
    "public_base_url": "PUBLIC_BASE_URL",
    "public_rate_limit": "PUBLIC_RATE_LIMIT",
    "trusted_proxies": "SURVEIL_TRUSTED_PROXIES",
    "smtp_host": "SMTP_HOST",
    "smtp_port": "SMTP_PORT",
    "smtp_username": "SMTP_USERNAME",
    "smtp_password": "SMTP_PASSWORD",
    "smtp_from": "SMTP_FROM",
    "smtp_starttls": "SMTP_STARTTLS",
    "smtp_tls": "SMTP_TLS",
    "notice_timeout_seconds": "SURVEIL_NOTICE_TIMEOUT_SECONDS",
    "notice_retry_base_seconds": "SURVEIL_NOTICE_RETRY_BASE_SECONDS",
    "notice_retry_max_seconds": "SURVEIL_NOTICE_RETRY_MAX_SECONDS",
    "notice_max_attempts": "SURVEIL_NOTICE_MAX_ATTEMPTS",
    "worker_poll_seconds": "SURVEIL_WORKER_POLL_SECONDS",
    "worker_periodic_seconds": "SURVEIL_WORKER_PERIODIC_SECONDS",
    "redis_url": "REDIS_URL",
    "redis_namespace": "SURVEIL_REDIS_NAMESPACE",
    "workers": "SURVEIL_WORKERS",
    "budget_staff": "SURVEIL_BUDGET_STAFF",
    "budget_agency": "SURVEIL_BUDGET_AGENCY",
    "budget_enterprise": "SURVEIL_BUDGET_ENTERPRISE",
    "budget_buyer": "SURVEIL_BUDGET_BUYER",
    "max_subscriptions_per_connection": "SURVEIL_MAX_SUBSCRIPTIONS_PER_CONNECTION",
    "max_subscriptions_per_user": "SURVEIL_MAX_SUBSCRIPTIONS_PER_USER",
    "subscription_idle_seconds": "SURVEIL_SUBSCRIPTION_IDLE_SECONDS",
}
# Production's own defaults, where it differs from development (a variable set still wins).
PRODUCTION_DEFAULTS = {
    "jwt_secret": "",
    "jwt_algorithm": "RS256",
    "introspection": False,
    "graphiql": False,
    "field_suggestions": False,
    "budget_staff": 120_000,
    "budget_agency": 30_000,
    "budget_enterprise": 20_000,
    "budget_buyer": 20_000,
}


def load_settings() -> Settings:
    """The environment over the .env file over the defaults, validated; any problem raises
    SettingsError (a RuntimeError) naming the variable, one line each (server/settings_source.py)."""
    from server.settings_source import read_settings

    settings = read_settings().settings
    check(settings)
    check_public(settings)
    return settings


def check(settings: Settings) -> None:
    if settings.holidays_file and not Path(settings.holidays_file).is_file():
        raise RuntimeError(f"SURVEIL_HOLIDAYS_FILE {settings.holidays_file} does not exist")
    try:
        zone_named(settings.time_zone)
    except ValueError as exc:
        raise RuntimeError(f"SURVEIL_TIME_ZONE: {exc}") from None
    if settings.smtp_starttls and settings.smtp_tls:
        raise RuntimeError("SMTP_STARTTLS and SMTP_TLS exclude each other: STARTTLS upgrades a plain connection")
    if settings.notice_max_attempts < 1:
        raise RuntimeError("SURVEIL_NOTICE_MAX_ATTEMPTS must be at least 1")
    if settings.oidc_jwks_url:
        if not settings.oidc_jwks_url.startswith(("https://", "http://")):
            raise RuntimeError("OIDC_JWKS_URL must be an http(s) URL")
        if not (settings.oidc_issuer and settings.oidc_audience):
            raise RuntimeError("OIDC_JWKS_URL needs OIDC_ISSUER and OIDC_AUDIENCE to check tokens against")
        if settings.production and not settings.oidc_jwks_url.startswith("https://"):
            raise RuntimeError("production fetches the identity provider's keys over https only")
        return
    if not settings.production:
        return
    if settings.jwt_algorithm == "HS256" and (
        settings.jwt_secret == DEV_SECRET or len(settings.jwt_secret.encode()) < MIN_HS256_SECRET_BYTES
    ):
        raise RuntimeError(
            f"production with HS256 needs JWT_SECRET set to a real secret of at least {MIN_HS256_SECRET_BYTES} bytes"
        )
    if settings.jwt_algorithm == "RS256" and not (settings.jwt_public_key_file or settings.jwks_file):
        raise RuntimeError("production with RS256 needs OIDC_JWKS_URL, JWT_PUBLIC_KEY_FILE or JWKS_FILE")
    for path in (settings.jwt_public_key_file, settings.jwks_file):
        if path and not Path(path).is_file():
            raise RuntimeError(f"{path} does not exist")


def check_public(settings: Settings) -> None:
    """PUBLIC_BASE_URL, PUBLIC_RATE_LIMIT and SURVEIL_TRUSTED_PROXIES, before anything is served."""
    try:
        parse_rate(settings.public_rate_limit)
    except ValueError:
        raise RuntimeError(f"PUBLIC_RATE_LIMIT {settings.public_rate_limit!r}: give e.g. 60/minute") from None
    try:
        parse_networks(settings.trusted_proxies)
    except ValueError as exc:
        raise RuntimeError(f"SURVEIL_TRUSTED_PROXIES: {exc}") from None
    base = settings.public_base_url
    if base is None:
        if settings.production:
            raise RuntimeError("production needs PUBLIC_BASE_URL (e.g. https://ccc.example.org): QR codes print it")
        return
    parts = urlsplit(base)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
        raise RuntimeError("PUBLIC_BASE_URL must be an http(s) URL without query or fragment")
    if settings.production and parts.scheme != "https":
        raise RuntimeError("production prints an https PUBLIC_BASE_URL in its QR codes")
