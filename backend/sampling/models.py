"""Samples and their results, imports, rapid tests, disposition cases, announcements, residents.

Samples are keyed by their sampling number (抽样编号, unique nationally) and hold their test items, so
an import writes whole documents with ids it knows in advance: no unique secondary index (mongomock
scans the collection on every insert into one) and no lookup per row. `ItemLedger` records which
exact item results are stored, keyed by a hash of the content, so a re-import learns what is unchanged
from the server refusing duplicate ids instead of from a query per row.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable, Mapping

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

from backend.core.districts import scope_prefix
from backend.core.models import BaseDocument, DistrictCodeField, ScopedQuerySet
from backend.core.principal import Principal

PASS, FAIL = "pass", "fail"
VERDICTS = (PASS, FAIL)
VERDICT_LABELS = {PASS: "合格", FAIL: "不合格"}

# imports
QUEUED, RUNNING, DONE, REFUSED, FAILED = "queued", "running", "done", "refused", "failed"
IMPORT_STATUSES = (QUEUED, RUNNING, DONE, REFUSED, FAILED)
WHOLE, PARTIAL = "whole", "partial"

# the kind of sampling a result belongs to, as labs' files name it in 任务来源/抽检类别 (监督抽检,
# 评价性抽检, 风险监测): pass rates are published per kind
SAMPLING_TYPES = {"supervisory": "监督抽检", "evaluative": "评价性抽检", "monitoring": "风险监测"}
_TYPE_WORDS = (("评价", "evaluative"), ("监测", "monitoring"), ("监督", "supervisory"))


def sampling_type(task_source: str | None) -> str | None:
    """The kind of sampling a task source names (None: it names none). Pure."""
    return next((kind for word, kind in _TYPE_WORDS if task_source and word in task_source), None)


# 食用农产品 in the 抽检 classification (蔬菜, 水果, 畜禽肉, 水产品, 鲜蛋, 豆类, 坚果籽类): the samples whose
# checks are mostly pesticide and veterinary-drug residues, which plans count on their own per 1,000
# residents (鄂尔多斯: 农兽药残留 2 批次/千人)
AGRICULTURAL_WORDS = ("食用农产品", "蔬菜", "水果", "畜禽肉", "水产品", "鲜蛋", "豆类", "生干坚果")


def is_agricultural(food_category: str | None) -> bool:
    """Whether a sample's category is an agricultural product (a residue sample). Pure."""
    return bool(food_category) and any(word in food_category for word in AGRICULTURAL_WORDS)


# disposition cases (核查处置)
OPEN, CLOSED = "open", "closed"
CASE_STATUSES = (OPEN, CLOSED)
SOURCE_SAMPLE, SOURCE_RAPID = "sample", "rapid_test"
ACTIONS = {
    "stopped_sale": "停止销售",
    "sealed": "封存",
    "recalled": "召回",
    "cause_found": "查明原因",
    "fixed": "整改",
    "reported": "报告",
}
OUTCOMES = {
    "penalty": "立案处罚",
    "warning": "责令改正/警告",
    "no_violation": "复检合格，未发现违法行为",
    "other": "其他",
}
# re-test requests (复检)
REQUESTED, ACCEPTED, DECLINED, RETESTED = "requested", "accepted", "declined", "retested"
RETEST_STATUSES = (REQUESTED, ACCEPTED, DECLINED, RETESTED)


class SampleItem(EmbeddedDocument):
    item = StringField(required=True, max_length=100)
    value = StringField(max_length=100)
    number = FloatField()
    unit = StringField(max_length=40)
    standard = StringField(max_length=200)
    verdict = StringField(required=True, choices=VERDICTS)
    microbiological = BooleanField(default=False)
    retest_verdict = StringField(choices=VERDICTS)  # the re-test's result replaces `verdict` when set


class SampleQuerySet(ScopedQuerySet):
    def _own(self, principal: Principal):
        from backend.registry.models import Membership

        mine = Membership.objects.business_ids(principal.user_id)
        return self.filter(business_id__in=mine)

    def announced(self):
        return self.filter(announcement_id__ne=None)

    def of_import(self, import_id):
        return self.filter(import_ids=import_id)


