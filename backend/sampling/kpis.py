"""Residents per district and the sampling indicators (samples per 1,000 residents, pass rates,
disposition completion)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from backend.core import districts, tables
from backend.core.principal import Principal
from backend.core.timeutil import SHANGHAI, today_shanghai
from backend.sampling.cases import end_of_day
from backend.sampling.models import (
    CLOSED,
    OPEN,
    PASS,
    DispositionCase,
    DistrictResidents,
    Sample,
)
from backend.sampling.services import scope_district
from backend.workflow.services import upsert_record

log = logging.getLogger(__name__)


# -- residents and KPIs ----------------------------------------------------------------------------


def set_residents(
    principal: Principal, *, district: str, year: int, residents: int, source: str | None = None
) -> DistrictResidents:
    district = scope_district(principal, district)
    return upsert_record(
        DistrictResidents,
        {"id": f"{district}-{year}"},
        updates={
            "set__district_code": district,
            "set__year": year,
            "set__residents": residents,
            "set__source": source,
        },
        action="set",
        actor_id=principal.user_id,
        target_type="district_residents",
    )


@dataclass
class KpiRow:
    district_code: str
    district: str
    samples: int
    residents: int | None
    per_thousand: float | None
    pass_rate: float | None


def kpis(principal: Principal, *, year: int, district: str | None = None) -> dict:
    """Per district and year: samples per 1,000 residents; pass rate by food category; disposition
    completion and on-time rates; re-test counts."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    samples = Sample.objects.visible_to(principal).filter(sampled_on__gte=start, sampled_on__lte=end)
    if district:
        samples = samples.filter(district_scopes=district)
    by_district: dict[str, list[int]] = {}
    by_category: dict[str, list[int]] = {}
    for sample in samples.only("district_code", "food_category", "verdict").as_pymongo():
        verdict_pass = 1 if sample["verdict"] == PASS else 0
        by_district.setdefault(sample["district_code"], [0, 0])
        by_district[sample["district_code"]][0] += 1
        by_district[sample["district_code"]][1] += verdict_pass
        by_category.setdefault(sample["food_category"], [0, 0])
        by_category[sample["food_category"]][0] += 1
        by_category[sample["food_category"]][1] += verdict_pass
    residents = {
        r.district_code: r.residents for r in DistrictResidents.objects(year=year, district_code__in=list(by_district))
    }
    district_rows = []
    for code in sorted(by_district):
        total, passed = by_district[code]
        people = residents.get(code)
        district_rows.append(
            {
                "district_code": code,
                "district": districts.full_name(code),
                "samples": total,
                "residents": people,
                "samples_per_thousand": round(total * 1000 / people, 2) if people else None,
                "pass_rate": round(passed / total, 4),
            }
        )
    cases = DispositionCase.objects.visible_to(principal).filter(
        opened_at__gte=end_of_day(start - timedelta(days=1)), opened_at__lte=end_of_day(end)
    )
    if district:
        cases = cases.filter(district_scopes=district)
    total_cases = closed = on_time = retests = retests_passed = 0
    for case in cases.only("status", "closed_at", "deadline", "retest"):
        total_cases += 1
        if case.status == CLOSED:
            closed += 1
            if case.closed_at and case.closed_at.astimezone(SHANGHAI).date() <= case.deadline:
                on_time += 1
        if case.retest is not None:
            retests += 1
            retests_passed += case.retest.result_verdict == PASS
    return {
        "year": year,
        "districts": district_rows,
        "categories": [
            {"food_category": name, "samples": counts[0], "pass_rate": round(counts[1] / counts[0], 4)}
            for name, counts in sorted(by_category.items())
        ],
        "dispositions": {
            "cases": total_cases,
            "closed": closed,
            "completion_rate": round(closed / total_cases, 4) if total_cases else None,
            "on_time_rate": round(on_time / closed, 4) if closed else None,
            "overdue_open": cases.filter(status=OPEN, deadline__lt=today_shanghai()).count(),
        },
        "retests": {"requested": retests, "passed": retests_passed},
    }


def kpis_csv(report: dict) -> str:
    rows: list[list] = [
        [
            "district",
            row["district_code"],
            row["district"],
            row["samples"],
            row["residents"],
            row["samples_per_thousand"],
            row["pass_rate"],
        ]
        for row in report["districts"]
    ]
    rows += [
        ["category", "", row["food_category"], row["samples"], "", "", row["pass_rate"]] for row in report["categories"]
    ]
    d = report["dispositions"]
    rows.append(
        [
            "dispositions",
            "",
            "cases/closed/completion/on_time/overdue",
            d["cases"],
            d["closed"],
            d["completion_rate"],
            d["on_time_rate"],
        ]
    )
    rows.append(
        ["retests", "", "requested/passed", report["retests"]["requested"], report["retests"]["passed"], "", ""]
    )
    header = ["section", "key", "name", "samples", "residents", "samples_per_thousand", "pass_rate"]
    return tables.csv_text(header, rows)
