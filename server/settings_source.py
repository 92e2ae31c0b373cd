"""Settings read with pydantic-settings: the environment over a .env file over the defaults, each
value typed and validated by the field's type in `Settings`, each problem one line naming its
variable (never a traceback); and where each value came from, for `surveil config check`."""

from __future__ import annotations

import dataclasses
import logging
import os
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlsplit, urlunsplit

from dotenv import dotenv_values
from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, create_model
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from domain.provinces import canonical_provinces
from server.settings import ENV_NAMES, PRODUCTION_DEFAULTS, Settings
from store.readiness import shown

ENV_FILE_VARIABLE = "SURVEIL_ENV_FILE"  # where the .env file is; `.env` in the current folder if there is one
DEFAULT_ENV_FILE = ".env"
ENVIRONMENTS = ("development", "test", "production")
SECRETS = frozenset({"jwt_secret", "smtp_password", "metrics_token", "database_password"})
URL_SETTINGS = frozenset({"database_url", "redis_url", "oidc_jwks_url"})  # may hold user:password@: masked
KEEP_EMPTY = frozenset({"database_url"})  # set empty is refused by every command, not taken as the default
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class SettingsError(RuntimeError):
    """The settings cannot be used: one line per problem, each naming its variable."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _listed(value: Any) -> Any:
    """A comma-separated variable (`a, b,`) as a tuple; a default tuple passes as it is."""
    return tuple(part.strip() for part in value.split(",") if part.strip()) if isinstance(value, str) else value


def _origins(value: tuple[str, ...]) -> tuple[str, ...]:
    origins = []
    for origin in value:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") or parts.query:
            raise ValueError(f"{origin!r} is not an origin: give scheme://host[:port], e.g. https://app.example.org")
        origins.append(_as_sent(parts.scheme, parts))
    return tuple(origins)


DEFAULT_PORTS = {"http": 80, "https": 443}


def _as_sent(scheme: str, parts) -> str:
    """The origin as a browser's Origin header spells it: the host in punycode (IDNA), lower case,
    without the scheme's default port."""
    try:
        host = (parts.hostname or "").encode("idna").decode("ascii")
        port = parts.port
    except (UnicodeError, ValueError):
        raise ValueError(f"{parts.geturl()!r} has no usable host or port") from None
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    return f"{scheme}://{host}" + (f":{port}" if port and port != DEFAULT_PORTS[scheme] else "")


def _log_level(value: str) -> str:
    if value.strip().upper() not in LOG_LEVELS:
        raise ValueError(f"give one of {', '.join(LOG_LEVELS)}")
    return value.strip().upper()


def _base_url(value: Any) -> Any:
    return (value.strip().rstrip("/") or None) if isinstance(value, str) else value


def _redis_url(value: str | None) -> str | None:
    """A URL redis-py takes as it is (scheme, port, database, query options), checked here so that a
    bad one stops every command in one line instead of when the app is built."""
    if value is None:
        return value
    from redis.connection import parse_url

    if urlsplit(value).scheme not in ("redis", "rediss", "unix"):
        raise ValueError("give a redis://, rediss:// or unix:// URL, e.g. redis://127.0.0.1:6379/0")
    try:
        parse_url(value)  # the port (also its range) and the query options (socket_timeout=...)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"redis cannot use it: {exc}") from None
    return value


Listed = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_listed)]
OVERRIDES: dict[str, Any] = {
    "env": Literal[ENVIRONMENTS],
    "north_china": Annotated[Listed, AfterValidator(canonical_provinces)],
    "trusted_proxies": Listed,
    "cors_origins": Annotated[Listed, AfterValidator(_origins)],
    "log_level": Annotated[str, AfterValidator(_log_level)],
    "public_base_url": Annotated[str | None, BeforeValidator(_base_url)],
    "smtp_port": Annotated[int, Field(ge=1, le=65535)],
    "redis_url": Annotated[str | None, AfterValidator(_redis_url)],
}
ZERO_MEANS_NONE = frozenset({"budget_staff", "budget_agency", "budget_enterprise", "budget_buyer"})


class _FromEnvironment(BaseSettings):
    # Names exactly as documented; an empty variable counts as unset (the default applies), as before.
    model_config = SettingsConfigDict(case_sensitive=True, env_ignore_empty=True, extra="ignore", frozen=True)


