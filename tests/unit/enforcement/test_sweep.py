"""`python -m backend.enforcement sweep`: a lead for each business that has not confirmed a recalled lot
in time (once, however often it runs), and credit classes whose records left their windows."""

import json
from datetime import timedelta

from backend.core import context
from backend.core.timeutil import utcnow
from backend.enforcement.__main__ import main
from backend.enforcement.models import CreditClass, Disclosure, Lead
from backend.trace import services as trace
from backend.trace.models import Recall
from tests.builders import approved, citizen, regulator_of, shipped_lots, supplier_with_product


def _sweep(monkeypatch, capsys) -> dict:
    runtime = context.current()
    monkeypatch.setattr(context, "from_environment", lambda: runtime)  # the test's stores
    assert main(["sweep"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_holder_that_does_not_confirm_a_recall_in_time_becomes_a_lead_once(app_context, monkeypatch, capsys):
    farm, farm_owner, product = supplier_with_product()
    owners = [citizen(), citizen()]
    canteens = [approved(owner, kind="school_canteen") for owner in owners]
    lots = [
        shipped_lots(owner, canteen, farm, farm_owner, product, [5.0])[0]
        for owner, canteen in zip(owners, canteens, strict=True)
    ]
    recall = trace.start_recall(regulator_of("320682"), reason="腐霉利超标", supplier_id=farm.id, product_id=product.id)
    assert _sweep(monkeypatch, capsys)["leads_raised"] == 0  # still within RECALL_CONFIRM_DAYS
    trace.confirm_recall(owners[0].user_id, recall.id, trace_code=lots[0].trace_code, disposal="destroyed")
    days = context.settings().RECALL_CONFIRM_DAYS
    Recall.objects(id=recall.id).update_one(set__created_at=utcnow() - timedelta(days=days, minutes=1))

    assert _sweep(monkeypatch, capsys)["leads_raised"] == 1
    (lead,) = Lead.objects(source_kind="recall")
    assert lead.business_id == canteens[1].id and recall.number in lead.summary and lots[1].trace_code in lead.summary
    assert lead.source_id == f"{recall.number}:{canteens[1].id}"
    assert _sweep(monkeypatch, capsys)["leads_raised"] == 0  # run again: nothing new
    assert Lead.objects(source_kind="recall").count() == 1


def test_the_sweep_reclassifies_a_business_whose_penalty_left_its_display(app_context, monkeypatch, capsys):
    from backend.enforcement import services

    business, regulator = approved(), regulator_of("320682")
    case = services.simplified_case(
        regulator, {"business_id": str(business.id), "violation": "未公示健康证明", "penalties": [{"kind": "warning"}]}
    )
    services.close(regulator, case.id, {})  # a warning is carried out by its delivery
    assert CreditClass.objects.get(id=business.id).level == "B"
    Disclosure.objects(business_id=business.id).update(set__display_until=utcnow().date() - timedelta(days=1))
    assert _sweep(monkeypatch, capsys)["credit_classes_changed"] == 1
    found = CreditClass.objects.get(id=business.id)
    assert found.level == "A" and [change.level for change in found.history] == ["B", "A"]
    assert _sweep(monkeypatch, capsys)["credit_classes_changed"] == 0