class Sample(BaseDocument):
    sampling_number = StringField(primary_key=True, max_length=40)
    task_source = StringField(max_length=200)
    sampled_on = DateField(required=True)
    business_id = ObjectIdField()  # None: a sampled unit not registered on the platform
    business_name = StringField(required=True, max_length=200)
    business_address = StringField(max_length=300)
    district_code = DistrictCodeField(required=True)
    district_scopes = ListField(StringField())
    producer_name = StringField(max_length=200)
    producer_address = StringField(max_length=300)
    producer_business_id = ObjectIdField()
    producer_district_scopes = ListField(StringField())
    food_name = StringField(required=True, max_length=200)
    spec = StringField(max_length=100)
    brand = StringField(max_length=100)
    production_date = StringField(max_length=60)  # 生产日期/批号 as printed: a date or a lot
    trace_code = StringField(max_length=64)
    food_category = StringField(required=True, max_length=100)
    lab = StringField(required=True, max_length=200)
    report_date = DateField(required=True)
    remarks = StringField(max_length=500)
    items = ListField(EmbeddedDocumentField(SampleItem), max_length=500)
    verdict = StringField(required=True, choices=VERDICTS)
    import_ids = ListField(ObjectIdField())
    announcement_id = ObjectIdField()
    announced_on = DateField()
    version = IntField(default=1, required=True)

    meta = {
        "collection": "samples",
        "queryset_class": SampleQuerySet,
        # Hashed on the sampling number (the id): an import writes and re-reads whole samples by number.
        "shard_key": ("sampling_number",),
        "indexes": [
            "district_scopes",
            "business_id",
            "announcement_id",
            "import_ids",
            "-sampled_on",
            ("-announced_on", "sampling_number"),  # the public results, newest announcement first
            ("verdict", "-announced_on", "sampling_number"),
        ],
    }

    def audit_view(self) -> dict:
        return {"sampling_number": self.sampling_number, "verdict": self.verdict, "items": len(self.items)}

    @property
    def failed_items(self) -> list[SampleItem]:
        return [item for item in self.items if effective_verdict(item) == FAIL]


def effective_verdict(item: SampleItem | Mapping) -> str:
    """An item's verdict: the re-test's when there was one (a SampleItem, or its stored form)."""
    if isinstance(item, Mapping):
        return item.get("retest_verdict") or item["verdict"]
    return item.retest_verdict or item.verdict


def sample_verdict(items: Iterable[SampleItem | Mapping]) -> str:
    """The one rule of a sample's verdict: failed when any item's effective verdict failed."""
    return FAIL if any(effective_verdict(item) == FAIL for item in items) else PASS


class ItemLedger(BaseDocument):
    """One stored item result, `_id` = sha256(sampling number, item, content): a re-import inserts the
    same ids, the duplicates are what it already has."""

    id = StringField(primary_key=True, max_length=64)
    sampling_number = StringField(required=True, max_length=40)
    import_id = ObjectIdField()

    meta = {"collection": "sample_item_ledger", "indexes": ["import_id"]}


class ImportQuerySet(ScopedQuerySet):
    pass


class SamplingImport(BaseDocument):
    """One uploaded result file and the background job that imports it (the RQ job id is this id)."""

    filename = StringField(required=True, max_length=200)
    file_sha256 = StringField(required=True, regex=r"^[0-9a-f]{64}$")
    file_format = StringField(required=True, choices=("csv", "xlsx"))
    size = IntField(required=True)
    mode = StringField(required=True, choices=(WHOLE, PARTIAL))
    district_code = DistrictCodeField(required=True)  # where unregistered sampled units are
    district_scopes = ListField(StringField())
    importer_id = ObjectIdField(required=True)
    importer_districts = ListField(StringField())
    importer_admin = BooleanField(default=False)
    phase = StringField(choices=("checking", "importing"))
    status = StringField(required=True, choices=IMPORT_STATUSES, default=QUEUED)
    rows_total = IntField()
    rows_done = IntField(default=0)
    error_count = IntField(default=0)
    errors = ListField(DictField(), max_length=1000)  # the first ones: row, column, reason
    unknown_columns = ListField(StringField(max_length=200), max_length=100)
    summary = DictField()
    changes = ListField(DictField(), max_length=200)  # the first changed items
    message = StringField(max_length=500)
    message_zh = StringField(max_length=500)
    started_at = DateTimeField()
    finished_at = DateTimeField()
    attempts = IntField(default=0)

    meta = {"collection": "sampling_imports", "queryset_class": ImportQuerySet, "indexes": ["district_scopes"]}

    def audit_view(self) -> dict:
        return {"filename": self.filename, "file_sha256": self.file_sha256, "mode": self.mode, "status": self.status}


class CaseAction(EmbeddedDocument):
    action = StringField(required=True, choices=tuple(ACTIONS))
    note = StringField(required=True, max_length=1000)
    photos = ListField(StringField(regex=r"^[0-9a-f]{64}$"), max_length=9)
    by = ObjectIdField(required=True)
    at = DateTimeField(required=True)


class RetestRequest(EmbeddedDocument):
    status = StringField(required=True, choices=RETEST_STATUSES)
    items = ListField(StringField(max_length=100), max_length=50)
    reason = StringField(max_length=1000)
    lab = StringField(max_length=200)  # the re-test lab (a different one)
    requested_by = ObjectIdField(required=True)
    requested_at = DateTimeField(required=True)
    decide_by = DateField(required=True)
    decided_by = ObjectIdField()
    decided_at = DateTimeField()
    decision_note = StringField(max_length=1000)
    result_verdict = StringField(choices=VERDICTS)
    result_at = DateTimeField()


class CaseQuerySet(ScopedQuerySet):
    def _own(self, principal: Principal):
        from backend.registry.models import Membership

        mine = Membership.objects.business_ids(principal.user_id)
        return self.filter(business_id__in=mine)

    def of_business(self, business_id):
        return self.filter(business_id=business_id)

    def overdue(self, today):
        return self.filter(status=OPEN, deadline__lt=today)


