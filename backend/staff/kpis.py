"""Staff indicators through the KPI contract: food handlers with a health certificate valid today, and
businesses with their 三类人 (a head and a safety officer) in place; per district, optionally per kind.
A handful of queries per district, whatever the number of businesses."""

from __future__ import annotations

from backend.core.indicators import IndicatorRow, Period, ratio
from backend.core.principal import Principal
from backend.core.timeutil import today_shanghai
from backend.registry.services import businesses_by_kind
from backend.staff.models import HEAD, OFFICER, StaffMember
from backend.staff.services import handler_statuses


def indicators(principal: Principal, *, districts, period: Period, sector: str | None) -> list[IndicatorRow]:
    at = {"period": period.label, "sector": sector}
    today = min(today_shanghai(), period.end)
    rows: list[IndicatorRow] = []
    for district in districts:
        by_kind = businesses_by_kind(principal, district, [sector] if sector else None)
        ids = [business_id for found in by_kind.values() for business_id in found]
        handlers = handler_statuses(ids, today)
        employed = StaffMember.objects(business_id__in=ids).employed_on(today)
        with_head = set(employed.filter(safety_roles=HEAD).distinct("business_id"))
        with_officer = set(employed.filter(safety_roles=OFFICER).distinct("business_id"))
        complete = sum(1 for business_id in ids if business_id in with_head and business_id in with_officer)
        rows += [
            ratio(
                "staff.certificates_valid",
                "从业人员健康证明有效率",
                district,
                sum(1 for handler in handlers if handler.may_handle_food),
                len(handlers),
                **at,
            ),
            ratio("staff.safety_team_complete", "三类人配备率", district, complete, len(ids), **at),
        ]
    return rows
