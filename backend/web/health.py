"""Liveness and readiness, and the favicon every browser asks for."""

from __future__ import annotations

import functools
import io

from flask import Blueprint, Response, jsonify

from backend.calendars import services as calendars
from backend.core import context
from backend.core.text import Text
from backend.web.access import PUBLIC, access
from backend.web.errors import error_response
from backend.web.messages import language

blp = Blueprint("health", __name__)


@blp.get("/healthz")
@access(PUBLIC)
def healthz():
    return jsonify(status="ok")


@blp.get("/readyz")
@access(PUBLIC)
def readyz():
    failures = context.stores().check()
    if failures:
        return error_response(
            503,
            Text("Not ready: {stores} did not answer.", stores=", ".join(sorted(failures))),
            {name: [reason] for name, reason in failures.items()},
        )
    calendar = calendars.status()
    warning = calendar["warning"].render(language()) if calendar["warning"] else None
    return jsonify(
        status="ready",
        calendar={
            **calendar,
            "known_until": calendar["known_until"] and calendar["known_until"].isoformat(),
            "warning": warning,
        },
    )


@functools.cache
def _favicon() -> bytes:
    """A green square with a white mark: drawn once, so browsers stop asking (404s) for it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (32, 32), (22, 163, 74, 255))
    ImageDraw.Draw(image).rectangle((9, 9, 22, 22), fill=(255, 255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="ICO", sizes=[(32, 32)])
    return out.getvalue()


@blp.get("/favicon.ico")
@access(PUBLIC)
def favicon():
    response = Response(_favicon(), mimetype="image/x-icon")
    response.headers["Cache-Control"] = "public, max-age=604800"
    return response
