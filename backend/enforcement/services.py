"""Leads and penalty cases. Every rule of the procedure lives here: who may take a step, in which
state, by when (the working-day calendar for working days, calendar days where the law counts them),
and what the party is owed (a notice before a decision, its time to state and defend, a hearing on
large penalties, delivery within days, electronic delivery only with consent)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from mongoengine import NotUniqueError

from backend.blobs.services import blob_store, store_upload
from backend.core import context, districts
from backend.core.calendar import current_calendar
from backend.core.errors import Forbidden, InvalidInput
from backend.core.ids import object_id
from backend.core.masking import mask_name
from backend.core.principal import Principal
from backend.core.text import State, Text
from backend.core.timeutil import today_shanghai, utcnow
from backend.enforcement import credit, documents
from backend.enforcement.errors import CaseNotFound, DocumentNotIssued, LeadConflict, LeadNotFound, StepRefused
from backend.enforcement.models import (
    CASE_OPENED,
    CLOSED,
    DECIDED,
    DELIVERED,
    DISMISSED,
    EXECUTED,
    FILED,
    NEW,
    NOTIFIED,
    OPEN_CASE_STATUSES,
    ORDINARY,
    RECTIFICATION,
    REPAIR_GRANTED,
    REPAIR_PENDING,
    REPAIR_REFUSED,
    SIMPLIFIED,
    Case,
    CaseEvidence,
    CreditRepair,
    Decision,
    Delivery,
    DeliveryConsent,
    Disclosure,
    DishonestListing,
    Execution,
    Extension,
    Lead,
    LeadResponse,
    Notice,
    Penalty,
    Statement,
)
from backend.public_card import services as cards
from backend.registry import services as registry
from backend.registry.models import HOUSEHOLD, MANAGER, OWNER
from backend.routine.models import RoutinePhoto
from backend.staff.models import BannedPerson
from backend.workflow.services import change_state, create_record, record_access, upsert_record

# -- leads -----------------------------------------------------------------------------------------


def filing_due(received_on: date) -> date:
    return current_calendar().add_working_days(received_on, context.settings().LEAD_FILING_WORKING_DAYS)


def raise_lead(
    kind: str,
    source_id: str,
    business_id: Any,
    summary: str,
    evidence: list[str] | None = None,
    shown_evidence: list[str] | None = None,
) -> Lead | None:
    """A lead the platform raises from a record (a camera capture, a failed key item …): once per
    source record, whoever calls twice. Returns the new lead, or None when it exists already."""
    from backend.registry.models import Business

    business = Business.objects(id=object_id(business_id)).only("name", "district_scopes").first()
    if business is None:
        return None
    today = today_shanghai()
    lead = Lead(
        business_id=business.id,
        business_name=business.name,
        district_scopes=list(business.district_scopes),
        source_kind=kind,
        source_id=str(source_id),
        summary=summary[:1000],
        evidence=list(evidence or [])[:20],
        shown_evidence=[shown or "" for shown in (shown_evidence or [])][:20],
        received_on=today,
        filing_due=filing_due(today),
    )
    try:
        return create_record(lead, action="raised", actor_id=None, target_type="lead")
    except NotUniqueError:
        return None


def sweep() -> dict:
    """The daily run (`python -m backend.enforcement sweep`, from cron; the embedded demo runs it with the
    reminders): a lead for every business that has not confirmed a recalled lot in time, and the credit
    classes whose records left their windows. Safe to run twice or at once: a lead is raised once per
    source, a class written only when it changes."""
    from backend.trace.services import unconfirmed_holders

    raised = 0
    for recall, target in unconfirmed_holders(utcnow()):
        summary = (
            f"召回 {recall.number}（{recall.reason}）：{target.holder_name} 未按期确认处置批次 {target.trace_code}"
        )
        source = f"{recall.number}:{target.holder_business_id}"
        raised += raise_lead("recall", source, target.holder_business_id, summary) is not None
    return {"leads_raised": raised, "credit_classes_changed": credit.sweep()}


def on_violation_suspected(
    *,
    kind: str,
    source_id: str,
    business_id: Any,
    summary: str,
    evidence: list[str] | None = None,
    shown_evidence: list[str] | None = None,
) -> None:
    """Another domain's record may show a violation: a lead for a person to review."""
    raise_lead(kind, source_id, business_id, summary, evidence, shown_evidence)


def _officer_of(lead: Lead, principal: Principal) -> bool:
    """The case's officer (who filed it from the lead) sees the evidence as captured, faces and all."""
    if lead.case_id is None:
        return False
    case = Case.objects(id=lead.case_id).only("filed_by").first()
    return case is not None and str(case.filed_by) == principal.user_id


def _picture(lead: Lead, index: int, *, unblurred: bool) -> bytes:
    if not 0 <= index < len(lead.evidence):
        raise LeadNotFound(Text("No such picture."))
    shown = lead.shown_evidence[index] if index < len(lead.shown_evidence) else ""
    if unblurred or not shown:
        if not unblurred and lead.source_kind == "camera":
            raise LeadNotFound(Text("No picture to show for this lead."))  # a camera frame never unblurred
        return blob_store().get(lead.evidence[index])
    return blob_store().get(shown)


def lead_picture(principal: Principal, lead_id: Any, index: int) -> bytes:
    """A lead's evidence: as captured for the case's officer (the reading audited), faces blurred for
    every other regulator."""
    lead = get_lead_for_regulator(principal, lead_id)
    officer = _officer_of(lead, principal)
    if officer:
        record_access(
            action="evidence_viewed",
            actor_id=principal.user_id,
            target_type="lead",
            target_id=lead.id,
            details={"index": index, "sha256": lead.evidence[index] if 0 <= index < len(lead.evidence) else None},
        )
    return _picture(lead, index, unblurred=officer)


