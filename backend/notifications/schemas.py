import marshmallow as ma

from backend.core.schemas import PaginationQuerySchema


class NotificationSchema(ma.Schema):
    id = ma.fields.String()
    kind = ma.fields.String()
    user_id = ma.fields.String(metadata={"description": "Who it went to."})
    data = ma.fields.Dict()
    status = ma.fields.String(metadata={"enum": ["sending", "sent", "refused", "failed", "inbox"]})
    attempts = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    sent_at = ma.fields.DateTime(allow_none=True)


class InboxMessageSchema(ma.Schema):
    id = ma.fields.String()
    kind = ma.fields.String()
    text = ma.fields.Function(lambda note: note.data.get("text"))
    link = ma.fields.Function(lambda note: note.data.get("link"), allow_none=True)
    created_at = ma.fields.DateTime()
    read_at = ma.fields.DateTime(allow_none=True)


class InboxQuerySchema(PaginationQuerySchema):
    unread = ma.fields.Boolean(load_default=False)
