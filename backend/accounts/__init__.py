"""Users, roles, WeChat login, tokens and district scopes."""

from backend.core.config import positive_int
from backend.core.domains import Domain, Setting

DOMAIN = Domain(
    "accounts",
    settings=(
        # how long a console page's session (the camera wall left open in a control room) is kept
        # alive by its own refreshes after the sign-in, at most: then the official signs in again
        Setting("PAGE_SESSION_MAX", 12 * 3600, positive_int, low=300, high=7 * 24 * 3600, unit="seconds"),
    ),
)
