"""Rural banquets. Every rule lives here: a travelling chef registers as a person (the ID only as the
staff records' HMAC) and is approved by a regulator or the 食安办 — never while banned from food work —
with a public card a host checks before hiring; a banquet is reported before it happens, over or under
its district's threshold (rules as data), flagged when late or when the chef's health certificate does
not cover the day; its size decides its guidance (the chef's checklist, a visit by the paired official,
an on-site visit by a regulator the day before); each dish's sample is recorded by weight and photo;
and a food-safety incident, reported by anyone, is handled by the district's regulators and, confirmed,
holds the business's grade, opens a lead and may start a recall."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from mongoengine import NotUniqueError

from backend.banquets.errors import BanquetNotFound, ChefNotFound, GuidanceNotFound, IncidentNotFound, StepConflict
from backend.banquets.models import (
    APPROVED,
    CONFIRMED,
    DONE,
    NOT_FOOD_BORNE,
    OPEN,
    PENDING,
    REJECTED,
    REPORTED,
    SUSPECTED,
    Banquet,
    Chef,
    ChefCertificate,
    GuidanceTask,
    HandlingStep,
    Incident,
    SampleRecord,
    TeamMember,
    VenueInsurance,
)
from backend.blobs.services import JPEG, PHOTO, PNG, WEBP, store_upload
from backend.core import context, districts, domains
from backend.core.errors import Forbidden, InvalidInput
from backend.core.ids import object_id
from backend.core.masking import mask_name
from backend.core.principal import ADMIN, CITIZEN, OFFICE, OFFICIAL, REGULATOR, Principal
from backend.core.text import Text
from backend.core.timeutil import today_shanghai, utcnow
from backend.workflow.services import change_state, create_record

# -- rules as data ------------------------------------------------------------------------------------


def rules() -> dict:
    return domains.data_file("backend.banquets", "data/rules.json")


def checklist() -> dict:
    return domains.data_file("backend.banquets", "data/checklists/guidance-v1.json")


def threshold_for(district_code: str, table: dict | None = None) -> dict:
    """The report threshold (guests, days of notice) of the longest district-code prefix that has one.
    Pure."""
    thresholds = (table or rules())["thresholds"]
    for length in range(len(district_code), 0, -1):
        if district_code[:length] in thresholds:
            return thresholds[district_code[:length]]
    return thresholds["default"]


def size_for(guests: int, table: dict | None = None) -> dict:
    """The size band (and its guidance) a number of guests falls in. Pure."""
    return next(band for band in (table or rules())["sizes"] if guests < band["below_guests"])


def is_late(
    held_on: date, reported_on: date, guests: int, district_code: str, table: dict | None = None
) -> tuple[bool, bool]:
    """(required, late): a report is required at or over the guests threshold, and late with fewer days'
    notice than the threshold asks. Pure."""
    threshold = threshold_for(district_code, table)
    required = guests >= threshold["guests"]
    return required, required and (held_on - reported_on).days < threshold["notice_days"]


# -- chefs --------------------------------------------------------------------------------------------


def _certificate_valid(chef: Chef, day: date) -> bool:
    return any(c.issued_on <= day <= c.expires_on for c in chef.certificates)


def register_chef(user_id: Any, values: dict) -> Chef:
    """A chef registers as a person; one record per ID number."""
    from backend.staff.services import id_digest
    from backend.staff.validators import id_number_problem, normalise_id_number

    number = normalise_id_number(values["id_number"])
    problem = id_number_problem(number, today_shanghai())
    if problem:
        raise InvalidInput(errors={"id_number": [problem]})
    code = values["district_code"]
    chef = Chef(
        user_id=object_id(user_id),
        name=values["name"],
        id_digest=id_digest(number),
        id_last4=number[-4:],
        phone=values["phone"],
        district_code=code,
        district_scopes=districts.enclosing_codes(code),
        training_hours={str(today_shanghai().year): values.get("training_hours_this_year") or 0},
        team=[TeamMember(**member) for member in values.get("team") or []],
    )
    try:
        return create_record(chef, action="registered", actor_id=user_id, target_type="chef")
    except NotUniqueError:
        raise StepConflict(Text("This person is registered as a chef already.")) from None


def my_chefs(user_id: Any):
    return Chef.objects(user_id=object_id(user_id)).order_by("-created_at")


def _own_chef(user_id: Any, chef_id: Any) -> Chef:
    chef = Chef.objects(id=object_id(chef_id, ChefNotFound), user_id=object_id(user_id)).first()
    if chef is None:
        raise ChefNotFound()
    return chef


def add_chef_certificate(user_id: Any, chef_id: Any, values: dict) -> Chef:
    """A health certificate, by the staff records' rule (its longest validity)."""
    from backend.staff.services import certificate_dates

    chef = _own_chef(user_id, chef_id)
    expires, errors = certificate_dates(values["issued_on"], values.get("expires_on"))
    if errors:
        raise InvalidInput(errors=errors)
    certificate = ChefCertificate(
        number=values["number"], issuer=values["issuer"], issued_on=values["issued_on"], expires_on=expires
    )
    return change_state(
        Chef.objects,
        chef.id,
        action="certificate_added",
        actor_id=user_id,
        target_type="chef",
        updates={"push__certificates": certificate},
        not_found=ChefNotFound,
    )


