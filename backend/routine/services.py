"""The business's food-safety routine (三件事): every rule lives here.

Records come from phones in kitchens that lose the network: each carries a `client_id` the phone made,
and sending the same record again returns the one already stored (a different record for a period
that has one is 409). A record may be for today or up to ROUTINE_BACKFILL_DAYS back, never the future.
"""

from __future__ import annotations

import functools
import json
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from typing import Any

from bson import ObjectId
from mongoengine import NotUniqueError

from backend.blobs import services as blobs
from backend.core import context, tables
from backend.core.errors import Forbidden, InvalidInput
from backend.core.ids import object_id
from backend.core.principal import Principal
from backend.core.text import Items, Text
from backend.core.timeutil import today_shanghai, utcnow
from backend.public_card import services as cards
from backend.registry import services as registry
from backend.registry.models import APPROVED, HOUSEHOLD, MANAGER, OWNER, STAFF, Business
from backend.routine.errors import AlreadyRecorded, ClientIdReused, CorrectionTooLate, RecordNotFound
from backend.routine.models import (
    FAILED,
    NO_PROBLEM_TEXT,
    CheckResult,
    DailyCheck,
    Fix,
    MonthlyReport,
    RiskControlList,
    RiskItem,
    RoutinePhoto,
    Signature,
    WeeklyReport,
)
from backend.staff.services import handler_statuses, safety_team
from backend.workflow.services import change_state, create_record

CARD_SECTION = "routine"
CARD_WINDOW_DAYS = 30
MAX_PERIOD_DAYS = 366
MAX_OWN_ITEMS = 50


@functools.cache
def _templates() -> dict:
    return json.loads(resources.files("backend.routine").joinpath("data/risk_templates.json").read_text("utf-8"))


def _member_business(user_id: Any, business_id: Any, roles=(OWNER, MANAGER, STAFF)) -> Business:
    business, _ = registry.get_for_member(user_id, business_id, roles=roles)
    if business.kind == HOUSEHOLD:
        raise InvalidInput(
            Text("A household keeps no food-safety routine."), errors={"business_id": [Text("A household.")]}
        )
    return business


# --- the risk-control list ------------------------------------------------------------------------


def _list_for(business: Business) -> RiskControlList:
    existing = RiskControlList.objects(id=business.id).first()
    if existing is not None:
        return existing
    template = _templates()["kinds"].get(business.kind, "catering")
    items = [RiskItem(code=code, text=text) for code, text in _templates()[template]]
    try:
        return RiskControlList(id=business.id, template=template, items=items).save(force_insert=True)
    except NotUniqueError:  # started by another request at the same moment
        return RiskControlList.objects.get(id=business.id)


def risk_list(user_id: Any, business_id: Any) -> RiskControlList:
    return _list_for(_member_business(user_id, business_id))


def add_risk_item(user_id: Any, business_id: Any, text: str) -> RiskControlList:
    business = _member_business(user_id, business_id, roles=(OWNER, MANAGER))
    current = _list_for(business)
    if sum(1 for item in current.items if item.own) >= MAX_OWN_ITEMS:
        raise InvalidInput(
            errors={"text": [Text("At most {max_own_items} items of your own.", max_own_items=MAX_OWN_ITEMS)]}
        )
    item = RiskItem(code=f"own-{secrets.token_hex(4)}", text=text, own="own")
    return change_state(
        RiskControlList.objects,
        current.id,
        action="item_added",
        actor_id=user_id,
        target_type="risk_list",
        updates={"push__items": item},
        audit_extra={"added": {"code": item.code, "text": text}},
    )


# --- records ---------------------------------------------------------------------------------------


def _check_day(day: date, field: str) -> None:
    today = today_shanghai()
    backfill = context.settings().ROUTINE_BACKFILL_DAYS
    if day > today:
        raise InvalidInput(errors={field: [Text("Cannot be in the future.")]})
    if day < today - timedelta(days=backfill):
        raise InvalidInput(
            errors={field: [Text("Records may be entered at most {backfill} days late.", backfill=backfill)]}
        )


def _signature(user_id: Any, name: str) -> Signature:
    return Signature(user_id=object_id(user_id, RecordNotFound), name=name, at=utcnow())


