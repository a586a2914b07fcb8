"""The public, read-only QR lookup app: tiny, cached, no login. Deployable alone (`wsgi:lookup_app`)."""
from __future__ import annotations

from typing import Any, Mapping

import os

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader

from backend.core.config import Settings, load_settings
from backend.core.stores import Stores

# Paths the whole platform hands to this app when it is mounted.
MOUNTED_PREFIXES = ("/q/", "/complaints/")


def create_app(config: Mapping[str, Any] | None = None, *, settings: Settings | None = None,
               stores: Stores | None = None) -> Flask:
    from backend.accounts.access import assert_every_endpoint_declares_access
    from backend.app import init_platform_core
    from backend.core.health import blp as health_blp
    from public_lookup.complaint_pages import blp as complaint_pages_blp
    from public_lookup.pages import blp as pages_blp, register_page_errors

    settings = settings or load_settings(config)
    app = Flask("public_lookup")
    init_platform_core(app, settings, stores, json_only=False)  # its pages post HTML forms
    app.register_blueprint(health_blp)
    app.register_blueprint(pages_blp)
    app.register_blueprint(complaint_pages_blp)
    # Page templates extend the public card's base (one look, one stylesheet).
    app.jinja_loader = ChoiceLoader([FileSystemLoader(os.path.join(app.root_path, "templates")),
                                     PackageLoader("backend.public_card", "templates")])
    register_page_errors(app)
    assert_every_endpoint_declares_access(app)
    return app
