"""Targets (目标值) for the indicators of the catalogue: per district (a county, its city, its province,
or "*" for everywhere) and year (None: every year), set by an admin with the reason, each change kept;
and the monthly reports (指标月报), one PDF per district and month, made by the job worker."""

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

from backend.core.models import BaseDocument, DistrictCodeField, ScopedQuerySet

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


QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
REPORT_STATUSES = (QUEUED, RUNNING, DONE, FAILED)


class IndicatorReport(BaseDocument):
    """指标月报: every indicator of a district for a month against its target, with trends and the lists
    behind the misses, as a PDF kept as a blob. Made again on demand (the same record, a new PDF)."""

    district_code = DistrictCodeField(required=True)
    district_scopes = ListField(StringField())
    month = StringField(required=True, regex=r"^\d{4}-(0[1-9]|1[0-2])$")
    status = StringField(required=True, choices=REPORT_STATUSES, default=QUEUED)
    requested_by = ObjectIdField()  # None: the first-working-day schedule
    done = IntField(default=0)  # indicators evaluated so far
    total = IntField(default=0)
    pdf_sha256 = StringField(max_length=64)
    pdf_bytes = IntField()
    missed = IntField()
    message = StringField(max_length=500)
    finished_at = DateTimeField()

    meta = {
        "collection": "indicator_reports",
        "queryset_class": ScopedQuerySet,
        "indexes": [{"fields": ["district_code", "month"], "unique": True}, ("district_scopes", "-month")],
    }

    def audit_view(self) -> dict:
        return {"district_code": self.district_code, "month": self.month, "status": self.status}
