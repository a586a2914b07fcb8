from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from backend.banquets.models import CHEF_STATUSES, MEALS, SIZES
from backend.core.masking import mask_phone
from backend.core.schemas import OBJECT_ID, Date, DistrictCode, PaginationQuerySchema, StrictSchema, text
from backend.core.text import Text

PHONE = validate.Regexp(r"^1\d{10}$", error="An 11-digit mobile number.")
VERSION = {"description": "The version read: a record changed since is 409, not overwritten."}


class ChefTeamMemberSchema(StrictSchema):
    name = text(32, required=True)
    role = text(20, required=True)


class ChefInSchema(StrictSchema):
    name = text(32, required=True)
    id_number = text(18, required=True, min_length=18, metadata={"description": "GB 11643; kept as a keyed hash"})
    phone = ma.fields.String(required=True, validate=PHONE)
    district_code = DistrictCode(required=True)
    training_hours_this_year = ma.fields.Integer(validate=validate.Range(min=0, max=500))
    team = ma.fields.List(ma.fields.Nested(ChefTeamMemberSchema), validate=validate.Length(max=30))


class ChefCertificateInSchema(StrictSchema):
    number = text(40, required=True)
    issuer = text(100, required=True)
    issued_on = Date(required=True)
    expires_on = Date()


class ChefCertificateSchema(ma.Schema):
    number = ma.fields.String()
    issuer = ma.fields.String()
    issued_on = ma.fields.Date()
    expires_on = ma.fields.Date()


class ChefSchema(ma.Schema):
    id = ma.fields.String()
    name = ma.fields.String()
    id_last4 = ma.fields.String()
    phone = ma.fields.Function(lambda chef: mask_phone(chef.phone))
    district_code = ma.fields.String()
    training_hours = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    team = ma.fields.List(ma.fields.Nested(ChefTeamMemberSchema))
    certificates = ma.fields.List(ma.fields.Nested(ChefCertificateSchema))
    status = ma.fields.String(metadata={"enum": list(CHEF_STATUSES)})
    review_reason = ma.fields.String(allow_none=True)
    has_photo = ma.fields.Function(lambda chef: bool(chef.photo_sha256))
    public_code = ma.fields.String(allow_none=True)
    version = ma.fields.Integer()


class ChefQuerySchema(PaginationQuerySchema):
    status = ma.fields.String(validate=validate.OneOf(CHEF_STATUSES))


class ChefReviewSchema(StrictSchema):
    approve = ma.fields.Boolean(required=True)
    reason = text(500, required=True)
    version = ma.fields.Integer(strict=True, metadata=VERSION)


class ChefCardSchema(ma.Schema):
    """A chef's public card: what a host checks, nothing private."""

    code = ma.fields.String()
    name = ma.fields.String(metadata={"description": "masked"})
    district = ma.fields.String()
    certificate_valid = ma.fields.Boolean()
    certificate_valid_until = ma.fields.Date(allow_none=True)
    training_hours_this_year = ma.fields.Integer()
    banquets_this_year = ma.fields.Integer()
    team_size = ma.fields.Integer()
    url = ma.fields.String()


class BanquetInSchema(StrictSchema):
    client_key = text(64, required=True, metadata={"description": "a retry with the same key is the same report"})
    host_name = text(32, required=True)
    host_phone = ma.fields.String(required=True, validate=PHONE)
    occasion = text(50)
    held_on = Date(required=True)
    meal = ma.fields.String(required=True, validate=validate.OneOf(tuple(MEALS)))
    venue_id = ma.fields.String(
        validate=OBJECT_ID, metadata={"description": "a 集中办酒场所; else address and district"}
    )
    address = text(200)
    district_code = DistrictCode()
    guests = ma.fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    tables = ma.fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    dishes = ma.fields.List(text(50), required=True, validate=validate.Length(min=1, max=60))
    chef_code = text(24, required=True, metadata={"description": "the code on the chef's public card"})
    helpers = ma.fields.List(text(32), validate=validate.Length(max=30))
    order_numbers = ma.fields.List(text(32), validate=validate.Length(max=20))
    pledge_name = text(32, required=True, metadata={"description": "who signs the pledge"})

    @ma.validates_schema
    def _place(self, data, **kwargs):
        if not data.get("venue_id") and not (data.get("address") and data.get("district_code")):
            raise ma.ValidationError(Text("Give a venue, or the address and its district."), field_name="address")


