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
    QuerySet,
    StringField,
)

from backend.core.ids import object_id
from backend.core.models import BaseDocument, DistrictCodeField, ScopedQuerySet
from backend.core.principal import Principal

SUPPLIER_KINDS = ("farm_base", "wholesaler", "food_seller", "central_kitchen")
BUYER_KINDS = (
    "school_canteen",
    "hospital_canteen",
    "elderly_canteen",
    "government_canteen",
    "restaurant_large",
    "restaurant_medium",
    "restaurant_small",
    "banquet_contractor",
    "banquet_venue",
)
HOUSEHOLD = "household"
KINDS = SUPPLIER_KINDS + BUYER_KINDS + (HOUSEHOLD,)
KIND_LABELS = {
    "farm_base": "种养殖基地",
    "wholesaler": "批发市场经营户",
    "food_seller": "食品销售商",
    "central_kitchen": "中央厨房",
    "school_canteen": "学校食堂",
    "hospital_canteen": "医院食堂",
    "elderly_canteen": "养老机构食堂",
    "government_canteen": "机关食堂",
    "restaurant_large": "大型餐饮",
    "restaurant_medium": "中型餐饮",
    "restaurant_small": "小餐饮",
    "banquet_contractor": "农村集体聚餐承包商",
    "banquet_venue": "集中办酒场所",
    "household": "百姓家庭",
}

DRAFT, SUBMITTED, APPROVED, REJECTED, SUSPENDED, REVOKED = (
    "draft",
    "submitted",
    "approved",
    "rejected",
    "suspended",
    "revoked",
)
STATUSES = (DRAFT, SUBMITTED, APPROVED, REJECTED, SUSPENDED, REVOKED)
EDITABLE_STATUSES = (DRAFT, REJECTED)
PUBLIC_STATUSES = (APPROVED, SUSPENDED, REVOKED)  # a public code exists from approval on

OWNER, MANAGER, STAFF = "owner", "manager", "staff"
MEMBER_ROLES = (OWNER, MANAGER, STAFF)
DOCUMENT_KINDS = ("licence", "uscc_certificate", "hygiene_certificate", "storefront_photo", "other")


class Licence(EmbeddedDocument):
    number = StringField(max_length=32)
    issued_on = DateField()
    expires_on = DateField()
    authority = StringField(max_length=128)
    scope = StringField(max_length=500)


class Contact(EmbeddedDocument):
    name = StringField(max_length=32)
    phone = StringField(max_length=20)


class BusinessQuerySet(ScopedQuerySet):
    def _for_regulator(self, principal: Principal):
        """Regulators never see drafts: a registration reaches them when it is submitted."""
        return super()._for_regulator(principal).filter(status__ne=DRAFT)

    def _own(self, principal: Principal):
        """The businesses a mini-program user is a member of (any role)."""
        return self.filter(id__in=Membership.objects.business_ids(principal.user_id))

    def by_public_code(self, code: str):
        """Current or retired code; one query."""
        return self.filter(__raw__={"$or": [{"public_code": code}, {"retired_public_codes": code}]})

    ORDERS = {"updated": ("-updated_at",), "name": ("name",)}

    def matching(self, *, status=None, kind=None, district=None, q=None, order="updated"):
        """The console's search: by status, kind, district (a city or province covers its parts), and
        a whole USCC or part of the name; most recently changed first, or by name."""
        from backend.registry.validators import uscc_problem

        found = self
        if status:
            found = found.filter(status=status)
        if kind:
            found = found.filter(kind=kind)
        if district:
            found = found.filter(district_scopes=district)
        if q and q.strip():
            q = q.strip()
            # a whole USCC, else part of the name (MongoEngine escapes the regex)
            whole_uscc = uscc_problem(q.upper()) is None
            found = found.filter(uscc=q.upper()) if whole_uscc else found.filter(name__icontains=q)
        return found.order_by(*self.ORDERS.get(order, self.ORDERS["updated"]))

    def drafts_of(self, user_id):
        return self.filter(owner_id=user_id, status=DRAFT)


