from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from backend.core.masking import mask_phone
from backend.core.schemas import (
    OBJECT_ID,
    SHA256,
    DistrictCode,
    IndicatorQuerySchema,
    PaginationQuerySchema,
    StrictSchema,
    text,
)
from backend.supervision.models import FINDING_KINDS, LEVELS, MODES, PLEDGE_KINDS

VERSION = {"description": "The version read: a record changed since is 409, not overwritten."}
QUARTER = validate.Regexp(r"^\d{4}-Q[1-4]$", error="A quarter like 2026-Q4.")


class OfficialInSchema(StrictSchema):
    name = text(32, required=True)
    level = ma.fields.String(required=True, validate=validate.OneOf(tuple(LEVELS)))
    organisation = text(100, required=True)
    position = text(64)
    district_code = DistrictCode(required=True)
    phone = ma.fields.String(validate=validate.Regexp(r"^1\d{10}$", error="An 11-digit mobile number."))


class OfficialQuerySchema(PaginationQuerySchema):
    level = ma.fields.String(validate=validate.OneOf(tuple(LEVELS)))
    district = DistrictCode()


class OfficialSchema(ma.Schema):
    id = ma.fields.String()
    name = ma.fields.String()
    level = ma.fields.String(metadata={"enum": list(LEVELS)})
    level_label = ma.fields.Function(lambda official: LEVELS[official.level])
    organisation = ma.fields.String()
    position = ma.fields.String(allow_none=True)
    district_code = ma.fields.String()
    phone = ma.fields.Function(lambda official: mask_phone(official.phone) if official.phone else None)
    bound = ma.fields.Function(lambda official: official.user_id is not None)
    active = ma.fields.Boolean()


class NewOfficialSchema(OfficialSchema):
    invitation_code = ma.fields.String(
        metadata={"description": "shown once: the official enters it in the mini-program"}
    )


class ConsoleLoginSchema(StrictSchema):
    username = ma.fields.String(
        required=True,
        validate=validate.Regexp(r"^[A-Za-z0-9_.-]{3,32}$", error="3-32 letters, digits, '_', '.' or '-'."),
    )
    password = text(256, required=True, strip=False)


class BindSchema(StrictSchema):
    code = text(64, required=True)


class AssignmentInSchema(StrictSchema):
    official_id = ma.fields.String(required=True, validate=OBJECT_ID)
    business_id = ma.fields.String(required=True, validate=OBJECT_ID)
    reason = text(500)


class AssignmentQuerySchema(PaginationQuerySchema):
    official_id = ma.fields.String(validate=OBJECT_ID)
    business_id = ma.fields.String(validate=OBJECT_ID)
    history = ma.fields.Boolean(load_default=False, metadata={"description": "ended pairings too"})


class AssignmentSchema(ma.Schema):
    id = ma.fields.String()
    official_id = ma.fields.String()
    official_name = ma.fields.String()
    level = ma.fields.String(metadata={"enum": list(LEVELS)})
    business_id = ma.fields.String()
    business_name = ma.fields.String()
    business_kind = ma.fields.String(allow_none=True)
    since = ma.fields.Date()
    until = ma.fields.Date(allow_none=True)
    current = ma.fields.Boolean()
    reason = ma.fields.String(allow_none=True)


class UnassignedQuerySchema(PaginationQuerySchema):
    district = DistrictCode()


class UnassignedSchema(ma.Schema):
    id = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String()
    district_code = ma.fields.String(allow_none=True)


class AssignmentImportSchema(ma.Schema):
    id = ma.fields.String()
    filename = ma.fields.String()
    status = ma.fields.String(metadata={"enum": ["queued", "running", "done", "failed"]})
    phase = ma.fields.String(allow_none=True, metadata={"enum": ["checking", "pairing"]})
    rows_total = ma.fields.Integer()
    rows_done = ma.fields.Integer(metadata={"description": "progress: rows checked or paired so far"})
    row_errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "failed: nothing written"},
    )
    paired = ma.fields.Integer(
        allow_none=True, metadata={"description": "pairings made or changed (the same again: none)"}
    )
    message = ma.fields.String(allow_none=True)
    finished_at = ma.fields.AwareDateTime(allow_none=True)


class PledgeTextSchema(ma.Schema):
    version = ma.fields.Integer()
    title = ma.fields.String()
    text = ma.fields.String()
    sha256 = ma.fields.String()


class PledgeSchema(ma.Schema):
    id = ma.fields.String()
    kind = ma.fields.String(metadata={"enum": list(PLEDGE_KINDS)})
    subject_id = ma.fields.String()
    signed_name = ma.fields.String()
    text_version = ma.fields.Integer()
    text_sha256 = ma.fields.String()
    signed_at = ma.fields.AwareDateTime()
    pdf_url = ma.fields.Function(lambda pledge: f"/api/v1/mp/pledges/{pledge.id}.pdf")


