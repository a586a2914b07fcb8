"""Complaints and reports: every rule of the workflow lives here.

Each step is a conditional update (status precondition), audited. Deadlines come from one working-day
calendar and are stored on the record: `accept_due` (7 working days from receipt), `handle_due`
(complaints: 45 working days from acceptance; reports: 15 from receipt, extendable once by 15), and
`current_due`, the deadline of the stage the record is in, which the overdue lists query.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId

from backend.accounts.models import User
from backend.blobs import services as blobs
from backend.complaints.errors import ComplaintNotFound, DuplicateComplaint, InvalidComplaintTransition, UploadNotFound
from backend.complaints.models import (
    ACCEPTED,
    ASSIGNED,
    CATEGORIES,
    CLOSED,
    COMPLAINT,
    HANDLING,
    KIND_LABELS,
    NUMBER_PREFIXES,
    OPEN_STATUSES,
    RECEIVED,
    REFUSED,
    REPLIED,
    REPORT,
    STATUS_LABELS,
    Complainant,
    Complaint,
    DailySequence,
    PublicUpload,
    Reply,
    Step,
)
from backend.core import context, districts, domains
from backend.core.calendar import current_calendar
from backend.core.errors import Forbidden, InvalidInput
from backend.core.ids import object_id
from backend.core.indicators import IndicatorRow, Period, count, ratio
from backend.core.masking import mask_name, mask_phone
from backend.core.principal import Principal
from backend.core.text import Text
from backend.core.timeutil import as_utc, today_shanghai, utcnow
from backend.registry.models import PUBLIC_STATUSES, Business
from backend.registry.validators import normalise_phone
from backend.workflow.services import change_state, create_record, record_access

ACCEPT_DAYS = 7
# What a complainant is told of the first deadline (Open311's service_notice, the form): from ACCEPT_DAYS.
ACCEPT_NOTICE = f"受理时限：收到后{ACCEPT_DAYS}个工作日内决定是否受理"
MEDIATION_DAYS = 45
REPORT_DAYS = 15
REPORT_EXTENSION_DAYS = 15
DUPLICATE_WINDOW = timedelta(hours=24)
DEDUPE_KEY_PREFIX = "complaint:dedupe:"
MAX_AGE = timedelta(days=3 * 365)  # older incidents are refused (暂行办法)
MAX_PHOTOS = 9
DUE_SOON_WORKING_DAYS = 2
PHOTO_TYPES = (blobs.JPEG, blobs.PNG, blobs.WEBP)


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


# --- uploads -------------------------------------------------------------------------------------


def store_public_upload(data: bytes, uploader: str) -> PublicUpload:
    stored = blobs.store_upload(data, allowed=PHOTO_TYPES, profile=blobs.PHOTO)
    return PublicUpload(
        token=secrets.token_urlsafe(18),
        sha256=stored.sha256,
        content_type=stored.content_type,
        size=stored.size,
        uploader=_hash(uploader),
    ).save(force_insert=True)


def _photos(tokens: list[str], uploader: str) -> list[str]:
    if len(tokens) > MAX_PHOTOS:
        raise InvalidInput(errors={"photos": [Text("At most {max_photos} photos.", max_photos=MAX_PHOTOS)]})
    uploads = {u.token: u for u in PublicUpload.objects(token__in=list(tokens), uploader=_hash(uploader))}
    missing = [t for t in tokens if t not in uploads]
    if missing:
        raise UploadNotFound(errors={"photos": [Text("Unknown upload id(s); upload the photos again.")]})
    return [uploads[t].sha256 for t in dict.fromkeys(tokens)]


# --- submission ----------------------------------------------------------------------------------

PENDING = "pending"


def _duplicate(existing: str | None) -> DuplicateComplaint:
    if not existing or existing == PENDING:
        return DuplicateComplaint(Text("The same complaint is being submitted right now."))
    return DuplicateComplaint(
        Text("The same complaint was submitted within 24 hours: {existing}.", existing=existing),
        errors={"number": [existing]},
    )


@dataclass(frozen=True)
class Submitted:
    complaint: Complaint
    query_key: str


def _next_number(kind: str, today: date) -> str:
    key = f"{NUMBER_PREFIXES[kind]}{today:%Y%m%d}"
    counter = DailySequence.objects(key=key).modify(upsert=True, new=True, inc__value=1)
    return f"{key}{counter.value:06d}"


def _normalised_text(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def county_of_point(latitude: float, longitude: float) -> str | None:
    """The county served here whose boundary holds the (WGS-84) point, or None: outside every county
    some regulator of the platform covers (then the submitter must say where, by address)."""
    from backend.core import boundaries

    if not districts.in_china(latitude, longitude):
        return None
    return boundaries.county_at(latitude, longitude, User.objects.served_districts())


def _target_problems(values: dict) -> dict:
    code = values.get("business_code")
    if code:
        business = Business.objects.by_public_code(code).first()
        if business is None or business.status not in PUBLIC_STATUSES:
            return {"business_code": [Text("No business has this public code.")]}
        return {}
    errors: dict = {}
    for field in ("business_name", "business_address", "district_code"):
        if not values.get(field):
            errors[field] = [Text("Required when no business_code is given.")]
    if values.get("district_code"):
        try:
            districts.resolve(values["district_code"])
        except districts.UnknownDistrict as unknown:
            errors["district_code"] = [unknown.reason]
    return errors


def _target(values: dict) -> tuple[Business | None, str, str | None, str]:
    """The business complained about, or the one described; `problems` has checked the values."""
    code = values.get("business_code")
    if code:
        business = Business.objects.by_public_code(code).first()
        if business is None or business.status not in PUBLIC_STATUSES:  # gone since it was checked
            raise InvalidInput(errors={"business_code": [Text("No business has this public code.")]})
        return business, business.name, business.address, business.district_code
    district_code = districts.resolve(values["district_code"])
    return None, values["business_name"].strip(), values["business_address"].strip(), district_code


def problems(values: dict) -> dict:
    """Everything wrong with a submission, every field at once (a form says all of it in one round):
    {field: [reasons]}, the complainant's fields under "complainant"."""
    errors: dict = {}
    complainant = values.get("complainant") or {}
    person: dict = {}
    if complainant.get("phone") and normalise_phone(complainant["phone"]) is None:
        person["phone"] = [Text("A mainland mobile (11 digits) or landline number.")]
    if values.get("kind") == COMPLAINT:
        for field in ("name", "phone", "address"):
            if not complainant.get(field):
                person[field] = [Text("Required for a complaint.")]
        if not values.get("claim"):
            errors["claim"] = [Text("A complaint states what you ask for.")]
    if person:
        errors["complainant"] = person
    occurred_at = values.get("occurred_at")
    if occurred_at is not None:
        occurred_at, now = as_utc(occurred_at), utcnow()
        if occurred_at > now + timedelta(minutes=10):
            errors["occurred_at"] = [Text("Cannot be in the future.")]
        elif now - occurred_at > MAX_AGE:
            errors["occurred_at"] = [Text("Incidents more than 3 years ago cannot be handled.")]
    return {**errors, **_target_problems(values)}


