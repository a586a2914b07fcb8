from datetime import date

import pytest

from backend.core.calendar import WorkingCalendar, calendar_for, parse_days

PLAIN = WorkingCalendar()


def test_weekends_are_skipped():
    friday = date(2026, 11, 20)
    assert PLAIN.add_working_days(friday, 1) == date(2026, 11, 23)  # Monday
    assert PLAIN.add_working_days(friday, 7) == date(2026, 12, 1)
    assert PLAIN.add_working_days(date(2026, 11, 21), 1) == date(2026, 11, 23)  # received on a Saturday


def test_holidays_and_makeup_days():
    calendar = calendar_for()
    # National Day 2026: Oct 1-7 off, Sat Oct 10 is a make-up workday
    assert calendar.add_working_days(date(2026, 9, 30), 7) == date(2026, 10, 15)
    assert not calendar.is_working_day(date(2026, 10, 5))
    assert calendar.is_working_day(date(2026, 10, 10))  # a Saturday, but 调休
    assert calendar.is_working_day(date(2026, 9, 20))  # a Sunday, but 调休
    # Spring Festival 2026: Feb 15-23 off, Feb 14 (Sat) and Feb 28 (Sat) worked
    assert calendar.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert calendar.add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)


def test_configured_days_extend_the_shipped_ones():
    calendar = calendar_for(("2027-01-01", "2027-02-05..2027-02-11"), ("2027-02-14",))
    assert not calendar.is_working_day(date(2027, 2, 8))
    assert calendar.is_working_day(date(2027, 2, 14))  # a Sunday made a workday
    assert calendar.add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 12)


def test_statutory_periods_across_labour_day():
    calendar = calendar_for()
    received = date(2026, 4, 30)  # Thursday; May 1-5 off, Saturday May 9 worked
    # counted by hand: May 6, 7, 8, 9 (Sat, 调休), 11, 12, 13
    assert calendar.add_working_days(received, 7) == date(2026, 5, 13)
    # ... 14, 15, 18, 19, 20, 21, 22, 25
    assert calendar.add_working_days(received, 15) == date(2026, 5, 25)


@pytest.mark.parametrize("bad", ["2026-13-01", "2026-10-07..2026-10-01", "tomorrow", "2026-01-01..2028-01-01"])
def test_bad_days_are_rejected(bad):
    with pytest.raises(ValueError):
        parse_days([bad])
