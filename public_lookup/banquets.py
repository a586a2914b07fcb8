"""Anonymous banquet parts: a chef's public card (`/api/v1/public/chefs/<code>`, the page `/chef/<code>`
and its QR code) that a host checks before hiring, and a suspected food-safety incident reported by
anyone (`/api/v1/public/incidents`, or the form `/incidents/new`, which works without JavaScript)."""

from __future__ import annotations

from flask import Blueprint as PageBlueprint
from flask import Response, render_template, request
from flask.views import MethodView
from marshmallow import ValidationError

from backend.banquets import services
from backend.banquets.errors import ChefNotFound
from backend.banquets.schemas import ChefCardSchema, IncidentFormSchema, IncidentInSchema, IncidentReceiptSchema
from backend.core.errors import InvalidInput
from backend.public_card import qr
from backend.web.access import PUBLIC, access
from backend.web.blueprint import Blueprint
from backend.web.limits import limit_public, limit_submission
from backend.web.messages import reason_in_chinese as chinese

blp = Blueprint("public_banquets", __name__, url_prefix="/api/v1/public", description="Chefs' cards and incidents")
pages = PageBlueprint("chef_pages", __name__)


@blp.route("/chefs/<string:code>")
class ChefCard(MethodView):
    @access(PUBLIC)
    @blp.response(200, ChefCardSchema)
    def get(self, code):
        """A travelling chef's card: masked name, certificate valid or not, training, banquets this year"""
        limit_public()
        return services.chef_card(code)


@blp.route("/incidents")
class Incidents(MethodView):
    @access(PUBLIC)
    @blp.arguments(IncidentInSchema)
    @blp.response(201, IncidentReceiptSchema)
    def post(self, body):
        """Report a suspected food-safety incident (placed in the county the address names)"""
        limit_submission(limit_public(), None)
        return services.report_incident(None, body)


INCIDENT_FIELDS = ("description", "ill", "occurred_on", "address", "business_code", "reporter_name", "reporter_phone")
# what a person is told beside a field the form refused (the service's own reasons come in Chinese)
INCIDENT_HINTS = {
    "description": "请描述发病经过（1至2000字）",
    "ill": "请填写发病人数（1至100000）",
    "occurred_on": "请填写发病日期，不能晚于今天",
    "address": "请填写发生地点（写明区县）",
    "business_code": "公示码不正确",
    "reporter_name": "姓名最多32字",
    "reporter_phone": "请填写11位手机号码",
    "consent": "请阅读并同意个人信息使用说明",
}


def _incident_page(form: dict, errors: dict | None = None, status: int = 200, number: str | None = None):
    html = render_template("incident_form.html", form=form, errors=errors or {}, number=number)
    return html, status, {"Cache-Control": "no-store"}


@pages.get("/incidents/new")
@access(PUBLIC)
def new_incident():
    limit_public()
    return _incident_page({"business_code": request.args.get("code", "")[:64]})


@pages.post("/incidents/new")
@access(PUBLIC)
def submit_incident():
    """Every problem in one round, each beside its field, what was typed kept; the number on success."""
    typed = {field: request.form.get(field, "") for field in (*INCIDENT_FIELDS, "consent")}
    client = limit_public()
    errors: dict[str, str] = {}
    try:
        values = IncidentFormSchema().load({k: v for k, v in request.form.items() if v.strip()})
    except ValidationError as invalid:
        values = None
        errors = {
            field: INCIDENT_HINTS.get(field, "；".join(map(str, reasons)))
            for field, reasons in invalid.messages.items()
        }
    if values is not None:  # the service's own checks in the same round
        problems = services.incident_problems(values)
        errors.update({field: "；".join(chinese(r) for r in reasons) for field, reasons in problems.items()})
    if (typed["reporter_name"].strip() or typed["reporter_phone"].strip()) and typed["consent"] != "yes":
        errors["consent"] = INCIDENT_HINTS["consent"]
    if errors:
        return _incident_page(typed, errors, 422)
    limit_submission(client, None)
    try:
        incident = services.report_incident(None, values)
    except InvalidInput as refused:
        flat = {field: "；".join(chinese(r) for r in reasons) for field, reasons in (refused.errors or {}).items()}
        return _incident_page(typed, flat or {"form": chinese(refused.message)}, 422)
    return _incident_page({}, number=incident.number, status=201)


@pages.get("/chef/<code>")
@access(PUBLIC)
def chef_page(code):
    limit_public()
    try:
        card = services.chef_card(code)
    except ChefNotFound:
        return render_template("chef.html", card=None), 404
    return render_template("chef.html", card=card), 200, {"Cache-Control": "public, max-age=60"}


@pages.get("/chef/<code>/qr.svg")
@access(PUBLIC)
def chef_qr(code):
    limit_public()
    card = services.chef_card(code)
    return Response(qr.svg(card["url"]), mimetype="image/svg+xml", headers={"Cache-Control": "public, max-age=3600"})
