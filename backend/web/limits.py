"""The rate limits the HTTP layer applies, one limiter object per process and setting:

- PUBLIC_RATE_LIMIT per client IP on every public page and public JSON endpoint (batched: a scan
  never waits for Redis);
- COMPLAINT_RATE_LIMIT per client IP and per signed-in user on complaint submission; uploads get
  MAX_PHOTOS times as many (exact).
"""

from __future__ import annotations

from flask import request

from backend.complaints.services import MAX_PHOTOS
from backend.core import context
from backend.core.ratelimit import BatchedRateLimit, RateLimit, client_ip, parse_limits

PUBLIC_MESSAGE = "访问过于频繁，请稍后再试。"
SUBMISSION_MESSAGE = "提交过于频繁，请稍后再试。"


def public_client() -> str:
    """Who the limits count: the client IP (X-Forwarded-For only from trusted proxies)."""
    return client_ip(request.remote_addr, request.headers.get("X-Forwarded-For"), context.settings().TRUSTED_PROXIES)


def public_limiter() -> BatchedRateLimit:
    """Counted in the process and shared through Redis in batches, so that a scan never waits for
    Redis; one per process (the platform and its mounted lookup app count together)."""
    spec = context.settings().PUBLIC_RATE_LIMIT
    return context.stores().helper(
        f"ratelimit:public:{spec}", lambda: BatchedRateLimit("public", spec, context.redis(), PUBLIC_MESSAGE)
    )


def limit_public() -> str:
    """Count one public request for this client (429 past the limit); returns the client."""
    client = public_client()
    public_limiter().hit(client)
    return client


def _submission_limiter(name: str, multiplier: int) -> RateLimit:
    spec = context.settings().COMPLAINT_RATE_LIMIT
    if spec.lower() != "off" and multiplier > 1:
        spec = ";".join(f"{amount * multiplier}/{seconds} second" for amount, seconds in parse_limits(spec))
    return context.stores().helper(
        f"ratelimit:{name}:{spec}", lambda: RateLimit(name, spec, context.redis(), SUBMISSION_MESSAGE)
    )


def limit_submission(client: str, user_id: str | None) -> None:
    limiter = _submission_limiter("complaints", 1)
    limiter.hit(f"ip:{client}")
    if user_id:
        limiter.hit(f"user:{user_id}")


def limit_upload(client: str, user_id: str | None) -> None:
    limiter = _submission_limiter("uploads", MAX_PHOTOS)
    limiter.hit(f"ip:{client}")
    if user_id:
        limiter.hit(f"user:{user_id}")
