import marshmallow as ma


class NotificationSchema(ma.Schema):
    id = ma.fields.String()
    kind = ma.fields.String()
    user_id = ma.fields.String(metadata={"description": "Who it went to."})
    data = ma.fields.Dict()
    status = ma.fields.String(metadata={"enum": ["sending", "sent", "refused", "failed"]})
    attempts = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    sent_at = ma.fields.DateTime(allow_none=True)
