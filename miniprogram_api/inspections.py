"""Mini-program: the business's inspections, acknowledging results, and rectification evidence."""

from __future__ import annotations

from flask.views import MethodView

from backend.core.principal import CITIZEN
from backend.core.schemas import PaginationQuerySchema
from backend.inspections import services
from backend.inspections.schemas import (
    AcknowledgeSchema,
    EvidenceInSchema,
    InspectionSchema,
    RectificationSchema,
)
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.pagination import paginate

blp = Blueprint(
    "mp_inspections",
    __name__,
    url_prefix="/api/v1/mp/businesses/<oid:business_id>",
    description="The business's inspections and rectification (整改)",
)


def _user_id() -> str:
    return current_principal().user_id


@blp.route("/inspections")
class Inspections(MethodView):
    @access(CITIZEN)
    @blp.arguments(PaginationQuerySchema, location="query")
    @blp.response(200, InspectionSchema(many=True))
    def get(self, query, business_id):
        """Signed inspections of the business, newest first"""
        return paginate(services.for_member(_user_id(), business_id), query["page"], query["per_page"])


@blp.route("/inspections/<oid:inspection_id>/acknowledge")
class Acknowledge(MethodView):
    @access(CITIZEN)
    @blp.arguments(AcknowledgeSchema)
    @blp.response(200, InspectionSchema)
    def post(self, body, business_id, inspection_id):
        """Confirm receipt of the result (owner, manager): a signature with the time"""
        return services.acknowledge(_user_id(), business_id, inspection_id, body["name"])


@blp.route("/rectifications")
class Rectifications(MethodView):
    @access(CITIZEN)
    @blp.arguments(PaginationQuerySchema, location="query")
    @blp.response(200, RectificationSchema(many=True))
    def get(self, query, business_id):
        """The business's rectification items, open first"""
        return paginate(services.rectifications_for_member(_user_id(), business_id), query["page"], query["per_page"])


@blp.route("/rectifications/<oid:rectification_id>/evidence")
class Evidence(MethodView):
    @access(CITIZEN)
    @blp.arguments(EvidenceInSchema)
    @blp.response(200, RectificationSchema)
    def post(self, body, business_id, rectification_id):
        """What was fixed, with photos (uploaded first to /routine-photos); the regulator then reviews it"""
        return services.submit_evidence(_user_id(), business_id, rectification_id, body["note"], body["photos"])
