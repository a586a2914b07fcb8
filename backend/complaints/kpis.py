"""What lies behind a missed complaint target: the complaints past the deadline of their stage."""

from __future__ import annotations

from backend.complaints.models import KIND_LABELS, Complaint
from backend.core.indicators import Shortfall, shortfall
from backend.core.principal import Principal


def shortfalls(principal: Principal, district: str, today) -> list[Shortfall]:
    late = Complaint.objects.visible_to(principal).filter(district_scopes=district).overdue(today)
    return [
        shortfall(
            "complaints.on_time_closure_rate",
            "逾期未办结的投诉举报",
            late.order_by("current_due"),
            lambda c: f"{c.number} · {KIND_LABELS[c.kind]} · {c.business_name} · 应于 {c.current_due} 前办理",
        )
    ]