class DishSampleSchema(ma.Schema):
    dish = ma.fields.String()
    grams = ma.fields.Integer()
    photo_sha256 = ma.fields.String()
    kept_at = ma.fields.AwareDateTime()


class BanquetSchema(ma.Schema):
    id = ma.fields.String()
    host_name = ma.fields.String()
    host_phone = ma.fields.Function(lambda banquet: mask_phone(banquet.host_phone))
    occasion = ma.fields.String(allow_none=True)
    held_on = ma.fields.Date()
    meal = ma.fields.String(metadata={"enum": list(MEALS)})
    venue_id = ma.fields.String(allow_none=True)
    address = ma.fields.String()
    district_code = ma.fields.String()
    guests = ma.fields.Integer()
    tables = ma.fields.Integer()
    dishes = ma.fields.List(ma.fields.String())
    chef_name = ma.fields.String()
    helpers = ma.fields.List(ma.fields.String())
    order_numbers = ma.fields.List(ma.fields.String())
    reported_on = ma.fields.Date()
    notice_days = ma.fields.Integer()
    required = ma.fields.Boolean(metadata={"description": "at or over the district's threshold"})
    late = ma.fields.Boolean(metadata={"description": "reported with less notice than the threshold asks"})
    chef_certificate_valid = ma.fields.Boolean(metadata={"description": "on the banquet's day"})
    size = ma.fields.String(metadata={"enum": list(SIZES)})
    samples = ma.fields.List(ma.fields.Nested(DishSampleSchema))
    samples_missing = ma.fields.Function(
        lambda banquet: [d for d in banquet.dishes if d not in {s.dish for s in banquet.samples}],
        metadata={"type": "array", "items": {"type": "string"}, "description": "dishes without a sample record"},
    )
    status = ma.fields.String()
    version = ma.fields.Integer()


class BanquetQuerySchema(PaginationQuerySchema):
    month = ma.fields.String(validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", error="A month like 2026-11."))
    late = ma.fields.Boolean()


class DishSampleFormSchema(StrictSchema):
    dish = text(50, required=True)
    grams = ma.fields.Integer(required=True, validate=validate.Range(min=1, max=5000))


class GuidanceSchema(ma.Schema):
    id = ma.fields.String()
    banquet_id = ma.fields.String()
    size = ma.fields.String(metadata={"enum": list(SIZES)})
    guidance = ma.fields.String(metadata={"enum": ["checklist", "visit", "on_site"]})
    by = ma.fields.String(metadata={"enum": ["chef", "official", "regulator"]})
    due_on = ma.fields.Date()
    status = ma.fields.String(metadata={"enum": ["open", "done"]})
    results = ma.fields.List(ma.fields.Dict())
    photos = ma.fields.List(ma.fields.String(), metadata={"description": "SHA-256s of the photos kept"})
    result = ma.fields.String(allow_none=True)
    done_at = ma.fields.AwareDateTime(allow_none=True)
    version = ma.fields.Integer()


class GuidanceQuerySchema(PaginationQuerySchema):
    status = ma.fields.String(validate=validate.OneOf(("open", "done")))
    overdue = ma.fields.Boolean(load_default=False)


class GuidanceItemSchema(StrictSchema):
    item = text(40, required=True)
    result = ma.fields.String(required=True, validate=validate.OneOf(("passed", "failed", "not_applicable")))
    note = text(300)


class GuidanceDoneSchema(StrictSchema):
    results = ma.fields.List(ma.fields.Nested(GuidanceItemSchema), required=True, validate=validate.Length(max=50))
    result = text(1000, required=True)


class IncidentInSchema(StrictSchema):
    description = text(2000, required=True)
    ill = ma.fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=100000))
    occurred_on = Date(required=True)
    address = text(200, required=True)
    district_code = DistrictCode()
    business_code = text(32, metadata={"description": "the public code on the business's door"})
    banquet_id = ma.fields.String(validate=OBJECT_ID, metadata={"description": "one of your reported banquets"})
    reporter_name = text(32)
    reporter_phone = ma.fields.String(validate=PHONE)


