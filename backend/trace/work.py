"""今日待办 for trace: recalls not complete, with how many holders have confirmed."""

from __future__ import annotations

from backend.core.principal import Principal
from backend.core.worklist import WorkList, work_list
from backend.trace.models import CONFIRMED, OPEN, Recall


def work(principal: Principal, today) -> list[WorkList]:
    if not principal.is_console_user:
        return []
    found = Recall.objects.visible_to(principal).filter(status=OPEN).order_by("created_at")
    return [
        work_list(
            "trace.recalls",
            "未完成的召回",
            found,
            lambda r: (
                f"{r.number} · {r.reason} · 已确认 {sum(t.status == CONFIRMED for t in r.targets)}/{len(r.targets)}"
            ),
            today,
            link=lambda r: f"/console/recalls/{r.id}",
        )
    ]
