"""Loading a year of the working-day calendar, and how far the calendar is known."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from backend.calendars.errors import DaysOutsideTheYear
from backend.core.calendar import CalendarYear, current_calendar, parse_days
from backend.core.errors import Forbidden, InvalidInput
from backend.core.principal import Principal
from backend.core.text import Text
from backend.core.timeutil import today_shanghai
from backend.workflow.services import upsert_record

WARN_DAYS_AHEAD = 90  # a deadline is up to 60 working days away: warn well before the known year ends


def load_year(principal: Principal, year: int, holidays: list[str], makeup_workdays: list[str]) -> CalendarYear:
    if not principal.is_admin:
        raise Forbidden(Text("Only an admin loads the calendar."))
    try:
        days = parse_days(holidays) | parse_days(makeup_workdays)
    except ValueError:
        raise InvalidInput(errors={"holidays": [Text("ISO dates or ranges like 2027-02-05..2027-02-11")]}) from None
    if any(day.year != year for day in days):
        raise DaysOutsideTheYear(errors={"holidays": [Text("Every day falls in {year}.", year=year)]})
    return upsert_record(
        CalendarYear,
        {"year": year},
        updates={"set__holidays": holidays, "set__makeup_workdays": makeup_workdays},
        action="year_loaded",
        actor_id=principal.user_id,
        target_type="calendar",
        target_id=lambda loaded: loaded.year,
    )


def status() -> dict[str, Any]:
    calendar = current_calendar()
    known_until = calendar.known_until
    warning = None
    if known_until is None or today_shanghai() + timedelta(days=WARN_DAYS_AHEAD) > known_until:
        warning = Text(
            "Public holidays are known until {known_until}; load {next_year} (deadlines beyond are provisional).",
            known_until=str(known_until or "—"),
            next_year=str(known_until.year + 1) if known_until else "",
        )
    return {"known_until": known_until, "loaded_years": sorted(calendar.known_years), "warning": warning}
