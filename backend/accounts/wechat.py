"""Client for WeChat's code2Session (`/sns/jscode2session`).

WeChat answers JSON with Content-Type text/plain, so the body is parsed whatever the header says.
`session_key` is returned to the caller (to keep server-side) and never logged.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

import requests

from backend.accounts.errors import WeChatCodeRejected, WeChatQuotaExceeded, WeChatUnavailable

log = logging.getLogger(__name__)

CODE_INVALID = 40029
CODE_USED = 40163
QUOTA_EXCEEDED = 45011
SYSTEM_BUSY = -1
CONNECT_TIMEOUT = 3.0


@dataclass(frozen=True)
class WeChatSession:
    openid: str
    unionid: str | None
    session_key: str = field(repr=False)


def code_to_session(code: str, *, api_base: str, appid: str, secret: str, timeout: float) -> WeChatSession:
    url = api_base.rstrip("/") + "/sns/jscode2session"
    params = {"appid": appid, "secret": secret, "js_code": code, "grant_type": "authorization_code"}
    try:
        response = requests.get(url, params=params, timeout=(min(CONNECT_TIMEOUT, timeout), timeout))
    except requests.RequestException as exc:
        # The URL carries the secret: log the exception type only.
        log.warning("wechat code2session failed", extra={"error": type(exc).__name__})
        raise WeChatUnavailable() from None
    if response.status_code >= 500:
        raise WeChatUnavailable()
    try:
        body = json.loads(response.content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        log.warning("wechat code2session answered non-JSON", extra={"status": response.status_code})
        raise WeChatUnavailable() from None
    if not isinstance(body, dict):
        raise WeChatUnavailable()
    errcode = body.get("errcode") or 0
    if errcode in (CODE_INVALID, CODE_USED):
        raise WeChatCodeRejected()
    if errcode == QUOTA_EXCEEDED:
        raise WeChatQuotaExceeded(retry_after=60)
    if errcode == SYSTEM_BUSY:
        raise WeChatUnavailable(retry_after=2)
    if errcode:
        log.error("wechat code2session error", extra={"errcode": errcode, "errmsg": str(body.get("errmsg"))[:200]})
        raise WeChatUnavailable()
    openid = body.get("openid")
    if not isinstance(openid, str) or not openid or not isinstance(body.get("session_key"), str):
        raise WeChatUnavailable()
    unionid = body.get("unionid") if isinstance(body.get("unionid"), str) else None
    return WeChatSession(openid=openid, unionid=unionid, session_key=body["session_key"])
