"""Schema base classes and the common fields every contract uses."""

from __future__ import annotations

from datetime import date, datetime

import marshmallow as ma
from marshmallow import validate

from backend.core import districts
from backend.core.text import Text as Message
from backend.core.timeutil import SHANGHAI, today_shanghai

# Dates a person can mean: far enough for licences and history, never near datetime's own limits
# (year 1 or 9999 with an offset overflows when converted).
EARLIEST_YEAR, LATEST_YEAR = 1900, 2199
MAX_ERRORS_SHOWN = 50
# a record's id, and an uploaded photo's (its SHA-256), as every contract takes them
OBJECT_ID = validate.Regexp(r"^[0-9a-fA-F]{24}$", error="A 24-hex-digit id.")
SHA256 = validate.Regexp(r"^[0-9a-f]{64}$", error="A photo id from …/routine-photos.")


class StrictSchema(ma.Schema):
    """Request bodies: unknown fields are errors (at most MAX_ERRORS_SHOWN of them are listed)."""

    class Meta:
        unknown = ma.RAISE

    def handle_error(self, error: ma.ValidationError, data, **kwargs):
        messages = error.messages
        if isinstance(messages, dict) and len(messages) > MAX_ERRORS_SHOWN:
            shown = dict(list(messages.items())[:MAX_ERRORS_SHOWN])
            shown["_more"] = [Message("{count} more fields are not valid.", count=len(messages) - MAX_ERRORS_SHOWN)]
            raise ma.ValidationError(shown) from None
        raise error


class Text(ma.fields.String):
    """A string with surrounding whitespace stripped before validation, so "   " is empty."""

    def __init__(self, *args, strip: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.strip = strip

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        return text.strip() if self.strip else text


def text(
    max_length: int, *, required: bool = False, min_length: int = 1, strip: bool = True, **kwargs
) -> ma.fields.String:
    return Text(required=required, strip=strip, validate=validate.Length(min=min_length, max=max_length), **kwargs)


def _year_in_range(value) -> bool:
    return EARLIEST_YEAR <= value.year <= LATEST_YEAR


class Date(ma.fields.Date):
    def _deserialize(self, value, attr, data, **kwargs) -> date:
        day = super()._deserialize(value, attr, data, **kwargs)
        if not _year_in_range(day):
            raise ma.ValidationError(
                Message(
                    "A date between {earliest_year} and {latest_year}.",
                    earliest_year=EARLIEST_YEAR,
                    latest_year=LATEST_YEAR,
                )
            )
        return day


class AwareDateTime(ma.fields.AwareDateTime):
    """ISO 8601 with an offset (or, with `default_timezone`, taken in it); years bounded."""

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not _year_in_range(moment) or moment.tzinfo is None:
            raise ma.ValidationError(
                Message(
                    "A time between {earliest_year} and {latest_year}, with its UTC offset.",
                    earliest_year=EARLIEST_YEAR,
                    latest_year=LATEST_YEAR,
                )
            )
        try:
            moment.astimezone(SHANGHAI)
        except OverflowError:
            raise ma.ValidationError(Message("Out of range.")) from None
        return moment


class DistrictCode(ma.fields.String):
    """A GB/T 2260 code, known to the shipped list (a name is resolved by the services that take one)."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        code = super()._deserialize(value, attr, data, **kwargs).strip()
        if not districts.DISTRICT_CODE.match(code):
            raise ma.ValidationError(Message("A 6-digit GB/T 2260 code."))
        if not districts.is_known(code):
            raise ma.ValidationError(districts.NOT_A_CODE)
        return code


class PaginationQuerySchema(StrictSchema):
    page = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = ma.fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PageMetaSchema(ma.Schema):
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()
    pages = ma.fields.Integer()


class ReasonSchema(StrictSchema):
    reason = text(1000, required=True)


class EmptySchema(StrictSchema):
    """A POST that takes no fields (still rejects unknown ones)."""


class IndicatorQuerySchema(StrictSchema):
    """`?period=2026-Q3&district=320682&district=320681&sector=school_canteen`"""

    district = ma.fields.List(DistrictCode(), load_default=list, validate=validate.Length(max=50))
    period = ma.fields.String(
        metadata={"description": "2026, 2026-Q3, 2026-11 or 2026-01-01..2026-06-30; default: this quarter"},
    )
    sector = ma.fields.String(validate=validate.Length(min=1, max=40), metadata={"description": "a business kind"})

    @ma.validates("period")
    def _period(self, value: str, **kwargs) -> None:
        from backend.core.indicators import Period

        try:
            Period.parse(value)
        except ValueError:
            raise ma.ValidationError(
                Message("A year (2026), quarter (2026-Q3), month (2026-11) or range (2026-01-01..2026-06-30).")
            ) from None

    @ma.post_load
    def _parsed(self, data: dict, **kwargs) -> dict:
        from backend.core.indicators import Period

        period = Period.parse(data["period"]) if data.get("period") else Period.quarter_of(today_shanghai())
        return {"districts": data["district"], "period": period, "sector": data.get("sector")}


class IndicatorPageQuerySchema(IndicatorQuerySchema):
    """The same question, a page of the rows at a time (a row per indicator and district: about 70 per
    district, so the default page holds a county or a small city whole)."""

    page = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = ma.fields.Integer(load_default=500, validate=validate.Range(min=1, max=1000))

    @ma.post_load
    def _parsed(self, data: dict, **kwargs) -> dict:
        page, per_page = data.pop("page"), data.pop("per_page")
        return {**super()._parsed(data, **kwargs), "page": page, "per_page": per_page}


class IndicatorRowSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    district_code = ma.fields.String(allow_none=True)
    sector = ma.fields.String(allow_none=True)
    period = ma.fields.String(allow_none=True)
    value = ma.fields.Float(allow_none=True)
    numerator = ma.fields.Float(allow_none=True)
    denominator = ma.fields.Float(allow_none=True)
    unit = ma.fields.String(metadata={"description": "ratio, count, per_thousand, days, score"})