def submit(
    values: dict,
    *,
    client: str,
    user_id: str | None = None,
    source: str = "api",
    throttle: Callable[[], None] | None = None,
    query_key: str | None = None,
    external: dict | None = None,
) -> Submitted:
    """Register a complaint or report: the one call behind every channel (API, web form, Open311).

    `client` (IP) and `user_id` own the uploads. `throttle` (the channel's rate limit) is called once
    the submission is known to be valid, and before a tracking number is taken: a refused
    submission spends neither the submitter's limit nor a number."""
    kind, now = values["kind"], utcnow()
    if errors := problems(values):
        raise InvalidInput(errors=errors)
    complainant = values.get("complainant") or {}
    phone = normalise_phone(complainant["phone"]) if complainant.get("phone") else None
    occurred_at = as_utc(values["occurred_at"]) if values.get("occurred_at") is not None else None
    business, name, address, district_code = _target(values)
    photos = _photos(values.get("photos") or [], user_id or client)

    target = str(business.id) if business else _normalised_text(f"{name}|{address}")
    dedupe_key = DEDUPE_KEY_PREFIX + _hash(
        "|".join([phone or f"ip:{client}", target, _normalised_text(values["description"])])
    )
    redis = context.redis()
    today = today_shanghai()
    existing = redis.get(dedupe_key)
    if existing and existing != PENDING:
        raise _duplicate(existing)
    if throttle is not None:
        throttle()
    # Claim the duplicate key before taking a number: of two identical submissions at once, one wins.
    if not redis.set(dedupe_key, PENDING, nx=True, ex=int(DUPLICATE_WINDOW.total_seconds())):
        raise _duplicate(redis.get(dedupe_key))
    try:
        number = _next_number(kind, today)
    except Exception:
        redis.delete(dedupe_key)
        raise
    redis.set(dedupe_key, number, xx=True, keepttl=True)
    calendar = current_calendar()
    query_key = query_key or secrets.token_urlsafe(18)  # chosen by the demo only, to keep its URLs
    accept_due = calendar.add_working_days(today, ACCEPT_DAYS)
    complaint = Complaint(
        number=number,
        query_key_hash=_hash(query_key),
        kind=kind,
        category=values["category"],
        business_id=business.id if business else None,
        business_name=name,
        business_address=address,
        district_code=district_code,
        district_scopes=districts.enclosing_codes(district_code),
        description=values["description"],
        claim=values.get("claim"),
        external={k: v for k, v in (external or {}).items() if v not in (None, "")},
        occurred_at=occurred_at,
        photos=photos,
        complainant=Complainant(name=complainant.get("name"), phone=phone, address=complainant.get("address"))
        if complainant
        else None,
        submitter_user_id=object_id(user_id, ComplaintNotFound) if user_id else None,
        source=source,
        received_at=now,
        received_on=today,
        accept_due=accept_due,
        handle_due=calendar.add_working_days(today, REPORT_DAYS) if kind == REPORT else None,
        current_due=accept_due,
        deadlines_provisional=calendar.provisional(today, calendar.add_working_days(today, REPORT_DAYS)),
        timeline=[Step(at=now, status=RECEIVED, note=None)],
    )
    try:
        create_record(
            complaint,
            action="submitted",
            actor_id=user_id,
            actor=None if user_id else "anonymous",
            target_type="complaint",
            target_id=number,
        )
    except Exception:
        redis.delete(dedupe_key)
        raise
    return Submitted(complaint, query_key)


