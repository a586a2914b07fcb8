"""The indicators' catalogue, one indicator against its targets with its trend (month by month, and
district by district: what charts draw), the targets an admin sets per district and year, and the
monthly reports."""

from __future__ import annotations

from flask.views import MethodView

from backend.core.principal import ADMIN, OFFICE, REGULATOR, VIEWER
from backend.core.schemas import IndicatorQuerySchema
from backend.indicators import reports, services
from backend.indicators.schemas import (
    EvaluatedRowSchema,
    IndicatorDefinitionSchema,
    ReportInSchema,
    ReportQuerySchema,
    ReportSchema,
    TargetInSchema,
    TargetQuerySchema,
    TargetSchema,
)
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.downloads import download
from backend.web.pagination import paginate

blp = Blueprint(
    "console_indicator_targets",
    __name__,
    url_prefix="/api/v1/console",
    description="Indicators against their targets (the catalogue, targets per district)",
)


@blp.route("/indicator-catalogue")
class Catalogue(MethodView):
    @access(REGULATOR, ADMIN, OFFICE, VIEWER)
    @blp.response(200, IndicatorDefinitionSchema(many=True))
    def get(self):
        """Every indicator: what it counts, its unit and direction, and the plan clause of its target"""
        return services.definitions()


@blp.route("/indicators/<string:code>")
class OneIndicator(MethodView):
    @access(REGULATOR, ADMIN, OFFICE, VIEWER)
    @blp.arguments(IndicatorQuerySchema, location="query")
    @blp.response(200, EvaluatedRowSchema(many=True))
    def get(self, query, code):
        """One indicator per district: value, target, met or not, and the trend over the previous period"""
        return services.evaluate(current_principal(), code, **query)


@blp.route("/indicators/<string:code>/series")
class IndicatorSeries(MethodView):
    @access(REGULATOR, ADMIN, OFFICE, VIEWER)
    @blp.arguments(IndicatorQuerySchema, location="query")
    @blp.response(200, EvaluatedRowSchema(many=True))
    def get(self, query, code):
        """The indicator month by month through the period (at most 24 months): a trend line's points"""
        return services.series(current_principal(), code, **query)


@blp.route("/indicators/<string:code>/districts")
class IndicatorByDistrict(MethodView):
    @access(REGULATOR, ADMIN, OFFICE, VIEWER)
    @blp.arguments(IndicatorQuerySchema, location="query")
    @blp.response(200, EvaluatedRowSchema(many=True))
    def get(self, query, code):
        """The indicator for each county you oversee that has businesses: a comparison's bars"""
        return services.by_district(current_principal(), code, period=query["period"], sector=query["sector"])


@blp.route("/reports/monthly")
class MonthlyReports(MethodView):
    @access(REGULATOR, ADMIN, OFFICE, VIEWER)
    @blp.arguments(ReportQuerySchema, location="query")
    @blp.response(200, ReportSchema(many=True))
    def get(self, query):
        """The monthly reports of your districts, newest month first"""
        found = reports.reports_for(current_principal(), district=query.get("district"), month=query.get("month"))
        return paginate(found, query["page"], query["per_page"])

    @access(REGULATOR, ADMIN)
    @blp.arguments(ReportInSchema)
    @blp.response(202, ReportSchema)
    def post(self, body):
        """Make (or make again) a district's report of an ended month, as a job; poll it for progress"""
        return reports.request_report(current_principal(), body["district"], body["month"])


@blp.route("/reports/monthly/<string:report_id>")
class MonthlyReport(MethodView):
    @access(REGULATOR, ADMIN, OFFICE, VIEWER)
    @blp.response(200, ReportSchema)
    def get(self, report_id):
        """One report: its progress, and when done its size and hash"""
        return reports.get_report(current_principal(), report_id)


@blp.route("/reports/monthly/<string:report_id>.pdf")
class MonthlyReportPdf(MethodView):
    @access(REGULATOR, ADMIN, OFFICE, VIEWER)
    @blp.response(200, content_type="application/pdf")
    def get(self, report_id):
        """The report as issued (PDF, Chinese, fonts embedded)"""
        record = reports.get_report(current_principal(), report_id)
        return download(
            reports.report_pdf(current_principal(), report_id),
            "application/pdf",
            f"食品安全指标月报-{record.district_code}-{record.month}.pdf",
        )


@blp.route("/targets")
class Targets(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(TargetQuerySchema, location="query")
    @blp.response(200, TargetSchema(many=True))
    def get(self, query):
        """Targets set per district and year (an indicator without one uses the plan's figure)"""
        found = services.targets(current_principal(), code=query.get("code"), district=query.get("district"))
        return paginate(found, query["page"], query["per_page"])

    @access(ADMIN)
    @blp.arguments(TargetInSchema)
    @blp.response(200, TargetSchema)
    def put(self, body):
        """Set a target for a district (or *) and a year (or every year), with the reason; kept and audited"""
        return services.set_target(current_principal(), body)
