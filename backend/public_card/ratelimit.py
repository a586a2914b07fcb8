"""The per-client-IP limit on every public endpoint (setting PUBLIC_RATE_LIMIT)."""
from __future__ import annotations

from flask import current_app, request

from backend.core import context
from backend.core.ratelimit import RateLimit, client_ip

MESSAGE = "访问过于频繁，请稍后再试。"


def public_limiter() -> RateLimit:
    limiter = current_app.extensions.get("sfs.ratelimit.public")
    if limiter is None:
        limiter = current_app.extensions["sfs.ratelimit.public"] = RateLimit(
            "public", context.settings().PUBLIC_RATE_LIMIT, context.redis(), MESSAGE)
    return limiter


def public_client() -> str:
    """Who the public limit counts: the client IP (X-Forwarded-For only from trusted proxies)."""
    return client_ip(request.remote_addr, request.headers.get("X-Forwarded-For"), context.settings().TRUSTED_PROXIES)
