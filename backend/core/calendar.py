"""One working-day calendar for every statutory deadline: weekends off, public holidays off, make-up
workdays (调休) on. Shipped holiday data plus the PUBLIC_HOLIDAYS / MAKEUP_WORKDAYS settings."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources


def parse_days(items: Iterable[str]) -> frozenset[date]:
    """ISO dates and inclusive ranges "2026-10-01..2026-10-07"."""
    days: set[date] = set()
    for item in items:
        item = item.strip()
        if not item:
            continue
        first, _, last = item.partition("..")
        start, end = date.fromisoformat(first), date.fromisoformat(last or first)
        if end < start or (end - start).days > 366:
            raise ValueError(f"bad range {item}")
        days.update(start + timedelta(days=i) for i in range((end - start).days + 1))
    return frozenset(days)


@dataclass(frozen=True)
class WorkingCalendar:
    holidays: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        if day in self.makeup_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` (the day of receipt itself does not count)."""
        day = start
        remaining = count
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day


@functools.cache
def _shipped() -> tuple[frozenset[date], frozenset[date]]:
    data = json.loads(resources.files("backend.core").joinpath("data/cn_holidays.json").read_text("utf-8"))
    return parse_days(data["holidays"]), parse_days(data["makeup_workdays"])


@functools.cache
def calendar_for(extra_holidays: tuple[str, ...] = (), extra_makeup: tuple[str, ...] = ()) -> WorkingCalendar:
    holidays, makeup = _shipped()
    return WorkingCalendar(holidays | parse_days(extra_holidays), makeup | parse_days(extra_makeup))


def current_calendar() -> WorkingCalendar:
    """The calendar of the running platform: shipped data plus its PUBLIC_HOLIDAYS / MAKEUP_WORKDAYS."""
    from backend.core import context

    settings = context.settings()
    return calendar_for(settings.PUBLIC_HOLIDAYS, settings.MAKEUP_WORKDAYS)
