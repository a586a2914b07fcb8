"""Access tokens (short-lived JWT) and refresh tokens (opaque, single use, rotated in families).

A sign-in opens a family in Redis. Each refresh token works once and yields the next one in the same
family; presenting a used one means it leaked, so the whole family is revoked (except within a short
grace window, when the same next pair is sent again: see `rotate`). Access tokens carry
the family id and stop working as soon as the family is gone (logout, reuse, user disabled).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

import jwt

from backend.accounts.errors import InvalidToken
from backend.core import context
from backend.core.text import Text
from backend.core.timeutil import utcnow

JWT_ALGORITHM = "HS256"
ACCESS_TYPE = "access"
_FAMILY_KEY = "auth:family:{}"
_REFRESH_KEY = "auth:refresh:{}"


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int

    def as_dict(self) -> dict:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_in": self.expires_in,
            "token_type": "Bearer",
        }


@dataclass(frozen=True)
class AccessClaims:
    user_id: str
    role: str
    session_id: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _access_token(user_id: str, role: str, family: str, signed_in_at: int | None = None) -> str:
    settings = context.settings()
    now = utcnow()
    claims = {
        "sub": user_id,
        "role": role,
        "sid": family,
        "typ": ACCESS_TYPE,
        "jti": uuid.uuid4().hex,
        "iat": now,
        "auth_time": signed_in_at or int(now.timestamp()),
        "exp": now + timedelta(seconds=settings.ACCESS_TOKEN_TTL),
    }
    return jwt.encode(claims, settings.SECRET_KEY, algorithm=JWT_ALGORITHM)


def _new_refresh(user_id: str, family: str) -> str:
    settings = context.settings()
    token = secrets.token_urlsafe(32)
    key = _REFRESH_KEY.format(_digest(token))
    pipe = context.redis().pipeline()
    pipe.hset(key, mapping={"family": family, "user": user_id})
    pipe.expire(key, settings.REFRESH_TOKEN_TTL)
    pipe.execute()
    return token


def issue(user_id: str, role: str) -> TokenPair:
    """Open a new family for a fresh sign-in."""
    settings = context.settings()
    family = uuid.uuid4().hex
    pipe = context.redis().pipeline()
    pipe.set(_FAMILY_KEY.format(family), user_id, ex=settings.REFRESH_TOKEN_TTL)
    pipe.execute()
    return TokenPair(_access_token(user_id, role, family), _new_refresh(user_id, family), settings.ACCESS_TOKEN_TTL)


def rotate(refresh_token: str, role_of) -> TokenPair:
    """Spend a refresh token and return the next pair; `role_of(user_id)` gives the user's current role
    (None when the user no longer may sign in).

    A mobile client on a flaky network may send the same refresh twice (the first answer lost, or two
    requests at once). Within REFRESH_REUSE_GRACE seconds of the first use a re-sent token gets the
    same next pair again; after that a re-sent token means it leaked, and the whole family is revoked."""
    settings = context.settings()
    redis = context.redis()
    key = _REFRESH_KEY.format(_digest(refresh_token))
    record = redis.hgetall(key)
    if not record:
        raise InvalidToken()
    family, user_id = record["family"], record["user"]
    if "next" in record:
        return _resend(record, family)
    if not redis.exists(_FAMILY_KEY.format(family)):
        raise InvalidToken()
    role = role_of(user_id)
    if role is None:
        revoke_family(family)
        raise InvalidToken()
    candidate = TokenPair(
        _access_token(user_id, role, family), _new_refresh(user_id, family), settings.ACCESS_TOKEN_TTL
    )
    # HSETNX is the atomic point: of two presentations of one token, exactly one stores its pair.
    spent = json.dumps({"at": time.time(), **candidate.as_dict()})
    if not redis.hsetnx(key, "next", spent):
        redis.delete(_REFRESH_KEY.format(_digest(candidate.refresh_token)))  # ours lost: it never existed
        return _resend(redis.hgetall(key), family)
    redis.expire(_FAMILY_KEY.format(family), settings.REFRESH_TOKEN_TTL)
    return candidate


def _resend(record: dict, family: str) -> TokenPair:
    spent = json.loads(record.get("next") or "{}")
    grace = context.settings().REFRESH_REUSE_GRACE
    if not spent or time.time() - spent["at"] >= grace or not context.redis().exists(_FAMILY_KEY.format(family)):
        revoke_family(family)
        raise InvalidToken(Text("This refresh token was already used; the session has been ended."))
    return TokenPair(spent["access_token"], spent["refresh_token"], spent["expires_in"])


def decode_access(token: str) -> AccessClaims:
    settings = context.settings()
    try:
        claims = jwt.decode(
            token,
            settings.SECRET_KEY,
            algorithms=[JWT_ALGORITHM],
            options={"require": ["exp", "iat", "sub", "sid", "typ"]},
        )
    except jwt.PyJWTError:
        raise InvalidToken() from None
    if claims.get("typ") != ACCESS_TYPE or not context.redis().exists(_FAMILY_KEY.format(claims["sid"])):
        raise InvalidToken()
    return AccessClaims(user_id=str(claims["sub"]), role=str(claims.get("role")), session_id=str(claims["sid"]))


def renewed_for_page(token: str) -> str | None:
    """A console page's session kept alive while the page is open (it reloads itself): a new access
    token of the same session once the current one has used half its life, until PAGE_SESSION_MAX
    after the sign-in; None when the current one is still fresh enough or the session must end.
    The token must be valid (its session not ended)."""
    settings = context.settings()
    decode_access(token)  # valid, and its session still open
    claims = jwt.decode(token, settings.SECRET_KEY, algorithms=[JWT_ALGORITHM])
    now = time.time()
    signed_in_at = int(claims.get("auth_time") or claims["iat"])
    if claims["exp"] - now > settings.ACCESS_TOKEN_TTL / 2:
        return None
    if now + settings.ACCESS_TOKEN_TTL > signed_in_at + settings.PAGE_SESSION_MAX:
        return None  # the absolute lifetime: this token is the session's last
    return _access_token(str(claims["sub"]), str(claims["role"]), str(claims["sid"]), signed_in_at)


def revoke_family(family: str) -> None:
    context.redis().delete(_FAMILY_KEY.format(family))
