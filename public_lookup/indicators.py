"""`/api/v1/public/indicators`: what a city publishes of its indicators (complaint handling, sampling
pass rates, disclosure of penalties), per district and period, against their targets — aggregates only."""

from __future__ import annotations

from flask.views import MethodView

from backend.indicators import services
from backend.indicators.schemas import EvaluatedRowSchema, PublicIndicatorQuerySchema
from backend.web.access import PUBLIC, access
from backend.web.blueprint import Blueprint
from backend.web.limits import limit_public

blp = Blueprint("public_indicators", __name__, url_prefix="/api/v1/public", description="Published indicators")


@blp.route("/indicators")
class PublicIndicators(MethodView):
    @access(PUBLIC)
    @blp.arguments(PublicIndicatorQuerySchema, location="query")
    @blp.response(200, EvaluatedRowSchema(many=True))
    def get(self, query):
        """The published indicators of one district for a period (default: this quarter)"""
        limit_public()
        return services.public_indicators(query["districts"][0], query["period"])
