"""Mini-program sign-in with a wx.login code, and the signed-in user."""

from __future__ import annotations

from flask.views import MethodView

from backend.accounts import services
from backend.accounts.schemas import TokenResponseSchema, UserSchema, WeChatLoginSchema
from backend.core.principal import CITIZEN
from backend.web.access import PUBLIC, access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.limits import limit_public

blp = Blueprint("mp_auth", __name__, url_prefix="/api/v1/mp/auth", description="Mini-program sign-in")


@blp.route("/login")
class WeChatLogin(MethodView):
    @access(PUBLIC)
    @blp.arguments(WeChatLoginSchema)
    @blp.response(200, TokenResponseSchema)
    def post(self, body):
        """Sign in with the code from wx.login; creates the account on first use"""
        limit_public()
        user, pair = services.login_with_wechat(body["code"])
        return {**pair.as_dict(), "user": user}


@blp.route("/me")
class Me(MethodView):
    @access(CITIZEN)
    @blp.response(200, UserSchema)
    def get(self):
        """The signed-in user"""
        return services.get_user(current_principal().user_id)
