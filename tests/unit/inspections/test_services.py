"""Inspections through the services: scope, inspectors, templates, signing, rectification, grades, card."""

import json
import threading
from datetime import date, timedelta

import pytest

from backend.core.errors import InvalidInput
from backend.core.timeutil import today_shanghai
from backend.inspections import services
from backend.inspections.errors import InspectionSigned
from backend.inspections.models import AnnualGrade, Checklist, Rectification
from backend.public_card import services as cards
from backend.registry.errors import BusinessNotFound
from backend.workflow.errors import TransitionConflict
from tests.builders import approved, citizen, regulator_of


@pytest.fixture
def setting(app_context):
    owner = citizen()
    # licensed long ago, so inspections are graded
    business = approved(
        owner,
        licence={
            "number": "JY23206820012345",
            "issued_on": date(2020, 1, 1),
            "expires_on": date(2030, 1, 1),
            "authority": "如皋市市场监督管理局",
        },
    )
    lead, second = regulator_of("320682"), regulator_of("320600")
    return business, owner, lead, second


def _draft(lead, second, business, failed=(), **extra):
    services.ensure_shipped_checklists()
    checklist = Checklist.objects.latest_for("catering")
    results = [
        {
            "item": i.code,
            "result": "failed" if i.code in failed else "passed",
            "note": "现场发现" if i.code in failed else None,
        }
        for i in checklist.items
    ]
    return services.create_draft(
        lead,
        {
            "business_id": str(business.id),
            "inspected_on": today_shanghai(),
            "type": "routine",
            "inspectors": [second.user_id],
            "results": results,
            **extra,
        },
    )


def test_scope_inspectors_and_the_template_are_checked(setting):
    business, _owner, lead, second = setting
    with pytest.raises(BusinessNotFound):
        _draft(regulator_of("310112"), regulator_of("310112"), business)
    with pytest.raises(InvalidInput) as alone:
        services.create_draft(
            lead, {"business_id": str(business.id), "inspected_on": today_shanghai(), "type": "routine"}
        )
    assert "inspectors" in alone.value.errors
    with pytest.raises(InvalidInput) as unknown:
        services.create_draft(
            lead,
            {
                "business_id": str(business.id),
                "inspected_on": today_shanghai(),
                "type": "routine",
                "inspectors": [second.user_id],
                "results": [{"item": "invented", "result": "passed"}],
            },
        )
    assert "results" in unknown.value.errors


def test_signing_computes_opens_rectifications_grades_and_freezes(setting):
    business, _owner, lead, second = setting
    draft = _draft(lead, second, business, failed=("cold_chain",))
    signed = services.sign(lead, draft.id)
    assert (signed.result, signed.score, signed.dynamic_grade) == ("basically_compliant", 9.5, "excellent")
    (fix,) = Rectification.objects(inspection_id=signed.id)
    assert fix.item == "cold_chain" and not fix.key and fix.deadline > today_shanghai()
    assert AnnualGrade.objects.get(id=business.id).level == "A"
    with pytest.raises(InspectionSigned):
        services.update_draft(lead, signed.id, {"results": []})
    with pytest.raises(InspectionSigned):
        services.sign(lead, signed.id)
    card = json.loads(cards.get(business.public_code).json)
    assert card["grade"]["colour"] == "green" and card["latest_inspection"]["face"] == "大笑"
    assert card["latest_inspection"]["open_rectifications"] == 1


def test_a_new_licence_gets_a_result_but_no_grade(app_context):
    owner = citizen()
    fresh = approved(
        owner,
        licence={
            "number": "JY23206820012345",
            "issued_on": today_shanghai() - timedelta(days=20),
            "expires_on": today_shanghai() + timedelta(days=1800),
            "authority": "如皋市市场监督管理局",
        },
    )
    lead, second = regulator_of("320682"), regulator_of("320682")
    signed = services.sign(lead, _draft(lead, second, fresh).id)
    assert signed.result == "compliant" and signed.dynamic_grade is None
    assert AnnualGrade.objects.get(id=fresh.id).level is None