def _store(document, period_field: str, target_type: str, user_id: Any):
    """Insert, or return what the same client_id stored before; another record of the period is 409."""
    model = type(document)
    same = model.objects(business_id=document.business_id, client_id=document.client_id).first()
    if same is not None:
        if getattr(same, period_field) != getattr(document, period_field):
            raise ClientIdReused(errors={"client_id": [Text("Used for a record of another period.")]})
        return same
    try:
        create_record(
            document,
            action="recorded",
            actor_id=user_id,
            target_type=target_type,
            audit_view=lambda stored: {
                "business_id": str(stored.business_id),
                period_field: getattr(stored, period_field),
            },
        )
    except NotUniqueError:
        same = model.objects(business_id=document.business_id, client_id=document.client_id).first()
        if same is not None and getattr(same, period_field) == getattr(document, period_field):
            return same  # the same record, sent twice at once
        if model is DailyCheck:
            raise AlreadyRecorded(
                Text("A daily check for this day already exists; correct that record instead of adding one."),
                errors={period_field: [Text("Already recorded.")]},
            ) from None
        raise AlreadyRecorded(errors={period_field: [Text("Already recorded.")]}) from None
    publish_card(document.business_id)
    return document


def upload_photo(user_id: Any, business_id: Any, data: bytes) -> RoutinePhoto:
    business = _member_business(user_id, business_id)
    stored = blobs.store_upload(data, allowed=(blobs.JPEG, blobs.PNG, blobs.WEBP), profile=blobs.PHOTO)
    return RoutinePhoto(
        business_id=business.id, sha256=stored.sha256, uploaded_by=object_id(user_id, RecordNotFound)
    ).save()


def _checked_results(business: Business, results: list[dict]) -> None:
    """Every item of the business's list once, each photo uploaded for it, each failure with a note."""
    labels = {item.code: item.text for item in _list_for(business).items}
    items = set(labels)
    errors: dict[str, Any] = {}
    seen = [r["item"] for r in results]
    if unknown := sorted(set(seen) - items):
        errors["results"] = [Text("Not on the risk-control list: {items}", items=Items(unknown))]
    elif len(seen) != len(set(seen)):
        errors["results"] = [Text("An item is recorded twice.")]
    elif missing := sorted(items - set(seen)):
        errors["results"] = [
            Text(
                "Every item is recorded (passed, failed or not applicable); missing: {items}",
                items=Items((code, labels[code]) for code in missing),
            )
        ]
    photos = {r["photo"] for r in results if r.get("photo")}
    if RoutinePhoto.objects.missing(business.id, photos):
        errors["results"] = [Text("A photo was not uploaded for this business.")]
    if any(r["result"] == FAILED and not r.get("note") for r in results):
        errors.setdefault("results", []).append(Text("A failed item needs a note saying what was found."))
    if errors:
        raise InvalidInput(errors=errors)


def _check_values(business: Business, user_id: Any, values: dict) -> dict:
    """The fields of a daily check from what was sent (checked): for a new record and a correction."""
    results = values["results"]
    _checked_results(business, results)
    failed = [r for r in results if r["result"] == FAILED]
    team = safety_team(business)  # the director, else the head, hears of the problems
    return {
        "signature": _signature(user_id, values["signed_name"]),
        "escalated_to": [p.name for p in (team.directors or team.heads)] if failed else [],
        "results": [
            CheckResult(item=r["item"], result=r["result"], note=r.get("note"), photo_sha256=r.get("photo"))
            for r in results
        ],
        "summary": values.get("summary") or (None if failed else NO_PROBLEM_TEXT),
    }


def record_daily_check(user_id: Any, business_id: Any, values: dict) -> DailyCheck:
    business = _member_business(user_id, business_id)
    _check_day(values["day"], "day")
    check = DailyCheck(
        business_id=business.id,
        district_scopes=business.district_scopes,
        client_id=values["client_id"],
        day=values["day"],
        **_check_values(business, user_id, values),
    )
    return _store(check, "day", "daily_check", user_id)


