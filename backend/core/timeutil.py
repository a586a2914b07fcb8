"""Times are stored in UTC with millisecond precision (what BSON keeps) and shown in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def as_utc(value: datetime) -> datetime:
    """Aware UTC; naive values are taken as UTC (what PyMongo returns without tz_aware)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_shanghai(value: datetime) -> datetime:
    return as_utc(value).astimezone(SHANGHAI)


def today_shanghai() -> date:
    """Today's date in Asia/Shanghai: the day deadlines, licence states and grades are counted in."""
    return utcnow().astimezone(SHANGHAI).date()
