"""Lots with trace codes (一品一码), produce certificates (承诺达标合格证) and recalls.

A lot is what one supplier shipped to one buyer on one order line: it carries its own trace code. A
lot a business shipped onward names the lots it came from (`inputs`: a split has one input shared by
several lots, a merge several inputs), which is what trace and recall follow, hop by hop.
"""

from __future__ import annotations

from mongoengine import (
    DateField,
    DateTimeField,
    EmbeddedDocument,
    EmbeddedDocumentField,
    FloatField,
    IntField,
    ListField,
    ObjectIdField,
    StringField,
)

from backend.core.models import BaseDocument, ScopedQuerySet
from backend.core.principal import Principal

# -- produce certificates -----------------------------------------------------------------------------

PLEDGE_BASES = {
    "own_test": "自检合格",
    "commissioned_test": "委托检测合格",
    "quality_control": "内部质量控制合格",
}
PLEDGES = (
    "不使用禁用农药兽药、停用兽药和非法添加物",
    "常规农药兽药残留不超标",
    "对承诺的真实性负责",
)
CERTIFICATE_RETENTION_MONTHS = 6  # MoA order 2025 No. 4: issuers keep records at least 6 months


class CertificateQuerySet(ScopedQuerySet):
    def _own(self, principal: Principal):
        return self.none()


class ProduceCertificate(BaseDocument):
    number = StringField(required=True, unique=True, max_length=32)
    issuer_id = ObjectIdField(required=True)  # the farm base
    product = StringField(required=True, max_length=100)
    quantity = FloatField(required=True, min_value=0)
    unit = StringField(required=True, max_length=10)
    origin = StringField(required=True, max_length=100)
    producer = StringField(required=True, max_length=100)
    contact_phone = StringField(required=True, max_length=20)
    issued_on = DateField(required=True)
    basis = StringField(required=True, choices=tuple(PLEDGE_BASES))
    test_report = StringField(max_length=100)  # the report number when the basis is a test
    pledges = ListField(StringField(max_length=100))
    keep_until = DateField(required=True)
    district_scopes = ListField(StringField())

    meta = {
        "collection": "produce_certificates",
        "queryset_class": CertificateQuerySet,
        "indexes": ["issuer_id", "district_scopes"],
    }

    def audit_view(self) -> dict:
        return {"number": self.number, "issuer_id": str(self.issuer_id), "product": self.product}


# -- lots ---------------------------------------------------------------------------------------------

IN_TRANSIT, ACCEPTED, REJECTED = "in_transit", "accepted", "rejected"
LOT_STATUSES = (IN_TRANSIT, ACCEPTED, REJECTED)


class LotInput(EmbeddedDocument):
    lot_id = ObjectIdField(required=True)
    trace_code = StringField(required=True)
    quantity = FloatField(min_value=0)


class Receipt(EmbeddedDocument):
    """The buyer's check on receipt (进货查验)."""

    quantity = FloatField(required=True, min_value=0)
    reason = StringField(max_length=500)
    photos = ListField(StringField(max_length=64), max_length=9)
    certificate_number = StringField(max_length=32)  # the produce certificate the buyer received
    by = ObjectIdField(required=True)
    at = DateTimeField(required=True)


class LotQuerySet(ScopedQuerySet):
    def _own(self, principal: Principal):
        return self.filter(buyer_user_id=principal.user_id)

    def by_trace_code(self, code: str):
        return self.filter(trace_code=code)

    def received_by(self, business_id):
        return self.filter(buyer_business_id=business_id, status=ACCEPTED)