class PledgeToSignSchema(ma.Schema):
    kind = ma.fields.String(metadata={"enum": list(PLEDGE_KINDS)})
    subject_id = ma.fields.String()
    subject_name = ma.fields.String()
    text = ma.fields.Nested(PledgeTextSchema)
    signed = ma.fields.Nested(PledgeSchema, allow_none=True, metadata={"description": "None: not signed on this text"})


class SignSchema(StrictSchema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(tuple(PLEDGE_KINDS)))
    subject_id = ma.fields.String(required=True, validate=OBJECT_ID)
    signed_name = text(32, required=True)
    text_version = ma.fields.Integer(required=True, strict=True)
    text_sha256 = ma.fields.String(required=True, validate=SHA256)


class SupervisionTaskQuerySchema(PaginationQuerySchema):
    quarter = ma.fields.String(validate=QUARTER)
    status = ma.fields.String(validate=validate.OneOf(("open", "done")))
    overdue = ma.fields.Boolean(load_default=False)


class GenerateSchema(StrictSchema):
    quarter = ma.fields.String(required=True, validate=QUARTER)


class GeneratedSchema(ma.Schema):
    quarter = ma.fields.String()
    created = ma.fields.Integer()


class SupervisionItemSchema(StrictSchema):
    item = text(40, required=True)
    result = ma.fields.String(required=True, validate=validate.OneOf(("passed", "failed", "not_applicable")))
    note = text(500)


class SupervisionFindingInSchema(StrictSchema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(tuple(FINDING_KINDS)))
    note = text(1000, required=True)


class CompleteSchema(StrictSchema):
    mode = ma.fields.String(required=True, validate=validate.OneOf(tuple(MODES)))
    results = ma.fields.List(ma.fields.Nested(SupervisionItemSchema), required=True, validate=validate.Length(max=100))
    latitude = ma.fields.Float(validate=validate.Range(min=-90, max=90))
    longitude = ma.fields.Float(validate=validate.Range(min=-180, max=180))
    findings = ma.fields.List(ma.fields.Nested(SupervisionFindingInSchema), validate=validate.Length(max=20))
    version = ma.fields.Integer(strict=True, metadata=VERSION)


class CaptureInSchema(StrictSchema):
    camera_id = ma.fields.String(required=True, validate=OBJECT_ID)


class SupervisionFindingSchema(ma.Schema):
    kind = ma.fields.String(metadata={"enum": list(FINDING_KINDS)})
    kind_label = ma.fields.Function(lambda finding: FINDING_KINDS[finding.kind])
    note = ma.fields.String()
    rectification_id = ma.fields.String(allow_none=True)
    handover_id = ma.fields.String(allow_none=True)


class SupervisionTaskSchema(ma.Schema):
    id = ma.fields.String()
    business_id = ma.fields.String()
    business_name = ma.fields.String()
    official_name = ma.fields.String(allow_none=True)
    level = ma.fields.String(allow_none=True)
    quarter = ma.fields.String()
    seq = ma.fields.Integer()
    due_on = ma.fields.Date()
    on_site_required = ma.fields.Boolean()
    status = ma.fields.String(metadata={"enum": ["open", "done"]})
    mode = ma.fields.String(allow_none=True, metadata={"enum": list(MODES)})
    checklist_version = ma.fields.Integer(allow_none=True)
    results = ma.fields.List(ma.fields.Nested(SupervisionItemSchema))
    photos = ma.fields.List(ma.fields.String())
    captures = ma.fields.List(ma.fields.String())
    latitude = ma.fields.Float(allow_none=True)
    longitude = ma.fields.Float(allow_none=True)
    done_at = ma.fields.AwareDateTime(allow_none=True)
    findings = ma.fields.List(ma.fields.Nested(SupervisionFindingSchema))
    version = ma.fields.Integer()


class SupervisionChecklistItemSchema(ma.Schema):
    code = ma.fields.String()
    text = ma.fields.String()


class SupervisionChecklistSchema(ma.Schema):
    kind = ma.fields.String()
    version = ma.fields.Integer()
    name = ma.fields.String()
    items = ma.fields.List(ma.fields.Nested(SupervisionChecklistItemSchema))


class OverviewCameraSchema(ma.Schema):
    id = ma.fields.String()
    name = ma.fields.String()
    area = ma.fields.String()
    area_label = ma.fields.String()
    status = ma.fields.String(allow_none=True)
    status_label = ma.fields.String(allow_none=True)
    age_seconds = ma.fields.Float(allow_none=True)
    has_snapshot = ma.fields.Boolean()


