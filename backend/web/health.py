"""Liveness and readiness."""

from __future__ import annotations

from flask import Blueprint, jsonify

from backend.calendars import services as calendars
from backend.core import context
from backend.web.access import PUBLIC, access
from backend.web.errors import error_response

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
            f"Not ready: {', '.join(sorted(failures))} did not answer.",
            {name: [reason] for name, reason in failures.items()},
        )
    calendar = calendars.status()
    return jsonify(
        status="ready",
        calendar={**calendar, "known_until": calendar["known_until"] and calendar["known_until"].isoformat()},
    )
