"""App factories: the API (mini-program + console + public JSON) and the whole platform."""
from __future__ import annotations

import logging
from typing import Any, Mapping

from flask import Flask
from flask_smorest import Api

from backend.accounts.access import assert_every_endpoint_declares_access
from backend.core.config import Settings, load_settings
from backend.core.errors import register_error_handlers
from backend.core.http import configure_logging, install_request_plumbing
from backend.core.pagination import add_pagination_header
from backend.core.stores import Stores

log = logging.getLogger(__name__)

API_TITLE = "智慧食安 Smart Food Safety API"
API_VERSION = "v1"


def _blueprints():
    from backend.accounts.views import auth_blp, users_blp
    from backend.audit.views import blp as audit_blp
    from backend.complaints.console_views import blp as console_complaints_blp
    from backend.complaints.open311 import blp as open311_blp
    from backend.complaints.views import blp as public_complaints_blp
    from backend.public_card.views import blp as public_card_blp
    from backend.registry.views import blp as registry_blp
    from miniprogram_api import BLUEPRINTS as MINIPROGRAM_BLUEPRINTS

    return [auth_blp, users_blp, audit_blp, registry_blp, public_card_blp, public_complaints_blp,
            console_complaints_blp, open311_blp, *MINIPROGRAM_BLUEPRINTS]


def init_platform_core(app: Flask, settings: Settings, stores: Stores | None, **request_options) -> Stores:
    """What every app of ours shares: settings, stores, logging, request ids, the error shape."""
    configure_logging(settings.LOG_LEVEL)
    stores = stores or Stores.connect(settings)
    app.extensions["sfs.settings"] = settings
    app.extensions["sfs.stores"] = stores
    app.config["MAX_CONTENT_LENGTH"] = settings.MAX_CONTENT_LENGTH
    app.config["SECRET_KEY"] = settings.SECRET_KEY
    app.json.ensure_ascii = False
    install_request_plumbing(app, **request_options)
    return stores


def create_api_app(config: Mapping[str, Any] | None = None, *, settings: Settings | None = None,
                   stores: Stores | None = None) -> Flask:
    settings = settings or load_settings(config)
    app = Flask("backend")
    init_platform_core(app, settings, stores, form_path_prefixes=("/open311/",))
    app.config.update(
        API_TITLE=API_TITLE,
        API_VERSION=API_VERSION,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="/api/docs/assets/",
    )
    api = Api(app, spec_kwargs={"components": {"securitySchemes": {
        "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}}})
    for blueprint in _blueprints():
        api.register_blueprint(blueprint)
    from backend.core.health import blp as health_blp
    from backend.core.swagger_assets import blp as swagger_assets_blp

    app.register_blueprint(health_blp)
    app.register_blueprint(swagger_assets_blp)
    register_error_handlers(app)  # after Api(): ours replaces flask-smorest's handler
    app.after_request(add_pagination_header)
    assert_every_endpoint_declares_access(app)
    app.extensions["sfs.api"] = api

    with app.app_context():
        _ensure_indexes()
        if settings.BOOTSTRAP_ADMIN_USERNAME:
            from backend.accounts.services import ensure_bootstrap_admin

            if ensure_bootstrap_admin(settings.BOOTSTRAP_ADMIN_USERNAME, settings.BOOTSTRAP_ADMIN_PASSWORD):
                log.info("bootstrap admin created", extra={"username": settings.BOOTSTRAP_ADMIN_USERNAME})
        if settings.SEED_DEMO:
            from backend.demo.seed import seed_demo

            app.extensions["sfs.demo"] = seed_demo()
    return app


def _ensure_indexes() -> None:
    from mongoengine.base import _document_registry

    for document in list(_document_registry.values()):
        if not document._meta.get("abstract") and hasattr(document, "ensure_indexes"):
            document.ensure_indexes()


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The whole platform: the API app with the public lookup pages mounted beside it."""
    from public_lookup import create_app as create_lookup_app
    from public_lookup.mount import mount_lookup

    settings = load_settings(config)
    app = create_api_app(settings=settings)
    lookup = create_lookup_app(settings=settings, stores=app.extensions["sfs.stores"])
    mount_lookup(app, lookup)
    return app
