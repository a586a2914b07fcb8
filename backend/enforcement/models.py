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

from backend.core.models import BaseDocument, ScopedQuerySet
from backend.core.principal import Principal

# where a lead comes from: the record it names
SOURCES = {
    "camera": "摄像头抓拍或事件",
    "inspection": "监督检查不符合项",
    "sample": "抽检不合格处置",
    "complaint": "投诉举报查实",
    "recall": "召回未确认",
    "supervision": "包保督导发现",
    "incident": "食品安全事故",
    "manual": "人工登记",
}
NEW, DISMISSED, RECTIFICATION, CASE_OPENED = "new", "dismissed", "rectification", "case_opened"
LEAD_STATUSES = (NEW, DISMISSED, RECTIFICATION, CASE_OPENED)
REVIEW_ACTIONS = {"dismiss": DISMISSED, "rectify": RECTIFICATION, "open_case": CASE_OPENED}

ORDINARY, SIMPLIFIED = "ordinary", "simplified"
# the ordinary procedure's states, in order; the simplified one is decided (and delivered) at once
FILED, NOTIFIED, DECIDED, DELIVERED, EXECUTED, CLOSED = (
    "filed",
    "notified",
    "decided",
    "delivered",
    "executed",
    "closed",
)
CASE_STATUSES = (FILED, NOTIFIED, DECIDED, DELIVERED, EXECUTED, CLOSED)
OPEN_CASE_STATUSES = (FILED, NOTIFIED, DECIDED, DELIVERED, EXECUTED)
PENALTY_KINDS = {
    "warning": "警告",
    "fine": "罚款",
    "confiscation": "没收违法所得、非法财物",
    "suspension": "责令停产停业",
    "revocation": "吊销许可证",
}
DELIVERY_METHODS = {"electronic": "电子送达", "in_person": "直接送达", "post": "邮寄送达"}
EXECUTIONS = {"paid": "已缴纳罚款", "performed": "已履行", "enforced": "申请强制执行"}


class LeadQuerySet(ScopedQuerySet):
    def _own(self, principal: Principal):
        from backend.registry.models import Membership

        return self.filter(business_id__in=Membership.objects.business_ids(principal.user_id))

    def of_business(self, business_id):
        return self.filter(business_id=business_id)

    def overdue(self, today):
        """Leads not reviewed by their filing deadline."""
        return self.filter(status=NEW, filing_due__lt=today)

    def from_source(self, kind: str, source_id: str):
        return self.filter(source_kind=kind, source_id=source_id)


STANCES = {"confirm": "确认并整改", "dispute": "有异议"}


class LeadResponse(EmbeddedDocument):
    """The business's answer to a lead handed to it: confirmed and fixed (with photos), or disputed."""

    stance = StringField(required=True, choices=tuple(STANCES))
    note = StringField(required=True, max_length=1000)
    photos = ListField(StringField(max_length=64), max_length=9)
    by = ObjectIdField(required=True)
    at = DateTimeField(required=True)


class Lead(BaseDocument):
    """线索: what may be a violation, naming its source record and evidence; a person reviews it
    before anything is done with it (machine findings are never evidence unreviewed)."""

    business_id = ObjectIdField(required=True)
    business_name = StringField(max_length=100)
    district_scopes = ListField(StringField())
    source_kind = StringField(required=True, choices=tuple(SOURCES))
    source_id = StringField(max_length=64)  # the record it came from (None: by hand)
    summary = StringField(required=True, max_length=1000)
    evidence = ListField(StringField(max_length=64), max_length=20)  # blob SHA-256s
    # the same pictures with faces blurred, by position ("" where there is none): what everyone but the
    # case's officer sees, the business included
    shown_evidence = ListField(StringField(max_length=64), max_length=20)
    received_on = DateField(required=True)
    filing_due = DateField(required=True)  # reviewed, and a case filed or not, by then
    status = StringField(required=True, choices=LEAD_STATUSES, default=NEW)
    registered_by = ObjectIdField()  # None: raised by the platform from its source
    reviewed_by = ObjectIdField()
    reviewed_at = DateTimeField()
    review_reason = StringField(max_length=1000)
    rectification_due = DateField()  # when handed to the business
    response = EmbeddedDocumentField(LeadResponse)
    case_id = ObjectIdField()
    version = IntField(default=1, required=True)

    meta = {
        "collection": "enforcement_leads",
        "queryset_class": LeadQuerySet,
        "indexes": [
            ("district_scopes", "status", "filing_due"),
            ("business_id", "-received_on"),
            # one lead per source record: a hook run twice raises nothing new
            {
                "fields": ["source_kind", "source_id"],
                "unique": True,
                "partialFilterExpression": {"source_id": {"$type": "string"}},
            },
        ],
    }


