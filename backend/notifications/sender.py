"""Senders of subscribe messages. The platform talks to `Sender`; `WeChatSubscribeSender` is the real
one (`/cgi-bin/token`, then `/cgi-bin/message/subscribe/send`), pointed at WECHAT_API_BASE so that
tests and the demo use the loopback imitation."""

from __future__ import annotations

import logging
from typing import Protocol

import requests

log = logging.getLogger(__name__)

USER_REFUSED = 43101  # the user did not accept this template (or used up their one-time consent)
TOKEN_KEY = "wechat:access-token"


class Refused(Exception):
    """The user does not take this message: do not try again."""


class Unreachable(Exception):
    """WeChat did not take the message now: try again on the next run."""


class Sender(Protocol):
    def send(self, *, openid: str, template: str, data: dict, page: str | None) -> None: ...


class WeChatSubscribeSender:
    def __init__(self, *, api_base: str, appid: str, secret: str, redis_client, timeout: float = 5.0):
        self.api_base, self.appid, self.secret = api_base.rstrip("/"), appid, secret
        self.redis, self.timeout = redis_client, timeout

    def _token(self) -> str:
        cached = self.redis.get(TOKEN_KEY)
        if cached:
            return cached
        try:
            answer = requests.get(
                f"{self.api_base}/cgi-bin/token",
                timeout=self.timeout,
                params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
            ).json()
        except (requests.RequestException, ValueError) as error:
            raise Unreachable(type(error).__name__) from None  # the URL holds the secret: never log it
        if not answer.get("access_token"):
            raise Unreachable(f"token errcode {answer.get('errcode')}")
        self.redis.set(TOKEN_KEY, answer["access_token"], ex=max(60, int(answer.get("expires_in", 7200)) - 300))
        return answer["access_token"]

    def send(self, *, openid: str, template: str, data: dict, page: str | None) -> None:
        body = {"touser": openid, "template_id": template, "data": {k: {"value": v} for k, v in data.items()}}
        if page:
            body["page"] = page
        try:
            answer = requests.post(
                f"{self.api_base}/cgi-bin/message/subscribe/send",
                json=body,
                params={"access_token": self._token()},
                timeout=self.timeout,
            ).json()
        except (requests.RequestException, ValueError) as error:
            raise Unreachable(type(error).__name__) from None
        code = answer.get("errcode", 0)
        if code == USER_REFUSED:
            raise Refused()
        if code in (40001, 42001):  # the token went stale early
            self.redis.delete(TOKEN_KEY)
            raise Unreachable(f"errcode {code}")
        if code:
            raise Unreachable(f"errcode {code}")
