"""Sampling deadlines on the shared working-day calendar."""

from datetime import date, datetime

from backend.core.timeutil import SHANGHAI
from backend.sampling import cases


def test_a_case_closes_ninety_days_after_opening_moved_off_a_rest_day(app_context):
    # 2026-07-03 + 90 days = 2026-10-01, National Day: the next working day is 2026-10-08
    assert cases.case_deadline(date(2026, 7, 3)) == (date(2026, 10, 8), False)
    assert cases.case_deadline(date(2026, 3, 2)) == (date(2026, 6, 1), False)  # 05-31 is a Sunday


def test_a_retest_may_be_requested_until_the_end_of_the_seventh_working_day(app_context):
    # notified on the eve of National Day 2026: seven working days end on 2026-10-15 (10-10 is 调休)
    assert cases.retest_request_deadline(date(2026, 9, 30)) == datetime(2026, 10, 15, 23, 59, 59, tzinfo=SHANGHAI)


def test_a_deadline_through_an_unknown_year_is_provisional(app_context):
    _deadline, provisional = cases.case_deadline(date(2026, 12, 1))
    assert provisional
