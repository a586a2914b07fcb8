from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from backend.complaints.models import CATEGORIES, KINDS, STATUSES
from backend.core.schemas import AwareDateTime, DistrictCode, PaginationQuerySchema, StrictSchema, text
from backend.core.timeutil import SHANGHAI


class ComplainantInSchema(StrictSchema):
    name = text(32)
    phone = text(20)
    address = text(200)


class ComplaintCreateSchema(StrictSchema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(KINDS))
    business_code = text(64, metadata={"description": "The public code from the QR page."})
    business_name = text(100)
    business_address = text(200)
    district_code = text(
        20,
        metadata={
            "description": "Where the business is, when no business_code is given: a "
            "6-digit GB/T 2260 code or an unambiguous county name (如皋市)."
        },
    )
    category = ma.fields.String(
        required=True,
        validate=validate.OneOf(tuple(CATEGORIES)),
        metadata={"description": ", ".join(f"{k} {v}" for k, v in CATEGORIES.items())},
    )
    description = text(2000, required=True, min_length=5)
    occurred_at = AwareDateTime()
    photos = ma.fields.List(text(64), load_default=list, validate=validate.Length(max=9))
    complainant = ma.fields.Nested(ComplainantInSchema)
    claim = text(1000)


class SubmittedSchema(ma.Schema):
    number = ma.fields.String()
    query_key = ma.fields.String(metadata={"description": "Keep it: it is needed to see the status. Shown once."})
    status = ma.fields.String()
    accept_due = ma.fields.Date()
    status_url = ma.fields.String()


class StepSchema(ma.Schema):
    at = ma.fields.DateTime()
    status = ma.fields.String()
    status_label = ma.fields.String()
    note = ma.fields.String(allow_none=True)


class ProgressStepSchema(ma.Schema):
    step = ma.fields.String()
    label = ma.fields.String()
    done = ma.fields.Boolean()


class PublicReplySchema(ma.Schema):
    at = ma.fields.DateTime()
    text = ma.fields.String()


class PublicStatusSchema(ma.Schema):
    number = ma.fields.String()
    kind = ma.fields.String()
    category = ma.fields.String()
    status = ma.fields.String()
    status_label = ma.fields.String()
    business_name = ma.fields.String()
    received_at = ma.fields.DateTime()
    accept_due = ma.fields.Date()
    handle_due = ma.fields.Date(allow_none=True)
    deadlines_provisional = ma.fields.Boolean(
        metadata={"description": "A deadline counts days of a year whose public holidays are not loaded yet."}
    )
    current_due = ma.fields.Date(allow_none=True, metadata={"description": "The deadline of the current step."})
    overdue = ma.fields.Boolean(metadata={"description": "The current step's deadline has passed."})
    progress = ma.fields.List(ma.fields.Nested(ProgressStepSchema))
    timeline = ma.fields.List(ma.fields.Nested(StepSchema))
    replies = ma.fields.List(ma.fields.Nested(PublicReplySchema))
    rating = ma.fields.Integer(allow_none=True)
    can_rate = ma.fields.Boolean()


class KeyQuerySchema(StrictSchema):
    key = text(64, required=True)


class RatingSchema(StrictSchema):
    key = text(64, required=True)
    rating = ma.fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    comment = text(500)


class UploadSchema(ma.Schema):
    id = ma.fields.String(attribute="token")
    content_type = ma.fields.String()
    size = ma.fields.Integer()


class ConsoleQuerySchema(PaginationQuerySchema):
    status = ma.fields.String(validate=validate.OneOf(STATUSES))
    kind = ma.fields.String(validate=validate.OneOf(KINDS))
    category = ma.fields.String(validate=validate.OneOf(tuple(CATEGORIES)))
    district = DistrictCode()
    overdue = ma.fields.Boolean(load_default=False)
    due_soon = ma.fields.Boolean(load_default=False, metadata={"description": "Due within 2 working days."})


class ReplyOutSchema(ma.Schema):
    at = ma.fields.DateTime()
    by = ma.fields.String()
    text = ma.fields.String()


class ConsoleComplaintSchema(ma.Schema):
    number = ma.fields.String()
    kind = ma.fields.String()
    category = ma.fields.String()
    status = ma.fields.String()
    business_name = ma.fields.String()
    business_address = ma.fields.String()
    district_code = ma.fields.String()
    description = ma.fields.String()
    claim = ma.fields.String(allow_none=True)
    occurred_at = ma.fields.DateTime(allow_none=True)
    photo_count = ma.fields.Function(lambda c: len(c.photos))
    complainant = ma.fields.Dict(
        attribute="complainant_shown", allow_none=True, metadata={"description": "Phone masked unless you handle it."}
    )
    received_at = ma.fields.DateTime()
    accept_due = ma.fields.Date()
    handle_due = ma.fields.Date(allow_none=True)
    current_due = ma.fields.Date(allow_none=True)
    deadlines_provisional = ma.fields.Boolean()
    extended = ma.fields.Boolean()
    assigned_to = ma.fields.String(allow_none=True)
    assigned_office = ma.fields.String(allow_none=True)
    handling_note = ma.fields.String(allow_none=True)
    refused_reason = ma.fields.String(allow_none=True)
    replies = ma.fields.List(ma.fields.Nested(ReplyOutSchema))
    closed_at = ma.fields.DateTime(allow_none=True)
    rating = ma.fields.Integer(allow_none=True)
    rating_comment = ma.fields.String(allow_none=True)


class AssignSchema(StrictSchema):
    assignee_id = text(24, required=True)
    office = text(100)


class NoteSchema(StrictSchema):
    note = text(2000, required=True)


class ReplyInSchema(StrictSchema):
    text = text(2000, required=True)


class CloseSchema(StrictSchema):
    result = text(1000, required=True)
    upheld = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "the complaint was found true (查实): a lead for enforcement, and it weighs on the risk grade"
        },
    )


class ContactSchema(ma.Schema):
    name = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)
    address = ma.fields.String(allow_none=True)


class ComplaintFormSchema(ma.Schema):
    """The HTML form's flat fields, loaded into the same values as `ComplaintCreateSchema`: one
    contract, one service call. Unknown fields (a browser's submit button) are ignored; `occurred_at`
    comes from a datetime-local input and is taken in Asia/Shanghai."""

    class Meta:
        unknown = ma.EXCLUDE

    kind = ma.fields.String(required=True, validate=validate.OneOf(KINDS))
    category = ma.fields.String(required=True, validate=validate.OneOf(tuple(CATEGORIES)))
    description = text(2000, required=True, min_length=5)
    occurred_at = AwareDateTime(default_timezone=SHANGHAI)
    business_code = text(64)
    business_name = text(100)
    business_address = text(200)
    district_code = text(20)
    name = text(32)
    phone = text(20)
    address = text(200)
    claim = text(1000)

    @ma.pre_load
    def _drop_empty(self, data, **kwargs):
        """A form sends every field; an empty one means 'not given'."""
        return {key: value for key, value in data.items() if not (isinstance(value, str) and not value.strip())}

    @ma.post_load
    def _as_submission(self, data, **kwargs):
        return self.as_submission(data)

    @staticmethod
    def as_submission(data: dict) -> dict:
        """The flat fields as the service takes them (also for what loaded of a refused form, so that
        the service's rules are said in the same round as the schema's)."""
        data = dict(data)
        person = {key: data.pop(key) for key in ("name", "phone", "address") if key in data}
        data["complainant"] = person or None
        return data
