"""Swagger UI's files served from the `swagger-ui-bundle` wheel, so /api/docs works with no CDN."""

from __future__ import annotations

from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from backend.web.access import PUBLIC, access

blp = Blueprint("swagger_assets", __name__)


@blp.get("/api/docs/assets/<path:filename>")
@access(PUBLIC)
def swagger_asset(filename: str):
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
