"""包保 indicators through the KPI contract: pledges signed (officials and business heads, on the current
text), quarterly supervision done (张家港 asks 100%: overall and per level), the remote share, minor
risks fixed in time, violations handed on, and businesses no official supervises. Counted queries per
district, not one per business."""

from __future__ import annotations

from collections import Counter

from backend.core.indicators import IndicatorRow, Period, Shortfall, count, ratio, shortfall
from backend.core.principal import Principal
from backend.core.timeutil import today_shanghai
from backend.registry.models import APPROVED, HOUSEHOLD, Business
from backend.supervision.models import DONE, LEVELS, REMOTE, Assignment, Handover, Official, Pledge, SupervisionTask
from backend.supervision.services import current_text


def _scoped(queryset, principal: Principal, district: str | None):
    found = queryset.visible_to(principal)
    return found.filter(district_scopes=district) if district else found


def indicators(principal: Principal, *, districts, period: Period, sector: str | None) -> list[IndicatorRow]:
    from backend.inspections.models import Rectification

    if sector:
        return []
    at = {"period": period.label}
    rows: list[IndicatorRow] = []
    official_version, business_version = current_text("official")["version"], current_text("business")["version"]
    today = today_shanghai()
    for district in districts:
        officials = _scoped(Official.objects, principal, district).filter(active=True)
        official_ids = officials.distinct("id")
        signed_officials = Pledge.objects(kind="official", text_version=official_version, subject_id__in=official_ids)
        assigned = _scoped(Assignment.objects, principal, district).current().distinct("business_id")
        signed_heads = Pledge.objects(kind="business", text_version=business_version, subject_id__in=assigned)
        tasks = list(
            _scoped(SupervisionTask.objects, principal, district)
            .filter(due_on__gte=period.start, due_on__lte=period.end)
            .only("status", "mode", "level", "due_on", "done_at")
            .as_pymongo()
        )
        due = [t for t in tasks if t["status"] == DONE or t["due_on"].date() < today]
        done = [t for t in due if t["status"] == DONE]
        remote = [t for t in done if t.get("mode") == REMOTE]
        fixes = list(
            _scoped(Rectification.objects, principal, district)
            .filter(source="supervision", created_at__gte=period.bounds()[0], created_at__lt=period.bounds()[1])
            .only("status", "deadline", "updated_at")
            .as_pymongo()
        )
        fixes_due = [r for r in fixes if r["status"] == "accepted" or r["deadline"].date() < today]
        in_time = [r for r in fixes_due if r["status"] == "accepted" and r["updated_at"].date() <= r["deadline"].date()]
        handed = (
            _scoped(Handover.objects, principal, district)
            .filter(created_at__gte=period.bounds()[0], created_at__lt=period.bounds()[1])
            .count()
        )
        businesses = Business.objects(status=APPROVED, kind__ne=HOUSEHOLD)
        if district:
            businesses = businesses.filter(district_scopes=district)
        elif principal.districts:
            businesses = businesses.filter(district_scopes__in=list(principal.districts))
        unassigned = businesses.filter(id__nin=assigned).count()
        rows += [
            ratio(
                "supervision.official_pledge_rate",
                "包保干部承诺书签署率",
                district,
                signed_officials.count(),
                len(official_ids),
                **at,
            ),
            ratio(
                "supervision.business_pledge_rate",
                "包保主体承诺书签署率",
                district,
                signed_heads.count(),
                len(assigned),
                **at,
            ),
            ratio("supervision.quarterly_completion", "包保督导完成率", district, len(done), len(due), **at),
            ratio("supervision.remote_share", "远程督导占比", district, len(remote), len(done), **at),
            ratio(
                "supervision.minor_risks_fixed_in_time",
                "督导发现问题按期整改率",
                district,
                len(in_time),
                len(fixes_due),
                **at,
            ),
            count("supervision.violations_handed_over", "督导发现违法违规移交数", district, handed, **at),
            count("supervision.unassigned_businesses", "未落实包保的经营主体", district, unassigned, **at),
        ]
        due_by_level = Counter(t.get("level") for t in due)
        done_by_level = Counter(t.get("level") for t in done)
        for level, label in LEVELS.items():
            if due_by_level[level]:
                rows.append(
                    ratio(
                        f"supervision.quarterly_completion.{level}",
                        f"包保督导完成率（{label}）",
                        district,
                        done_by_level[level],
                        due_by_level[level],
                        **at,
                    )
                )
    return rows


def shortfalls(principal: Principal, district: str, today) -> list[Shortfall]:
    """The supervision tasks past their due date."""
    late = SupervisionTask.objects.visible_to(principal).filter(district_scopes=district).overdue(today)
    return [
        shortfall(
            "supervision.quarterly_completion",
            "逾期未完成的包保督导",
            late.order_by("due_on"),
            lambda t: (
                f"{t.official_name or ''} · {t.business_name or ''} · {t.quarter} 第{t.seq}次 · 应于 {t.due_on} 前完成"
            ),
        )
    ]
