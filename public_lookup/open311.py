"""Open311 GeoReport v2 over the complaint service, so civic apps can integrate: JSON (this blueprint,
documented in the OpenAPI) and XML (`open311_xml`, the same resources with `.xml`), and the discovery
document at /open311/discovery.json|xml.

Services are kind x category ("complaint.hygiene"). Errors use Open311's own shape,
`[{"code": ..., "description": ...}]` (in XML `<errors><error>…`), naming fields as Open311 does
(`address_string`, `attribute[district_code]`). A plain client's request (service_code, description,
and address_string or lat/long) is placed by the county its address names, or else by the served
county whose boundary holds its point. The body is form-encoded as GeoReport v2 says, or JSON with
the same keys. A complaint (投诉) needs the complainant's name, phone and address and a claim by law;
a plain client that sends no such things has its request registered as a report (举报), which needs
none, and is told so in `service_notice`. What a client sends beyond the complaint (media_url,
email, device_id, account_id, lat, long) is kept for the handler, never shown. Public listings carry
no personal data and no complaint text: status, category, place, deadlines.
"""

from __future__ import annotations

from datetime import datetime, time

import marshmallow as ma
from flask import jsonify
from flask.views import MethodView
from marshmallow import validate
from werkzeug.exceptions import HTTPException

from backend.complaints import services
from backend.complaints.models import CATEGORIES, FINISHED_STATUSES, KIND_LABELS, KINDS, STATUS_LABELS, Complaint
from backend.core import districts
from backend.core.errors import DomainError, InvalidInput, NotFound
from backend.core.schemas import AwareDateTime, StrictSchema, text
from backend.core.text import Text
from backend.core.timeutil import SHANGHAI, to_shanghai
from backend.web.access import PUBLIC, access
from backend.web.blueprint import Blueprint
from backend.web.limits import limit_public, limit_submission
from backend.web.messages import localised, reason

blp = Blueprint(
    "open311", __name__, url_prefix="/open311/v2", description="Open311 GeoReport v2 (JSON): services, requests"
)

SERVICE_CODES = {f"{kind}.{category}": (kind, category) for kind in KINDS for category in CATEGORIES}
# a suspected food-safety incident goes to the banquets domain's incidents, not to complaints
INCIDENT_CODE = "incident.food_poisoning"
ALL_CODES = (*SERVICE_CODES, INCIDENT_CODE)
MAX_LIST = 1000


def _service(code: str) -> dict:
    if code == INCIDENT_CODE:
        return {
            "service_code": code,
            "service_name": "疑似食品安全事故",
            "description": "聚餐、食堂用餐或购买食品后多人发病（须填写发病人数 attribute[ill]）",
            "metadata": True,
            "type": "realtime",
            "keywords": "食物中毒,食品安全事故",
            "group": "食品安全事故",
        }
    kind, category = SERVICE_CODES[code]
    return {
        "service_code": code,
        "service_name": f"{KIND_LABELS[kind]} · {CATEGORIES[category]}",
        "description": "食品安全投诉（需留下姓名、电话、地址与诉求）"
        if kind == "complaint"
        else "食品安全举报（可匿名）",
        "metadata": True,
        "type": "realtime",
        "keywords": "食品安全,12315",
        "group": KIND_LABELS[kind],
    }


def _attributes(kind: str) -> list[dict]:
    def attribute(order, code, description, required, datatype="string"):
        return {
            "variable": True,
            "code": code,
            "datatype": datatype,
            "required": required,
            "datatype_description": None,
            "order": order,
            "description": description,
        }

    attributes = [
        attribute(
            1,
            "business_code",
            "被投诉经营者的公示码（扫码页面）；没有时须提供 address_string（经营地址，含县/区/县级市名称，"
            "如“江苏省如皋市如城街道海阳南路88号”），或另填 district_code",
            False,
        ),
        attribute(2, "business_name", "经营者名称（不填时记为“未注明”）", False),
        attribute(3, "district_code", "经营者所在县区行政区划代码（6位）；address_string 已含县区名称时可不填", False),
        attribute(4, "occurred_at", "发生时间（ISO 8601）", False, "datetime"),
    ]
    if kind == "complaint":
        attributes += [
            attribute(5, "complainant_address", f"投诉人地址{AS_REPORT_NOTE}", False),
            attribute(6, "claim", f"投诉请求，如退款、赔偿{AS_REPORT_NOTE}", False),
        ]
    return attributes


