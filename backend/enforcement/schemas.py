from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from backend.core.schemas import OBJECT_ID, SHA256, Date, PaginationQuerySchema, StrictSchema, text
from backend.enforcement.credit_file import PER_SECTION as FILE_PER_SECTION
from backend.enforcement.credit_file import SECTIONS as FILE_SECTIONS
from backend.enforcement.documents import KINDS as DOCUMENT_KINDS
from backend.enforcement.documents import PARTY_KINDS
from backend.enforcement.models import (
    CASE_STATUSES,
    CREDIT_CLASSES,
    DELIVERY_METHODS,
    EXECUTIONS,
    LEAD_STATUSES,
    PENALTY_KINDS,
    REVIEW_ACTIONS,
    SOURCES,
    STANCES,
)
from backend.staff.models import BAN_REASONS

VERSION = {"description": "The version read: a record changed since is 409, not overwritten."}


def version(required: bool = False):
    return ma.fields.Integer(required=required, strict=True, validate=validate.Range(min=1), metadata=VERSION)


def photos():
    return ma.fields.List(ma.fields.String(validate=SHA256), validate=validate.Length(max=9), load_default=list)


# -- in ---------------------------------------------------------------------------------------------


class LeadInSchema(StrictSchema):
    business_id = ma.fields.String(required=True, validate=OBJECT_ID)
    summary = text(1000, required=True, min_length=5)


class LeadReviewSchema(StrictSchema):
    action = ma.fields.String(required=True, validate=validate.OneOf(tuple(REVIEW_ACTIONS)))
    reason = text(1000, required=True)
    due_on = Date(metadata={"description": "rectify: the day the business fixes it by"})
    violation = text(200, metadata={"description": "open_case: 违法行为类型"})
    approved_by = text(64, metadata={"description": "open_case: the official who approved the filing"})
    version = version()


class LeadAnswerSchema(StrictSchema):
    stance = ma.fields.String(required=True, validate=validate.OneOf(tuple(STANCES)))
    note = text(1000, required=True)
    photos = photos()


class PenaltyInSchema(StrictSchema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(tuple(PENALTY_KINDS)))
    amount_yuan = ma.fields.Integer(strict=True, validate=validate.Range(min=1, max=100_000_000))


class PenaltyCaseInSchema(StrictSchema):
    business_id = ma.fields.String(required=True, validate=OBJECT_ID)
    violation = text(200, required=True)
    approved_by = text(64, required=True)


class SimplifiedCaseInSchema(StrictSchema):
    business_id = ma.fields.String(required=True, validate=OBJECT_ID)
    violation = text(200, required=True)
    penalties = ma.fields.List(ma.fields.Nested(PenaltyInSchema), required=True, validate=validate.Length(min=1, max=2))


class NoticeInSchema(StrictSchema):
    facts = text(4000, required=True)
    rule_broken = text(1000, required=True)
    intended = ma.fields.List(ma.fields.Nested(PenaltyInSchema), required=True, validate=validate.Length(min=1, max=5))
    version = version()


class ExtensionInSchema(StrictSchema):
    reason = text(1000, required=True)
    approved_by = text(64, required=True)
    version = version()


class DecisionInSchema(StrictSchema):
    penalties = ma.fields.List(ma.fields.Nested(PenaltyInSchema), load_default=list, validate=validate.Length(max=5))
    no_penalty_reason = text(1000)
    hearing_held_on = Date()
    version = version()


class DeliveryInSchema(StrictSchema):
    method = ma.fields.String(required=True, validate=validate.OneOf(tuple(DELIVERY_METHODS)))
    delivered_on = Date()
    note = text(500)
    version = version()


class ExecutionInSchema(StrictSchema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(tuple(EXECUTIONS)))
    on = Date()
    note = text(500)
    version = version()


class VersionSchema(StrictSchema):
    version = version()


class StatementInSchema(StrictSchema):
    text = text(4000, required=True)
    photos = photos()


class ConsentInSchema(StrictSchema):
    signed_name = text(32, required=True)


class BanInSchema(StrictSchema):
    id_number = ma.fields.String(required=True, validate=validate.Length(min=15, max=18))
    name = text(32, required=True)
    reason = ma.fields.String(required=True, validate=validate.OneOf(tuple(BAN_REASONS)))
    basis = text(200, required=True, metadata={"description": "The decision's 文号 or the judgment"})
    since = Date(required=True)


class DishonestInSchema(StrictSchema):
    business_id = ma.fields.String(required=True, validate=OBJECT_ID)
    basis = text(100, required=True, metadata={"description": "The listing decision's 文号"})
    reason = text(1000, required=True)
    listed_by = text(64, required=True, metadata={"description": "The official who decided the listing"})
    listed_on = Date(
        metadata={"description": "the day of the listing decision (a decision made on paper earlier); default today"}
    )