class Penalty(EmbeddedDocument):
    kind = StringField(required=True, choices=tuple(PENALTY_KINDS))
    amount_yuan = IntField(min_value=0)  # a fine's amount

    @property
    def label(self) -> str:
        words = PENALTY_KINDS[self.kind]
        return f"{words} {self.amount_yuan} 元" if self.kind == "fine" and self.amount_yuan else words


class Notice(EmbeddedDocument):
    """告知: the facts, the rule broken, the intended penalties and the party's rights."""

    facts = StringField(required=True, max_length=4000)
    rule_broken = StringField(required=True, max_length=1000)
    intended = ListField(EmbeddedDocumentField(Penalty), max_length=5)
    notified_on = DateField(required=True)
    statement_due = DateField(required=True)
    hearing_eligible = BooleanField(default=False)
    hearing_due = DateField()


class Statement(EmbeddedDocument):
    text = StringField(required=True, max_length=4000)
    photos = ListField(StringField(max_length=64), max_length=9)
    by = ObjectIdField(required=True)
    at = DateTimeField(required=True)


class Decision(EmbeddedDocument):
    penalties = ListField(EmbeddedDocumentField(Penalty), max_length=5)  # empty: no penalty
    no_penalty_reason = StringField(max_length=1000)
    decided_on = DateField(required=True)
    decided_by = ObjectIdField(required=True)
    delivery_due = DateField(required=True)


class Extension(EmbeddedDocument):
    days = IntField(required=True)
    reason = StringField(required=True, max_length=1000)
    approved_by = StringField(required=True, max_length=64)  # the named official
    by = ObjectIdField(required=True)
    at = DateTimeField(required=True)


class Delivery(EmbeddedDocument):
    method = StringField(required=True, choices=tuple(DELIVERY_METHODS))
    delivered_on = DateField(required=True)
    note = StringField(max_length=500)


class Execution(EmbeddedDocument):
    kind = StringField(required=True, choices=tuple(EXECUTIONS))
    on = DateField(required=True)
    note = StringField(max_length=500)


class CaseEvidence(EmbeddedDocument):
    """证据: a picture or a PDF kept as a blob (its SHA-256 shows it unaltered), with what it shows."""

    sha256 = StringField(required=True, max_length=64)
    caption = StringField(required=True, max_length=200)
    size = IntField()
    by = ObjectIdField()  # None: taken over from the lead
    at = DateTimeField(required=True)


class CaseDocument(EmbeddedDocument):
    """A document the case issued (立案审批表, 告知书, 决定书, 送达回证): its number and the SHA-256 of the
    PDF kept as a blob, so the audit entry of the step that issued it names exactly what was issued."""

    kind = StringField(required=True, choices=("filing", "notice", "decision", "delivery"))
    number = StringField(required=True, max_length=40)
    sha256 = StringField(required=True, max_length=64)
    size = IntField(required=True)


