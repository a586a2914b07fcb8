from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from backend.core.schemas import OBJECT_ID, Date, DistrictCode, PaginationQuerySchema, StrictSchema, text
from backend.core.timeutil import today_shanghai
from backend.inspections.models import TYPES
from backend.inspections.rules import GRADE_LABELS, RESULT_LABELS, RESULTS_OF_ITEMS


class ItemResultInSchema(StrictSchema):
    item = text(40, required=True)
    result = ma.fields.String(required=True, validate=validate.OneOf(RESULTS_OF_ITEMS))
    note = text(500)
    photos = ma.fields.List(
        ma.fields.String(validate=validate.Regexp(r"^[0-9a-f]{64}$")),
        validate=validate.Length(max=9),
        metadata={"description": "From /inspection-photos."},
    )


class InspectionCreateSchema(StrictSchema):
    business_id = ma.fields.String(required=True, validate=OBJECT_ID)
    inspected_on = Date(required=True)
    type = ma.fields.String(
        required=True,
        validate=validate.OneOf(tuple(TYPES)),
        metadata={"description": ", ".join(f"{k} {v}" for k, v in TYPES.items())},
    )
    complaint_number = text(32)
    inspectors = ma.fields.List(
        ma.fields.String(validate=OBJECT_ID),
        validate=validate.Length(max=10),
        metadata={"description": "The other inspectors (you are one)."},
    )
    results = ma.fields.List(ma.fields.Nested(ItemResultInSchema), validate=validate.Length(max=300))
    corrects = ma.fields.String(validate=OBJECT_ID, metadata={"description": "The signed inspection this corrects."})


class InspectionUpdateSchema(StrictSchema):
    inspected_on = Date()
    results = ma.fields.List(ma.fields.Nested(ItemResultInSchema), validate=validate.Length(max=300))
    version = ma.fields.Integer(validate=validate.Range(min=1))


class InspectionQuerySchema(PaginationQuerySchema):
    business_id = ma.fields.String(validate=OBJECT_ID)
    status = ma.fields.String(validate=validate.OneOf(("draft", "signed")))


class ItemResultSchema(ma.Schema):
    item = ma.fields.String()
    result = ma.fields.String()
    note = ma.fields.String(allow_none=True)
    photos = ma.fields.List(ma.fields.String())


class InspectionPhotoSchema(ma.Schema):
    photo = ma.fields.String(attribute="sha256", metadata={"description": "Name it in an item result's photos."})


class AcknowledgementSchema(ma.Schema):
    name = ma.fields.String()
    at = ma.fields.DateTime()


class InspectionSchema(ma.Schema):
    id = ma.fields.String()
    business_id = ma.fields.String()
    checklist = ma.fields.Function(lambda i: f"{i.checklist_kind}-v{i.checklist_version}")
    inspected_on = ma.fields.Date()
    type = ma.fields.String()
    complaint_number = ma.fields.String(allow_none=True)
    inspectors = ma.fields.List(ma.fields.String())
    inspector_names = ma.fields.Method(
        "_inspector_names",
        metadata={
            "description": "The inspectors' names, in the order of `inspectors`.",
            "type": "array",
            "items": {"type": "string"},
        },
    )
    results = ma.fields.List(ma.fields.Nested(ItemResultSchema))
    status = ma.fields.String()
    result = ma.fields.String(allow_none=True, metadata={"enum": list(RESULT_LABELS)})
    result_label = ma.fields.Function(lambda i: RESULT_LABELS.get(i.result))
    score = ma.fields.Float(allow_none=True)
    dynamic_grade = ma.fields.String(allow_none=True, metadata={"enum": list(GRADE_LABELS)})
    corrects = ma.fields.String(allow_none=True)
    signed_at = ma.fields.DateTime(allow_none=True)
    acknowledgement = ma.fields.Nested(AcknowledgementSchema, allow_none=True)
    version = ma.fields.Integer()

    def _inspector_names(self, inspection) -> list[str]:
        if inspection.inspector_names or not inspection.inspectors:
            return list(inspection.inspector_names)
        # recorded before names were kept with the inspection: today's names of the same accounts
        from backend.accounts.models import User

        users = {u.id: u for u in User.objects(id__in=inspection.inspectors).only("id", "display_name", "username")}
        return [(users[i].display_name or users[i].username) if i in users else str(i) for i in inspection.inspectors]


class AcknowledgeSchema(StrictSchema):
    name = text(32, required=True, metadata={"description": "Who signs for the business."})


class EvidenceInSchema(StrictSchema):
    note = text(1000, required=True)
    photos = ma.fields.List(
        ma.fields.String(validate=validate.Regexp(r"^[0-9a-f]{64}$")),
        validate=validate.Length(max=9),
        load_default=list,
    )


class EvidenceSchema(ma.Schema):
    note = ma.fields.String()
    photos = ma.fields.List(ma.fields.String())
    at = ma.fields.DateTime()


