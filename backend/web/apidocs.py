"""API documentation: Swagger UI's files served from the `swagger-ui-bundle` wheel (so /api/docs works
with no CDN), the error responses every operation can give, written into the OpenAPI document by
one set of rules so that the document says what the responses do, and what client generators need:
a stable `operationId` per operation and nullable nested objects in the form they read."""

from __future__ import annotations

import re

from apispec.ext.marshmallow import MarshmallowPlugin, OpenAPIConverter
from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from backend.web.access import PUBLIC, access

blp = Blueprint("swagger_assets", __name__)

ERROR_RESPONSES = {
    "401": "Sign-in required, or the token is invalid or expired",
    "403": "Signed in, but this role or member may not do this",
    "404": "No such record, or not one you may see",
    "409": "The record changed or is not in a state that allows this; reload it",
    "413": "The body is too large",
    "415": "Send JSON (or multipart/form-data for files)",
    "429": "Too many requests; see Retry-After",
    "503": "A service we depend on is away; see Retry-After",
}
# gunicorn (limit_request_line, 4094 bytes) and nginx refuse a longer request line themselves, as an
# HTML page, before the platform sees the request: every operation can get this answer.
URI_TOO_LONG = {
    "description": "The request line (method, path and query) is longer than the HTTP server takes (4 KB); "
    "refused by the server before the platform, as an HTML page",
    "content": {"text/html": {"schema": {"type": "string"}}},
}
BODY_METHODS = {"post", "put", "patch"}
CHANGING_METHODS = {"post", "put", "patch", "delete"}
OWN_ERROR_SHAPE_PREFIXES = ("/open311/",)  # Open311 answers errors in its own shape, documented by its views


@blp.get("/api/docs/assets/<path:filename>")
@access(PUBLIC)
def swagger_asset(filename: str):
    return send_from_directory(swagger_ui_path, filename, max_age=86400)


def document_error_responses(api) -> None:
    """Add to each operation the error responses it can give (after every blueprint is registered)."""
    spec = api.spec
    for code, description in ERROR_RESPONSES.items():
        spec.components.response(
            f"ERROR_{code}", {"description": description, "content": {"application/json": {"schema": "Error"}}}
        )
    spec.components.response("URI_TOO_LONG", URI_TOO_LONG)
    for path, operations in spec._paths.items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            operation.setdefault("responses", {}).setdefault("414", {"$ref": "#/components/responses/URI_TOO_LONG"})
            if path.startswith(OWN_ERROR_SHAPE_PREFIXES):
                continue
            codes = {"503"}
            if operation.get("security"):
                codes |= {"401", "403"}
            else:
                codes.add("429")
            if method in BODY_METHODS and "requestBody" in operation:
                codes |= {"413", "415"}
            if "{" in path:
                codes.add("404")
                if method in CHANGING_METHODS:
                    codes.add("409")
            responses = operation.setdefault("responses", {})
            if method == "get" and any(p.get("name") == "page" for p in operation.get("parameters", [])):
                success = responses.get("200")
                if isinstance(success, dict):
                    success.setdefault("headers", {})["X-Pagination"] = {
                        "description": 'Totals as JSON: {"page", "per_page", "total", "pages"}',
                        "schema": {"type": "string"},
                    }
            for code in sorted(codes):
                responses.setdefault(code, {"$ref": f"#/components/responses/ERROR_{code}"})


class _Converter(OpenAPIConverter):
    """A nullable nested object as `{"allOf": [{"$ref": …}], "nullable": true}`: what OpenAPI 3.0
    generators read as "this model or null". apispec's `anyOf [{"type": "object", "nullable": true},
    {"$ref": …}]` made generated clients type such fields as a bare dict."""

    def field2nullable(self, field, ret) -> dict:
        if field.allow_none and self.openapi_version.major == 3 and self.openapi_version.minor == 0:
            if "$ref" in ret:
                return {"allOf": [{"$ref": ret.pop("$ref")}], "nullable": True}
            if "allOf" in ret:
                return {"nullable": True}
        return super().field2nullable(field, ret)


class DocumentPlugin(MarshmallowPlugin):
    Converter = _Converter


_PATH_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower().replace(".", "_").replace("-", "_")


def name_operations(app, api) -> None:
    """Give every operation an `operationId` made of its method, its blueprint and its view
    (`post_mp_routine_daily_checks`): stable while the code is, unique, and what a generated client
    names its functions (they were named after paths)."""
    endpoints = {}
    for rule in app.url_map.iter_rules():
        path = _PATH_VARIABLE.sub(r"{\1}", rule.rule)
        for method in rule.methods or ():
            endpoints[(path, method.lower())] = rule.endpoint
    seen: dict[str, str] = {}
    for path, operations in api.spec._paths.items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            endpoint = endpoints.get((path, method))
            if endpoint is None:
                raise RuntimeError(f"no endpoint serves {method.upper()} {path}")
            operation_id = f"{method}_{_snake(endpoint)}"
            if operation_id in seen:
                raise RuntimeError(f"{operation_id} names both {seen[operation_id]} and {method} {path}")
            seen[operation_id] = f"{method} {path}"
            operation["operationId"] = operation_id
