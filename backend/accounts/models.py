from __future__ import annotations

from mongoengine import BooleanField, DateTimeField, ListField, QuerySet, StringField

from backend.core.districts import enclosing_codes, scope_prefix
from backend.core.models import BaseDocument, DistrictCodeField
from backend.core.principal import CITIZEN, REGULATOR, ROLES


class UserQuerySet(QuerySet):
    def by_username(self, username: str):
        return self.filter(username=username)

    def by_openid(self, openid: str):
        return self.filter(openid=openid)

    def colleagues_of(self, principal, district: str | None = None):
        """The console accounts a principal may list: an admin, every one who signs in with a password
        (regulators, admins, food-safety offices, sector bureaus, viewers); a regulator, the active
        regulators whose districts meet theirs (the same county, a city or province above it, or a
        county below theirs) — whom they can name as fellow inspectors. `district`: only those
        covering that district."""
        from mongoengine import Q

        from backend.core.principal import ADMIN, PASSWORD_ROLES

        found = self.filter(role__in=list(PASSWORD_ROLES))
        if principal.role != ADMIN:
            meeting = Q(districts__in=sorted({c for own in principal.districts for c in enclosing_codes(own)}))
            for own in principal.districts:
                meeting |= Q(districts__startswith=scope_prefix(own))
            found = found.filter(meeting, role=REGULATOR, is_active=True)
        if district:
            found = found.filter(districts__in=enclosing_codes(district))
        return found.order_by("display_name", "username")

    def served_districts(self) -> list[str]:
        """The scope codes some active regulator covers: where the platform is in service."""
        return sorted(self.filter(role=REGULATOR, is_active=True).distinct("districts"))

    def regulators_covering(self, district_code: str):
        """Active regulators whose scope includes the district (exact, its city, or its province)."""
        return self.filter(role=REGULATOR, is_active=True, districts__in=enclosing_codes(district_code))


class User(BaseDocument):
    role = StringField(required=True, choices=ROLES, default=CITIZEN)
    # Console users (regulators, admins) sign in with a password; mini-program users with WeChat.
    username = StringField(unique=True, sparse=True, max_length=32)
    password_hash = StringField()
    openid = StringField(unique=True, sparse=True, max_length=128)
    unionid = StringField(max_length=128)
    display_name = StringField(max_length=64)
    organisation = StringField(max_length=128)
    districts = ListField(DistrictCodeField())
    sectors = ListField(StringField(max_length=40))  # a sector bureau's kinds of business
    is_active = BooleanField(default=True, required=True)
    last_login_at = DateTimeField()

    meta = {
        "collection": "users",
        "queryset_class": UserQuerySet,
        "indexes": ["role", "districts"],
    }

    def audit_view(self) -> dict:
        """What the audit log keeps of a user: never hashes or WeChat identifiers."""
        return {
            "role": self.role,
            "username": self.username,
            "districts": list(self.districts),
            "sectors": list(self.sectors),
            "is_active": self.is_active,
            "display_name": self.display_name,
        }
