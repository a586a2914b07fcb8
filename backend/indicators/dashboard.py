"""What the command centre's 大屏 shows, gathered from the indicators (no query of its own): the
headline indicators of the year so far against their targets, every county coloured by one chosen
indicator, that indicator's last twelve months, the cameras by status, and today's complaints and
incidents."""

from __future__ import annotations

from datetime import date

from backend.core import domains
from backend.core.indicators import Period
from backend.core.principal import Principal
from backend.core.timeutil import today_shanghai
from backend.indicators import services

HEADLINE = (
    "complaints.reply_rate",
    "complaints.on_time_closure_rate",
    "sampling.pass_rate",
    "sampling.per_thousand_residents",
    "sampling.disposition_completion",
    "inspections.coverage_two_years",
    "cameras.canteen_coverage",
    "staff.certificates_valid",
    "supervision.quarterly_completion",
    "trace.recall_completion",
)
CAMERA_STATUSES = ("online", "offline", "frozen", "looped", "covered", "dark", "blurred", "moved", "pending")
TODAY = ("complaints.received", "banquets.incidents")
DEFAULT_INDICATOR = "complaints.on_time_closure_rate"


def dashboard(principal: Principal, *, district: str | None, indicator: str | None) -> dict:
    today = today_shanghai()
    indicator = indicator or DEFAULT_INDICATOR
    services.entry(indicator)  # an unknown indicator: 404
    districts = [district] if district else None
    year = Period(date(today.year, 1, 1), today)
    headline = services.evaluate_many(principal, list(HEADLINE), districts=districts, period=year)
    back = today.year * 12 + today.month - 12
    twelve_months = Period(date(back // 12, back % 12 + 1, 1), today)
    cameras = services.evaluate_many(
        principal, [f"cameras.by_status.{s}" for s in CAMERA_STATUSES], districts=districts, period=Period(today, today)
    )
    now = services.evaluate_many(principal, list(TODAY), districts=districts, period=Period(today, today))
    late = sum(
        found.total
        for provider in domains.contributed("shortfalls")
        for place in services.scopes(principal, districts)
        if place
        for found in provider(services.reader(principal), place, today)
        if found.code == "complaints.on_time_closure_rate"
    )
    return {
        "today": today,
        "indicator": services.entry(indicator) | {"code": indicator},
        "headline": [row for code in HEADLINE if (row := _merged(headline, code))],
        "grid": services.by_district(principal, indicator, period=year),
        "trend": services.series(principal, indicator, districts=districts, period=twelve_months),
        "cameras": [(s, _total(cameras, f"cameras.by_status.{s}")) for s in CAMERA_STATUSES],
        "complaints_today": _total(now, "complaints.received"),
        "incidents_today": _total(now, "banquets.incidents"),
        "complaints_late": late,
        "choices": [
            (item["code"], item["name"]) for item in services.catalogue()["indicators"] if item["unit"] == "ratio"
        ],
    }


def _total(rows: list[dict], code: str) -> int:
    return int(sum(row["value"] or 0 for row in rows if row["code"] == code))


def _merged(rows: list[dict], code: str) -> dict | None:
    """One row for the code over the districts shown: ratios re-computed from the summed parts."""
    mine = [row for row in rows if row["code"] == code and row["sector"] is None]
    if len(mine) <= 1:
        return mine[0] if mine else None
    first = mine[0]
    numerator = sum(row["numerator"] or 0 for row in mine)
    denominator = sum(row["denominator"] or 0 for row in mine)
    value = round(numerator / denominator, 4) if denominator and first["unit"] != "per_thousand" else None
    if first["unit"] == "per_thousand" and denominator:
        value = round(numerator * 1000 / denominator, 2)
    return first | {
        "district_code": None,
        "numerator": numerator,
        "denominator": denominator,
        "value": value,
        "met": services.met(value, first["target"], first["direction"]),
        "trend": None,
    }
