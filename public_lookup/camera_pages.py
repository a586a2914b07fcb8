"""`/q/<code>/cameras/<camera>.jpg`: the latest public snapshot (faces blurred) of a camera the card
shows, straight from Redis; `Last-Modified` is its capture time."""

from __future__ import annotations

from email.utils import formatdate

from flask import Blueprint, Response

from backend.cameras import services
from backend.core.errors import NotFound
from backend.core.text import Text
from backend.web.access import PUBLIC, access
from backend.web.limits import limit_public

blp = Blueprint("camera_pages", __name__)


@blp.get("/q/<code>/cameras/<camera_id>.jpg")
@access(PUBLIC)
def camera_snapshot(code: str, camera_id: str):
    limit_public()
    found = services.public_snapshot(code, camera_id)
    if found is None:
        raise NotFound(Text("This camera has no public picture."))
    image, captured_at = found
    return Response(
        image,
        mimetype="image/jpeg",
        headers={"Cache-Control": "public, max-age=5", "Last-Modified": formatdate(captured_at, usegmt=True)},
    )
