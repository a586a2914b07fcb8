"""A calendar that does not run out silently: unknown years make deadlines provisional, and an admin
loads a year without a release."""

from datetime import date

import pytest

from backend.calendars import services
from backend.core.calendar import WorkingCalendar, calendar_for, current_calendar
from backend.core.errors import Forbidden, InvalidInput
from backend.core.principal import ADMIN, REGULATOR, Principal

ADMIN_PRINCIPAL = Principal(user_id="6b0000000000000000000009", role=ADMIN)


def test_deadlines_through_an_unknown_year_are_provisional():
    calendar = calendar_for()
    assert calendar.known_until == date(2026, 12, 31)
    assert not calendar.provisional(date(2026, 3, 2), date(2026, 4, 30))
    assert calendar.provisional(date(2026, 12, 1), date(2027, 2, 10))
    assert WorkingCalendar().provisional(date(2026, 1, 1), date(2026, 1, 2))  # nothing known at all


def test_an_admin_loads_a_year_and_every_caller_sees_it(app_context):
    with pytest.raises(Forbidden):
        services.load_year(Principal(user_id="6b0000000000000000000008", role=REGULATOR), 2027, [], [])
    with pytest.raises(InvalidInput):
        services.load_year(ADMIN_PRINCIPAL, 2027, ["2028-01-01"], [])
    services.load_year(ADMIN_PRINCIPAL, 2027, ["2027-01-01", "2027-02-06..2027-02-12"], ["2027-02-14"])
    calendar = current_calendar()
    assert not calendar.is_working_day(date(2027, 1, 1)) and calendar.is_working_day(date(2027, 2, 14))
    assert calendar.known_until == date(2027, 12, 31)
    assert not calendar.provisional(date(2026, 12, 1), date(2027, 2, 10))
    assert services.status()["loaded_years"] == [2025, 2026, 2027]


def test_loading_a_year_again_replaces_it_and_the_audit_chain_keeps_both(app_context):
    from backend.audit.models import AuditEntry

    services.load_year(ADMIN_PRINCIPAL, 2028, ["2028-01-01"], [])
    services.load_year(ADMIN_PRINCIPAL, 2028, ["2028-01-01", "2028-01-02"], [])
    first, second = AuditEntry.objects(action="calendar.year_loaded", target_id="2028").order_by("seq")
    assert first.before == {} and first.after["holidays"] == ["2028-01-01"]
    assert second.before["holidays"] == ["2028-01-01"] and second.after["holidays"] == ["2028-01-01", "2028-01-02"]
    assert date(2028, 1, 2) in current_calendar().holidays
    status = services.status()
    assert status["known_until"] >= date(2028, 12, 31) and 2028 in status["loaded_years"]