def business_lead_picture(user_id: Any, business_id: Any, lead_id: Any, index: int) -> bytes:
    """The captured frame of a lead handed to the business, faces blurred: its own evidence only."""
    lead = leads_of_business(user_id, business_id).filter(id=object_id(lead_id, LeadNotFound)).first()
    if lead is None:
        raise LeadNotFound()
    return _picture(lead, index, unblurred=False)


def register_lead(principal: Principal, values: dict) -> Lead:
    """A lead by hand (a tip-off by phone, a report from another authority)."""
    business = registry.get_for_regulator(principal, values["business_id"])
    today = today_shanghai()
    lead = Lead(
        business_id=business.id,
        business_name=business.name,
        district_scopes=list(business.district_scopes),
        source_kind="manual",
        summary=values["summary"],
        received_on=today,
        filing_due=filing_due(today),
        registered_by=object_id(principal.user_id),
    )
    return create_record(lead, action="registered", actor_id=principal.user_id, target_type="lead")


def leads_for_regulator(principal: Principal, *, status=None, overdue=False, business_id=None):
    found = Lead.objects.visible_to(principal) if principal.is_console_user else Lead.objects.none()
    if overdue:
        found = found.overdue(today_shanghai())
    elif status:
        found = found.filter(status=status)
    if business_id:
        found = found.filter(business_id=object_id(business_id, LeadNotFound))
    return found.order_by("status", "filing_due", "-created_at")


def get_lead_for_regulator(principal: Principal, lead_id: Any) -> Lead:
    if not principal.is_console_user:
        raise LeadNotFound()
    return Lead.objects.get_visible(principal, LeadNotFound, id=lead_id)


def review_lead(principal: Principal, lead_id: Any, values: dict) -> Lead:
    """dismiss (with the reason), rectify (the business fixes it by a date), or open_case (filed now,
    with the official who approved the filing)."""
    lead = get_lead_for_regulator(principal, lead_id)
    action = values["action"]
    reason = (values.get("reason") or "").strip()
    if not reason:
        raise InvalidInput(errors={"reason": [Text("Say why.")]})
    updates: dict[str, Any] = {
        "set__reviewed_by": object_id(principal.user_id),
        "set__reviewed_at": utcnow(),
        "set__review_reason": reason,
    }
    review, audited = {
        "dismiss": (DISMISSED, "dismissed"),
        "rectify": (RECTIFICATION, "handed_to_business"),
        "open_case": (CASE_OPENED, "case_opened"),
    }[action]
    if action == "rectify":
        due = values.get("due_on")
        if due is None or due < today_shanghai():
            raise InvalidInput(errors={"due_on": [Text("A day from today on.")]})
        updates["set__rectification_due"] = due
    if action != "open_case":
        return _lead_change(lead, principal, action=audited, to=review, updates=updates)
    case = _new_case(principal, lead.business_id, values, lead=lead)
    case.documents = [documents.issue(case, "filing")]

    def claim_lead(filed: Case) -> None:  # the lead is the case's, or the case is not kept
        _lead_change(lead, principal, action=audited, to=review, updates={**updates, "set__case_id": filed.id})

    create_record(case, action="filed", actor_id=principal.user_id, target_type="case", then=claim_lead)
    credit.refresh(case.business_id)
    return Lead.objects.get(id=lead.id)


def _lead_change(lead: Lead, principal: Principal, *, action: str, to: str, updates: dict) -> Lead:
    return change_state(
        Lead.objects,
        lead.id,
        action=action,
        actor_id=principal.user_id,
        target_type="lead",
        from_statuses=(NEW,),
        to_status=to,
        updates=updates,
        expected_version=lead.version,
        not_found=LeadNotFound,
        conflict=LeadConflict,
    )


def leads_of_business(user_id: Any, business_id: Any):
    """What the business is shown: the leads handed to it to fix (not what is still being reviewed)."""
    business, _role = registry.get_for_member(user_id, business_id)
    return Lead.objects.of_business(business.id).filter(status=RECTIFICATION).order_by("rectification_due")


def respond_to_lead(user_id: Any, business_id: Any, lead_id: Any, values: dict) -> Lead:
    """The business confirms and says what it fixed (with photos), or disputes it with its reasons."""
    business, _role = registry.get_for_member(user_id, business_id, roles=(OWNER, MANAGER))
    lead = Lead.objects.of_business(business.id).filter(id=object_id(lead_id, LeadNotFound)).first()
    if lead is None or lead.status != RECTIFICATION:
        raise LeadNotFound()
    photos = values.get("photos") or []
    if RoutinePhoto.objects.missing(business.id, photos):
        raise InvalidInput(errors={"photos": [Text("A photo was not uploaded for this business.")]})
    response = LeadResponse(
        stance=values["stance"], note=values["note"], photos=photos, by=object_id(user_id), at=utcnow()
    )
    return change_state(
        Lead.objects,
        lead.id,
        action="answered",
        actor_id=user_id,
        target_type="lead",
        from_statuses=(RECTIFICATION,),
        updates={"set__response": response},
        not_found=LeadNotFound,
        conflict=LeadConflict,
    )


# -- cases -----------------------------------------------------------------------------------------


