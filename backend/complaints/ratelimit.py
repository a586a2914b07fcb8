"""COMPLAINT_RATE_LIMIT per client IP and per signed-in user; uploads get MAX_PHOTOS times as many."""
from __future__ import annotations

from flask import current_app

from backend.complaints.services import MAX_PHOTOS
from backend.core import context
from backend.core.ratelimit import RateLimit, parse_limits

MESSAGE = "提交过于频繁，请稍后再试。"


def _limiter(name: str, multiplier: int) -> RateLimit:
    key = f"sfs.ratelimit.{name}"
    limiter = current_app.extensions.get(key)
    if limiter is None:
        spec = context.settings().COMPLAINT_RATE_LIMIT
        if spec.lower() != "off" and multiplier > 1:
            spec = ";".join(f"{amount * multiplier}/{seconds} second" for amount, seconds in parse_limits(spec))
        limiter = current_app.extensions[key] = RateLimit(name, spec, context.redis(), MESSAGE)
    return limiter


def limit_submission(client: str, user_id: str | None) -> None:
    limiter = _limiter("complaints", 1)
    limiter.hit(f"ip:{client}")
    if user_id:
        limiter.hit(f"user:{user_id}")


def limit_upload(client: str, user_id: str | None) -> None:
    limiter = _limiter("uploads", MAX_PHOTOS)
    limiter.hit(f"ip:{client}")
    if user_id:
        limiter.hit(f"user:{user_id}")
