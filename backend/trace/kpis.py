"""Recall indicators through the KPI contract: of the lots recalled by recalls started in the period,
the share their holders confirmed (应召回食品召回率: 100%), and how many recalls; per district."""

from __future__ import annotations

from backend.core.indicators import IndicatorRow, Period, count, ratio
from backend.core.principal import Principal
from backend.trace.models import CONFIRMED, Recall


def indicators(principal: Principal, *, districts, period: Period, sector: str | None) -> list[IndicatorRow]:
    if sector:
        return []
    start, end = period.bounds()
    at = {"period": period.label}
    rows: list[IndicatorRow] = []
    for district in districts:
        found = Recall.objects.visible_to(principal).filter(created_at__gte=start, created_at__lt=end)
        if district:
            found = found.filter(district_scopes=district)
        recalls = list(found.only("targets.status"))
        targets = [target for recall in recalls for target in recall.targets]
        confirmed = sum(1 for target in targets if target.status == CONFIRMED)
        rows += [
            count("trace.recalls_started", "启动召回数", district, len(recalls), **at),
            ratio("trace.recall_completion", "召回确认率", district, confirmed, len(targets), **at),
        ]
    return rows
