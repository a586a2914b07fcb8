"""The one mapping of errors to HTTP: domain exceptions and every HTTPException become
`{code, status, message, errors}`."""

from __future__ import annotations

import logging

from flask import Flask, Response, has_request_context, jsonify, render_template, request
from redis.exceptions import RedisError
from werkzeug.exceptions import HTTPException

from backend.core.errors import HTTP_ERROR_CODES, DomainError, error_body
from backend.core.text import Text
from backend.web.messages import field_errors, localised

log = logging.getLogger(__name__)
REDIS_RETRY_AFTER = 5


def error_response(
    code: int,
    message: str | None = None,
    errors: dict | None = None,
    headers: dict | None = None,
    error: str | None = None,
):
    if has_request_context() and request.path.startswith("/console/"):
        return _page_error(code, headers)
    error = error or HTTP_ERROR_CODES.get(code, "error")
    response = jsonify(error_body(code, localised(error, message), field_errors(errors or {}), error))
    response.status_code = code
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


# What a console page says for an error it did not handle itself (the pages answer their own 403, 404,
# 409 and 422 beside the form): a Chinese page with the status, never JSON or a traceback.
_PAGE_REASONS = {404: "not_found", 405: "not_found", 413: "too_large", 429: "too_many", 503: "unavailable"}


def _page_error(code: int, headers: dict | None = None) -> Response:
    html = render_template("console/error.html", principal=None, menu=[], reason=_PAGE_REASONS.get(code, "error"))
    response = Response(html, status=code, mimetype="text/html", headers={"Cache-Control": "no-store"})
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _handle_http_exception(error: HTTPException):
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages") or {}
    # webargs nests errors by location ({"json": {...}}); clients want the fields.
    if isinstance(errors, dict) and len(errors) == 1:
        ((location, inner),) = errors.items()
        if location in {"json", "query", "form", "files", "path", "headers"}:
            errors = inner if isinstance(inner, dict) else {"_body": inner}
    message = data.get("message")
    error_code = None
    if message is None:
        if code == 400 and errors:
            error_code = "invalid_json"
        elif code not in HTTP_ERROR_CODES:
            message = error.description
    headers = dict(data.get("headers") or {})
    # (an unhandled exception behind a 500 is already logged, with its trace, by Flask)
    response = error_response(code, message, errors, headers, error=error_code)
    valid_methods = getattr(error, "valid_methods", None)
    if code == 405 and valid_methods:
        response.headers["Allow"] = ", ".join(valid_methods)
    return response


def _handle_domain_error(error: DomainError):
    return error_response(error.http_status, error.message, error.errors, error.headers, error=error.error_code())


def _handle_recursion_error(error: RecursionError):
    # json.loads raises RecursionError (not a decode error) on absurdly nested bodies: [[[[...]]]]
    return error_response(400, Text("The request body is nested too deeply."))


def _handle_redis_error(error: RedisError):
    # Redis is away or stalled (its calls time out after REDIS_TIMEOUT): say so at once, and when to retry.
    log.warning("redis unavailable: %s", type(error).__name__)
    return error_response(
        503,
        Text("A service we depend on is unavailable; try again shortly."),
        headers={"Retry-After": str(REDIS_RETRY_AFTER)},
    )


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(RedisError, _handle_redis_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(DomainError, _handle_domain_error)
    app.register_error_handler(RecursionError, _handle_recursion_error)
