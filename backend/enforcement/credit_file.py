"""The credit file (一户一档, Food Safety Law art. 113): one record per business for regulators —
licence history, grades, inspections, rectifications, samples and their dispositions, complaints
upheld, recalls, cases and penalties, the dishonesty list, camera problems — newest first, each entry
a link to its record. Every section is one indexed query on the business, capped at `PER_SECTION`
entries (its total counted beside it), so a business with years of records is still one quick page."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from backend.core.principal import Principal
from backend.core.timeutil import SHANGHAI
from backend.enforcement.credit import credit_rules
from backend.enforcement.models import (
    CASE_STATUSES,
    Case,
    CreditClass,
    CreditRepair,
    Disclosure,
    DishonestListing,
    Lead,
)

PER_SECTION = 50
SECTIONS = {
    "licence": "许可与登记",
    "grade": "量化分级",
    "risk": "风险分级",
    "inspection": "监督检查",
    "rectification": "整改",
    "sample": "抽检",
    "disposition": "不合格核查处置",
    "complaint": "投诉举报查实",
    "recall": "召回",
    "lead": "线索",
    "case": "行政处罚案件",
    "penalty": "行政处罚公示",
    "listing": "严重违法失信名单",
    "repair": "信用修复",
    "camera": "明厨亮灶问题",
}
CASE_STATUS_WORDS = dict(zip(CASE_STATUSES, ("已立案", "已告知", "已决定", "已送达", "已执行", "已结案"), strict=True))


def _day(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).date() if value.tzinfo else value.date()
    return value


def _entry(section: str, on, title: str, status: str | None, link: str | None) -> dict:
    return {"section": section, "on": _day(on), "title": title, "status": status, "link": link}


def _licence(business) -> tuple[list[dict], int]:
    from backend.registry.models import BusinessChange

    entries = []
    if business.approved_at:
        number = business.licence.number if business.licence and business.licence.number else "—"
        entries.append(_entry("licence", business.approved_at, f"登记通过，许可证 {number}", business.status, None))
    changes = BusinessChange.objects(business_id=business.id).order_by("-created_at")
    for change in changes[:PER_SECTION]:
        what = "注销申请" if change.kind == "closure" else "变更申请"
        if change.licence and change.licence.number:
            what += f"（许可证 {change.licence.number}）"
        entries.append(_entry("licence", change.created_at, what, change.status, "/api/v1/console/business-changes"))
    return entries, changes.count() + (1 if business.approved_at else 0)


def _grades(business_id) -> tuple[list[dict], list[dict]]:
    from backend.inspections.models import AnnualGrade, RiskGrade

    annual = AnnualGrade.objects(id=business_id).first()
    risk = RiskGrade.objects(id=business_id).first()
    link = f"/api/v1/console/businesses/{business_id}/risk-grade"
    grades = [
        _entry("grade", change.since, f"量化分级 {change.level or '不评级'}：{change.reason}", None, None)
        for change in reversed((annual.history if annual else [])[-PER_SECTION:])
    ]
    risks = [
        _entry("risk", change.since, f"风险分级 {change.level}（{change.score:g} 分）", None, link)
        for change in reversed((risk.history if risk else [])[-PER_SECTION:])
    ]
    return grades, risks


def _capped(queryset, order: str, make) -> tuple[list[dict], int]:
    return [make(record) for record in queryset.order_by(order)[:PER_SECTION]], queryset.count()


def credit_file(principal: Principal, business_id: Any) -> dict:
    from backend.cameras.models import CameraEvent
    from backend.complaints.models import CLOSED, Complaint
    from backend.inspections.models import SIGNED, Inspection, Rectification
    from backend.inspections.rules import RESULT_LABELS
    from backend.registry import services as registry
    from backend.sampling.models import VERDICT_LABELS, DispositionCase, Sample
    from backend.trace.models import Recall

    business = registry.get_for_regulator(principal, business_id)
    bid = business.id
    sections: dict[str, tuple[list[dict], int]] = {"licence": _licence(business)}
    grades, risks = _grades(bid)
    sections["grade"], sections["risk"] = (grades, len(grades)), (risks, len(risks))
    sections["inspection"] = _capped(
        Inspection.objects(business_id=bid, status=SIGNED),
        "-inspected_on",
        lambda i: _entry(
            "inspection",
            i.inspected_on,
            f"监督检查：{RESULT_LABELS.get(i.result, i.result or '—')}",
            i.status,
            f"/api/v1/console/inspections/{i.id}",
        ),
    )
    sections["rectification"] = _capped(
        Rectification.objects(business_id=bid),
        "-deadline",
        lambda r: _entry(
            "rectification",
            r.deadline,
            f"整改 {r.item}{'（关键项）' if r.key else ''}：{r.text or ''}",
            r.status,
            "/api/v1/console/rectifications",
        ),
    )
    sections["sample"] = _capped(
        Sample.objects(business_id=bid),
        "-sampled_on",
        lambda s: _entry(
            "sample",
            s.sampled_on,
            f"抽检 {s.food_name}：{VERDICT_LABELS.get(s.verdict, s.verdict)}",
            s.verdict,
            f"/api/v1/console/samples/{s.sampling_number}",
        ),
    )
    sections["disposition"] = _capped(
        DispositionCase.objects(business_id=bid),
        "-opened_at",
        lambda c: _entry(
            "disposition",
            c.opened_at,
            f"不合格核查处置 {c.food_name}（{'、'.join(c.failed_items[:5])}）",
            c.status,
            f"/api/v1/console/dispositions/{c.id}",
        ),
    )
    sections["complaint"] = _capped(
        Complaint.objects(business_id=bid, status=CLOSED, upheld=True),
        "-received_at",
        lambda c: _entry(
            "complaint", c.received_at, f"投诉举报 {c.number} 查实", c.status, f"/api/v1/console/complaints/{c.number}"
        ),
    )
    sections["recall"] = _capped(
        Recall.objects(targets__holder_business_id=bid),
        "-created_at",
        lambda r: _entry(
            "recall", r.created_at, f"召回 {r.number}：{r.reason}", r.status, f"/api/v1/console/recalls/{r.id}"
        ),
    )
    sections["lead"] = _capped(
        Lead.objects.of_business(bid),
        "-received_on",
        lambda lead: _entry(
            "lead", lead.received_on, lead.summary[:100], lead.status, f"/api/v1/console/leads/{lead.id}"
        ),
    )
    sections["case"] = _capped(
        Case.objects.of_business(bid),
        "-filed_on",
        lambda c: _entry(
            "case",
            c.filed_on,
            f"{c.violation}{'（简易程序）' if c.procedure == 'simplified' else ''}",
            CASE_STATUS_WORDS.get(c.status, c.status),
            f"/api/v1/console/cases/{c.id}",
        ),
    )
    sections["penalty"] = _capped(
        Disclosure.objects.of_business(bid),
        "-decided_on",
        lambda d: _entry(
            "penalty",
            d.decided_on,
            f"{d.number}：{'；'.join(d.penalties)}（公示至 {d.display_until.isoformat()}）",
            "withdrawn" if d.withdrawn_on else "shown",
            f"/api/v1/console/cases/{d.id}",
        ),
    )
    sections["listing"] = _capped(
        DishonestListing.objects.of_business(bid),
        "-listed_on",
        lambda listing: _entry(
            "listing",
            listing.listed_on,
            f"列入严重违法失信名单（{listing.basis}）",
            "removed" if listing.removed_on else "listed",
            "/api/v1/console/dishonest",
        ),
    )
    sections["repair"] = _capped(
        CreditRepair.objects.of_business(bid),
        "-created_at",
        lambda r: _entry("repair", r.created_at, "信用修复申请", r.status, "/api/v1/console/credit-repairs"),
    )
    sections["camera"] = _capped(
        CameraEvent.objects.problems_of(bid),
        "-created_at",
        lambda e: _entry(
            "camera",
            e.created_at,
            f"明厨亮灶问题：{e.note or e.label}",
            e.problem.status,
            "/api/v1/console/camera-events",
        ),
    )
    entries = sorted(
        (entry for found, _total in sections.values() for entry in found),
        key=lambda entry: entry["on"] or date.min,
        reverse=True,
    )
    found = CreditClass.objects(id=bid).first()
    rules = credit_rules()
    return {
        "business": business,
        "credit_class": {
            "level": found.level if found else rules["default"],
            "label": rules["classes"][found.level if found else rules["default"]],
            "since": found.since if found else None,
            "inputs": found.inputs if found else {},
            "rules_version": found.rules_version if found else rules["version"],
            "history": list(reversed(found.history)) if found else [],
        },
        "counts": [
            {"section": name, "label": SECTIONS[name], "total": total, "shown": len(found_entries)}
            for name, (found_entries, total) in sections.items()
        ],
        "entries": entries,
    }
