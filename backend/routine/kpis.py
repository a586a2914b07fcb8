"""三件事 through the KPI contract: of the days of the period so far, the share on which each business
keeping a risk-control list recorded its daily check (日管控); per district, optionally per kind. Two
queries per district."""

from __future__ import annotations

from backend.core.indicators import IndicatorRow, Period, ratio
from backend.core.principal import Principal
from backend.core.timeutil import today_shanghai
from backend.registry.services import businesses_by_kind
from backend.routine.models import DailyCheck, RiskControlList


def indicators(principal: Principal, *, districts, period: Period, sector: str | None) -> list[IndicatorRow]:
    at = {"period": period.label, "sector": sector}
    last = min(period.end, today_shanghai())
    days = max((last - period.start).days + 1, 0)
    rows: list[IndicatorRow] = []
    for district in districts:
        by_kind = businesses_by_kind(principal, district, [sector] if sector else None)
        ids = [business_id for found in by_kind.values() for business_id in found]
        keeping = RiskControlList.objects(id__in=ids).distinct("id")
        checks = DailyCheck.objects(business_id__in=keeping, day__gte=period.start, day__lte=last).count()
        rows.append(
            ratio("routine.daily_check_completion", "日管控记录完成率", district, checks, len(keeping) * days, **at)
        )
    return rows
