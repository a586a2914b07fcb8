"""The catalogue and orders. An order's buyer is a business (canteen, restaurant, banquet contractor,
a supplier buying from another) or a household: a citizen ordering for their home, with no business."""

from __future__ import annotations

from mongoengine import (
    BooleanField,
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

PRODUCT_CATEGORIES = {
    "edible_produce": "食用农产品",  # vegetables, fruit, meat, eggs, aquatic: a produce certificate travels with it
    "grain_oil": "粮油",
    "condiment": "调味品",
    "prepackaged": "预包装食品",
    "frozen": "冷冻食品",
    "dairy": "乳制品",
    "beverage": "饮料",
    "other": "其他",
}
MAX_QUANTITY = 1_000_000
MAX_LINES = 50

PLACED, ACCEPTED, DECLINED, CANCELLED = "placed", "accepted", "declined", "cancelled"
SHIPPED, PARTLY_RECEIVED, RECEIVED, COMPLETED = "shipped", "partly_received", "received", "completed"
ORDER_STATUSES = (PLACED, ACCEPTED, DECLINED, CANCELLED, SHIPPED, PARTLY_RECEIVED, RECEIVED, COMPLETED)
STATUS_LABELS = {
    PLACED: "待接单",
    ACCEPTED: "已接单",
    DECLINED: "已拒单",
    CANCELLED: "已取消",
    SHIPPED: "已发货",
    PARTLY_RECEIVED: "部分收货",
    RECEIVED: "已收货",
    COMPLETED: "已完成",
}
CANCELLABLE = (PLACED, ACCEPTED)


class ProductQuerySet(ScopedQuerySet):
    def of_supplier(self, supplier_id):
        return self.filter(supplier_id=supplier_id)

    def on_sale(self, supplier_ids, *, q: str | None = None, category: str | None = None):
        """Available products of the given (approved, not suspended) suppliers."""
        found = self.filter(available=True, supplier_id__in=list(supplier_ids))
        if category:
            found = found.filter(category=category)
        if q:
            found = found.filter(name__icontains=q)
        return found.order_by("name", "id")


class Product(BaseDocument):
    supplier_id = ObjectIdField(required=True)
    name = StringField(required=True, max_length=100)
    category = StringField(required=True, choices=tuple(PRODUCT_CATEGORIES))
    unit = StringField(required=True, max_length=10)
    price_cents = IntField(required=True, min_value=0, max_value=100_000_000)
    origin = StringField(max_length=100)
    certificates = ListField(StringField(max_length=50), max_length=10)  # e.g. 绿色食品, 有机产品
    available = BooleanField(default=True)

    meta = {
        "collection": "products",
        "queryset_class": ProductQuerySet,
        "indexes": ["supplier_id", ("available", "category"), "name"],
    }

    def audit_view(self) -> dict:
        return {
            "supplier_id": str(self.supplier_id),
            "name": self.name,
            "category": self.category,
            "unit": self.unit,
            "price_cents": self.price_cents,
            "available": self.available,
        }


class OrderLine(EmbeddedDocument):
    product_id = ObjectIdField(required=True)
    product_name = StringField(required=True, max_length=100)
    category = StringField(required=True)
    unit = StringField(required=True, max_length=10)
    quantity = FloatField(required=True, min_value=0)
    price_cents = IntField(required=True, min_value=0)


class OrderQuerySet(ScopedQuerySet):
    def _own(self, principal: Principal):
        return self.filter(buyer_user_id=principal.user_id)

    def for_party(self, user_id, business_ids, *, buying: bool = True, supplying: bool = True):
        """Orders a mini-program user may see: placed for their home, or by or to one of their
        businesses (only those they buy with, or only those they supply from)."""
        ids = list(business_ids)
        sides = []
        if buying:
            sides += [{"buyer_user_id": user_id, "buyer_business_id": None}, {"buyer_business_id": {"$in": ids}}]
        if supplying:
            sides.append({"supplier_id": {"$in": ids}})
        return self.filter(__raw__={"$or": sides})


class Order(BaseDocument):
    number = StringField(required=True, max_length=32)
    supplier_id = ObjectIdField(required=True)
    supplier_name = StringField(required=True)
    buyer_user_id = ObjectIdField(required=True)
    buyer_business_id = ObjectIdField()  # None: a household order
    buyer_name = StringField(required=True)  # shown to the supplier: the business, or the household's masked name
    delivery_address = StringField(max_length=200)
    note = StringField(max_length=500)
    lines = ListField(EmbeddedDocumentField(OrderLine), required=True, max_length=MAX_LINES)
    total_cents = IntField(required=True, min_value=0)
    status = StringField(required=True, choices=ORDER_STATUSES, default=PLACED)
    status_reason = StringField(max_length=500)
    # the buyer's Idempotency-Key and the body it came with: the same key is the same order, for ever
    request_key = StringField(required=True)
    request_hash = StringField(required=True)
    district_scopes = ListField(StringField())  # the supplier's and the buyer's regulators
    version = IntField(default=1, required=True)

    meta = {
        "collection": "orders",
        "queryset_class": OrderQuerySet,
        # The buyer places the order, retries it with its key and follows it: one shard. Its request key
        # is the buyer's own; a new order number is checked against every buyer's before it is used.
        "shard_key": ("buyer_user_id",),
        "indexes": [
            {"fields": ["buyer_user_id", "request_key"], "unique": True},
            {"fields": ["buyer_user_id", "number"], "unique": True},
            "number",
            "supplier_id",
            "buyer_business_id",
            "status",
            "district_scopes",
        ],
    }

    def audit_view(self) -> dict:
        return {
            "number": self.number,
            "status": self.status,
            "supplier_id": str(self.supplier_id),
            "buyer_business_id": str(self.buyer_business_id) if self.buyer_business_id else None,
            "total_cents": self.total_cents,
            "lines": len(self.lines),
        }
