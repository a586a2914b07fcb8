from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from backend.core.masking import mask_phone
from backend.core.schemas import Date, PaginationQuerySchema, StrictSchema, text
from backend.staff.models import POSTS, SAFETY_ROLES, SCALES


class StaffCreateSchema(StrictSchema):
    name = text(32, required=True)
    post = ma.fields.String(
        required=True,
        validate=validate.OneOf(tuple(POSTS)),
        metadata={"description": ", ".join(f"{k} {v}" for k, v in POSTS.items())},
    )
    phone = text(20)
    id_number = text(18, min_length=18, metadata={"description": "GB 11643, 18 characters; kept as a keyed hash."})
    handles_food = ma.fields.Boolean(load_default=True, metadata={"description": "Handles ready-to-eat food."})
    started_on = Date(required=True)
    safety_roles = ma.fields.List(
        ma.fields.String(validate=validate.OneOf(tuple(SAFETY_ROLES))),
        validate=validate.Length(max=3),
        metadata={"description": "head 主要负责人, officer 食品安全员, director 食品安全总监"},
    )
    training_hours_this_year = ma.fields.Integer(validate=validate.Range(min=0, max=2000))


class StaffUpdateSchema(StaffCreateSchema):
    name = text(32)
    post = ma.fields.String(validate=validate.OneOf(tuple(POSTS)))
    handles_food = ma.fields.Boolean()
    version = ma.fields.Integer(validate=validate.Range(min=1))

    class Meta(StrictSchema.Meta):
        exclude = ("id_number", "started_on")


class StaffEndSchema(StrictSchema):
    ended_on = Date(required=True)


class StaffQuerySchema(PaginationQuerySchema):
    current = ma.fields.Boolean(load_default=False, metadata={"description": "Only those employed today."})


class StaffSchema(ma.Schema):
    id = ma.fields.String()
    name = ma.fields.String()
    post = ma.fields.String()
    post_label = ma.fields.Function(lambda s: POSTS[s.post])
    phone = ma.fields.String(allow_none=True)
    id_number = ma.fields.Function(
        lambda s: f"{'*' * 14}{s.id_last4}" if s.id_last4 else None,
        metadata={"description": "Never whole: the last four characters."},
    )
    has_photo = ma.fields.Function(lambda s: bool(s.photo_sha256))
    handles_food = ma.fields.Boolean()
    started_on = ma.fields.Date()
    ended_on = ma.fields.Date(allow_none=True)
    safety_roles = ma.fields.List(ma.fields.String())
    training_hours = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    version = ma.fields.Integer()


class CertificateCreateSchema(StrictSchema):
    number = text(40, required=True)
    issuer = text(100, required=True)
    issued_on = Date(required=True)
    expires_on = Date(metadata={"description": "Default: issued_on + HEALTH_CERTIFICATE_MONTHS."})


class CertificateSchema(ma.Schema):
    id = ma.fields.String()
    staff_id = ma.fields.String()
    number = ma.fields.String()
    issuer = ma.fields.String()
    issued_on = ma.fields.Date()
    expires_on = ma.fields.Date()
    has_scan = ma.fields.Function(lambda c: bool(c.scan_sha256))


class HandlerStatusSchema(ma.Schema):
    staff = ma.fields.Nested(StaffSchema)
    valid_until = ma.fields.Date(allow_none=True)
    may_handle_food = ma.fields.Boolean()
    may_not_handle_since = ma.fields.Date(allow_none=True)


class SafetyProfileInSchema(StrictSchema):
    diners_per_meal = ma.fields.Integer(validate=validate.Range(min=0, max=100_000), allow_none=True)
    scale = ma.fields.String(validate=validate.OneOf(SCALES), allow_none=True)
    serves_kindergarten = ma.fields.Boolean()


class SafetyProfileSchema(ma.Schema):
    diners_per_meal = ma.fields.Integer(allow_none=True)
    scale = ma.fields.String(allow_none=True)
    serves_kindergarten = ma.fields.Boolean()


class TeamMemberSchema(ma.Schema):
    id = ma.fields.String()
    name = ma.fields.String()
    post = ma.fields.String()
    training_hours = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())


class SafetyTeamSchema(ma.Schema):
    heads = ma.fields.List(ma.fields.Nested(TeamMemberSchema))
    officers = ma.fields.List(ma.fields.Nested(TeamMemberSchema))
    directors = ma.fields.List(ma.fields.Nested(TeamMemberSchema))
    director_required = ma.fields.Boolean()
    director_required_because = ma.fields.String(allow_none=True)
    problems = ma.fields.List(
        ma.fields.String(), metadata={"description": "no_head, no_officer, director_missing, training_below_expected"}
    )
    profile = ma.fields.Nested(SafetyProfileSchema, allow_none=True)


class UncoveredBusinessSchema(ma.Schema):
    business_id = ma.fields.Function(lambda u: str(u.business.id))
    name = ma.fields.Function(lambda u: u.business.name)
    district_code = ma.fields.Function(lambda u: u.business.district_code)
    food_handlers = ma.fields.Integer()
    uncovered = ma.fields.Integer(metadata={"description": "Food handlers on expired or missing certificates."})
    also_employed_elsewhere = ma.fields.Integer(
        metadata={"description": "Staff whose ID number another business also employs (allowed; worth a look)."}
    )


class ConsoleHandlerSchema(ma.Schema):
    name = ma.fields.Function(lambda s: s.staff.name)
    post = ma.fields.Function(lambda s: POSTS[s.staff.post])
    phone = ma.fields.Function(lambda s: mask_phone(s.staff.phone))
    valid_until = ma.fields.Date(allow_none=True)
    may_handle_food = ma.fields.Boolean()
    may_not_handle_since = ma.fields.Date(allow_none=True)
    also_employed_elsewhere = ma.fields.Function(lambda s: s.staff.also_employed_elsewhere)
