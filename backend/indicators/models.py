"""Targets (目标值) for the indicators of the catalogue: per district (a county, its city, its province,
or "*" for everywhere) and year (None: every year), set by an admin with the reason, each change kept."""

from __future__ import annotations

from mongoengine import (
    DateTimeField,
    EmbeddedDocument,
    EmbeddedDocumentField,
    FloatField,
    IntField,
    ListField,
    ObjectIdField,
    StringField,
)

from backend.core.models import BaseDocument

EVERYWHERE = "*"


class TargetChange(EmbeddedDocument):
    value = FloatField()  # None: the catalogue's again
    reason = StringField(max_length=500)
    by = ObjectIdField()
    at = DateTimeField(required=True)


class Target(BaseDocument):
    code = StringField(required=True, max_length=80)
    district_code = StringField(required=True, max_length=6)  # or "*"
    year = IntField()  # None: every year
    value = FloatField(required=True)
    reason = StringField(max_length=500)
    set_by = ObjectIdField()
    history = ListField(EmbeddedDocumentField(TargetChange), max_length=200)

    meta = {
        "collection": "indicator_targets",
        "indexes": [{"fields": ["code", "district_code", "year"], "unique": True}, "district_code"],
    }
