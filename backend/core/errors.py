"""Domain exceptions shared by every package. Services raise these; the web layer maps them (and
every HTTP error) to the one JSON error shape `{code, status, message, errors}` in one place
(`backend.web.errors`)."""

from __future__ import annotations

from http import HTTPStatus


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