def attach_chef_photo(user_id: Any, chef_id: Any, data: bytes) -> Chef:
    """The chef's photo (a JPEG, PNG or WebP, re-encoded): regulators see it; the public card does not."""
    chef = _own_chef(user_id, chef_id)
    stored = store_upload(data, allowed=(JPEG, PNG, WEBP), profile=PHOTO)
    return change_state(
        Chef.objects,
        chef.id,
        action="photo_attached",
        actor_id=user_id,
        target_type="chef",
        updates={"set__photo_sha256": stored.sha256},
        not_found=ChefNotFound,
    )


def _reviewer(principal: Principal) -> None:
    if principal.role not in (REGULATOR, OFFICE, ADMIN):
        raise Forbidden(Text("A regulator or the food-safety office reviews chefs."))


def chefs_for(principal: Principal, *, status: str | None = None):
    _reviewer(principal)
    found = Chef.objects.visible_to(principal)
    if status:
        found = found.filter(status=status)
    return found.order_by("-created_at")


def chef_photo(principal: Principal, chef_id: Any) -> bytes:
    """The chef's photo, for the regulators and the 食安办 who review chefs of their districts."""
    from backend.blobs.services import blob_store

    _reviewer(principal)
    chef = Chef.objects.get_visible(principal, ChefNotFound, id=chef_id)
    if not chef.photo_sha256:
        raise ChefNotFound(Text("No photo yet."))
    return blob_store().get(chef.photo_sha256)


def review_chef(principal: Principal, chef_id: Any, values: dict) -> Chef:
    """Approve (never a person banned from food work, nor one without a valid health certificate) or
    reject, with the reason; an approved chef gets a public card."""
    from backend.staff.services import ban_of

    _reviewer(principal)
    chef = Chef.objects.get_visible(principal, ChefNotFound, id=chef_id)
    approve = values["approve"]
    updates: dict[str, Any] = {"set__reviewed_by": object_id(principal.user_id), "set__review_reason": values["reason"]}
    if approve:
        if ban_of(chef.id_digest) is not None:
            raise StepConflict(Text("This person is banned from food work (从业禁止) and cannot be approved."))
        if not _certificate_valid(chef, today_shanghai()):
            raise StepConflict(Text("The chef has no health certificate valid today."))
        updates["set__public_code"] = chef.public_code or secrets.token_urlsafe(12)
    return change_state(
        Chef.objects,
        chef.id,
        action="approved" if approve else "rejected",
        actor_id=principal.user_id,
        target_type="chef",
        from_statuses=(PENDING, REJECTED) if approve else (PENDING,),
        to_status=APPROVED if approve else REJECTED,
        updates=updates,
        expected_version=values.get("version"),
        not_found=ChefNotFound,
        conflict=StepConflict,
    )


