from __future__ import annotations

from mongoengine import DateTimeField, DictField, IntField, ObjectIdField, QuerySet, StringField

from backend.core.models import BaseDocument

SENDING, SENT, REFUSED, FAILED = "sending", "sent", "refused", "failed"
INBOX = "inbox"  # kept for a console user to read in the platform (they have no WeChat here)
STATUSES = (SENDING, SENT, REFUSED, FAILED, INBOX)


class NotificationQuerySet(QuerySet):
    def of_business(self, business_id):
        return self.filter(business_id=business_id)

    def inbox_of(self, user_id):
        return self.filter(user_id=user_id, status=INBOX)


class Notification(BaseDocument):
    """One message to one person about one thing. `dedupe_key` is unique per person (every key names
    its person): claiming it is what makes a reminder go out once, however often the reminder run
    happens."""

    dedupe_key = StringField(required=True, max_length=200)
    kind = StringField(required=True, max_length=40)
    business_id = ObjectIdField()  # None: a message to a household (a citizen without a business)
    user_id = ObjectIdField(required=True)
    template = StringField(max_length=64)
    data = DictField()
    page = StringField(max_length=200)
    status = StringField(required=True, choices=STATUSES, default=SENDING)
    attempts = IntField(default=0)
    error = StringField(max_length=200)
    sent_at = DateTimeField()
    read_at = DateTimeField()  # an inbox message the user has opened

    meta = {
        "collection": "notifications",
        "queryset_class": NotificationQuerySet,
        # A person's messages are claimed, sent and read by that person's id.
        "shard_key": ("user_id",),
        "indexes": [
            {"fields": ["user_id", "dedupe_key"], "unique": True},
            "business_id",
            "status",
            ("user_id", "status", "-created_at"),
        ],
    }
