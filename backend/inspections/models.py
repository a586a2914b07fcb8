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
    QuerySet,
    StringField,
)

from backend.core.models import BaseDocument, ScopedQuerySet
from backend.core.principal import Principal
from backend.inspections.rules import GRADE_LABELS, RESULT_LABELS, RESULTS_OF_ITEMS

TYPES = {
    "routine": "日常检查",
    "special": "专项检查",
    "random": "双随机抽查",
    "follow_up": "跟踪复查",
    "complaint": "投诉举报核查",
}
DRAFT, SIGNED = "draft", "signed"
OPEN, SUBMITTED, ACCEPTED = "open", "submitted", "accepted"
RECTIFICATION_STATUSES = (OPEN, SUBMITTED, ACCEPTED)


class ChecklistItem(EmbeddedDocument):
    code = StringField(required=True, max_length=40)
    text = StringField(required=True, max_length=300)
    key = BooleanField(required=True)
    points = IntField(required=True, min_value=1, max_value=100)


class ChecklistQuerySet(QuerySet):
    def latest_for(self, kind: str):
        return self.filter(kind=kind).order_by("-version").first()


class Checklist(BaseDocument):
    """One version of a checklist; versions never change, an inspection keeps the one it used."""

    kind = StringField(required=True, max_length=40)
    version = IntField(required=True, min_value=1)
    name = StringField(required=True, max_length=100)
    source = StringField(max_length=500)
    business_kinds = ListField(StringField(max_length=40))
    basically_max_general = IntField(required=True, min_value=0)
    items = ListField(EmbeddedDocumentField(ChecklistItem), max_length=300)

    meta = {
        "collection": "checklists",
        "queryset_class": ChecklistQuerySet,
        "indexes": [{"fields": ["kind", "version"], "unique": True}],
    }

    def audit_view(self) -> dict:
        return {
            "kind": self.kind,
            "version": self.version,
            "name": self.name,
            "items": len(self.items),
            "key_items": sum(1 for i in self.items if i.key),
        }

    @property
    def items_as_dicts(self) -> list[dict]:
        return [{"code": i.code, "text": i.text, "key": i.key, "points": i.points} for i in self.items]

    def item_rules(self) -> dict[str, dict]:
        return {item.code: {"key": item.key, "points": item.points} for item in self.items}


class ItemResult(EmbeddedDocument):
    item = StringField(required=True, max_length=40)
    result = StringField(required=True, choices=RESULTS_OF_ITEMS)
    note = StringField(max_length=500)
    photos = ListField(StringField(regex=r"^[0-9a-f]{64}$"), max_length=9)


class InspectionPhoto(BaseDocument):
    """A photo an inspector took, uploaded before the item result that names it."""

    sha256 = StringField(required=True, regex=r"^[0-9a-f]{64}$")
    uploaded_by = ObjectIdField(required=True)

    meta = {"collection": "inspection_photos", "indexes": [("uploaded_by", "sha256"), "sha256"]}


class Acknowledgement(EmbeddedDocument):
    user_id = ObjectIdField(required=True)
    name = StringField(required=True, max_length=32)
    at = DateTimeField(required=True)


class InspectionQuerySet(ScopedQuerySet):
    def _own(self, principal: Principal):
        from backend.registry.models import Membership

        mine = Membership.objects.business_ids(principal.user_id)
        return self.filter(business_id__in=mine, status=SIGNED)  # a business sees signed inspections only

    def signed(self):
        return self.filter(status=SIGNED)


class Inspection(BaseDocument):
    business_id = ObjectIdField(required=True)
    district_scopes = ListField(StringField())
    checklist_id = ObjectIdField(required=True)
    checklist_kind = StringField(required=True)
    checklist_version = IntField(required=True)
    inspected_on = DateField(required=True)
    type = StringField(required=True, choices=tuple(TYPES))
    complaint_number = StringField(max_length=32)
    inspectors = ListField(ObjectIdField(), required=True)
    inspector_names = ListField(StringField(max_length=64))  # as named on the record, in the order of ids
    results = ListField(EmbeddedDocumentField(ItemResult), max_length=300)
    status = StringField(required=True, choices=(DRAFT, SIGNED), default=DRAFT)
    result = StringField(choices=tuple(RESULT_LABELS))
    score = FloatField()
    dynamic_grade = StringField(choices=tuple(GRADE_LABELS))
    graded = BooleanField(default=False)  # False when a new licence (or no item checked) withholds a grade
    corrects = ObjectIdField()  # the signed inspection this one corrects
    signed_at = DateTimeField()
    signed_by = ObjectIdField()
    acknowledgement = EmbeddedDocumentField(Acknowledgement)
    version = IntField(default=1)

    meta = {
        "collection": "inspections",
        "queryset_class": InspectionQuerySet,
        "indexes": [("business_id", "inspected_on"), "district_scopes", "status"],
    }

    def audit_view(self) -> dict:
        return {
            "business_id": self.business_id,
            "status": self.status,
            "result": self.result,
            "score": self.score,
            "dynamic_grade": self.dynamic_grade,
            "inspected_on": self.inspected_on,
            "checklist": f"{self.checklist_kind}-v{self.checklist_version}",
            "corrects": self.corrects,
        }


