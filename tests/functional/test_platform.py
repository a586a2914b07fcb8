"""Operations endpoints and the one error shape, over real HTTP."""

import io
import json
import logging

import pytest
import requests
from pythonjsonlogger.json import JsonFormatter

from backend.web.access import PUBLIC, access
from backend.web.plumbing import RequestIdFilter
from tests.support import LiveServer, assert_error, free_port


def test_health_and_readiness(api):
    assert api.get("/healthz").json() == {"status": "ok"}
    assert api.get("/readyz").status_code == 200


def test_readiness_names_the_store_that_failed(config):
    from backend.app import create_app

    app = create_app({**config, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"})
    server = LiveServer(app)
    try:
        response = requests.get(server.url + "/readyz", timeout=15)
        body = assert_error(response, 503)
        assert "redis" in body["message"] and "mongodb" not in body["message"]
    finally:
        server.stop()


def test_openapi_and_docs_are_served_without_a_cdn(api):
    spec = api.get("/api/openapi.json").json()
    assert "/api/v1/mp/auth/login" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    docs = api.get("/api/docs")
    assert docs.status_code == 200 and "/api/docs/assets/swagger-ui-bundle.js" in docs.text
    assert api.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200


def test_error_shape_for_unknown_path_and_method(api):
    assert_error(api.get("/api/v1/nothing-here"), 404)
    response = api.delete("/healthz")
    assert_error(response, 405)
    assert "GET" in response.headers["Allow"]


def test_malformed_json_is_400(api):
    response = api.post("/api/v1/auth/token", data=b'{"username": ', headers={"Content-Type": "application/json"})
    assert_error(response, 400)


def test_absurdly_nested_json_is_400_not_500(api):
    response = api.post(
        "/api/v1/auth/token", data="[" * 100_000 + "]" * 100_000, headers={"Content-Type": "application/json"}
    )
    assert_error(response, 400)


def test_unknown_fields_and_wrong_types_are_422_naming_the_field(api):
    body = assert_error(api.post("/api/v1/auth/token", json={"username": "abc", "password": 5, "admin": True}), 422)
    assert set(body["errors"]) == {"password", "admin"}


def test_operator_object_is_rejected_not_queried(api, make_console_user):
    make_console_user("admin", username="rootuser")
    body = assert_error(
        api.post("/api/v1/auth/token", json={"username": {"$ne": None}, "password": {"$ne": None}}), 422
    )
    assert set(body["errors"]) == {"username", "password"}


def test_non_json_body_is_415(api):
    response = api.post(
        "/api/v1/auth/token",
        data="username=a&password=b",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_error(response, 415)


def test_oversized_body_is_413(config):
    from backend.app import create_app

    server = LiveServer(create_app({**config, "MAX_CONTENT_LENGTH": 1024}))
    try:
        response = requests.post(
            server.url + "/api/v1/auth/token", timeout=15, json={"username": "abc", "password": "x" * 5000}
        )
        assert_error(response, 413)
    finally:
        server.stop()


def test_unhandled_error_is_500_without_a_trace(app):
    @access(PUBLIC)
    def explode():
        raise RuntimeError("secret internals at /srv/app.py line 12")

    app.add_url_rule("/explode", "explode", explode)
    server = LiveServer(app)
    try:
        response = requests.get(server.url + "/explode", timeout=15)
        body = assert_error(response, 500)
        assert "secret internals" not in response.text and "Traceback" not in response.text
        assert body["message"]
    finally:
        server.stop()


def test_request_id_is_echoed_or_generated_and_logged(api):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("{message}{request_id}", style="{"))
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("sfs.access")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    try:
        mine = api.get("/healthz", headers={"X-Request-ID": "client-abc-123"})
        generated = api.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
    assert mine.headers["X-Request-ID"] == "client-abc-123"
    assert len(generated.headers["X-Request-ID"]) == 32
    logged = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert {entry["request_id"] for entry in logged} >= {"client-abc-123", generated.headers["X-Request-ID"]}


@pytest.mark.parametrize("path", ["/api/v1/mp/auth/me", "/api/v1/console/users", "/api/v1/console/audit/verify"])
def test_protected_endpoints_need_a_token(api, path):
    method = "POST" if path.endswith("users") else "GET"
    assert_error(api.request(method, path, json={} if method == "POST" else None), 401)


def test_every_endpoint_declares_who_may_call_it(app):
    from flask.views import MethodView

    from backend.web.access import assert_every_endpoint_declares_access

    class Undeclared(MethodView):
        def get(self):
            return "open"

    app.add_url_rule("/undeclared", view_func=Undeclared.as_view("undeclared"))
    with pytest.raises(RuntimeError, match="undeclared GET"):
        assert_every_endpoint_declares_access(app)


def test_the_favicon_is_served(api):
    response = api.get("/favicon.ico")
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO header
