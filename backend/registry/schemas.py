from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from backend.core import districts
from backend.core.schemas import Date, DistrictCode, PaginationQuerySchema, StrictSchema, text
from backend.registry.models import DOCUMENT_KINDS, KIND_LABELS, KINDS, MANAGER, STAFF, STATUSES


class LicenceInSchema(StrictSchema):
    number = text(32, allow_none=True)
    issued_on = Date(allow_none=True)
    expires_on = Date(allow_none=True)
    authority = text(128, allow_none=True)
    scope = text(500, allow_none=True)


class ContactInSchema(StrictSchema):
    name = text(32, allow_none=True)
    phone = text(20, allow_none=True)


class BusinessUpdateSchema(StrictSchema):
    name = text(100)
    uscc = text(18, min_length=18, allow_none=True)
    licence = ma.fields.Nested(LicenceInSchema, allow_none=True)
    address = text(200)
    district_code = DistrictCode()
    contact = ma.fields.Nested(ContactInSchema, allow_none=True)
    version = ma.fields.Integer(
        validate=validate.Range(min=1),
        metadata={"description": "The version you edited; 409 if the business changed since."},
    )


class BusinessCreateSchema(BusinessUpdateSchema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(KINDS))
    name = text(100, required=True)

    class Meta(StrictSchema.Meta):
        exclude = ("version",)


class OptionalReasonSchema(StrictSchema):
    reason = text(1000)


class LicenceOutSchema(ma.Schema):
    number = ma.fields.String()
    issued_on = ma.fields.Date()
    expires_on = ma.fields.Date()
    authority = ma.fields.String()
    scope = ma.fields.String()


class ContactOutSchema(ma.Schema):
    name = ma.fields.String()
    phone = ma.fields.String()


class BusinessSchema(ma.Schema):
    id = ma.fields.String()
    kind = ma.fields.String()
    kind_label = ma.fields.Function(lambda b: KIND_LABELS.get(b.kind))
    name = ma.fields.String()
    uscc = ma.fields.String(allow_none=True)
    licence = ma.fields.Nested(LicenceOutSchema, allow_none=True)
    address = ma.fields.String(allow_none=True)
    district_code = ma.fields.String(allow_none=True)
    district_name = ma.fields.Function(lambda b: districts.full_name(b.district_code) if b.district_code else None)
    contact = ma.fields.Nested(ContactOutSchema, allow_none=True)
    status = ma.fields.String(validate=validate.OneOf(STATUSES))
    status_reason = ma.fields.String(allow_none=True)
    submission_count = ma.fields.Integer()
    public_code = ma.fields.String(allow_none=True)
    latitude = ma.fields.Float(allow_none=True)
    longitude = ma.fields.Float(allow_none=True)
    version = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    approved_at = ma.fields.DateTime(allow_none=True)


class LocationSchema(StrictSchema):
    latitude = ma.fields.Float(required=True, allow_nan=False, validate=validate.Range(min=-90, max=90))
    longitude = ma.fields.Float(required=True, allow_nan=False, validate=validate.Range(min=-180, max=180))


class MyBusinessSchema(BusinessSchema):
    my_role = ma.fields.String()


class DocumentSchema(ma.Schema):
    id = ma.fields.String()
    kind = ma.fields.String()
    content_type = ma.fields.String()
    size = ma.fields.Integer()
    filename = ma.fields.String()
    created_at = ma.fields.DateTime()


class BusinessDetailSchema(BusinessSchema):
    documents = ma.fields.List(ma.fields.Nested(DocumentSchema))


class DocumentFormSchema(StrictSchema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(DOCUMENT_KINDS))


class InvitationCreateSchema(StrictSchema):
    role = ma.fields.String(required=True, validate=validate.OneOf((MANAGER, STAFF)))


class InvitationSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "Give it to the invitee; shown once."})
    role = ma.fields.String()
    expires_at = ma.fields.DateTime()


class InvitationAcceptSchema(StrictSchema):
    code = text(32, required=True)


class MemberSchema(ma.Schema):
    business_id = ma.fields.String()
    user_id = ma.fields.String()
    role = ma.fields.String()
    created_at = ma.fields.DateTime(data_key="joined_at")


class ConsoleBusinessQuerySchema(PaginationQuerySchema):
    status = ma.fields.String(validate=validate.OneOf(STATUSES))
    kind = ma.fields.String(validate=validate.OneOf(KINDS))
    district = DistrictCode()
    q = text(100, metadata={"description": "Part of the name, or a whole USCC."})


class BusinessChangeInSchema(StrictSchema):
    name = text(100)
    address = text(200)
    licence = ma.fields.Nested(LicenceInSchema)
    contact = ma.fields.Nested(ContactInSchema)
    document_ids = ma.fields.List(
        ma.fields.String(validate=validate.Regexp(r"^[0-9a-fA-F]{24}$")),
        validate=validate.Length(max=20),
        metadata={"description": "Documents uploaded for the change (a new licence needs its scan)."},
    )
    note = text(1000)


class ClosureInSchema(StrictSchema):
    note = text(1000)


class BusinessChangeSchema(ma.Schema):
    id = ma.fields.String()
    business_id = ma.fields.String()
    kind = ma.fields.String(metadata={"enum": ["change", "closure"]})
    status = ma.fields.String(metadata={"enum": ["submitted", "approved", "rejected"]})
    name = ma.fields.String(allow_none=True)
    address = ma.fields.String(allow_none=True)
    licence = ma.fields.Nested(LicenceOutSchema, allow_none=True)
    contact = ma.fields.Nested(ContactOutSchema, allow_none=True)
    document_ids = ma.fields.List(ma.fields.String())
    note = ma.fields.String(allow_none=True)
    reason = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
