"""Console sign-in (password), token refresh, logout, and console user management."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.accounts import services
from backend.accounts.access import PUBLIC, SIGNED_IN, access, current_principal
from backend.accounts.models import ADMIN
from backend.accounts.schemas import (ConsoleUserCreateSchema, PasswordLoginSchema, RefreshSchema, TokenPairSchema,
                                      TokenResponseSchema, UserSchema)

auth_blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Console sign-in and tokens")
users_blp = Blueprint("console_users", __name__, url_prefix="/api/v1/console/users",
                      description="Regulator and admin accounts (admins only)")


@auth_blp.route("/token")
class PasswordToken(MethodView):
    @access(PUBLIC)
    @auth_blp.arguments(PasswordLoginSchema)
    @auth_blp.response(200, TokenResponseSchema)
    def post(self, body):
        """Sign in with username and password (regulators, admins)"""
        user, pair = services.login_with_password(body["username"], body["password"])
        return {**pair.as_dict(), "user": user}


@auth_blp.route("/refresh")
class Refresh(MethodView):
    @access(PUBLIC)
    @auth_blp.arguments(RefreshSchema)
    @auth_blp.response(200, TokenPairSchema)
    def post(self, body):
        """Trade a refresh token (once) for a new pair"""
        return services.refresh(body["refresh_token"]).as_dict()


@auth_blp.route("/logout")
class Logout(MethodView):
    @access(SIGNED_IN)
    @auth_blp.response(204)
    def post(self):
        """End this session: its access and refresh tokens stop working"""
        services.logout(current_principal().session_id)


@users_blp.route("")
class ConsoleUsers(MethodView):
    @access(ADMIN)
    @users_blp.arguments(ConsoleUserCreateSchema)
    @users_blp.response(201, UserSchema)
    def post(self, body):
        """Create a regulator or an admin"""
        return services.create_console_user(actor_id=current_principal().user_id, **body)