def correct_daily_check(user_id: Any, business_id: Any, check_id: Any, values: dict) -> DailyCheck:
    """Correct a daily check within the backfill window (what was found was entered wrong): the whole
    record again, signed by whoever corrects it, with the reason; the audit entry keeps what it said
    before. `version` is the one read: a record changed since is 409, not overwritten."""
    business = _member_business(user_id, business_id)
    check = DailyCheck.objects(id=object_id(check_id, RecordNotFound), business_id=business.id).first()
    if check is None:
        raise RecordNotFound()
    backfill = context.settings().ROUTINE_BACKFILL_DAYS
    if check.day < today_shanghai() - timedelta(days=backfill):
        raise CorrectionTooLate(
            Text("A daily check may be corrected at most {backfill} days after its day.", backfill=backfill)
        )
    fields = _check_values(business, user_id, values)
    corrected = change_state(
        DailyCheck.objects,
        check.id,
        action="corrected",
        actor_id=user_id,
        target_type="daily_check",
        expected_version=values["version"],
        updates={f"set__{name}": value for name, value in fields.items()},
        audit_extra={"reason": values["reason"]},  # the entry's before/after views keep both versions
        not_found=RecordNotFound,
    )
    publish_card(business.id)
    return corrected


def record_weekly_report(user_id: Any, business_id: Any, values: dict) -> WeeklyReport:
    business = _member_business(user_id, business_id, roles=(OWNER, MANAGER))
    week_start = values["week_start"] - timedelta(days=values["week_start"].weekday())
    if week_start > today_shanghai():
        raise InvalidInput(errors={"week_start": [Text("Cannot be in the future.")]})
    _check_day(min(week_start + timedelta(days=6), today_shanghai()), "week_start")
    daily_problems = {
        f"{c.day.isoformat()}:{r.item}"
        for c in DailyCheck.objects(
            business_id=business.id, day__gte=week_start, day__lte=week_start + timedelta(days=6)
        )
        for r in c.problems
    }
    unknown = sorted(set(values.get("problems") or []) - daily_problems)
    if unknown:
        raise InvalidInput(
            errors={
                "problems": [Text("Not a problem of this week's daily checks: {items}", items=Items(unknown, limit=5))]
            }
        )
    report = WeeklyReport(
        business_id=business.id,
        district_scopes=business.district_scopes,
        client_id=values["client_id"],
        week_start=week_start,
        problems=values.get("problems") or [],
        assessment=values["assessment"],
        fixes=[Fix(**fix) for fix in values.get("fixes") or []],
        signature=_signature(user_id, values["signed_name"]),
    )
    return _store(report, "week_start", "weekly_report", user_id)


def record_monthly_report(user_id: Any, business_id: Any, values: dict) -> MonthlyReport:
    business = _member_business(user_id, business_id, roles=(OWNER, MANAGER))
    _check_day(values["held_on"], "held_on")
    report = MonthlyReport(
        business_id=business.id,
        district_scopes=business.district_scopes,
        client_id=values["client_id"],
        month=values["held_on"].strftime("%Y-%m"),
        held_on=values["held_on"],
        attendees=values.get("attendees") or [],
        problems=values["problems"],
        decisions=values["decisions"],
        next_focus=values["next_focus"],
        signature=_signature(user_id, values["signed_name"]),
    )
    return _store(report, "month", "monthly_report", user_id)


def records(model, user_id: Any, business_id: Any):
    business = _member_business(user_id, business_id)
    order = {DailyCheck: "-day", WeeklyReport: "-week_start", MonthlyReport: "-month"}[model]
    return model.objects.of_business(business.id).order_by(order)


# --- how well the routine is kept ---------------------------------------------------------------------


