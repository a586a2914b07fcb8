"""今日待办 for inspections: rectifications a business says it finished, waiting for the regulator."""

from __future__ import annotations

from backend.core.principal import Principal
from backend.core.worklist import WorkList, work_list
from backend.inspections.models import SUBMITTED, Rectification


def work(principal: Principal, today) -> list[WorkList]:
    if not principal.is_console_user:
        return []
    found = Rectification.objects.visible_to(principal).filter(status=SUBMITTED).order_by("deadline")
    return [
        work_list(
            "inspections.rectifications",
            "待复核的整改",
            found,
            lambda r: f"整改项 {r.item}" + (f" · {r.text}" if r.text else ""),
            today,
            deadline=lambda r: r.deadline,
            link=lambda r: f"/console/inspections/{r.inspection_id}#rectification-{r.id}",
        )
    ]
