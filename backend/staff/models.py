from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateField,
    DictField,
    IntField,
    ListField,
    ObjectIdField,
    Q,
    QuerySet,
    StringField,
)

from backend.core.models import BaseDocument, ScopedQuerySet
from backend.core.principal import Principal

POSTS = {
    "chef": "厨师",
    "kitchen_helper": "帮厨",
    "prep": "配菜",
    "pastry": "面点",
    "dishwashing": "洗消",
    "purchasing": "采购",
    "service": "服务",
    "management": "管理",
    "other": "其他",
}
HEAD, OFFICER, DIRECTOR = "head", "officer", "director"
SAFETY_ROLES = {HEAD: "主要负责人", OFFICER: "食品安全员", DIRECTOR: "食品安全总监"}
SCALES = ("small", "medium", "large")


class StaffQuerySet(ScopedQuerySet):
    def _own(self, principal: Principal):
        """A citizen sees the staff of the businesses they own or manage."""
        from backend.registry.models import MANAGER, OWNER, Membership

        managed = Membership.objects.business_ids(principal.user_id, (OWNER, MANAGER))
        return self.filter(business_id__in=managed)

    def of_business(self, business_id):
        return self.filter(business_id=business_id)

    def employed_on(self, day):
        """Employed that day: started on or before it, not ended before it."""
        return self.filter(Q(started_on__lte=day) & (Q(ended_on=None) | Q(ended_on__gte=day)))


class StaffMember(BaseDocument):
    """A person working at a business. Someone who leaves is ended (`ended_on`), never deleted."""

    business_id = ObjectIdField(required=True)
    district_scopes = ListField(StringField())  # the business's, for regulators' scope
    name = StringField(required=True, max_length=32)
    post = StringField(required=True, choices=tuple(POSTS))
    phone = StringField(max_length=20)
    # The ID number is kept as a keyed hash (to find the same person again) and its last four characters.
    id_digest = StringField(max_length=64)
    id_last4 = StringField(max_length=4)
    photo_sha256 = StringField(regex=r"^[0-9a-f]{64}$")
    handles_food = BooleanField(required=True, default=True)
    started_on = DateField(required=True)
    ended_on = DateField()
    safety_roles = ListField(StringField(choices=tuple(SAFETY_ROLES)))
    training_hours = DictField()  # "2026" -> hours of food-safety training that year
    # Another business employed the same ID number when this record started (people work two jobs).
    also_employed_elsewhere = BooleanField(default=False)
    version = IntField(default=1)

    meta = {
        "collection": "staff",
        "queryset_class": StaffQuerySet,
        "indexes": [("business_id", "ended_on"), "district_scopes", "id_digest"],
    }

    def audit_view(self) -> dict:
        return {
            "business_id": self.business_id,
            "post": self.post,
            "handles_food": self.handles_food,
            "started_on": self.started_on,
            "ended_on": self.ended_on,
            "safety_roles": list(self.safety_roles),
            "id_last4": self.id_last4,
        }


class HealthCertificateQuerySet(ScopedQuerySet):
    def _own(self, principal: Principal):
        return self.filter(business_id__in=StaffMember.objects.visible_to(principal).distinct("business_id"))

    def valid_on(self, day):
        return self.filter(issued_on__lte=day, expires_on__gte=day)


class HealthCertificate(BaseDocument):
    staff_id = ObjectIdField(required=True)
    business_id = ObjectIdField(required=True)
    district_scopes = ListField(StringField())
    number = StringField(required=True, max_length=40)
    issuer = StringField(required=True, max_length=100)
    issued_on = DateField(required=True)
    expires_on = DateField(required=True)
    scan_sha256 = StringField(regex=r"^[0-9a-f]{64}$")
    scan_content_type = StringField()

    meta = {
        "collection": "health_certificates",
        "queryset_class": HealthCertificateQuerySet,
        "indexes": [("business_id", "expires_on"), "staff_id", "district_scopes"],
    }

    def audit_view(self) -> dict:
        return {
            "staff_id": self.staff_id,
            "number": self.number,
            "issuer": self.issuer,
            "issued_on": self.issued_on,
            "expires_on": self.expires_on,
            "scan": self.scan_sha256,
        }


class SafetyProfile(BaseDocument):
    """What decides whether a business needs a food-safety director: its scale and diners per meal."""

    id = ObjectIdField(primary_key=True)  # the business id
    diners_per_meal = IntField(min_value=0, max_value=100_000)
    scale = StringField(choices=SCALES)
    serves_kindergarten = BooleanField(default=False)

    meta = {"collection": "safety_profiles", "queryset_class": QuerySet}


BAN_REASONS = {
    "licence_revoked": "被吊销许可证单位的法定代表人、直接负责的主管人员和其他直接责任人员（5年内）",
    "conviction": "因食品安全犯罪被判处有期徒刑以上刑罚（终身）",
}


class BannedPersonQuerySet(ScopedQuerySet):
    def in_force(self, today):
        return self.filter(Q(until=None) | Q(until__gte=today), since__lte=today, lifted_on=None)

    def _for_regulator(self, principal):
        return self.clone()  # the list is national: any regulator checks a person against it


class BannedPerson(BaseDocument):
    """从业禁止 (Food Safety Law art. 135): a person kept by the staff records' keyed hash of the ID
    number (never the number), banned from food work until `until` (None: for life)."""

    id_digest = StringField(required=True, max_length=64)
    id_last4 = StringField(required=True, max_length=4)
    name = StringField(required=True, max_length=32)
    reason = StringField(required=True, choices=tuple(BAN_REASONS))
    basis = StringField(required=True, max_length=200)  # the decision's 文号 or the judgment
    since = DateField(required=True)
    until = DateField()
    lifted_on = DateField()
    recorded_by = ObjectIdField(required=True)

    meta = {
        "collection": "enforcement_banned_persons",
        "queryset_class": BannedPersonQuerySet,
        "indexes": ["id_digest", ("lifted_on", "-since")],
    }

    def audit_view(self) -> dict:
        return {
            "id_last4": self.id_last4,
            "reason": self.reason,
            "basis": self.basis,
            "since": self.since,
            "until": self.until,
        }
