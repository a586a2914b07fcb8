"""Banquet indicators through the KPI contract, per district and period: banquets reported and reported
in time, guidance done per size, samples kept of the dishes served, incidents and the people ill."""

from __future__ import annotations

from backend.banquets.models import CONFIRMED, DONE, SIZES, Banquet, GuidanceTask, Incident
from backend.core.indicators import IndicatorRow, Period, count, ratio
from backend.core.principal import Principal
from backend.core.timeutil import today_shanghai


def _scoped(queryset, principal: Principal, district: str | None):
    found = queryset.visible_to(principal)
    return found.filter(district_scopes=district) if district else found


def indicators(principal: Principal, *, districts, period: Period, sector: str | None) -> list[IndicatorRow]:
    if sector:
        return []
    at = {"period": period.label}
    today = today_shanghai()
    rows: list[IndicatorRow] = []
    for district in districts:
        banquets = list(
            _scoped(Banquet.objects, principal, district)
            .filter(held_on__gte=period.start, held_on__lte=period.end, status="reported")
            .only("required", "late", "held_on", "dishes", "samples")
        )
        required = [b for b in banquets if b.required]
        held = [b for b in banquets if b.held_on < today]
        dishes = sum(len(b.dishes) for b in held)
        kept = sum(len({s.dish for s in b.samples}) for b in held)
        tasks = list(
            _scoped(GuidanceTask.objects, principal, district)
            .filter(due_on__gte=period.start, due_on__lte=period.end)
            .only("size", "status", "due_on")
        )
        incidents = list(
            _scoped(Incident.objects, principal, district)
            .filter(occurred_on__gte=period.start, occurred_on__lte=period.end)
            .only("status", "ill")
        )
        rows += [
            count("banquets.reported", "农村集体聚餐报告数", district, len(banquets), **at),
            ratio(
                "banquets.reported_in_time",
                "按时报告率",
                district,
                sum(1 for b in required if not b.late),
                len(required),
                **at,
            ),
            ratio("banquets.samples_kept", "菜品留样完整率", district, kept, dishes, **at),
            count("banquets.incidents", "食品安全事故报告数", district, len(incidents), **at),
            count(
                "banquets.incidents_confirmed",
                "确认的食品安全事故",
                district,
                sum(1 for i in incidents if i.status == CONFIRMED),
                **at,
            ),
            count(
                "banquets.people_ill",
                "事故发病人数",
                district,
                sum(i.ill for i in incidents if i.status == CONFIRMED),
                **at,
            ),
        ]
        for size, label in SIZES.items():
            due = [t for t in tasks if t.size == size and (t.status == DONE or t.due_on < today)]
            if due:
                done = sum(1 for t in due if t.status == DONE)
                rows.append(ratio(f"banquets.guided.{size}", f"{label}聚餐指导完成率", district, done, len(due), **at))
    return rows
