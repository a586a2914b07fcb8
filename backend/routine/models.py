from __future__ import annotations

from mongoengine import (
    DateField,
    DateTimeField,
    EmbeddedDocument,
    EmbeddedDocumentField,
    IntField,
    ListField,
    ObjectIdField,
    QuerySet,
    StringField,
)

from backend.core.models import BaseDocument, ScopedQuerySet
from backend.core.principal import Principal

PASSED, FAILED, NOT_APPLICABLE = "passed", "failed", "not_applicable"
RESULTS = (PASSED, FAILED, NOT_APPLICABLE)
ASSESSMENTS = {"good": "良好", "fair": "一般", "poor": "较差"}
FIX_STATUSES = ("open", "in_progress", "done")
NO_PROBLEM_TEXT = "未发现风险隐患"


class RoutineQuerySet(ScopedQuerySet):
    def _own(self, principal: Principal):
        from backend.registry.models import Membership

        return self.filter(business_id__in=Membership.objects.business_ids(principal.user_id))

    def of_business(self, business_id):
        return self.filter(business_id=business_id)


class RiskItem(EmbeddedDocument):
    code = StringField(required=True, max_length=40)
    text = StringField(required=True, max_length=200)
    own = StringField(max_length=8)  # "own" when the business added it, else from the template


class RiskControlList(BaseDocument):
    """风险管控清单: started from the template of the business's kind; the business may add items."""

    id = ObjectIdField(primary_key=True)  # the business id
    template = StringField(required=True)
    items = ListField(EmbeddedDocumentField(RiskItem), max_length=200)

    meta = {"collection": "risk_control_lists"}


class Signature(EmbeddedDocument):
    user_id = ObjectIdField(required=True)
    name = StringField(required=True, max_length=32)
    at = DateTimeField(required=True)


class CheckResult(EmbeddedDocument):
    item = StringField(required=True, max_length=40)
    result = StringField(required=True, choices=RESULTS)
    note = StringField(max_length=500)
    photo_sha256 = StringField(regex=r"^[0-9a-f]{64}$")


class _RoutineRecord(BaseDocument):
    meta = {"abstract": True}

    business_id = ObjectIdField(required=True)
    district_scopes = ListField(StringField())
    client_id = StringField(required=True, max_length=64)  # made by the phone: a resubmission is the same record
    signature = EmbeddedDocumentField(Signature, required=True)


class DailyCheck(_RoutineRecord):
    """每日食品安全检查记录: every item of the list as passed, failed or not applicable, signed."""

    day = DateField(required=True)
    results = ListField(EmbeddedDocumentField(CheckResult), max_length=200)
    summary = StringField(max_length=500)  # NO_PROBLEM_TEXT when nothing failed
    escalated_to = ListField(StringField(max_length=32))  # the director or head told of the problems
    version = IntField(default=1, required=True)  # a correction names the version it read

    meta = {
        "collection": "daily_checks",
        "shard_key": ("business_id",),  # a business writes and reads its own records
        "queryset_class": RoutineQuerySet,
        "indexes": [
            {"fields": ["business_id", "day"], "unique": True},
            {"fields": ["business_id", "client_id"], "unique": True},
            "district_scopes",
        ],
    }

    @property
    def problems(self) -> list[CheckResult]:
        return [r for r in self.results if r.result == FAILED]


class Fix(EmbeddedDocument):
    problem = StringField(required=True, max_length=500)
    refers_to = StringField(max_length=60)  # "2026-11-30:cold_chain": a daily problem
    owner = StringField(required=True, max_length=32)
    deadline = DateField(required=True)
    status = StringField(required=True, choices=FIX_STATUSES, default="open")


class WeeklyReport(_RoutineRecord):
    """每周食品安全排查治理报告: the week's problems, the fixes, an overall assessment."""

    week_start = DateField(required=True)  # the Monday
    problems = ListField(StringField(max_length=60), max_length=200)  # daily problems it refers to
    fixes = ListField(EmbeddedDocumentField(Fix), max_length=100)
    assessment = StringField(required=True, choices=tuple(ASSESSMENTS))

    meta = {
        "collection": "weekly_reports",
        "shard_key": ("business_id",),  # a business writes and reads its own records
        "queryset_class": RoutineQuerySet,
        "indexes": [
            {"fields": ["business_id", "week_start"], "unique": True},
            {"fields": ["business_id", "client_id"], "unique": True},
            "district_scopes",
        ],
    }


class MonthlyReport(_RoutineRecord):
    """每月食品安全调度会议纪要: the head's meeting with the director."""

    month = StringField(required=True, regex=r"^\d{4}-(0[1-9]|1[0-2])$")
    held_on = DateField(required=True)
    attendees = ListField(StringField(max_length=32), max_length=50)
    problems = StringField(required=True, max_length=2000)
    decisions = StringField(required=True, max_length=2000)
    next_focus = StringField(required=True, max_length=2000)

    meta = {
        "collection": "monthly_reports",
        "shard_key": ("business_id",),  # a business writes and reads its own records
        "queryset_class": RoutineQuerySet,
        "indexes": [
            {"fields": ["business_id", "month"], "unique": True},
            {"fields": ["business_id", "client_id"], "unique": True},
            "district_scopes",
        ],
    }


class RoutinePhotoQuerySet(QuerySet):
    def missing(self, business_id, shas) -> set[str]:
        """Of these photos (SHA-256s), those not uploaded for this business: the one check every record
        naming photos makes (a photo of another business's, or none, is refused)."""
        wanted = set(shas or ())
        if not wanted:
            return set()
        if business_id is None:
            return wanted
        return wanted - set(self.filter(business_id=business_id, sha256__in=sorted(wanted)).distinct("sha256"))


class RoutinePhoto(BaseDocument):
    """A photo taken for a failed check item, uploaded before the record that names it."""

    business_id = ObjectIdField(required=True)
    sha256 = StringField(required=True, regex=r"^[0-9a-f]{64}$")
    uploaded_by = ObjectIdField(required=True)

    meta = {
        "collection": "routine_photos",
        "shard_key": ("business_id",),  # a business writes and reads its own records
        "indexes": [("business_id", "sha256")],
        "queryset_class": RoutinePhotoQuerySet,
    }