class RepairInSchema(StrictSchema):
    target = ma.fields.String(required=True, validate=validate.OneOf(("disclosure", "listing")))
    target_id = ma.fields.String(required=True, validate=OBJECT_ID)
    statement = text(2000, required=True, min_length=10)
    photos = photos()


class RepairDecisionSchema(StrictSchema):
    grant = ma.fields.Boolean(required=True)
    reason = text(1000, required=True)
    version = version()


class RepairQuerySchema(PaginationQuerySchema):
    status = ma.fields.String(validate=validate.OneOf(("pending", "granted", "refused")))


class BanQuerySchema(StrictSchema):
    employed = ma.fields.Boolean(
        load_default=False, metadata={"description": "Only those working now at a business in your districts"}
    )


class LeadQuerySchema(PaginationQuerySchema):
    status = ma.fields.String(validate=validate.OneOf(LEAD_STATUSES))
    overdue = ma.fields.Boolean(metadata={"description": "Not reviewed by their filing deadline"})
    business_id = ma.fields.String(validate=OBJECT_ID)


class PenaltyCaseQuerySchema(PaginationQuerySchema):
    status = ma.fields.String(validate=validate.OneOf(CASE_STATUSES))
    overdue = ma.fields.Boolean(metadata={"description": "A decision or its delivery past its deadline"})
    business_id = ma.fields.String(validate=OBJECT_ID)


class PublicPenaltyQuerySchema(PaginationQuerySchema):
    q = text(100, metadata={"description": "Part of the party's name or the violation, or a 文号"})
    district = ma.fields.String(validate=validate.Regexp(r"^\d{6}$"))


# -- out --------------------------------------------------------------------------------------------


class PenaltySchema(ma.Schema):
    kind = ma.fields.String(metadata={"enum": list(PENALTY_KINDS)})
    amount_yuan = ma.fields.Integer(allow_none=True)
    label = ma.fields.String()


class LeadAnswerOutSchema(ma.Schema):
    stance = ma.fields.String()
    note = ma.fields.String()
    photos = ma.fields.List(ma.fields.String())
    at = ma.fields.AwareDateTime()


class LeadSchema(ma.Schema):
    id = ma.fields.String()
    business_id = ma.fields.String()
    business_name = ma.fields.String()
    source_kind = ma.fields.String(metadata={"enum": list(SOURCES)})
    source_label = ma.fields.Function(lambda lead: SOURCES[lead.source_kind])
    source_id = ma.fields.String(allow_none=True)
    summary = ma.fields.String()
    evidence = ma.fields.List(ma.fields.String(), metadata={"description": "SHA-256s of the pictures as kept"})
    pictures = ma.fields.Function(
        lambda lead: [f"/api/v1/console/leads/{lead.id}/evidence/{index}" for index in range(len(lead.evidence))],
        metadata={
            "type": "array",
            "items": {"type": "string"},
            "description": "faces blurred but for the case's officer",
        },
    )
    received_on = ma.fields.Date()
    filing_due = ma.fields.Date()
    status = ma.fields.String(metadata={"enum": list(LEAD_STATUSES)})
    review_reason = ma.fields.String(allow_none=True)
    rectification_due = ma.fields.Date(allow_none=True)
    response = ma.fields.Nested(LeadAnswerOutSchema, allow_none=True)
    case_id = ma.fields.String(allow_none=True)
    version = ma.fields.Integer()


class BusinessLeadSchema(ma.Schema):
    """A lead as the business sees it: what was found and by when to fix it; no reviewer, no evidence
    hashes of other records."""

    id = ma.fields.String()
    source_label = ma.fields.Function(lambda lead: SOURCES[lead.source_kind])
    summary = ma.fields.String()
    pictures = ma.fields.Function(
        lambda lead: [
            f"/api/v1/mp/businesses/{lead.business_id}/leads/{lead.id}/evidence/{index}"
            for index in range(len(lead.evidence))
            if (index < len(lead.shown_evidence) and lead.shown_evidence[index]) or lead.source_kind != "camera"
        ],
        metadata={"type": "array", "items": {"type": "string"}, "description": "the captured frames, faces blurred"},
    )
    received_on = ma.fields.Date()
    rectification_due = ma.fields.Date(allow_none=True)
    response = ma.fields.Nested(LeadAnswerOutSchema, allow_none=True)


class NoticeSchema(ma.Schema):
    facts = ma.fields.String()
    rule_broken = ma.fields.String()
    intended = ma.fields.List(ma.fields.Nested(PenaltySchema))
    notified_on = ma.fields.Date()
    statement_due = ma.fields.Date()
    hearing_eligible = ma.fields.Boolean()
    hearing_due = ma.fields.Date(allow_none=True)
    rights = ma.fields.Function(
        lambda notice: (
            "当事人有权在陈述申辩期限内进行陈述和申辩"
            + ("，并有权在听证申请期限内要求听证" if notice.hearing_eligible else "")
            + "；逾期视为放弃上述权利。"
        )
    )


