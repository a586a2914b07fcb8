"""Residents per district and the sampling indicators (samples per 1,000 residents, pass rates,
disposition completion)."""

from __future__ import annotations

import logging
from datetime import timedelta

from backend.core import districts
from backend.core.indicators import IndicatorRow, Period, Shortfall, count, ratio, shortfall
from backend.core.principal import Principal
from backend.core.timeutil import SHANGHAI, today_shanghai
from backend.sampling.cases import end_of_day
from backend.sampling.models import (
    CLOSED,
    OPEN,
    PASS,
    SAMPLING_TYPES,
    DispositionCase,
    DistrictResidents,
    Sample,
    is_agricultural,
    sampling_type,
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


def residents_for(principal: Principal):
    """The residents kept for the principal's districts, by district then latest year first."""
    return DistrictResidents.objects.visible_to(principal).order_by("district_code", "-year")


def indicators(principal: Principal, *, districts, period: Period, sector: str | None) -> list[IndicatorRow]:
    """Per district: samples in the period per 1,000 residents (the residents of the period's first
    year; all, and agricultural products for residues), their pass rate (and per kind of sampling:
    监督抽检, 评价性抽检, 风险监测), the share of them whose result was announced, and the disposition of
    failed samples whose case opened in the period (completion, on time, overdue, re-tests). Samples
    are not split by sector."""
    if sector:
        return []
    rows = []
    for district in districts:
        samples = Sample.objects.visible_to(principal).filter(sampled_on__gte=period.start, sampled_on__lte=period.end)
        cases = DispositionCase.objects.visible_to(principal).filter(
            opened_at__gte=end_of_day(period.start - timedelta(days=1)), opened_at__lte=end_of_day(period.end)
        )
        if district:
            samples, cases = samples.filter(district_scopes=district), cases.filter(district_scopes=district)
        total = passed = agricultural = announced = 0
        by_type: dict[str, list[int]] = {kind: [0, 0] for kind in SAMPLING_TYPES}
        for sample in samples.only("verdict", "task_source", "food_category", "announcement_id").as_pymongo():
            total += 1
            passed += sample["verdict"] == PASS
            agricultural += is_agricultural(sample.get("food_category"))
            announced += sample.get("announcement_id") is not None
            kind = sampling_type(sample.get("task_source"))
            if kind:
                by_type[kind][0] += sample["verdict"] == PASS
                by_type[kind][1] += 1
        people = _residents(district, period.start.year) if district else None
        opened = closed = on_time = retests = 0
        for case in cases.only("status", "closed_at", "deadline", "retest"):
            opened += 1
            retests += case.retest is not None
            if case.status == CLOSED:
                closed += 1
                on_time += bool(case.closed_at and case.closed_at.astimezone(SHANGHAI).date() <= case.deadline)
        at = {"period": period.label}
        rows += [
            count("sampling.samples", "抽检批次", district, total, **at),
            IndicatorRow(
                "sampling.per_thousand_residents",
                "每千人抽检批次",
                district,
                round(total * 1000 / people, 2) if people else None,
                total,
                people,
                "per_thousand",
                **at,
            ),
            IndicatorRow(
                "sampling.residues_per_thousand_residents",
                "每千人农兽药残留抽检批次",
                district,
                round(agricultural * 1000 / people, 2) if people else None,
                agricultural,
                people,
                "per_thousand",
                **at,
            ),
            ratio("sampling.pass_rate", "抽检合格率", district, passed, total, **at),
            ratio("sampling.results_disclosed", "抽检结果公示率", district, announced, total, **at),
            *(
                ratio(f"sampling.pass_rate.{kind}", f"{label}合格率", district, *by_type[kind], **at)
                for kind, label in SAMPLING_TYPES.items()
            ),
            ratio("sampling.disposition_completion", "不合格样品核查处置完成率", district, closed, opened, **at),
            ratio("sampling.disposition_on_time", "核查处置按期完成率", district, on_time, closed, **at),
            count(
                "sampling.disposition_overdue",
                "核查处置逾期未完成",
                district,
                cases.filter(status=OPEN, deadline__lt=today_shanghai()).count(),
                **at,
            ),
            count("sampling.retests", "复检申请", district, retests, **at),
        ]
    return rows


def _residents(district: str, year: int) -> int | None:
    """Residents as recorded for the district, else the sum of its counties' (a city's own figure wins)."""
    found = DistrictResidents.objects(id=f"{district}-{year}").first()
    if found is not None:
        return found.residents
    parts = [r.residents for r in DistrictResidents.objects(year=year) if districts.covers(district, r.district_code)]
    return sum(parts) or None


def shortfalls(principal: Principal, district: str, today) -> list[Shortfall]:
    """The failed samples' disposition cases past their deadline."""
    late = DispositionCase.objects.visible_to(principal).filter(district_scopes=district).overdue(today)
    return [
        shortfall(
            "sampling.disposition_on_time",
            "逾期未完成核查处置的不合格食品",
            late.order_by("deadline"),
            lambda c: f"{c.business_name} · {c.food_name} · 应于 {c.deadline} 前完成",
        )
    ]