def _new_case(principal: Principal, business_id: Any, values: dict, *, lead: Lead | None = None) -> Case:
    from backend.registry.models import Business

    business = Business.objects.get(id=business_id)
    for field in ("violation", "approved_by"):
        if not (values.get(field) or "").strip():
            raise InvalidInput(errors={field: [Text("Required to file a case.")]})
    today = today_shanghai()
    return Case(
        business_id=business.id,
        business_name=business.name,
        district_scopes=list(business.district_scopes),
        lead_id=lead.id if lead else None,
        procedure=ORDINARY,
        status=FILED,
        violation=values["violation"].strip(),
        filed_on=today,
        filed_by=object_id(principal.user_id),
        approved_by=values["approved_by"].strip(),
        decision_due=today + timedelta(days=context.settings().CASE_DECISION_DAYS),
        # the lead's pictures as captured are the case's first evidence
        evidence=[CaseEvidence(sha256=sha, caption="线索证据", at=utcnow()) for sha in (lead.evidence if lead else [])],
    )


def file_case(principal: Principal, values: dict) -> Case:
    """A case filed without a lead of the platform's (found on an inspection, handed over by police)."""
    business = registry.get_for_regulator(principal, values["business_id"])
    case = _new_case(principal, business.id, values)
    case.documents = [documents.issue(case, "filing")]
    create_record(case, action="filed", actor_id=principal.user_id, target_type="case")
    credit.refresh(case.business_id)
    return case


def _is_person(business) -> bool:
    return business.kind == HOUSEHOLD


def simplified_case(principal: Principal, values: dict) -> Case:
    """简易程序: on the spot, a warning or a small fine (art. 51), decided and delivered in one step."""
    business = registry.get_for_regulator(principal, values["business_id"])
    settings = context.settings()
    limit = settings.SIMPLE_FINE_PERSON_YUAN if _is_person(business) else settings.SIMPLE_FINE_ORGANISATION_YUAN
    penalties = _penalties(values.get("penalties") or [])
    if not penalties or any(p.kind not in ("warning", "fine") for p in penalties):
        raise InvalidInput(errors={"penalties": [Text("The simplified procedure gives a warning or a fine only.")]})
    if sum(p.amount_yuan or 0 for p in penalties if p.kind == "fine") > limit:
        raise InvalidInput(
            errors={"penalties": [Text("Above {limit} yuan the ordinary procedure applies.", limit=limit)]}
        )
    today = today_shanghai()
    case = _new_case(principal, business.id, {**values, "approved_by": values.get("approved_by") or "当场处罚"})
    case.procedure, case.status = SIMPLIFIED, DELIVERED
    case.decision = Decision(
        penalties=penalties, decided_on=today, decided_by=object_id(principal.user_id), delivery_due=today
    )
    case.delivery = Delivery(method="in_person", delivered_on=today, note="当场交付")
    case.authority, case.number = documents.next_number(business.id, "decision", today.year)
    case.documents = [
        documents.issue(case, "decision", number=case.number, authority=case.authority),
        documents.issue(case, "delivery"),
    ]
    create_record(case, action="decided_on_the_spot", actor_id=principal.user_id, target_type="case")
    _disclose(case)
    return case


def cases_for_regulator(principal: Principal, *, status=None, overdue=False, business_id=None):
    found = Case.objects.visible_to(principal) if principal.is_console_user else Case.objects.none()
    if overdue:
        found = found.overdue(today_shanghai())
    elif status:
        found = found.filter(status=status)
    if business_id:
        found = found.filter(business_id=object_id(business_id, CaseNotFound))
    return found.order_by("decision_due", "-filed_on")


def get_case_for_regulator(principal: Principal, case_id: Any) -> Case:
    if not principal.is_console_user:
        raise CaseNotFound()
    return Case.objects.get_visible(principal, CaseNotFound, id=case_id)


def _step(
    principal_or_user: Any, case: Case, *, action: str, from_statuses, to: str | None, updates: dict, version=None
) -> Case:
    actor = principal_or_user.user_id if isinstance(principal_or_user, Principal) else principal_or_user
    changed = change_state(
        Case.objects,
        case.id,
        action=action,
        actor_id=actor,
        target_type="case",
        from_statuses=from_statuses,
        to_status=to,
        updates=updates,
        expected_version=version,
        not_found=CaseNotFound,
        conflict=StepRefused,
    )
    credit.refresh(changed.business_id)  # an open case, or one closed
    return changed


INVESTIGATING = (FILED, NOTIFIED)  # evidence is gathered and records linked until the decision


def add_evidence(principal: Principal, case_id: Any, data: bytes, caption: str) -> Case:
    """调查取证: a picture or a PDF (typed from its bytes and re-encoded, like every upload) kept as a blob
    whose SHA-256 the case and its audit entry name."""
    case = get_case_for_regulator(principal, case_id)
    _refuse_unless(case.status in INVESTIGATING, case, "调查取证")
    if len(case.evidence) >= 50:
        raise InvalidInput(errors={"file": [Text("A case keeps at most {limit} pieces of evidence.", limit=50)]})
    stored = store_upload(data)
    item = CaseEvidence(
        sha256=stored.sha256, caption=caption, size=stored.size, by=object_id(principal.user_id), at=utcnow()
    )
    return _step(
        principal, case, action="evidence_added", from_statuses=INVESTIGATING, to=None, updates={"push__evidence": item}
    )


def case_evidence(principal: Principal, case_id: Any, index: int) -> bytes:
    case = get_case_for_regulator(principal, case_id)
    if not 0 <= index < len(case.evidence):
        raise CaseNotFound(Text("No such picture."))
    return blob_store().get(case.evidence[index].sha256)