class Lot(BaseDocument):
    trace_code = StringField(required=True, max_length=24)
    supplier_id = ObjectIdField(required=True)
    supplier_name = StringField(required=True)
    lot_code = StringField(required=True, max_length=40)
    supplier_lot = StringField(required=True)  # supplier id + lot code: one lot code per supplier
    order_id = ObjectIdField(required=True)
    order_number = StringField(required=True)
    line = IntField(required=True, min_value=0)
    product_id = ObjectIdField(required=True)
    product_name = StringField(required=True)
    category = StringField(required=True)
    quantity = FloatField(required=True, min_value=0)
    unit = StringField(required=True, max_length=10)
    produced_on = DateField(required=True)
    shelf_life_days = IntField(min_value=1, max_value=3650)
    origin = StringField(required=True, max_length=100)
    certificate_id = ObjectIdField()
    certificate_number = StringField(max_length=32)
    test_report = StringField(max_length=100)
    inputs = ListField(EmbeddedDocumentField(LotInput), max_length=50)
    input_ids = ListField(ObjectIdField())  # the inputs' ids, indexed: forward trace looks them up
    buyer_user_id = ObjectIdField(required=True)
    buyer_business_id = ObjectIdField()  # None: a household
    buyer_name = StringField(required=True)
    status = StringField(required=True, choices=LOT_STATUSES, default=IN_TRANSIT)
    receipt = EmbeddedDocumentField(Receipt)
    shipped_at = DateTimeField(required=True)
    district_scopes = ListField(StringField())

    meta = {
        "collection": "lots",
        "queryset_class": LotQuerySet,
        # A shipment's lots are written together, by their supplier: one shard. A unique index on a
        # sharded collection must start with its shard key: the codes are unique per supplier here, and
        # a new trace code is checked against every supplier's before it is used (lots.create_lots).
        "shard_key": ("supplier_id",),
        "indexes": [
            {"fields": ["supplier_id", "supplier_lot"], "unique": True},
            {"fields": ["supplier_id", "trace_code"], "unique": True},
            "trace_code",
            "order_id",
            "input_ids",
            "buyer_business_id",
            "buyer_user_id",
            ("supplier_id", "product_id", "produced_on"),
            "certificate_id",
            "district_scopes",
        ],
    }

    def audit_view(self) -> dict:
        return {
            "trace_code": self.trace_code,
            "lot_code": self.lot_code,
            "status": self.status,
            "quantity": self.quantity,
            "unit": self.unit,
        }


# -- recalls ------------------------------------------------------------------------------------------

OPEN, CLOSED = "open", "closed"
PENDING, CONFIRMED = "pending", "confirmed"
DISPOSALS = {"destroyed": "已销毁", "returned": "已退回供货方", "not_received": "未收到或已全部用完"}
SOURCES = ("lot", "supplier_product", "sample")


class RecallTarget(EmbeddedDocument):
    lot_id = ObjectIdField(required=True)
    trace_code = StringField(required=True)
    product_name = StringField(required=True)
    quantity = FloatField()
    unit = StringField()
    holder_business_id = ObjectIdField()  # None: a household
    holder_user_id = ObjectIdField(required=True)
    holder_name = StringField(required=True)
    hops = IntField(required=True, min_value=0)  # 0: a lot the recall started from
    status = StringField(required=True, choices=(PENDING, CONFIRMED), default=PENDING)
    disposal = StringField(choices=tuple(DISPOSALS))
    note = StringField(max_length=500)
    confirmed_by = ObjectIdField()
    confirmed_at = DateTimeField()


class RecallQuerySet(ScopedQuerySet):
    def involving(self, user_id, business_ids):
        ids = list(business_ids)
        return self.filter(
            __raw__={
                "$or": [
                    {"targets.holder_business_id": {"$in": ids}},
                    {"targets": {"$elemMatch": {"holder_user_id": user_id, "holder_business_id": None}}},
                ]
            }
        )


class Recall(BaseDocument):
    number = StringField(required=True, unique=True, max_length=32)
    reason = StringField(required=True, max_length=500)
    source = StringField(required=True, choices=SOURCES)
    source_ref = StringField(required=True, max_length=200)  # the trace code, sampling number, or criteria
    started_by = ObjectIdField(required=True)
    district_code = StringField(required=True)  # the starting regulator's district
    district_scopes = ListField(StringField())  # every district a target sits in, and the starter's
    root_lot_ids = ListField(ObjectIdField())
    targets = ListField(EmbeddedDocumentField(RecallTarget))
    # lots that feed each other (bad data) met on the walk, as "code → code → code": each walked once
    cycles = ListField(StringField(max_length=2000), max_length=20)
    status = StringField(required=True, choices=(OPEN, CLOSED), default=OPEN)
    version = IntField(default=1, required=True)

    meta = {
        "collection": "recalls",
        "queryset_class": RecallQuerySet,
        "indexes": ["district_scopes", "status", "targets.holder_business_id"],
    }

    def audit_view(self) -> dict:
        confirmed = sum(1 for target in self.targets if target.status == CONFIRMED)
        return {"number": self.number, "status": self.status, "targets": len(self.targets), "confirmed": confirmed}
