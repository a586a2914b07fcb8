"""`/api/v1/public/sampling-results`: announced sampling results in the SAMR column layout, as JSON,
CSV and XLSX. Only announced results are here; an import alone publishes nothing."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView

from backend.sampling import publishing
from backend.sampling.schemas import PublicResultSchema, PublicResultsQuerySchema
from backend.web.access import PUBLIC, access
from backend.web.blueprint import Blueprint
from backend.web.downloads import csv_download
from backend.web.limits import limit_public
from backend.web.pagination import paginate

blp = Blueprint(
    "public_sampling",
    __name__,
    url_prefix="/api/v1/public",
    description="Announced food sampling results (食品安全抽检信息公告)",
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _found(query: dict):
    return publishing.public_results(
        city=query.get("city"),
        date_from=query.get("date_from"),
        date_to=query.get("date_to"),
        verdict=query.get("verdict"),
    )


@blp.route("/sampling-results")
class SamplingResults(MethodView):
    @access(PUBLIC)
    @blp.arguments(PublicResultsQuerySchema, location="query")
    @blp.response(200, PublicResultSchema(many=True))
    def get(self, query):
        """Announced results, newest announcement first (paged; X-Pagination header)"""
        limit_public()
        page, per_page = query["page"], query["per_page"]
        listed = list(paginate(_found(query), page, per_page))
        announcements = publishing.announcement_numbers(listed)
        start = (page - 1) * per_page
        return [publishing.public_row(start + n, s, announcements) for n, s in enumerate(listed, start=1)]


@blp.route("/sampling-results.csv")
class SamplingResultsCsv(MethodView):
    @access(PUBLIC)
    @blp.arguments(PublicResultsQuerySchema, location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, query):
        """The same as CSV (at most 20,000 rows; cells that a spreadsheet would run are kept as text)"""
        limit_public()
        return csv_download(publishing.export_csv(publishing.export_rows(_found(query))), "sampling-results.csv")


@blp.route("/sampling-results.xlsx")
class SamplingResultsXlsx(MethodView):
    @access(PUBLIC)
    @blp.arguments(PublicResultsQuerySchema, location="query")
    @blp.response(200, content_type=XLSX)
    def get(self, query):
        """The same as XLSX: a sheet of failed and a sheet of passed products, in the SAMR layout"""
        limit_public()
        response = Response(publishing.export_xlsx(publishing.export_rows(_found(query))), mimetype=XLSX)
        response.headers["Content-Disposition"] = 'attachment; filename="sampling-results.xlsx"'
        return response
