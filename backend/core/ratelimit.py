"""Rate limits counted in Redis, keyed by client IP or user.

Limits are written like "60/minute" or "60/minute;10/second" (parsed by the `limits` library) and
counted with a sliding-window counter: the current window's count plus the previous window's,
weighted by how much of it still overlaps (the `limits` library's strategy of that name). Windows
follow the app hosts' clocks (kept by NTP). A refused request is not counted.

Two ways to count:
- `RateLimit` is exact: each hit is one pipelined round trip of plain commands (INCR, EXPIRE, GET
  per limit) on a connection of the calling thread's own, and a refused hit is taken back (DECR).
  For writes such as complaint submissions.
- `BatchedRateLimit` decides in the process from the counts Redis last returned plus the hits not yet
  sent, and a background thread sends the hits (INCRBY) and reads the shared counts back every
  `FLUSH_INTERVAL`. For the public lookup, whose every scan would otherwise wait for Redis. A client
  spreading requests over several processes or hosts can get past the limit by what it sends to the
  others within one interval, never more; within one process the count is exact.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import math
import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable

import limits
from redis.cluster import RedisCluster
from redis.exceptions import RedisError

from backend.core.errors import RateLimited

log = logging.getLogger(__name__)

FLUSH_INTERVAL = 0.1  # seconds between a BatchedRateLimit's exchanges with Redis


def parse_limits(spec: str) -> list[tuple[int, int]]:
    """[(amount, seconds)] for "60/minute;10/second"; [] for "off"."""
    if spec.strip().lower() == "off":
        return []
    return [(item.amount, item.get_expiry()) for item in limits.parse_many(spec)]


def _key(name: str, seconds: int, identity: str, window: int) -> str:
    """The count of one window; the limit and identity in braces keep one client's windows in one hash
    slot of a Redis Cluster, so a hit is one exchange with one node."""
    return f"ratelimit:{{{name}:{identity}}}:{seconds}:{window}"


def _own_connection(redis_client):
    """A connection configured like the client's pool (address, timeouts, credentials) but outside
    it: the pool's checkout probes the socket on every use."""
    pool = redis_client.connection_pool
    return pool.connection_class(**pool.connection_kwargs)


def _cluster_round_trip(redis_client, commands: list[tuple]) -> list:
    """`commands` through a cluster client's pipeline, which sends each node its share and follows
    MOVED and ASK (a raw connection reaches one node only)."""
    pipe = redis_client.pipeline(transaction=False)
    for command in commands:
        pipe.execute_command(*command)
    return pipe.execute()


def _round_trip(connection, commands: list[tuple], breaker=None) -> list:
    """Send `commands` and read their replies, behind the client's breaker when it has one (a Redis
    that just failed is not waited for again)."""
    guard = breaker.guard() if breaker is not None else contextlib.nullcontext()
    with guard:
        try:
            connection.send_packed_command(connection.pack_commands(commands))
            return [connection.read_response() for _ in commands]
        except BaseException:
            connection.disconnect()  # replies may be left unread: never reuse it half-read
            raise


