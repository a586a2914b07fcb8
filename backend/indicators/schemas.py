from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from backend.core.indicators import UNITS
from backend.core.schemas import DistrictCode, IndicatorQuerySchema, PaginationQuerySchema, StrictSchema, text
from backend.core.text import Text


class DefinitionSchema(ma.Schema):
    numerator = ma.fields.String()
    denominator = ma.fields.String(allow_none=True)


class IndicatorDefinitionSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    unit = ma.fields.String(metadata={"enum": list(UNITS)})
    direction = ma.fields.String(metadata={"enum": ["higher", "lower"]})
    definition = ma.fields.Nested(DefinitionSchema)
    default_target = ma.fields.Float(allow_none=True, metadata={"description": "the city plan's figure"})
    source = ma.fields.String(allow_none=True, metadata={"description": "the seed plan it comes from"})
    clause = ma.fields.String(allow_none=True)
    public = ma.fields.Boolean()
    sectors = ma.fields.List(ma.fields.String())
    computed_by = ma.fields.List(ma.fields.String(), metadata={"description": "the providers (module:function)"})
    query = ma.fields.String(allow_none=True, metadata={"description": "what the providers' queries count"})


class EvaluatedRowSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    district_code = ma.fields.String(allow_none=True)
    sector = ma.fields.String(allow_none=True)
    period = ma.fields.String(allow_none=True)
    value = ma.fields.Float(allow_none=True, metadata={"description": "None: nothing to count (no data, not 0%)"})
    numerator = ma.fields.Float(allow_none=True)
    denominator = ma.fields.Float(allow_none=True)
    unit = ma.fields.String()
    target = ma.fields.Float(allow_none=True)
    met = ma.fields.Boolean(allow_none=True)
    direction = ma.fields.String()
    previous = ma.fields.Float(allow_none=True, metadata={"description": "the value in the period before"})
    trend = ma.fields.Float(allow_none=True, metadata={"description": "value − previous"})


class PlaceField(ma.fields.String):
    """A GB/T 2260 code, or * for everywhere."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "*":
            return value
        return DistrictCode()._deserialize(value, attr, data, **kwargs)


class TargetInSchema(StrictSchema):
    code = text(80, required=True)
    district_code = PlaceField(required=True, metadata={"description": "a county, a city, a province, or *"})
    year = ma.fields.Integer(validate=validate.Range(min=2000, max=2100), metadata={"description": "none: every year"})
    value = ma.fields.Float(required=True, allow_nan=False)
    reason = text(500, required=True)


class TargetChangeSchema(ma.Schema):
    value = ma.fields.Float(allow_none=True)
    reason = ma.fields.String(allow_none=True)
    at = ma.fields.DateTime()


class TargetSchema(ma.Schema):
    id = ma.fields.String()
    code = ma.fields.String()
    district_code = ma.fields.String()
    year = ma.fields.Integer(allow_none=True)
    value = ma.fields.Float()
    reason = ma.fields.String(allow_none=True)
    history = ma.fields.List(ma.fields.Nested(TargetChangeSchema))


class TargetQuerySchema(PaginationQuerySchema):
    code = text(80)
    district = PlaceField()


class PublicIndicatorQuerySchema(IndicatorQuerySchema):
    """`?district=320682&period=2026-Q3`: one district (required), no sector."""

    @ma.validates_schema
    def _one_district(self, data, **kwargs):
        if len(data.get("district") or []) != 1:
            raise ma.ValidationError(Text("Name one district."), field_name="district")


class ReportInSchema(StrictSchema):
    district = DistrictCode(required=True)
    month = ma.fields.String(
        required=True,
        validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", error="A month like 2026-11."),
        metadata={"description": "an ended month, 2026-11"},
    )


class ReportQuerySchema(PaginationQuerySchema):
    district = DistrictCode()
    month = ma.fields.String(validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", error="A month like 2026-11."))


class ReportSchema(ma.Schema):
    id = ma.fields.String()
    district_code = ma.fields.String()
    month = ma.fields.String()
    status = ma.fields.String(metadata={"enum": ["queued", "running", "done", "failed"]})
    done = ma.fields.Integer(metadata={"description": "indicators evaluated so far"})
    total = ma.fields.Integer()
    missed = ma.fields.Integer(allow_none=True)
    pdf_bytes = ma.fields.Integer(allow_none=True)
    pdf_sha256 = ma.fields.String(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
