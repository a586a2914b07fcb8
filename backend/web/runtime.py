"""Binds the Flask-free `backend.core.context` to the current Flask app."""

from __future__ import annotations

from flask import Flask, current_app, has_app_context

from backend.core import context
from backend.core.config import Settings
from backend.core.stores import Stores


def _current_app_runtime() -> context.Runtime | None:
    return current_app.extensions.get("sfs.runtime") if has_app_context() else None


def install_runtime(app: Flask, settings: Settings, stores: Stores) -> None:
    app.extensions["sfs.settings"] = settings
    app.extensions["sfs.stores"] = stores
    app.extensions["sfs.runtime"] = context.Runtime(settings, stores)
    app.json.ensure_ascii = False
    context.install_resolver(_current_app_runtime)
