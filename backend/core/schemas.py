"""Schema base classes and common fields."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate


class StrictSchema(ma.Schema):
    """Request bodies: unknown fields are errors, strings are stripped."""

    class Meta:
        unknown = ma.RAISE


def text(max_length: int, *, required: bool = False, min_length: int = 1, **kwargs) -> ma.fields.String:
    return ma.fields.String(required=required, validate=validate.Length(min=min_length, max=max_length), **kwargs)


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
