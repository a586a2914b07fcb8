"""Console: review of changes to approved businesses (变更) and closures (注销) in the regulator's districts."""

from __future__ import annotations

from flask.views import MethodView

from backend.core.principal import ADMIN, REGULATOR
from backend.core.schemas import PaginationQuerySchema
from backend.registry import services
from backend.registry.schemas import BusinessChangeSchema, OptionalReasonSchema
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.pagination import paginate

blp = Blueprint(
    "console_business_changes",
    __name__,
    url_prefix="/api/v1/console/business-changes",
    description="Changes after approval (变更) and closures (注销), within your districts",
)


@blp.route("")
class PendingChanges(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(PaginationQuerySchema, location="query")
    @blp.response(200, BusinessChangeSchema(many=True))
    def get(self, query):
        """Requests waiting for review, oldest first"""
        return paginate(services.pending_changes(current_principal()), query["page"], query["per_page"])


def _review_view(action: str, approve: bool, doc: str):
    class Review(MethodView):
        @access(REGULATOR, ADMIN)
        @blp.arguments(OptionalReasonSchema)
        @blp.response(200, BusinessChangeSchema)
        def post(self, body, change_id):
            return services.review_change(current_principal(), change_id, approve, body.get("reason"))

    Review.post.__doc__ = doc
    Review.__name__ = f"{action.title()}Change"
    blp.route(f"/<oid:change_id>/{action}", endpoint=f"change_{action}")(Review)


_review_view("approve", True, "Approve: the business and its public card take the change (or close)")
_review_view("reject", False, "Reject, with the reason")
