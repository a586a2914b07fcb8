"""The indicators' catalogue, targets by inheritance, met and trend, as tables."""

from datetime import date

import pytest

from backend.core.errors import Forbidden, InvalidInput
from backend.core.indicators import Period, collect
from backend.core.principal import ADMIN, Principal
from backend.indicators import services
from backend.indicators.errors import IndicatorNotFound
from tests.builders import regulator_of

ADMIN_PRINCIPAL = Principal(user_id="6b0000000000000000000009", role=ADMIN)


def test_every_code_a_domain_counts_is_in_the_catalogue(app_context):
    rows = collect(ADMIN_PRINCIPAL, districts=["320682"], period=Period.parse("2026-Q4"), sector=None)
    assert len(rows) > 30
    missing = sorted({row.code for row in rows if _missing(row.code)})
    assert missing == []
    for item in services.catalogue()["indicators"]:
        assert item["unit"] in ("ratio", "count", "per_thousand", "days", "score") and item["direction"] in (
            "higher",
            "lower",
        )
        # a plan's figure names its plan (a zero for what should not happen needs none)
        assert item["default_target"] in (None, 0) or item["source"] in services.catalogue()["sources"], item["code"]


def _missing(code: str) -> bool:
    try:
        services.entry(code)
    except IndicatorNotFound:
        return True
    return False


@pytest.mark.parametrize(
    ("value", "target", "direction", "result"),
    [
        (1.0, 1.0, "higher", True),
        (0.97, 0.98, "higher", False),
        (None, 1.0, "higher", None),
        (0.5, None, "higher", None),
        (0, 0, "lower", True),
        (2, 0, "lower", False),
    ],
)
def test_a_value_meets_its_target_in_its_direction(value, target, direction, result):
    assert services.met(value, target, direction) is result


def test_the_previous_period_is_the_month_quarter_or_year_before_else_as_long_just_before():
    assert services.previous(Period.parse("2026-Q4")) == Period.parse("2026-Q3")
    assert services.previous(Period.parse("2026-01")) == Period.parse("2025-12")
    assert services.previous(Period.parse("2026")) == Period.parse("2025")
    assert services.previous(Period.parse("2026-11-10..2026-11-19")) == Period(date(2026, 10, 31), date(2026, 11, 9))


def test_a_target_is_the_districts_else_its_citys_else_its_provinces_else_the_plans(app_context):
    code = "complaints.on_time_closure_rate"
    assert services.target_for(code, "320682", 2026) == 0.98  # the plan's figure
    for district, year, value in (
        ("*", None, 0.9),
        ("320000", None, 0.95),
        ("320600", 2026, 0.97),
        ("320682", 2027, 0.99),
    ):
        services.set_target(
            ADMIN_PRINCIPAL, {"code": code, "district_code": district, "year": year, "value": value, "reason": "test"}
        )
    assert services.target_for(code, "320682", 2026) == 0.97  # the city's for 2026
    assert services.target_for(code, "320682", 2027) == 0.99  # its own for 2027
    assert services.target_for(code, "320681", 2025) == 0.95  # the province's for every year
    assert services.target_for(code, "310112", 2026) == 0.9  # everywhere's
    changed = services.set_target(
        ADMIN_PRINCIPAL, {"code": code, "district_code": "320682", "year": 2027, "value": 1.0, "reason": "提高"}
    )
    assert [c.value for c in changed.history] == [0.99, 1.0]


def test_targets_are_set_by_admins_within_their_units(app_context):
    values = {"code": "complaints.reply_rate", "district_code": "320682", "value": 1.2, "reason": "x"}
    with pytest.raises(InvalidInput) as refused:
        services.set_target(ADMIN_PRINCIPAL, values)
    assert "value" in refused.value.errors
    with pytest.raises(Forbidden):
        services.set_target(regulator_of("320682"), {**values, "value": 0.9})
    with pytest.raises(InvalidInput):
        services.set_target(ADMIN_PRINCIPAL, {**values, "code": "supervision.quarterly_completion.town", "value": 0.9})
    with pytest.raises(IndicatorNotFound):
        services.set_target(ADMIN_PRINCIPAL, {**values, "code": "nosuch.code", "value": 0.9})


def test_the_monthly_run_queues_every_countys_report_on_the_first_working_day_only(app_context):
    from datetime import date

    from backend.indicators import reports
    from backend.indicators.models import IndicatorReport
    from tests.builders import approved

    approved()  # a business in 320682
    assert reports.first_working_day(date(2026, 10, 1)) == date(2026, 10, 8)  # after 国庆 (the shipped calendar)
    assert reports.monthly(date(2026, 12, 2)) == {"queued": 0, "recomputed": 0, "month": None}
    assert IndicatorReport.objects.count() == 0
    done = reports.monthly(date(2026, 12, 1))
    assert done["queued"] == 1 and done["month"] == "2026-11" and done["recomputed"] > 0
    (report,) = IndicatorReport.objects
    assert (report.district_code, report.month, report.status) == ("320682", "2026-11", "queued")
    assert reports.monthly(date(2026, 12, 1))["queued"] == 1 and IndicatorReport.objects.count() == 1  # run twice


def test_a_city_rolls_up_its_counties(app_context):
    from backend.core.indicators import Period
    from backend.core.timeutil import today_shanghai
    from backend.devtools import county
    from backend.indicators import services
    from tests.builders import regulator_of

    for district in ("320682", "320623"):  # 如皋 and 如东, both in 南通 (320600)
        county.generate(district, businesses=15, year_end=today_shanghai(), routine_share=0.5, routine_days=20)
    county.generate("310112", businesses=15, year_end=today_shanghai(), routine_days=5)  # elsewhere: not counted
    year = Period.parse(str(today_shanghai().year))
    rows = services.evaluate_many(regulator_of("320600"), None, districts=["320682", "320623", "320600"], period=year)
    by = {(row["code"], row["sector"], row["district_code"]): row for row in rows}
    summed = [key for key in by if key[2] == "320600" and by[key]["unit"] in ("ratio", "count")]
    assert len(summed) > 40
    for code, sector, _city in summed:
        counties = [by[(code, sector, place)] for place in ("320682", "320623")]
        city = by[(code, sector, "320600")]
        if city["unit"] == "ratio":
            assert city["numerator"] == sum(c["numerator"] for c in counties), code
            assert city["denominator"] == sum(c["denominator"] for c in counties), code
        else:
            assert city["value"] == sum(c["value"] for c in counties), code
    assert by[("complaints.received", None, "320600")]["value"] > 0
