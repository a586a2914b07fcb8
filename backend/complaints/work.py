"""今日待办 for complaints: those open in the person's districts, by the deadline of their stage."""

from __future__ import annotations

from backend.complaints.models import KIND_LABELS, Complaint
from backend.core.principal import Principal
from backend.core.worklist import WorkList, work_list


def work(principal: Principal, today) -> list[WorkList]:
    if not principal.is_console_user:
        return []
    found = Complaint.objects.visible_to(principal).open().order_by("current_due", "number")
    return [
        work_list(
            "complaints.to_handle",
            "待受理、办理、答复的投诉举报",
            found,
            lambda c: f"{c.number} · {KIND_LABELS[c.kind]} · {c.business_name}",
            today,
            deadline=lambda c: c.current_due,
            link=lambda c: f"/console/complaints/{c.number}",
        )
    ]