def get_for_submitter(number: str, key: str) -> Complaint:
    complaint = Complaint.objects(number=str(number)).first()
    if complaint is None or not key or not secrets.compare_digest(complaint.query_key_hash, _hash(str(key))):
        raise ComplaintNotFound()
    return complaint


def rate(number: str, key: str, rating: int, comment: str | None) -> Complaint:
    complaint = get_for_submitter(number, key)
    return _change(
        Complaint.objects,
        complaint,
        "rated",
        actor="anonymous",
        from_statuses=(CLOSED,),
        conditions={"rating": None},
        updates={"set__rating": rating, "set__rating_comment": comment},
        conflict_message=Text("Only a closed complaint can be rated, and only once."),
    )


# --- regulator workflow ---------------------------------------------------------------------------


def _visible(principal: Principal):
    if not principal.is_console_user:
        raise Forbidden()
    return Complaint.objects.visible_to(principal)


def get_for_regulator(principal: Principal, number: str) -> Complaint:
    complaint = _visible(principal).filter(number=str(number)).first()
    if complaint is None:
        raise ComplaintNotFound()
    return complaint


# How a list of complaints may be ordered: the stage deadline first (the default), or newest first.
ORDERS = {"deadline": ("current_due", "-received_at"), "received": ("-received_at",)}


def search(
    principal: Principal,
    *,
    status=None,
    kind=None,
    category=None,
    overdue=False,
    due_soon=False,
    district=None,
    order="deadline",
):
    complaints = _visible(principal)
    today = today_shanghai()
    if status:
        complaints = complaints.filter(status=status)
    if kind:
        complaints = complaints.filter(kind=kind)
    if category:
        complaints = complaints.filter(category=category)
    if district:
        complaints = complaints.filter(district_scopes=district)
    if overdue:
        complaints = complaints.overdue(today)
    if due_soon:
        complaints = complaints.due_by(today, current_calendar().add_working_days(today, DUE_SOON_WORKING_DAYS))
    return complaints.order_by(*ORDERS.get(order, ORDERS["deadline"]))


