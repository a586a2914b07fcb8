"""Risk grades, the plan, random draws and KPIs."""

from datetime import date

import pytest

from backend.audit.models import AuditEntry
from backend.core import indicators
from backend.core.errors import InvalidInput
from backend.core.timeutil import today_shanghai
from backend.inspections import planning, services
from backend.inspections.models import Checklist, RandomDraw
from tests.builders import approved, citizen, regulator_of


@pytest.mark.parametrize(
    "kind,scale,inputs,level",
    [
        ("restaurant_small", None, {}, "A"),  # 14
        ("school_canteen", None, {}, "B"),  # 30
        ("school_canteen", "large", {"non_compliant_inspection": 1}, "C"),  # 30 + 10 + 12 = 52
        ("central_kitchen", "large", {"non_compliant_inspection": 5}, "D"),  # 40 + capped 40
    ],
)
def test_risk_score_bands(kind, scale, inputs, level):
    assert planning.risk_score(kind, scale, inputs)[1] == level


@pytest.fixture
def district(app_context):
    businesses = [
        approved(
            citizen(),
            licence={
                "number": "JY23206820012345",
                "issued_on": date(2020, 1, 1),
                "expires_on": date(2030, 1, 1),
                "authority": "如皋市市场监督管理局",
            },
        )
        for _ in range(4)
    ]
    inspectors = [regulator_of("320682") for _ in range(4)]
    return businesses, inspectors


def _inspect(lead, second, business):
    services.ensure_shipped_checklists()
    results = [{"item": i.code, "result": "passed"} for i in Checklist.objects.latest_for("catering").items]
    draft = services.create_draft(
        lead,
        {
            "business_id": str(business.id),
            "inspected_on": today_shanghai(),
            "type": "routine",
            "inspectors": [second.user_id],
            "results": results,
        },
    )
    return services.sign(lead, draft.id)


def test_the_plan_says_who_is_due_done_or_overdue_and_the_coverage(district):
    businesses, inspectors = district
    _inspect(inspectors[0], inspectors[1], businesses[0])
    plan = planning.inspection_plan(inspectors[0], year=today_shanghai().year)
    states = {row["business_id"]: row["state"] for row in plan["rows"]}
    assert states[str(businesses[0].id)] == "done"
    assert {states[str(b.id)] for b in businesses[1:]} == {"overdue"}  # never inspected
    assert plan["coverage_rate"] == 0.25
    assert [row["state"] for row in plan["rows"]] == ["overdue"] * 3 + ["done"]  # the most late first
    assert plan["counts"] == {"overdue": 3, "due": 0, "done": 1}
    done = planning.inspection_plan(inspectors[0], year=today_shanghai().year, state="done")
    assert [row["business_id"] for row in done["rows"]] == [str(businesses[0].id)] and done["counts"] == plan["counts"]
    assert planning.inspection_plan(regulator_of("310112"), year=today_shanghai().year)["rows"] == []


def test_a_draw_is_reproducible_audited_and_avoids_recent_inspectors(district):
    businesses, inspectors = district
    _inspect(inspectors[0], inspectors[1], businesses[0])
    lead = inspectors[0]
    first = planning.draw(lead, count=4, district="320682")
    again = planning.draw(lead, count=4, district="320682")
    assert first.seed != again.seed and len(first.seed) == 32  # the platform's, never the caller's
    assert len(first.pairs) == 4 and planning.verify_draw(lead, first.id) and planning.verify_draw(lead, again.id)
    seeded, made = AuditEntry.objects(target_id=str(first.id)).order_by("seq")
    assert (
        seeded.action == "random_draw.seeded" and seeded.after["seed"] == first.seed and not seeded.after.get("pairs")
    )
    assert made.action == "random_draw.made" and made.after["pairs"]
    done_by = {inspectors[0].user_id, inspectors[1].user_id}
    (pair,) = [p for p in first.pairs if p["business_id"] == str(businesses[0].id)]
    assert not done_by & set(pair["inspectors"])
    RandomDraw.objects(id=first.id).update_one(set__seed="0ther5eed")  # tampered with
    assert not planning.verify_draw(lead, first.id)
    with pytest.raises(InvalidInput) as too_many:
        planning.draw(lead, count=50, district="320682")
    assert "count" in too_many.value.errors


def test_kpis_per_district(district):
    businesses, inspectors = district
    _inspect(inspectors[0], inspectors[1], businesses[0])
    rows = indicators.run(
        planning.indicators,
        inspectors[0],
        districts=None,
        period=indicators.Period.parse(str(today_shanghai().year)),
        sector=None,
    )
    found = {row.code: row for row in rows}
    assert {row.district_code for row in rows} == {"320682"}
    coverage = found["inspections.coverage_two_years"]
    assert (coverage.numerator, coverage.denominator, coverage.value) == (1, 4, 0.25)
    assert found["inspections.results.compliant"].value == 1 and found["inspections.grade_good_or_better"].value == 1.0
    assert "inspections.coverage_two_years" in indicators.to_csv(rows)
    by_kind = indicators.run(
        planning.indicators,
        inspectors[0],
        districts=["320682"],
        period=indicators.Period.parse("2026"),
        sector="farm_base",
    )
    assert {row.code: row for row in by_kind}["inspections.coverage_two_years"].denominator == 0