def _field(field: dataclasses.Field, hint: Any) -> tuple[Any, Any]:
    # Durations and rates are finite: `inf` would mean a send that never times out.
    least = 0 if field.name in ZERO_MEANS_NONE else 1
    bounds = {"ge": least} if hint is int else {"gt": 0, "allow_inf_nan": False} if hint is float else {}
    return OVERRIDES.get(field.name, hint), Field(field.default, validation_alias=ENV_NAMES[field.name], **bounds)


_HINTS = typing.get_type_hints(Settings)
FromEnvironment = create_model(
    "FromEnvironment",
    __base__=_FromEnvironment,
    **{f.name: _field(f, _HINTS[f.name]) for f in dataclasses.fields(Settings) if f.name in ENV_NAMES},
)


@dataclass(frozen=True)
class Loaded:
    settings: Settings
    sources: dict[str, str]  # field -> "environment", the .env file's path, "default" or "production default"
    env_file: Path | None


def env_file_path(environ: typing.Mapping[str, str]) -> Path | None:
    named = environ.get(ENV_FILE_VARIABLE)
    path = Path(named or DEFAULT_ENV_FILE)
    if named and not path.is_file():
        raise SettingsError([f"{ENV_FILE_VARIABLE}: {named} does not exist"])
    return path if path.is_file() else None


def _sets_empty(env_file: Path, variable: str) -> bool:
    """Whether the .env file assigns `variable` an empty value (and the environment does not
    set it: the environment wins)."""
    if variable in os.environ:
        return False
    values = dotenv_values(env_file)
    return variable in values and not (values[variable] or "").strip()


def _problem(error: dict) -> str:
    variable = str(error["loc"][0]) if error["loc"] else "settings"
    message = error["msg"].removeprefix("Value error, ")
    given = error.get("input")
    if isinstance(given, str) and variable in (ENV_NAMES[name] for name in URL_SETTINGS):
        given = shown(given)
    if isinstance(given, str) and variable not in (ENV_NAMES[name] for name in SECRETS):
        return f"{variable}={given!r}: {message}"
    return f"{variable}: {message}"


def read_settings() -> Loaded:
    """Validated settings and their sources; SettingsError lists every problem at once."""
    env_file = env_file_path(os.environ)
    if env_file is not None:
        try:
            env_file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise SettingsError([f"{env_file}: not UTF-8 text; save the .env file as UTF-8"]) from None
    if os.environ.get(ENV_NAMES["env"]) == "" or (env_file and _sets_empty(env_file, ENV_NAMES["env"])):
        # A blank `SURVEIL_ENV=` (an env file passed on by compose) must not turn production
        # into development with its defaults: say which it is.
        raise SettingsError([f"{ENV_NAMES['env']} is set empty: give one of {', '.join(ENVIRONMENTS)}"])
    try:
        model = FromEnvironment(_env_file=env_file)
    except ValidationError as exc:
        raise SettingsError([_problem(error) for error in exc.errors()]) from None

    values = {name: getattr(model, name) for name in type(model).model_fields}
    production = values["env"] == "production"
    sources = {}
    for name in values:
        if name in KEEP_EMPTY and os.environ.get(ENV_NAMES[name]) == "":
            values[name] = ""
            sources[name] = "environment"
        elif name in model.model_fields_set:
            sources[name] = "environment" if os.environ.get(ENV_NAMES[name], "") != "" else str(env_file)
        elif production and name in PRODUCTION_DEFAULTS:
            values[name] = PRODUCTION_DEFAULTS[name]
            sources[name] = "production default"
        else:
            sources[name] = "default"
    if values["database_password"]:
        values["database_url"] = with_password(values["database_url"], values["database_password"])
    logging.getLogger("surveil").debug("settings read; .env file: %s", env_file or "none")
    return Loaded(Settings(**values), sources, env_file)


def with_password(database_url: str, password: str) -> str:
    """DATABASE_URL with DATABASE_PASSWORD as its password, percent-encoded whatever it holds."""
    parts = urlsplit(database_url)
    if parts.scheme not in ("postgres", "postgresql", "asyncpg") or not parts.hostname:
        raise SettingsError(["DATABASE_PASSWORD: give DATABASE_URL as postgres://USER@HOST:PORT/DATABASE to use it"])
    if parts.password is not None:
        raise SettingsError(["DATABASE_PASSWORD: DATABASE_URL has a password already; give it in one place"])
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:{quote(password, safe='')}@{host}"))
