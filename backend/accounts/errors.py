from backend.core.errors import Conflict, RateLimited, ServiceUnavailable, Unauthorized
from backend.workflow.errors import TransitionConflict


class InvalidCredentials(Unauthorized):
    default_message = "Wrong username or password."


class InvalidToken(Unauthorized):
    default_message = "The token is invalid or expired."


class LoginLocked(RateLimited):
    default_message = "Too many failed sign-ins; try again later."


class WeChatCodeRejected(Unauthorized):
    default_message = "The WeChat login code is invalid or already used; call wx.login again."


class WeChatQuotaExceeded(RateLimited):
    default_message = "WeChat login quota exceeded; try again later."


class WeChatUnavailable(ServiceUnavailable):
    default_message = "WeChat did not answer; try again shortly."


class AccountStateConflict(TransitionConflict):
    default_message = "The account is already in that state; reload and try again."


class UsernameTaken(Conflict):
    default_message = "That username is already taken."
