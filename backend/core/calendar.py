"""One working-day calendar for every statutory deadline: weekends off, public holidays off, make-up
workdays (调休) on. Shipped holiday data, plus the years an admin loads (`CalendarYear`: the State
Council publishes each year's in November), plus the PUBLIC_HOLIDAYS / MAKEUP_WORKDAYS settings.

A year nobody loaded is not silently taken as weekends only: a deadline that falls in or crosses
it is provisional (`WorkingCalendar.provisional`), a warning is logged, and the readiness endpoint
says until when the calendar is known."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources

from mongoengine import IntField, ListField, StringField

from backend.core.models import BaseDocument

log = logging.getLogger(__name__)


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


class CalendarYear(BaseDocument):
    """A year's public holidays and make-up working days, loaded by an admin without a release."""

    year = IntField(required=True, unique=True, min_value=2000, max_value=2199)
    holidays = ListField(StringField(max_length=24), max_length=60)
    makeup_workdays = ListField(StringField(max_length=24), max_length=30)

    meta = {"collection": "calendar_years"}


@dataclass(frozen=True)
class WorkingCalendar:
    holidays: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()
    known_years: frozenset[int] = frozenset()

    def provisional(self, start: date, end: date) -> bool:
        """Whether a deadline from `start` to `end` counts days of a year whose holidays are unknown."""
        unknown = [year for year in range(start.year, end.year + 1) if year not in self.known_years]
        if unknown:
            _warn_once(unknown[0])
        return bool(unknown)

    @property
    def known_until(self) -> date | None:
        return date(max(self.known_years), 12, 31) if self.known_years else None

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
def _warn_once(year: int) -> None:
    log.warning(
        "the working-day calendar does not know %s: deadlines in it are provisional; load its "
        "holidays (POST /api/v1/console/calendar/years)",
        year,
    )


@functools.cache
def _shipped() -> tuple[frozenset[date], frozenset[date], frozenset[int]]:
    data = json.loads(resources.files("backend.core").joinpath("data/cn_holidays.json").read_text("utf-8"))
    return parse_days(data["holidays"]), parse_days(data["makeup_workdays"]), frozenset(data["years"])


def calendar_for(
    extra_holidays: tuple[str, ...] = (),
    extra_makeup: tuple[str, ...] = (),
    loaded: tuple[tuple[int, tuple[str, ...], tuple[str, ...]], ...] = (),
) -> WorkingCalendar:
    holidays, makeup, years = _shipped()
    for _year, year_holidays, year_makeup in loaded:
        holidays, makeup = holidays | parse_days(year_holidays), makeup | parse_days(year_makeup)
    return WorkingCalendar(
        holidays | parse_days(extra_holidays),
        makeup | parse_days(extra_makeup),
        years | {year for year, _h, _m in loaded},
    )


def current_calendar() -> WorkingCalendar:
    """The calendar of the running platform: shipped data, the years loaded since, and the settings.
    (One small query: the loaded years are read each time, so every process sees a new year at once.)"""
    from backend.core import context

    settings = context.settings()
    loaded = tuple((y.year, tuple(y.holidays), tuple(y.makeup_workdays)) for y in CalendarYear.objects.order_by("year"))
    return calendar_for(settings.PUBLIC_HOLIDAYS, settings.MAKEUP_WORKDAYS, loaded)
