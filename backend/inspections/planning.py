"""Risk grades (A–D, for regulators), the inspection plan, random draws (双随机) and inspection KPIs.
The weights, bands and minimum inspections are data (`data/risk_rules.json`)."""

from __future__ import annotations

import functools
import json
import math
import random
import secrets
from collections import Counter, defaultdict
from datetime import date, timedelta
from importlib import resources
from typing import Any

from bson import ObjectId

from backend.accounts.models import User
from backend.complaints.models import CLOSED, Complaint
from backend.core import context, domains
from backend.core.errors import Forbidden, InvalidInput
from backend.core.indicators import IndicatorRow, Period, Shortfall, count, ratio, shortfall
from backend.core.principal import Principal
from backend.core.text import Text
from backend.core.timeutil import today_shanghai, utcnow
from backend.inspections.errors import InspectionNotFound
from backend.inspections.models import (
    SIGNED,
    AnnualGrade,
    Inspection,
    RandomDraw,
    Rectification,
    RiskChange,
    RiskGrade,
)
from backend.inspections.rules import BASICALLY_COMPLIANT, NON_COMPLIANT, RESULT_LABELS
from backend.registry import services as registry
from backend.registry.models import APPROVED, HOUSEHOLD, Business
from backend.sampling.models import FAIL, Sample
from backend.staff.models import SafetyProfile
from backend.workflow.services import change_state, create_record

YEAR = timedelta(days=365)
COVERAGE_YEARS = 2  # every business gets a full inspection at least every two years (order No. 49 art. 22)


@functools.cache
def risk_rules() -> dict:
    return json.loads(resources.files("backend.inspections").joinpath("data/risk_rules.json").read_text("utf-8"))


def risk_score(kind: str, scale: str | None, inputs: dict) -> tuple[float, str]:
    """(score, level) from the business's kind and scale (static) and its record (dynamic). Pure."""
    data = risk_rules()
    static = data["static_by_kind"].get(kind, 15) + data["static_by_scale"].get(scale or "small", 0)
    weights = data["dynamic"]
    counted = {name: value for name, value in inputs.items() if name != "credit_class"}
    dynamic = min(weights["max"], sum(weights.get(name, 0) * count for name, count in counted.items()))
    credit = data.get("credit", {}).get(inputs.get("credit_class") or "A", 0)
    score = float(static + dynamic + credit)
    level = next(level for ceiling, level in data["bands"] if score < ceiling)
    return score, level


def _inputs(business: Business, today: date) -> dict:
    since = today - YEAR
    results = Counter(
        i.result
        for i in Inspection.objects(business_id=business.id, status=SIGNED, inspected_on__gte=since).only("result")
    )
    inputs = {
        "non_compliant_inspection": results[NON_COMPLIANT],
        "basically_compliant_inspection": results[BASICALLY_COMPLIANT],
        "overdue_key_rectification": Rectification.objects(business_id=business.id, key=True).overdue(today).count(),
        "upheld_complaint": Complaint.objects(
            business_id=business.id, status=CLOSED, upheld=True, received_at__gte=since
        ).count(),
        "failed_sample": Sample.objects(business_id=business.id, verdict=FAIL, sampled_on__gte=since).count(),
    }
    for provider in domains.contributed("risk_inputs"):  # penalties and the credit class (enforcement)
        inputs |= provider(business.id, since)
    return inputs


def risk_input_changed(business_id: Any) -> None:
    """Another domain changed an input of the grade (`backend.core.domains.announce`)."""
    if business_id is not None and Business.objects(id=business_id, kind__ne=HOUSEHOLD).only("id").first():
        recompute_risk_grade(business_id)


