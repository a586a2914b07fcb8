from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from backend.core.schemas import OBJECT_ID, SHA256, Date, PaginationQuerySchema, StrictSchema, Text, text
from backend.trace.models import DISPOSALS, PLEDGE_BASES

TRACE_CODE = validate.Regexp(r"^[2-9A-HJ-NP-Z]{12}$", error="A 12-character trace code.")
QUANTITY = validate.Range(min=0, min_inclusive=False, max=1_000_000, error="More than 0, at most 1000000.")


class LotInputInSchema(StrictSchema):
    trace_code = ma.fields.String(required=True, validate=TRACE_CODE)
    quantity = ma.fields.Float(required=True, validate=QUANTITY, allow_nan=False)


class ShipLotSchema(StrictSchema):
    line = ma.fields.Integer(required=True, validate=validate.Range(min=0, max=49))
    lot_code = text(40, required=True, metadata={"description": "the supplier's own lot (batch) code"})
    quantity = ma.fields.Float(required=True, validate=QUANTITY, allow_nan=False)
    unit = text(10, required=True)
    produced_on = Date(required=True, metadata={"description": "production or harvest date"})
    shelf_life_days = ma.fields.Integer(validate=validate.Range(min=1, max=3650))
    origin = text(100, required=True, metadata={"description": "产地"})
    certificate_number = text(32, metadata={"description": "the producer's 承诺达标合格证 number"})
    test_report = text(100, metadata={"description": "a test report's reference, when no certificate"})
    inputs = ma.fields.List(
        ma.fields.Nested(LotInputInSchema),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "inbound lots (their trace codes) this lot was made from: splits and merges"},
    )


class ReceiptCheckSchema(StrictSchema):
    trace_code = ma.fields.String(required=True, validate=TRACE_CODE)
    accepted = ma.fields.Boolean(required=True)
    quantity = ma.fields.Float(
        validate=validate.Range(min=0, max=1_000_000),
        allow_nan=False,
        load_default=None,
        metadata={"description": "received (accepted lots); the shipped quantity when left out"},
    )
    reason = text(500)
    photos = ma.fields.List(ma.fields.String(validate=SHA256), validate=validate.Length(max=9), load_default=list)
    certificate_number = text(32, metadata={"description": "the produce certificate that came with the lot"})


class ReceiptSchema(ma.Schema):
    quantity = ma.fields.Float()
    reason = ma.fields.String(allow_none=True)
    photos = ma.fields.List(ma.fields.String())
    certificate_number = ma.fields.String(allow_none=True)
    at = ma.fields.AwareDateTime()


class LotSchema(ma.Schema):
    trace_code = ma.fields.String()
    trace_url = ma.fields.Method("_url")
    lot_code = ma.fields.String()
    line = ma.fields.Integer()
    product_name = ma.fields.String()
    quantity = ma.fields.Float()
    unit = ma.fields.String()
    produced_on = ma.fields.Date()
    shelf_life_days = ma.fields.Integer(allow_none=True)
    origin = ma.fields.String()
    certificate_number = ma.fields.String(allow_none=True)
    test_report = ma.fields.String(allow_none=True)
    inputs = ma.fields.Function(lambda lot: [entry.trace_code for entry in lot.inputs])
    status = ma.fields.String()
    receipt = ma.fields.Nested(ReceiptSchema, allow_none=True)
    shipped_at = ma.fields.AwareDateTime()

    def _url(self, lot) -> str:
        from backend.trace.services import trace_url

        return trace_url(lot.trace_code)


class ProduceCertificateInSchema(StrictSchema):
    business_id = ma.fields.String(required=True, validate=OBJECT_ID, metadata={"description": "the farm base"})
    product = text(100, required=True)
    quantity = ma.fields.Float(required=True, validate=QUANTITY, allow_nan=False)
    unit = text(10, required=True)
    origin = text(100, required=True)
    producer = text(100, required=True)
    contact_phone = Text(
        required=True, validate=validate.Regexp(r"^[0-9+\- ]{7,20}$", error="7-20 digits, spaces, + or -.")
    )
    issued_on = Date(required=True)
    basis = ma.fields.String(required=True, validate=validate.OneOf(tuple(PLEDGE_BASES)))
    test_report = text(100)


class ProduceCertificateSchema(ma.Schema):
    id = ma.fields.String()
    number = ma.fields.String()
    issuer_id = ma.fields.String()
    product = ma.fields.String()
    quantity = ma.fields.Float()
    unit = ma.fields.String()
    origin = ma.fields.String()
    producer = ma.fields.String()
    contact_phone = ma.fields.String()
    issued_on = ma.fields.Date()
    basis = ma.fields.String()
    basis_label = ma.fields.Function(lambda c: PLEDGE_BASES[c.basis])
    test_report = ma.fields.String(allow_none=True)
    pledges = ma.fields.List(ma.fields.String())
    keep_until = ma.fields.Date(metadata={"description": "kept at least until (6 months after issue)"})
    created_at = ma.fields.AwareDateTime()


class ProduceCertificateQuerySchema(PaginationQuerySchema):
    business_id = ma.fields.String(required=True, validate=OBJECT_ID)


