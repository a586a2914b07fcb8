"""Kitchen cameras (明厨亮灶): the registry, and the events the video worker and regulators raise.

A camera's stream credentials live only in `credentials` and are never returned. A camera shows on
the public card only when the business asked for it, confirmed its staff were told they are filmed,
and a person approved what its first snapshot shows (`public_approved`)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    EmbeddedDocument,
    EmbeddedDocumentField,
    FloatField,
    IntField,
    ListField,
    ObjectIdField,
    StringField,
)

from backend.core.models import BaseDocument, ScopedQuerySet

AREAS = {
    "rough_processing": "粗加工",
    "cutting": "切配",
    "cooking": "烹饪",
    "pastry": "面点",
    "special_room": "专间",
    "washing": "洗消",
    "storage": "仓库",
}
ONLINE, OFFLINE, FROZEN, LOOPED, DARK, COVERED, BLURRED, MOVED, PENDING = (
    "online",
    "offline",
    "frozen",
    "looped",
    "dark",
    "covered",
    "blurred",
    "moved",
    "pending",
)
STATUSES = (PENDING, ONLINE, OFFLINE, FROZEN, LOOPED, DARK, COVERED, BLURRED, MOVED)
STATUS_LABELS = {
    PENDING: "等待首帧",
    ONLINE: "正常",
    OFFLINE: "离线",
    FROZEN: "画面静止",
    LOOPED: "画面循环",
    DARK: "画面过暗",
    COVERED: "画面遮挡",
    BLURRED: "画面模糊",
    MOVED: "机位变动",
}
DEFAULT_INTERVAL = 10


class CameraQuerySet(ScopedQuerySet):
    def of_business(self, business_id):
        return self.filter(business_id=business_id)

    def enabled(self):
        return self.filter(enabled=True)

    def monitoring(self, business_id):
        """The business's cameras in use, public or not: the areas it monitors are published (law)."""
        return self.filter(business_id=business_id, enabled=True)

    def shown_publicly(self, business_id):
        return self.filter(
            business_id=business_id, enabled=True, public=True, staff_informed=True, public_approved=True
        )


# query parameters that carry a secret in some cameras' URLs (?user=…&pwd=…): kept server-side like
# the URL's user and password, never shown
SECRET_QUERY_NAMES = frozenset({"user", "username", "usr", "pwd", "pass", "passwd", "password", "token", "key", "auth"})


def shown_url(stream_url: str) -> str:
    """The stream URL as people see it: the values of secret-looking query parameters masked."""
    parts = urlsplit(stream_url)
    if not parts.query:
        return stream_url
    query = [
        (name, "***" if name.lower() in SECRET_QUERY_NAMES else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, safe="*"), ""))


class Camera(BaseDocument):
    business_id = ObjectIdField(required=True)
    district_scopes = ListField(StringField())
    name = StringField(required=True, max_length=50)
    area = StringField(required=True, choices=tuple(AREAS))
    stream_url = StringField(required=True, max_length=500)  # without credentials (query secrets: `shown_url`)
    credentials = StringField(max_length=200)  # "user:password", server-side only
    public = BooleanField(default=False)  # the business asks for it to be shown
    staff_informed = BooleanField(default=False)  # the business confirmed its staff know they are filmed
    signage = BooleanField(default=False)  # a notice that the area is filmed is posted there (监控提示标识)
    public_approved = BooleanField(default=False)  # a person looked at a snapshot and approved it
    approved_by = ObjectIdField()
    approved_at = DateTimeField()
    reference_hash = StringField(max_length=64)  # the approved scene's perceptual hash, for `moved`
    opens_at = StringField(default="06:00", regex=r"^([01]\d|2[0-3]):[0-5]\d$")
    closes_at = StringField(default="21:00", regex=r"^([01]\d|2[0-3]):[0-5]\d$")
    interval_seconds = IntField(default=DEFAULT_INTERVAL, min_value=1, max_value=300)
    enabled = BooleanField(default=True)
    status = StringField(choices=STATUSES, default=PENDING)
    status_since = DateTimeField()
    last_sample_at = DateTimeField()

    meta = {
        "collection": "cameras",
        "queryset_class": CameraQuerySet,
        "indexes": ["business_id", "district_scopes", "enabled", "status"],
    }

    def audit_view(self) -> dict:
        return {
            "business_id": str(self.business_id),
            "name": self.name,
            "area": self.area,
            "public": self.public,
            "staff_informed": self.staff_informed,
            "signage": self.signage,
            "public_approved": self.public_approved,
            "enabled": self.enabled,
            "interval_seconds": self.interval_seconds,
            "status": self.status,
        }


