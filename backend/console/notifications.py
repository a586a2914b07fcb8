"""Console users' inbox: what the platform tells a regulator or the 食安办 at once (a suspected
food-safety incident in their district), newest first, read or not."""

from __future__ import annotations

from flask.views import MethodView

from backend.core.principal import ADMIN, BUREAU, OFFICE, OFFICIAL, REGULATOR
from backend.notifications import services
from backend.notifications.schemas import InboxMessageSchema, InboxQuerySchema
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.pagination import paginate

blp = Blueprint("console_notifications", __name__, url_prefix="/api/v1/console", description="Your inbox")
EVERYONE = (REGULATOR, ADMIN, OFFICE, BUREAU, OFFICIAL)


@blp.route("/notifications")
class Inbox(MethodView):
    @access(*EVERYONE)
    @blp.arguments(InboxQuerySchema, location="query")
    @blp.response(200, InboxMessageSchema(many=True))
    def get(self, query):
        """Your messages, newest first (unread=true: those not opened)"""
        found = services.inbox(current_principal().user_id, unread=query["unread"])
        return paginate(found, query["page"], query["per_page"])


@blp.route("/notifications/<oid:notification_id>/read")
class Read(MethodView):
    @access(*EVERYONE)
    @blp.response(200, InboxMessageSchema)
    def post(self, notification_id):
        """Mark a message read"""
        return services.mark_read(current_principal().user_id, notification_id)
