"""今日待办 for rural banquets: the guidance (分级指导) a regulator of the district owes a reported banquet,
by its due date."""

from __future__ import annotations

from backend.banquets.models import OPEN, SIZES, GuidanceTask
from backend.core.principal import Principal
from backend.core.worklist import WorkList, work_list

GUIDANCE = {"checklist": "自查清单", "visit": "上门指导", "on_site": "现场指导"}


def work(principal: Principal, today) -> list[WorkList]:
    if not principal.is_console_user:
        return []
    found = GuidanceTask.objects.visible_to(principal).filter(status=OPEN, by="regulator").order_by("due_on")
    return [
        work_list(
            "banquets.guidance",
            "待开展的农村集体聚餐指导",
            found,
            lambda task: f"{GUIDANCE.get(task.guidance, task.guidance)} · {SIZES.get(task.size, task.size)}聚餐",
            today,
            deadline=lambda task: task.due_on,
        )
    ]
