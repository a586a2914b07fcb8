"""Who is acting: the signed-in user's id, role and district scope, as every service receives it."""

from __future__ import annotations

from dataclasses import dataclass, field

CITIZEN = "citizen"
REGULATOR = "regulator"
ADMIN = "admin"
# 包保干部: an official paired with businesses to supervise (a WeChat user bound to an official record)
OFFICIAL = "official"
# 食安办: the food-safety office of a district, which pairs officials with businesses and watches them
OFFICE = "office"
# a sector bureau (education, health, civil affairs) watching its own kind of canteen, read-only
BUREAU = "bureau"
# a read-only console account of a district, for the command centre's 大屏: indicators and the dashboard
VIEWER = "viewer"
ROLES = (CITIZEN, REGULATOR, ADMIN, OFFICIAL, OFFICE, BUREAU, VIEWER)
# the kinds of business a bureau may oversee: schools' and kindergartens', hospitals', elderly care's
SECTOR_KINDS = ("school_canteen", "hospital_canteen", "elderly_canteen", "government_canteen")
# Business membership (owner / manager / staff) is per business, held by the registry, not a user role.
CONSOLE_ROLES = (REGULATOR, ADMIN)
PASSWORD_ROLES = (REGULATOR, ADMIN, OFFICE, BUREAU, VIEWER)  # the accounts that sign in to the console


@dataclass(frozen=True)
class Principal:
    user_id: str
    role: str
    session_id: str = ""
    districts: tuple[str, ...] = field(default_factory=tuple)
    sectors: tuple[str, ...] = field(default_factory=tuple)  # a bureau's kinds of business

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def is_regulator(self) -> bool:
        return self.role == REGULATOR

    @property
    def is_console_user(self) -> bool:
        return self.role in CONSOLE_ROLES

    @property
    def is_office(self) -> bool:
        return self.role == OFFICE