class Evidence(EmbeddedDocument):
    note = StringField(required=True, max_length=1000)
    photos = ListField(StringField(regex=r"^[0-9a-f]{64}$"), max_length=9)
    at = DateTimeField(required=True)
    by = ObjectIdField(required=True)


class RectificationQuerySet(ScopedQuerySet):
    def _own(self, principal: Principal):
        from backend.registry.models import Membership

        return self.filter(business_id__in=Membership.objects.business_ids(principal.user_id))

    def unfinished(self):
        return self.filter(status__in=(OPEN, SUBMITTED))

    def overdue(self, today):
        return self.unfinished().filter(deadline__lt=today)


RECTIFICATION_SOURCES = {"inspection": "监督检查", "supervision": "包保督导"}


class Rectification(BaseDocument):
    """整改: one failed item of a signed inspection (or a minor risk a 包保 official found: `source`),
    followed until the regulator accepts the fix."""

    source = StringField(choices=tuple(RECTIFICATION_SOURCES), default="inspection")
    inspection_id = ObjectIdField(required=True)  # the inspection, or the supervision task
    business_id = ObjectIdField(required=True)
    district_scopes = ListField(StringField())
    item = StringField(required=True, max_length=40)
    text = StringField(max_length=300)
    key = BooleanField(required=True)
    deadline = DateField(required=True)
    status = StringField(required=True, choices=RECTIFICATION_STATUSES, default=OPEN)
    evidence = ListField(EmbeddedDocumentField(Evidence), max_length=20)
    review_note = StringField(max_length=1000)
    version = IntField(default=1)

    meta = {
        "collection": "rectifications",
        "queryset_class": RectificationQuerySet,
        "indexes": [("business_id", "status"), "district_scopes", ("status", "deadline"), "inspection_id"],
    }

    def overdue_on(self, today) -> bool:
        """Past its deadline and not yet accepted (the same rule as the queryset's `overdue`)."""
        return self.status in (OPEN, SUBMITTED) and self.deadline < today

    def audit_view(self) -> dict:
        return {
            "source": self.source,
            "inspection_id": self.inspection_id,
            "item": self.item,
            "status": self.status,
            "deadline": self.deadline,
            "evidence": len(self.evidence),
        }


class GradeChange(EmbeddedDocument):
    level = StringField(choices=("A", "B", "C"))
    since = DateField(required=True)
    until = DateField()
    reason = StringField(required=True, max_length=500)
    by = ObjectIdField()  # a regulator when set by hand


class AnnualGrade(BaseDocument):
    """The business's annual grade (A / B / C, shown green / yellow / red) and how it came to be."""

    id = ObjectIdField(primary_key=True)  # the business id
    level = StringField(choices=("A", "B", "C"))
    since = DateField()
    history = ListField(EmbeddedDocumentField(GradeChange), max_length=500)
    scores = DictField()

    meta = {"collection": "annual_grades"}


class RiskChange(EmbeddedDocument):
    level = StringField(required=True, choices=("A", "B", "C", "D"))
    score = FloatField(required=True)
    since = DateField(required=True)
    until = DateField()
    inputs = DictField()


class RiskGrade(BaseDocument):
    """The risk grade A–D for regulators (never public): how closely a business is supervised."""

    id = ObjectIdField(primary_key=True)  # the business id
    district_scopes = ListField(StringField())
    level = StringField(required=True, choices=("A", "B", "C", "D"))
    score = FloatField(required=True)
    inputs = DictField()
    since = DateField(required=True)
    history = ListField(EmbeddedDocumentField(RiskChange), max_length=500)

    meta = {"collection": "risk_grades", "indexes": ["district_scopes", "level"]}


class RandomDraw(BaseDocument):
    """双随机: businesses drawn from a filter and paired with inspectors, reproducible from the seed."""

    district_scopes = ListField(StringField())
    drawn_by = ObjectIdField(required=True)
    seed = StringField(required=True, max_length=64)
    criteria = DictField()
    candidates = ListField(StringField())  # the business ids the draw chose from, in a fixed order
    inspectors = ListField(StringField())  # the inspector ids, in a fixed order
    excluded = DictField()  # business id -> inspectors who inspected it in the last year
    pairs = ListField(DictField())  # [{"business_id", "inspectors": [...]}]

    meta = {
        "collection": "random_draws",
        "indexes": [("district_scopes", "-created_at")],
        "queryset_class": ScopedQuerySet,  # a draw is its businesses' districts'
    }

    @property
    def candidate_count(self) -> int:
        return len(self.candidates)

    def audit_view(self) -> dict:
        return {"seed": self.seed, "criteria": self.criteria, "candidates": len(self.candidates), "pairs": self.pairs}
