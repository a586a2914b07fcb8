"""The coverage indicators each domain counts, on small hand-built data with the values worked out here."""

from datetime import timedelta

import pytest

from backend.core.indicators import Period
from backend.core.timeutil import today_shanghai, utcnow
from tests.builders import approved, citizen, regulator_of, staff_values


def _rows(module, sector=None):
    rows = module.indicators(
        regulator_of("320682"), districts=("320682",), period=Period.quarter_of(today_shanghai()), sector=sector
    )
    return {(row.code, row.sector): row for row in rows}


def test_kitchen_coverage_counts_canteens_with_an_approved_camera_online_in_the_last_day(app_context):
    from backend.cameras import kpis
    from backend.cameras.models import Camera

    covered, _bare, stale = (approved(kind="school_canteen") for _ in range(3))
    approved(kind="restaurant_small")  # not a canteen: not counted
    for business, seen in ((covered, utcnow()), (stale, utcnow() - timedelta(hours=30))):
        Camera(
            business_id=business.id,
            district_scopes=business.district_scopes,
            name="后厨",
            area="cooking",
            stream_url="rtsp://x/1",
            status="online",
            approved_at=utcnow(),
            last_sample_at=seen,
        ).save()
    rows = _rows(kpis)
    school = rows[("cameras.kitchen_coverage", "school_canteen")]
    assert (school.numerator, school.denominator) == (1, 3)  # the stale one was online 30 hours ago
    assert rows[("cameras.canteen_coverage", None)].denominator == 3
    assert rows[("cameras.by_status.online", None)].value == 2  # the wall's counts: both say online
    assert rows[("cameras.by_status.offline", None)].value == 0
    assert rows[("cameras.kitchen_coverage", "hospital_canteen")].value is None  # none: no data, not 0%
    assert (
        kpis.indicators(
            regulator_of("320682"),
            districts=("320682",),
            period=Period.quarter_of(today_shanghai()),
            sector="restaurant_small",
        )
        == []
    )


def test_health_certificates_and_the_three_kinds_of_people(app_context):
    from backend.staff import kpis
    from backend.staff import services as staff

    owner = citizen()
    business = approved(owner)
    approved()  # a second business with nobody
    staff.add_staff(owner.user_id, business.id, staff_values(safety_roles=["head"], handles_food=False))
    staff.add_staff(owner.user_id, business.id, staff_values(safety_roles=["officer"], handles_food=False))
    cook = staff.add_staff(owner.user_id, business.id, staff_values())
    staff.add_staff(owner.user_id, business.id, staff_values())  # a cook without a certificate
    staff.add_certificate(
        owner.user_id,
        business.id,
        cook.id,
        {"number": "J1", "issuer": "疾控", "issued_on": today_shanghai() - timedelta(days=10)},
    )
    rows = _rows(kpis)
    valid = rows[("staff.certificates_valid", None)]
    assert (valid.numerator, valid.denominator) == (1, 2)
    team = rows[("staff.safety_team_complete", None)]
    assert (team.numerator, team.denominator) == (1, 2)


def test_daily_check_completion_counts_days_recorded_of_days_passed(app_context, monkeypatch):
    import uuid

    from backend.routine import kpis
    from backend.routine import services as routine

    owner = citizen()
    business = approved(owner)
    items = routine.risk_list(owner.user_id, business.id).items
    today = today_shanghai()
    for day in (today, today - timedelta(days=1)):
        if day >= Period.quarter_of(today_shanghai()).start:
            routine.record_daily_check(
                owner.user_id,
                business.id,
                {
                    "client_id": uuid.uuid4().hex,
                    "day": day,
                    "signed_name": "李安全",
                    "results": [{"item": item.code, "result": "passed"} for item in items],
                },
            )
    row = _rows(kpis)[("routine.daily_check_completion", None)]
    days = (today - Period.quarter_of(today_shanghai()).start).days + 1
    assert row.denominator == days and row.numerator == min(2, days)


