"""Request plumbing shared by every app: request ids, JSON-line logs, content-type and JSON checks,
and the headers every response carries."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, current_app, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

from backend.core.text import Text, use_language
from backend.web.errors import error_response
from backend.web.messages import language

REQUEST_ID_HEADER = "X-Request-ID"
_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
BODY_METHODS = {"POST", "PUT", "PATCH"}
access_log = logging.getLogger("sfs.access")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", None) if has_request_context() else None
        return True


def configure_logging(level: str) -> None:
    """JSON lines on stderr, each carrying the request id when there is one. Idempotent."""
    root = logging.getLogger()
    root.setLevel(level.upper())
    for handler in root.handlers:
        if getattr(handler, "_sfs", False):
            return
    handler = logging.StreamHandler(sys.stderr)
    handler._sfs = True  # type: ignore[attr-defined]
    handler.setFormatter(
        JsonFormatter(
            "{asctime}{levelname}{name}{message}{request_id}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)


FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
# A JSON body describes one record; files come as multipart. Far below MAX_CONTENT_LENGTH, so a body of
# a million keys is refused before anything parses it.
MAX_JSON_BYTES = 256 * 1024
# No page of ours may be framed by another site (clickjacking); CSP for browsers that know it.
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def has_lone_surrogate(value) -> bool:
    """`"\\ud800"` is valid JSON but no text: it cannot be encoded, hashed or stored."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(has_lone_surrogate(k) or has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_lone_surrogate(item) for item in value)
    return False


def _json_problem():
    """A JSON body that is too large, or holds text that is no text (unpaired UTF-16 surrogates),
    is refused before any view parses it."""
    if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
        return error_response(413, Text("A JSON body may have at most {size} KB.", size=MAX_JSON_BYTES // 1024))
    data = request.get_data(cache=True)
    if len(data) > MAX_JSON_BYTES:
        return error_response(413, Text("A JSON body may have at most {size} KB.", size=MAX_JSON_BYTES // 1024))
    if b"\\u" in data or b"\\U" in data:
        try:
            surrogate = has_lone_surrogate(json.loads(data))
        except (ValueError, RecursionError):
            return None  # not JSON at all: the view's parser says so (400)
        if surrogate:
            return error_response(
                400, Text("The request body holds text that is not valid Unicode (an unpaired surrogate).")
            )
    return None


def _declares_query(view) -> bool | None:
    """Whether an API view declares query parameters (None: not an API view, or not known)."""
    handler = getattr(getattr(view, "view_class", None), request.method.lower(), None) or view
    apidoc = getattr(handler, "_apidoc", None)
    if apidoc is None:
        return None
    return any(p.get("in", p.get("location")) == "query" for p in apidoc.get("arguments", {}).get("parameters", []))


def _undeclared_query():
    """A query parameter an API operation does not declare is refused, naming it: a filter that does not
    exist must not look as if it had filtered. (Declared ones are checked by their schema.)"""
    if not request.args or request.endpoint is None:
        return None
    view = current_app.view_functions.get(request.endpoint)
    if view is None or _declares_query(view) is not False:
        return None
    return error_response(422, None, {name: [Text("Unknown field.")] for name in sorted(request.args)[:50]})


def install_request_plumbing(app: Flask, *, json_only: bool = True, form_path_prefixes: tuple[str, ...] = ()) -> None:
    """`json_only`: bodies must be JSON (or multipart uploads), except under `form_path_prefixes`."""

    @app.before_request
    def _start_request():
        supplied = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = supplied if _CLIENT_REQUEST_ID.match(supplied) else uuid.uuid4().hex
        g.request_started = time.perf_counter()
        use_language(language())  # what schemas show of messages kept in both languages
        has_body = request.content_length or request.headers.get("Transfer-Encoding")
        if json_only and request.method in BODY_METHODS and has_body:
            accepted = {"application/json", "multipart/form-data"}
            if request.path.startswith(form_path_prefixes):
                accepted = accepted | FORM_TYPES
            if request.mimetype not in accepted and not request.mimetype.endswith("+json"):
                return error_response(
                    415, Text("Send JSON (Content-Type: application/json) or multipart/form-data uploads.")
                )
        if request.method in BODY_METHODS and has_body and request.is_json:
            return _json_problem()
        return _undeclared_query()

    @app.after_request
    def _finish_request(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        request_id = g.get("request_id")
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
        started = g.get("request_started")
        access_log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
            },
        )
        return response