def chef_card(code: str) -> dict:
    """What a host sees before hiring: masked name, certificate valid or not, training, banquets done
    this year — never the ID number or the phone."""
    chef = Chef.objects(public_code=code, status=APPROVED).first() if code else None
    if chef is None:
        raise ChefNotFound()
    today = today_shanghai()
    valid = [c.expires_on for c in chef.certificates if c.issued_on <= today <= c.expires_on]
    year = str(today.year)
    done = Banquet.objects(
        chef_id=chef.id, status=REPORTED, held_on__gte=date(today.year, 1, 1), held_on__lte=today
    ).count()
    return {
        "code": code,
        "name": mask_name(chef.name),
        "district": districts.full_name(chef.district_code),
        "certificate_valid": bool(valid),
        "certificate_valid_until": max(valid) if valid else None,
        "training_hours_this_year": int(chef.training_hours.get(year, 0)),
        "banquets_this_year": done,
        "team_size": len(chef.team),
        "url": f"{context.settings().PUBLIC_BASE_URL.rstrip('/')}/chef/{code}",
    }


# -- venues -------------------------------------------------------------------------------------------


def record_insurance(user_id: Any, business_id: Any, values: dict) -> VenueInsurance:
    """A banquet venue's insurance policy, by its owner or a manager."""
    from backend.registry.models import MANAGER, OWNER
    from backend.registry.services import get_for_member

    business, _role = get_for_member(user_id, business_id, roles=(OWNER, MANAGER))
    if business.kind != "banquet_venue":
        raise InvalidInput(errors={"business": [Text("Only a banquet venue records its insurance here.")]})
    if values["ends_on"] <= values["starts_on"]:
        raise InvalidInput(errors={"ends_on": [Text("After the start.")]})
    insurance = VenueInsurance(
        business_id=business.id,
        district_scopes=list(business.district_scopes),
        policy_number=values["policy_number"],
        insurer=values["insurer"],
        starts_on=values["starts_on"],
        ends_on=values["ends_on"],
        recorded_by=object_id(user_id),
    )
    return create_record(insurance, action="recorded", actor_id=user_id, target_type="venue_insurance")


def insurance_of(user_id: Any, business_id: Any):
    from backend.registry.services import get_for_member

    business, _role = get_for_member(user_id, business_id)
    return VenueInsurance.objects(business_id=business.id).order_by("-ends_on")


def venues_for(principal: Principal) -> list[dict]:
    """The banquet venues of the regulator's districts, each with its insurance in force today (or none)."""
    from backend.registry.models import APPROVED as BUSINESS_APPROVED
    from backend.registry.models import Business

    _reviewer(principal)
    found = Business.objects(kind="banquet_venue", status=BUSINESS_APPROVED)
    if principal.role != ADMIN:
        found = found.filter(district_scopes__in=list(principal.districts))
    venues = list(found.only("name", "address", "district_code").order_by("name")[:500])
    today = today_shanghai()
    covered = {
        policy.business_id: policy
        for policy in VenueInsurance.objects(
            business_id__in=[v.id for v in venues], starts_on__lte=today, ends_on__gte=today
        )
    }
    return [{"business": venue, "insurance": covered.get(venue.id)} for venue in venues]


# -- banquets -----------------------------------------------------------------------------------------


