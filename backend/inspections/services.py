"""Inspections, rectification and the annual grade: every rule lives here (computations in `rules`).

An inspection is a draft until signed; a signed inspection never changes (a correction is a new
inspection that refers to it). Signing computes the result and the dynamic grade, opens a
rectification for every failed item (deadline in working days on the shared calendar), recomputes
the annual grade and publishes the business's part of the public card.
"""

from __future__ import annotations

import functools
import json
from datetime import date, timedelta
from importlib import resources
from typing import Any

from bson import ObjectId
from marshmallow import ValidationError
from mongoengine import NotUniqueError

from backend.accounts.models import User
from backend.blobs import services as blobs
from backend.complaints import services as complaints
from backend.core import context, domains
from backend.core.calendar import current_calendar
from backend.core.errors import Forbidden, InvalidInput
from backend.core.ids import object_id
from backend.core.principal import Principal
from backend.core.text import Items, Text
from backend.core.timeutil import today_shanghai, utcnow
from backend.inspections import checklist_files, rules
from backend.inspections.errors import ChecklistNotFound, InspectionNotFound, InspectionSigned, RectificationNotFound
from backend.inspections.models import (
    ACCEPTED,
    DRAFT,
    OPEN,
    SIGNED,
    SUBMITTED,
    TYPES,
    Acknowledgement,
    AnnualGrade,
    Checklist,
    ChecklistItem,
    Evidence,
    GradeChange,
    Inspection,
    InspectionPhoto,
    ItemResult,
    Rectification,
)
from backend.inspections.planning import recompute_risk_grade
from backend.inspections.schemas import ChecklistInSchema
from backend.public_card import services as cards
from backend.registry import services as registry
from backend.registry.models import MANAGER, OWNER, Business
from backend.routine.models import RoutinePhoto
from backend.staff.services import add_months
from backend.workflow.services import change_state, create_record, create_records, upsert_record

CARD_SECTION = "latest_inspection"
YEAR = timedelta(days=365)


# --- checklists -------------------------------------------------------------------------------------


@functools.cache
def _shipped() -> list[dict]:
    folder = resources.files("backend.inspections").joinpath("data/checklists")
    return [json.loads(path.read_text("utf-8")) for path in sorted(folder.iterdir()) if path.name.endswith(".json")]


def _document(data: dict, version: int) -> Checklist:
    return Checklist(
        kind=data["kind"],
        version=version,
        name=data["name"],
        source=data.get("source"),
        business_kinds=data.get("business_kinds", []),
        basically_max_general=data["thresholds"]["basically_compliant_max_general_failures"],
        items=[ChecklistItem(**item) for item in data["items"]],
    )


def ensure_shipped_checklists() -> None:
    for data in _shipped():
        if not Checklist.objects(kind=data["kind"], version=data["version"]).first():
            try:
                _document(data, data["version"]).save(force_insert=True)
            except NotUniqueError:
                pass  # loaded by another process meanwhile


def load_checklist(principal: Principal, data: dict) -> Checklist:
    """A new version of a kind's checklist (admins); earlier versions stay as they were."""
    if not principal.is_admin:
        raise Forbidden(Text("Only an admin loads checklists."))
    ensure_shipped_checklists()
    codes = [item["code"] for item in data["items"]]
    if len(codes) != len(set(codes)):
        raise InvalidInput(errors={"items": [Text("Item codes must be unique.")]})
    latest = Checklist.objects.latest_for(data["kind"])
    checklist = _document(data, (latest.version if latest else 0) + 1)
    return create_record(checklist, action="loaded", actor_id=principal.user_id, target_type="checklist")


def checklist_for(business: Business) -> Checklist:
    ensure_shipped_checklists()
    kinds = [c.kind for c in Checklist.objects.only("kind", "business_kinds") if business.kind in c.business_kinds]
    if not kinds:
        raise InvalidInput(errors={"business_id": [Text("No checklist covers this kind of business.")]})
    return Checklist.objects.latest_for(kinds[0])


# --- inspections --------------------------------------------------------------------------------


def _visible(principal: Principal):
    if not principal.is_console_user:
        raise Forbidden()
    return Inspection.objects.visible_to(principal)


def get_for_regulator(principal: Principal, inspection_id: Any) -> Inspection:
    inspection = _visible(principal).filter(id=object_id(inspection_id, InspectionNotFound)).first()
    if inspection is None:
        raise InspectionNotFound()
    return inspection