class TraceLotSchema(ma.Schema):
    hops = ma.fields.Integer()
    trace_code = ma.fields.String()
    lot_code = ma.fields.String()
    product = ma.fields.String()
    quantity = ma.fields.Float()
    unit = ma.fields.String()
    produced_on = ma.fields.Date()
    origin = ma.fields.String()
    supplier_id = ma.fields.String()
    supplier = ma.fields.String()
    buyer_business_id = ma.fields.String(allow_none=True)
    buyer = ma.fields.String()
    household = ma.fields.Boolean()
    status = ma.fields.String()
    shipped_at = ma.fields.AwareDateTime()
    order_number = ma.fields.String()
    certificate_number = ma.fields.String(allow_none=True)
    inputs = ma.fields.List(ma.fields.String())


class TraceSchema(ma.Schema):
    trace_code = ma.fields.String()
    direction = ma.fields.String()
    hops = ma.fields.Integer()
    businesses = ma.fields.Integer()
    lots = ma.fields.List(ma.fields.Nested(TraceLotSchema))
    cycles = ma.fields.List(
        ma.fields.String(), metadata={"description": "lots that feed each other (bad data), each walked once"}
    )


class PublicProduceCertificateSchema(ma.Schema):
    number = ma.fields.String()
    product = ma.fields.String()
    quantity = ma.fields.Float()
    unit = ma.fields.String()
    origin = ma.fields.String()
    producer = ma.fields.String()
    issued_on = ma.fields.Date()
    basis = ma.fields.String()
    basis_label = ma.fields.String()
    test_report = ma.fields.String(allow_none=True)
    pledges = ma.fields.List(ma.fields.String())
    issuer = ma.fields.String(allow_none=True)


class TraceTestResultSchema(ma.Schema):
    food_name = ma.fields.String()
    sampled_on = ma.fields.Date()
    verdict = ma.fields.String()
    verdict_label = ma.fields.String()
    lab = ma.fields.String()


class PublicSourceSchema(ma.Schema):
    product = ma.fields.String()
    supplier = ma.fields.String()
    lot_code = ma.fields.String(metadata={"description": "The supplier's lot code"})
    origin = ma.fields.String()
    produced_on = ma.fields.Date()
    hops = ma.fields.Integer()
    lots = ma.fields.Integer(metadata={"description": "How many lots alike this line stands for"})


class PublicTraceSchema(ma.Schema):
    trace_code = ma.fields.String()
    product = ma.fields.String()
    lot_code = ma.fields.String()
    quantity = ma.fields.Float()
    unit = ma.fields.String()
    origin = ma.fields.String()
    supplier = ma.fields.String()
    produced_on = ma.fields.Date()
    shelf_life_days = ma.fields.Integer(allow_none=True)
    use_by = ma.fields.Date(allow_none=True)
    shipped_on = ma.fields.Date()
    certificate = ma.fields.Nested(PublicProduceCertificateSchema, allow_none=True)
    test_report = ma.fields.String(allow_none=True)
    test_results = ma.fields.List(ma.fields.Nested(TraceTestResultSchema))
    sources = ma.fields.List(ma.fields.Nested(PublicSourceSchema))
    recalled = ma.fields.Boolean()


class RecallInSchema(StrictSchema):
    reason = text(500, required=True)
    trace_code = ma.fields.String(validate=TRACE_CODE)
    supplier_id = ma.fields.String(validate=OBJECT_ID)
    product_id = ma.fields.String(validate=OBJECT_ID)
    produced_from = Date()
    produced_to = Date()
    sampling_number = text(40)


class RecallTargetSchema(ma.Schema):
    trace_code = ma.fields.String()
    product_name = ma.fields.String()
    quantity = ma.fields.Float(allow_none=True)
    unit = ma.fields.String(allow_none=True)
    holder_business_id = ma.fields.String(allow_none=True)
    holder_name = ma.fields.String()
    household = ma.fields.Function(lambda t: t.holder_business_id is None)
    hops = ma.fields.Integer()
    status = ma.fields.String()
    disposal = ma.fields.String(allow_none=True)
    note = ma.fields.String(allow_none=True)
    confirmed_at = ma.fields.AwareDateTime(allow_none=True)


class RecallSchema(ma.Schema):
    id = ma.fields.String()
    number = ma.fields.String()
    reason = ma.fields.String()
    source = ma.fields.String()
    source_ref = ma.fields.String()
    status = ma.fields.String()
    created_at = ma.fields.AwareDateTime()
    targets_total = ma.fields.Integer()
    targets_confirmed = ma.fields.Integer()
    completion_rate = ma.fields.Float(metadata={"description": "confirmed lots / recalled lots"})
    holders = ma.fields.Integer()
    targets = ma.fields.List(ma.fields.Nested(RecallTargetSchema))
    cycles = ma.fields.List(
        ma.fields.String(), metadata={"description": "lots that feed each other (bad data), each walked once"}
    )


class RecallQuerySchema(PaginationQuerySchema):
    status = ma.fields.String(validate=validate.OneOf(("open", "closed")))


class ConfirmSchema(StrictSchema):
    trace_code = ma.fields.String(required=True, validate=TRACE_CODE)
    disposal = ma.fields.String(required=True, validate=validate.OneOf(tuple(DISPOSALS)))
    note = text(500)


class ExportQuerySchema(StrictSchema):
    trace_code = ma.fields.String(validate=TRACE_CODE)
    date_from = Date()
    date_to = Date()
    sort = ma.fields.String(load_default="date", validate=validate.OneOf(("date", "lot", "event")))
