"""今日待办 for enforcement: leads to review by their filing deadline, and open cases by the deadline of
their next step (the decision, then its delivery)."""

from __future__ import annotations

from backend.core.principal import Principal
from backend.core.worklist import WorkList, work_list
from backend.enforcement.models import DECIDED, NEW, OPEN_CASE_STATUSES, Case, Lead

CASE_STEPS = {"filed": "待告知", "notified": "待决定", "decided": "待送达", "delivered": "待执行", "executed": "待结案"}


def _next_due(case: Case):
    if case.status == DECIDED and case.decision is not None:
        return case.decision.delivery_due
    return case.decision_due if case.status in ("filed", "notified") else None


def work(principal: Principal, today) -> list[WorkList]:
    if not principal.is_console_user:
        return []
    leads = Lead.objects.visible_to(principal).filter(status=NEW).order_by("filing_due")
    cases = Case.objects.visible_to(principal).filter(status__in=OPEN_CASE_STATUSES).order_by("decision_due")
    return [
        work_list(
            "enforcement.leads",
            "待审查的案件线索",
            leads,
            lambda lead: f"{lead.business_name or ''} · {lead.summary[:40]}",
            today,
            deadline=lambda lead: lead.filing_due,
        ),
        work_list(
            "enforcement.cases",
            "办理中的行政处罚案件",
            cases,
            lambda case: f"{case.business_name or ''} · {case.violation} · {CASE_STEPS.get(case.status, '')}",
            today,
            deadline=_next_due,
        ),
    ]
