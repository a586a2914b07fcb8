"""The years of the working-day calendar an admin loads (holidays and make-up working days)."""

from backend.core.domains import Domain

DOMAIN = Domain("calendars")
