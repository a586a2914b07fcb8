"""The base every MongoEngine document derives from."""
from __future__ import annotations

from mongoengine import DateTimeField, Document

from backend.core.timeutil import utcnow


class BaseDocument(Document):
    meta = {"abstract": True}

    created_at = DateTimeField(default=utcnow, required=True)
    updated_at = DateTimeField(default=utcnow, required=True)

    def save(self, *args, **kwargs):
        self.updated_at = utcnow()
        return super().save(*args, **kwargs)
