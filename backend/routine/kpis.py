"""三件事 through the KPI contract, for each business keeping a risk-control list: of the days of the
period so far, the share with its daily check (日管控); of the weeks of the period that have ended, the
share with its weekly report (周排查); of the months that have ended, the share with its monthly
meeting (月调度). Per district, optionally per kind; four queries per district."""

from __future__ import annotations

from datetime import date, timedelta

from backend.core.indicators import IndicatorRow, Period, ratio
from backend.core.principal import Principal
from backend.core.timeutil import today_shanghai
from backend.registry.services import businesses_by_kind
from backend.routine.models import DailyCheck, MonthlyReport, RiskControlList, WeeklyReport


def ended_weeks(period: Period, last: date) -> list[date]:
    """The Mondays of the weeks that lie inside the period and have ended by `last`. Pure."""
    monday = period.start + timedelta(days=-period.start.weekday() % 7)
    weeks = []
    while monday + timedelta(days=6) <= min(period.end, last):
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def ended_months(period: Period, last: date) -> list[str]:
    """The months ("2026-10") that lie wholly inside the period and have ended by `last`. Pure."""
    first = period.start if period.start.day == 1 else _next_month(period.start)
    months = []
    while _next_month(first) - timedelta(days=1) <= min(period.end, last):
        months.append(first.strftime("%Y-%m"))
        first = _next_month(first)
    return months


def indicators(principal: Principal, *, districts, period: Period, sector: str | None) -> list[IndicatorRow]:
    at = {"period": period.label, "sector": sector}
    last = min(period.end, today_shanghai())
    days = max((last - period.start).days + 1, 0)
    weeks, months = ended_weeks(period, today_shanghai()), ended_months(period, today_shanghai())
    rows: list[IndicatorRow] = []
    for district in districts:
        by_kind = businesses_by_kind(principal, district, [sector] if sector else None)
        ids = [business_id for found in by_kind.values() for business_id in found]
        keeping = RiskControlList.objects(id__in=ids).distinct("id")
        checks = DailyCheck.objects(business_id__in=keeping, day__gte=period.start, day__lte=last).count()
        weekly = WeeklyReport.objects(business_id__in=keeping, week_start__in=weeks).count() if weeks else 0
        monthly = MonthlyReport.objects(business_id__in=keeping, month__in=months).count() if months else 0
        rows += [
            ratio("routine.daily_check_completion", "日管控记录完成率", district, checks, len(keeping) * days, **at),
            ratio(
                "routine.weekly_report_completion",
                "周排查报告完成率",
                district,
                weekly,
                len(keeping) * len(weeks),
                **at,
            ),
            ratio(
                "routine.monthly_meeting_completion",
                "月调度会议完成率",
                district,
                monthly,
                len(keeping) * len(months),
                **at,
            ),
        ]
    return rows
