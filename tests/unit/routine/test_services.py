"""The routine (三件事) through its services: the list, records from flaky phones, reviews, compliance, card."""

import json
import uuid
from datetime import timedelta

import pytest

from backend.core.errors import InvalidInput
from backend.core.timeutil import today_shanghai
from backend.public_card import services as cards
from backend.registry.errors import BusinessNotFound
from backend.routine import services
from backend.routine.errors import AlreadyRecorded, ClientIdReused
from backend.routine.models import NO_PROBLEM_TEXT, DailyCheck
from backend.staff import services as staff
from tests.builders import approved, citizen, regulator_of, staff_values


@pytest.fixture
def shop(app_context):
    owner = citizen()
    return approved(owner), owner


def _client_id():
    return uuid.uuid4().hex


def _all_passed(owner, shop, day=None, **overrides):
    items = services.risk_list(owner.user_id, shop.id).items
    results = [{"item": item.code, "result": "passed"} for item in items]
    return {
        "client_id": _client_id(),
        "day": day or today_shanghai(),
        "results": results,
        "signed_name": "李安全",
        **overrides,
    }


def test_the_list_starts_from_the_template_of_the_kind_and_takes_own_items(shop):
    business, owner = shop
    started = services.risk_list(owner.user_id, business.id)
    assert started.template == "catering" and any(item.code == "samples_kept" for item in started.items)
    grown = services.add_risk_item(owner.user_id, business.id, "燃气管道每日检查")
    assert len(grown.items) == len(started.items) + 1 and grown.items[-1].own


def test_a_day_without_problems_is_recorded_as_such_and_a_resubmission_creates_nothing(shop):
    business, owner = shop
    values = _all_passed(owner, business)
    first = services.record_daily_check(owner.user_id, business.id, values)
    assert first.summary == NO_PROBLEM_TEXT
    assert services.record_daily_check(owner.user_id, business.id, values).id == first.id  # the phone retried
    assert DailyCheck.objects(business_id=business.id).count() == 1
    with pytest.raises(AlreadyRecorded):
        services.record_daily_check(owner.user_id, business.id, {**values, "client_id": _client_id()})
    with pytest.raises(ClientIdReused):
        services.record_daily_check(owner.user_id, business.id, {**values, "day": today_shanghai() - timedelta(days=1)})


def test_problems_need_a_note_and_go_to_the_director_or_head(shop):
    business, owner = shop
    staff.add_staff(owner.user_id, business.id, staff_values(name="王总监", safety_roles=["director"]))
    values = _all_passed(owner, business)
    values["results"][0] = {"item": values["results"][0]["item"], "result": "failed"}
    with pytest.raises(InvalidInput):
        services.record_daily_check(owner.user_id, business.id, values)
    values["results"][0]["note"] = "冷藏柜温度12℃"
    check = services.record_daily_check(owner.user_id, business.id, values)
    assert check.escalated_to == ["王总监"] and check.summary is None


@pytest.mark.parametrize(
    "change",
    [
        lambda v: {**v, "results": v["results"][1:]},  # an item left out
        lambda v: {**v, "results": [*v["results"], {"item": "nonsense", "result": "passed"}]},
        lambda v: {**v, "results": [*v["results"], v["results"][0]]},  # an item twice
        lambda v: {**v, "day": today_shanghai() + timedelta(days=1)},
        lambda v: {**v, "day": today_shanghai() - timedelta(days=30)},
    ],
)
def test_bad_daily_checks_are_refused(shop, change):
    business, owner = shop
    with pytest.raises(InvalidInput):
        services.record_daily_check(owner.user_id, business.id, change(_all_passed(owner, business)))


def test_another_business_cannot_be_recorded_for(shop):
    business, owner = shop
    other_owner = citizen()
    with pytest.raises(BusinessNotFound):
        services.record_daily_check(other_owner.user_id, business.id, _all_passed(owner, business))