class CaseQuerySet(LeadQuerySet):
    def overdue(self, today):
        """Cases with a step past its deadline: a decision, or its delivery."""
        from mongoengine import Q

        return self.filter(
            Q(status__in=[FILED, NOTIFIED], decision_due__lt=today)
            | Q(status=DECIDED, decision__delivery_due__lt=today)
        )


class Case(BaseDocument):
    """行政处罚案件, from its filing (立案) to its closing; every step through `change_state`."""

    business_id = ObjectIdField(required=True)
    business_name = StringField(max_length=100)
    district_scopes = ListField(StringField())
    lead_id = ObjectIdField()
    procedure = StringField(required=True, choices=(ORDINARY, SIMPLIFIED))
    status = StringField(required=True, choices=CASE_STATUSES)
    violation = StringField(required=True, max_length=200)  # 违法行为类型
    filed_on = DateField(required=True)
    filed_by = ObjectIdField(required=True)
    approved_by = StringField(required=True, max_length=64)  # the official who approved the filing
    decision_due = DateField(required=True)
    extension = EmbeddedDocumentField(Extension)
    evidence = ListField(EmbeddedDocumentField(CaseEvidence), max_length=50)
    linked_inspections = ListField(ObjectIdField(), max_length=50)  # inspection records the case relies on
    linked_samples = ListField(StringField(max_length=40), max_length=50)  # sampling numbers
    notice = EmbeddedDocumentField(Notice)
    statement = EmbeddedDocumentField(Statement)
    hearing_requested_at = DateTimeField()
    decision = EmbeddedDocumentField(Decision)
    delivery = EmbeddedDocumentField(Delivery)
    execution = EmbeddedDocumentField(Execution)
    closed_on = DateField()
    documents = ListField(EmbeddedDocumentField(CaseDocument), max_length=8)
    number = StringField(max_length=40)  # 文号 of the decision, from its authority's sequence of the year
    authority = StringField(max_length=100)  # the bureau that decides (the business's county's)
    version = IntField(default=1, required=True)

    meta = {
        "collection": "enforcement_cases",
        "queryset_class": CaseQuerySet,
        "indexes": [("district_scopes", "status", "decision_due"), ("business_id", "-filed_on"), "lead_id"],
    }


class DeliveryConsent(BaseDocument):
    """The party's signed consent to electronic delivery (art. 61): one per business, revocable."""

    id = ObjectIdField(primary_key=True)  # the business id
    signed_by = ObjectIdField(required=True)
    signed_name = StringField(required=True, max_length=32)
    signed_at = DateTimeField(required=True)
    revoked_at = DateTimeField()

    meta = {"collection": "enforcement_delivery_consents"}

    @property
    def in_force(self) -> bool:
        return self.revoked_at is None


class DocumentSequence(Document):
    """One sequence of document numbers per authority and year ($inc is atomic: a number never repeats)."""

    key = StringField(primary_key=True)
    value = IntField(default=0)
    meta = {"collection": "enforcement_sequences"}


class DisclosureQuerySet(ScopedQuerySet):
    def in_display(self, today):
        """What the public sees today: published, its display period not over, not withdrawn."""
        return self.filter(display_until__gte=today, withdrawn_on=None)

    def of_business(self, business_id):
        return self.filter(business_id=business_id)


class Disclosure(BaseDocument):
    """行政处罚信息公示 (SAMR order No. 45): a decision's summary fields, published within the period after
    the decision and shown until its display period ends (or a granted credit repair ends it)."""

    id = ObjectIdField(primary_key=True)  # the case
    business_id = ObjectIdField(required=True)
    district_scopes = ListField(StringField())
    number = StringField(required=True, max_length=40)  # 文号
    party = StringField(required=True, max_length=100)  # 当事人: a natural person's name masked
    violation = StringField(required=True, max_length=200)  # 违法行为类型
    penalties = ListField(StringField(max_length=60))  # 处罚内容
    authority = StringField(required=True, max_length=100)  # 机关
    decided_on = DateField(required=True)  # 日期
    disclosure_due = DateField(required=True)
    published_on = DateField(required=True)
    display_until = DateField(required=True)
    withdrawn_on = DateField()

    meta = {
        "collection": "enforcement_disclosures",
        "queryset_class": DisclosureQuerySet,
        "indexes": [
            ("district_scopes", "display_until"),
            ("business_id", "-decided_on"),
            "-decided_on",
            ("withdrawn_on", "-decided_on", "number", "display_until"),  # the public list, newest first
        ],
    }


