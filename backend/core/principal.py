"""Who is acting: the signed-in user's id, role and district scope, as every service receives it."""

from __future__ import annotations

from dataclasses import dataclass, field

CITIZEN = "citizen"
REGULATOR = "regulator"
ADMIN = "admin"
ROLES = (CITIZEN, REGULATOR, ADMIN)
# Business membership (owner / manager / staff) is per business, held by the registry, not a user role.
CONSOLE_ROLES = (REGULATOR, ADMIN)


@dataclass(frozen=True)
class Principal:
    user_id: str
    role: str
    session_id: str = ""
    districts: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def is_regulator(self) -> bool:
        return self.role == REGULATOR

    @property
    def is_console_user(self) -> bool:
        return self.role in CONSOLE_ROLES
