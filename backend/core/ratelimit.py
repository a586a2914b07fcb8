"""Rate limits counted in Redis (the `limits` library), keyed by client IP or user."""
from __future__ import annotations

import ipaddress
import math
import time
from dataclasses import dataclass

import limits
from limits.storage import RedisStorage
from limits.strategies import SlidingWindowCounterRateLimiter

from backend.core.errors import RateLimited


@dataclass
class RateLimit:
    """One named limit (e.g. "public"), `spec` like "60/minute"; "off" disables it."""

    name: str
    spec: str
    redis_client: object
    message: str = "Too many requests; try again later."

    def __post_init__(self):
        self.items = [] if self.spec.strip().lower() == "off" else limits.parse_many(self.spec)
        if self.items:
            storage = RedisStorage("redis://", connection_pool=self.redis_client.connection_pool,
                                   key_prefix=f"ratelimit:{self.name}")
            self.limiter = SlidingWindowCounterRateLimiter(storage)

    def hit(self, identity: str) -> None:
        for item in self.items:
            if not self.limiter.hit(item, identity):
                reset_time, _ = self.limiter.get_window_stats(item, identity)
                raise RateLimited(self.message, retry_after=math.ceil(max(reset_time - time.time(), 1)))


def client_ip(remote_addr: str | None, forwarded_for: str | None, trusted_proxies: tuple[str, ...]) -> str:
    """The client's address: X-Forwarded-For is believed only when the peer is a trusted proxy, and
    then only up to the first address that is not itself a trusted proxy (right to left)."""
    peer = remote_addr or "unknown"
    if not trusted_proxies or not forwarded_for or not _is_trusted(peer, trusted_proxies):
        return peer
    for hop in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
        if not _is_trusted(hop, trusted_proxies):
            return hop
    return peer


def _is_trusted(address: str, trusted: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(proxy, strict=False) for proxy in trusted)