def photo_for_regulator(principal: Principal, number: str, index: int) -> tuple[str, bytes]:
    complaint = get_for_regulator(principal, number)
    if not 0 <= index < len(complaint.photos):
        raise ComplaintNotFound(Text("No such photo."))
    data = blobs.load(complaint.photos[index])
    return blobs.sniff(data) or "application/octet-stream", data


def masked_complainant(complaint: Complaint) -> dict | None:
    """The complainant as lists and records show them to officials: name and phone masked (the
    handler asks for them in full: `contact_for_handler`)."""
    if complaint.complainant is None:
        return None
    return {
        "name": mask_name(complaint.complainant.name),
        "address": complaint.complainant.address,
        "phone": mask_phone(complaint.complainant.phone),
    }


def contact_for_handler(principal: Principal, number: str) -> dict:
    """The complainant's full contact data, for the assigned handler only; each look is audited."""
    complaint = get_for_regulator(principal, number)
    if complaint.assigned_to is None or str(complaint.assigned_to) != principal.user_id:
        raise Forbidden(Text("Only the assigned handler may see the complainant's full contact data."))
    record_access(
        action="contact_viewed",
        actor_id=principal.user_id,
        target_type="complaint",
        target_id=complaint.number,
        details={},
    )
    complainant = complaint.complainant
    return {
        "name": complainant.name if complainant else None,
        "phone": complainant.phone if complainant else None,
        "address": complainant.address if complainant else None,
    }


def _change(
    queryset,
    complaint: Complaint,
    action: str,
    *,
    actor_id: Any = None,
    actor: str | None = None,
    from_statuses,
    updates: dict,
    new_status: str | None = None,
    public_note: str | None = None,
    conditions: dict | None = None,
    audit_extra: dict | None = None,
    conflict_message: str | None = None,
) -> Complaint:
    updates = dict(updates)
    if new_status:
        updates["push__timeline"] = Step(at=utcnow(), status=new_status, note=public_note)
    return change_state(
        queryset,
        complaint.id,
        action=action,
        actor_id=actor_id,
        actor=actor,
        target_type="complaint",
        from_statuses=from_statuses,
        to_status=new_status,
        updates=updates,
        conditions=conditions,
        audit_extra=audit_extra,
        target_id=lambda c: c.number,
        not_found=ComplaintNotFound,
        conflict=InvalidComplaintTransition,
        conflict_message=conflict_message,
    )


def _step(
    principal: Principal,
    number: str,
    action: str,
    from_statuses: tuple[str, ...],
    updates: dict,
    public_note: str | None = None,
    new_status: str | None = None,
) -> Complaint:
    complaint = get_for_regulator(principal, number)
    return _change(
        _visible(principal),
        complaint,
        action,
        actor_id=principal.user_id,
        from_statuses=from_statuses,
        updates=updates,
        new_status=new_status,
        public_note=public_note,
        conditions={"version": complaint.version},
    )


def accept(principal: Principal, number: str) -> Complaint:
    complaint = get_for_regulator(principal, number)
    calendar = current_calendar()
    if complaint.kind == COMPLAINT:
        handle_due = calendar.add_working_days(today_shanghai(), MEDIATION_DAYS)
    else:
        handle_due = complaint.handle_due
    provisional = calendar.provisional(today_shanghai(), handle_due)
    return _step(
        principal,
        number,
        "accept",
        (RECEIVED,),
        {
            "set__accepted_at": utcnow(),
            "set__handle_due": handle_due,
            "set__current_due": handle_due,
            "set__deadlines_provisional": provisional,
        },
        new_status=ACCEPTED,
    )


def refuse(principal: Principal, number: str, reason: str) -> Complaint:
    return _step(
        principal,
        number,
        "refuse",
        (RECEIVED,),
        {"set__refused_reason": reason, "set__current_due": None, "set__closed_at": utcnow()},
        public_note=reason,
        new_status=REFUSED,
    )


