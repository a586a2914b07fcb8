"""Append-only, hash-chained audit log."""

from backend.core.domains import Domain

DOMAIN = Domain("audit")
