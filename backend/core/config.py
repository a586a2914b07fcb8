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

log = logging.getLogger(__name__)

WECHAT_DEFAULT_API_BASE = "https://api.weixin.qq.com"
# Values that have shipped in examples somewhere; never acceptable as a production secret.
WEAK_SECRETS = {"secret", "changeme", "change-me", "dev", "development", "test", "secret-key", "please-change"}
MIN_SECRET_LENGTH = 32


class ConfigError(ValueError):
    """The configuration is unusable; the message names the setting."""


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected true/false")


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError("must be a positive integer")
    return number


@dataclass(frozen=True)
class Settings:
    APP_ENV: str = "development"
    MONGODB_URI: str | None = None
    REDIS_URL: str | None = None
    # Seconds a Redis command may take before the request is answered 503 (a stalled Redis must not
    # hold every thread).
    REDIS_TIMEOUT: float = 1.0
    SECRET_KEY: str | None = None
    # Keys the hash of staff ID numbers (never stored in full); production needs its own.
    STAFF_ID_KEY: str | None = None
    # A health certificate is valid this many months from its issue date (the common local reading).
    HEALTH_CERTIFICATE_MONTHS: int = 12
    # A daily check, weekly or monthly record may be entered at most this many days after its day.
    ROUTINE_BACKFILL_DAYS: int = 7
    # Subscribe-message templates (from the mini-program's admin console) and when a missing daily
    # check is reminded of (hour of the day, Asia/Shanghai).
    WECHAT_TEMPLATE_CERTIFICATE: str = "sfs-certificate-expiring"
    WECHAT_TEMPLATE_DAILY_CHECK: str = "sfs-daily-check-missed"
    DAILY_CHECK_REMINDER_HOUR: int = 17
    WECHAT_TEMPLATE_SAMPLE_FAILED: str = "sfs-sample-failed"
    WECHAT_TEMPLATE_ORDER: str = "sfs-order-changed"
    WECHAT_TEMPLATE_RECALL: str = "sfs-recall"
    # Sampling: days to close a failed sample's case (核查处置), working days to ask for a re-test and
    # to decide on one, hours to ask for a re-test after a failed rapid test.
    DISPOSITION_DAYS: int = 90
    RETEST_REQUEST_WORKING_DAYS: int = 7
    RETEST_DECISION_WORKING_DAYS: int = 7
    RAPID_RETEST_HOURS: int = 4
    # Result file imports: the largest file, the most rows, and the job's hard time limit (seconds).
    IMPORT_MAX_BYTES: int = 64 * 1024 * 1024
    IMPORT_MAX_ROWS: int = 200_000
    IMPORT_JOB_TIMEOUT: int = 1800
    # Inspections: inspectors on each, working days to fix a failed item, and no dynamic grade in
    # the first months after a new licence.
    INSPECTORS_REQUIRED: int = 2
    RECTIFICATION_WORKING_DAYS: int = 10
    GRADE_WAIT_MONTHS_AFTER_LICENCE: int = 3
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
    # Per client IP on the public pages, e.g. "60/minute" or "60/minute;10/second"; "off" disables.
    PUBLIC_RATE_LIMIT: str = "60/minute"
    # Cards each app process keeps in memory (dropped when Redis announces a change); 0 disables.
    PUBLIC_CARD_MEMORY_CACHE: int = 1000
    # Per client IP and per signed-in user on complaint submission and uploads; "off" disables.
    COMPLAINT_RATE_LIMIT: str = "5/hour"
    # Added to the shipped working-day calendar: ISO dates or ranges "2027-02-05..2027-02-11".
    PUBLIC_HOLIDAYS: tuple[str, ...] = field(default_factory=tuple)
    MAKEUP_WORKDAYS: tuple[str, ...] = field(default_factory=tuple)
    # Reverse proxies whose X-Forwarded-For we believe (comma-separated IPs).
    TRUSTED_PROXIES: tuple[str, ...] = field(default_factory=tuple)
    # Kitchen cameras (明厨亮灶): cameras one video worker process samples at most, seconds a camera's
    # lease lasts (a killed worker's cameras are taken over within it), the worker's metrics port (0:
    # none), and what a camera URL may point at: private or loopback addresses (off in production:
    # a URL is user input), and files under CAMERA_FILE_DIR (demo clips; empty: no files).
    VIDEO_MAX_CAMERAS: int = 50
    VIDEO_LEASE_SECONDS: int = 15
    VIDEO_METRICS_PORT: int = 0
    CAMERA_ALLOW_PRIVATE_ADDRESSES: bool = False
    CAMERA_FILE_DIR: str | None = None

    @property
    def embedded_mongo(self) -> bool:
        return not self.MONGODB_URI

    @property
    def embedded_redis(self) -> bool:
        return not self.REDIS_URL

    @property
    def production(self) -> bool:
        return self.APP_ENV == "production"

    def public(self) -> dict[str, Any]:
        """The settings safe to show or log: secrets replaced by a marker."""
        shown = dataclasses.asdict(self)
        for name in ("SECRET_KEY", "STAFF_ID_KEY", "WECHAT_SECRET", "BOOTSTRAP_ADMIN_PASSWORD"):
            if shown[name]:
                shown[name] = "***"
        for name in ("MONGODB_URI", "REDIS_URL"):
            if shown[name]:
                parsed = urlparse(shown[name])
                if parsed.password:
                    shown[name] = shown[name].replace(parsed.password, "***")
        return shown