class IncidentReceiptSchema(ma.Schema):
    number = ma.fields.String()
    status = ma.fields.String()


class IncidentStepSchema(ma.Schema):
    at = ma.fields.AwareDateTime()
    text = ma.fields.String()


class IncidentSchema(ma.Schema):
    id = ma.fields.String()
    number = ma.fields.String()
    description = ma.fields.String()
    ill = ma.fields.Integer()
    occurred_on = ma.fields.Date()
    address = ma.fields.String()
    district_code = ma.fields.String()
    business_id = ma.fields.String(allow_none=True)
    banquet_id = ma.fields.String(allow_none=True)
    reporter_phone = ma.fields.Function(
        lambda incident: mask_phone(incident.reporter_phone) if incident.reporter_phone else None
    )
    status = ma.fields.String(metadata={"enum": ["suspected", "confirmed", "not_food_borne"]})
    steps = ma.fields.List(ma.fields.Nested(IncidentStepSchema))
    samples_taken = ma.fields.List(ma.fields.String())
    lot_codes = ma.fields.List(ma.fields.String())
    decision_reason = ma.fields.String(allow_none=True)
    version = ma.fields.Integer()


class IncidentQuerySchema(PaginationQuerySchema):
    status = ma.fields.String(validate=validate.OneOf(("suspected", "confirmed", "not_food_borne")))


class IncidentStepInSchema(StrictSchema):
    samples_taken = ma.fields.List(text(100), validate=validate.Length(max=20))
    lot_codes = ma.fields.List(text(64), validate=validate.Length(max=20), metadata={"description": "trace codes"})
    text = text(1000, required=True)  # last: the field's name shadows the helper below it


class IncidentDecisionSchema(StrictSchema):
    confirm = ma.fields.Boolean(required=True)
    reason = text(1000, required=True)
    version = ma.fields.Integer(strict=True, metadata=VERSION)


class IncidentRecallsSchema(ma.Schema):
    recalls = ma.fields.List(ma.fields.String(), metadata={"description": "the recalls' numbers"})


class InsuranceInSchema(StrictSchema):
    policy_number = text(40, required=True)
    insurer = text(100, required=True)
    starts_on = Date(required=True)
    ends_on = Date(required=True)


class InsuranceSchema(ma.Schema):
    id = ma.fields.String()
    policy_number = ma.fields.String()
    insurer = ma.fields.String()
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()


class VenueBusinessSchema(ma.Schema):
    id = ma.fields.String()
    name = ma.fields.String()
    address = ma.fields.String(allow_none=True)
    district_code = ma.fields.String(allow_none=True)


class VenueSchema(ma.Schema):
    business = ma.fields.Nested(VenueBusinessSchema)
    insurance = ma.fields.Nested(InsuranceSchema, allow_none=True, metadata={"description": "in force today"})


class IncidentFormSchema(IncidentInSchema):
    """The public web form: a form sends every value as text (the number ill included)."""

    ill = ma.fields.Integer(required=True, validate=validate.Range(min=1, max=100000))

    class Meta:
        exclude = ("banquet_id",)  # a signed-in reporter's banquets only
        unknown = ma.EXCLUDE  # the consent box