def report_banquet(user_id: Any, values: dict) -> tuple[Banquet, bool]:
    """报告登记 by the host or the chef (the chef named by the public code on their card). A retried
    report (the same client key) is the first one again. Returns (banquet, created)."""
    from backend.registry.models import APPROVED as BUSINESS_APPROVED
    from backend.registry.models import Business

    existing = Banquet.objects(user_id=object_id(user_id), client_key=values["client_key"]).first()
    if existing is not None:
        return existing, False
    table = rules()
    today = today_shanghai()
    held_on = values["held_on"]
    errors: dict[str, list] = {}
    if held_on < today:
        errors["held_on"] = [Text("A banquet is reported before it happens.")]
    elif held_on > today + timedelta(days=table["max_days_ahead"]):
        errors["held_on"] = [Text("At most {days} days ahead.", days=table["max_days_ahead"])]
    if values["guests"] > table["max_guests"]:
        errors["guests"] = [Text("At most {limit} guests.", limit=table["max_guests"])]
    if values["tables"] * 30 < values["guests"] or values["tables"] > values["guests"]:
        errors["tables"] = [Text("Tables do not fit the guests.")]
    chef = Chef.objects(public_code=values["chef_code"], status=APPROVED).first() if values.get("chef_code") else None
    if chef is None:
        errors["chef_code"] = [Text("No approved chef with this code.")]
    venue = None
    if values.get("venue_id"):
        venue = Business.objects(
            id=object_id(values["venue_id"], InvalidInput), kind="banquet_venue", status=BUSINESS_APPROVED
        ).first()
        if venue is None:
            errors["venue_id"] = [Text("No approved banquet venue with this id.")]
    district_code = venue.district_code if venue else values.get("district_code")
    if not district_code:
        errors["district_code"] = [Text("Give a venue, or the address's county.")]
    orders = values.get("order_numbers") or []
    if orders:
        from backend.purchasing.models import Order

        mine = set(Order.objects(number__in=orders, buyer_user_id=object_id(user_id)).distinct("number"))
        if set(orders) - mine:
            errors["order_numbers"] = [Text("Only orders you placed on the platform.")]
    if errors:
        raise InvalidInput(errors=errors)
    certificate_ok = _certificate_valid(chef, held_on)
    if not certificate_ok and table["refuse_without_certificate"]:
        raise InvalidInput(errors={"chef_code": [Text("The chef's health certificate does not cover the day.")]})
    required, late = is_late(held_on, today, values["guests"], district_code, table)
    band = size_for(values["guests"], table)
    banquet = Banquet(
        user_id=object_id(user_id),
        client_key=values["client_key"],
        host_name=values["host_name"],
        host_phone=values["host_phone"],
        occasion=values.get("occasion"),
        held_on=held_on,
        meal=values["meal"],
        venue_id=venue.id if venue else None,
        address=venue.address if venue else values["address"],
        district_code=district_code,
        district_scopes=districts.enclosing_codes(district_code),
        guests=values["guests"],
        tables=values["tables"],
        dishes=values["dishes"],
        chef_id=chef.id,
        chef_user_id=chef.user_id,
        chef_name=chef.name,
        helpers=values.get("helpers") or [],
        order_numbers=values.get("order_numbers") or [],
        pledge_name=values["pledge_name"],
        reported_on=today,
        notice_days=(held_on - today).days,
        required=required,
        late=late,
        chef_certificate_valid=certificate_ok,
        size=band["size"],
    )
    try:
        create_record(banquet, action="reported", actor_id=user_id, target_type="banquet", then=_plan_guidance)
    except NotUniqueError:  # the same report sent twice at once
        return Banquet.objects.get(user_id=object_id(user_id), client_key=values["client_key"]), False
    return banquet, True


def _plan_guidance(banquet: Banquet) -> None:
    """The guidance the banquet's size gets: the chef's checklist; a visit by the venue's 包保 official
    (a regulator's when none is paired); an on-site visit by a regulator the day before."""
    band = size_for(banquet.guests)
    by, assignee = band["by"], None
    if by == "chef":
        assignee = banquet.chef_user_id
    elif by == "official":
        official_user = _paired_official(banquet.venue_id)
        if official_user is None:
            by = "regulator"
        assignee = official_user
    task = GuidanceTask(
        banquet_id=banquet.id,
        district_scopes=list(banquet.district_scopes),
        size=band["size"],
        guidance=band["guidance"],
        by=by,
        assignee_user_id=assignee,
        due_on=banquet.held_on - timedelta(days=band["days_before"]),
    )
    create_record(task, action="planned", actor_id=None, target_type="guidance_task")


def _paired_official(venue_id: Any):
    if venue_id is None:
        return None
    from backend.supervision.models import Assignment

    pairing = Assignment.objects(business_id=venue_id, current=True).only("official_user_id").first()
    return pairing.official_user_id if pairing else None


def banquets_for(principal: Principal, *, month: str | None = None, late: bool | None = None):
    found = Banquet.objects.visible_to(principal)
    if month:
        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
        found = found.filter(held_on__gte=first, held_on__lt=(first + timedelta(days=32)).replace(day=1))
    if late is not None:
        found = found.filter(late=late)
    return found.order_by("-held_on")


def get_banquet(principal: Principal, banquet_id: Any) -> Banquet:
    return Banquet.objects.get_visible(principal, BanquetNotFound, id=banquet_id)


def missing_samples(banquet: Banquet) -> list[str]:
    kept = {sample.dish for sample in banquet.samples}
    return [dish for dish in banquet.dishes if dish not in kept]