SETTING_NAMES = tuple(f.name for f in fields(Settings))

_PARSERS = {
    "WECHAT_TIMEOUT": float,
    "REDIS_TIMEOUT": float,
    "ACCESS_TOKEN_TTL": _positive_int,
    "REFRESH_TOKEN_TTL": _positive_int,
    "REFRESH_REUSE_GRACE": int,
    "HEALTH_CERTIFICATE_MONTHS": _positive_int,
    "ROUTINE_BACKFILL_DAYS": int,
    "DAILY_CHECK_REMINDER_HOUR": int,
    "INSPECTORS_REQUIRED": _positive_int,
    "RECTIFICATION_WORKING_DAYS": _positive_int,
    "GRADE_WAIT_MONTHS_AFTER_LICENCE": int,
    "DISPOSITION_DAYS": _positive_int,
    "RETEST_REQUEST_WORKING_DAYS": _positive_int,
    "RETEST_DECISION_WORKING_DAYS": _positive_int,
    "RAPID_RETEST_HOURS": _positive_int,
    "IMPORT_MAX_BYTES": _positive_int,
    "IMPORT_MAX_ROWS": _positive_int,
    "IMPORT_JOB_TIMEOUT": _positive_int,
    "LOGIN_MAX_FAILURES": _positive_int,
    "LOGIN_LOCKOUT_SECONDS": _positive_int,
    "MAX_CONTENT_LENGTH": _positive_int,
    "SEED_DEMO": _bool,
    "PORT": _positive_int,
    "PUBLIC_CARD_MEMORY_CACHE": int,
    "TRUSTED_PROXIES": _csv,
    "VIDEO_MAX_CAMERAS": _positive_int,
    "VIDEO_LEASE_SECONDS": _positive_int,
    "VIDEO_METRICS_PORT": int,
    "CAMERA_ALLOW_PRIVATE_ADDRESSES": _bool,
    "PUBLIC_HOLIDAYS": _csv,
    "MAKEUP_WORKDAYS": _csv,
}


def _parse(name: str, raw: Any) -> Any:
    if raw is None:
        return None
    if not isinstance(raw, str):
        return raw
    raw = raw.strip()
    parser = _PARSERS.get(name)
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
    unknown = sorted(set(overrides) - set(SETTING_NAMES))
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")
    for name in environ:
        if name in SETTING_NAMES or len(name) < 7:
            continue
        close = difflib.get_close_matches(name, SETTING_NAMES, n=1, cutoff=0.88)
        if close:
            raise ConfigError(f"unknown setting {name} in the environment (did you mean {close[0]}?)")

    values: dict[str, Any] = {}
    for name in SETTING_NAMES:
        if name in environ and environ[name] != "":
            values[name] = _parse(name, environ[name])
    for name, raw in overrides.items():
        values[name] = _parse(name, raw)
    values = {k: v for k, v in values.items() if v is not None or k in overrides}
    settings = Settings(**values)
    return validate(settings)


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
    if settings.REDIS_URL and not settings.REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError("REDIS_URL: must start with redis://, rediss:// or unix://")
    for name in ("PUBLIC_RATE_LIMIT", "COMPLAINT_RATE_LIMIT"):
        if getattr(settings, name).lower() != "off":
            import limits

            try:
                limits.parse_many(getattr(settings, name))
            except ValueError:
                raise ConfigError(f'{name}: e.g. "60/minute" or "off"') from None
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
    if not 0 <= settings.PUBLIC_CARD_MEMORY_CACHE <= 100_000:
        raise ConfigError("PUBLIC_CARD_MEMORY_CACHE: a number of cards from 0 (off) to 100000")
    if not 1 <= settings.INSPECTORS_REQUIRED <= 10:
        raise ConfigError("INSPECTORS_REQUIRED: from 1 to 10")
    if not 0 <= settings.GRADE_WAIT_MONTHS_AFTER_LICENCE <= 24:
        raise ConfigError("GRADE_WAIT_MONTHS_AFTER_LICENCE: months from 0 to 24")
    if not 0 <= settings.DAILY_CHECK_REMINDER_HOUR <= 23:
        raise ConfigError("DAILY_CHECK_REMINDER_HOUR: an hour from 0 to 23")
    if not 0 <= settings.ROUTINE_BACKFILL_DAYS <= 62:
        raise ConfigError("ROUTINE_BACKFILL_DAYS: days from 0 to 62")
    if not 1 <= settings.HEALTH_CERTIFICATE_MONTHS <= 36:
        raise ConfigError("HEALTH_CERTIFICATE_MONTHS: months from 1 to 36")
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
        if len(key) < MIN_SECRET_LENGTH or key.lower() in WEAK_SECRETS or len(set(key)) < 8:
            raise ConfigError(
                f"SECRET_KEY: production needs a random secret of at least {MIN_SECRET_LENGTH} characters"
            )
        staff_key = settings.STAFF_ID_KEY or ""
        if len(staff_key) < MIN_SECRET_LENGTH or staff_key == key:
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