class RectificationSchema(ma.Schema):
    id = ma.fields.String()
    source = ma.fields.String(
        metadata={"enum": ["inspection", "supervision"], "description": "inspection_id names a supervision task then"}
    )
    inspection_id = ma.fields.String()
    business_id = ma.fields.String()
    item = ma.fields.String()
    text = ma.fields.String()
    key = ma.fields.Boolean()
    deadline = ma.fields.Date()
    status = ma.fields.String(metadata={"enum": ["open", "submitted", "accepted"]})
    overdue = ma.fields.Function(
        lambda rectification: rectification.overdue_on(today_shanghai()),
        metadata={"description": "past its deadline and not yet accepted"},
    )
    evidence = ma.fields.List(ma.fields.Nested(EvidenceSchema))
    review_note = ma.fields.String(allow_none=True)


class ReviewSchema(StrictSchema):
    note = text(1000)


class RectificationQuerySchema(PaginationQuerySchema):
    key_only = ma.fields.Boolean(load_default=False, metadata={"description": "Only key (重点) items."})


class GradeSetSchema(StrictSchema):
    level = ma.fields.String(required=True, validate=validate.OneOf(("A", "B", "C")))
    reason = text(500, required=True)


class GradeChangeSchema(ma.Schema):
    level = ma.fields.String(allow_none=True)
    since = ma.fields.Date()
    until = ma.fields.Date(allow_none=True)
    reason = ma.fields.String()
    by_hand = ma.fields.Function(lambda change: change.by is not None)


class AnnualGradeSchema(ma.Schema):
    level = ma.fields.String(allow_none=True)
    since = ma.fields.Date(allow_none=True)
    history = ma.fields.List(ma.fields.Nested(GradeChangeSchema))


class ChecklistItemInSchema(StrictSchema):
    code = ma.fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9_]{1,40}$"))
    text = text(300, required=True)
    key = ma.fields.Boolean(required=True)
    points = ma.fields.Integer(required=True, validate=validate.Range(min=1, max=100))


class ThresholdsInSchema(StrictSchema):
    basically_compliant_max_general_failures = ma.fields.Integer(required=True, validate=validate.Range(min=0, max=300))


class ChecklistInSchema(StrictSchema):
    kind = ma.fields.String(required=True, validate=validate.Regexp(r"^[a-z_]{1,40}$"))
    name = text(100, required=True)
    source = text(500)
    version = ma.fields.Integer(metadata={"description": "Ignored: the next version is given."})
    business_kinds = ma.fields.List(
        ma.fields.String(validate=validate.Length(max=40)), validate=validate.Length(max=30)
    )
    thresholds = ma.fields.Nested(ThresholdsInSchema, required=True)
    items = ma.fields.List(
        ma.fields.Nested(ChecklistItemInSchema), required=True, validate=validate.Length(min=1, max=300)
    )


class ChecklistSchema(ma.Schema):
    id = ma.fields.String()
    kind = ma.fields.String()
    version = ma.fields.Integer()
    name = ma.fields.String()
    source = ma.fields.String(allow_none=True)
    business_kinds = ma.fields.List(ma.fields.String())
    items = ma.fields.List(ma.fields.Dict(), attribute="items_as_dicts")


class ChecklistQuerySchema(StrictSchema):
    version = ma.fields.Integer(
        validate=validate.Range(min=1, max=10_000), metadata={"description": "Default: the latest version."}
    )


class PlanQuerySchema(StrictSchema):
    year = ma.fields.Integer(required=True, validate=validate.Range(min=2000, max=2199))
    district = DistrictCode()
    state = ma.fields.String(validate=validate.OneOf(("overdue", "due", "done")))


class PlanRowSchema(ma.Schema):
    business_id = ma.fields.String()
    name = ma.fields.String()
    district_code = ma.fields.String()
    risk_grade = ma.fields.String()
    required_this_year = ma.fields.Integer()
    done_this_year = ma.fields.Integer()
    last_inspected_on = ma.fields.String(allow_none=True, metadata={"format": "date"})
    state = ma.fields.String(metadata={"enum": ["due", "overdue", "done"]})


class PlanSchema(ma.Schema):
    year = ma.fields.Integer()
    businesses = ma.fields.Integer()
    coverage_rate = ma.fields.Float(allow_none=True, metadata={"description": "Inspected within two years."})
    counts = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Integer(), metadata={"description": "Businesses by state."}
    )
    rows = ma.fields.List(ma.fields.Nested(PlanRowSchema))


class DrawInSchema(StrictSchema):
    count = ma.fields.Integer(required=True, validate=validate.Range(min=1, max=500))
    district = DistrictCode()
    kind = ma.fields.String(validate=validate.Length(max=40))
    risk_grade = ma.fields.String(validate=validate.OneOf(("A", "B", "C", "D")))


class DrawSchema(ma.Schema):
    id = ma.fields.String()
    seed = ma.fields.String()
    criteria = ma.fields.Dict()
    candidates = ma.fields.Integer(attribute="candidate_count")
    pairs = ma.fields.List(ma.fields.Dict())
    created_at = ma.fields.DateTime()


class VerifiedSchema(ma.Schema):
    reproduced = ma.fields.Boolean()


class RiskGradeSchema(ma.Schema):
    level = ma.fields.String()
    score = ma.fields.Float()
    inputs = ma.fields.Dict()
    since = ma.fields.Date()
