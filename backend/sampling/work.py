"""今日待办 for sampling: failed samples' disposition cases still open, and the person's own result
imports that are running or failed."""

from __future__ import annotations

from backend.core.principal import Principal
from backend.core.worklist import WorkList, work_list
from backend.sampling.models import FAILED, OPEN, QUEUED, RUNNING, DispositionCase, SamplingImport

IMPORT_STATES = {QUEUED: "排队中", RUNNING: "导入中", FAILED: "导入失败"}


def work(principal: Principal, today) -> list[WorkList]:
    if not principal.is_console_user:
        return []
    cases = DispositionCase.objects.visible_to(principal).filter(status=OPEN).order_by("deadline")
    imports = (
        SamplingImport.objects.visible_to(principal)
        .filter(importer_id=principal.user_id, status__in=tuple(IMPORT_STATES))
        .order_by("-created_at")
    )
    return [
        work_list(
            "sampling.cases",
            "未办结的不合格食品核查处置",
            cases,
            lambda c: f"{c.business_name} · {c.food_name} · {'、'.join(c.failed_items[:3])}",
            today,
            deadline=lambda c: c.deadline,
            link=lambda c: f"/console/dispositions/{c.id}",
        ),
        work_list(
            "sampling.imports",
            "进行中或失败的抽检结果导入",
            imports,
            lambda i: f"{i.filename} · {IMPORT_STATES[i.status]}",
            today,
            link=lambda i: f"/console/sampling/imports/{i.id}",
        ),
    ]