def assign(principal: Principal, number: str, assignee_id: str, office: str | None) -> Complaint:
    complaint = get_for_regulator(principal, number)
    no_such = InvalidInput(errors={"assignee_id": [Text("Assign to an active regulator of the complaint's district.")]})
    try:
        assignee_oid = ObjectId(str(assignee_id))
    except (InvalidId, TypeError):
        raise no_such from None
    assignee = User.objects.regulators_covering(complaint.district_code).filter(id=assignee_oid).first()
    if assignee is None:
        raise no_such
    return _step(
        principal,
        number,
        "assign",
        (ACCEPTED, ASSIGNED, HANDLING),
        {"set__assigned_to": assignee.id, "set__assigned_office": office},
        new_status=ASSIGNED,
    )


def _handler_only(principal: Principal, number: str) -> None:
    complaint = get_for_regulator(principal, number)
    if not principal.is_admin and str(complaint.assigned_to) != principal.user_id:
        raise Forbidden(Text("Only the assigned handler may do this."))


def handle(principal: Principal, number: str, note: str) -> Complaint:
    _handler_only(principal, number)
    return _step(principal, number, "handle", (ASSIGNED, HANDLING), {"set__handling_note": note}, new_status=HANDLING)


def reply(principal: Principal, number: str, text: str) -> Complaint:
    _handler_only(principal, number)
    return _step(
        principal,
        number,
        "reply",
        (ASSIGNED, HANDLING, REPLIED),
        {"push__replies": Reply(at=utcnow(), by=object_id(principal.user_id, ComplaintNotFound), text=text)},
        public_note=text,
        new_status=REPLIED,
    )


def close(principal: Principal, number: str, result: str, *, upheld: bool = False) -> Complaint:
    """Closed with the result told to the complainant; `upheld` (查实): a lead for enforcement to review."""
    _handler_only(principal, number)
    complaint = get_for_regulator(principal, number)
    on_time = int(complaint.handle_due is None or today_shanghai() <= complaint.handle_due)
    closed = _step(
        principal,
        number,
        "close",
        (REPLIED,),
        {"set__closed_at": utcnow(), "set__closed_on_time": on_time, "set__current_due": None, "set__upheld": upheld},
        public_note=result,
        new_status=CLOSED,
    )
    domains.announce("risk_input_changed", business_id=closed.business_id)  # a closed complaint weighs on it
    if upheld and closed.business_id is not None:
        domains.announce(
            "violation_suspected",
            kind="complaint",
            source_id=closed.number,
            business_id=closed.business_id,
            summary=f"{KIND_LABELS[closed.kind]}查实：{closed.description[:300]}（处理结果：{result[:300]}）",
            evidence=list(closed.photos),
        )
    return closed


def extend(principal: Principal, number: str, reason: str) -> Complaint:
    """Reports may be extended once by 15 working days."""
    complaint = get_for_regulator(principal, number)
    if complaint.kind != REPORT or complaint.extended:
        raise InvalidComplaintTransition(Text("Only a report can be extended, and only once."))
    handle_due = current_calendar().add_working_days(complaint.handle_due, REPORT_EXTENSION_DAYS)
    updates = {"set__handle_due": handle_due, "set__extended": True}
    if complaint.status != RECEIVED:
        updates["set__current_due"] = handle_due
    return _change(
        _visible(principal),
        complaint,
        "extend",
        actor_id=principal.user_id,
        from_statuses=OPEN_STATUSES,
        conditions={"extended__ne": True},
        updates=updates,
        audit_extra={"reason": reason},
        conflict_message=Text("Only an open report can be extended, and only once."),
    )


# --- KPIs ------------------------------------------------------------------------------------------