class RateLimit:
    """One named limit (e.g. "complaints"), `spec` like "60/minute"; "off" disables it. Exact."""

    def __init__(
        self,
        name: str,
        spec: str,
        redis_client,
        message: str = "Too many requests; try again later.",
        *,
        clock: Callable[[], float] = time.time,
    ):
        self.name, self.spec, self.redis_client, self.message, self.clock = name, spec, redis_client, message, clock
        self.items = parse_limits(spec)
        self._connections = threading.local()

    def hit(self, identity: str) -> None:
        """Count one request for `identity`, or raise RateLimited."""
        if not self.items:
            return
        now = self.clock()
        counted, commands = [], []
        for amount, seconds in self.items:
            window = int(now // seconds)
            key = _key(self.name, seconds, identity, window)
            counted.append((amount, seconds, now - window * seconds, key))
            commands += [
                ("INCR", key),
                ("EXPIRE", key, seconds * 2),
                ("GET", _key(self.name, seconds, identity, window - 1)),
            ]
        replies = self._exchange(commands)
        waits = [
            _wait(amount, seconds, elapsed, int(replies[3 * i]), int(replies[3 * i + 2] or 0))
            for i, (amount, seconds, elapsed, _) in enumerate(counted)
        ]
        if any(wait is not None for wait in waits):
            self._exchange([("DECR", key) for *_rest, key in counted])
            raise RateLimited(self.message, retry_after=max(wait for wait in waits if wait is not None))

    def _exchange(self, commands: list[tuple]) -> list:
        if isinstance(self.redis_client, RedisCluster):
            return _cluster_round_trip(self.redis_client, commands)
        return _round_trip(self._connection(), commands, getattr(self.redis_client, "breaker", None))

    def _connection(self):
        """This thread's own connection; a forked worker makes its own rather than share its
        parent's socket. It closes when its thread ends."""
        owner, connection = getattr(self._connections, "entry", (None, None))
        if owner != os.getpid():
            connection = _own_connection(self.redis_client)
            self._connections.entry = (os.getpid(), connection)
        return connection


class BatchedRateLimit:
    """One named limit counted in the process and exchanged with Redis in batches (see the module)."""

    def __init__(
        self,
        name: str,
        spec: str,
        redis_client,
        message: str = "Too many requests; try again later.",
        *,
        clock: Callable[[], float] = time.time,
        flush_interval: float = FLUSH_INTERVAL,
    ):
        self.name, self.spec, self.redis_client, self.message, self.clock = name, spec, redis_client, message, clock
        self.flush_interval = flush_interval
        self.items = parse_limits(spec)
        self._lock = threading.Lock()  # guards the three dicts below
        self._flush_lock = threading.Lock()  # one exchange with Redis at a time
        # (seconds, identity, window) -> hits not yet sent / being sent
        self._pending: dict[tuple, int] = defaultdict(int)
        self._in_flight: dict[tuple, int] = {}
        # (seconds, identity, window) -> the count Redis last returned (our sent hits included)
        self._shared: dict[tuple, int] = {}
        self._connection = None
        self._flusher_pid = None
        self._failing = False

    def hit(self, identity: str) -> None:
        """Count one request for `identity`, or raise RateLimited. Never waits for Redis."""
        if not self.items:
            return
        now = self.clock()
        with self._lock:
            self._start_flusher()
            waits, windows = [], []
            for amount, seconds in self.items:
                window = int(now // seconds)
                current = self._count(seconds, identity, window)
                previous = self._count(seconds, identity, window - 1)
                waits.append(_wait(amount, seconds, now - window * seconds, current + 1, previous))
                windows.append((seconds, identity, window))
            if any(wait is not None for wait in waits):
                raise RateLimited(self.message, retry_after=max(wait for wait in waits if wait is not None))
            for slot in windows:
                self._pending[slot] += 1

    def flush(self) -> int:
        """Send the hits counted since the last flush and read the shared counts back; returns how
        many hits it sent."""
        with self._flush_lock:
            with self._lock:
                now = self.clock()
                # hits older than the previous window no longer matter (say, after Redis was away)
                batch = {slot: hits for slot, hits in self._pending.items() if _recent(slot, now)}
                self._pending = defaultdict(int)
                self._in_flight = batch
                self._shared = {slot: count for slot, count in self._shared.items() if _recent(slot, now)}
            if not batch:
                return 0
            commands = []
            for (seconds, identity, window), hits in batch.items():
                key = _key(self.name, seconds, identity, window)
                commands += [
                    ("INCRBY", key, hits),
                    ("EXPIRE", key, seconds * 2),
                    ("GET", _key(self.name, seconds, identity, window - 1)),
                ]
            try:
                if isinstance(self.redis_client, RedisCluster):
                    replies = _cluster_round_trip(self.redis_client, commands)
                else:
                    if self._connection is None or self._connection.pid != os.getpid():
                        self._connection = _own_connection(self.redis_client)
                    replies = _round_trip(self._connection, commands, getattr(self.redis_client, "breaker", None))
            except (RedisError, OSError) as error:
                with self._lock:  # keep the hits: they go with the next batch
                    for slot, hits in batch.items():
                        self._pending[slot] += hits
                    self._in_flight = {}
                if not self._failing:
                    log.warning(
                        "rate limit %s: cannot reach Redis (%s); counting in this process only", self.name, error
                    )
                self._failing = True
                return 0
            self._failing = False
            with self._lock:
                for i, (seconds, identity, window) in enumerate(batch):
                    self._shared[(seconds, identity, window)] = int(replies[3 * i])
                    previous = (seconds, identity, window - 1)
                    self._shared[previous] = max(self._shared.get(previous, 0), int(replies[3 * i + 2] or 0))
                self._in_flight = {}
            return sum(batch.values())

    def _count(self, seconds: int, identity: str, window: int) -> int:
        slot = (seconds, identity, window)
        return self._shared.get(slot, 0) + self._in_flight.get(slot, 0) + self._pending.get(slot, 0)

    def _start_flusher(self) -> None:
        """One flusher thread per process, started by the first hit (gunicorn forks after loading)."""
        if self._flusher_pid == os.getpid():
            return
        self._flusher_pid = os.getpid()
        self._connection = None
        threading.Thread(target=self._flush_forever, name=f"ratelimit-{self.name}", daemon=True).start()

    def _flush_forever(self) -> None:
        """Flush every interval; after a second with nothing to send the thread ends, and the next
        hit starts another."""
        idle = 0
        while True:
            time.sleep(self.flush_interval)
            try:
                idle = 0 if self.flush() else idle + 1
            except Exception:  # never let the thread die with hits pending
                log.exception("rate limit %s: flush failed", self.name)
            if idle * self.flush_interval >= 1:
                with self._lock:
                    if not self._pending:
                        self._flusher_pid = None
                        return


def _recent(slot: tuple, now: float) -> bool:
    """Whether a (seconds, identity, window) slot is the current or the previous window."""
    seconds, _identity, window = slot
    return window >= int(now // seconds) - 1


def _wait(amount: int, seconds: int, elapsed: float, current: int, previous: int) -> int | None:
    """Seconds until a client whose hit would be number `current` of this window may come back,
    or None when that hit is within the limit."""
    if previous * (1 - elapsed / seconds) + current <= amount:
        return None
    if current > amount:
        # this window is full: its `current - 1` counted hits become the previous window's, whose
        # weight must then fade until one more hit fits
        counted = current - 1
        return math.ceil(seconds - elapsed + seconds * (1 - (amount - 1) / counted))
    # the previous window's weight must fade until it leaves room for one more hit
    return max(1, math.ceil(seconds * (1 - (amount - current) / previous) - elapsed))


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
