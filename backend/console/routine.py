"""Console: how businesses in the regulator's districts keep their food-safety routine."""

from __future__ import annotations

from flask.views import MethodView

from backend.core.principal import ADMIN, REGULATOR
from backend.routine import services
from backend.routine.schemas import ComplianceQuerySchema, ComplianceSchema
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.downloads import csv_download

blp = Blueprint(
    "console_routine",
    __name__,
    url_prefix="/api/v1/console/routine",
    description="Businesses' own daily, weekly and monthly routine (regulators, within their districts)",
)


@blp.route("/compliance")
class Compliance(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(ComplianceQuerySchema, location="query")
    @blp.response(200, ComplianceSchema(many=True))
    def get(self, query):
        """Per business: days with a daily check, weeks with a report, months with a meeting record in the
        period; missing officer or director; food handlers without a valid certificate"""
        return services.compliance(current_principal(), **query)


@blp.route("/compliance.csv")
class ComplianceCsv(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(ComplianceQuerySchema, location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, query):
        """The same per business, as CSV"""
        return csv_download(
            services.compliance_csv(services.compliance(current_principal(), **query)), "routine-compliance.csv"
        )


@blp.route("/compliance/districts")
class ComplianceByDistrict(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(ComplianceQuerySchema, location="query")
    @blp.response(200)
    def get(self, query):
        """The same summed per district, with the shares kept"""
        return services.by_district(services.compliance(current_principal(), **query))