def recompute_risk_grade(business_id: Any) -> RiskGrade:
    business = Business.objects.get(id=ObjectId(str(business_id)))
    today = today_shanghai()
    profile = SafetyProfile.objects(id=business.id).first()
    inputs = _inputs(business, today)
    score, level = risk_score(business.kind, profile.scale if profile else None, inputs)
    current = RiskGrade.objects(id=business.id).first()
    if current is not None and current.level == level:
        RiskGrade.objects(id=business.id).update_one(set__score=score, set__inputs=inputs, set__updated_at=utcnow())
        return RiskGrade.objects.get(id=business.id)
    if current is not None and current.history:
        RiskGrade.objects(id=business.id).update_one(**{f"set__history__{len(current.history) - 1}__until": today})
    RiskGrade.objects(id=business.id).update_one(
        upsert=True,
        set__level=level,
        set__score=score,
        set__inputs=inputs,
        set__since=today,
        set__district_scopes=business.district_scopes,
        set__updated_at=utcnow(),
        push__history=RiskChange(level=level, score=score, since=today, inputs=inputs),
    )
    return RiskGrade.objects.get(id=business.id)


def _supervised(principal: Principal, *, district: str | None = None, kind: str | None = None):
    if not principal.is_console_user:
        raise Forbidden()
    found = Business.objects.visible_to(principal).filter(status=APPROVED, kind__ne=HOUSEHOLD)
    if district:
        found = found.filter(district_scopes=district)
    if kind:
        found = found.filter(kind=kind)
    return found


def _risk_levels(businesses: list[Business]) -> dict:
    levels = {g.id: g.level for g in RiskGrade.objects(id__in=[b.id for b in businesses]).only("level")}
    for business in businesses:
        if business.id not in levels:
            levels[business.id] = recompute_risk_grade(business.id).level
    return levels


PLAN_STATES = ("overdue", "due", "done")  # the order a plan lists them in: what is most late first


def inspection_plan(principal: Principal, *, year: int, district: str | None = None, state: str | None = None) -> dict:
    """For the regulator's districts: which businesses are due, overdue or done this year, by risk
    grade; overdue first, then due, then done, each by risk grade and name. `state` keeps one of them
    in `rows` (the counts and the coverage are the whole plan's)."""
    today = today_shanghai()
    businesses = list(_supervised(principal, district=district).order_by("name").limit(5000))
    levels = _risk_levels(businesses)
    minimum = risk_rules()["minimum_inspections_per_year"]
    start, end = date(year, 1, 1), date(year, 12, 31)
    done, last = Counter(), {}
    for inspection in Inspection.objects(business_id__in=[b.id for b in businesses], status=SIGNED, corrects=None).only(
        "business_id", "inspected_on"
    ):
        if start <= inspection.inspected_on <= end:
            done[inspection.business_id] += 1
        last[inspection.business_id] = max(last.get(inspection.business_id, date.min), inspection.inspected_on)
    coverage_since = today - timedelta(days=365 * COVERAGE_YEARS)
    rows = []
    for business in businesses:
        required = math.ceil(minimum[levels[business.id]])
        within_two_years = last.get(business.id, date.min) >= coverage_since
        if not within_two_years:
            standing = "overdue"
        elif done[business.id] >= required or minimum[levels[business.id]] < 1 and within_two_years:
            standing = "done"
        else:
            standing = "due"
        rows.append(
            {
                "business_id": str(business.id),
                "name": business.name,
                "district_code": business.district_code,
                "risk_grade": levels[business.id],
                "required_this_year": required,
                "done_this_year": done[business.id],
                "last_inspected_on": last[business.id].isoformat() if business.id in last else None,
                "state": standing,
            }
        )
    covered = sum(1 for b in businesses if last.get(b.id, date.min) >= coverage_since)
    rows.sort(key=lambda row: (PLAN_STATES.index(row["state"]), row["risk_grade"], row["name"]))
    return {
        "year": year,
        "businesses": len(businesses),
        "coverage_rate": round(covered / len(businesses), 4) if businesses else None,
        "counts": {key: sum(1 for row in rows if row["state"] == key) for key in PLAN_STATES},
        "rows": [row for row in rows if not state or row["state"] == state],
    }


# --- random draws (双随机) -------------------------------------------------------------------------


