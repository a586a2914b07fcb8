"""Anonymous banquet parts: a chef's public card (`/api/v1/public/chefs/<code>`, the page `/chef/<code>`
and its QR code) that a host checks before hiring, and a suspected food-safety incident reported by
anyone (`/api/v1/public/incidents`)."""

from __future__ import annotations

from flask import Blueprint as PageBlueprint
from flask import Response, render_template
from flask.views import MethodView

from backend.banquets import services
from backend.banquets.errors import ChefNotFound
from backend.banquets.schemas import ChefCardSchema, IncidentInSchema, IncidentReceiptSchema
from backend.public_card import qr
from backend.web.access import PUBLIC, access
from backend.web.blueprint import Blueprint
from backend.web.limits import limit_public, limit_submission

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