def link_records(principal: Principal, case_id: Any, values: dict) -> Case:
    """Signed inspections and samples of the case's business that the case relies on."""
    from backend.inspections.models import SIGNED, Inspection
    from backend.sampling.models import Sample

    case = get_case_for_regulator(principal, case_id)
    _refuse_unless(case.status in INVESTIGATING, case, "关联记录")
    inspections = [object_id(i, CaseNotFound) for i in values.get("inspections") or []]
    samples = list(values.get("samples") or [])
    errors = {}
    if not inspections and not samples:
        errors["inspections"] = [Text("Name an inspection or a sample to link.")]
    if Inspection.objects(id__in=inspections, business_id=case.business_id, status=SIGNED).count() != len(
        set(inspections)
    ):
        errors["inspections"] = [Text("Only signed inspections of this business.")]
    if Sample.objects(sampling_number__in=samples, business_id=case.business_id).count() != len(set(samples)):
        errors["samples"] = [Text("Only samples taken at this business.")]
    if errors:
        raise InvalidInput(errors=errors)
    updates = {}
    if inspections:
        updates["add_to_set__linked_inspections"] = inspections
    if samples:
        updates["add_to_set__linked_samples"] = samples
    return _step(principal, case, action="records_linked", from_statuses=INVESTIGATING, to=None, updates=updates)


def _document(case: Case, kind: str) -> tuple[str, bytes]:
    issued = next((d for d in case.documents if d.kind == kind), None)
    if issued is None:
        raise DocumentNotIssued()
    return issued.number, blob_store().get(issued.sha256)


def case_document(principal: Principal, case_id: Any, kind: str) -> tuple[str, bytes]:
    """A document the case issued, as issued: its number and the PDF."""
    return _document(get_case_for_regulator(principal, case_id), kind)


def party_document(user_id: Any, case_id: Any, kind: str) -> tuple[str, bytes]:
    """What the party was sent (the notice, the decision, the delivery receipt), never the bureau's
    internal filing form."""
    if kind not in documents.PARTY_KINDS:
        raise DocumentNotIssued()
    return _document(get_case_for_member(user_id, case_id), kind)


def _refuse_unless(status_ok: bool, case: Case, step: str) -> None:
    if not status_ok:
        raise StepRefused(
            Text("The case is {state}: {step} is not the next step.", state=State("case", case.status), step=step)
        )


def _penalties(items: list[dict]) -> list[Penalty]:
    penalties = []
    for item in items:
        if item["kind"] == "fine" and not item.get("amount_yuan"):
            raise InvalidInput(errors={"penalties": [Text("A fine names its amount.")]})
        penalties.append(Penalty(kind=item["kind"], amount_yuan=item.get("amount_yuan")))
    return penalties


def _hearing_eligible(case: Case, penalties: list[Penalty]) -> bool:
    """Large fines, suspension and revocation give the party a hearing if it asks (art. 63)."""
    from backend.registry.models import Business

    settings = context.settings()
    business = Business.objects.get(id=case.business_id)
    large = settings.HEARING_FINE_PERSON_YUAN if _is_person(business) else settings.HEARING_FINE_ORGANISATION_YUAN
    fined = sum(p.amount_yuan or 0 for p in penalties if p.kind == "fine")
    return fined >= large or any(p.kind in ("suspension", "revocation", "confiscation") for p in penalties)


def notify(principal: Principal, case_id: Any, values: dict) -> Case:
    """告知: the facts, the rule broken, the intended penalty and the party's rights."""
    case = get_case_for_regulator(principal, case_id)
    _refuse_unless(case.status == FILED, case, "告知")
    today = today_shanghai()
    intended = _penalties(values["intended"])
    eligible = _hearing_eligible(case, intended)
    settings = context.settings()
    notice = Notice(
        facts=values["facts"],
        rule_broken=values["rule_broken"],
        intended=intended,
        notified_on=today,
        statement_due=current_calendar().add_working_days(today, settings.STATEMENT_WORKING_DAYS),
        hearing_eligible=eligible,
        hearing_due=today + timedelta(days=settings.HEARING_REQUEST_DAYS) if eligible else None,
    )
    case.notice = notice
    return _step(
        principal,
        case,
        action="notified",
        from_statuses=(FILED,),
        to=NOTIFIED,
        updates={"set__notice": notice, "push__documents": documents.issue(case, "notice")},
        version=values.get("version"),
    )


def extend(principal: Principal, case_id: Any, values: dict) -> Case:
    """The decision's period extended once, by a named official with a reason."""
    case = get_case_for_regulator(principal, case_id)
    _refuse_unless(case.status in (FILED, NOTIFIED), case, "延期")
    if case.extension is not None:
        raise StepRefused(Text("The period was extended once already; a further extension is a collective decision."))
    days = context.settings().CASE_EXTENSION_DAYS
    extension = Extension(
        days=days,
        reason=values["reason"],
        approved_by=values["approved_by"],
        by=object_id(principal.user_id),
        at=utcnow(),
    )
    return _step(
        principal,
        case,
        action="extended",
        from_statuses=(FILED, NOTIFIED),
        to=None,
        updates={"set__extension": extension, "set__decision_due": case.decision_due + timedelta(days=days)},
        version=values.get("version"),
    )