def _pairs(
    seed: str,
    candidates: list[str],
    inspectors: list[str],
    count: int,
    per_inspection: int,
    recent: dict[str, set[str]],
) -> list[dict]:
    """The draw itself, a pure function of its inputs: the same seed gives the same pairs."""
    rng = random.Random(seed)
    chosen = rng.sample(candidates, count)
    pairs = []
    for business_id in chosen:
        eligible = [i for i in inspectors if i not in recent.get(business_id, set())]
        if len(eligible) < per_inspection:
            raise InvalidInput(
                errors={
                    "count": [
                        Text(
                            "Not enough inspectors who have not recently inspected {business_id}.",
                            business_id=business_id,
                        )
                    ]
                }
            )
        pairs.append({"business_id": business_id, "inspectors": sorted(rng.sample(eligible, per_inspection))})
    return pairs


def _recent_inspectors(business_ids: list[str], today: date) -> dict[str, set[str]]:
    recent: dict[str, set[str]] = defaultdict(set)
    for inspection in Inspection.objects(
        business_id__in=[ObjectId(b) for b in business_ids], inspected_on__gte=today - YEAR
    ).only("business_id", "inspectors"):
        recent[str(inspection.business_id)].update(str(i) for i in inspection.inspectors)
    return recent


def draw(
    principal: Principal,
    *,
    count: int,
    district: str | None = None,
    kind: str | None = None,
    risk_grade: str | None = None,
) -> RandomDraw:
    businesses = list(_supervised(principal, district=district, kind=kind))
    if risk_grade:
        levels = _risk_levels(businesses)
        businesses = [b for b in businesses if levels[b.id] == risk_grade]
    candidates = sorted(str(b.id) for b in businesses)
    if count > len(candidates):
        raise InvalidInput(errors={"count": [Text("Only {count} businesses match.", count=len(candidates))]})
    scope = [district] if district else list(principal.districts)
    inspectors = (
        sorted({str(u.id) for code in scope for u in User.objects.regulators_covering(code)})
        if scope
        else sorted(str(u.id) for u in User.objects(role="regulator", is_active=True))
    )
    # The seed is the platform's (a CSPRNG), never the caller's: one who could pick it could search seeds
    # offline for the pairs he wants, and `verify_draw` would still say "reproduced". It is recorded with
    # the candidates and inspectors (an audit entry) before the pairs are drawn from it.
    seed = secrets.token_hex(16)
    today = today_shanghai()
    recent = _recent_inspectors(candidates, today)
    record = RandomDraw(
        district_scopes=sorted({s for b in businesses for s in b.district_scopes}),
        drawn_by=ObjectId(principal.user_id),
        seed=seed,
        criteria={
            "count": count,
            "district": district,
            "kind": kind,
            "risk_grade": risk_grade,
            "on": today.isoformat(),
        },
        candidates=candidates,
        inspectors=inspectors,
        excluded={b: sorted(i) for b, i in recent.items() if b in candidates},
    )
    create_record(record, action="seeded", actor_id=principal.user_id, target_type="random_draw")
    pairs = _pairs(seed, candidates, inspectors, count, context.settings().INSPECTORS_REQUIRED, recent)
    return change_state(
        RandomDraw.objects,
        record.id,
        action="made",
        actor_id=principal.user_id,
        target_type="random_draw",
        updates={"set__pairs": pairs},
        conditions={"pairs__0__exists": False},  # drawn once
    )


def get_draw(principal: Principal, draw_id: Any) -> RandomDraw:
    return RandomDraw.objects.get_visible(principal, lambda: InspectionNotFound(Text("No such draw.")), id=draw_id)


def draws_for(principal: Principal):
    """The draws of the principal's districts, newest first."""
    return RandomDraw.objects.visible_to(principal).order_by("-created_at")


def draw_names(draw: RandomDraw) -> dict[str, str]:
    """Names for the ids a draw's pairs hold (businesses and inspectors), two queries for the lot."""
    business_ids = [ObjectId(p["business_id"]) for p in draw.pairs]
    inspector_ids = [ObjectId(i) for p in draw.pairs for i in p["inspectors"]]
    names = {str(b.id): b.name for b in Business.objects(id__in=business_ids).only("name")}
    for user in User.objects(id__in=inspector_ids).only("display_name", "username"):
        names[str(user.id)] = user.display_name or user.username
    return names


