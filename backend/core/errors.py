"""Domain exceptions shared by every package. Services raise these; the web layer maps them (and
every HTTP error) to the one JSON error shape `{code, status, error, message, errors}` in one place
(`backend.web.errors`). `error` is a stable code for programs (`registry.business_not_found`,
`invalid_input`): the exception's package and class, so it never changes with the wording."""

from __future__ import annotations

import re
from http import HTTPStatus

from backend.core.text import Text


class DomainError(Exception):
    http_status = 400
    default_message = "The request could not be processed."

    @classmethod
    def error_code(cls) -> str:
        """`<package>.<snake_case class>` for a domain's own errors, the bare class for the shared ones."""
        name = re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__.replace("WeChat", "Wechat")).lower()
        parts = cls.__module__.split(".")
        package = parts[1] if len(parts) > 2 and parts[0] == "backend" and parts[1] != "core" else None
        return f"{package}.{name}" if package else name

    def __init__(self, message: str | None = None, *, errors: dict | None = None, headers: dict | None = None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.errors = errors or {}
        self.headers = headers or {}


class InvalidInput(DomainError):
    """A value passed the schema but breaks a business rule; `errors` names the field."""

    http_status = 422
    default_message = "Some fields are not valid."


class IdempotencyKeyReused(InvalidInput):
    """The same Idempotency-Key came with another body: one error, wherever the key is kept (the web
    layer's store for any POST, or an order that keeps its key for ever)."""

    default_message = "This Idempotency-Key was used for a different request."

    def __init__(self):
        super().__init__(errors={"Idempotency-Key": [Text("Already used for a different request.")]})


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


HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    428: "precondition_required",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}


def error_body(code: int, message: str | None = None, errors: dict | None = None, error: str | None = None) -> dict:
    return {
        "code": code,
        "status": HTTPStatus(code).phrase if code in HTTPStatus._value2member_map_ else "Error",
        "error": error or HTTP_ERROR_CODES.get(code, "error"),
        "message": message or (HTTPStatus(code).description if code in HTTPStatus._value2member_map_ else ""),
        "errors": errors or {},
    }
