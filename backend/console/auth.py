"""Console sign-in (password), token refresh and logout (`/api/v1/auth`; refresh and logout serve the
mini-program too)."""

from __future__ import annotations

from flask.views import MethodView

from backend.accounts import services
from backend.accounts.schemas import (
    PasswordLoginSchema,
    RefreshSchema,
    TokenPairSchema,
    TokenResponseSchema,
    UserSchema,
)
from backend.web.access import PUBLIC, SIGNED_IN, access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.limits import limit_public

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Console sign-in and tokens")


@blp.route("/token")
class PasswordToken(MethodView):
    @access(PUBLIC)
    @blp.arguments(PasswordLoginSchema)
    @blp.response(200, TokenResponseSchema)
    def post(self, body):
        """Sign in with username and password (regulators, admins)"""
        user, pair = services.login_with_password(body["username"], body["password"], client=limit_public())
        return {**pair.as_dict(), "user": user}


@blp.route("/refresh")
class Refresh(MethodView):
    @access(PUBLIC)
    @blp.arguments(RefreshSchema)
    @blp.response(200, TokenPairSchema)
    def post(self, body):
        """Trade a refresh token (once) for a new pair"""
        return services.refresh(body["refresh_token"]).as_dict()


@blp.route("/logout")
class Logout(MethodView):
    @access(SIGNED_IN)
    @blp.response(204)
    def post(self):
        """End this session: its access and refresh tokens stop working"""
        services.logout(current_principal().session_id)


@blp.route("/me")
class Me(MethodView):
    @access(SIGNED_IN)
    @blp.response(200, UserSchema)
    def get(self):
        """The signed-in user (console or mini-program)"""
        return services.get_user(current_principal().user_id)
