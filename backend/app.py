"""App factories: the API (mini-program + console + public JSON) and the whole platform.

This is the one place that lists the platform's HTTP parts: its blueprints, audience by audience. What the
domains contribute besides (card sections, settings, texts, jobs, indicators) is declared by each domain
and loaded, without Flask, by every process alike (`backend.core.domains`).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from flask import Flask
from flask_smorest import Api

from backend.core.config import Settings, load_settings
from backend.core.stores import Stores
from backend.web.access import assert_every_endpoint_declares_access
from backend.web.apidocs import DocumentPlugin
from backend.web.converters import register_converters
from backend.web.errors import register_error_handlers
from backend.web.pagination import add_pagination_header
from backend.web.plumbing import configure_logging, install_request_plumbing
from backend.web.runtime import install_runtime

log = logging.getLogger(__name__)

# ASCII: generators make the client's package name from the title; the Chinese name is in the info
# The console's server-rendered pages (`backend/console/<name>.py`, each a Blueprint `blp`); the first
# carries the templates and static files the others use.
CONSOLE_PAGES = (
    "indicator_pages",
    "wall_page",
    "work_page",
    "business_pages",
    "complaint_pages",
    "sampling_pages",
    "recall_pages",
    "user_pages",
    "inspection_pages",
    "planning_pages",
    "camera_pages",
    "disposition_pages",
    "district_pages",
)
API_TITLE = "Smart Food Safety API"
API_DESCRIPTION = (
    "智慧食安 · 食品安全智慧监管平台的接口：公众查询（/api/v1/public）、小程序（/api/v1/mp）、"
    "监管端（/api/v1/console）与 Open311（/open311）。"
)
API_VERSION = "v1"


class ErrorSchema(ma.Schema):
    """Every error: the HTTP code and phrase, a stable `error` code for programs, a `message` for people
    (Chinese, or English with `Accept-Language: en`), and `errors` by field."""

    code = ma.fields.Integer()
    status = ma.fields.String()
    error = ma.fields.String(metadata={"description": "stable, e.g. registry.business_not_found, invalid_input"})
    message = ma.fields.String()
    errors = ma.fields.Dict()


class PlatformApi(Api):
    ERROR_SCHEMA = ErrorSchema


def _api_blueprints() -> list:
    """Every flask-smorest blueprint of the API, by audience (each module one domain)."""
    from backend.console import audit as console_audit
    from backend.console import auth as console_auth
    from backend.console import banquets as console_banquets
    from backend.console import business_changes as console_business_changes
    from backend.console import calendar as console_calendar
    from backend.console import cameras as console_cameras
    from backend.console import complaints as console_complaints
    from backend.console import enforcement as console_enforcement
    from backend.console import indicator_targets as console_indicator_targets
    from backend.console import indicators as console_indicators
    from backend.console import inspections as console_inspections
    from backend.console import notifications as console_notifications
    from backend.console import registry as console_registry
    from backend.console import routine as console_routine
    from backend.console import sampling as console_sampling
    from backend.console import staff as console_staff
    from backend.console import stickers as console_stickers
    from backend.console import supervision as console_supervision
    from backend.console import trace as console_trace
    from backend.console import users as console_users
    from miniprogram_api import auth as mp_auth
    from miniprogram_api import banquets as mp_banquets
    from miniprogram_api import cameras as mp_cameras
    from miniprogram_api import complaints as mp_complaints
    from miniprogram_api import enforcement as mp_enforcement
    from miniprogram_api import inspections as mp_inspections
    from miniprogram_api import purchasing as mp_purchasing
    from miniprogram_api import registry as mp_registry
    from miniprogram_api import routine as mp_routine
    from miniprogram_api import sampling as mp_sampling
    from miniprogram_api import staff as mp_staff
    from miniprogram_api import supervision as mp_supervision
    from miniprogram_api import trace as mp_trace
    from public_lookup import banquets as public_banquets
    from public_lookup import businesses as public_businesses
    from public_lookup import complaints as public_complaints
    from public_lookup import indicators as public_indicators
    from public_lookup import open311
    from public_lookup import penalties as public_penalties
    from public_lookup import sampling as public_sampling
    from public_lookup import trace as public_trace

    return [
        # mini-program (/api/v1/mp)
        mp_auth.blp,
        mp_registry.blp,
        mp_staff.blp,
        mp_routine.blp,
        mp_inspections.blp,
        mp_complaints.blp,
        mp_sampling.blp,
        mp_purchasing.blp,
        mp_trace.blp,
        mp_cameras.blp,
        mp_enforcement.blp,
        mp_supervision.blp,
        mp_banquets.blp,
        # console (/api/v1/auth, /api/v1/console)
        console_auth.blp,
        console_users.blp,
        console_audit.blp,
        console_registry.blp,
        console_business_changes.blp,
        console_complaints.blp,
        console_staff.blp,
        console_routine.blp,
        console_inspections.blp,
        console_calendar.blp,
        console_sampling.blp,
        console_trace.blp,
        console_cameras.blp,
        console_enforcement.blp,
        console_supervision.blp,
        console_banquets.blp,
        console_stickers.blp,
        console_indicators.blp,
        console_indicator_targets.blp,
        console_notifications.blp,
        # anonymous (/api/v1/public, /open311)
        public_businesses.blp,
        public_complaints.blp,
        open311.blp,
        public_sampling.blp,
        public_penalties.blp,
        public_indicators.blp,
        public_banquets.blp,
        public_trace.blp,
    ]


def init_platform_core(app: Flask, settings: Settings, stores: Stores | None, **request_options) -> Stores:
    """What every app of ours shares: settings, stores, logging, request ids, the error shape."""
    configure_logging(settings.LOG_LEVEL)
    stores = stores or Stores.connect(settings)
    install_runtime(app, settings, stores)
    app.config["MAX_CONTENT_LENGTH"] = settings.MAX_CONTENT_LENGTH
    app.config["SECRET_KEY"] = settings.SECRET_KEY
    install_request_plumbing(app, **request_options)
    return stores


def create_api_app(
    config: Mapping[str, Any] | None = None, *, settings: Settings | None = None, stores: Stores | None = None
) -> Flask:
    settings = settings or load_settings(config)
    app = Flask("backend")
    init_platform_core(app, settings, stores, form_path_prefixes=("/open311/", "/console/"))
    app.config.update(
        API_TITLE=API_TITLE,
        API_VERSION=API_VERSION,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="/api/docs/assets/",
    )
    api = PlatformApi(
        app,
        spec_kwargs={
            "marshmallow_plugin": DocumentPlugin(),
            "info": {"description": API_DESCRIPTION, "x-title-zh": "智慧食安", "x-package-name": "smart_food_safety"},
            "components": {
                "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
            },
        },
    )
    register_converters(app, api)
    for blueprint in _api_blueprints():
        api.register_blueprint(blueprint)
    from backend.web.apidocs import blp as apidocs_blp
    from backend.web.apidocs import document_error_responses, name_operations
    from backend.web.health import blp as health_blp

    document_error_responses(api)
    name_operations(app, api)

    app.register_blueprint(health_blp)
    app.register_blueprint(apidocs_blp)
    from public_lookup.open311_xml import blp as open311_xml_blp

    for name in CONSOLE_PAGES:
        app.register_blueprint(importlib.import_module(f"backend.console.{name}").blp)
    app.register_blueprint(open311_xml_blp)
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


def create_lookup_app(
    config: Mapping[str, Any] | None = None, *, settings: Settings | None = None, stores: Stores | None = None
) -> Flask:
    """The public pages alone (QR pages, complaint form and status): tiny, cached, no login."""
    import os

    from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader

    from backend.web.health import blp as health_blp
    from public_lookup.banquets import pages as chef_pages_blp
    from public_lookup.camera_pages import blp as camera_pages_blp
    from public_lookup.complaint_pages import blp as complaint_pages_blp
    from public_lookup.pages import blp as pages_blp
    from public_lookup.pages import register_page_errors
    from public_lookup.penalties import pages as penalty_pages_blp
    from public_lookup.sampling_pages import blp as sampling_pages_blp
    from public_lookup.trace_pages import blp as trace_pages_blp

    settings = settings or load_settings(config)
    app = Flask("public_lookup")
    init_platform_core(app, settings, stores, json_only=False)  # its pages post HTML forms
    app.register_blueprint(health_blp)
    app.register_blueprint(pages_blp)
    app.register_blueprint(complaint_pages_blp)
    app.register_blueprint(sampling_pages_blp)
    app.register_blueprint(trace_pages_blp)
    app.register_blueprint(camera_pages_blp)
    app.register_blueprint(penalty_pages_blp)
    app.register_blueprint(chef_pages_blp)
    # Page templates extend the public card's base (one look, one stylesheet).
    app.jinja_loader = ChoiceLoader(
        [FileSystemLoader(os.path.join(app.root_path, "templates")), PackageLoader("backend.public_card", "templates")]
    )
    register_page_errors(app)
    assert_every_endpoint_declares_access(app)
    return app


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The whole platform: the API app with the public lookup pages mounted beside it."""
    from backend.web.mount import mount_lookup

    settings = load_settings(config)
    app = create_api_app(settings=settings)
    lookup = create_lookup_app(settings=settings, stores=app.extensions["sfs.stores"])
    mount_lookup(app, lookup)
    return app