class DispositionCase(BaseDocument):
    """核查处置 of one failed sample or rapid test; `_id` is derived from it ("S-<sampling number>",
    "R-<rapid test id>"), so opening it twice is refused by the server, not by a lookup."""

    id = StringField(primary_key=True, max_length=60)
    source = StringField(required=True, choices=(SOURCE_SAMPLE, SOURCE_RAPID))
    sampling_number = StringField(max_length=40)
    rapid_test_id = ObjectIdField()
    business_id = ObjectIdField()
    business_name = StringField(required=True, max_length=200)
    district_scopes = ListField(StringField())  # the business's and, when registered, the producer's
    food_name = StringField(required=True, max_length=200)
    failed_items = ListField(StringField(max_length=100), max_length=100)
    microbiological_only = BooleanField(default=False)
    status = StringField(required=True, choices=CASE_STATUSES, default=OPEN)
    opened_at = DateTimeField(required=True)
    notified_on = DateField(required=True)
    retest_request_by = DateTimeField(required=True)  # the last moment a re-test may be requested
    deadline = DateField(required=True)
    deadline_provisional = BooleanField(default=False)
    actions = ListField(EmbeddedDocumentField(CaseAction), max_length=100)
    retest = EmbeddedDocumentField(RetestRequest)
    outcome = StringField(choices=tuple(OUTCOMES))
    outcome_note = StringField(max_length=2000)
    closed_at = DateTimeField()
    closed_by = ObjectIdField()
    version = IntField(default=1, required=True)

    meta = {
        "collection": "disposition_cases",
        "queryset_class": CaseQuerySet,
        "indexes": ["district_scopes", "business_id", ("status", "deadline")],
    }

    def audit_view(self) -> dict:
        return {
            "status": self.status,
            "source": self.source,
            "failed_items": list(self.failed_items),
            "retest": self.retest.status if self.retest else None,
            "actions": len(self.actions),
            "outcome": self.outcome,
        }


class RapidTestQuerySet(ScopedQuerySet):
    def _own(self, principal: Principal):
        from backend.registry.models import Membership

        mine = Membership.objects.business_ids(principal.user_id)
        return self.filter(business_id__in=mine)


class RapidTest(BaseDocument):
    """快检 by a market or canteen: a test card or strip read on site."""

    business_id = ObjectIdField(required=True)
    district_scopes = ListField(StringField())
    food_name = StringField(required=True, max_length=100)
    item = StringField(required=True, max_length=100)
    method = StringField(max_length=100)
    verdict = StringField(required=True, choices=VERDICTS)
    photo = StringField(regex=r"^[0-9a-f]{64}$")
    operator = StringField(required=True, max_length=32)
    tested_at = DateTimeField(required=True)
    entered_by = ObjectIdField(required=True)

    meta = {"collection": "rapid_tests", "queryset_class": RapidTestQuerySet, "indexes": ["business_id"]}

    def audit_view(self) -> dict:
        return {"item": self.item, "verdict": self.verdict, "food_name": self.food_name}


class AnnouncementQuerySet(ScopedQuerySet):
    pass


class Announcement(BaseDocument):
    """A batch of results a regulator makes public (公告), with its number and date."""

    number = StringField(required=True, max_length=60)
    title = StringField(required=True, max_length=200)
    announced_on = DateField(required=True)
    district_code = DistrictCodeField(required=True)
    district_scopes = ListField(StringField())
    city_code = StringField(required=True, max_length=6)
    samples = IntField(required=True)
    failed = IntField(required=True)
    announced_by = ObjectIdField(required=True)

    meta = {
        "collection": "sampling_announcements",
        "queryset_class": AnnouncementQuerySet,
        "indexes": [("district_scopes", "-announced_on")],  # a district's announcements, newest first
    }

    def audit_view(self) -> dict:
        return {"number": self.number, "samples": self.samples, "failed": self.failed}


class ResidentsQuerySet(ScopedQuerySet):
    def _for_regulator(self, principal: Principal):
        """The residents of the districts within the regulator's (a city's regulator: its counties')."""
        from mongoengine import Q

        prefixes = [Q(district_code__startswith=scope_prefix(own)) for own in principal.districts]
        return self.filter(functools.reduce(operator.or_, prefixes)) if prefixes else self.none()


class DistrictResidents(BaseDocument):
    """Residents of a district in a year (常住人口), kept by regulators, for samples per 1,000."""

    id = StringField(primary_key=True, max_length=12)  # "<district>-<year>"
    district_code = DistrictCodeField(required=True)
    year = IntField(required=True, min_value=2000, max_value=2199)
    residents = IntField(required=True, min_value=1, max_value=50_000_000)
    source = StringField(max_length=200)

    meta = {
        "collection": "district_residents",
        "queryset_class": ResidentsQuerySet,
        "indexes": [("year", "district_code"), ("district_code", "year")],
    }

    def audit_view(self) -> dict:
        return {"district_code": self.district_code, "year": self.year, "residents": self.residents}