def indicators(principal: Principal, *, districts, period: Period, sector: str | None) -> list[IndicatorRow]:
    """Per district, complaints received in the period: how many, the reply rate (replied of accepted),
    the on-time closure rate (closed within the statutory deadline, of closed), the mean handling days
    (receipt to closing) and the mean satisfaction (1–5). Complaints are not split by sector."""
    if sector:
        return []
    start, end = period.bounds()
    rows = []
    for district in districts:
        found = _visible(principal).filter(received_at__gte=start, received_at__lt=end)
        if district:
            found = found.filter(district_scopes=district)
        data = list(
            found.only(
                "status", "accepted_at", "replies", "closed_at", "closed_on_time", "received_at", "rating"
            ).as_pymongo()
        )
        accepted = [r for r in data if r.get("accepted_at")]
        replied = [r for r in accepted if r.get("replies")]
        closed = [r for r in data if r.get("status") == CLOSED]
        on_time = [r for r in closed if r.get("closed_on_time")]
        days = sum((as_utc(r["closed_at"]) - as_utc(r["received_at"])).total_seconds() / 86400 for r in closed)
        ratings = [r["rating"] for r in data if r.get("rating")]
        at = {"period": period.label}
        rows += [
            count("complaints.received", "收到投诉举报", district, len(data), **at),
            ratio("complaints.reply_rate", "答复率", district, len(replied), len(accepted), **at),
            ratio("complaints.on_time_closure_rate", "按期办结率", district, len(on_time), len(closed), **at),
            IndicatorRow(
                "complaints.average_handling_days",
                "平均办理天数",
                district,
                round(days / len(closed), 2) if closed else None,
                round(days, 2),
                len(closed),
                "days",
                **at,
            ),
            IndicatorRow(
                "complaints.satisfaction",
                "满意度",
                district,
                round(sum(ratings) / len(ratings), 2) if ratings else None,
                sum(ratings),
                len(ratings),
                "score",
                **at,
            ),
        ]
    return rows


PUBLIC_LISTING_WINDOW = timedelta(days=90)
# The statutory steps a submitter follows on the status page, and where each status stands on them.
PROGRESS_STEPS = (
    ("received", "登记"),
    ("accepted", "受理"),
    ("handling", "办理"),
    ("replied", "答复"),
    ("closed", "办结"),
)
_STEP_OF = {RECEIVED: 0, ACCEPTED: 1, ASSIGNED: 2, HANDLING: 2, REPLIED: 3, CLOSED: 4}


def _progress(status: str) -> list[dict]:
    if status == REFUSED:
        return [
            {"step": "received", "label": "登记", "done": True},
            {"step": "refused", "label": "不予受理", "done": True},
        ]
    reached = _STEP_OF[status]
    return [{"step": step, "label": label, "done": i <= reached} for i, (step, label) in enumerate(PROGRESS_STEPS)]


def public_listing(
    *,
    numbers: list[str] | None = None,
    kind: str | None = None,
    category: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    state: str | None = None,
    limit: int = 1000,
) -> list[Complaint]:
    """Complaints as anyone may list them (Open311): by numbers, or received in a window (90 days
    up to `end` by default); open or finished; newest first. Callers show no personal data."""
    complaints = Complaint.objects
    if numbers is not None:
        complaints = complaints.filter(number__in=list(numbers))
    else:
        end = end or utcnow()
        complaints = complaints.received_between(start or end - PUBLIC_LISTING_WINDOW, end)
    if kind:
        complaints = complaints.filter(kind=kind, category=category)
    if state == "open":
        complaints = complaints.open()
    elif state == "closed":
        complaints = complaints.finished()
    return list(complaints.order_by("-received_at").limit(limit))


def public_status(complaint: Complaint) -> dict:
    """What the submitter's status page shows: no personal data, no official's identity."""
    return {
        "number": complaint.number,
        "kind": complaint.kind,
        "category": CATEGORIES[complaint.category],
        "status": complaint.status,
        "status_label": STATUS_LABELS[complaint.status],
        "business_name": complaint.business_name,
        "received_at": complaint.received_at,
        "accept_due": complaint.accept_due,
        "handle_due": complaint.handle_due,
        "deadlines_provisional": bool(complaint.deadlines_provisional),
        "current_due": complaint.current_due,
        "overdue": complaint.status in OPEN_STATUSES
        and complaint.current_due is not None
        and complaint.current_due < today_shanghai(),
        "progress": _progress(complaint.status),
        "timeline": [
            {"at": step.at, "status": step.status, "status_label": STATUS_LABELS[step.status], "note": step.note}
            for step in complaint.timeline
        ],
        "replies": [{"at": r.at, "text": r.text} for r in complaint.replies],
        "rating": complaint.rating,
        "can_rate": complaint.status == CLOSED and complaint.rating is None,
    }


def mine(principal: Principal):
    """A signed-in citizen's own complaints and reports, newest first (no query key needed)."""
    return Complaint.objects.visible_to(principal).order_by("-received_at")


def get_mine(principal: Principal, number: str) -> Complaint:
    return Complaint.objects.get_visible(principal, ComplaintNotFound, number=str(number))