class StatementSchema(ma.Schema):
    text = ma.fields.String()
    photos = ma.fields.List(ma.fields.String())
    at = ma.fields.AwareDateTime()


class DecisionSchema(ma.Schema):
    penalties = ma.fields.List(ma.fields.Nested(PenaltySchema))
    no_penalty_reason = ma.fields.String(allow_none=True)
    decided_on = ma.fields.Date()
    delivery_due = ma.fields.Date()


class ExtensionSchema(ma.Schema):
    days = ma.fields.Integer()
    reason = ma.fields.String()
    approved_by = ma.fields.String()


class DeliverySchema(ma.Schema):
    method = ma.fields.String(metadata={"enum": list(DELIVERY_METHODS)})
    delivered_on = ma.fields.Date()
    note = ma.fields.String(allow_none=True)


class ExecutionSchema(ma.Schema):
    kind = ma.fields.String(metadata={"enum": list(EXECUTIONS)})
    on = ma.fields.Date()
    note = ma.fields.String(allow_none=True)


class EvidenceFormSchema(StrictSchema):
    caption = text(200, required=True, metadata={"description": "what the picture or document shows"})


class LinkRecordsSchema(StrictSchema):
    inspections = ma.fields.List(ma.fields.String(validate=OBJECT_ID), validate=validate.Length(max=20))
    samples = ma.fields.List(text(40), validate=validate.Length(max=20), metadata={"description": "sampling numbers"})
    version = version()


class CaseEvidenceSchema(ma.Schema):
    sha256 = ma.fields.String()
    caption = ma.fields.String()
    size = ma.fields.Integer(allow_none=True)
    at = ma.fields.AwareDateTime()


class CaseDocumentSchema(ma.Schema):
    kind = ma.fields.String(metadata={"enum": list(DOCUMENT_KINDS)})
    title = ma.fields.Function(lambda document: DOCUMENT_KINDS[document.kind][0])
    number = ma.fields.String(metadata={"description": "文号"})
    sha256 = ma.fields.String(metadata={"description": "of the PDF, as in the step's audit entry"})
    size = ma.fields.Integer()


class PenaltyCaseSchema(ma.Schema):
    id = ma.fields.String()
    business_id = ma.fields.String()
    business_name = ma.fields.String()
    lead_id = ma.fields.String(allow_none=True)
    procedure = ma.fields.String(metadata={"enum": ["ordinary", "simplified"]})
    status = ma.fields.String(metadata={"enum": list(CASE_STATUSES)})
    violation = ma.fields.String()
    filed_on = ma.fields.Date()
    approved_by = ma.fields.String()
    decision_due = ma.fields.Date()
    extension = ma.fields.Nested(ExtensionSchema, allow_none=True)
    notice = ma.fields.Nested(NoticeSchema, allow_none=True)
    statement = ma.fields.Nested(StatementSchema, allow_none=True)
    hearing_requested_at = ma.fields.AwareDateTime(allow_none=True)
    decision = ma.fields.Nested(DecisionSchema, allow_none=True)
    delivery = ma.fields.Nested(DeliverySchema, allow_none=True)
    execution = ma.fields.Nested(ExecutionSchema, allow_none=True)
    closed_on = ma.fields.Date(allow_none=True)
    number = ma.fields.String(allow_none=True, metadata={"description": "文号 of the decision"})
    authority = ma.fields.String(allow_none=True)
    documents = ma.fields.List(ma.fields.Nested(CaseDocumentSchema), metadata={"description": "…/documents/<kind>.pdf"})
    evidence = ma.fields.List(ma.fields.Nested(CaseEvidenceSchema), metadata={"description": "…/evidence/<n>"})
    linked_inspections = ma.fields.List(ma.fields.String())
    linked_samples = ma.fields.List(ma.fields.String())
    version = ma.fields.Integer()


class PartyCaseSchema(PenaltyCaseSchema):
    """The case as the party sees it (no filing official, no internal ids of other records, not the
    bureau's internal filing form)."""

    @ma.post_dump
    def party_documents(self, data, **kwargs):
        data["documents"] = [d for d in data.get("documents", []) if d["kind"] in PARTY_KINDS]
        return data

    class Meta:
        exclude = ("approved_by", "lead_id", "evidence", "linked_inspections", "linked_samples")


class ConsentSchema(ma.Schema):
    signed_name = ma.fields.String()
    signed_at = ma.fields.AwareDateTime()
    revoked_at = ma.fields.AwareDateTime(allow_none=True)
    in_force = ma.fields.Boolean()


