"""The audit log and its verification (admins only)."""

from __future__ import annotations

from flask.views import MethodView

from backend.audit import services
from backend.audit.schemas import AuditEntrySchema, AuditQuerySchema, ChainReportSchema
from backend.core.principal import ADMIN
from backend.web.access import access
from backend.web.blueprint import Blueprint
from backend.web.pagination import paginate

blp = Blueprint("audit", __name__, url_prefix="/api/v1/console/audit", description="Audit log (admins only)")


@blp.route("")
class AuditEntries(MethodView):
    @access(ADMIN)
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEntrySchema(many=True))
    def get(self, query):
        """Audit entries, newest first"""
        entries = services.entries(query.get("target_type"), query.get("target_id"))
        return paginate(entries, query["page"], query["per_page"])


@blp.route("/verify")
class VerifyChain(MethodView):
    @access(ADMIN)
    @blp.response(200, ChainReportSchema)
    def get(self):
        """Verify the hash chain; names the first broken link"""
        return services.verify_chain().as_dict()
