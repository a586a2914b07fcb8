"""包保: officials (包保干部) paired with businesses, the pledges they and the business heads sign,
the quarter's supervision tasks with their findings, and violations handed to the 食安办."""

from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateField,
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

from backend.core.models import BaseDocument, DistrictCodeField, ScopedQuerySet
from backend.core.principal import OFFICE, OFFICIAL, Principal

# the four levels of officials (not the risk grade): city leaders down to the grid
LEVELS = {"city": "市级", "town": "镇（街道）级", "village": "村（社区）级", "grid": "网格"}


class SupervisionQuerySet(ScopedQuerySet):
    """The 食安办 sees its districts like a regulator; an official only what is paired with them."""

    def visible_to(self, principal: Principal):
        if principal.role == OFFICE:
            return self._for_regulator(principal)
        if principal.role == OFFICIAL:
            return self._for_official(principal)
        return super().visible_to(principal)

    def _for_official(self, principal: Principal):
        return self.filter(official_user_id=principal.user_id)


class OfficialQuerySet(SupervisionQuerySet):
    def _for_official(self, principal: Principal):
        return self.filter(user_id=principal.user_id)

    def bound_to(self, user_id):
        return self.filter(user_id=user_id, active=True)


class Official(BaseDocument):
    """包保干部: a person with a level, an organisation and a district; bound to a WeChat user by an
    invitation code (kept as a hash) so they sign in on the phone."""

    name = StringField(required=True, max_length=32)
    level = StringField(required=True, choices=tuple(LEVELS))
    organisation = StringField(required=True, max_length=100)
    position = StringField(max_length=64)
    district_code = DistrictCodeField(required=True)
    district_scopes = ListField(StringField())
    phone = StringField(max_length=20)
    user_id = ObjectIdField()  # the bound WeChat user
    invitation_hash = StringField(max_length=64)
    invitation_expires_at = DateTimeField()
    active = BooleanField(default=True)
    created_by = ObjectIdField()
    version = IntField(default=1, required=True)

    meta = {
        "collection": "supervision_officials",
        "queryset_class": OfficialQuerySet,
        "indexes": [
            ("district_scopes", "level"),
            {"fields": ["user_id"], "unique": True, "partialFilterExpression": {"user_id": {"$type": "objectId"}}},
            {"fields": ["invitation_hash"], "sparse": True},
        ],
    }

    def audit_view(self) -> dict:
        return {
            "name": self.name,
            "level": self.level,
            "organisation": self.organisation,
            "district_code": self.district_code,
            "user_id": self.user_id,
            "active": self.active,
        }


class AssignmentQuerySet(SupervisionQuerySet):
    def current(self):
        return self.filter(current=True)

    def of_official(self, official_id):
        return self.filter(official_id=official_id)


class Assignment(BaseDocument):
    """One official paired with one business from `since`; a reassignment ends it (`until`) and starts
    another, so the history stays. One current assignment per business."""

    official_id = ObjectIdField(required=True)
    official_user_id = ObjectIdField()  # the official's bound user, for their scoped reads
    official_name = StringField(required=True, max_length=32)
    level = StringField(required=True, choices=tuple(LEVELS))
    business_id = ObjectIdField(required=True)
    business_name = StringField(required=True, max_length=100)
    business_kind = StringField(max_length=40)
    district_scopes = ListField(StringField())
    since = DateField(required=True)
    until = DateField()
    current = BooleanField(default=True)
    assigned_by = ObjectIdField()
    reason = StringField(max_length=500)

    meta = {
        "collection": "supervision_assignments",
        "queryset_class": AssignmentQuerySet,
        "indexes": [
            {"fields": ["business_id"], "unique": True, "partialFilterExpression": {"current": True}},
            ("official_id", "current"),
            ("official_user_id", "current"),
            ("district_scopes", "current"),
            ("current", "district_scopes"),  # the quarter's task generation, over every district or some
        ],
    }


PLEDGE_KINDS = {"official": "包保干部", "business": "经营者主要负责人"}


class PledgeQuerySet(SupervisionQuerySet):
    def _for_official(self, principal: Principal):
        return self.filter(user_id=principal.user_id)


class Pledge(BaseDocument):
    """承诺书 signed in the app: which text (version and SHA-256), who, when, from which device."""

    kind = StringField(required=True, choices=tuple(PLEDGE_KINDS))
    subject_id = ObjectIdField(required=True)  # the official, or the business
    district_scopes = ListField(StringField())
    user_id = ObjectIdField(required=True)
    signed_name = StringField(required=True, max_length=32)
    text_version = IntField(required=True)
    text_sha256 = StringField(required=True, max_length=64)
    device = StringField(max_length=200)
    signed_at = DateTimeField(required=True)

    meta = {
        "collection": "supervision_pledges",
        "queryset_class": PledgeQuerySet,
        "indexes": [
            {"fields": ["kind", "subject_id", "text_version"], "unique": True},
            ("district_scopes", "kind", "text_version"),
        ],
    }


