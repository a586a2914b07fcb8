"""`/api/v1/public/trace/<trace_code>`: what the trace page shows, as JSON."""

from __future__ import annotations

from flask.views import MethodView

from backend.trace import services
from backend.trace.schemas import PublicTraceSchema
from backend.web.access import PUBLIC, access
from backend.web.blueprint import Blueprint
from backend.web.limits import limit_public

blp = Blueprint("public_trace", __name__, url_prefix="/api/v1/public", description="Trace codes (一品一码), public")


@blp.route("/trace/<string:code>")
class PublicTrace(MethodView):
    @access(PUBLIC)
    @blp.response(200, PublicTraceSchema)
    def get(self, code):
        """A lot by its trace code: product, origin, supplier, dates, certificate, test results, sources"""
        limit_public()
        return services.public_trace(code)