def test_a_weekly_report_refers_to_the_weeks_daily_problems(shop):
    business, owner = shop
    values = _all_passed(owner, business)
    failed_item = values["results"][1]["item"]
    values["results"][1] = {"item": failed_item, "result": "failed", "note": "留样不足"}
    services.record_daily_check(owner.user_id, business.id, values)
    report = {
        "client_id": _client_id(),
        "week_start": today_shanghai(),
        "assessment": "fair",
        "signed_name": "李安全",
        "problems": [f"{today_shanghai().isoformat()}:{failed_item}"],
        "fixes": [{"problem": "留样不足", "owner": "李安全", "deadline": today_shanghai() + timedelta(days=3)}],
    }
    stored = services.record_weekly_report(owner.user_id, business.id, report)
    assert stored.week_start == today_shanghai() - timedelta(days=today_shanghai().weekday())
    with pytest.raises(InvalidInput):
        services.record_weekly_report(
            owner.user_id, business.id, {**report, "client_id": _client_id(), "problems": ["2020-01-01:anything"]}
        )


def test_compliance_counts_days_weeks_and_months_in_the_districts(shop):
    business, owner = shop
    for back in range(3):
        services.record_daily_check(
            owner.user_id, business.id, _all_passed(owner, business, today_shanghai() - timedelta(days=back))
        )
    services.record_monthly_report(
        owner.user_id,
        business.id,
        {
            "client_id": _client_id(),
            "held_on": today_shanghai(),
            "problems": "冷链",
            "decisions": "更换冷柜",
            "next_focus": "留样",
            "signed_name": "张总",
        },
    )
    period = {"period_from": today_shanghai() - timedelta(days=9), "period_to": today_shanghai()}
    (row,) = services.compliance(regulator_of("320682"), **period)
    assert (row.days, row.days_recorded, row.months_reported, row.no_officer) == (10, 3, 1, True)
    assert services.compliance(regulator_of("310112"), **period) == []
    (district,) = services.by_district([row])
    assert district["days_recorded_share"] == 0.3
    assert "days_recorded" in services.compliance_csv([row]).splitlines()[0]


def test_the_card_says_how_many_of_the_last_30_days_were_checked(shop):
    business, owner = shop
    for back in (0, 1):
        services.record_daily_check(
            owner.user_id, business.id, _all_passed(owner, business, today_shanghai() - timedelta(days=back))
        )
    card = cards.get(business.public_code)
    assert "近30天日管控 2/30 天" in card.html
    assert json.loads(card.json)["sections"]["routine"] == {"window_days": 30, "days_recorded": 2}


def test_a_daily_check_is_corrected_only_within_the_backfill_window_and_the_audit_keeps_the_old(shop):
    from backend.audit.models import AuditEntry
    from backend.core import context
    from backend.routine.errors import CorrectionTooLate

    business, owner = shop
    values = _all_passed(owner, business, day=today_shanghai() - timedelta(days=2))
    check = services.record_daily_check(owner.user_id, business.id, values)
    correction = {**values, "version": check.version, "reason": "签名人写错", "signed_name": "王主管"}
    corrected = services.correct_daily_check(owner.user_id, business.id, check.id, correction)
    assert corrected.signature.name == "王主管" and corrected.version == check.version + 1
    entry = AuditEntry.objects(target_id=str(check.id), action="daily_check.corrected").get()
    assert entry.after["reason"] == "签名人写错" and entry.before["signature"]["name"] == "李安全"
    runtime = context.current()
    shorter = context.Runtime(runtime.settings.replace(ROUTINE_BACKFILL_DAYS=1), runtime.stores)
    with context.use(shorter), pytest.raises(CorrectionTooLate):
        services.correct_daily_check(owner.user_id, business.id, check.id, {**correction, "version": 2})
    stranger = citizen()
    with pytest.raises(BusinessNotFound):
        services.correct_daily_check(stranger.user_id, business.id, check.id, {**correction, "version": 2})
