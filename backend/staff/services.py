"""Staff, health certificates and the food-safety team: every rule lives here.

ID numbers are validated (GB 11643) and kept only as a keyed hash (STAFF_ID_KEY) plus the last four
characters: nobody can read one back, and the same person is still recognised (on this business's
staff already; employed by another business at the same time, which is allowed and told to the
regulator). Whoever handles food needs a valid certificate; without one they are flagged "may not
handle food" from the day the last one expired (or they started). After every change the business's
part of the public card is published again.
"""

from __future__ import annotations

import calendar as month_calendar
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bson import ObjectId

from backend.blobs import services as blobs
from backend.core import context
from backend.core.errors import Forbidden, InvalidInput
from backend.core.ids import object_id
from backend.core.masking import mask_name
from backend.core.principal import Principal
from backend.core.text import Text
from backend.core.timeutil import today_shanghai
from backend.public_card import services as cards
from backend.registry import services as registry
from backend.registry.models import HOUSEHOLD, MANAGER, OWNER, Business
from backend.staff import rules
from backend.staff.errors import AlreadyEnded, AlreadyOnStaff, CertificateNotFound, NoStaffForHouseholds, StaffNotFound
from backend.staff.models import (
    DIRECTOR,
    HEAD,
    OFFICER,
    POSTS,
    BannedPerson,
    HealthCertificate,
    SafetyProfile,
    StaffMember,
)
from backend.staff.validators import id_number_problem, normalise_id_number
from backend.workflow.services import change_state, create_record, upsert_record

CARD_SECTION = "health_certificates"
EXPIRING_DAYS = 30
MAX_STAFF_PER_BUSINESS = 300
MAX_CERTIFICATES_PER_PERSON = 50
CARD_PEOPLE_SHOWN = 30  # with MAX_STAFF_PER_BUSINESS dates, well within MAX_SECTION_BYTES (tested)


def _editable_business(user_id: Any, business_id: Any) -> Business:
    business, _ = registry.get_for_member(user_id, business_id, roles=(OWNER, MANAGER))
    if business.kind == HOUSEHOLD:
        raise NoStaffForHouseholds()
    return business


def id_digest(id_number: str) -> str:
    key = context.settings().STAFF_ID_KEY.encode()
    return hmac.new(key, id_number.encode(), hashlib.sha256).hexdigest()


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


# --- staff ---------------------------------------------------------------------------------------


def _checked_dates(started_on: date | None, ended_on: date | None, errors: dict) -> None:
    today = today_shanghai()
    if started_on and started_on > today:
        errors["started_on"] = [Text("Cannot be in the future.")]
    if ended_on and ended_on > today:
        errors["ended_on"] = [Text("Cannot be in the future.")]
    if started_on and ended_on and ended_on < started_on:
        errors["ended_on"] = [Text("Cannot be before started_on.")]


def add_staff(user_id: Any, business_id: Any, values: dict) -> StaffMember:
    business = _editable_business(user_id, business_id)
    errors: dict[str, list[str]] = {}
    _checked_dates(values.get("started_on"), None, errors)
    digest = last4 = None
    if values.get("id_number"):
        number = normalise_id_number(values["id_number"])
        problem = id_number_problem(number, today_shanghai())
        if problem:
            errors["id_number"] = [problem]
        digest, last4 = id_digest(number), number[-4:]
    if ban := ban_of(digest):
        errors["id_number"] = [
            Text("This person is banned from food work until {until} (从业禁止).", until=ban.until)
            if ban.until
            else Text("This person is banned from food work for life (从业禁止).")
        ]
    if errors:
        raise InvalidInput(errors=errors)
    today = today_shanghai()
    current = StaffMember.objects.employed_on(today)
    if current.of_business(business.id).count() >= MAX_STAFF_PER_BUSINESS:
        raise InvalidInput(
            errors={
                "name": [
                    Text(
                        "At most {max_staff_per_business} current staff per business.",
                        max_staff_per_business=MAX_STAFF_PER_BUSINESS,
                    )
                ]
            }
        )
    elsewhere = False
    if digest:
        if current.of_business(business.id).filter(id_digest=digest).first():
            raise AlreadyOnStaff(errors={"id_number": [Text("Already on this business's staff.")]})
        elsewhere = current.filter(id_digest=digest, business_id__ne=business.id).first() is not None
    person = StaffMember(
        business_id=business.id,
        district_scopes=business.district_scopes,
        name=values["name"],
        post=values["post"],
        phone=values.get("phone"),
        id_digest=digest,
        id_last4=last4,
        handles_food=values.get("handles_food", True),
        started_on=values["started_on"],
        safety_roles=sorted(set(values.get("safety_roles") or [])),
        training_hours=_training(values),
        also_employed_elsewhere=elsewhere,
    )
    create_record(person, action="added", actor_id=user_id, target_type="staff")
    publish_card(business.id)
    return person