class Business(BaseDocument):
    kind = StringField(required=True, choices=KINDS)
    name = StringField(required=True, max_length=100)
    uscc = StringField(max_length=18)
    # Set on submission and held until a rejection: one USCC registers once, a draft reserves nothing.
    uscc_claim = StringField(unique=True, sparse=True, max_length=18)
    licence = EmbeddedDocumentField(Licence)
    address = StringField(max_length=200)
    district_code = DistrictCodeField()
    # The district, its city and its province: regulators' scopes match any of them.
    district_scopes = ListField(StringField())
    # where it is, for "near me": picked on a map in the mini-program (WGS-84 degrees) or entered
    latitude = FloatField(min_value=-90, max_value=90)
    longitude = FloatField(min_value=-180, max_value=180)
    contact = EmbeddedDocumentField(Contact)
    status = StringField(required=True, choices=STATUSES, default=DRAFT)
    status_reason = StringField(max_length=1000)
    submission_count = IntField(default=0)
    owner_id = ObjectIdField(required=True)
    public_code = StringField(unique=True, sparse=True)
    retired_public_codes = ListField(StringField())
    approved_at = DateTimeField()
    reviewed_by = ObjectIdField()
    pending_change = ObjectIdField()  # the open 变更 / 注销 request, one at a time
    # Bumped by every change: PATCH takes it as a precondition against lost updates.
    version = IntField(default=1, required=True)

    meta = {
        "collection": "businesses",
        "queryset_class": BusinessQuerySet,
        "indexes": ["owner_id", "status", "district_scopes", "retired_public_codes", "kind", "name", "-updated_at"],
    }

    def audit_view(self) -> dict:
        return {
            "kind": self.kind,
            "name": self.name,
            "uscc": self.uscc,
            "status": self.status,
            "status_reason": self.status_reason,
            "district_code": self.district_code,
            "address": self.address,
            "licence_number": self.licence.number if self.licence else None,
            "public_code": self.public_code,
        }


class MembershipQuerySet(QuerySet):
    def of_user(self, user_id):
        return self.filter(user_id=user_id)

    def business_ids(self, user_id, roles=None) -> list:
        """The ids of the businesses `user_id` belongs to (in one of `roles`, when given): the one
        membership query every "mine" uses."""
        found = self.filter(user_id=object_id(user_id))
        if roles is not None:
            found = found.filter(role__in=list(roles))
        return found.distinct("business_id")

    def of_business(self, business_id):
        return self.filter(business_id=business_id)


class Membership(BaseDocument):
    business_id = ObjectIdField(required=True)
    user_id = ObjectIdField(required=True)
    role = StringField(required=True, choices=MEMBER_ROLES)

    meta = {
        "collection": "memberships",
        "queryset_class": MembershipQuerySet,
        "indexes": [{"fields": ["business_id", "user_id"], "unique": True}, "user_id"],
    }


class Invitation(BaseDocument):
    business_id = ObjectIdField(required=True)
    code_hash = StringField(required=True, unique=True)
    role = StringField(required=True, choices=(MANAGER, STAFF))
    expires_at = DateTimeField(required=True)
    created_by = ObjectIdField(required=True)
    used_by = ObjectIdField()
    used_at = DateTimeField()

    meta = {"collection": "invitations", "indexes": ["business_id"]}


class BusinessDocument(BaseDocument):
    business_id = ObjectIdField(required=True)
    kind = StringField(required=True, choices=DOCUMENT_KINDS)
    sha256 = StringField(required=True, regex=r"^[0-9a-f]{64}$")
    content_type = StringField(required=True)
    size = IntField(required=True)
    filename = StringField(max_length=120)
    uploaded_by = ObjectIdField(required=True)

    meta = {"collection": "business_documents", "indexes": [("business_id", "kind"), "uploaded_by"]}


CHANGE_SUBMITTED, CHANGE_APPROVED, CHANGE_REJECTED = "submitted", "approved", "rejected"
CHANGE, CLOSURE = "change", "closure"


class BusinessChangeQuerySet(ScopedQuerySet):
    def _own(self, principal: Principal):
        return self.filter(business_id__in=Membership.objects.business_ids(principal.user_id))


class BusinessChange(BaseDocument):
    """变更 / 注销: what the owner asks to change after approval. The approved record (and the public
    card) stay as they are until a regulator of the district approves it."""

    business_id = ObjectIdField(required=True)
    district_scopes = ListField(StringField())
    kind = StringField(required=True, choices=(CHANGE, CLOSURE), default=CHANGE)
    requested_by = ObjectIdField(required=True)
    status = StringField(
        required=True, choices=(CHANGE_SUBMITTED, CHANGE_APPROVED, CHANGE_REJECTED), default=CHANGE_SUBMITTED
    )
    # what the business would become (only what changes is set)
    name = StringField(max_length=100)
    address = StringField(max_length=200)
    licence = EmbeddedDocumentField(Licence)
    contact = EmbeddedDocumentField(Contact)
    document_ids = ListField(ObjectIdField(), max_length=20)
    note = StringField(max_length=1000)
    reason = StringField(max_length=1000)
    reviewed_by = ObjectIdField()
    version = IntField(default=1)

    meta = {
        "collection": "business_changes",
        "queryset_class": BusinessChangeQuerySet,
        "indexes": [("business_id", "status"), "district_scopes"],
    }

    def audit_view(self) -> dict:
        return {
            "business_id": self.business_id,
            "kind": self.kind,
            "status": self.status,
            "fields": [f for f in ("name", "address", "licence", "contact") if getattr(self, f) is not None],
            "reason": self.reason,
        }
