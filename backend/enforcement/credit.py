"""Credit classes A–D (信用风险分类) for regulators, from rules kept as data with a version
(`data/credit_rules.json`), recomputed whenever a record that feeds them changes (a case filed or
closed, a penalty published, a listing, a granted repair) and by the daily sweep (time moves records
out of their windows); each change kept in the class's history. The class feeds the risk grade (its
`credit` weight), and penalties feed its `penalty` input, through `risk_inputs`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from backend.core import domains
from backend.core.ids import object_id
from backend.core.timeutil import today_shanghai
from backend.enforcement.models import (
    OPEN_CASE_STATUSES,
    Case,
    CreditChange,
    CreditClass,
    Disclosure,
    DishonestListing,
)
from backend.workflow.services import upsert_record

YEAR = timedelta(days=365)


def credit_rules() -> dict:
    return domains.data_file("backend.enforcement", "data/credit_rules.json")


def credit_class(inputs: dict, rules: dict | None = None) -> str:
    """The first rule any of whose inputs reaches its count gives the class; else the default. Pure."""
    rules = rules or credit_rules()
    for rule in rules["rules"]:
        if any(inputs.get(name, 0) >= least for name, least in rule["any_of"].items()):
            return rule["class"]
    return rules["default"]


def _is_serious(disclosure: Disclosure) -> bool:
    """Shown for years, not months: above a warning or a small fine (how `display_until` was set)."""
    return disclosure.display_until > disclosure.decided_on + YEAR


def credit_inputs(business_id: Any, today: date) -> dict:
    shown = list(Disclosure.objects.of_business(business_id).in_display(today).only("decided_on", "display_until"))
    return {
        "dishonest_listing": DishonestListing.objects.of_business(business_id).in_force(today).count(),
        "serious_penalty": sum(1 for d in shown if _is_serious(d)),
        "minor_penalty": sum(1 for d in shown if not _is_serious(d)),
        "penalties_in_year": Disclosure.objects.of_business(business_id)
        .filter(decided_on__gte=today - YEAR, withdrawn_on=None)
        .count(),
        "open_case": Case.objects.of_business(business_id).filter(status__in=list(OPEN_CASE_STATUSES)).count(),
    }


def refresh(business_id: Any) -> CreditClass:
    """Recompute the business's class; a change is kept in its history (audited) and tells the risk
    grade. Run twice, the second run writes nothing."""
    from backend.registry.models import Business

    business_id = object_id(business_id)
    today = today_shanghai()
    rules = credit_rules()
    inputs = credit_inputs(business_id, today)
    level = credit_class(inputs, rules)
    current = CreditClass.objects(id=business_id).first()
    if current is not None and current.level == level and current.inputs == inputs:
        return current
    business = Business.objects(id=business_id).only("district_scopes").first()
    updates: dict[str, Any] = {
        "set__inputs": inputs,
        "set__rules_version": rules["version"],
        "set__district_scopes": list(business.district_scopes) if business else [],
    }
    if current is None or current.level != level:
        updates |= {
            "set__level": level,
            "set__since": today,
            "push__history": CreditChange(level=level, since=today, inputs=inputs, rules_version=rules["version"]),
        }
    changed = upsert_record(
        CreditClass,
        {"id": business_id},
        updates=updates,
        action="classified",
        actor_id=None,
        target_type="credit_class",
    )
    if current is None or current.level != level:
        domains.announce("risk_input_changed", business_id=business_id)
    return changed


def risk_inputs(business_id: Any, since: date) -> dict:
    """What enforcement adds to the risk grade: penalties decided since the day, and the credit class."""
    found = CreditClass.objects(id=business_id).only("level").first()
    penalties = Case.objects.of_business(business_id).filter(decision__decided_on__gte=since).only("decision")
    return {
        "penalty": sum(1 for case in penalties if case.decision and case.decision.penalties),
        "credit_class": found.level if found else credit_rules()["default"],
    }


def sweep() -> int:
    """Reclassify every business not in the default class (its records may have left their windows);
    returns how many changed."""
    changed = 0
    for business_id in CreditClass.objects(level__ne=credit_rules()["default"]).distinct("id"):
        before = CreditClass.objects(id=business_id).only("level").first().level
        changed += refresh(business_id).level != before
    return changed
