import marshmallow as ma
from marshmallow import validate

from backend.core.schemas import StrictSchema
from backend.core.text import current_language, rendered

DAYS = validate.Regexp(r"^\d{4}-\d{2}-\d{2}(\.\.\d{4}-\d{2}-\d{2})?$", error="YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD")


class CalendarYearInSchema(StrictSchema):
    year = ma.fields.Integer(required=True, validate=validate.Range(min=2000, max=2199))
    holidays = ma.fields.List(ma.fields.String(validate=DAYS), required=True, validate=validate.Length(max=60))
    makeup_workdays = ma.fields.List(
        ma.fields.String(validate=DAYS), load_default=list, validate=validate.Length(max=30)
    )


class CalendarYearSchema(ma.Schema):
    year = ma.fields.Integer()
    holidays = ma.fields.List(ma.fields.String())
    makeup_workdays = ma.fields.List(ma.fields.String())
    updated_at = ma.fields.DateTime()


class CalendarStatusSchema(ma.Schema):
    known_until = ma.fields.Date(allow_none=True)
    loaded_years = ma.fields.List(ma.fields.Integer())
    warning = ma.fields.Function(
        lambda status: rendered(status["warning"], current_language()) if status["warning"] else None,
        allow_none=True,
    )