def record_sample(user_id: Any, banquet_id: Any, values: dict, photo: bytes) -> Banquet:
    """留样 of one dish, by the banquet's chef or its reporter: the weight at least the rules' grams, a
    photo, the time; once per dish."""
    principal = Principal(user_id=str(user_id), role=CITIZEN)
    banquet = get_banquet(principal, banquet_id)
    needed = rules()["samples"]["grams"]
    errors: dict[str, list] = {}
    if values["dish"] not in banquet.dishes:
        errors["dish"] = [Text("Not a dish of this banquet's menu.")]
    elif values["dish"] in {s.dish for s in banquet.samples}:
        errors["dish"] = [Text("This dish's sample is recorded already.")]
    if values["grams"] < needed:
        errors["grams"] = [Text("At least {grams} g of each dish is kept.", grams=needed)]
    if errors:
        raise InvalidInput(errors=errors)
    stored = store_upload(photo, allowed=(JPEG, PNG, WEBP), profile=PHOTO)
    sample = SampleRecord(
        dish=values["dish"], grams=values["grams"], photo_sha256=stored.sha256, kept_at=utcnow(), by=object_id(user_id)
    )
    return change_state(
        Banquet.objects,
        banquet.id,
        action="sample_kept",
        actor_id=user_id,
        target_type="banquet",
        from_statuses=(REPORTED,),
        conditions={"samples__dish__ne": values["dish"]},
        updates={"push__samples": sample},
        not_found=BanquetNotFound,
        conflict=StepConflict,
    )


# -- guidance -----------------------------------------------------------------------------------------


def guidance_for(principal: Principal, *, status: str | None = None, overdue: bool = False):
    found = GuidanceTask.objects.visible_to(principal)
    if overdue:
        found = found.filter(status=OPEN, due_on__lt=today_shanghai())
    elif status:
        found = found.filter(status=status)
    return found.order_by("due_on")


def _guide(principal: Principal, task: GuidanceTask) -> None:
    allowed = {"chef": (CITIZEN,), "official": (OFFICIAL,), "regulator": (REGULATOR, ADMIN)}[task.by]
    if principal.role not in allowed:
        raise Forbidden(Text("This guidance is given by the {by}.", by=task.by))


def add_guidance_photo(principal: Principal, task_id: Any, data: bytes) -> GuidanceTask:
    """A photo of the guidance (the kitchen, the samples, the venue), kept with the open task (at most 9)."""
    task = GuidanceTask.objects.get_visible(principal, GuidanceNotFound, id=task_id)
    _guide(principal, task)
    if len(task.photos) >= 9:
        raise InvalidInput(errors={"file": [Text("At most {limit} photos.", limit=9)]})
    stored = store_upload(data, allowed=(JPEG, PNG, WEBP), profile=PHOTO)
    return change_state(
        GuidanceTask.objects,
        task.id,
        action="photo_added",
        actor_id=principal.user_id,
        target_type="guidance_task",
        from_statuses=(OPEN,),
        updates={"push__photos": stored.sha256},
        not_found=GuidanceNotFound,
        conflict=StepConflict,
    )


def complete_guidance(principal: Principal, task_id: Any, values: dict) -> GuidanceTask:
    """The checklist's results and the guidance's result, by whom the size names (the chef, the paired
    official, or a regulator of the district)."""
    task = GuidanceTask.objects.get_visible(principal, GuidanceNotFound, id=task_id)
    _guide(principal, task)
    codes = [item["code"] for item in checklist()["items"]]
    given = {r["item"]: r for r in values["results"]}
    if sorted(given) != sorted(codes):
        raise InvalidInput(errors={"results": [Text("Every checklist item once.")]})
    return change_state(
        GuidanceTask.objects,
        task.id,
        action="done",
        actor_id=principal.user_id,
        target_type="guidance_task",
        from_statuses=(OPEN,),
        to_status=DONE,
        updates={
            "set__results": [given[code] for code in codes],
            "set__result": values["result"],
            "set__done_by": object_id(principal.user_id),
            "set__done_at": utcnow(),
        },
        not_found=GuidanceNotFound,
        conflict=StepConflict,
    )