def _weeks(start: date, end: date) -> list[date]:
    first = start - timedelta(days=start.weekday())
    return [first + timedelta(weeks=i) for i in range((end - first).days // 7 + 1)]


def _months(start: date, end: date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@dataclass(frozen=True)
class Compliance:
    business_id: ObjectId
    name: str
    district_code: str
    days: int
    days_recorded: int
    weeks: int
    weeks_reported: int
    months: int
    months_reported: int
    no_officer: bool
    director_missing: bool
    uncovered_food_handlers: int

    def as_dict(self) -> dict:
        return {**self.__dict__, "business_id": str(self.business_id)}


def compliance(
    principal: Principal, *, period_from: date, period_to: date, district: str | None = None
) -> list[Compliance]:
    """Per business in the regulator's districts: days with a daily check, weeks with a weekly report,
    months with a monthly record in the period; a missing officer or director; uncovered food handlers."""
    if not principal.is_console_user:
        raise Forbidden()
    if period_to < period_from or (period_to - period_from).days >= MAX_PERIOD_DAYS:
        raise InvalidInput(
            errors={
                "to": [Text("After from, and at most {max_period_days} days later.", max_period_days=MAX_PERIOD_DAYS)]
            }
        )
    businesses = Business.objects.visible_to(principal).filter(status=APPROVED, kind__ne=HOUSEHOLD)
    if district:
        businesses = businesses.filter(district_scopes=district)
    businesses = list(businesses.order_by("name").limit(2000))
    ids = [b.id for b in businesses]
    period_end = min(period_to, today_shanghai())
    days = defaultdict(set)
    for check in DailyCheck.objects(business_id__in=ids, day__gte=period_from, day__lte=period_end).only(
        "business_id", "day"
    ):
        days[check.business_id].add(check.day)
    weeks_list, months_list = _weeks(period_from, period_end), _months(period_from, period_end)
    weeks = defaultdict(set)
    for report in WeeklyReport.objects(business_id__in=ids, week_start__in=weeks_list).only(
        "business_id", "week_start"
    ):
        weeks[report.business_id].add(report.week_start)
    months = defaultdict(set)
    for report in MonthlyReport.objects(business_id__in=ids, month__in=months_list).only("business_id", "month"):
        months[report.business_id].add(report.month)
    uncovered = defaultdict(int)
    for status in handler_statuses(ids, today_shanghai()):
        uncovered[status.staff.business_id] += not status.may_handle_food
    rows = []
    for business in businesses:
        team = safety_team(business)
        rows.append(
            Compliance(
                business.id,
                business.name,
                business.district_code,
                max(0, (period_end - period_from).days + 1),
                len(days[business.id]),
                len(weeks_list),
                len(weeks[business.id]),
                len(months_list),
                len(months[business.id]),
                "no_officer" in team.problems,
                "director_missing" in team.problems,
                uncovered[business.id],
            )
        )
    return rows


COUNTED = (
    "days",
    "days_recorded",
    "weeks",
    "weeks_reported",
    "months",
    "months_reported",
    "no_officer",
    "director_missing",
    "uncovered_food_handlers",
)


def compliance_csv(rows: list[Compliance]) -> str:
    header = ["business_id", "name", "district_code", *COUNTED]
    return tables.csv_text(header, ([row.as_dict()[h] for h in header] for row in rows))


# --- the public card -----------------------------------------------------------------------------


def publish_card(business_id: Any) -> None:
    """Whether the routine is kept: the days of the last 30 with a daily check ("近30天日管控 28/30 天")."""
    since = today_shanghai() - timedelta(days=CARD_WINDOW_DAYS * 2)
    recorded = sorted(
        {c.day.isoformat() for c in DailyCheck.objects(business_id=business_id, day__gte=since).only("day")}
    )
    cards.publish_section(business_id, CARD_SECTION, {"daily_check_days": recorded})


def by_district(rows: list[Compliance]) -> list[dict]:
    """The same figures summed per district (county), with the shares of days, weeks and months kept."""
    totals: dict[str, dict] = {}
    for row in rows:
        total = totals.setdefault(
            row.district_code, {"district_code": row.district_code, "businesses": 0, **dict.fromkeys(COUNTED, 0)}
        )
        total["businesses"] += 1
        for field in COUNTED:
            total[field] += int(getattr(row, field))
    for total in totals.values():
        for kept, of in (("days_recorded", "days"), ("weeks_reported", "weeks"), ("months_reported", "months")):
            total[f"{kept}_share"] = round(total[kept] / total[of], 4) if total[of] else None
    return sorted(totals.values(), key=lambda t: t["district_code"])
