"""`/api/v1/public/penalties` (JSON, CSV) and the page `/penalties`: administrative penalties in their
display period (行政处罚信息公示), searchable by party, violation or 文号, per district; and the
serious-dishonesty list (`/api/v1/public/dishonest`, `/dishonest`)."""

from __future__ import annotations

from flask import Blueprint as PageBlueprint
from flask import render_template, request
from flask.views import MethodView

from backend.core import districts
from backend.enforcement import services
from backend.enforcement.schemas import PublicDishonestSchema, PublicPenaltyQuerySchema, PublicPenaltySchema
from backend.web.access import PUBLIC, access
from backend.web.blueprint import Blueprint
from backend.web.downloads import csv_download
from backend.web.limits import limit_public
from backend.web.pagination import paginate

blp = Blueprint(
    "public_penalties",
    __name__,
    url_prefix="/api/v1/public",
    description="Administrative penalties in their display period (行政处罚信息公示)",
)
pages = PageBlueprint("penalty_pages", __name__)
PAGE = 20


@blp.route("/penalties")
class Penalties(MethodView):
    @access(PUBLIC)
    @blp.arguments(PublicPenaltyQuerySchema, location="query")
    @blp.response(200, PublicPenaltySchema(many=True))
    def get(self, query):
        """Penalties in display, newest decision first (paged; X-Pagination header)"""
        limit_public()
        found = services.public_penalties(q=query.get("q"), district=query.get("district"))
        return paginate(found, query["page"], query["per_page"])


@blp.route("/penalties.csv")
class PenaltiesCsv(MethodView):
    @access(PUBLIC)
    @blp.arguments(PublicPenaltyQuerySchema, location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, query):
        """The same as CSV, with Chinese headers (at most 20,000 rows)"""
        limit_public()
        found = services.public_penalties(q=query.get("q"), district=query.get("district"))
        return csv_download(services.penalties_csv(found), "penalties.csv")


@blp.route("/dishonest")
class DishonestList(MethodView):
    @access(PUBLIC)
    @blp.arguments(PublicPenaltyQuerySchema, location="query")
    @blp.response(200, PublicDishonestSchema(many=True))
    def get(self, query):
        """The serious-dishonesty list (严重违法失信名单) in force, newest first"""
        limit_public()
        found = services.public_dishonest(q=query.get("q"), district=query.get("district"))
        return paginate(found, query["page"], query["per_page"])


@pages.get("/dishonest")
@access(PUBLIC)
def dishonest_page():
    limit_public()
    q = request.args.get("q", "").strip()[:100]
    rows = list(services.public_dishonest(q=q).limit(200))
    html = render_template("dishonest.html", q=q, rows=rows)
    return html, 200, {"Cache-Control": "public, max-age=60"}


@pages.get("/penalties")
@access(PUBLIC)
def penalties_page():
    limit_public()
    q = request.args.get("q", "").strip()[:100]
    district = request.args.get("district", "")
    district = district if districts.is_known(district) else ""
    try:
        page = max(1, min(10_000, int(request.args.get("page", "1"))))
    except ValueError:
        page = 1
    found = services.public_penalties(q=q, district=district)
    total = found.count()
    html = render_template(
        "penalties.html",
        q=q,
        district=district,
        district_name=districts.full_name(district) if district else "",
        rows=list(found.skip((page - 1) * PAGE).limit(PAGE)),
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE)),
    )
    return html, 200, {"Cache-Control": "public, max-age=60"}