# a complaint needs these by law (with first/last name and phone); without them it is a report
AS_REPORT_NOTE = "（投诉需与姓名、电话一并提供；未提供时按举报受理）"
COMPLAINT_NEEDS = ("complainant_address", "claim", "phone")


class Open311RequestSchema(StrictSchema):
    api_key = text(128)
    jurisdiction_id = text(64)
    service_code = ma.fields.String(required=True, validate=validate.OneOf(ALL_CODES))
    description = text(2000, required=True, min_length=5)
    address_string = text(200)
    lat = ma.fields.Float()
    long = ma.fields.Float()
    email = text(128)
    device_id = text(128)
    account_id = text(128)
    first_name = text(16)
    last_name = text(16)
    phone = text(20)
    media_url = text(500)
    business_code = text(64, data_key="attribute[business_code]")
    business_name = text(100, data_key="attribute[business_name]")
    district_code = text(20, data_key="attribute[district_code]")
    occurred_at = AwareDateTime(data_key="attribute[occurred_at]")
    complainant_address = text(200, data_key="attribute[complainant_address]")
    claim = text(1000, data_key="attribute[claim]")
    ill = ma.fields.Integer(data_key="attribute[ill]", validate=validate.Range(min=1, max=100000))


class Open311QuerySchema(StrictSchema):
    jurisdiction_id = text(64)
    service_request_id = text(400)
    service_code = ma.fields.String(validate=validate.OneOf(ALL_CODES))
    start_date = AwareDateTime()
    end_date = AwareDateTime()
    status = ma.fields.String(validate=validate.OneOf(("open", "closed")))


def _open311_error(code: int, description: str):
    response = jsonify([{"code": code, "description": description}])
    response.status_code = code
    return response


# our field names -> the names an Open311 client sent
OPEN311_FIELDS = {
    "business_address": "address_string",
    "business_code": "attribute[business_code]",
    "business_name": "attribute[business_name]",
    "district_code": "attribute[district_code]",
    "occurred_at": "attribute[occurred_at]",
    "claim": "attribute[claim]",
    "complainant.address": "attribute[complainant_address]",
    "complainant.name": "first_name/last_name",
    "complainant.phone": "phone",
}


def _flat(errors: dict, prefix: str = "") -> list[tuple[str, str]]:
    flat = []
    for field, reasons in errors.items():
        name = f"{prefix}{field}"
        if isinstance(reasons, dict):
            flat += _flat(reasons, f"{name}.")
        else:
            flat.append((OPEN311_FIELDS.get(name, name), "; ".join(reason(r) for r in reasons)))
    return flat


def _error_of(error: DomainError) -> tuple[int, str]:
    details = "; ".join(f"{field}: {reasons}" for field, reasons in _flat(error.errors))
    message = localised(error.error_code(), error.message)
    return error.http_status if error.http_status != 422 else 400, message + (f" ({details})" if details else "")


@blp.errorhandler(DomainError)
def _domain_error(error: DomainError):
    response = _open311_error(*_error_of(error))
    response.headers.update(error.headers)
    return response


@blp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or {}
    fields: dict = {}
    for (
        location,
        found,
    ) in messages.items():  # {"form": {field: reasons}}, or {"json": [reasons]} for a body that is no JSON
        if isinstance(found, dict):
            fields.update(found)
        else:
            fields[location] = found
    details = "; ".join(f"{field}: {reasons}" for field, reasons in _flat(fields))
    code = 400 if error.code == 422 else (error.code or 500)
    return _open311_error(code, details or error.description or "Bad request")


def _expected(complaint: Complaint) -> str | None:
    due = complaint.current_due
    if due is None:
        return None
    return datetime.combine(due, time(23, 59, 59), tzinfo=SHANGHAI).isoformat()


