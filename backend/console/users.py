"""Console accounts: colleagues to name as inspectors (regulators, within their districts), and
creating regulators and admins (admins only)."""

from __future__ import annotations

from flask.views import MethodView

from backend.accounts import services
from backend.accounts.schemas import ColleagueQuerySchema, ConsoleUserCreateSchema, UserSchema
from backend.core.principal import ADMIN, REGULATOR
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.pagination import paginate

blp = Blueprint(
    "console_users",
    __name__,
    url_prefix="/api/v1/console/users",
    description="Regulator and admin accounts: colleagues within a regulator's districts; creating them (admins)",
)


@blp.route("")
class ConsoleUsers(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(ColleagueQuerySchema, location="query")
    @blp.response(200, UserSchema(many=True))
    def get(self, query):
        """Colleagues: a regulator sees the active regulators of their districts (to name as inspectors); an admin every console account"""
        found = services.colleagues(current_principal(), district=query.get("district"), q=query.get("q"))
        return paginate(found, query["page"], query["per_page"])

    @access(ADMIN)
    @blp.arguments(ConsoleUserCreateSchema)
    @blp.response(201, UserSchema)
    def post(self, body):
        """Create a regulator or an admin"""
        return services.create_console_user(actor_id=current_principal().user_id, **body)