def ban_of(digest: str | None) -> BannedPerson | None:
    """The ban in force today on the person with this ID digest, if any (从业禁止, recorded by
    enforcement: the ban belongs to the person, whom the staff records know by this digest)."""
    if not digest:
        return None
    return BannedPerson.objects.in_force(today_shanghai()).filter(id_digest=digest).first()


def _training(values: dict, existing: dict | None = None) -> dict:
    hours = dict(existing or {})
    if values.get("training_hours_this_year") is not None:
        hours[str(today_shanghai().year)] = values["training_hours_this_year"]
    return hours


def get_staff(user_id: Any, business_id: Any, staff_id: Any) -> StaffMember:
    business, _ = registry.get_for_member(user_id, business_id, roles=(OWNER, MANAGER))
    person = StaffMember.objects(id=object_id(staff_id, StaffNotFound), business_id=business.id).first()
    if person is None:
        raise StaffNotFound()
    return person


def list_staff(user_id: Any, business_id: Any, *, current_only: bool = False):
    business, _ = registry.get_for_member(user_id, business_id, roles=(OWNER, MANAGER))
    people = StaffMember.objects.of_business(business.id)
    if current_only:
        people = people.employed_on(today_shanghai())
    return people.order_by("ended_on", "name")


def update_staff(user_id: Any, business_id: Any, staff_id: Any, values: dict) -> StaffMember:
    person = get_staff(user_id, business_id, staff_id)
    if person.ended_on is not None:
        raise AlreadyEnded(Text("A record of someone who left is history: it is not changed."))
    updates: dict[str, Any] = {}
    for field in ("name", "post", "phone", "handles_food"):
        if field in values:
            updates[f"set__{field}"] = values[field]
    if "safety_roles" in values:
        updates["set__safety_roles"] = sorted(set(values["safety_roles"]))
    if values.get("training_hours_this_year") is not None:
        updates["set__training_hours"] = _training(values, person.training_hours)
    updated = change_state(
        StaffMember.objects(business_id=person.business_id),
        person.id,
        action="updated",
        actor_id=user_id,
        target_type="staff",
        updates=updates,
        conditions={"ended_on": None},
        expected_version=values.get("version"),
        not_found=StaffNotFound,
        conflict=AlreadyEnded,
        conflict_message=Text("The record changed meanwhile, or the person has left; reload it."),
    )
    publish_card(person.business_id)
    return updated


def end_staff(user_id: Any, business_id: Any, staff_id: Any, ended_on: date) -> StaffMember:
    person = get_staff(user_id, business_id, staff_id)
    errors: dict[str, list[str]] = {}
    _checked_dates(person.started_on, ended_on, errors)
    if errors:
        raise InvalidInput(errors=errors)
    ended = change_state(
        StaffMember.objects(business_id=person.business_id),
        person.id,
        action="ended",
        actor_id=user_id,
        target_type="staff",
        updates={"set__ended_on": ended_on},
        conditions={"ended_on": None},
        not_found=StaffNotFound,
        conflict=AlreadyEnded,
        conflict_message=AlreadyEnded.default_message,
    )
    publish_card(person.business_id)
    return ended


def attach_photo(user_id: Any, business_id: Any, staff_id: Any, data: bytes) -> StaffMember:
    person = get_staff(user_id, business_id, staff_id)
    stored = blobs.store_upload(data, allowed=(blobs.JPEG, blobs.PNG, blobs.WEBP), profile=blobs.PHOTO)
    return change_state(
        StaffMember.objects(business_id=person.business_id),
        person.id,
        action="photo_attached",
        actor_id=user_id,
        target_type="staff",
        updates={"set__photo_sha256": stored.sha256},
        not_found=StaffNotFound,
    )


# --- health certificates -------------------------------------------------------------------------


def certificate_dates(issued: date, expires: date | None) -> tuple[date, dict]:
    """A health certificate's end (given, or the longest allowed) and what is wrong with its dates: the
    one rule for staff and travelling chefs alike."""
    months = context.settings().HEALTH_CERTIFICATE_MONTHS
    latest_allowed = add_months(issued, months)
    expires = expires or latest_allowed
    errors: dict[str, list] = {}
    if issued > today_shanghai():
        errors["issued_on"] = [Text("Cannot be in the future.")]
    if expires < issued:
        errors["expires_on"] = [Text("Cannot be before issued_on.")]
    elif expires > latest_allowed:
        errors["expires_on"] = [
            Text(
                "A health certificate is valid at most {months} months (until {latest_allowed}).",
                months=months,
                latest_allowed=latest_allowed,
            )
        ]
    return expires, errors