def decide(principal: Principal, case_id: Any, values: dict) -> Case:
    """处罚决定 (or none, with the reason): after the party was told and its time to speak has run
    (or it spoke), a hearing held if it asked for one, and within the period."""
    case = get_case_for_regulator(principal, case_id)
    _refuse_unless(case.status == NOTIFIED, case, "处罚决定")
    today = today_shanghai()
    if today > case.decision_due:
        raise StepRefused(
            Text(
                "The decision was due by {due} ({days} days after filing); extend the period first.",
                due=case.decision_due,
                days=context.settings().CASE_DECISION_DAYS,
            )
        )
    if case.statement is None and today <= case.notice.statement_due:
        raise StepRefused(
            Text("The party may state and defend until {due}; decide after that.", due=case.notice.statement_due)
        )
    if case.hearing_requested_at is not None and not values.get("hearing_held_on"):
        raise StepRefused(Text("The party asked for a hearing: record the day it was held."))
    penalties = _penalties(values.get("penalties") or [])
    if not penalties and not (values.get("no_penalty_reason") or "").strip():
        raise InvalidInput(errors={"no_penalty_reason": [Text("A decision without a penalty says why.")]})
    decision = Decision(
        penalties=penalties,
        no_penalty_reason=values.get("no_penalty_reason"),
        decided_on=today,
        decided_by=object_id(principal.user_id),
        delivery_due=today + timedelta(days=context.settings().DELIVERY_DAYS),
    )
    authority, number = documents.next_number(case.business_id, "decision", today.year)
    case.decision, case.number = decision, number
    issued = documents.issue(case, "decision", number=number, authority=authority)
    return _step(
        principal,
        case,
        action="decided",
        from_statuses=(NOTIFIED,),
        to=DECIDED,
        updates={
            "set__decision": decision,
            "set__number": number,
            "set__authority": authority,
            "push__documents": issued,
        },
        version=values.get("version"),
    )


def deliver(principal: Principal, case_id: Any, values: dict) -> Case:
    """送达: electronically only where the party consented (art. 61); by hand or post otherwise."""
    case = get_case_for_regulator(principal, case_id)
    _refuse_unless(case.status == DECIDED, case, "送达")
    if values["method"] == "electronic":
        consent = DeliveryConsent.objects(id=case.business_id).first()
        if consent is None or not consent.in_force:
            raise StepRefused(Text("The party has not consented to electronic delivery: deliver by hand or post."))
    delivered_on = values.get("delivered_on") or today_shanghai()
    if delivered_on > today_shanghai() or delivered_on < case.decision.decided_on:
        raise InvalidInput(errors={"delivered_on": [Text("Between the decision and today.")]})
    delivery = Delivery(method=values["method"], delivered_on=delivered_on, note=values.get("note"))
    case.delivery = delivery
    delivered = _step(
        principal,
        case,
        action="delivered",
        from_statuses=(DECIDED,),
        to=DELIVERED,
        updates={"set__delivery": delivery, "push__documents": documents.issue(case, "delivery")},
        version=values.get("version"),
    )
    _disclose(delivered)  # published once the party has it, well within the period
    return delivered


def _needs_execution(case: Case) -> bool:
    """A warning is carried out by its delivery; a fine, a confiscation … are paid or enforced."""
    return any(p.kind != "warning" for p in case.decision.penalties)


def execute(principal: Principal, case_id: Any, values: dict) -> Case:
    case = get_case_for_regulator(principal, case_id)
    _refuse_unless(case.status == DELIVERED and _needs_execution(case), case, "执行")
    execution = Execution(kind=values["kind"], on=values.get("on") or today_shanghai(), note=values.get("note"))
    return _step(
        principal,
        case,
        action="executed",
        from_statuses=(DELIVERED,),
        to=EXECUTED,
        updates={"set__execution": execution},
        version=values.get("version"),
    )


def close(principal: Principal, case_id: Any, values: dict) -> Case:
    """结案: once carried out, or once delivered when nothing is left to carry out."""
    case = get_case_for_regulator(principal, case_id)
    done = case.status == EXECUTED or (case.status == DELIVERED and not _needs_execution(case))
    _refuse_unless(done, case, "结案")
    return _step(
        principal,
        case,
        action="closed",
        from_statuses=(EXECUTED, DELIVERED),
        to=CLOSED,
        updates={"set__closed_on": today_shanghai()},
        version=values.get("version"),
    )


# -- numbers and public disclosure --------------------------------------------------------------------

CARD_SECTION = "penalties"
CARD_ENTRIES = 10