def verify_draw(principal: Principal, draw_id: Any) -> bool:
    """Anyone in scope can check a draw was not chosen by hand: the recorded seed and lists give the
    recorded pairs again."""
    record = get_draw(principal, draw_id)
    per_inspection = len(record.pairs[0]["inspectors"]) if record.pairs else 0
    recent = {business: set(inspectors) for business, inspectors in record.excluded.items()}
    return (
        _pairs(record.seed, record.candidates, record.inspectors, record.criteria["count"], per_inspection, recent)
        == record.pairs
    )


# --- KPIs ---------------------------------------------------------------------------------------------


def indicators(principal: Principal, *, districts, period: Period, sector: str | None) -> list[IndicatorRow]:
    """Per district (of the businesses the principal supervises, of one kind when `sector` is given):
    inspection coverage within two years, results in the period, key rectifications overdue, the share
    with a risk grade, rectifications due in the period accepted by their deadline, and the share of
    graded businesses at A or B (优秀 or 良好)."""
    today = today_shanghai()
    since = today - timedelta(days=365 * COVERAGE_YEARS)
    rows = []
    for district in districts:
        ids = [b.id for b in _supervised(principal, district=district, kind=sector).only("id")]
        last: dict = {}
        results: Counter = Counter()
        for inspection in Inspection.objects(business_id__in=ids, status=SIGNED).only(
            "business_id", "inspected_on", "result"
        ):
            last[inspection.business_id] = max(last.get(inspection.business_id, date.min), inspection.inspected_on)
            if period.start <= inspection.inspected_on <= period.end:
                results[inspection.result] += 1
        covered = sum(1 for b in ids if last.get(b, date.min) >= since)
        grades = Counter(g.level for g in AnnualGrade.objects(id__in=ids).only("level") if g.level)
        risk_graded = RiskGrade.objects(id__in=ids).count()
        deadline_in_period = Rectification.objects(
            business_id__in=ids, deadline__gte=period.start, deadline__lte=min(period.end, today)
        ).only("status", "deadline", "updated_at")
        due = list(deadline_in_period)
        in_time = sum(1 for r in due if r.status == "accepted" and r.updated_at.date() <= r.deadline)
        at = {"period": period.label, "sector": sector}
        rows += [
            ratio("inspections.coverage_two_years", "两年内监督检查覆盖率", district, covered, len(ids), **at),
            *(
                count(f"inspections.results.{code}", f"检查结果：{label}", district, results[code], **at)
                for code, label in RESULT_LABELS.items()
            ),
            count(
                "inspections.overdue_rectifications",
                "逾期未完成整改",
                district,
                Rectification.objects(business_id__in=ids).overdue(today).count(),
                **at,
            ),
            ratio("inspections.risk_graded", "风险分级覆盖率", district, risk_graded, len(ids), **at),
            ratio("inspections.rectified_in_time", "整改按期完成率", district, in_time, len(due), **at),
            ratio(
                "inspections.grade_good_or_better",
                "年度等级良好及以上占比",
                district,
                grades["A"] + grades["B"],
                sum(grades.values()),
                **at,
            ),
        ]
    return rows


def risk_grade_for(principal: Principal, business_id: Any) -> RiskGrade:
    business = registry.get_for_regulator(principal, business_id)
    return recompute_risk_grade(business.id)


def shortfalls(principal: Principal, district: str, today) -> list[Shortfall]:
    """The failed items not fixed by their deadline (key items first)."""
    late = Rectification.objects.visible_to(principal).filter(district_scopes=district).overdue(today)
    return [
        shortfall(
            "inspections.rectified_in_time",
            "逾期未整改的检查问题",
            late.order_by("-key", "deadline"),
            lambda r: f"{'关键项 ' if r.key else ''}{r.item} {r.text or ''} · 应于 {r.deadline} 前整改",
        )
    ]