def remind_guidance(today: date | None = None) -> int:
    """The day before it is due, the chef or the official who gives a banquet's guidance is reminded by
    WeChat subscribe message, once (a regulator's task is on their list)."""
    from backend.accounts.models import User
    from backend.notifications.services import notify

    tomorrow = (today or today_shanghai()) + timedelta(days=1)
    tasks = GuidanceTask.objects(status=OPEN, due_on=tomorrow, assignee_user_id__ne=None)
    users = {u.id: u for u in User.objects(id__in=tasks.distinct("assignee_user_id"), is_active=True)}
    banquets = {b.id: b for b in Banquet.objects(id__in=tasks.distinct("banquet_id")).only("address", "held_on")}
    sent = 0
    for task in tasks:
        user, banquet = users.get(task.assignee_user_id), banquets.get(task.banquet_id)
        if user is None or not user.openid or banquet is None:
            continue
        note = notify(
            dedupe_key=f"banquet-guidance:{task.id}:{user.id}",
            kind="banquet_guidance_due",
            business_id=None,
            user=user,
            template=context.settings().WECHAT_TEMPLATE_BANQUET,
            data={"thing1": banquet.address[:20], "date2": banquet.held_on.isoformat(), "thing3": "明日请完成聚餐指导"},
            page=f"pages/banquet/guidance?id={task.id}",
        )
        sent += note is not None
    return sent


def sweep() -> dict:
    """The daily run (`python -m backend.banquets sweep`, cron; the embedded demo runs it with the
    reminders): guidance due tomorrow reminded, each once."""
    return {"guidance_reminders_sent": remind_guidance()}


# -- incidents ----------------------------------------------------------------------------------------


def _incident_number() -> str:
    return f"SG{today_shanghai():%Y%m%d}{secrets.randbelow(10**6):06d}"


def report_incident(reporter: Principal | None, values: dict) -> Incident:
    """A suspected incident from anyone: placed in the county its address names (a district given that
    the address contradicts is refused), tied to a business by its public code or to one of the
    reporter's banquets; the district's regulators see it at once in their list."""
    errors, district_code, business, banquet = _incident_checks(reporter, values)
    if errors:
        raise InvalidInput(errors=errors)
    incident = Incident(
        number=_incident_number(),
        reporter_user_id=object_id(reporter.user_id) if reporter else None,
        reporter_name=values.get("reporter_name"),
        reporter_phone=values.get("reporter_phone"),
        description=values["description"],
        ill=values["ill"],
        occurred_on=values["occurred_on"],
        address=values["address"],
        district_code=district_code,
        district_scopes=districts.enclosing_codes(district_code),
        business_id=business.id if business else (banquet.venue_id if banquet else None),
        banquet_id=banquet.id if banquet else None,
    )
    actor = reporter.user_id if reporter else None
    create_record(incident, action="reported", actor_id=actor, target_type="incident", then=_tell_regulators)
    return incident


def _tell_regulators(incident: Incident) -> None:
    """The district's regulators hear of a suspected incident at once, in their platform inbox."""
    from backend.accounts.models import User
    from backend.notifications.services import post_to_inbox

    regulators = User.objects.regulators_covering(incident.district_code).distinct("id")
    post_to_inbox(
        regulators,
        kind="incident_reported",
        text=f"疑似食品安全事故 {incident.number}：{incident.ill} 人发病，{incident.address}",
        link=f"/api/v1/console/incidents/{incident.id}",
        dedupe_key=f"incident:{incident.number}",
    )


def incident_by_number(number: str) -> Incident | None:
    """An incident by its number (what an Open311 client holds), for its status only."""
    return Incident.objects(number=number).first()


def incident_problems(values: dict) -> dict:
    """What is wrong with a public report, without writing anything (the web form says it all at once)."""
    return _incident_checks(None, values)[0]


def _incident_checks(reporter: Principal | None, values: dict):
    from backend.registry.models import Business

    errors: dict[str, list] = {}
    placed = districts.find_in_address(values["address"])
    given = values.get("district_code")
    if given and placed and not districts.covers(given, placed) and not districts.covers(placed, given):
        errors["district_code"] = [Text("The address is in another county.")]
    district_code = placed or given
    if not district_code:
        errors["address"] = [Text("Name the county in the address, or give the district.")]
    if values["occurred_on"] > today_shanghai():
        errors["occurred_on"] = [Text("Cannot be in the future.")]
    business = None
    if values.get("business_code"):
        business = Business.objects(public_code=values["business_code"]).only("id").first()
        if business is None:
            errors["business_code"] = [Text("No business with this code.")]
    banquet = None
    if values.get("banquet_id"):
        if reporter is None:
            errors["banquet_id"] = [Text("Sign in to name one of your banquets.")]
        else:
            found = Banquet.objects.visible_to(reporter).filter(id=object_id(values["banquet_id"], InvalidInput))
            banquet = found.first()
            if banquet is None:
                errors["banquet_id"] = [Text("No such banquet of yours.")]
    return errors, district_code, business, banquet