# -- events -------------------------------------------------------------------------------------------

STATUS_CHANGE, SCENE, CAPTURE = "status_change", "scene", "capture"
EVENT_KINDS = (STATUS_CHANGE, SCENE, CAPTURE)
NEW, CONFIRMED, DISMISSED = "new", "confirmed", "dismissed"
EVENT_STATUSES = (NEW, CONFIRMED, DISMISSED)
# the problem a confirmed event or a capture puts to the business
PROBLEM_OPEN, PROBLEM_ANSWERED, PROBLEM_CLOSED, PROBLEM_ESCALATED = "open", "answered", "closed", "escalated"
PROBLEM_STATUSES = (PROBLEM_OPEN, PROBLEM_ANSWERED, PROBLEM_CLOSED, PROBLEM_ESCALATED)
STANCES = {"confirm": "确认并整改", "dispute": "有异议"}


class Evidence(EmbeddedDocument):
    sha256 = StringField(required=True, max_length=64)  # the blob's content hash: shows it is unaltered
    captured_at = DateTimeField(required=True)
    size = IntField()
    # the same frame with faces blurred: what the business is shown of a problem raised from its kitchen
    shown_sha256 = StringField(max_length=64)


class Problem(EmbeddedDocument):
    """非现场执法's loop: the business is told, answers (confirms and fixes, or disputes) by `plan_due`,
    the regulator rechecks by `recheck_due` and closes it, or escalates it to a lead."""

    status = StringField(required=True, choices=PROBLEM_STATUSES, default=PROBLEM_OPEN)
    raised_at = DateTimeField()
    plan_due = DateTimeField()  # the business's answer (a fix plan) by then
    recheck_due = DateTimeField()  # the regulator checks the fix by then
    stance = StringField(choices=tuple(STANCES))
    answer = StringField(max_length=1000)
    photos = ListField(StringField(max_length=64), max_length=9)
    answered_by = ObjectIdField()
    answered_at = DateTimeField()
    closed_by = ObjectIdField()
    closed_at = DateTimeField()
    closing_note = StringField(max_length=1000)


class EventQuerySet(ScopedQuerySet):
    def of_business(self, business_id):
        return self.filter(business_id=business_id)

    def problems_of(self, business_id):
        return self.filter(business_id=business_id, problem__ne=None)


class CameraEvent(BaseDocument):
    camera_id = ObjectIdField(required=True)
    business_id = ObjectIdField(required=True)
    district_scopes = ListField(StringField())
    kind = StringField(required=True, choices=EVENT_KINDS)
    label = StringField(required=True, max_length=40)  # the new status, a scene label, or "capture"
    previous = StringField(max_length=40)
    details = DictField()
    evidence = ListField(EmbeddedDocumentField(Evidence), max_length=5)
    score = FloatField()
    note = StringField(max_length=1000)
    status = StringField(required=True, choices=EVENT_STATUSES, default=NEW)
    reviewed_by = ObjectIdField()
    reviewed_at = DateTimeField()
    review_reason = StringField(max_length=1000)
    problem = EmbeddedDocumentField(Problem)
    raised_by = ObjectIdField()  # a regulator's capture; None: the worker
    dedupe_key = StringField(max_length=200)  # unique per camera (meta): a worker retry adds nothing
    version = IntField(default=1, required=True)

    meta = {
        "collection": "camera_events",
        "queryset_class": EventQuerySet,
        # A camera's events come from the one worker that holds its lease, and are read per camera.
        "shard_key": ("camera_id",),
        "indexes": [
            {
                "fields": ["camera_id", "dedupe_key"],
                "unique": True,
                "partialFilterExpression": {"dedupe_key": {"$type": "string"}},
            },
            "business_id",
            "district_scopes",
            "status",
            ("kind", "label"),
        ],
    }

    def audit_view(self) -> dict:
        return {
            "camera_id": str(self.camera_id),
            "kind": self.kind,
            "label": self.label,
            "status": self.status,
            "problem": self.problem.status if self.problem else None,
        }
