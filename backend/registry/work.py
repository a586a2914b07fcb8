"""今日待办 for the registry: registrations, and changes or closures of registered businesses, to review."""

from __future__ import annotations

from backend.core.principal import Principal
from backend.core.timeutil import to_shanghai
from backend.core.worklist import WorkList, work_list
from backend.registry.models import CHANGE_SUBMITTED, CLOSURE, KIND_LABELS, SUBMITTED, Business, BusinessChange


def work(principal: Principal, today) -> list[WorkList]:
    if not principal.is_console_user:
        return []
    registrations = Business.objects.visible_to(principal).filter(status=SUBMITTED).order_by("updated_at")
    changes = BusinessChange.objects.visible_to(principal).filter(status=CHANGE_SUBMITTED).order_by("created_at")
    return [
        work_list(
            "registry.registrations",
            "待审核的主体登记",
            registrations,
            lambda b: f"{b.name} · {KIND_LABELS.get(b.kind, b.kind)} · {to_shanghai(b.updated_at):%Y年%-m月%-d日}提交",
            today,
            link=lambda b: f"/console/businesses/{b.id}",
        ),
        work_list(
            "registry.changes",
            "待审核的变更、注销申请",
            changes,
            lambda c: (
                f"{'注销' if c.kind == CLOSURE else '信息变更'}申请 · {to_shanghai(c.created_at):%Y年%-m月%-d日}提交"
            ),
            today,
            link=lambda c: f"/console/businesses/{c.business_id}#change",
        ),
    ]
