"""Settings: read once from the environment (or a mapping), validated, immutable.

Nothing here runs at import time; `load_settings()` is called by the app factories.
"""

from __future__ import annotations

import dataclasses
import difflib
import ipaddress
import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import urlparse

from backend.core import domains

log = logging.getLogger(__name__)

WECHAT_DEFAULT_API_BASE = "https://api.weixin.qq.com"
# Values that have shipped in examples somewhere; never acceptable as a production secret.
WEAK_SECRETS = {"secret", "changeme", "change-me", "dev", "development", "test", "secret-key", "please-change"}
MIN_SECRET_LENGTH = 32


class ConfigError(ValueError):
    """The configuration is unusable; the message names the setting."""


def parse_bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected true/false")


def parse_csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError("must be a positive integer")
    return number


def rate_limit_reason(value: str) -> str | None:
    """Why a rate limit ("60/minute", "60/minute;10/second" or "off") is refused, or None."""
    if value.lower() == "off":
        return None
    import limits

    try:
        limits.parse_many(value)
    except ValueError:
        return 'e.g. "60/minute" or "off"'
    return None


SERVER_SCHEMES = ("redis://", "rediss://", "unix://")
CLUSTER_SCHEMES = ("redis+cluster://", "rediss+cluster://")


@dataclass(frozen=True)
class Settings:
    APP_ENV: str = "development"
    MONGODB_URI: str | None = None
    # redis://, rediss://, unix:// for one server; redis+cluster:// (or rediss+cluster://) and any one
    # node's address for a Redis Cluster, which then also needs JOBS_REDIS_URL.
    REDIS_URL: str | None = None
    # The job queue's own Redis (RQ keeps a job's keys in several hash slots, so it cannot use a
    # cluster); unset: the queue shares REDIS_URL.
    JOBS_REDIS_URL: str | None = None
    # Seconds a Redis command may take before the request is answered 503 (a stalled Redis must not
    # hold every thread).
    REDIS_TIMEOUT: float = 1.0
    SECRET_KEY: str | None = None
    # Keys the hash of staff ID numbers (never stored in full); production needs its own.
    STAFF_ID_KEY: str | None = None
    WECHAT_APPID: str | None = None
    WECHAT_SECRET: str | None = None
    WECHAT_API_BASE: str = WECHAT_DEFAULT_API_BASE
    WECHAT_TIMEOUT: float = 5.0
    PUBLIC_BASE_URL: str = "http://127.0.0.1:8000"
    BLOB_DIR: str = "var/blobs"
    BOOTSTRAP_ADMIN_USERNAME: str | None = None
    BOOTSTRAP_ADMIN_PASSWORD: str | None = None
    ACCESS_TOKEN_TTL: int = 900
    REFRESH_TOKEN_TTL: int = 30 * 24 * 3600
    # Seconds in which a re-sent refresh token gets the same next pair (a mobile retry); 0: never.
    REFRESH_REUSE_GRACE: int = 30
    LOGIN_MAX_FAILURES: int = 5
    LOGIN_LOCKOUT_SECONDS: int = 900
    MAX_CONTENT_LENGTH: int = 12 * 1024 * 1024
    LOG_LEVEL: str = "INFO"
    HOST: str = "127.0.0.1"
    PORT: int = 8000
    SEED_DEMO: bool = False
    # Whole months of history the demo makes before this one (so indicators have trends); 0: none.
    DEMO_HISTORY_MONTHS: int = 12
    # Per client IP on the public pages, e.g. "60/minute" or "60/minute;10/second"; "off" disables.
    PUBLIC_RATE_LIMIT: str = "60/minute"
    # Cards each app process keeps in memory (dropped when Redis announces a change); 0 disables.
    PUBLIC_CARD_MEMORY_CACHE: int = 1000
    # Added to the shipped working-day calendar: ISO dates or ranges "2027-02-05..2027-02-11".
    PUBLIC_HOLIDAYS: tuple[str, ...] = field(default_factory=tuple)
    MAKEUP_WORKDAYS: tuple[str, ...] = field(default_factory=tuple)
    # Reverse proxies whose X-Forwarded-For we believe (comma-separated IPs).
    TRUSTED_PROXIES: tuple[str, ...] = field(default_factory=tuple)
    # The settings the domains declare (`backend.core.domains.Setting`), read as attributes too.
    domain_values: Mapping[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("domain_values")
        if values is not None and name in values:
            return values[name]
        raise AttributeError(name)

    def replace(self, **changes: Any) -> Settings:
        """These settings with some values changed (core or a domain's), validated again."""
        core = {name: value for name, value in changes.items() if name in CORE_SETTING_NAMES}
        declared = domains.declared_settings()
        unknown = sorted(set(changes) - set(core) - set(declared))
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")
        domain_values = {**self.domain_values, **{k: v for k, v in changes.items() if k not in core}}
        return validate(dataclasses.replace(self, domain_values=domain_values, **core))

    @property
    def embedded_mongo(self) -> bool:
        return not self.MONGODB_URI

    @property
    def embedded_redis(self) -> bool:
        return not self.REDIS_URL

    @property
    def redis_cluster(self) -> bool:
        return bool(self.REDIS_URL) and self.REDIS_URL.startswith(CLUSTER_SCHEMES)

    @property
    def production(self) -> bool:
        return self.APP_ENV == "production"

    def public(self) -> dict[str, Any]:
        """The settings safe to show or log: secrets replaced by a marker."""
        shown = {**dataclasses.asdict(self), **self.domain_values}
        del shown["domain_values"]
        for name in ("SECRET_KEY", "STAFF_ID_KEY", "WECHAT_SECRET", "BOOTSTRAP_ADMIN_PASSWORD"):
            if shown[name]:
                shown[name] = "***"
        for name in ("MONGODB_URI", "REDIS_URL", "JOBS_REDIS_URL"):
            if shown[name]:
                parsed = urlparse(shown[name])
                if parsed.password:
                    shown[name] = shown[name].replace(parsed.password, "***")
        return shown


CORE_SETTING_NAMES = tuple(f.name for f in fields(Settings) if f.name != "domain_values")


def setting_names() -> tuple[str, ...]:
    """The platform's own settings and every domain's."""
    return CORE_SETTING_NAMES + tuple(domains.declared_settings())


_PARSERS = {
    "WECHAT_TIMEOUT": float,
    "REDIS_TIMEOUT": float,
    "ACCESS_TOKEN_TTL": positive_int,
    "REFRESH_TOKEN_TTL": positive_int,
    "REFRESH_REUSE_GRACE": int,
    "LOGIN_MAX_FAILURES": positive_int,
    "LOGIN_LOCKOUT_SECONDS": positive_int,
    "MAX_CONTENT_LENGTH": positive_int,
    "SEED_DEMO": parse_bool,
    "DEMO_HISTORY_MONTHS": int,
    "PORT": positive_int,
    "PUBLIC_CARD_MEMORY_CACHE": int,
    "TRUSTED_PROXIES": parse_csv,
    "PUBLIC_HOLIDAYS": parse_csv,
    "MAKEUP_WORKDAYS": parse_csv,
}


def _parse(name: str, raw: Any) -> Any:
    if raw is None:
        return None
    if not isinstance(raw, str):
        return raw
    raw = raw.strip()
    declared = domains.declared_settings().get(name)
    parser = declared.parse if declared is not None and declared.parse is not str else _PARSERS.get(name)
    if parser is None:
        return raw or None
    try:
        return parser(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}: {exc}") from None


def load_settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from the environment, then `overrides` on top.

    Unknown keys in `overrides` are rejected. The environment holds many unrelated variables, so
    only our names are read from it; a near-miss of one of our names (a typo) is rejected too.
    """
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    names = setting_names()
    unknown = sorted(set(overrides) - set(names))
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")
    for name in environ:
        if name in names or len(name) < 7:
            continue
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.88)
        if close:
            raise ConfigError(f"unknown setting {name} in the environment (did you mean {close[0]}?)")

    values: dict[str, Any] = {}
    for name in names:
        if name in environ and environ[name] != "":
            values[name] = _parse(name, environ[name])
    for name, raw in overrides.items():
        values[name] = _parse(name, raw)
    values = {k: v for k, v in values.items() if v is not None or k in overrides}
    declared = domains.declared_settings()
    domain_values = {name: setting.default for name, setting in declared.items()}
    domain_values.update({name: values.pop(name) for name in list(values) if name in declared})
    settings = Settings(**values, domain_values=domain_values)
    return validate(settings)


def _weak(secret: str) -> bool:
    return len(secret) < MIN_SECRET_LENGTH or secret.lower() in WEAK_SECRETS or len(set(secret)) < 8


def validate(settings: Settings) -> Settings:
    if settings.APP_ENV not in {"development", "test", "production"}:
        raise ConfigError("APP_ENV: must be development, test or production")
    if settings.LOG_LEVEL.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ConfigError("LOG_LEVEL: must be DEBUG, INFO, WARNING or ERROR")
    for name in ("WECHAT_API_BASE", "PUBLIC_BASE_URL"):
        parsed = urlparse(getattr(settings, name))
        if parsed.scheme not in {"http", "https"} or not parsed.netloc:
            raise ConfigError(f"{name}: must be an http(s) URL")
    if settings.MONGODB_URI and not settings.MONGODB_URI.startswith(("mongodb://", "mongodb+srv://")):
        raise ConfigError("MONGODB_URI: must start with mongodb:// or mongodb+srv://")
    if settings.REDIS_URL and not settings.REDIS_URL.startswith(SERVER_SCHEMES + CLUSTER_SCHEMES):
        raise ConfigError("REDIS_URL: must start with redis://, rediss://, unix:// or redis+cluster://")
    if settings.JOBS_REDIS_URL and not settings.JOBS_REDIS_URL.startswith(SERVER_SCHEMES):
        raise ConfigError(
            "JOBS_REDIS_URL: must start with redis://, rediss:// or unix:// (the job queue needs one server)"
        )
    if settings.redis_cluster and not settings.JOBS_REDIS_URL:
        raise ConfigError("JOBS_REDIS_URL: required with a Redis Cluster (the job queue needs one server)")
    reason = rate_limit_reason(settings.PUBLIC_RATE_LIMIT)
    if reason:
        raise ConfigError(f"PUBLIC_RATE_LIMIT: {reason}")
    for name in ("PUBLIC_HOLIDAYS", "MAKEUP_WORKDAYS"):
        from backend.core.calendar import parse_days

        try:
            parse_days(getattr(settings, name))
        except ValueError:
            raise ConfigError(f"{name}: ISO dates or ranges like 2027-02-05..2027-02-11") from None
    for proxy in settings.TRUSTED_PROXIES:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise ConfigError(f"TRUSTED_PROXIES: {proxy} is not an IP address or network") from None
    for name, setting in domains.declared_settings().items():
        reason = setting.validate(settings.domain_values.get(name, setting.default))
        if reason:
            raise ConfigError(f"{name}: {reason}")
    if not 0 <= settings.PUBLIC_CARD_MEMORY_CACHE <= 100_000:
        raise ConfigError("PUBLIC_CARD_MEMORY_CACHE: a number of cards from 0 (off) to 100000")
    if not 0 <= settings.DEMO_HISTORY_MONTHS <= 24:
        raise ConfigError("DEMO_HISTORY_MONTHS: whole months from 0 (none) to 24")
    if not 0 <= settings.REFRESH_REUSE_GRACE <= 300:
        raise ConfigError("REFRESH_REUSE_GRACE: seconds from 0 to 300")
    if not 0 < settings.REDIS_TIMEOUT <= 30:
        raise ConfigError("REDIS_TIMEOUT: must be between 0 and 30 seconds")
    if not 0 < settings.WECHAT_TIMEOUT <= 30:
        raise ConfigError("WECHAT_TIMEOUT: must be between 0 and 30 seconds")
    if bool(settings.BOOTSTRAP_ADMIN_USERNAME) != bool(settings.BOOTSTRAP_ADMIN_PASSWORD):
        raise ConfigError("BOOTSTRAP_ADMIN_USERNAME and BOOTSTRAP_ADMIN_PASSWORD go together")
    if settings.production:
        if settings.embedded_mongo:
            raise ConfigError("MONGODB_URI: required in production (embedded mongomock keeps nothing)")
        if settings.embedded_redis:
            raise ConfigError("REDIS_URL: required in production")
        key = settings.SECRET_KEY or ""
        if _weak(key):
            raise ConfigError(
                f"SECRET_KEY: production needs a random secret of at least {MIN_SECRET_LENGTH} characters"
            )
        staff_key = settings.STAFF_ID_KEY or ""
        if _weak(staff_key) or staff_key == key:
            raise ConfigError(
                f"STAFF_ID_KEY: production needs its own random secret of at least {MIN_SECRET_LENGTH} characters"
            )
        if not (settings.WECHAT_APPID and settings.WECHAT_SECRET):
            raise ConfigError("WECHAT_APPID and WECHAT_SECRET: required in production")
        if settings.SEED_DEMO:
            raise ConfigError("SEED_DEMO: demo data is never seeded in production")
    else:
        if not settings.SECRET_KEY:
            # Development only: a fresh random key per process, so nothing guessable ever signs tokens.
            settings = dataclasses.replace(settings, SECRET_KEY=secrets.token_urlsafe(48))
        if not settings.STAFF_ID_KEY:
            settings = dataclasses.replace(settings, STAFF_ID_KEY="dev-staff-id:" + settings.SECRET_KEY)
    return settings