def _results(checklist: Checklist, results: list[dict]) -> list[ItemResult]:
    codes = {item.code for item in checklist.items}
    unknown = sorted({r["item"] for r in results} - codes)
    if unknown:
        raise InvalidInput(
            errors={
                "results": [
                    Text(
                        "Not in checklist “{name}” v{version}: {items}",
                        name=checklist.name,
                        version=checklist.version,
                        items=Items(unknown),
                    )
                ]
            }
        )
    if len({r["item"] for r in results}) != len(results):
        raise InvalidInput(errors={"results": [Text("An item is recorded twice.")]})
    photos = {sha for r in results for sha in r.get("photos") or []}
    if photos and InspectionPhoto.objects(sha256__in=list(photos)).count() < len(photos):
        raise InvalidInput(errors={"results": [Text("Upload the photos first, then name them in the results.")]})
    return [
        ItemResult(item=r["item"], result=r["result"], note=r.get("note"), photos=r.get("photos") or [])
        for r in results
    ]


def upload_photo(principal: Principal, data: bytes) -> InspectionPhoto:
    if not principal.is_console_user:
        raise Forbidden()
    stored = blobs.store_upload(data, allowed=(blobs.JPEG, blobs.PNG, blobs.WEBP), profile=blobs.PHOTO)
    return InspectionPhoto(sha256=stored.sha256, uploaded_by=ObjectId(principal.user_id)).save()


def checklists() -> list[Checklist]:
    """The latest version of every kind of checklist (what a new inspection uses)."""
    ensure_shipped_checklists()
    return [Checklist.objects.latest_for(kind) for kind in sorted(Checklist.objects.distinct("kind"))]


def checklist(kind: str, version: int | None = None) -> Checklist:
    """One checklist: the latest version of `kind`, or the version an earlier inspection used."""
    ensure_shipped_checklists()
    found = (
        Checklist.objects.latest_for(kind) if version is None else Checklist.objects(kind=kind, version=version).first()
    )
    if found is None:
        raise ChecklistNotFound()
    return found


def _inspectors(principal: Principal, business: Business, inspector_ids: list[str]) -> tuple[list, list[str]]:
    """The inspectors' ids (sorted) and names, as the record keeps them."""
    ids = {object_id(i, lambda: InvalidInput(errors={"inspectors": [Text("Not an id.")]})) for i in inspector_ids}
    ids.add(ObjectId(principal.user_id))
    users = {
        user.id: user
        for user in User.objects.regulators_covering(business.district_code)
        .filter(id__in=list(ids))
        .only("id", "display_name", "username")
    }
    found = sorted(users)
    required = context.settings().INSPECTORS_REQUIRED
    if len(found) < len(ids) and not principal.is_admin or len(found) < required:
        raise InvalidInput(
            errors={
                "inspectors": [
                    Text(
                        "At least {required} active inspectors of the business's district (you among them).",
                        required=required,
                    )
                ]
            }
        )
    return found, [users[i].display_name or users[i].username for i in found]


def create_draft(principal: Principal, values: dict) -> Inspection:
    business = registry.get_for_regulator(principal, values["business_id"])
    if values["inspected_on"] > today_shanghai():
        raise InvalidInput(errors={"inspected_on": [Text("Cannot be in the future.")]})
    corrects = None
    if values.get("corrects"):
        corrected = get_for_regulator(principal, values["corrects"])
        if corrected.status != SIGNED or corrected.business_id != business.id:
            raise InvalidInput(errors={"corrects": [Text("A signed inspection of the same business.")]})
        corrects = corrected.id
    if values["type"] == "complaint":
        if not values.get("complaint_number"):
            raise InvalidInput(
                errors={"complaint_number": [Text("A complaint-triggered inspection names the complaint.")]}
            )
        complaints.get_for_regulator(principal, values["complaint_number"])
    checklist = checklist_for(business)
    inspectors, names = _inspectors(principal, business, values.get("inspectors") or [])
    inspection = Inspection(
        business_id=business.id,
        district_scopes=business.district_scopes,
        checklist_id=checklist.id,
        checklist_kind=checklist.kind,
        checklist_version=checklist.version,
        inspected_on=values["inspected_on"],
        type=values["type"],
        complaint_number=values.get("complaint_number"),
        corrects=corrects,
        inspectors=inspectors,
        inspector_names=names,
        results=_results(checklist, values.get("results") or []),
    )
    return create_record(inspection, action="drafted", actor_id=principal.user_id, target_type="inspection")


def _check_inspector(principal: Principal, inspection: Inspection, doing: Text) -> None:
    """Only the inspection's own inspectors write it (a colleague of the district reads it)."""
    if principal.is_regulator and ObjectId(principal.user_id) not in inspection.inspectors:
        raise Forbidden(doing)


