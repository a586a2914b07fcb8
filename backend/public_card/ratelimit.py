"""The per-client-IP limit on every public endpoint (setting PUBLIC_RATE_LIMIT)."""
from __future__ import annotations

from flask import request

from backend.core import context
from backend.core.ratelimit import BatchedRateLimit, client_ip

MESSAGE = "访问过于频繁，请稍后再试。"


def public_limiter() -> BatchedRateLimit:
    """Counted in the process and shared through Redis in batches, so that a scan never waits for
    Redis; one per process (the platform and its mounted lookup app count together)."""
    spec = context.settings().PUBLIC_RATE_LIMIT
    return context.stores().helper(f"ratelimit:public:{spec}",
                                   lambda: BatchedRateLimit("public", spec, context.redis(), MESSAGE))


def public_client() -> str:
    """Who the public limit counts: the client IP (X-Forwarded-For only from trusted proxies)."""
    return client_ip(request.remote_addr, request.headers.get("X-Forwarded-For"), context.settings().TRUSTED_PROXIES)
