"""Rate limits counted in Redis, keyed by client IP or user.

Limits are written like "60/minute" or "60/minute;10/second" (parsed by the `limits` library) and
counted with a sliding-window counter (the current window's count plus the previous window's,
weighted by how much of it still overlaps), like the `limits` library's strategy of that name. We run
it as our own Lua script so that the public lookup can take its rate-limit decision and fetch its
cached card in ONE Redis round trip (`hit(..., fetch=...)`): the page's throughput depends on it.
"""
from __future__ import annotations

import hashlib
import ipaddress
import math
from dataclasses import dataclass

import limits
from redis.exceptions import ConnectionError as RedisConnectionError, NoScriptError, TimeoutError as RedisTimeoutError

from backend.core.errors import RateLimited

# KEYS: none (window keys are derived from the server clock, so every app host agrees on them)
# ARGV: prefix, identity, n_limits, (amount, seconds)*n_limits, fetch_key or "", fetch fields...
# Returns {1, fetched...} when allowed (and counted), {0, retry_after_seconds} when limited.
_SLIDING_WINDOW = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local prefix, identity, n = ARGV[1], ARGV[2], tonumber(ARGV[3])
local counted = {}
for i = 0, n - 1 do
  local amount, seconds = tonumber(ARGV[4 + 2 * i]), tonumber(ARGV[5 + 2 * i])
  local window = math.floor(now / seconds)
  local base = prefix .. ':' .. seconds .. ':' .. identity .. ':'
  local current = tonumber(redis.call('GET', base .. window) or '0')
  local previous = tonumber(redis.call('GET', base .. (window - 1)) or '0')
  local overlap = 1 - (now - window * seconds) / seconds
  if previous * overlap + current + 1 > amount then
    local retry
    if current + 1 > amount then retry = (window + 1) * seconds - now
    else retry = math.max(1, seconds * (1 - (amount - current - 1) / math.max(previous, 1)) - (now - window * seconds)) end
    return {0, tostring(math.ceil(retry))}
  end
  counted[#counted + 1] = {base .. window, seconds}
end
for _, entry in ipairs(counted) do
  redis.call('INCR', entry[1])
  redis.call('EXPIRE', entry[1], entry[2] * 2)
end
local fetch_at = 4 + 2 * n
if ARGV[fetch_at] == '' then return {1} end
local fields = {}
for i = fetch_at + 1, #ARGV do fields[#fields + 1] = ARGV[i] end
local fetched = redis.call('HMGET', ARGV[fetch_at], unpack(fields))
local out = {1}
for i = 1, #fields do out[#out + 1] = fetched[i] end
return out
"""


def parse_limits(spec: str) -> list[tuple[int, int]]:
    """[(amount, seconds)] for "60/minute;10/second"; [] for "off"."""
    if spec.strip().lower() == "off":
        return []
    return [(item.amount, item.get_expiry()) for item in limits.parse_many(spec)]


@dataclass
class RateLimit:
    """One named limit (e.g. "public"), `spec` like "60/minute"; "off" disables it."""

    name: str
    spec: str
    redis_client: object
    message: str = "Too many requests; try again later."

    def __post_init__(self):
        self.items = parse_limits(self.spec)
        self._sha = hashlib.sha1(_SLIDING_WINDOW.encode()).hexdigest()
        self._limit_args = [len(self.items)] + [value for item in self.items for value in item]

    def _run(self, args: list) -> list:
        """EVALSHA on a pooled connection directly: the client-level call path costs about as much
        again as the round trip itself, and this call is on every public page view."""
        pool = self.redis_client.connection_pool
        connection = pool.get_connection()
        try:
            try:
                connection.send_command("EVALSHA", self._sha, 0, *args)
                return connection.read_response()
            except NoScriptError:  # first use on this server, or after SCRIPT FLUSH / a restart
                connection.send_command("EVAL", _SLIDING_WINDOW, 0, *args)
                return connection.read_response()
        except (RedisConnectionError, RedisTimeoutError):
            connection.disconnect()
            raise
        finally:
            pool.release(connection)

    def hit(self, identity: str, fetch: tuple[str, tuple[str, ...]] | None = None) -> list | None:
        """Count one request for `identity`, or raise RateLimited. With `fetch=(key, fields)` also
        return HMGET key fields, in the same round trip."""
        if not self.items and fetch is None:
            return None
        fetch_key, fields = fetch if fetch else ("", ())
        result = self._run([f"ratelimit:{self.name}", identity, *self._limit_args, fetch_key, *fields])
        if int(result[0]) == 0:
            raise RateLimited(self.message, retry_after=max(1, math.ceil(float(result[1]))))
        return list(result[1:]) if fetch else None


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