def update_draft(principal: Principal, inspection_id: Any, values: dict) -> Inspection:
    inspection = get_for_regulator(principal, inspection_id)
    _check_inspector(principal, inspection, Text("Only one of the inspection's inspectors edits it."))
    checklist = Checklist.objects.get(id=inspection.checklist_id)
    updates: dict[str, Any] = {}
    if "results" in values:
        updates["set__results"] = _results(checklist, values["results"])
    if "inspected_on" in values:
        if values["inspected_on"] > today_shanghai():
            raise InvalidInput(errors={"inspected_on": [Text("Cannot be in the future.")]})
        updates["set__inspected_on"] = values["inspected_on"]
    return change_state(
        _visible(principal),
        inspection.id,
        action="draft_updated",
        actor_id=principal.user_id,
        target_type="inspection",
        from_statuses=(DRAFT,),
        updates=updates,
        conditions={"inspectors": ObjectId(principal.user_id)} if principal.is_regulator else None,
        expected_version=values.get("version"),
        not_found=InspectionNotFound,
        conflict=InspectionSigned,
        conflict_message=InspectionSigned.default_message,
    )


def _grade_allowed(business: Business, day: date) -> bool:
    """No grade within GRADE_WAIT_MONTHS_AFTER_LICENCE of a new licence, nor while another domain holds
    it (6 months after a food-safety incident: `Domain.grade_holds`)."""
    licence = business.licence
    wait = context.settings().GRADE_WAIT_MONTHS_AFTER_LICENCE
    if licence and licence.issued_on and day < add_months(licence.issued_on, wait):
        return False
    return not any(hold(business.id, day) for hold in domains.contributed("grade_holds"))


def sign(principal: Principal, inspection_id: Any) -> Inspection:
    inspection = get_for_regulator(principal, inspection_id)
    if inspection.status == SIGNED:
        raise InspectionSigned()
    _check_inspector(principal, inspection, Text("Only one of the inspection's inspectors signs it."))
    checklist = Checklist.objects.get(id=inspection.checklist_id)
    recorded = {r.item: r.result for r in inspection.results}
    missing = [(item.code, item.text) for item in checklist.items if item.code not in recorded]
    if missing:
        raise InvalidInput(
            errors={
                "results": [Text("Every item needs a result before signing; missing: {items}", items=Items(missing))]
            }
        )
    business = Business.objects.get(id=inspection.business_id)
    allowed = _grade_allowed(business, inspection.inspected_on)
    result = rules.outcome(
        checklist.item_rules(), recorded, basically_max_general=checklist.basically_max_general, grade_allowed=allowed
    )
    signed = change_state(
        _visible(principal),
        inspection.id,
        action="signed",
        actor_id=principal.user_id,
        target_type="inspection",
        from_statuses=(DRAFT,),
        to_status=SIGNED,
        not_found=InspectionNotFound,
        conflict=InspectionSigned,
        conflict_message=InspectionSigned.default_message,
        updates={
            "set__result": result.result,
            "set__score": result.score,
            "set__dynamic_grade": result.dynamic_grade,
            "set__graded": allowed and result.score is not None,
            "set__signed_at": utcnow(),
            "set__signed_by": ObjectId(principal.user_id),
        },
    )
    _open_rectifications(signed, checklist, principal.user_id)
    recompute_annual_grade(signed.business_id, reason=f"inspection of {signed.inspected_on.isoformat()} signed")
    recompute_risk_grade(signed.business_id)
    if signed.result == rules.NON_COMPLIANT:  # a key item failed: enforcement reviews whether to act
        failed = [item.text for item in checklist.items if recorded.get(item.code) == rules.FAILED and item.key]
        domains.announce(
            "violation_suspected",
            kind="inspection",
            source_id=str(signed.id),
            business_id=signed.business_id,
            summary=f"{signed.inspected_on.isoformat()} 监督检查结果不符合；关键项不合格：{'；'.join(failed)[:800]}",
            evidence=[sha for r in signed.results for sha in (r.photos or [])][:20],
        )
    return signed


def _open_rectifications(inspection: Inspection, checklist: Checklist, actor_id: Any) -> None:
    texts = {item.code: item for item in checklist.items}
    deadline = current_calendar().add_working_days(
        inspection.inspected_on, context.settings().RECTIFICATION_WORKING_DAYS
    )
    opened = [
        Rectification(
            inspection_id=inspection.id,
            business_id=inspection.business_id,
            district_scopes=inspection.district_scopes,
            item=result.item,
            text=texts[result.item].text,
            key=texts[result.item].key,
            deadline=deadline,
        )
        for result in inspection.results
        if result.result == rules.FAILED
    ]
    if opened:
        create_records(opened, action="opened", actor_id=actor_id, target_type="rectification")


