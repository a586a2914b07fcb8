"""Access to the current app's settings and stores, for services running in an app context."""
from __future__ import annotations

from flask import current_app

from backend.core.config import Settings
from backend.core.stores import Stores


def settings() -> Settings:
    return current_app.extensions["sfs.settings"]


def stores() -> Stores:
    return current_app.extensions["sfs.stores"]


def redis():
    return stores().redis
