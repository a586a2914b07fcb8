"""Console accounts: colleagues to name as inspectors (regulators, within their districts), and
creating regulators and admins (admins only)."""

from __future__ import annotations

from flask.views import MethodView

from backend.accounts import services
from backend.accounts.schemas import ColleagueQuerySchema, ConsoleUserCreateSchema, UserSchema
from backend.core.principal import ADMIN, REGULATOR
from backend.core.schemas import EmptySchema, ReasonSchema
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


@blp.route("/<oid:user_id>/deactivate")
class DeactivateUser(MethodView):
    @access(ADMIN)
    @blp.arguments(ReasonSchema)
    @blp.response(200, UserSchema)
    def post(self, body, user_id):
        """Stop a console account (someone who left), with the reason: refused from the next request; audited"""
        return services.set_active(current_principal(), user_id, False, body["reason"])


@blp.route("/<oid:user_id>/reactivate")
class ReactivateUser(MethodView):
    @access(ADMIN)
    @blp.arguments(EmptySchema)
    @blp.response(200, UserSchema)
    def post(self, body, user_id):
        """Let a stopped console account sign in again; audited"""
        return services.set_active(current_principal(), user_id, True)