class ListingQuerySet(ScopedQuerySet):
    def in_force(self, today):
        return self.filter(removed_on=None, remove_after__gte=today)

    def of_business(self, business_id):
        return self.filter(business_id=business_id)


class DishonestListing(BaseDocument):
    """严重违法失信名单 (SAMR order No. 44): listed by a named official with the decision and reason,
    published, and removed after its period or by a granted credit repair."""

    business_id = ObjectIdField(required=True)
    district_scopes = ListField(StringField())
    party = StringField(required=True, max_length=100)  # a natural person's name masked
    basis = StringField(required=True, max_length=100)  # the listing decision's 文号
    reason = StringField(required=True, max_length=1000)
    authority = StringField(required=True, max_length=100)
    listed_on = DateField(required=True)
    listed_by = StringField(required=True, max_length=64)  # the official who decided
    recorded_by = ObjectIdField(required=True)
    remove_after = DateField(required=True)
    removed_on = DateField()
    removal_reason = StringField(max_length=1000)

    meta = {
        "collection": "enforcement_dishonest",
        "queryset_class": ListingQuerySet,
        "indexes": [
            ("business_id", "removed_on"),
            ("district_scopes", "remove_after"),
            ("removed_on", "-listed_on", "remove_after"),  # the public list, newest first
        ],
    }


CREDIT_CLASSES = ("A", "B", "C", "D")


class CreditChange(EmbeddedDocument):
    level = StringField(required=True, choices=CREDIT_CLASSES)
    since = DateField(required=True)
    inputs = DictField()
    rules_version = IntField(required=True)


class CreditClass(BaseDocument):
    """信用风险分类 A–D, for regulators only (never public): its inputs, the rules' version, its history."""

    id = ObjectIdField(primary_key=True)  # the business
    district_scopes = ListField(StringField())
    level = StringField(required=True, choices=CREDIT_CLASSES)
    since = DateField(required=True)
    inputs = DictField()
    rules_version = IntField(required=True)
    history = ListField(EmbeddedDocumentField(CreditChange), max_length=500)

    meta = {"collection": "enforcement_credit_classes", "indexes": [("district_scopes", "level"), "level"]}


REPAIR_TARGETS = {"disclosure": "行政处罚信息公示", "listing": "严重违法失信名单"}
REPAIR_PENDING, REPAIR_GRANTED, REPAIR_REFUSED = "pending", "granted", "refused"


class CreditRepair(BaseDocument):
    """信用修复: the business applies with evidence that the penalty was carried out and the violation
    fixed; a regulator decides; a grant ends the public display."""

    business_id = ObjectIdField(required=True)
    district_scopes = ListField(StringField())
    target = StringField(required=True, choices=tuple(REPAIR_TARGETS))
    target_id = ObjectIdField(required=True)
    statement = StringField(required=True, max_length=2000)
    photos = ListField(StringField(max_length=64), max_length=9)
    applied_by = ObjectIdField(required=True)
    status = StringField(
        required=True, choices=(REPAIR_PENDING, REPAIR_GRANTED, REPAIR_REFUSED), default=REPAIR_PENDING
    )
    decided_by = ObjectIdField()
    decided_on = DateField()
    decision_reason = StringField(max_length=1000)
    version = IntField(default=1, required=True)

    meta = {
        "collection": "enforcement_credit_repairs",
        "queryset_class": LeadQuerySet,
        "indexes": [("business_id", "status"), ("district_scopes", "decided_on")],
    }