def _request_view(complaint: Complaint) -> dict:
    closed = complaint.status in FINISHED_STATUSES
    return {
        "service_request_id": complaint.number,
        "status": "closed" if closed else "open",
        "status_notes": STATUS_LABELS[complaint.status],
        "service_code": f"{complaint.kind}.{complaint.category}",
        "service_name": f"{KIND_LABELS[complaint.kind]} · {CATEGORIES[complaint.category]}",
        "agency_responsible": districts.office_name(complaint.district_code),
        "service_notice": services.ACCEPT_NOTICE,
        "requested_datetime": to_shanghai(complaint.received_at).isoformat(timespec="seconds"),
        "updated_datetime": to_shanghai(complaint.updated_at).isoformat(timespec="seconds"),
        "expected_datetime": _expected(complaint),
        "address": complaint.business_address,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


class Open311ServiceSchema(ma.Schema):
    service_code = ma.fields.String()
    service_name = ma.fields.String()
    description = ma.fields.String()
    metadata = ma.fields.Boolean()
    type = ma.fields.String()
    keywords = ma.fields.String()
    group = ma.fields.String()


class Open311AttributeSchema(ma.Schema):
    variable = ma.fields.Boolean()
    code = ma.fields.String()
    datatype = ma.fields.String()
    required = ma.fields.Boolean()
    datatype_description = ma.fields.String(allow_none=True)
    order = ma.fields.Integer()
    description = ma.fields.String()


class Open311DefinitionSchema(ma.Schema):
    service_code = ma.fields.String()
    attributes = ma.fields.List(ma.fields.Nested(Open311AttributeSchema))


class Open311RequestViewSchema(ma.Schema):
    service_request_id = ma.fields.String()
    status = ma.fields.String(metadata={"enum": ["open", "closed"]})
    status_notes = ma.fields.String()
    service_code = ma.fields.String()
    service_name = ma.fields.String()
    agency_responsible = ma.fields.String()
    service_notice = ma.fields.String()
    requested_datetime = ma.fields.String()
    updated_datetime = ma.fields.String()
    expected_datetime = ma.fields.String(allow_none=True)
    address = ma.fields.String(allow_none=True)
    address_id = ma.fields.String(allow_none=True)
    zipcode = ma.fields.String(allow_none=True)
    lat = ma.fields.Float(allow_none=True)
    long = ma.fields.Float(allow_none=True)
    media_url = ma.fields.String(allow_none=True)


class Open311CreatedSchema(ma.Schema):
    service_request_id = ma.fields.String()
    token = ma.fields.String(allow_none=True)
    account_id = ma.fields.String(allow_none=True)
    service_notice = ma.fields.String()
    query_key = ma.fields.String(metadata={"description": "Keep it: needed to see the status. Shown once."})


class Open311ErrorSchema(ma.Schema):
    code = ma.fields.Integer()
    description = ma.fields.String()


def _documented_errors(view):
    for code, why in (
        (400, "Invalid request"),
        (404, "Not found"),
        (429, "Rate limited; see Retry-After"),
        (503, "A service we depend on is away; see Retry-After"),
    ):
        view = blp.alt_response(code, schema=Open311ErrorSchema(many=True), description=why)(view)
    return view


def _name(last: str | None, first: str | None) -> str | None:
    """姓 + 名 as Chinese writes them (no space); other names "First Last"."""
    if not (last or first):
        return None
    if any("\u3400" <= ch <= "\u9fff" for ch in (last or "") + (first or "")):
        return f"{last or ''}{first or ''}"
    return " ".join(part for part in (first, last) if part)


def _placed(form: dict) -> str | None:
    """The county of a request without a business code or district: the one its address names, or
    the served county whose boundary holds its lat/long."""
    district_code = districts.find_in_address(form.get("address_string"))
    if district_code is None and form.get("lat") is not None and form.get("long") is not None:
        district_code = services.county_of_point(form["lat"], form["long"])
    if district_code is not None:
        return district_code
    how = (
        Text(
            "lat/long is outside every county served here; give address_string naming the county "
            "(县/区/县级市), attribute[district_code], or attribute[business_code]"
        )
        if form.get("lat") is not None
        else Text(
            "Give address_string naming the county (县/区/县级市), lat and long, attribute[district_code], "
            "or attribute[business_code]"
        )
    )
    raise InvalidInput(errors={"district_code": [how]})


def _point_address(form: dict, district_code: str | None) -> str | None:
    """Where a request placed by its point only is, in words a handler can follow."""
    if form.get("lat") is None or form.get("long") is None or not district_code:
        return None
    return f"{districts.full_name(district_code)}（坐标 {form['lat']:.6f},{form['long']:.6f}，WGS-84）"


def _incident_request(form: dict, client: str) -> list[dict]:
    """A suspected incident: reported to the district's regulators at once (the banquets domain)."""
    from backend.banquets import services as banquets
    from backend.core.timeutil import today_shanghai

    if not form.get("ill"):
        raise InvalidInput(errors={"attribute[ill]": [Text("Say how many people fell ill.")]})
    district_code = form.get("district_code") or (None if form.get("business_code") else _placed(form))
    limit_submission(client, None)
    incident = banquets.report_incident(
        None,
        {
            "description": form["description"],
            "ill": form["ill"],
            "occurred_on": to_shanghai(form["occurred_at"]).date() if form.get("occurred_at") else today_shanghai(),
            "address": form.get("address_string")
            or _point_address(form, district_code)
            or districts.full_name(district_code),
            "district_code": district_code,
            "business_code": form.get("business_code"),
            "reporter_name": _name(form.get("last_name"), form.get("first_name")),
            "reporter_phone": form.get("phone"),
        },
    )
    return [
        {
            "service_request_id": incident.number,
            "token": None,
            "account_id": form.get("account_id"),
            "service_notice": "已转属地市场监管部门应急处置；如有人员不适请尽快就医。",
            "query_key": None,
        }
    ]


def _incident_view(number: str) -> dict | None:
    from backend.banquets.models import SUSPECTED
    from backend.banquets.services import incident_by_number

    incident = incident_by_number(number)
    if incident is None:
        return None
    labels = {"suspected": "核实处置中", "confirmed": "已确认为食品安全事故", "not_food_borne": "经核实非食源性疾病"}
    return {
        "service_request_id": incident.number,
        "status": "open" if incident.status == SUSPECTED else "closed",
        "status_notes": labels[incident.status],
        "service_code": INCIDENT_CODE,
        "service_name": "疑似食品安全事故",
        "agency_responsible": districts.office_name(incident.district_code),
        "service_notice": "已转属地市场监管部门应急处置。",
        "requested_datetime": to_shanghai(incident.created_at).isoformat(timespec="seconds"),
        "updated_datetime": to_shanghai(incident.updated_at).isoformat(timespec="seconds"),
        "expected_datetime": None,
        "address": None,  # where people fell ill is not published
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def create_request(form: dict) -> list[dict]:
    client = limit_public()
    if form["service_code"] == INCIDENT_CODE:
        return _incident_request(form, client)
    kind, category = SERVICE_CODES[form["service_code"]]
    name = _name(form.get("last_name"), form.get("first_name"))
    notice = "请保存查询码 query_key，用于查询办理进度。"
    if kind == "complaint" and not (name and all(form.get(field) for field in COMPLAINT_NEEDS)):
        kind = "report"  # what the law lets be handled without the complainant's details and claim
        notice = "未提供投诉人姓名、电话、地址和投诉请求，已按举报受理。" + notice
    district_code = form.get("district_code")
    if not form.get("business_code") and not district_code:
        district_code = _placed(form)
    values = {
        "kind": kind,
        "category": category,
        "description": form["description"],
        "business_code": form.get("business_code"),
        "business_name": form.get("business_name") or (None if form.get("business_code") else "未注明"),
        "business_address": form.get("address_string") or _point_address(form, district_code),
        "district_code": district_code,
        "occurred_at": form.get("occurred_at"),
        "claim": form.get("claim"),
        "complainant": {"name": name, "phone": form.get("phone"), "address": form.get("complainant_address")}
        if (name or form.get("phone"))
        else None,
    }
    external = {key: form.get(key) for key in ("media_url", "email", "device_id", "account_id", "lat", "long")}
    result = services.submit(
        values,
        client=client,
        source="open311",
        throttle=lambda: limit_submission(client, None),
        external=external,
    )
    return [
        {
            "service_request_id": result.complaint.number,
            "token": None,
            "account_id": form.get("account_id"),
            "service_notice": notice,
            "query_key": result.query_key,
        }
    ]


def list_requests(query: dict) -> list[dict]:
    limit_public()
    if query.get("service_code") == INCIDENT_CODE:
        return []  # incidents are not listed publicly; one is seen by its number
    ids = None
    if query.get("service_request_id"):
        ids = [i.strip() for i in query["service_request_id"].split(",") if i.strip()][:MAX_LIST]
    kind, category = SERVICE_CODES.get(query.get("service_code"), (None, None))
    complaints = services.public_listing(
        numbers=ids,
        kind=kind,
        category=category,
        start=query.get("start_date"),
        end=query.get("end_date"),
        state=query.get("status"),
        limit=MAX_LIST,
    )
    return [_request_view(c) for c in complaints]


def one_request(service_request_id: str) -> list[dict]:
    limit_public()
    if service_request_id.startswith("SG"):
        view = _incident_view(service_request_id[:24])
        if view is None:
            raise NotFound(Text("No such service_request_id."))
        return [view]
    found = services.public_listing(numbers=[service_request_id[:64]], limit=1)
    if not found:
        raise NotFound(Text("No such service_request_id."))
    return [_request_view(found[0])]


def service_definition(service_code: str) -> dict:
    limit_public()
    if service_code == INCIDENT_CODE:
        return {"service_code": service_code, "attributes": _incident_attributes()}
    if service_code not in SERVICE_CODES:
        raise NotFound(Text("No such service_code."))
    return {"service_code": service_code, "attributes": _attributes(SERVICE_CODES[service_code][0])}


def _incident_attributes() -> list[dict]:
    def attribute(order, code, description, required, datatype="string"):
        return {
            "variable": True,
            "code": code,
            "datatype": datatype,
            "required": required,
            "datatype_description": None,
            "order": order,
            "description": description,
        }

    return [
        attribute(1, "ill", "发病人数", True, "number"),
        attribute(2, "occurred_at", "发病时间（ISO 8601）", False, "datetime"),
        attribute(3, "business_code", "涉及经营者的公示码（选填）", False),
        attribute(4, "district_code", "发生地县区行政区划代码（6位）；address_string 已含县区名称时可不填", False),
    ]


@blp.route("/services.json")
class Services(MethodView):
    @access(PUBLIC)
    @blp.response(200, Open311ServiceSchema(many=True))
    @_documented_errors
    def get(self):
        """Service list"""
        limit_public()
        return [_service(code) for code in ALL_CODES]


@blp.route("/services/<service_code>.json")
class ServiceDefinition(MethodView):
    @access(PUBLIC)
    @blp.response(200, Open311DefinitionSchema)
    @_documented_errors
    def get(self, service_code):
        """Service definition (its attributes)"""
        return service_definition(service_code)


@blp.route("/requests.json")
class Requests(MethodView):
    @access(PUBLIC)
    @blp.arguments(Open311RequestSchema, location="json_or_form", error_status_code=400)
    @blp.doc(requestBody={"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Open311Request"}}}})
    @blp.response(201, Open311CreatedSchema(many=True))
    @_documented_errors
    def post(self, form):
        """Create a service request (form-encoded, as GeoReport v2 specifies, or JSON with the same keys)"""
        return create_request(form)

    @access(PUBLIC)
    @blp.arguments(Open311QuerySchema, location="query", error_status_code=400)
    @blp.response(200, Open311RequestViewSchema(many=True))
    @_documented_errors
    def get(self, query):
        """Service requests (no personal data); by id list, service, dates, status"""
        return list_requests(query)


@blp.route("/requests/<service_request_id>.json")
class RequestById(MethodView):
    @access(PUBLIC)
    @blp.response(200, Open311RequestViewSchema(many=True))
    @_documented_errors
    def get(self, service_request_id):
        """One service request"""
        return one_request(service_request_id)