@pytest.mark.parametrize(
    ("period", "last", "weeks", "months"),
    [
        ("2026-11", "2026-12-07", ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"], ["2026-11"]),
        (
            "2026-Q4",
            "2026-11-15",
            ["2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26", "2026-11-02", "2026-11-09"],
            ["2026-10"],
        ),
        (
            "2026-10-15..2026-12-31",
            "2026-12-07",
            ["2026-10-19", "2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23", "2026-11-30"],
            ["2026-11"],
        ),
        ("2026-12", "2026-12-03", [], []),
    ],
)
def test_the_weeks_and_months_that_have_ended_in_a_period(period, last, weeks, months):
    from datetime import date

    from backend.routine.kpis import ended_months, ended_weeks

    found = Period.parse(period)
    assert [str(day) for day in ended_weeks(found, date.fromisoformat(last))] == weeks
    assert ended_months(found, date.fromisoformat(last)) == months


def test_weekly_reports_and_monthly_meetings_of_the_periods_that_ended(app_context):
    from datetime import date

    from backend.routine import kpis
    from backend.routine import services as routine
    from backend.routine.models import MonthlyReport, Signature, WeeklyReport

    keeping = []
    for _ in range(2):
        owner = citizen()
        business = approved(owner)
        routine.risk_list(owner.user_id, business.id)  # the list makes it a business that keeps 三件事
        keeping.append((owner, business))
    approved()  # keeps no list: not counted
    (owner, business), _ = keeping
    signed = {"signature": Signature(user_id=owner.user_id, name="李安全", at=utcnow())}
    for monday in ("2026-11-02", "2026-11-09", "2026-11-16"):
        WeeklyReport(
            business_id=business.id,
            client_id=monday,
            week_start=date.fromisoformat(monday),
            assessment="good",
            **signed,
        ).save()
    MonthlyReport(
        business_id=business.id,
        client_id="m",
        month="2026-11",
        held_on=date(2026, 11, 28),
        attendees=["李"],
        problems="无",
        decisions="无",
        next_focus="无",
        **signed,
    ).save()
    rows = {
        row.code: row
        for row in kpis.indicators(
            regulator_of("320682"), districts=("320682",), period=Period.parse("2026-11"), sector=None
        )
    }
    weekly, monthly = rows["routine.weekly_report_completion"], rows["routine.monthly_meeting_completion"]
    assert (weekly.numerator, weekly.denominator) == (3, 2 * 4)  # two businesses, four weeks ended in November
    assert (monthly.numerator, monthly.denominator, monthly.value) == (1, 2, 0.5)


def test_recall_completion_counts_confirmed_lots(app_context):
    from backend.trace import kpis
    from backend.trace import services as trace
    from tests.builders import shipped_lots, supplier_with_product

    farm, farm_owner, product = supplier_with_product()
    owners = [citizen(), citizen()]
    lots = [shipped_lots(owner, approved(owner), farm, farm_owner, product, [5.0])[0] for owner in owners]
    recall = trace.start_recall(regulator_of("320682"), reason="农残超标", supplier_id=farm.id, product_id=product.id)
    trace.confirm_recall(owners[0].user_id, recall.id, trace_code=lots[0].trace_code, disposal="destroyed")
    rows = _rows(kpis)
    assert rows[("trace.recalls_started", None)].value == 1
    done = rows[("trace.recall_completion", None)]
    assert (done.numerator, done.denominator) == (1, len(recall.targets)) and len(recall.targets) >= 2


def test_risk_grading_coverage_and_rectifications_in_time(app_context):
    from bson import ObjectId

    from backend.inspections import planning
    from backend.inspections.models import Rectification

    graded, ungraded = approved(), approved()
    planning.recompute_risk_grade(graded.id)
    today = today_shanghai()
    for status, deadline in (
        ("accepted", today),
        ("open", max(today - timedelta(days=1), Period.quarter_of(today_shanghai()).start)),
    ):
        Rectification(
            inspection_id=ObjectId(),
            business_id=ungraded.id,
            district_scopes=ungraded.district_scopes,
            item="samples_kept",
            key=False,
            deadline=deadline,
            status=status,
        ).save()
    rows = _rows(planning)
    coverage = rows[("inspections.risk_graded", None)]
    assert (coverage.numerator, coverage.denominator) == (1, 2)
    in_time = rows[("inspections.rectified_in_time", None)]
    assert (in_time.numerator, in_time.denominator) == (1, 2)


@pytest.mark.parametrize(
    ("task_source", "kind"),
    [
        ("2026年国家食品安全监督抽检", "supervisory"),
        ("省级评价性抽检", "evaluative"),
        ("食品安全风险监测", "monitoring"),
        ("市场监管局专项任务", None),
        (None, None),
    ],
)
def test_the_kind_of_sampling_is_read_from_the_task_source(task_source, kind):
    from backend.sampling.models import sampling_type

    assert sampling_type(task_source) == kind


def _sample(number, *, source="监督抽检", verdict="pass", category="粮食", announced=False):
    from bson import ObjectId

    from backend.sampling.models import Sample

    today = today_shanghai()
    Sample(
        sampling_number=number,
        task_source=source,
        sampled_on=today,
        business_name="某店",
        district_code="320682",
        district_scopes=["320682", "320600", "320000"],
        food_name="大米",
        food_category=category,
        lab="省院",
        report_date=today,
        verdict=verdict,
        announcement_id=ObjectId() if announced else None,
    ).save()


def test_pass_rates_per_kind_of_sampling(app_context):
    from backend.sampling import kpis

    for number, source, verdict in (
        ("DC1", "监督抽检", "pass"),
        ("DC2", "监督抽检", "fail"),
        ("DC3", "评价性抽检", "pass"),
        ("DC4", "专项", "pass"),
    ):
        _sample(number, source=source, verdict=verdict)
    rows = _rows(kpis)
    assert (rows[("sampling.pass_rate", None)].numerator, rows[("sampling.pass_rate", None)].denominator) == (3, 4)
    supervisory = rows[("sampling.pass_rate.supervisory", None)]
    assert (supervisory.numerator, supervisory.denominator, supervisory.value) == (1, 2, 0.5)
    assert rows[("sampling.pass_rate.evaluative", None)].value == 1.0
    assert rows[("sampling.pass_rate.monitoring", None)].value is None  # none sampled: no data


def test_residue_samples_per_thousand_residents_and_results_disclosed(app_context):
    from backend.sampling import kpis
    from backend.sampling.models import DistrictResidents

    DistrictResidents(
        id=f"320682-{Period.quarter_of(today_shanghai()).start.year}",
        district_code="320682",
        year=Period.quarter_of(today_shanghai()).start.year,
        residents=4000,
    ).save()
    _sample("R1", category="食用农产品", announced=True)
    _sample("R2", category="蔬菜", announced=True)
    _sample("R3", category="畜禽肉及副产品")
    _sample("R4", category="粮食加工品", announced=True)
    _sample("R5", category="饮料")
    rows = _rows(kpis)
    residues = rows[("sampling.residues_per_thousand_residents", None)]
    # three agricultural samples for 4,000 residents: 0.75 per 1,000
    assert (residues.numerator, residues.denominator, residues.value) == (3, 4000, 0.75)
    assert rows[("sampling.per_thousand_residents", None)].value == 1.25
    disclosed = rows[("sampling.results_disclosed", None)]
    assert (disclosed.numerator, disclosed.denominator, disclosed.value) == (3, 5, 0.6)


@pytest.mark.parametrize(
    ("category", "agricultural"),
    [("食用农产品", True), ("水产品", True), ("新鲜水果", True), ("饮料", False), ("豆制品", False), (None, False)],
)
def test_which_categories_are_agricultural(category, agricultural):
    from backend.sampling.models import is_agricultural

    assert is_agricultural(category) is agricultural