class OverviewProblemSchema(ma.Schema):
    id = ma.fields.String()
    kind = ma.fields.String()
    note = ma.fields.String(allow_none=True)
    status = ma.fields.Function(lambda event: event.problem.status)
    raised_at = ma.fields.Function(lambda event: event.problem.raised_at)


class OverviewRectificationSchema(ma.Schema):
    id = ma.fields.String()
    source = ma.fields.String(allow_none=True)
    item = ma.fields.String()
    text = ma.fields.String(allow_none=True)
    deadline = ma.fields.Date()
    status = ma.fields.String()


class OverviewSampleSchema(ma.Schema):
    sampling_number = ma.fields.String()
    food_name = ma.fields.String()
    sampled_on = ma.fields.Date()
    verdict = ma.fields.String()


class OverviewStaffSchema(ma.Schema):
    food_handlers = ma.fields.Integer()
    without_valid_certificate = ma.fields.Integer()
    team_problems = ma.fields.List(ma.fields.String(), metadata={"description": "三类人: no_head, no_officer …"})


class DailyChecksSchema(ma.Schema):
    days_checked = ma.fields.Integer()
    of_days = ma.fields.Integer()


class OverviewBusinessSchema(ma.Schema):
    id = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String()
    address = ma.fields.String(allow_none=True)


class OverviewSchema(ma.Schema):
    """足不出户: a paired business as its official sees it remotely."""

    business = ma.fields.Nested(OverviewBusinessSchema)
    cameras = ma.fields.List(ma.fields.Nested(OverviewCameraSchema))
    camera_problems = ma.fields.List(ma.fields.Nested(OverviewProblemSchema))
    rectifications = ma.fields.List(ma.fields.Nested(OverviewRectificationSchema))
    daily_checks = ma.fields.Nested(DailyChecksSchema)
    staff = ma.fields.Nested(OverviewStaffSchema)
    samples = ma.fields.List(ma.fields.Nested(OverviewSampleSchema))


class HandoverQuerySchema(PaginationQuerySchema):
    status = ma.fields.String(validate=validate.OneOf(("pending", "passed", "returned")))


class HandoverSchema(ma.Schema):
    id = ma.fields.String()
    task_id = ma.fields.String()
    business_id = ma.fields.String()
    business_name = ma.fields.String()
    note = ma.fields.String()
    evidence = ma.fields.List(ma.fields.String())
    status = ma.fields.String(metadata={"enum": ["pending", "passed", "returned"]})
    reason = ma.fields.String(allow_none=True)
    version = ma.fields.Integer()


class HandoverDecisionSchema(StrictSchema):
    pass_on = ma.fields.Boolean(required=True, metadata={"description": "true: a lead for the regulators"})
    reason = text(1000, required=True)
    version = ma.fields.Integer(strict=True, metadata=VERSION)


class BulletinQuerySchema(StrictSchema):
    """`?period=2026-Q4&district=320682&level=town`"""

    district = ma.fields.List(DistrictCode(), load_default=list, validate=validate.Length(max=50))
    period = IndicatorQuerySchema._declared_fields["period"]
    level = ma.fields.String(validate=validate.OneOf(tuple(LEVELS)))

    _period = IndicatorQuerySchema._period

    @ma.post_load
    def _parsed(self, data: dict, **kwargs) -> dict:
        from backend.core.indicators import Period
        from backend.core.timeutil import today_shanghai

        period = Period.parse(data["period"]) if data.get("period") else Period.quarter_of(today_shanghai())
        return {"districts": data["district"], "period": period, "level": data.get("level")}


class BulletinRowSchema(ma.Schema):
    district_code = ma.fields.String(allow_none=True)
    level = ma.fields.String(metadata={"enum": list(LEVELS)})
    level_label = ma.fields.String()
    businesses = ma.fields.Integer()
    staffing_gaps = ma.fields.Integer(metadata={"description": "三类人: without a head or a safety officer"})
    daily_check_rate = ma.fields.Float(allow_none=True, metadata={"description": "三件事: days recorded / days"})
    tasks_due = ma.fields.Integer()
    tasks_done = ma.fields.Integer()
    supervision_rate = ma.fields.Float(allow_none=True)
    open_problems = ma.fields.Integer()


class CanteenQuerySchema(PaginationQuerySchema):
    district = DistrictCode()
    kind = ma.fields.String(validate=validate.Length(max=40))


class CanteenSummarySchema(ma.Schema):
    business = ma.fields.Nested(OverviewBusinessSchema)
    kind_label = ma.fields.String()
    grade = ma.fields.String(allow_none=True, metadata={"description": "the annual grade A/B/C; None: not graded"})
    cameras = ma.fields.Integer()
    cameras_online = ma.fields.Integer()
    days_checked_of_7 = ma.fields.Integer()
    open_problems = ma.fields.Integer()
