"""今日待办 for 包保: the supervision tasks of the person's districts still open, by their due date — for
the food-safety office (食安办) that follows the officials, and for regulators."""

from __future__ import annotations

from backend.core.principal import OFFICE, Principal
from backend.core.worklist import WorkList, work_list
from backend.supervision.models import OPEN, SupervisionTask


def work(principal: Principal, today) -> list[WorkList]:
    if not (principal.is_console_user or principal.role == OFFICE):
        return []
    found = SupervisionTask.objects.visible_to(principal).filter(status=OPEN).order_by("due_on")
    return [
        work_list(
            "supervision.tasks",
            "未完成的包保督导任务",
            found,
            lambda task: f"{task.business_name or ''} · {task.official_name or ''} · {task.quarter} 第 {task.seq} 次",
            today,
            deadline=lambda task: task.due_on,
        )
    ]
