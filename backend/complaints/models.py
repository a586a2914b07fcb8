from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateField,
    DateTimeField,
    DictField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    IntField,
    ListField,
    ObjectIdField,
    StringField,
)

from backend.core.models import BaseDocument, DistrictCodeField, ScopedQuerySet
from backend.core.principal import Principal

COMPLAINT, REPORT = "complaint", "report"
KINDS = (COMPLAINT, REPORT)
KIND_LABELS = {COMPLAINT: "投诉", REPORT: "举报"}
NUMBER_PREFIXES = {COMPLAINT: "TS", REPORT: "JB"}

CATEGORIES = {
    "food_poisoning": "食物中毒",
    "spoiled_expired": "变质过期",
    "hygiene": "卫生状况",
    "unlicensed": "无证经营",
    "illegal_additive": "非法添加",
    "false_advertising": "虚假宣传",
    "other": "其他",
}

RECEIVED, REFUSED, ACCEPTED, ASSIGNED, HANDLING, REPLIED, CLOSED = (
    "received",
    "refused",
    "accepted",
    "assigned",
    "handling",
    "replied",
    "closed",
)
STATUSES = (RECEIVED, REFUSED, ACCEPTED, ASSIGNED, HANDLING, REPLIED, CLOSED)
OPEN_STATUSES = (RECEIVED, ACCEPTED, ASSIGNED, HANDLING, REPLIED)
FINISHED_STATUSES = (REFUSED, CLOSED)
STATUS_LABELS = {
    RECEIVED: "已登记，待受理",
    REFUSED: "不予受理",
    ACCEPTED: "已受理",
    ASSIGNED: "已分派办理",
    HANDLING: "办理中",
    REPLIED: "已答复",
    CLOSED: "已办结",
}


class Complainant(EmbeddedDocument):
    name = StringField(max_length=32)
    phone = StringField(max_length=20)
    address = StringField(max_length=200)


class Reply(EmbeddedDocument):
    at = DateTimeField(required=True)
    by = ObjectIdField(required=True)
    text = StringField(required=True, max_length=2000)


class Step(EmbeddedDocument):
    """One step of the timeline the submitter sees (no personal data)."""

    at = DateTimeField(required=True)
    status = StringField(required=True)
    note = StringField(max_length=2000)


class ComplaintQuerySet(ScopedQuerySet):
    def _own(self, principal: Principal):
        """A signed-in citizen's own submissions."""
        return self.filter(submitter_user_id=principal.user_id)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def finished(self):
        return self.filter(status__in=FINISHED_STATUSES)

    def received_between(self, start, end):
        return self.filter(received_at__gte=start, received_at__lte=end)

    def overdue(self, today):
        return self.open().filter(current_due__lt=today)

    def due_by(self, today, last_day):
        return self.open().filter(current_due__gte=today, current_due__lte=last_day)


class Complaint(BaseDocument):
    number = StringField(required=True, unique=True)
    query_key_hash = StringField(required=True)
    kind = StringField(required=True, choices=KINDS)
    category = StringField(required=True, choices=tuple(CATEGORIES))
    status = StringField(required=True, choices=STATUSES, default=RECEIVED)
    # the target: a registered business (by public code) or a name and address
    business_id = ObjectIdField()
    business_name = StringField(required=True, max_length=100)
    business_address = StringField(max_length=200)
    district_code = DistrictCodeField(required=True)
    district_scopes = ListField(StringField())
    description = StringField(required=True, max_length=2000)
    claim = StringField(max_length=1000)
    occurred_at = DateTimeField()
    photos = ListField(StringField(), max_length=9)  # blob sha256s
    complainant = EmbeddedDocumentField(Complainant)
    submitter_user_id = ObjectIdField()
    source = StringField(choices=("api", "web", "open311"), default="api")
    # what a channel sent beyond the complaint itself (Open311: media_url, email, device_id, account_id,
    # lat, long): kept for the handler, never shown publicly
    external = DictField()
    received_at = DateTimeField(required=True)
    received_on = DateField(required=True)  # the Asia/Shanghai date deadlines count from
    accept_due = DateField(required=True)
    handle_due = DateField()  # set on acceptance (reports: from receipt)
    current_due = DateField()  # the deadline of the stage it is in (for lists)
    extended = BooleanField(default=False)
    # A deadline counted through a year whose holidays the calendar did not know yet.
    deadlines_provisional = BooleanField(default=False)
    accepted_at = DateTimeField()
    refused_reason = StringField(max_length=1000)
    assigned_to = ObjectIdField()
    assigned_office = StringField(max_length=100)
    handling_note = StringField(max_length=2000)
    replies = ListField(EmbeddedDocumentField(Reply))
    closed_at = DateTimeField()
    closed_on_time = IntField()  # 1 / 0 once closed
    upheld = BooleanField()  # 查实, said on closing
    rating = IntField(min_value=1, max_value=5)
    rating_comment = StringField(max_length=500)
    timeline = ListField(EmbeddedDocumentField(Step))
    version = IntField(default=1)

    meta = {
        "collection": "complaints",
        "queryset_class": ComplaintQuerySet,
        "indexes": [
            "district_scopes",
            ("status", "current_due"),
            ("status", "-received_at"),
            "business_id",
            "category",
            "-received_at",
            "submitter_user_id",
        ],
    }

    def audit_view(self) -> dict:
        return {
            "number": self.number,
            "kind": self.kind,
            "status": self.status,
            "category": self.category,
            "district_code": self.district_code,
            "assigned_to": self.assigned_to,
            "current_due": self.current_due,
        }


class DailySequence(Document):
    """Per-day counters for tracking numbers ($inc is atomic, so numbers never repeat)."""

    key = StringField(primary_key=True)
    value = IntField(default=0)
    meta = {"collection": "daily_sequences"}


class PublicUpload(BaseDocument):
    """A photo uploaded before the complaint that uses it; referenced by an unguessable token."""

    token = StringField(required=True, unique=True)
    sha256 = StringField(required=True)
    content_type = StringField(required=True)
    size = IntField(required=True)
    uploader = StringField(required=True)  # hashed IP or user id: only who may use it
    meta = {"collection": "public_uploads", "indexes": [{"fields": ["created_at"], "expireAfterSeconds": 7 * 86400}]}
