from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from backend.cameras.models import AREAS, EVENT_KINDS, EVENT_STATUSES, STATUSES, shown_url
from backend.core.schemas import OBJECT_ID, SHA256, PaginationQuerySchema, StrictSchema, text

HOUR = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="HH:MM, 24-hour.")


class CameraInSchema(StrictSchema):
    name = text(50, required=True)
    area = ma.fields.String(required=True, validate=validate.OneOf(tuple(AREAS)))
    stream_url = text(
        500,
        required=True,
        metadata={"description": "rtsp://, http(s):// (MJPEG, MPEG-TS, HLS); credentials in it are kept server-side"},
    )
    credentials = text(200, load_only=True, metadata={"description": "user:password, if not in the URL"})
    public = ma.fields.Boolean(load_default=False, metadata={"description": "ask for it to be shown on the card"})
    staff_informed = ma.fields.Boolean(load_default=False, metadata={"description": "staff were told they are filmed"})
    signage = ma.fields.Boolean(
        load_default=False, metadata={"description": "a notice that the area is filmed is posted there (监控提示标识)"}
    )
    opens_at = ma.fields.String(load_default="06:00", validate=HOUR)
    closes_at = ma.fields.String(load_default="21:00", validate=HOUR)
    interval_seconds = ma.fields.Integer(load_default=10, validate=validate.Range(min=1, max=300))


class CameraUpdateSchema(StrictSchema):
    """Only what is sent changes."""

    name = text(50)
    area = ma.fields.String(validate=validate.OneOf(tuple(AREAS)))
    stream_url = text(500)
    credentials = text(200, load_only=True)
    public = ma.fields.Boolean()
    staff_informed = ma.fields.Boolean()
    signage = ma.fields.Boolean()
    opens_at = ma.fields.String(validate=HOUR)
    closes_at = ma.fields.String(validate=HOUR)
    interval_seconds = ma.fields.Integer(validate=validate.Range(min=1, max=300))
    enabled = ma.fields.Boolean()


class CameraSchema(ma.Schema):
    """Never the credentials; the URL without them."""

    id = ma.fields.String()
    business_id = ma.fields.String()
    name = ma.fields.String()
    area = ma.fields.String()
    area_label = ma.fields.Function(lambda c: AREAS[c.area])
    stream_url = ma.fields.Function(lambda c: shown_url(c.stream_url))
    has_credentials = ma.fields.Function(lambda c: bool(c.credentials))
    public = ma.fields.Boolean()
    staff_informed = ma.fields.Boolean()
    signage = ma.fields.Boolean()
    public_approved = ma.fields.Boolean()
    opens_at = ma.fields.String()
    closes_at = ma.fields.String()
    interval_seconds = ma.fields.Integer()
    enabled = ma.fields.Boolean()
    status = ma.fields.String(metadata={"enum": list(STATUSES)})
    status_since = ma.fields.AwareDateTime(allow_none=True)


class CameraQuerySchema(PaginationQuerySchema):
    status = ma.fields.String(validate=validate.OneOf(STATUSES))
    business_id = ma.fields.String(validate=OBJECT_ID)


class WallQuerySchema(StrictSchema):
    status = ma.fields.String(validate=validate.OneOf(STATUSES))
    business_id = ma.fields.String(validate=OBJECT_ID)


class WallEntrySchema(ma.Schema):
    camera = ma.fields.Nested(CameraSchema)
    business_name = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    status_label = ma.fields.String()
    captured_at = ma.fields.AwareDateTime(allow_none=True)
    age_seconds = ma.fields.Float(allow_none=True)
    activity = ma.fields.Float(allow_none=True)
    snapshot_url = ma.fields.String(allow_none=True)


class RecentSnapshotSchema(ma.Schema):
    index = ma.fields.Integer()
    captured_at = ma.fields.AwareDateTime()
    url = ma.fields.String()
    bytes = ma.fields.Integer()


