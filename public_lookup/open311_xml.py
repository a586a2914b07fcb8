"""Open311 GeoReport v2 in XML (the standard requires it beside JSON) and the discovery document.

The same resources as `open311` (whose functions build them) with `.xml`: services, service
definitions, requests (list, one, and creation by form post). Errors are `<errors><error>…`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import marshmallow as ma
from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from backend.core import context
from backend.core.errors import DomainError
from backend.web.access import PUBLIC, access
from public_lookup import open311

blp = Blueprint("open311_xml", __name__)
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-02T00:00:00+08:00"


# Characters XML 1.0 cannot carry at all (control characters but tab, LF, CR; lone surrogates; U+FFFE/F):
# a client's field name with one in it must not make our error reply unreadable XML.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("\ufffd", str(value))


def _element(tag: str, value) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, dict):
        for key, inner in value.items():
            element.append(_element(key, inner))
    elif isinstance(value, list):
        singular = {"attributes": "attribute", "values": "value", "formats": "format", "endpoints": "endpoint"}
        for inner in value:
            element.append(_element(singular.get(tag, "item"), inner))
    else:
        element.text = _text(value)
    return element


def xml_response(root: str, item: str | None, data, status: int = 200) -> Response:
    element = ET.Element(root)
    if item is None:
        for key, inner in data.items():
            element.append(_element(key, inner))
    else:
        for entry in data:
            element.append(_element(item, entry))
    body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8")
    return Response(body, status=status, mimetype="text/xml")


def _error(code: int, description: str, headers=None) -> Response:
    response = xml_response("errors", "error", [{"code": code, "description": description}], status=code)
    response.headers.update(headers or {})
    return response


@blp.errorhandler(DomainError)
def _domain_error(error: DomainError):
    return _error(*open311._error_of(error), headers=error.headers)


@blp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return _error(error.code or 500, error.description or "Error")


def _serialised(schema, data, many=True):
    return schema(many=many).dump(data)


@blp.get("/open311/v2/services.xml")
@access(PUBLIC)
def services_xml():
    open311.limit_public()
    services = [open311._service(code) for code in open311.ALL_CODES]
    return xml_response("services", "service", _serialised(open311.Open311ServiceSchema, services))


@blp.get("/open311/v2/services/<service_code>.xml")
@access(PUBLIC)
def service_definition_xml(service_code: str):
    definition = open311.service_definition(service_code)
    return xml_response("service_definition", None, open311.Open311DefinitionSchema().dump(definition))


@blp.route("/open311/v2/requests.xml", methods=["GET", "POST"])
@access(PUBLIC)
def requests_xml():
    if request.method == "POST":
        try:
            form = open311.Open311RequestSchema().load(request.form.to_dict())
        except ma.ValidationError as invalid:
            details = "; ".join(f"{field}: {reasons}" for field, reasons in invalid.messages.items())
            return _error(400, details)
        created = open311.create_request(form)
        return xml_response(
            "service_requests", "request", _serialised(open311.Open311CreatedSchema, created), status=201
        )
    try:
        query = open311.Open311QuerySchema().load(request.args.to_dict())
    except ma.ValidationError as invalid:
        return _error(400, "; ".join(f"{field}: {reasons}" for field, reasons in invalid.messages.items()))
    found = open311.list_requests(query)
    return xml_response("service_requests", "request", _serialised(open311.Open311RequestViewSchema, found))


@blp.get("/open311/v2/requests/<service_request_id>.xml")
@access(PUBLIC)
def request_xml(service_request_id: str):
    found = open311.one_request(service_request_id)
    return xml_response("service_requests", "request", _serialised(open311.Open311RequestViewSchema, found))


def _discovery() -> dict:
    base = context.settings().PUBLIC_BASE_URL.rstrip("/")
    return {
        "changeset": CHANGESET,
        "contact": "各县区市场监督管理局；投诉举报热线 12315",
        "key_service": "无需 API key",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{base}/open311/v2",
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


@blp.get("/open311/discovery.json")
@access(PUBLIC)
def discovery_json():
    open311.limit_public()
    return jsonify(_discovery())


@blp.get("/open311/discovery.xml")
@access(PUBLIC)
def discovery_xml():
    open311.limit_public()
    return xml_response("discovery", None, _discovery())
