"""Console user management: regulators and admins (admins only)."""

from __future__ import annotations

from flask.views import MethodView

from backend.accounts import services
from backend.accounts.schemas import ConsoleUserCreateSchema, UserSchema
from backend.core.principal import ADMIN
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint

blp = Blueprint(
    "console_users",
    __name__,
    url_prefix="/api/v1/console/users",
    description="Regulator and admin accounts (admins only)",
)


@blp.route("")
class ConsoleUsers(MethodView):
    @access(ADMIN)
    @blp.arguments(ConsoleUserCreateSchema)
    @blp.response(201, UserSchema)
    def post(self, body):
        """Create a regulator or an admin"""
        return services.create_console_user(actor_id=current_principal().user_id, **body)
