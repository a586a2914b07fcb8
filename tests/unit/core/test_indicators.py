from datetime import date

import pytest

from backend.core.errors import NotFound
from backend.core.indicators import IndicatorRow, Period, ratio, scopes, to_csv
from tests.builders import admin_principal, regulator_of


@pytest.mark.parametrize(
    "text,start,end",
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-01-05..2026-06-30", date(2026, 1, 5), date(2026, 6, 30)),
    ],
)
def test_periods_are_whole_days_both_ends_included(text, start, end):
    assert Period.parse(text) == Period(start, end)


@pytest.mark.parametrize("text", ["x", "2026-Q5", "2026-13", "2026-06-30..2026-01-01", "0001-01-01..9999-12-31"])
def test_a_period_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError):
        Period.parse(text)


def test_rows_carry_their_numerator_and_denominator_and_read_in_chinese():
    assert ratio("x.rate", "比率", "320682", 3, 4).value == 0.75
    assert ratio("x.rate", "比率", "320682", 0, 0).value is None  # nothing counted is not 0 %
    text = to_csv([IndicatorRow("x.count", "=HYPERLINK(1)", None, 2, unit="count")])
    assert text.splitlines()[0].startswith("指标代码,指标名称,地区代码,地区") and "'=HYPERLINK(1)" in text
    assert "全部辖区" in text and "个数" in text


def test_districts_are_the_principals_own_or_within_them(app_context):
    regulator = regulator_of("320682")
    assert scopes(regulator, None) == ("320682",)
    assert scopes(regulator, ["320682"]) == ("320682",)
    with pytest.raises(NotFound):
        scopes(regulator, ["320100"])
    assert scopes(admin_principal(), None) == (None,)


def test_the_default_period_is_the_quarter_of_the_day():
    assert Period.quarter_of(date(2026, 12, 4)) == Period(date(2026, 10, 1), date(2026, 12, 31))
    assert Period.quarter_of(date(2026, 1, 1)) == Period(date(2026, 1, 1), date(2026, 3, 31))
