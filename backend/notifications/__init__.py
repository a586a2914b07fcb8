"""Notifications: what was sent to whom (once), and the WeChat subscribe-message sender."""