def test_evidence_review_races_have_one_winner(setting, app_context):
    business, owner, lead, second = setting
    signed = services.sign(lead, _draft(lead, second, business, failed=("samples_kept",)).id)
    (fix,) = Rectification.objects(inspection_id=signed.id)
    assert fix.key
    services.submit_evidence(owner.user_id, business.id, fix.id, "补齐留样并培训", [])
    barrier, outcomes = threading.Barrier(2), []

    def review(accept):
        with app_context.app_context():
            barrier.wait()
            try:
                outcomes.append(services.review_rectification(lead, fix.id, accept, None).status)
            except TransitionConflict:
                outcomes.append(409)

    threads = [threading.Thread(target=review, args=(accept,)) for accept in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) in ([409, "accepted"], [409, "open"])


def test_overdue_key_items_are_listed_and_strangers_cannot_submit_evidence(setting):
    business, owner, lead, second = setting
    signed = services.sign(lead, _draft(lead, second, business, failed=("samples_kept",)).id)
    (fix,) = Rectification.objects(inspection_id=signed.id)
    Rectification.objects(id=fix.id).update_one(set__deadline=today_shanghai() - timedelta(days=1))  # time passes
    assert [r.id for r in services.overdue_rectifications(lead, key_only=True)] == [fix.id]
    assert list(services.overdue_rectifications(regulator_of("310112"))) == []
    other_owner = citizen()
    other = approved(other_owner)
    with pytest.raises(Exception) as refused:
        services.submit_evidence(other_owner.user_id, other.id, fix.id, "不是我的", [])
    assert getattr(refused.value, "http_status", None) == 404


def test_a_grade_by_hand_needs_a_reason_and_is_history(setting):
    business, _owner, lead, _second = setting
    with pytest.raises(InvalidInput):
        services.set_grade_by_hand(lead, business.id, "C", "  ")
    services.set_grade_by_hand(lead, business.id, "C", "食物中毒事件")
    grade = services.set_grade_by_hand(lead, business.id, "B", "整改到位")
    assert [(h.level, h.until is not None) for h in grade.history] == [("C", True), ("B", False)]
    assert json.loads(cards.get(business.public_code).json)["grade"]["colour"] == "yellow"


def test_a_new_checklist_version_leaves_the_old_one(setting):
    from backend.core.principal import ADMIN, Principal

    admin = Principal(user_id="6b0000000000000000000009", role=ADMIN)
    services.ensure_shipped_checklists()
    loaded = services.load_checklist(
        admin,
        {
            "kind": "catering",
            "name": "餐饮（省版）",
            "business_kinds": ["restaurant_small"],
            "thresholds": {"basically_compliant_max_general_failures": 3},
            "items": [{"code": "licence_valid", "text": "许可证有效", "key": True, "points": 10}],
        },
    )
    shipped = max(c.version for c in Checklist.objects(kind="catering") if c.id != loaded.id)
    assert loaded.version == shipped + 1 and Checklist.objects(kind="catering", version=1).first().items


def test_the_card_lists_recent_results_newest_first_with_a_correction_in_place_of_what_it_corrects(setting):
    business, _owner, lead, second = setting
    earlier = services.sign(
        lead,
        _draft(lead, second, business, failed=("samples_kept",), inspected_on=today_shanghai() - timedelta(days=30)).id,
    )
    wrong = services.sign(lead, _draft(lead, second, business, failed=("cold_chain",)).id)
    services.sign(lead, _draft(lead, second, business, corrects=str(wrong.id)).id)
    card = cards.get(business.public_code)
    history = json.loads(card.json)["latest_inspection"]["history"]
    assert [(h["date"], h["result"]) for h in history] == [
        (today_shanghai().isoformat(), "compliant"),
        ((today_shanghai() - timedelta(days=30)).isoformat(), earlier.result),
    ]
    assert history[0]["type_label"] == "日常检查" and "近期检查记录" in card.html
