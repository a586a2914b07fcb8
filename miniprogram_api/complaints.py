"""Mini-program: the complaints and reports a signed-in user submitted, with their status."""

from __future__ import annotations

from flask.views import MethodView

from backend.complaints import services
from backend.complaints.schemas import PublicStatusSchema
from backend.core.principal import CITIZEN
from backend.core.schemas import PaginationQuerySchema
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.pagination import paginate

blp = Blueprint(
    "mp_complaints",
    __name__,
    url_prefix="/api/v1/mp/complaints",
    description="My complaints and reports (those submitted while signed in)",
)


@blp.route("")
class MyComplaints(MethodView):
    @access(CITIZEN)
    @blp.arguments(PaginationQuerySchema, location="query")
    @blp.response(200, PublicStatusSchema(many=True))
    def get(self, query):
        """Complaints and reports you submitted, newest first, with their status"""
        found = paginate(services.mine(current_principal()), query["page"], query["per_page"])
        return [services.public_status(complaint) for complaint in found]


@blp.route("/<number>")
class MyComplaint(MethodView):
    @access(CITIZEN)
    @blp.response(200, PublicStatusSchema)
    def get(self, number):
        """One of them: status, timeline and replies, without the query key"""
        return services.public_status(services.get_mine(current_principal(), number))
