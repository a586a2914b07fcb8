"""Responses that carry content: cached public content (ETag / If-None-Match → 304), downloads."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, request

CACHE_CONTROL = "public, max-age=60"


def cached_response(
    body: str | bytes, *, etag: str, mimetype: str, status: int = 200, cache_control: str = CACHE_CONTROL
) -> Response:
    raw_etag = etag.strip('"')
    if status == 200 and request.if_none_match.contains(raw_etag):
        response = Response(status=304)
    else:
        response = Response(body, status=status, mimetype=mimetype)
    response.set_etag(raw_etag)
    response.headers["Cache-Control"] = cache_control
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def document_response(document, data: bytes) -> Response:
    """A stored document as a download, typed by what we stored, never sniffed by the browser."""
    return download(data, document.content_type, document.filename)


def download(data: bytes, content_type: str, filename: str) -> Response:
    """Private bytes as a file named in Chinese where it must be (an ASCII fallback for old clients)."""
    response = Response(data, mimetype=content_type)
    ascii_name = filename.encode("ascii", "ignore").decode() or f"document.{filename.rsplit('.', 1)[-1]}"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def private_response(data: bytes, content_type: str) -> Response:
    """Bytes only the caller may see (a complaint photo): never cached, never sniffed."""
    response = Response(data, mimetype=content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def csv_download(body: str, filename: str) -> Response:
    """CSV with a BOM, so that Excel opens UTF-8 correctly."""
    response = Response("\ufeff" + body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
