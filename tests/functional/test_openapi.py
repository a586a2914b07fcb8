"""The OpenAPI document says what the responses do: error codes, types, Open311, methods."""

import json

import pytest

from tests.builders import submitted_business


@pytest.fixture
def spec(api):
    return api.get("/api/openapi.json").json()


def _resolve(spec, schema):
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = spec["components"]["schemas"][name]
    return schema


TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "array": list, "object": dict}


def conforms(spec, schema, value, where="body") -> list[str]:
    """Where a value does not have the documented type (a small checker: types, nullability, items)."""
    schema = _resolve(spec, schema)
    if value is None:
        return [] if schema.get("nullable") or not schema.get("type") else [f"{where}: null, documented not nullable"]
    kind = schema.get("type")
    if kind and not isinstance(value, TYPES[kind]) or (kind in ("integer", "number") and isinstance(value, bool)):
        return [f"{where}: {type(value).__name__}, documented {kind}"]
    problems = []
    if kind == "array":
        for i, item in enumerate(value):
            problems += conforms(spec, schema.get("items", {}), item, f"{where}[{i}]")
    for name, prop in (schema.get("properties") or {}).items():
        if isinstance(value, dict) and name in value:
            problems += conforms(spec, prop, value[name], f"{where}.{name}")
    return problems


def response_schema(spec, path, method, status):
    response = spec["paths"][path][method]["responses"][str(status)]
    return response["content"]["application/json"]["schema"]


def test_signed_in_operations_document_401_and_403_and_bodies_413_415_422(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters" or path.startswith("/open311/"):
                continue
            if operation.get("security"):
                assert {"401", "403"} <= set(operation["responses"]), (method, path)
            else:
                assert "429" in operation["responses"], (method, path)
    create = spec["paths"]["/api/v1/mp/businesses"]["post"]["responses"]
    assert {"201", "409", "413", "415", "422"} <= set(create)
    assert "404" in spec["paths"]["/api/v1/console/businesses/{business_id}/approve"]["post"]["responses"]


def test_open311_responses_are_documented_in_its_own_shape(spec):
    listing = spec["paths"]["/open311/v2/requests.json"]["get"]["responses"]
    assert _resolve(spec, response_schema(spec, "/open311/v2/requests.json", "get", 200))["type"] == "array"
    assert "422" not in listing and {"400", "429"} <= set(listing)


def test_responses_have_the_documented_types(api, spec, approved_business, mp_login, console_login):
    business, regulator = approved_business
    owner = mp_login()["access_token"]
    draft = submitted_business(api, owner)
    submitted = api.post(
        "/api/v1/public/complaints",
        json={
            "kind": "report",
            "category": "hygiene",
            "description": "后厨老鼠出没",
            "business_code": business["public_code"],
        },
    ).json()
    number = submitted["number"]
    checks = [
        (
            "/api/v1/public/businesses/{code}",
            "get",
            200,
            api.get(f"/api/v1/public/businesses/{business['public_code']}"),
        ),
        (
            "/api/v1/console/complaints/{number}",
            "get",
            200,
            api.get(f"/api/v1/console/complaints/{number}", token=regulator),
        ),
        (
            "/api/v1/public/complaints/{number}",
            "get",
            200,
            api.get(f"/api/v1/public/complaints/{number}", params={"key": submitted["query_key"]}),
        ),
        (
            "/api/v1/mp/businesses/{business_id}",
            "get",
            200,
            api.get(f"/api/v1/mp/businesses/{draft['id']}", token=owner),
        ),
        ("/open311/v2/requests.json", "get", 200, api.get("/open311/v2/requests.json")),
        ("/open311/v2/services.json", "get", 200, api.get("/open311/v2/services.json")),
    ]
    for path, method, status, response in checks:
        assert response.status_code == status, (path, response.text)
        assert conforms(spec, response_schema(spec, path, method, status), response.json()) == [], path
    assert isinstance(api.get(f"/api/v1/console/complaints/{number}", token=regulator).json()["extended"], bool)


def test_the_type_checker_can_fail(spec):
    schema = {"type": "object", "properties": {"n": {"type": "integer"}, "b": {"type": "boolean"}}}
    assert conforms(spec, schema, {"n": "1", "b": 0}) == [
        "body.n: str, documented integer",
        "body.b: int, documented boolean",
    ]


def test_options_lists_only_the_methods_a_path_has(api, mp_login):
    token = mp_login()["access_token"]
    allowed = api.request("OPTIONS", "/api/v1/mp/businesses/mine", token=token).headers["Allow"]
    assert "GET" in allowed and "PATCH" not in allowed and "DELETE" not in allowed


def test_the_document_validates(spec):
    from openapi_spec_validator import validate

    validate(spec)  # raises on any departure from OpenAPI 3.0
    upload = spec["paths"]["/api/v1/mp/businesses/{business_id}/documents"]["post"]
    assert not [p for p in upload.get("parameters", []) if p.get("in") == "formData"]
    body = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert set(body["required"]) == {"kind", "file"}  # generated clients send both parts


def test_paged_lists_declare_their_x_pagination_header(api):
    paths = api.get("/api/openapi.json").json()["paths"]
    paged = [
        operation
        for operations in paths.values()
        for method, operation in operations.items()
        if method == "get" and any(p.get("name") == "page" for p in operation.get("parameters", []))
    ]
    assert len(paged) > 20
    assert all("X-Pagination" in operation["responses"]["200"].get("headers", {}) for operation in paged)
    response = api.get("/api/v1/public/businesses")
    assert set(json.loads(response.headers["X-Pagination"])) == {"page", "per_page", "total", "pages"}


def test_every_operation_has_a_unique_operation_id_and_nullable_objects_are_typed(spec):
    operations = [
        operation
        for path in spec["paths"].values()
        for method, operation in path.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    ids = [operation.get("operationId") for operation in operations]
    assert all(ids) and len(set(ids)) == len(ids)
    text = json.dumps(spec)
    assert '{"type": "object", "nullable": true}' not in text  # untyped to generators
    licence = spec["components"]["schemas"]["PublicCard"]["properties"]["licence"]
    assert licence["nullable"] is True and licence["allOf"] == [{"$ref": "#/components/schemas/PublicLicence"}]
    assert spec["info"]["title"].isascii() and "智慧食安" in spec["info"]["description"]