def add_certificate(user_id: Any, business_id: Any, staff_id: Any, values: dict) -> HealthCertificate:
    person = get_staff(user_id, business_id, staff_id)
    issued = values["issued_on"]
    expires, errors = certificate_dates(issued, values.get("expires_on"))
    if errors:
        raise InvalidInput(errors=errors)
    if HealthCertificate.objects(staff_id=person.id).count() >= MAX_CERTIFICATES_PER_PERSON:
        raise InvalidInput(
            errors={
                "number": [
                    Text(
                        "At most {max_certificates_per_person} certificates per person.",
                        max_certificates_per_person=MAX_CERTIFICATES_PER_PERSON,
                    )
                ]
            }
        )
    certificate = HealthCertificate(
        staff_id=person.id,
        business_id=person.business_id,
        district_scopes=person.district_scopes,
        number=values["number"],
        issuer=values["issuer"],
        issued_on=issued,
        expires_on=expires,
    )
    create_record(certificate, action="added", actor_id=user_id, target_type="health_certificate")
    publish_card(person.business_id)
    return certificate


def list_certificates(user_id: Any, business_id: Any, staff_id: Any):
    person = get_staff(user_id, business_id, staff_id)
    return HealthCertificate.objects(staff_id=person.id).order_by("-expires_on")


def attach_scan(user_id: Any, business_id: Any, staff_id: Any, certificate_id: Any, data: bytes) -> HealthCertificate:
    person = get_staff(user_id, business_id, staff_id)
    certificate = HealthCertificate.objects(
        id=object_id(certificate_id, CertificateNotFound), staff_id=person.id
    ).first()
    if certificate is None:
        raise CertificateNotFound()
    stored = blobs.store_upload(data, profile=blobs.DOCUMENT)
    return change_state(
        HealthCertificate.objects(staff_id=person.id),
        certificate.id,
        action="scan_attached",
        actor_id=user_id,
        target_type="health_certificate",
        updates={"set__scan_sha256": stored.sha256, "set__scan_content_type": stored.content_type},
        not_found=CertificateNotFound,
    )


@dataclass(frozen=True)
class HandlerStatus:
    """One food handler's certificate status on a day."""

    staff: StaffMember
    valid_until: date | None  # the latest expiry among certificates valid that day
    latest_expiry: date | None
    may_not_handle_since: date | None  # None: covered

    @property
    def may_handle_food(self) -> bool:
        return self.may_not_handle_since is None


def handler_statuses(business_ids: list, day: date) -> list[HandlerStatus]:
    """Every food handler employed on `day` at these businesses: two queries whatever their number."""
    people = list(StaffMember.objects(business_id__in=list(business_ids), handles_food=True).employed_on(day))
    certificates: dict[ObjectId, list[HealthCertificate]] = {}
    for certificate in HealthCertificate.objects(staff_id__in=[p.id for p in people], issued_on__lte=day).only(
        "staff_id", "issued_on", "expires_on"
    ):
        certificates.setdefault(certificate.staff_id, []).append(certificate)
    statuses = []
    for person in people:
        own = certificates.get(person.id, [])
        valid = [c.expires_on for c in own if c.issued_on <= day <= c.expires_on]
        latest = max((c.expires_on for c in own), default=None)
        if valid:
            since = None
        elif latest is None:
            since = person.started_on
        else:
            since = max(person.started_on, latest + timedelta(days=1))
        statuses.append(HandlerStatus(person, max(valid) if valid else None, latest, since))
    return statuses


def food_handlers(user_id: Any, business_id: Any) -> list[HandlerStatus]:
    business, _ = registry.get_for_member(user_id, business_id, roles=(OWNER, MANAGER))
    return handler_statuses([business.id], today_shanghai())


def expiring_certificates(user_id: Any, business_id: Any, within_days: int = EXPIRING_DAYS) -> list[HandlerStatus]:
    """Food handlers whose cover ends within `within_days` (and who have nothing newer)."""
    today = today_shanghai()
    return [
        s
        for s in food_handlers(user_id, business_id)
        if s.valid_until is not None and s.valid_until <= today + timedelta(days=within_days)
    ]


@dataclass(frozen=True)
class UncoveredBusiness:
    business: Business
    food_handlers: int
    uncovered: int
    also_employed_elsewhere: int


