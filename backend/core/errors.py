"""Domain exceptions shared by every package, and their one mapping to HTTP.

Services raise these; `register_error_handlers` turns them (and every HTTPException) into the one
JSON error shape `{code, status, message, errors}`.
"""
from __future__ import annotations

import logging
from http import HTTPStatus

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class DomainError(Exception):
    http_status = 400
    default_message = "The request could not be processed."

    def __init__(self, message: str | None = None, *, errors: dict | None = None, headers: dict | None = None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.errors = errors or {}
        self.headers = headers or {}


class InvalidInput(DomainError):
    """A value passed the schema but breaks a business rule; `errors` names the field."""

    http_status = 422
    default_message = "Some fields are not valid."


class Unauthorized(DomainError):
    http_status = 401
    default_message = "Authentication is required."


class Forbidden(DomainError):
    http_status = 403
    default_message = "You may not do this."


class NotFound(DomainError):
    http_status = 404
    default_message = "Not found."


class Conflict(DomainError):
    http_status = 409
    default_message = "The resource changed or already exists."


class PayloadTooLarge(DomainError):
    http_status = 413
    default_message = "The upload is too large."


class UnsupportedMediaType(DomainError):
    http_status = 415
    default_message = "This type of content is not accepted."


class RateLimited(DomainError):
    http_status = 429
    default_message = "Too many requests; try again later."

    def __init__(self, message: str | None = None, *, retry_after: int = 60, **kwargs):
        super().__init__(message, **kwargs)
        self.headers.setdefault("Retry-After", str(max(1, int(retry_after))))


class ServiceUnavailable(DomainError):
    http_status = 503
    default_message = "A service we depend on is unavailable; try again shortly."

    def __init__(self, message: str | None = None, *, retry_after: int = 5, **kwargs):
        super().__init__(message, **kwargs)
        self.headers.setdefault("Retry-After", str(max(1, int(retry_after))))


def error_body(code: int, message: str | None = None, errors: dict | None = None) -> dict:
    return {
        "code": code,
        "status": HTTPStatus(code).phrase if code in HTTPStatus._value2member_map_ else "Error",
        "message": message or (HTTPStatus(code).description if code in HTTPStatus._value2member_map_ else ""),
        "errors": errors or {},
    }


def error_response(code: int, message: str | None = None, errors: dict | None = None, headers: dict | None = None):
    response = jsonify(error_body(code, message, errors))
    response.status_code = code
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _handle_http_exception(error: HTTPException):
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages") or {}
    # webargs nests errors by location ({"json": {...}}); clients want the fields.
    if isinstance(errors, dict) and len(errors) == 1:
        (location, inner), = errors.items()
        if location in {"json", "query", "form", "files", "path", "headers"}:
            errors = inner if isinstance(inner, dict) else {"_body": inner}
    message = data.get("message")
    if message is None:
        if code == 400 and errors:
            message = "The request body is not valid JSON."
        else:
            message = {422: "Some fields are not valid.", 500: "Internal error; it has been logged."}.get(code)
            message = message or error.description
    headers = dict(data.get("headers") or {})
    # (an unhandled exception behind a 500 is already logged, with its trace, by Flask)
    response = error_response(code, message, errors, headers)
    valid_methods = getattr(error, "valid_methods", None)
    if code == 405 and valid_methods:
        response.headers["Allow"] = ", ".join(valid_methods)
    return response


def _handle_domain_error(error: DomainError):
    return error_response(error.http_status, error.message, error.errors, error.headers)


def _handle_recursion_error(error: RecursionError):
    # json.loads raises RecursionError (not a decode error) on absurdly nested bodies: [[[[...]]]]
    return error_response(400, "The request body is nested too deeply.")


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(DomainError, _handle_domain_error)
    app.register_error_handler(RecursionError, _handle_recursion_error)
