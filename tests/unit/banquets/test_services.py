"""Banquet rules as tables, and the grade a confirmed incident holds."""

from datetime import date, timedelta

import pytest

from backend.banquets import services
from backend.core.principal import REGULATOR, Principal
from tests.builders import approved, regulator_of


@pytest.mark.parametrize(
    ("district", "threshold"),
    [
        ("320682", {"guests": 50, "notice_days": 3}),  # 江苏: the default
        ("510104", {"guests": 100, "notice_days": 2}),  # 四川: its own
        ("610100", {"guests": 50, "notice_days": 3}),
    ],
)
def test_the_threshold_is_the_longest_district_prefix_that_has_one(district, threshold):
    assert services.threshold_for(district) == threshold


@pytest.mark.parametrize(
    ("guests", "size", "by"),
    [(1, "small", "chef"), (99, "small", "chef"), (100, "medium", "official"), (300, "large", "regulator")],
)
def test_the_size_decides_the_guidance(guests, size, by):
    band = services.size_for(guests)
    assert (band["size"], band["by"]) == (size, by)


@pytest.mark.parametrize(
    ("guests", "notice", "district", "required", "late"),
    [
        (49, 0, "320682", False, False),  # under the threshold: optional, never late
        (50, 3, "320682", True, False),
        (50, 2, "320682", True, True),
        (80, 2, "510104", False, False),  # 四川 asks from 100 guests
        (100, 1, "510104", True, True),
    ],
)
def test_a_report_is_required_and_late_by_the_districts_rule(guests, notice, district, required, late):
    day = date(2026, 12, 10)
    assert services.is_late(day, day - timedelta(days=notice), guests, district) == (required, late)


def test_a_confirmed_incident_holds_the_grade_for_six_months(app_context):
    from backend.inspections.services import _grade_allowed

    business = approved()
    regulator = regulator_of("320682")
    incident = services.report_incident(
        Principal(user_id=regulator.user_id, role=REGULATOR, districts=("320682",)),
        {
            "description": "食堂午餐后多人腹痛",
            "ill": 5,
            "occurred_on": date(2026, 11, 20),
            "address": "江苏省如皋市如城街道",
            "business_code": business.public_code,
        },
    )
    assert services.grade_hold(business.id, date(2026, 11, 25)) is False  # suspected only
    services.decide_incident(regulator, incident.id, {"confirm": True, "reason": "确认"})
    assert _grade_allowed(business, date(2026, 11, 25)) is False
    assert _grade_allowed(business, date(2027, 5, 21)) is True  # six months on
    assert _grade_allowed(business, date(2026, 11, 19)) is True  # before it


def test_whoever_guides_a_banquet_is_reminded_the_day_before_once(app_context, wechat):
    from backend.banquets.models import GuidanceTask
    from tests.builders import citizen

    chef_user = citizen()
    task = GuidanceTask(
        banquet_id=_banquet().id,
        district_scopes=["320682"],
        size="small",
        guidance="checklist",
        by="chef",
        assignee_user_id=chef_user.user_id,
        due_on=date(2026, 12, 20),
    ).save()
    assert services.remind_guidance(date(2026, 12, 18)) == 0
    assert services.remind_guidance(date(2026, 12, 19)) == 1
    assert services.remind_guidance(date(2026, 12, 19)) == 0  # once
    (message,) = wechat.messages
    assert message["template_id"] == "sfs-banquet-guidance" and message["data"]["date2"]["value"] == "2026-12-21"
    assert task.status == "open"


def _banquet():
    from backend.banquets.models import Banquet

    return Banquet(
        user_id="6b0000000000000000000001",
        client_key="k",
        host_name="张三",
        host_phone="13800001111",
        held_on=date(2026, 12, 21),
        meal="lunch",
        address="如皋市如城街道海阳村",
        district_code="320682",
        district_scopes=["320682"],
        guests=60,
        tables=6,
        dishes=["红烧肉"],
        chef_id="6b0000000000000000000002",
        pledge_name="张三",
        reported_on=date(2026, 12, 10),
        notice_days=11,
        required=True,
        late=False,
        chef_certificate_valid=True,
        size="small",
    ).save()


def test_a_chef_whose_certificate_does_not_cover_the_day_is_flagged_or_refused_by_the_rules(app_context, monkeypatch):
    from backend.banquets.models import Chef, ChefCertificate
    from backend.core.errors import InvalidInput
    from backend.core.timeutil import today_shanghai
    from tests.builders import citizen

    today = today_shanghai()
    chef = Chef(
        user_id=citizen().user_id,
        name="陆海明",
        id_digest="d" * 64,
        id_last4="0630",
        phone="13962791102",
        district_code="320682",
        district_scopes=["320682"],
        certificates=[
            ChefCertificate(
                number="J", issuer="疾控", issued_on=today - timedelta(days=360), expires_on=today + timedelta(days=2)
            )
        ],
        status="approved",
        public_code="chef-code-1",
    ).save()
    values = {
        "client_key": "k1",
        "host_name": "张三",
        "host_phone": "13800001111",
        "held_on": today + timedelta(days=5),  # after the certificate ends
        "meal": "lunch",
        "address": "如皋市如城街道海阳村",
        "district_code": "320682",
        "guests": 60,
        "tables": 6,
        "dishes": ["红烧肉"],
        "chef_code": chef.public_code,
        "pledge_name": "张三",
    }
    host = citizen().user_id
    banquet, created = services.report_banquet(host, values)
    assert created and banquet.chef_certificate_valid is False  # flagged, by default
    strict = {**services.rules(), "refuse_without_certificate": True}
    monkeypatch.setattr(services, "rules", lambda: strict)
    with pytest.raises(InvalidInput) as refused:
        services.report_banquet(host, {**values, "client_key": "k2"})
    assert "chef_code" in refused.value.errors