OPEN, DONE = "open", "done"
ON_SITE, REMOTE = "on_site", "remote"
MODES = {ON_SITE: "现场督导", REMOTE: "远程督导"}
MINOR, VIOLATION = "minor", "violation"
FINDING_KINDS = {MINOR: "一般风险（现场整改）", VIOLATION: "违法违规（移交食安办）"}


class ItemResult(EmbeddedDocument):
    item = StringField(required=True, max_length=40)
    result = StringField(required=True, choices=("passed", "failed", "not_applicable"))
    note = StringField(max_length=500)


class Finding(EmbeddedDocument):
    kind = StringField(required=True, choices=tuple(FINDING_KINDS))
    note = StringField(required=True, max_length=1000)
    rectification_id = ObjectIdField()  # a minor risk: the business fixes it in the rectification loop
    handover_id = ObjectIdField()  # a violation: handed to the 食安办


class TaskQuerySet(SupervisionQuerySet):
    def of_quarter(self, quarter: str):
        return self.filter(quarter=quarter)

    def overdue(self, today):
        return self.filter(status=OPEN, due_on__lt=today)


class SupervisionTask(BaseDocument):
    """督导: one of an assignment's tasks in a quarter, done on site or remotely, with the checklist's
    results, photos, position and time, and what it found."""

    assignment_id = ObjectIdField(required=True)
    official_id = ObjectIdField(required=True)
    official_user_id = ObjectIdField()
    official_name = StringField(max_length=32)
    level = StringField(choices=tuple(LEVELS))
    business_id = ObjectIdField(required=True)
    business_name = StringField(max_length=100)
    district_scopes = ListField(StringField())
    quarter = StringField(required=True, regex=r"^\d{4}-Q[1-4]$")
    seq = IntField(required=True, min_value=1)
    due_on = DateField(required=True)
    on_site_required = BooleanField(default=False)  # high-risk businesses are supervised in person
    status = StringField(required=True, choices=(OPEN, DONE), default=OPEN)
    mode = StringField(choices=tuple(MODES))
    checklist_version = IntField()
    results = ListField(EmbeddedDocumentField(ItemResult), max_length=100)
    photos = ListField(StringField(max_length=64), max_length=9)
    captures = ListField(StringField(max_length=64), max_length=9)  # camera frames kept on a remote visit
    latitude = FloatField(min_value=-90, max_value=90)
    longitude = FloatField(min_value=-180, max_value=180)
    done_at = DateTimeField()
    findings = ListField(EmbeddedDocumentField(Finding), max_length=20)
    version = IntField(default=1, required=True)

    meta = {
        "collection": "supervision_tasks",
        "queryset_class": TaskQuerySet,
        "indexes": [
            {"fields": ["assignment_id", "quarter", "seq"], "unique": True},
            ("official_user_id", "status", "due_on"),
            ("district_scopes", "quarter", "status"),
            ("business_id", "-due_on"),
            "official_id",
            ("status", "due_on"),  # the daily reminders of tasks due and overdue
        ],
    }


PENDING, PASSED, RETURNED = "pending", "passed", "returned"


class Handover(BaseDocument):
    """A violation an official found, handed to the 食安办, which passes it to the regulators as a lead
    (or returns it with the reason)."""

    task_id = ObjectIdField(required=True)
    business_id = ObjectIdField(required=True)
    business_name = StringField(max_length=100)
    district_scopes = ListField(StringField())
    official_user_id = ObjectIdField()
    note = StringField(required=True, max_length=1000)
    evidence = ListField(StringField(max_length=64), max_length=18)
    status = StringField(required=True, choices=(PENDING, PASSED, RETURNED), default=PENDING)
    decided_by = ObjectIdField()
    decided_at = DateTimeField()
    reason = StringField(max_length=1000)
    version = IntField(default=1, required=True)

    meta = {
        "collection": "supervision_handovers",
        "queryset_class": SupervisionQuerySet,
        "indexes": [("district_scopes", "status"), "task_id"],
    }


IMPORT_STATUSES = ("queued", "running", "done", "failed")


class AssignmentImport(BaseDocument):
    """Pairings from a spreadsheet, run by the job worker: its progress, and the rows it refused (then
    nothing was written) or what it paired."""

    file_sha256 = StringField(required=True, max_length=64)
    filename = StringField(max_length=200)
    district_scopes = ListField(StringField())
    importer_id = ObjectIdField(required=True)
    importer_role = StringField(required=True)
    importer_districts = ListField(StringField())
    status = StringField(required=True, choices=IMPORT_STATUSES, default="queued")
    rows_total = IntField(default=0)
    rows_done = IntField(default=0)
    phase = StringField(max_length=20)  # checking, pairing
    row_errors = DictField()  # "row 3" → [messages], at most 200 rows
    paired = IntField()
    message = StringField(max_length=500)
    finished_at = DateTimeField()

    meta = {
        "collection": "supervision_imports",
        "queryset_class": SupervisionQuerySet,
        "indexes": [("district_scopes", "-created_at")],
    }