def businesses_with_uncovered_handlers(principal: Principal) -> list[UncoveredBusiness]:
    """A regulator's businesses (in their districts) with food handlers on expired or missing certificates."""
    if not principal.is_console_user:
        raise Forbidden()
    today = today_shanghai()
    business_ids = (
        StaffMember.objects.visible_to(principal).filter(handles_food=True).employed_on(today).distinct("business_id")
    )
    by_business: dict[ObjectId, list[HandlerStatus]] = {}
    for status in handler_statuses(business_ids, today):
        by_business.setdefault(status.staff.business_id, []).append(status)
    flagged = {bid: statuses for bid, statuses in by_business.items() if any(not s.may_handle_food for s in statuses)}
    businesses = {b.id: b for b in Business.objects(id__in=list(flagged))}
    return [
        UncoveredBusiness(
            businesses[bid],
            len(statuses),
            sum(not s.may_handle_food for s in statuses),
            sum(s.staff.also_employed_elsewhere for s in statuses),
        )
        for bid, statuses in sorted(flagged.items(), key=lambda item: businesses[item[0]].name)
        if bid in businesses
    ]


# --- the three kinds of people (三类人) ------------------------------------------------------------


def set_profile(user_id: Any, business_id: Any, values: dict) -> SafetyProfile:
    business = _editable_business(user_id, business_id)
    profile = upsert_record(
        SafetyProfile,
        {"id": business.id},
        updates={f"set__{k}": v for k, v in values.items()},
        action="set",
        actor_id=user_id,
        target_type="safety_profile",
    )
    publish_card(business.id)
    return profile


@dataclass(frozen=True)
class SafetyTeam:
    business_id: ObjectId
    heads: list
    officers: list
    directors: list
    director_required: bool
    director_required_because: str | None
    problems: list[str]
    profile: SafetyProfile | None


def safety_team(business: Business) -> SafetyTeam:
    today = today_shanghai()
    people = list(StaffMember.objects.of_business(business.id).employed_on(today))
    profile = SafetyProfile.objects(id=business.id).first()
    required, because = rules.director_required(
        business.kind,
        scale=profile.scale if profile else None,
        diners_per_meal=profile.diners_per_meal if profile else None,
        serves_kindergarten=bool(profile and profile.serves_kindergarten),
    )
    team = {role: [p for p in people if role in p.safety_roles] for role in (HEAD, OFFICER, DIRECTOR)}
    problems = []
    if not team[HEAD]:
        problems.append("no_head")
    if not team[OFFICER]:
        problems.append("no_officer")
    if required and not team[DIRECTOR]:
        problems.append("director_missing")
    expected = rules.expected_training_hours()
    year = str(today.year)
    if any(int(p.training_hours.get(year, 0)) < expected for p in team[OFFICER] + team[DIRECTOR]):
        problems.append("training_below_expected")
    return SafetyTeam(business.id, team[HEAD], team[OFFICER], team[DIRECTOR], required, because, problems, profile)


def team_for_member(user_id: Any, business_id: Any) -> SafetyTeam:
    business, _ = registry.get_for_member(user_id, business_id)
    return safety_team(business)


# --- the public card -----------------------------------------------------------------------------


def publish_card(business_id: Any) -> None:
    """The business's certificate status as the public sees it: posts, masked names, valid-until
    dates; no ID, phone or photo. Counts are made when the card is shown (dates move on)."""
    business = Business.objects(id=object_id(business_id, StaffNotFound)).first()
    if business is None:
        return
    today = today_shanghai()
    statuses = sorted(handler_statuses([business.id], today), key=lambda s: (s.staff.post, s.staff.name))
    team = safety_team(business)
    cards.publish_section(
        business.id,
        CARD_SECTION,
        {
            "valid_until": [s.valid_until.isoformat() if s.valid_until else None for s in statuses],
            "people": [
                {
                    "post": POSTS[s.staff.post],
                    "name": mask_name(s.staff.name),
                    "valid_until": s.valid_until.isoformat() if s.valid_until else None,
                }
                for s in statuses[:CARD_PEOPLE_SHOWN]
            ],
            "officers": [mask_name(p.name) for p in team.officers],
            "directors": [mask_name(p.name) for p in team.directors],
        },
    )


def handlers_for_regulator(principal: Principal, business_id: Any) -> list[HandlerStatus]:
    business = registry.get_for_regulator(principal, business_id)
    return handler_statuses([business.id], today_shanghai())


def team_for_regulator(principal: Principal, business_id: Any) -> SafetyTeam:
    return safety_team(registry.get_for_regulator(principal, business_id))
