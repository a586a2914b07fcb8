from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from backend.core.schemas import OBJECT_ID, PaginationQuerySchema, StrictSchema, text
from backend.public_card.schemas import CardDishonestSchema
from backend.purchasing.models import MAX_LINES, MAX_QUANTITY, ORDER_STATUSES, PRODUCT_CATEGORIES, STATUS_LABELS
from backend.trace.schemas import LotSchema, ReceiptCheckSchema, ShipLotSchema

QUANTITY = validate.Range(min=0, min_inclusive=False, max=MAX_QUANTITY, error=f"More than 0, at most {MAX_QUANTITY}.")


class ProductInSchema(StrictSchema):
    name = text(100, required=True)
    category = ma.fields.String(required=True, validate=validate.OneOf(tuple(PRODUCT_CATEGORIES)))
    unit = text(10, required=True, metadata={"description": "e.g. 公斤, 箱, 袋"})
    price_cents = ma.fields.Integer(required=True, validate=validate.Range(min=0, max=100_000_000))
    origin = text(100, metadata={"description": "产地"})
    certificates = ma.fields.List(text(50), validate=validate.Length(max=10), load_default=list)
    available = ma.fields.Boolean(load_default=True)


class ProductUpdateSchema(StrictSchema):
    """Only what is sent changes."""

    name = text(100)
    category = ma.fields.String(validate=validate.OneOf(tuple(PRODUCT_CATEGORIES)))
    unit = text(10)
    price_cents = ma.fields.Integer(validate=validate.Range(min=0, max=100_000_000))
    origin = text(100)
    certificates = ma.fields.List(text(50), validate=validate.Length(max=10))
    available = ma.fields.Boolean()


class ProductSchema(ma.Schema):
    id = ma.fields.String()
    supplier_id = ma.fields.String()
    name = ma.fields.String()
    category = ma.fields.String()
    category_label = ma.fields.Function(lambda p: PRODUCT_CATEGORIES.get(p.category))
    unit = ma.fields.String()
    price_cents = ma.fields.Integer()
    origin = ma.fields.String(allow_none=True)
    certificates = ma.fields.List(ma.fields.String())
    available = ma.fields.Boolean()


class CatalogueEntrySchema(ma.Schema):
    product = ma.fields.Nested(ProductSchema)
    supplier = ma.fields.String(metadata={"description": "the supplier's name"})
    supplier_dishonest = ma.fields.Nested(
        CardDishonestSchema,
        allow_none=True,
        metadata={"description": "the supplier's listing on the serious-dishonesty list (严重违法失信名单), if any"},
    )


class CatalogueQuerySchema(PaginationQuerySchema):
    q = text(50)
    category = ma.fields.String(validate=validate.OneOf(tuple(PRODUCT_CATEGORIES)))
    supplier_id = ma.fields.String(validate=OBJECT_ID)


class OrderLineInSchema(StrictSchema):
    product_id = ma.fields.String(required=True, validate=OBJECT_ID)
    quantity = ma.fields.Float(required=True, validate=QUANTITY, allow_nan=False)


class OrderInSchema(StrictSchema):
    supplier_id = ma.fields.String(required=True, validate=OBJECT_ID)
    buyer_business_id = ma.fields.String(
        validate=OBJECT_ID,
        load_default=None,
        metadata={"description": "The buying business (you run it); leave out to order for your household."},
    )
    lines = ma.fields.List(
        ma.fields.Nested(OrderLineInSchema), required=True, validate=validate.Length(min=1, max=MAX_LINES)
    )
    delivery_address = text(200)
    note = text(500)


class OrderLineSchema(ma.Schema):
    product_id = ma.fields.String()
    product_name = ma.fields.String()
    category = ma.fields.String()
    unit = ma.fields.String()
    quantity = ma.fields.Float()
    price_cents = ma.fields.Integer()


class OrderSchema(ma.Schema):
    id = ma.fields.String()
    number = ma.fields.String()
    status = ma.fields.String(metadata={"enum": list(ORDER_STATUSES)})
    status_label = ma.fields.Function(lambda o: STATUS_LABELS[o.status])
    status_reason = ma.fields.String(allow_none=True)
    supplier_id = ma.fields.String()
    supplier_name = ma.fields.String()
    buyer_business_id = ma.fields.String(allow_none=True)
    buyer_name = ma.fields.String()
    household = ma.fields.Function(lambda o: o.buyer_business_id is None)
    delivery_address = ma.fields.String(allow_none=True)
    note = ma.fields.String(allow_none=True)
    lines = ma.fields.List(ma.fields.Nested(OrderLineSchema))
    total_cents = ma.fields.Integer()
    version = ma.fields.Integer()
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()


class OrderDetailSchema(ma.Schema):
    order = ma.fields.Nested(OrderSchema)
    side = ma.fields.String(metadata={"enum": ["buyer", "supplier"]})
    lots = ma.fields.List(ma.fields.Nested(LotSchema), metadata={"description": "each with its trace code"})


class OrderQuerySchema(PaginationQuerySchema):
    side = ma.fields.String(validate=validate.OneOf(("buyer", "supplier")))
    status = ma.fields.String(validate=validate.OneOf(ORDER_STATUSES))


VERSION = ma.fields.Integer(
    validate=validate.Range(min=1),
    metadata={"description": "the order's version you saw: if it changed meanwhile, 409 instead of acting"},
)


class OrderVersionSchema(StrictSchema):
    version = VERSION


class OrderReasonSchema(OrderVersionSchema):
    reason = text(500, required=True)


class CancelReasonSchema(OrderVersionSchema):
    reason = text(500)


class ShipSchema(StrictSchema):
    lots = ma.fields.List(ma.fields.Nested(ShipLotSchema), required=True, validate=validate.Length(min=1, max=200))


class ReceiveSchema(StrictSchema):
    checks = ma.fields.List(
        ma.fields.Nested(ReceiptCheckSchema), required=True, validate=validate.Length(min=1, max=200)
    )
