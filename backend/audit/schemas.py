import marshmallow as ma

from backend.core.schemas import PaginationQuerySchema, text


class ChainReportSchema(ma.Schema):
    ok = ma.fields.Boolean()
    checked = ma.fields.Integer()
    first_broken_seq = ma.fields.Integer(allow_none=True)
    reason = ma.fields.String(allow_none=True)


class AuditEntrySchema(ma.Schema):
    seq = ma.fields.Integer()
    at = ma.fields.DateTime()
    actor = ma.fields.String()
    action = ma.fields.String()
    target_type = ma.fields.String()
    target_id = ma.fields.String()
    before = ma.fields.Dict()
    after = ma.fields.Dict()
    prev_hash = ma.fields.String()
    hash = ma.fields.String()


class AuditQuerySchema(PaginationQuerySchema):
    target_type = text(32)
    target_id = text(64)
