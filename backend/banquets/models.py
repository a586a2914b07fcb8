"""Rural banquets (农村集体聚餐): travelling chefs (乡厨) and their certificates, banquet reports with
their dishes' samples, the guidance each size gets, and food-safety incidents (食品安全事故)."""

from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateField,
    DateTimeField,
    DictField,
    EmbeddedDocument,
    EmbeddedDocumentField,
    IntField,
    ListField,
    ObjectIdField,
    StringField,
)

from backend.core.models import BaseDocument, DistrictCodeField, ScopedQuerySet
from backend.core.principal import OFFICE, OFFICIAL, Principal

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
CHEF_STATUSES = (PENDING, APPROVED, REJECTED)


class ChefCertificate(EmbeddedDocument):
    number = StringField(required=True, max_length=40)
    issuer = StringField(required=True, max_length=100)
    issued_on = DateField(required=True)
    expires_on = DateField(required=True)


class TeamMember(EmbeddedDocument):
    name = StringField(required=True, max_length=32)
    role = StringField(required=True, max_length=20)  # 帮厨, 服务员 …


class OwnQuerySet(ScopedQuerySet):
    """Regulators and the 食安办 see their districts; a chef or a host sees what they registered."""

    def visible_to(self, principal: Principal):
        if principal.role == OFFICE:
            return self._for_regulator(principal)
        return super().visible_to(principal)

    def _own(self, principal: Principal):
        return self.filter(user_id=principal.user_id)


class Chef(BaseDocument):
    """A travelling chef, registered as a person: the ID number only as the staff records' HMAC (and
    its last four characters), the phone never public."""

    user_id = ObjectIdField(required=True)
    name = StringField(required=True, max_length=32)
    id_digest = StringField(required=True, max_length=64)
    id_last4 = StringField(required=True, max_length=4)
    phone = StringField(required=True, max_length=20)
    photo_sha256 = StringField(max_length=64)
    district_code = DistrictCodeField(required=True)
    district_scopes = ListField(StringField())
    training_hours = DictField()  # year → hours
    team = ListField(EmbeddedDocumentField(TeamMember), max_length=30)
    certificates = ListField(EmbeddedDocumentField(ChefCertificate), max_length=20)
    status = StringField(required=True, choices=CHEF_STATUSES, default=PENDING)
    reviewed_by = ObjectIdField()
    review_reason = StringField(max_length=500)
    public_code = StringField(max_length=24)
    version = IntField(default=1, required=True)

    meta = {
        "collection": "banquet_chefs",
        "queryset_class": OwnQuerySet,
        "indexes": [
            {"fields": ["id_digest"], "unique": True},
            {"fields": ["public_code"], "unique": True, "sparse": True},
            ("district_scopes", "status"),
            "user_id",
        ],
    }

    def audit_view(self) -> dict:
        return {
            "name": self.name,
            "id_last4": self.id_last4,
            "district_code": self.district_code,
            "status": self.status,
            "certificates": len(self.certificates),
            "team": len(self.team),
        }


MEALS = {"breakfast": "早餐", "lunch": "午餐", "dinner": "晚餐"}
SIZES = {"small": "小型", "medium": "中型", "large": "大型"}
REPORTED, CANCELLED = "reported", "cancelled"


class SampleRecord(EmbeddedDocument):
    """留样: one dish, its weight, a photo and when it was kept, by the chef."""

    dish = StringField(required=True, max_length=50)
    grams = IntField(required=True, min_value=1, max_value=5000)
    photo_sha256 = StringField(required=True, max_length=64)
    kept_at = DateTimeField(required=True)
    by = ObjectIdField(required=True)


class BanquetQuerySet(OwnQuerySet):
    def _own(self, principal: Principal):
        from mongoengine import Q

        return self.filter(Q(user_id=principal.user_id) | Q(chef_user_id=principal.user_id))


class Banquet(BaseDocument):
    """报告登记: a banquet reported before it happens, with its size, guidance and samples."""

    user_id = ObjectIdField(required=True)  # who reported it: the host or the chef
    client_key = StringField(required=True, max_length=64)  # a retried report is the same report
    host_name = StringField(required=True, max_length=32)
    host_phone = StringField(required=True, max_length=20)
    occasion = StringField(max_length=50)  # 婚宴, 寿宴 …
    held_on = DateField(required=True)
    meal = StringField(required=True, choices=tuple(MEALS))
    venue_id = ObjectIdField()  # a 集中办酒场所, or an address
    address = StringField(required=True, max_length=200)
    district_code = DistrictCodeField(required=True)
    district_scopes = ListField(StringField())
    guests = IntField(required=True, min_value=1)
    tables = IntField(required=True, min_value=1)
    dishes = ListField(StringField(max_length=50), max_length=60)
    chef_id = ObjectIdField(required=True)
    chef_user_id = ObjectIdField()
    chef_name = StringField(max_length=32)
    helpers = ListField(StringField(max_length=32), max_length=30)
    order_numbers = ListField(StringField(max_length=32), max_length=20)  # platform orders for it
    pledge_name = StringField(required=True, max_length=32)  # the signed pledge
    reported_on = DateField(required=True)
    notice_days = IntField(required=True)
    required = BooleanField(required=True)  # at or over the district's threshold
    late = BooleanField(required=True)  # reported with fewer days' notice than the threshold asks
    chef_certificate_valid = BooleanField(required=True)  # on the banquet's day
    size = StringField(required=True, choices=tuple(SIZES))
    samples = ListField(EmbeddedDocumentField(SampleRecord), max_length=60)
    status = StringField(required=True, choices=(REPORTED, CANCELLED), default=REPORTED)
    version = IntField(default=1, required=True)

    meta = {
        "collection": "banquets",
        "queryset_class": BanquetQuerySet,
        "indexes": [
            {"fields": ["user_id", "client_key"], "unique": True},
            ("district_scopes", "held_on"),
            ("chef_id", "held_on"),
        ],
    }


