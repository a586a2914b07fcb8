"""Users, roles, WeChat login, tokens and district scopes."""

from backend.core.domains import Domain

DOMAIN = Domain("accounts")