class CameraEvidenceSchema(ma.Schema):
    sha256 = ma.fields.String(metadata={"description": "the evidence's content hash (SHA-256): shows it is unaltered"})
    captured_at = ma.fields.AwareDateTime()
    size = ma.fields.Integer()


class CameraProblemSchema(ma.Schema):
    status = ma.fields.String()
    plan_due = ma.fields.AwareDateTime(allow_none=True, metadata={"description": "The business answers by then"})
    recheck_due = ma.fields.AwareDateTime(allow_none=True, metadata={"description": "The fix is rechecked by then"})
    stance = ma.fields.String(allow_none=True, metadata={"enum": ["confirm", "dispute", None]})
    note = ma.fields.String(allow_none=True, attribute="answer", metadata={"description": "The business's answer."})
    photos = ma.fields.List(ma.fields.String())
    answered_at = ma.fields.AwareDateTime(allow_none=True)
    closed_at = ma.fields.AwareDateTime(allow_none=True)
    closing_note = ma.fields.String(allow_none=True)


class CameraEventSchema(ma.Schema):
    id = ma.fields.String()
    camera_id = ma.fields.String()
    business_id = ma.fields.String()
    kind = ma.fields.String(metadata={"enum": list(EVENT_KINDS)})
    label = ma.fields.String()
    previous = ma.fields.String(allow_none=True)
    details = ma.fields.Dict()
    score = ma.fields.Float(allow_none=True)
    note = ma.fields.String(allow_none=True)
    status = ma.fields.String(metadata={"enum": list(EVENT_STATUSES)})
    review_reason = ma.fields.String(allow_none=True)
    evidence = ma.fields.List(ma.fields.Nested(CameraEvidenceSchema))
    problem = ma.fields.Nested(CameraProblemSchema, allow_none=True)
    created_at = ma.fields.AwareDateTime()


class ProblemPictureSchema(ma.Schema):
    url = ma.fields.String(metadata={"description": "The captured frame, faces blurred."})
    captured_at = ma.fields.AwareDateTime()


class _Pictures(ma.fields.List):
    """The event's shown copies as picture links (a list of ProblemPictureSchema in the document)."""

    def serialize(self, attr, obj, accessor=None, **kwargs):
        base = f"/api/v1/mp/businesses/{obj.business_id}/camera-problems/{obj.id}/pictures"
        pictures = [
            {"url": f"{base}/{index}.jpg", "captured_at": evidence.captured_at}
            for index, evidence in enumerate(obj.evidence)
            if evidence.shown_sha256
        ]
        return self._serialize(pictures, attr, obj, **kwargs)


class BusinessProblemSchema(CameraEventSchema):
    """A problem as its business sees it: the regulator's note and the captured frame (faces blurred)."""

    pictures = _Pictures(ma.fields.Nested(ProblemPictureSchema))


class EventQuerySchema(PaginationQuerySchema):
    status = ma.fields.String(validate=validate.OneOf(EVENT_STATUSES))
    kind = ma.fields.String(validate=validate.OneOf(EVENT_KINDS))
    camera_id = ma.fields.String(validate=OBJECT_ID)


class EventReviewSchema(StrictSchema):
    decision = ma.fields.String(required=True, validate=validate.OneOf(("confirm", "dismiss")))
    reason = text(1000, required=True)


class CameraCaptureSchema(StrictSchema):
    note = text(1000, required=True, metadata={"description": "what is wrong in the picture"})


class CloseProblemSchema(StrictSchema):
    note = text(1000, required=True)


class ProblemAnswerSchema(StrictSchema):
    stance = ma.fields.String(
        load_default="confirm",
        validate=validate.OneOf(("confirm", "dispute")),
        metadata={"description": "confirm: found and fixed (say how); dispute: the picture does not show a violation"},
    )
    note = text(1000, required=True, metadata={"description": "What was done (as a rectification's evidence)."})
    photos = ma.fields.List(ma.fields.String(validate=SHA256), validate=validate.Length(max=9), load_default=list)
