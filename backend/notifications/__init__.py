"""Notifications: what was sent to whom (once), and the WeChat subscribe-message sender."""

from backend.core.domains import Domain

DOMAIN = Domain("notifications")