OPEN, DONE = "open", "done"


class GuidanceQuerySet(OwnQuerySet):
    def visible_to(self, principal: Principal):
        if principal.role == OFFICIAL:
            return self.filter(assignee_user_id=principal.user_id)
        return super().visible_to(principal)

    def _own(self, principal: Principal):
        return self.filter(assignee_user_id=principal.user_id)


class GuidanceTask(BaseDocument):
    """分级指导: the guidance a banquet's size gets (the chef's checklist, a visit, an on-site visit the day
    before), with the checklist's results, photos and its result."""

    banquet_id = ObjectIdField(required=True)
    district_scopes = ListField(StringField())
    size = StringField(required=True, choices=tuple(SIZES))
    guidance = StringField(required=True, choices=("checklist", "visit", "on_site"))
    by = StringField(required=True, choices=("chef", "official", "regulator"))
    assignee_user_id = ObjectIdField()  # the chef, or the paired official; regulators: any of the district
    due_on = DateField(required=True)
    status = StringField(required=True, choices=(OPEN, DONE), default=OPEN)
    results = ListField(DictField(), max_length=50)
    photos = ListField(StringField(max_length=64), max_length=9)
    result = StringField(max_length=1000)
    done_by = ObjectIdField()
    done_at = DateTimeField()
    version = IntField(default=1, required=True)

    meta = {
        "collection": "banquet_guidance",
        "queryset_class": GuidanceQuerySet,
        "indexes": [
            {"fields": ["banquet_id"], "unique": True},
            ("district_scopes", "status", "due_on"),
            "assignee_user_id",
        ],
    }


class VenueInsurance(BaseDocument):
    """A banquet venue's insurance (闵行 insures its venues): the policy, the insurer and its period."""

    business_id = ObjectIdField(required=True)
    district_scopes = ListField(StringField())
    policy_number = StringField(required=True, max_length=40)
    insurer = StringField(required=True, max_length=100)
    starts_on = DateField(required=True)
    ends_on = DateField(required=True)
    recorded_by = ObjectIdField(required=True)

    meta = {
        "collection": "banquet_venue_insurance",
        "queryset_class": ScopedQuerySet,
        "indexes": [("business_id", "-ends_on"), ("district_scopes", "ends_on")],
    }


SUSPECTED, CONFIRMED, NOT_FOOD_BORNE = "suspected", "confirmed", "not_food_borne"


class HandlingStep(EmbeddedDocument):
    at = DateTimeField(required=True)
    text = StringField(required=True, max_length=1000)
    by = ObjectIdField(required=True)


class IncidentQuerySet(OwnQuerySet):
    def _own(self, principal: Principal):
        return self.filter(reporter_user_id=principal.user_id)


class Incident(BaseDocument):
    """食品安全事故: a suspected incident reported by anyone, handled by the district's regulators; once
    confirmed, the business's grade is held and a lead is opened."""

    number = StringField(required=True, max_length=24)
    reporter_user_id = ObjectIdField()  # None: the public form
    reporter_name = StringField(max_length=32)
    reporter_phone = StringField(max_length=20)
    description = StringField(required=True, max_length=2000)
    ill = IntField(required=True, min_value=1, max_value=100000)
    occurred_on = DateField(required=True)
    address = StringField(required=True, max_length=200)
    district_code = DistrictCodeField(required=True)
    district_scopes = ListField(StringField())
    business_id = ObjectIdField()
    banquet_id = ObjectIdField()
    status = StringField(required=True, choices=(SUSPECTED, CONFIRMED, NOT_FOOD_BORNE), default=SUSPECTED)
    steps = ListField(EmbeddedDocumentField(HandlingStep), max_length=200)
    samples_taken = ListField(StringField(max_length=100), max_length=50)
    lot_codes = ListField(StringField(max_length=64), max_length=50)
    decided_by = ObjectIdField()
    decided_at = DateTimeField()
    decision_reason = StringField(max_length=1000)
    version = IntField(default=1, required=True)

    meta = {
        "collection": "banquet_incidents",
        "queryset_class": IncidentQuerySet,
        "indexes": [
            {"fields": ["number"], "unique": True},
            ("district_scopes", "status"),
            ("business_id", "status", "occurred_on"),
        ],
    }

    def audit_view(self) -> dict:
        return {
            "number": self.number,
            "status": self.status,
            "ill": self.ill,
            "district_code": self.district_code,
            "business_id": self.business_id,
            "banquet_id": self.banquet_id,
            "steps": len(self.steps),
        }