def _months_after(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def display_until(decided_on: date, penalties) -> date:
    """3 months for a warning or a small fine, 3 years for the rest (SAMR order No. 45; what counts as
    small is local: DISCLOSURE_SMALL_FINE_YUAN)."""
    settings = context.settings()
    small = all(
        p.kind == "warning" or (p.kind == "fine" and (p.amount_yuan or 0) <= settings.DISCLOSURE_SMALL_FINE_YUAN)
        for p in penalties
    )
    return _months_after(decided_on, settings.DISCLOSURE_SHORT_MONTHS if small else 12 * settings.DISCLOSURE_LONG_YEARS)


def _disclose(case: Case) -> None:
    """Publish a decided penalty's summary fields (once per case, whoever calls twice) and the card."""
    from backend.registry.models import Business

    if not case.decision or not case.decision.penalties:
        return
    business = Business.objects.get(id=case.business_id)
    decided_on = case.decision.decided_on
    disclosure = Disclosure(
        id=case.id,
        business_id=case.business_id,
        district_scopes=list(case.district_scopes),
        number=case.number,
        party=mask_name(case.business_name) if business.kind == HOUSEHOLD else case.business_name,
        violation=case.violation,
        penalties=[p.label for p in case.decision.penalties],
        authority=case.authority,
        decided_on=decided_on,
        disclosure_due=current_calendar().add_working_days(decided_on, context.settings().DISCLOSURE_WORKING_DAYS),
        published_on=today_shanghai(),
        display_until=display_until(decided_on, case.decision.penalties),
    )
    try:
        create_record(disclosure, action="published", actor_id=None, target_type="disclosure")
    except NotUniqueError:
        return  # published before
    publish_card(case.business_id)
    credit.refresh(case.business_id)


def publish_card(business_id: Any) -> None:
    shown = list(Disclosure.objects.of_business(business_id).in_display(today_shanghai()).order_by("-decided_on"))
    if not shown:
        cards.withdraw_section(business_id, CARD_SECTION)
        return
    entries = [
        {
            "number": d.number,
            "violation": d.violation,
            "penalties": list(d.penalties),
            "authority": d.authority,
            "decided_on": d.decided_on.isoformat(),
            "display_until": d.display_until.isoformat(),
        }
        for d in shown[:CARD_ENTRIES]
    ]
    cards.publish_section(
        business_id, CARD_SECTION, {"penalties": entries}, alerts=["该经营者有正在公示的行政处罚信息"]
    )


def public_penalties(*, q: str | None = None, district: str | None = None):
    """What is in display today, newest first: by party, violation or 文号, in a district."""
    from mongoengine import Q

    found = Disclosure.objects.in_display(today_shanghai())
    if district:
        found = found.filter(district_scopes=district)
    if q and q.strip():
        text = q.strip()
        found = found.filter(Q(party__icontains=text) | Q(violation__icontains=text) | Q(number=text))
    return found.order_by("-decided_on", "number")


PUBLIC_COLUMNS = (
    ("number", "文号"),
    ("party", "当事人"),
    ("violation", "违法行为类型"),
    ("penalties", "处罚内容"),
    ("authority", "处罚机关"),
    ("decided_on", "处罚决定日期"),
    ("display_until", "公示截止日期"),
)
MAX_EXPORT_ROWS = 20_000


def penalties_csv(found) -> str:
    from backend.core.tables import csv_text

    rows = (
        ["；".join(d.penalties) if key == "penalties" else getattr(d, key) for key, _label in PUBLIC_COLUMNS]
        for d in found.limit(MAX_EXPORT_ROWS)
    )
    return csv_text([label for _key, label in PUBLIC_COLUMNS], rows)


# -- 从业禁止 ------------------------------------------------------------------------------------------

BAN_YEARS = 5  # after a revoked licence (art. 135); a conviction bans for life


def ban_person(principal: Principal, values: dict) -> BannedPerson:
    """Record a banned person by ID number (kept only as the staff records' keyed hash and its last 4)."""
    from backend.staff.services import id_digest
    from backend.staff.validators import id_number_problem, normalise_id_number

    if not principal.is_console_user:
        raise Forbidden()
    number = normalise_id_number(values["id_number"])
    if problem := id_number_problem(number, today_shanghai()):
        raise InvalidInput(errors={"id_number": [problem]})
    since = values["since"]
    until = None if values["reason"] == "conviction" else _months_after(since, 12 * BAN_YEARS)
    person = BannedPerson(
        id_digest=id_digest(number),
        id_last4=number[-4:],
        name=values["name"],
        reason=values["reason"],
        basis=values["basis"],
        since=since,
        until=until,
        recorded_by=object_id(principal.user_id),
    )
    return create_record(person, action="banned", actor_id=principal.user_id, target_type="banned_person")


def banned_persons(principal: Principal, *, employed: bool = False) -> list[dict]:
    """The bans in force, each with where the person works now within the regulator's districts
    (an employment from before the ban is flagged there); `employed`: only those."""
    from backend.staff.models import StaffMember

    if not principal.is_console_user:
        raise Forbidden()
    today = today_shanghai()
    bans = list(BannedPerson.objects.in_force(today).order_by("-since")[:1000])
    working = (
        StaffMember.objects.employed_on(today)
        .visible_to(principal)
        .filter(id_digest__in=[ban.id_digest for ban in bans])
    )
    where: dict[str, list[str]] = {}
    for member in working.only("id_digest", "business_id"):
        where.setdefault(member.id_digest, []).append(str(member.business_id))
    rows = [{"ban": ban, "employed_at": where.get(ban.id_digest, [])} for ban in bans]
    return [row for row in rows if row["employed_at"]] if employed else rows


# -- the serious-dishonesty list and credit repair ----------------------------------------------------

DISHONEST_SECTION = "dishonest"


def list_dishonest(principal: Principal, values: dict) -> DishonestListing:
    """严重违法失信名单: by a named official with the decision and the reason; one listing at a time."""
    business = registry.get_for_regulator(principal, values["business_id"])
    today = today_shanghai()
    listed_on = values.get("listed_on") or today
    period = 12 * context.settings().DISHONEST_YEARS
    if listed_on > today or _months_after(listed_on, period) < today:
        raise InvalidInput(errors={"listed_on": [Text("A day from the listing period's start to today.")]})
    if DishonestListing.objects.of_business(business.id).in_force(today).first():
        raise StepRefused(Text("The business is on the list already."))
    listing = DishonestListing(
        business_id=business.id,
        district_scopes=list(business.district_scopes),
        party=mask_name(business.name) if business.kind == HOUSEHOLD else business.name,
        basis=values["basis"],
        reason=values["reason"],
        authority=districts.office_name(business.district_code or ""),
        listed_on=listed_on,
        listed_by=values["listed_by"],
        recorded_by=object_id(principal.user_id),
        remove_after=_months_after(listed_on, period),
    )
    create_record(listing, action="listed", actor_id=principal.user_id, target_type="dishonest_listing")
    publish_dishonest_card(business.id)
    credit.refresh(business.id)
    return listing


def refuse_listed(*, business_id: Any) -> None:
    """A listed business is not approved for a change or a new licence (the approval_requested veto)."""
    if DishonestListing.objects.of_business(business_id).in_force(today_shanghai()).first():
        raise StepRefused(Text("The business is on the serious-dishonesty list: no approval until it is removed."))


def public_dishonest(*, q: str | None = None, district: str | None = None):
    found = DishonestListing.objects.in_force(today_shanghai())
    if district:
        found = found.filter(district_scopes=district)
    if q and q.strip():
        found = found.filter(party__icontains=q.strip())
    return found.order_by("-listed_on")


def listings_for_regulator(principal: Principal):
    found = (
        DishonestListing.objects.visible_to(principal) if principal.is_console_user else DishonestListing.objects.none()
    )
    return found.order_by("-listed_on")


def publish_dishonest_card(business_id: Any) -> None:
    listing = DishonestListing.objects.of_business(business_id).in_force(today_shanghai()).first()
    if listing is None:
        cards.withdraw_section(business_id, DISHONEST_SECTION)
        return
    cards.publish_section(
        business_id,
        DISHONEST_SECTION,
        {
            "basis": listing.basis,
            "authority": listing.authority,
            "listed_on": listing.listed_on.isoformat(),
            "remove_after": listing.remove_after.isoformat(),
        },
        alerts=["该经营者已被列入严重违法失信名单"],
    )


def apply_for_repair(user_id: Any, business_id: Any, values: dict) -> CreditRepair:
    """信用修复: for a disclosure or a listing of the business's, once the minimum period has passed,
    never while a case against it is open; one application pending at a time."""
    business, _role = registry.get_for_member(user_id, business_id, roles=(OWNER, MANAGER))
    today = today_shanghai()
    target_id = object_id(values["target_id"], CaseNotFound)
    model = Disclosure if values["target"] == "disclosure" else DishonestListing
    target = model.objects(id=target_id, business_id=business.id).first()
    if target is None:
        raise CaseNotFound(Text("No such disclosure or listing of this business."))
    since = target.decided_on if values["target"] == "disclosure" else target.listed_on
    earliest = _months_after(since, context.settings().REPAIR_AFTER_MONTHS)
    if today < earliest:
        raise StepRefused(Text("Credit repair may be applied for from {earliest}.", earliest=earliest))
    if Case.objects.of_business(business.id).filter(status__in=list(OPEN_CASE_STATUSES)).first():
        raise StepRefused(Text("A case against the business is still open: apply once it is closed."))
    if CreditRepair.objects.of_business(business.id).filter(status=REPAIR_PENDING).first():
        raise StepRefused(Text("An application is already waiting for a decision."))
    photos = values.get("photos") or []
    if RoutinePhoto.objects.missing(business.id, photos):
        raise InvalidInput(errors={"photos": [Text("A photo was not uploaded for this business.")]})
    repair = CreditRepair(
        business_id=business.id,
        district_scopes=list(business.district_scopes),
        target=values["target"],
        target_id=target.id,
        statement=values["statement"],
        photos=photos,
        applied_by=object_id(user_id),
    )
    return create_record(repair, action="applied", actor_id=user_id, target_type="credit_repair")


def repairs_of_business(user_id: Any, business_id: Any):
    business, _role = registry.get_for_member(user_id, business_id)
    return CreditRepair.objects.of_business(business.id).order_by("-created_at")


def repairs_for_regulator(principal: Principal, *, status: str | None = None):
    found = CreditRepair.objects.visible_to(principal) if principal.is_console_user else CreditRepair.objects.none()
    return found.filter(status=status) if status else found.order_by("-created_at")


def decide_repair(principal: Principal, repair_id: Any, values: dict) -> CreditRepair:
    """A regulator of the district grants (the public display ends today) or refuses, with the reason."""
    if not principal.is_console_user:
        raise CaseNotFound()
    repair = CreditRepair.objects.get_visible(principal, CaseNotFound, id=repair_id)
    granted = values["grant"]
    today = today_shanghai()

    def end_display(decided: CreditRepair) -> None:
        if not granted:
            return
        disclosure = decided.target == "disclosure"
        change_state(
            (Disclosure if disclosure else DishonestListing).objects,
            decided.target_id,
            action="withdrawn" if disclosure else "removed",
            actor_id=principal.user_id,
            target_type="disclosure" if disclosure else "dishonest_listing",
            updates={"set__withdrawn_on": today}
            if disclosure
            else {"set__removed_on": today, "set__removal_reason": "信用修复"},
        )
        (publish_card if disclosure else publish_dishonest_card)(decided.business_id)
        credit.refresh(decided.business_id)

    return change_state(
        CreditRepair.objects,
        repair.id,
        action="granted" if granted else "refused",
        actor_id=principal.user_id,
        target_type="credit_repair",
        from_statuses=(REPAIR_PENDING,),
        to_status=REPAIR_GRANTED if granted else REPAIR_REFUSED,
        updates={
            "set__decided_by": object_id(principal.user_id),
            "set__decided_on": today,
            "set__decision_reason": values["reason"],
        },
        expected_version=values.get("version"),
        not_found=CaseNotFound,
        conflict=StepRefused,
        after_write=end_display,
    )


# -- indicators (the KPI contract) ---------------------------------------------------------------------


def _scoped(queryset, principal: Principal, district: str | None):
    found = queryset.visible_to(principal)
    return found.filter(district_scopes=district) if district else found


def indicators(principal: Principal, *, districts, period, sector: str | None) -> list:
    """Per district, for the period: leads received and reviewed within the filing period, cases filed
    and closed within the decision period (with its extension), penalties disclosed within theirs
    (鄂尔多斯 asks 100% of each), listings made, credit repairs decided and granted. Enforcement
    records are not split by sector."""
    from backend.core.indicators import count, ratio

    if sector:
        return []
    first, last = period.start, period.end
    today = today_shanghai()
    settings = context.settings()
    rows = []
    for district in districts:
        leads = list(
            _scoped(Lead.objects, principal, district)
            .filter(received_on__gte=first, received_on__lte=last)
            .only("status", "filing_due", "reviewed_at")
            .as_pymongo()
        )
        due = [r for r in leads if r["status"] != NEW or r["filing_due"].date() < today]
        in_time = [r for r in due if r.get("reviewed_at") and r["reviewed_at"].date() <= r["filing_due"].date()]
        cases = list(
            _scoped(Case.objects, principal, district)
            .filter(filed_on__gte=first, filed_on__lte=last)
            .only("status", "filed_on", "closed_on", "extension")
            .as_pymongo()
        )
        closed = [r for r in cases if r["status"] == CLOSED]
        allowed = settings.CASE_DECISION_DAYS
        closed_in_time = [
            r
            for r in closed
            if (r["closed_on"] - r["filed_on"]).days <= allowed + (r.get("extension") or {}).get("days", 0)
        ]
        disclosed = list(
            _scoped(Disclosure.objects, principal, district)
            .filter(decided_on__gte=first, decided_on__lte=last)
            .only("published_on", "disclosure_due")
            .as_pymongo()
        )
        on_time = [r for r in disclosed if r["published_on"] <= r["disclosure_due"]]
        listed = (
            _scoped(DishonestListing.objects, principal, district)
            .filter(listed_on__gte=first, listed_on__lte=last)
            .count()
        )
        repairs = list(
            _scoped(CreditRepair.objects, principal, district)
            .filter(decided_on__gte=first, decided_on__lte=last)
            .only("status")
            .as_pymongo()
        )
        granted = [r for r in repairs if r["status"] == REPAIR_GRANTED]
        at = {"period": period.label}
        rows += [
            count("enforcement.leads_received", "收到线索", district, len(leads), **at),
            ratio("enforcement.leads_reviewed_in_time", "线索按期核查率", district, len(in_time), len(due), **at),
            count("enforcement.cases_filed", "立案数", district, len(cases), **at),
            ratio("enforcement.case_closing_rate", "结案率", district, len(closed), len(cases), **at),
            ratio("enforcement.cases_closed_in_time", "按期结案率", district, len(closed_in_time), len(closed), **at),
            ratio("enforcement.disclosed_in_time", "处罚信息按期公示率", district, len(on_time), len(disclosed), **at),
            count("enforcement.dishonest_listed", "列入严重违法失信名单", district, listed, **at),
            count("enforcement.repairs_decided", "信用修复办结数", district, len(repairs), **at),
            ratio("enforcement.repairs_granted", "信用修复通过率", district, len(granted), len(repairs), **at),
        ]
    return rows


# -- the party, from the mini-program ----------------------------------------------------------------


def get_case_for_member(user_id: Any, case_id: Any) -> Case:
    case = Case.objects(id=object_id(case_id, CaseNotFound)).first()
    if case is None or case.notice is None and case.decision is None:
        raise CaseNotFound()  # nothing the party has been told yet
    registry.get_for_member(user_id, case.business_id)  # another business's case does not exist
    return case


def state_and_defend(user_id: Any, case_id: Any, values: dict) -> Case:
    """陈述申辩, until the notice's day."""
    case = get_case_for_member(user_id, case_id)
    registry.get_for_member(user_id, case.business_id, roles=(OWNER, MANAGER))
    _refuse_unless(case.status == NOTIFIED, case, "陈述申辩")
    if today_shanghai() > case.notice.statement_due:
        raise StepRefused(Text("The time to state and defend ended on {due}.", due=case.notice.statement_due))
    photos = values.get("photos") or []
    if RoutinePhoto.objects.missing(case.business_id, photos):
        raise InvalidInput(errors={"photos": [Text("A photo was not uploaded for this business.")]})
    statement = Statement(text=values["text"], photos=photos, by=object_id(user_id), at=utcnow())
    return _step(
        user_id, case, action="stated", from_statuses=(NOTIFIED,), to=None, updates={"set__statement": statement}
    )


def request_hearing(user_id: Any, case_id: Any) -> Case:
    """听证: where the intended penalty gives the right, within its days."""
    case = get_case_for_member(user_id, case_id)
    registry.get_for_member(user_id, case.business_id, roles=(OWNER, MANAGER))
    _refuse_unless(case.status == NOTIFIED, case, "听证申请")
    if not case.notice.hearing_eligible:
        raise StepRefused(Text("The intended penalty gives no right to a hearing."))
    if today_shanghai() > case.notice.hearing_due:
        raise StepRefused(Text("A hearing had to be asked for by {due}.", due=case.notice.hearing_due))
    if case.hearing_requested_at is not None:
        return case  # asked already: the phone sent it twice
    return _step(
        user_id,
        case,
        action="hearing_requested",
        from_statuses=(NOTIFIED,),
        to=None,
        updates={"set__hearing_requested_at": utcnow()},
    )


def consent_to_electronic_delivery(user_id: Any, business_id: Any, signed_name: str, *, revoke: bool = False):
    """The party's signed consent to electronic delivery (or its revocation), by the owner."""
    business, _role = registry.get_for_member(user_id, business_id, roles=(OWNER,))
    if revoke:
        existing = DeliveryConsent.objects(id=business.id).first()
        if existing is None or not existing.in_force:
            raise Forbidden(Text("There is no consent in force to revoke."))
        updates = {"set__revoked_at": utcnow()}
    else:
        updates = {
            "set__signed_by": object_id(user_id),
            "set__signed_name": signed_name,
            "set__signed_at": utcnow(),
            "unset__revoked_at": True,
        }
    return upsert_record(
        DeliveryConsent,
        {"id": business.id},
        updates=updates,
        action="revoked" if revoke else "signed",
        actor_id=user_id,
        target_type="delivery_consent",
    )
