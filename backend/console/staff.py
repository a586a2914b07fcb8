"""Console: food handlers' certificates in the regulator's districts."""

from __future__ import annotations

from flask.views import MethodView

from backend.core.principal import ADMIN, REGULATOR
from backend.staff import services
from backend.staff.schemas import ConsoleHandlerSchema, SafetyTeamSchema, UncoveredBusinessSchema
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint

blp = Blueprint(
    "console_staff",
    __name__,
    url_prefix="/api/v1/console",
    description="Staff health certificates and food-safety teams (regulators, within their districts)",
)


@blp.route("/staff/uncovered-businesses")
class UncoveredBusinesses(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, UncoveredBusinessSchema(many=True))
    def get(self):
        """Businesses in your districts with food handlers on expired or missing health certificates"""
        return services.businesses_with_uncovered_handlers(current_principal())


@blp.route("/businesses/<oid:business_id>/food-handlers")
class BusinessFoodHandlers(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, ConsoleHandlerSchema(many=True))
    def get(self, business_id):
        """A business's food handlers today and their certificate cover"""
        return services.handlers_for_regulator(current_principal(), business_id)


@blp.route("/businesses/<oid:business_id>/safety-team")
class BusinessSafetyTeam(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, SafetyTeamSchema)
    def get(self, business_id):
        """A business's head, officers and director, and what is missing"""
        return services.team_for_regulator(current_principal(), business_id)