class PublicPenaltySchema(ma.Schema):
    """行政处罚信息公示: the summary fields and nothing else (a natural person's name masked)."""

    number = ma.fields.String(metadata={"description": "文号"})
    party = ma.fields.String(metadata={"description": "当事人"})
    violation = ma.fields.String(metadata={"description": "违法行为类型"})
    penalties = ma.fields.List(ma.fields.String(), metadata={"description": "处罚内容"})
    authority = ma.fields.String(metadata={"description": "处罚机关"})
    decided_on = ma.fields.Date(metadata={"description": "处罚决定日期"})
    display_until = ma.fields.Date(metadata={"description": "公示截止日期"})


class BannedPersonSchema(ma.Schema):
    """A ban as regulators see it: never the ID number (its last four only)."""

    id = ma.fields.String()
    name = ma.fields.String()
    id_last4 = ma.fields.String()
    reason = ma.fields.String(metadata={"enum": list(BAN_REASONS)})
    reason_label = ma.fields.Function(lambda ban: BAN_REASONS[ban.reason])
    basis = ma.fields.String()
    since = ma.fields.Date()
    until = ma.fields.Date(allow_none=True, metadata={"description": "None: for life"})


class BanRowSchema(ma.Schema):
    ban = ma.fields.Nested(BannedPersonSchema)
    employed_at = ma.fields.List(ma.fields.String(), metadata={"description": "Businesses in your districts"})


class DishonestListingSchema(ma.Schema):
    id = ma.fields.String()
    business_id = ma.fields.String()
    party = ma.fields.String()
    basis = ma.fields.String()
    reason = ma.fields.String()
    authority = ma.fields.String()
    listed_on = ma.fields.Date()
    listed_by = ma.fields.String()
    remove_after = ma.fields.Date()
    removed_on = ma.fields.Date(allow_none=True)


class PublicDishonestSchema(ma.Schema):
    """严重违法失信名单 as published: the party (a person's name masked), the decision, the authority."""

    party = ma.fields.String(metadata={"description": "当事人"})
    basis = ma.fields.String(metadata={"description": "列入决定文号"})
    reason = ma.fields.String(metadata={"description": "列入事由"})
    authority = ma.fields.String(metadata={"description": "作出决定的机关"})
    listed_on = ma.fields.Date(metadata={"description": "列入日期"})
    remove_after = ma.fields.Date(metadata={"description": "届满移出日期"})


class RepairSchema(ma.Schema):
    id = ma.fields.String()
    business_id = ma.fields.String()
    target = ma.fields.String(metadata={"enum": ["disclosure", "listing"]})
    target_id = ma.fields.String()
    statement = ma.fields.String()
    photos = ma.fields.List(ma.fields.String())
    status = ma.fields.String(metadata={"enum": ["pending", "granted", "refused"]})
    decided_on = ma.fields.Date(allow_none=True)
    decision_reason = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    version = ma.fields.Integer()


class CreditChangeSchema(ma.Schema):
    level = ma.fields.String(metadata={"enum": list(CREDIT_CLASSES)})
    since = ma.fields.Date()
    inputs = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    rules_version = ma.fields.Integer()


class CreditClassSchema(CreditChangeSchema):
    """信用风险分类, for regulators only."""

    label = ma.fields.String()
    since = ma.fields.Date(allow_none=True)
    history = ma.fields.List(ma.fields.Nested(CreditChangeSchema))


class FileCountSchema(ma.Schema):
    section = ma.fields.String(metadata={"enum": list(FILE_SECTIONS)})
    label = ma.fields.String()
    total = ma.fields.Integer()
    shown = ma.fields.Integer(metadata={"description": f"the newest, at most {FILE_PER_SECTION}"})


class FileEntrySchema(ma.Schema):
    section = ma.fields.String(metadata={"enum": list(FILE_SECTIONS)})
    on = ma.fields.Date(allow_none=True)
    title = ma.fields.String()
    status = ma.fields.String(allow_none=True)
    link = ma.fields.String(allow_none=True, metadata={"description": "the record in this API"})


class FileBusinessSchema(ma.Schema):
    id = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String()
    uscc = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    district_code = ma.fields.String(allow_none=True)
    address = ma.fields.String(allow_none=True)
    licence_number = ma.fields.Function(lambda b: b.licence.number if b.licence else None, allow_none=True)


class CreditFileSchema(ma.Schema):
    """一户一档: everything on record about a business, newest first, each entry linked."""

    business = ma.fields.Nested(FileBusinessSchema)
    credit_class = ma.fields.Nested(CreditClassSchema)
    counts = ma.fields.List(ma.fields.Nested(FileCountSchema))
    entries = ma.fields.List(ma.fields.Nested(FileEntrySchema))
