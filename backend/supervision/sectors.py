"""Sector bureaus (education, health, civil affairs) watching their own canteens, read-only: the list
with each canteen's grade, cameras online, daily checks and open problems, one canteen's overview, and
their indicators; and the 食安办's view of platform use (registered, and buying on the platform, per
kind — 如皋's phased targets). Batched queries per page, not one per business."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from backend.core.errors import Forbidden
from backend.core.ids import object_id
from backend.core.indicators import IndicatorRow, Period, count, ratio
from backend.core.principal import ADMIN, BUREAU, OFFICE, Principal
from backend.core.text import Text
from backend.core.timeutil import today_shanghai
from backend.registry.models import APPROVED, HOUSEHOLD, KIND_LABELS, Business
from backend.supervision.errors import OfficialNotFound


def canteens(principal: Principal, *, district: str | None = None, kind: str | None = None):
    """A bureau's canteens (approved businesses of its kinds in its districts); for the 食安办, every
    approved business of its districts."""
    if principal.role not in (BUREAU, OFFICE):
        raise Forbidden(Text("Only a sector bureau or the food-safety office reads businesses here."))
    found = Business.objects(status=APPROVED, kind__ne=HOUSEHOLD, district_scopes__in=list(principal.districts))
    if principal.role == BUREAU:
        found = found.filter(kind__in=list(principal.sectors))
    if district:
        found = found.filter(district_scopes=district)
    if kind:
        found = found.filter(kind=kind)
    return found.order_by("name")


def summaries(businesses) -> list[dict]:
    """Each canteen of a page with its grade, cameras online, days with a daily check of the last 7, and
    open problems (unfinished rectifications and camera problems): five queries for the page."""
    from backend.cameras.models import PROBLEM_ANSWERED, PROBLEM_OPEN, Camera, CameraEvent
    from backend.inspections.models import AnnualGrade, Rectification
    from backend.routine.models import DailyCheck

    page = list(businesses)
    ids = [b.id for b in page]
    today = today_shanghai()
    grades = {g.id: g.level for g in AnnualGrade.objects(id__in=ids).only("level")}
    cameras = Counter(c.business_id for c in Camera.objects(business_id__in=ids, enabled=True).only("business_id"))
    online = Counter(
        c.business_id for c in Camera.objects(business_id__in=ids, enabled=True, status="online").only("business_id")
    )
    checked = Counter(
        d.business_id
        for d in DailyCheck.objects(business_id__in=ids, day__gte=today - timedelta(days=6)).only("business_id")
    )
    problems = Counter(
        r.business_id for r in Rectification.objects(business_id__in=ids).unfinished().only("business_id")
    )
    problems.update(
        e.business_id
        for e in CameraEvent.objects(business_id__in=ids, problem__status__in=[PROBLEM_OPEN, PROBLEM_ANSWERED]).only(
            "business_id"
        )
    )
    return [
        {
            "business": business,
            "kind_label": KIND_LABELS.get(business.kind, business.kind),
            "grade": grades.get(business.id),
            "cameras": cameras[business.id],
            "cameras_online": online[business.id],
            "days_checked_of_7": checked[business.id],
            "open_problems": problems[business.id],
        }
        for business in page
    ]


def canteen_overview(principal: Principal, business_id: Any) -> dict:
    """One of the bureau's canteens, as an official sees it remotely (read-only)."""
    from backend.supervision.services import overview_of

    business = canteens(principal).filter(id=object_id(business_id, OfficialNotFound)).first()
    if business is None:
        raise OfficialNotFound(Text("No such canteen of yours."))
    return overview_of(business)


def indicators(principal: Principal, *, districts, period: Period, sector: str | None) -> list[IndicatorRow]:
    """A bureau's indicators per district and kind (canteens graded 良好 or better, with a camera online,
    with problems open), or the 食安办's platform use per kind (registered; buying on the platform)."""
    from backend.cameras.models import Camera
    from backend.inspections.models import AnnualGrade
    from backend.purchasing.models import Order

    if principal.role not in (BUREAU, OFFICE, ADMIN):
        return []
    kinds = list(principal.sectors) if principal.role == BUREAU else None
    if sector:
        kinds = [k for k in (kinds or [sector]) if k == sector]
    at = {"period": period.label}
    start, end = period.bounds()
    rows: list[IndicatorRow] = []
    for district in districts:
        found = Business.objects(status=APPROVED, kind__ne=HOUSEHOLD)
        if kinds is not None:
            found = found.filter(kind__in=kinds)
        if district:
            found = found.filter(district_scopes=district)
        elif principal.districts:
            found = found.filter(district_scopes__in=list(principal.districts))
        by_kind: dict[str, list] = {}
        for business in found.only("kind"):
            by_kind.setdefault(business.kind, []).append(business.id)
        for kind, ids in sorted(by_kind.items()):
            extra = {**at, "sector": kind}
            label = KIND_LABELS.get(kind, kind)
            if principal.role == BUREAU:
                good = AnnualGrade.objects(id__in=ids, level__in=["A", "B"]).count()
                online = len(Camera.objects(business_id__in=ids, enabled=True, status="online").distinct("business_id"))
                rows += [
                    ratio("sector.graded_good", f"{label}量化等级良好以上占比", district, good, len(ids), **extra),
                    ratio("sector.camera_online", f"{label}明厨亮灶在线占比", district, online, len(ids), **extra),
                ]
            else:
                buying = Order.objects(buyer_business_id__in=ids, created_at__gte=start, created_at__lt=end)
                buyers = len(buying.distinct("buyer_business_id"))
                rows += [
                    count("platform.registered", f"{label}已入驻平台", district, len(ids), **extra),
                    ratio("platform.buying_share", f"{label}平台采购占比", district, buyers, len(ids), **extra),
                ]
    return rows
