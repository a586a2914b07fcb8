"""Conditional responses for cached public content (ETag / If-None-Match → 304)."""
from __future__ import annotations

from flask import Response, request

CACHE_CONTROL = "public, max-age=60"


def cached_response(body: str | bytes, *, etag: str, mimetype: str, status: int = 200,
                    cache_control: str = CACHE_CONTROL) -> Response:
    raw_etag = etag.strip('"')
    if status == 200 and request.if_none_match.contains(raw_etag):
        response = Response(status=304)
    else:
        response = Response(body, status=status, mimetype=mimetype)
    response.set_etag(raw_etag)
    response.headers["Cache-Control"] = cache_control
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
