from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from backend.core.schemas import Date, DistrictCode, StrictSchema, text
from backend.routine.models import ASSESSMENTS, FIX_STATUSES, RESULTS

CLIENT_ID = {"description": "Made by the phone for this record (16-64 characters): sending it again creates nothing."}


def client_id():
    return ma.fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.:-]{16,64}$"), metadata=CLIENT_ID)


class RiskItemInSchema(StrictSchema):
    text = text(200, required=True)


class RiskItemSchema(ma.Schema):
    code = ma.fields.String()
    text = ma.fields.String()
    own = ma.fields.Function(lambda item: bool(item.own))


class RiskListSchema(ma.Schema):
    template = ma.fields.String()
    items = ma.fields.List(ma.fields.Nested(RiskItemSchema))


class CheckResultInSchema(StrictSchema):
    item = text(40, required=True)
    result = ma.fields.String(required=True, validate=validate.OneOf(RESULTS))
    note = text(500)
    photo = ma.fields.String(
        validate=validate.Regexp(r"^[0-9a-f]{64}$"), metadata={"description": "From /routine-photos."}
    )


class DailyCheckInSchema(StrictSchema):
    client_id = client_id()
    day = Date(required=True)
    results = ma.fields.List(
        ma.fields.Nested(CheckResultInSchema), required=True, validate=validate.Length(min=1, max=200)
    )
    summary = text(500)
    signed_name = text(32, required=True)


class DailyCheckCorrectionSchema(StrictSchema):
    version = ma.fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1), metadata={"description": "As read."}
    )
    results = ma.fields.List(
        ma.fields.Nested(CheckResultInSchema), required=True, validate=validate.Length(min=1, max=200)
    )
    summary = text(500)
    signed_name = text(32, required=True)
    reason = text(200, required=True, metadata={"description": "Why the record is corrected (kept in the audit)."})


class SignatureSchema(ma.Schema):
    name = ma.fields.String()
    at = ma.fields.DateTime()


class CheckResultSchema(ma.Schema):
    item = ma.fields.String()
    result = ma.fields.String()
    note = ma.fields.String(allow_none=True)
    has_photo = ma.fields.Function(lambda r: bool(r.photo_sha256))


class DailyCheckSchema(ma.Schema):
    id = ma.fields.String()
    client_id = ma.fields.String()
    day = ma.fields.Date()
    results = ma.fields.List(ma.fields.Nested(CheckResultSchema))
    summary = ma.fields.String(allow_none=True)
    escalated_to = ma.fields.List(ma.fields.String())
    signature = ma.fields.Nested(SignatureSchema)
    version = ma.fields.Integer()


class FixInSchema(StrictSchema):
    problem = text(500, required=True)
    refers_to = text(60)
    owner = text(32, required=True)
    deadline = Date(required=True)
    status = ma.fields.String(load_default="open", validate=validate.OneOf(FIX_STATUSES))


class FixSchema(ma.Schema):
    problem = ma.fields.String()
    refers_to = ma.fields.String(allow_none=True)
    owner = ma.fields.String()
    deadline = ma.fields.Date()
    status = ma.fields.String()


class WeeklyReportInSchema(StrictSchema):
    client_id = client_id()
    week_start = Date(required=True, metadata={"description": "Any day of the week; stored as its Monday."})
    problems = ma.fields.List(
        text(60), validate=validate.Length(max=200), metadata={"description": "The week's daily problems, as DAY:item."}
    )
    fixes = ma.fields.List(ma.fields.Nested(FixInSchema), validate=validate.Length(max=100))
    assessment = ma.fields.String(
        required=True,
        validate=validate.OneOf(tuple(ASSESSMENTS)),
        metadata={"description": ", ".join(f"{k} {v}" for k, v in ASSESSMENTS.items())},
    )
    signed_name = text(32, required=True)


class WeeklyReportSchema(ma.Schema):
    id = ma.fields.String()
    client_id = ma.fields.String()
    week_start = ma.fields.Date()
    problems = ma.fields.List(ma.fields.String())
    fixes = ma.fields.List(ma.fields.Nested(FixSchema))
    assessment = ma.fields.String()
    signature = ma.fields.Nested(SignatureSchema)


class MonthlyReportInSchema(StrictSchema):
    client_id = client_id()
    held_on = Date(required=True)
    attendees = ma.fields.List(text(32), validate=validate.Length(max=50))
    problems = text(2000, required=True)
    decisions = text(2000, required=True)
    next_focus = text(2000, required=True)
    signed_name = text(32, required=True)


class MonthlyReportSchema(ma.Schema):
    id = ma.fields.String()
    client_id = ma.fields.String()
    month = ma.fields.String()
    held_on = ma.fields.Date()
    attendees = ma.fields.List(ma.fields.String())
    problems = ma.fields.String()
    decisions = ma.fields.String()
    next_focus = ma.fields.String()
    signature = ma.fields.Nested(SignatureSchema)


class PhotoSchema(ma.Schema):
    photo = ma.fields.String(attribute="sha256", metadata={"description": "Name it in a daily check's `photo`."})


class ComplianceQuerySchema(StrictSchema):
    period_from = Date(required=True, data_key="from")
    period_to = Date(required=True, data_key="to")
    district = DistrictCode()


class ComplianceSchema(ma.Schema):
    business_id = ma.fields.String()
    name = ma.fields.String()
    district_code = ma.fields.String()
    days = ma.fields.Integer()
    days_recorded = ma.fields.Integer()
    weeks = ma.fields.Integer()
    weeks_reported = ma.fields.Integer()
    months = ma.fields.Integer()
    months_reported = ma.fields.Integer()
    no_officer = ma.fields.Boolean()
    director_missing = ma.fields.Boolean()
    uncovered_food_handlers = ma.fields.Integer()
