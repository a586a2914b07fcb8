"""The indicators' catalogue, one indicator against its targets with its trend, and the targets an
admin sets per district and year."""

from __future__ import annotations

from flask.views import MethodView

from backend.core.principal import ADMIN, OFFICE, REGULATOR
from backend.core.schemas import IndicatorQuerySchema
from backend.indicators import services
from backend.indicators.schemas import (
    EvaluatedRowSchema,
    IndicatorDefinitionSchema,
    TargetInSchema,
    TargetQuerySchema,
    TargetSchema,
)
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.pagination import paginate

blp = Blueprint(
    "console_indicator_targets",
    __name__,
    url_prefix="/api/v1/console",
    description="Indicators against their targets (the catalogue, targets per district)",
)


@blp.route("/indicator-catalogue")
class Catalogue(MethodView):
    @access(REGULATOR, ADMIN, OFFICE)
    @blp.response(200, IndicatorDefinitionSchema(many=True))
    def get(self):
        """Every indicator: what it counts, its unit and direction, and the plan clause of its target"""
        return services.catalogue()["indicators"]


@blp.route("/indicators/<string:code>")
class OneIndicator(MethodView):
    @access(REGULATOR, ADMIN, OFFICE)
    @blp.arguments(IndicatorQuerySchema, location="query")
    @blp.response(200, EvaluatedRowSchema(many=True))
    def get(self, query, code):
        """One indicator per district: value, target, met or not, and the trend over the previous period"""
        return services.evaluate(current_principal(), code, **query)


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
