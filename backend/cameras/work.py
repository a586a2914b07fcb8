"""今日待办 for cameras: events nobody has reviewed yet."""

from __future__ import annotations

from backend.cameras.models import NEW, STATUS_LABELS, CameraEvent
from backend.core.principal import Principal
from backend.core.timeutil import to_shanghai
from backend.core.worklist import WorkList, work_list


def work(principal: Principal, today) -> list[WorkList]:
    if not principal.is_console_user:
        return []
    found = CameraEvent.objects.visible_to(principal).filter(status=NEW).order_by("created_at")
    return [
        work_list(
            "cameras.events",
            "待查看的视频事件",
            found,
            lambda e: f"{STATUS_LABELS.get(e.label, e.label)} · {to_shanghai(e.created_at):%-m月%-d日 %H:%M}",
            today,
            link=lambda e: f"/console/cameras/events#event-{e.id}",
        )
    ]