def open_rectification(*, task_id: Any, business: Any, item: str, text: str, actor_id: Any) -> Rectification:
    """A minor risk a 包保 official found on supervision: the business fixes it in the same loop as an
    inspection's, with the deadline on the working-day calendar."""
    deadline = current_calendar().add_working_days(today_shanghai(), context.settings().RECTIFICATION_WORKING_DAYS)
    rectification = Rectification(
        source="supervision",
        inspection_id=task_id,
        business_id=business.id,
        district_scopes=list(business.district_scopes),
        item=item,
        text=text[:300],
        key=False,
        deadline=deadline,
    )
    return create_record(rectification, action="opened", actor_id=actor_id, target_type="rectification")


# --- the business's side --------------------------------------------------------------------------


def for_member(user_id: Any, business_id: Any):
    business, _ = registry.get_for_member(user_id, business_id)
    return Inspection.objects(business_id=business.id, status=SIGNED).order_by("-inspected_on")


def acknowledge(user_id: Any, business_id: Any, inspection_id: Any, name: str) -> Inspection:
    """The business confirms on its phone that it received the result (a signature with time)."""
    business, _ = registry.get_for_member(user_id, business_id, roles=(OWNER, MANAGER))
    return change_state(
        Inspection.objects(business_id=business.id, status=SIGNED),
        object_id(inspection_id, InspectionNotFound),
        action="acknowledged",
        actor_id=user_id,
        target_type="inspection",
        conditions={"acknowledgement": None},
        not_found=InspectionNotFound,
        updates={"set__acknowledgement": Acknowledgement(user_id=ObjectId(str(user_id)), name=name, at=utcnow())},
        conflict_message=Text("The result was already acknowledged."),
    )


def rectifications_for_member(user_id: Any, business_id: Any):
    business, _ = registry.get_for_member(user_id, business_id)
    return Rectification.objects(business_id=business.id).order_by("status", "deadline")


def submit_evidence(
    user_id: Any, business_id: Any, rectification_id: Any, note: str, photos: list[str]
) -> Rectification:
    business, _ = registry.get_for_member(user_id, business_id, roles=(OWNER, MANAGER))
    if RoutinePhoto.objects.missing(business.id, photos):
        raise InvalidInput(errors={"photos": [Text("Upload the photos of the fix first, then name them here.")]})
    evidence = Evidence(note=note, photos=photos, at=utcnow(), by=ObjectId(str(user_id)))
    updated = change_state(
        Rectification.objects(business_id=business.id),
        object_id(rectification_id, RectificationNotFound),
        action="evidence_submitted",
        actor_id=user_id,
        target_type="rectification",
        from_statuses=(OPEN,),
        to_status=SUBMITTED,
        updates={"push__evidence": evidence},
        not_found=RectificationNotFound,
        business_id=lambda r: r.business_id,
    )
    return updated


# --- the regulator's review of fixes ------------------------------------------------------------------


def _rectifications(principal: Principal):
    if not principal.is_console_user:
        raise Forbidden()
    return Rectification.objects.visible_to(principal)


def review_rectification(principal: Principal, rectification_id: Any, accept: bool, note: str | None) -> Rectification:
    """Accept the fix, or send it back for more (one of two racing decisions wins; the other is 409)."""
    reviewed = change_state(
        _rectifications(principal),
        object_id(rectification_id, RectificationNotFound),
        action="accepted" if accept else "sent_back",
        actor_id=principal.user_id,
        target_type="rectification",
        from_statuses=(SUBMITTED,),
        to_status=ACCEPTED if accept else OPEN,
        updates={"set__review_note": note},
        not_found=RectificationNotFound,
    )
    publish_card(reviewed.business_id)
    return reviewed


def rectifications_of(principal: Principal, inspection_id: Any):
    """The rectifications a signed inspection opened, by deadline (its page reviews them)."""
    return (
        _rectifications(principal)
        .filter(inspection_id=object_id(inspection_id, RectificationNotFound))
        .order_by("deadline", "item")
    )


def overdue_rectifications(principal: Principal, *, key_only: bool = False):
    found = _rectifications(principal).overdue(today_shanghai())
    return found.filter(key=True) if key_only else found.order_by("deadline")


# --- the annual grade ---------------------------------------------------------------------------