def _handler(principal: Principal) -> None:
    if principal.role not in (REGULATOR, ADMIN):
        raise Forbidden(Text("The district's regulators handle incidents."))


def incidents_for(principal: Principal, *, status: str | None = None):
    _handler(principal)
    found = Incident.objects.visible_to(principal)
    if status:
        found = found.filter(status=status)
    return found.order_by("-occurred_on", "-created_at")


def get_incident(principal: Principal, incident_id: Any) -> Incident:
    _handler(principal)
    return Incident.objects.get_visible(principal, IncidentNotFound, id=incident_id)


def add_step(principal: Principal, incident_id: Any, values: dict) -> Incident:
    """应急处置: a handling step with its time, samples taken and the lots involved."""
    incident = get_incident(principal, incident_id)
    step = HandlingStep(at=utcnow(), text=values["text"], by=object_id(principal.user_id))
    updates: dict[str, Any] = {"push__steps": step}
    if values.get("samples_taken"):
        updates["push_all__samples_taken"] = values["samples_taken"]
    if values.get("lot_codes"):
        updates["add_to_set__lot_codes"] = values["lot_codes"]
    return change_state(
        Incident.objects,
        incident.id,
        action="step_recorded",
        actor_id=principal.user_id,
        target_type="incident",
        updates=updates,
        not_found=IncidentNotFound,
        conflict=StepConflict,
    )


def decide_incident(principal: Principal, incident_id: Any, values: dict) -> Incident:
    """Confirmed as a food-safety incident (the business's grade is held, a lead opened) or closed as not
    food-borne, with the reason."""
    incident = get_incident(principal, incident_id)
    confirm = values["confirm"]
    decided = change_state(
        Incident.objects,
        incident.id,
        action="confirmed" if confirm else "not_food_borne",
        actor_id=principal.user_id,
        target_type="incident",
        from_statuses=(SUSPECTED,),
        to_status=CONFIRMED if confirm else NOT_FOOD_BORNE,
        updates={
            "set__decided_by": object_id(principal.user_id),
            "set__decided_at": utcnow(),
            "set__decision_reason": values["reason"],
        },
        expected_version=values.get("version"),
        not_found=IncidentNotFound,
        conflict=StepConflict,
    )
    if confirm and decided.business_id is not None:
        domains.announce(
            "violation_suspected",
            kind="incident",
            source_id=decided.number,
            business_id=decided.business_id,
            summary=f"食品安全事故（{decided.number}）：{decided.ill} 人发病；{decided.description[:500]}",
            evidence=[],
        )
        domains.announce("risk_input_changed", business_id=decided.business_id)
    return decided


def recall_for_incident(principal: Principal, incident_id: Any) -> list[str]:
    """A recall from each lot the handling named (the purchasing domain's recall): its numbers."""
    from backend.trace.services import start_recall

    incident = get_incident(principal, incident_id)
    if incident.status != CONFIRMED:
        raise StepConflict(Text("Only a confirmed incident starts a recall."))
    if not incident.lot_codes:
        raise InvalidInput(errors={"lot_codes": [Text("Record the lots involved in a handling step first.")]})
    return [
        start_recall(principal, reason=f"食品安全事故 {incident.number}", trace_code=code).number
        for code in incident.lot_codes
    ]


def grade_hold(business_id: Any, day: date) -> bool:
    """No grade within INCIDENT_GRADE_HOLD_MONTHS of a confirmed food-safety incident at the business
    (the grade rule the inspections domain asks every domain about)."""
    from backend.staff.services import add_months

    months = context.settings().INCIDENT_GRADE_HOLD_MONTHS
    since = add_months(day, -months)
    return (
        Incident.objects(business_id=business_id, status=CONFIRMED, occurred_on__gt=since, occurred_on__lte=day).first()
        is not None
    )
