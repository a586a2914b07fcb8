"""明厨亮灶 coverage through the KPI contract: the canteens with a camera approved by a person and online
in the last 24 hours, per kind of canteen and for all canteens (如皋, 闵行: 100% of school canteens).
Also the cameras of every business by status (the dashboard's wall counts). A state of today, labelled
with the period asked; four queries per district."""

from __future__ import annotations

from datetime import timedelta

from backend.cameras.models import STATUS_LABELS, STATUSES, Camera
from backend.core.indicators import IndicatorRow, Period, count, ratio
from backend.core.principal import Principal
from backend.core.timeutil import utcnow
from backend.registry.models import KIND_LABELS
from backend.registry.services import businesses_by_kind

CANTEEN_KINDS = ("school_canteen", "hospital_canteen", "elderly_canteen", "government_canteen")


def indicators(principal: Principal, *, districts, period: Period, sector: str | None) -> list[IndicatorRow]:
    if sector and sector not in CANTEEN_KINDS:
        return []
    kinds = [sector] if sector else list(CANTEEN_KINDS)
    at = {"period": period.label}
    since = utcnow() - timedelta(hours=24)
    rows: list[IndicatorRow] = []
    for district in districts:
        by_kind = businesses_by_kind(principal, district, kinds)
        every = [business_id for ids in by_kind.values() for business_id in ids]
        online = set(
            Camera.objects(
                business_id__in=every, enabled=True, approved_at__ne=None, status="online", last_sample_at__gte=since
            ).distinct("business_id")
        )
        for kind in kinds:
            ids = by_kind.get(kind, [])
            covered = sum(1 for business_id in ids if business_id in online)
            label = KIND_LABELS[kind]
            rows.append(
                ratio(
                    "cameras.kitchen_coverage", f"{label}明厨亮灶覆盖率", district, covered, len(ids), sector=kind, **at
                )
            )
        if not sector:
            covered = sum(1 for business_id in every if business_id in online)
            rows.append(
                ratio("cameras.canteen_coverage", "集体食堂明厨亮灶覆盖率", district, covered, len(every), **at)
            )
            rows += _by_status(principal, district, at)
    return rows


def _by_status(principal: Principal, district: str | None, at: dict) -> list[IndicatorRow]:
    found = Camera.objects.visible_to(principal).filter(enabled=True)
    if district:
        found = found.filter(district_scopes=district)
    counted = {
        group["_id"]: group["n"] for group in found.aggregate([{"$group": {"_id": "$status", "n": {"$sum": 1}}}])
    }
    return [
        count(f"cameras.by_status.{status}", f"{STATUS_LABELS[status]}摄像头", district, counted.get(status, 0), **at)
        for status in STATUSES
    ]