def recompute_annual_grade(business_id: Any, *, reason: str) -> AnnualGrade:
    today = today_shanghai()
    inspections = Inspection.objects(
        business_id=business_id, status=SIGNED, graded=True, inspected_on__gt=today - YEAR
    ).only("score", "inspected_on", "dynamic_grade")
    # an inspection the rules refused a grade (two key items failed, or below 6.0) counts below the last cut-off
    scores = {
        i.inspected_on.isoformat(): i.score if i.dynamic_grade else min(i.score, rules.NO_GRADE_SCORE)
        for i in inspections
        if i.score is not None
    }
    return _set_grade(business_id, rules.annual_level(list(scores.values())), reason=reason, scores=scores)


def set_grade_by_hand(principal: Principal, business_id: Any, level: str, reason: str) -> AnnualGrade:
    business = registry.get_for_regulator(principal, business_id)
    if not (reason or "").strip():
        raise InvalidInput(errors={"reason": [Text("A grade set by hand needs a reason.")]})
    return _set_grade(business.id, level, reason=reason.strip(), by=principal.user_id)


def _set_grade(
    business_id: Any, level: str | None, *, reason: str, by: Any = None, scores: dict | None = None
) -> AnnualGrade:
    today = today_shanghai()
    current = AnnualGrade.objects(id=business_id).first()
    if current is None or current.level != level:
        changes = {
            "set__level": level,
            "set__since": today,
            "set__updated_at": utcnow(),
            "push__history": GradeChange(level=level, since=today, reason=reason, by=ObjectId(str(by)) if by else None),
        }
        if current is not None and current.history:
            AnnualGrade.objects(id=business_id).update_one(
                **{f"set__history__{len(current.history) - 1}__until": today}
            )
        if scores is not None:
            changes["set__scores"] = scores
        changes.pop("set__updated_at")
        grade = upsert_record(
            AnnualGrade,
            {"id": business_id},
            updates=changes,
            action="set_by_hand" if by else "recomputed",
            actor_id=by,
            target_type="annual_grade",
        )
    elif scores is not None:
        grade = upsert_record(
            AnnualGrade,
            {"id": business_id},
            updates={"set__scores": scores},
            action="recomputed",
            actor_id=by,
            target_type="annual_grade",
        )
    else:
        grade = current
    publish_card(business_id)
    return grade


# --- the public card -----------------------------------------------------------------------------


PUBLIC_HISTORY = 5  # results the card lists under the latest, as FHRS and NYC show a history


def publish_card(business_id: Any) -> None:
    grade = AnnualGrade.objects(id=business_id).first()
    # newest first; a correction outranks what it corrects, which is then not shown at all
    signed = list(
        Inspection.objects(business_id=business_id, status=SIGNED)
        .order_by("-inspected_on", "-signed_at")
        .only("id", "inspected_on", "result", "dynamic_grade", "corrects", "type")
        .limit(PUBLIC_HISTORY * 3)
    )
    corrected = {inspection.corrects for inspection in signed if inspection.corrects}
    shown = [inspection for inspection in signed if inspection.id not in corrected][:PUBLIC_HISTORY]
    data: dict[str, Any] = {"open_rectifications": Rectification.objects(business_id=business_id).unfinished().count()}
    if shown:
        latest = shown[0]
        data.update(
            {
                "date": latest.inspected_on.isoformat(),
                "result": latest.result,
                "result_label": rules.RESULT_LABELS[latest.result],
                "dynamic_grade": latest.dynamic_grade,
                "dynamic_grade_label": rules.GRADE_LABELS.get(latest.dynamic_grade),
                "face": rules.GRADE_FACES.get(latest.dynamic_grade),
                "history": [
                    {
                        "date": inspection.inspected_on.isoformat(),
                        "type_label": TYPES.get(inspection.type, ""),
                        "result": inspection.result,
                        "result_label": rules.RESULT_LABELS[inspection.result],
                        "face": rules.GRADE_FACES.get(inspection.dynamic_grade),
                    }
                    for inspection in shown
                ],
            }
        )
    cards.publish_section(
        business_id,
        CARD_SECTION,
        data,
        grade={"level": grade.level, "rated_on": grade.since.isoformat()} if grade and grade.level else None,
    )


def search(principal: Principal, *, business_id: Any = None, status: str | None = None):
    found = _visible(principal)
    if business_id:
        found = found.filter(business_id=object_id(business_id, InspectionNotFound))
    if status:
        found = found.filter(status=status)
    return found.order_by("-inspected_on", "-created_at")


def load_checklist_file(principal: Principal, data: bytes) -> Checklist:
    """A checklist from a JSON or XLSX file, checked by the same contract as the JSON API."""
    try:
        values = ChecklistInSchema().load(checklist_files.parse(data))
    except ValidationError as invalid:
        raise InvalidInput(errors=invalid.messages) from None
    return load_checklist(principal, values)
