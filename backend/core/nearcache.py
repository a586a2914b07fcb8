"""A per-process copy of Redis hashes under one key prefix, kept coherent by Redis itself.

The public card is cached in Redis; reading it there costs a network round trip on every scan, and
on a small VM that wait (the thread sleeps, another takes the GIL, the reply wakes it) costs as much
CPU as the rest of the request. This near cache keeps recently read hashes in the process and asks
Redis to announce every change under the prefix (server-assisted client-side caching, `CLIENT
TRACKING ... BCAST PREFIX`, delivered over RESP2 to a connection subscribed to
`__redis__:invalidate`). Each read first applies the announcements already on that connection's
socket, without waiting.

Why a write is never followed by a stale read: Redis queues the broadcast in the same event-loop
turn as the write, before it writes any reply (`beforeSleep`: broadcast first, then pending replies,
newest client first), so the announcement is in our socket before the writer even learns that its
write is done. (Between hosts, "before" is when Redis sends: a reader elsewhere has it one network
delay later, far sooner than a person can act on the writer's answer and scan again.) A read that
races with a write is concurrent with it and may see either version.
FLUSHDB and FLUSHALL (tests, operators) are announced just after their reply instead, so one read
right behind a flush may still see the old copy.

Whenever that chain may be broken the cache empties itself: the tracking connection fails or
closes, the process forks, the process has not looked at its socket for `idle_reset` seconds (so a
backlog the socket could not hold cannot hide an announcement), or an announcement says "flush".
A PING every `heartbeat` seconds checks that the connection still delivers: after three beats
without a PONG the cache is not used, after ten the connection is replaced, so a connection that a
network drops without a word costs at most about three beats of staleness. Entries also live no
longer than the key's own TTL and `max_age` (10 s). A Redis without CLIENT TRACKING (before 6.0,
or with CLIENT forbidden) just turns the cache off: every read goes to Redis.
"""

from __future__ import annotations

import logging
import os
import select
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from redis.exceptions import RedisError, ResponseError

log = logging.getLogger(__name__)

INVALIDATE_CHANNEL = "__redis__:invalidate"
IDLE_RESET = 2.0  # seconds without draining the socket after which the cache starts empty
RETRY_AFTER = 1.0  # seconds between attempts to re-establish tracking
HEARTBEAT = 0.5  # seconds between PINGs on the tracking connection; without a PONG for 3
# beats the cache is not used, for 10 beats the connection is replaced


class NearCache:
    def __init__(
        self,
        redis_client,
        prefix: str,
        *,
        max_entries: int = 1000,
        max_age: float = 10.0,
        idle_reset: float = IDLE_RESET,
        heartbeat: float = HEARTBEAT,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.redis = redis_client
        self.prefix = prefix
        self.max_entries = max_entries
        self.max_age = max_age
        self.idle_reset = idle_reset
        self.heartbeat = heartbeat
        self.clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple, tuple[list, float]] = OrderedDict()
        self._tracking = None  # the subscribed connection, or None while not tracking
        self._tracking_sock = None  # its socket, polled before taking the lock
        self._pid = None
        self._epoch = 0  # bumped by every invalidation: a read begun before it is not stored
        self._last_ping = self._last_pong = 0.0
        self._unanswered_since: float | None = None  # when the oldest PING still waiting for its PONG went
        self._last_drain = 0.0
        self._next_attempt = 0.0
        self._unsupported = False

    @property
    def enabled(self) -> bool:
        return self.max_entries > 0 and not self._unsupported

    def hmget(self, key: str, fields: tuple[str, ...]) -> list:
        """HMGET key fields, from the process when it holds a current copy."""
        if not self.enabled or not key.startswith(self.prefix):
            return self.redis.hmget(key, *fields)
        entry_key = (key, fields)
        waiting = self._announcements_waiting()
        with self._lock:
            tracking = self._sync(drain=waiting)
            epoch = self._epoch
            if tracking:
                entry = self._entries.get(entry_key)
                if entry is not None and entry[1] > self.clock():
                    self._entries.move_to_end(entry_key)
                    return entry[0]
        pipe = self.redis.pipeline(transaction=False)
        pipe.hmget(key, *fields)
        pipe.pttl(key)
        values, ttl_ms = pipe.execute()
        if values[0] is None or not tracking:
            return values
        lifetime = self.max_age if ttl_ms < 0 else min(self.max_age, ttl_ms / 1000)
        with self._lock:
            if self._sync(drain=True) and self._epoch == epoch:
                self._entries[entry_key] = (values, self.clock() + lifetime)
                self._entries.move_to_end(entry_key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return values

    def _announcements_waiting(self) -> bool:
        """Whether the tracking socket holds unread bytes. Asked without the lock, because a poll
        lets other threads run and they would queue on a held lock; the socket is read only under the
        lock, so when this says no, every announcement that had arrived is applied by the time the
        lock is ours."""
        sock = self._tracking_sock
        if sock is None:
            return True
        if isinstance(sock, ssl.SSLSocket) and sock.pending():
            return True  # TLS may hold decrypted bytes that the file descriptor no longer shows
        poller = select.poll()  # one per call: a poll object refuses concurrent use
        try:
            poller.register(sock.fileno(), select.POLLIN)
        except (OSError, ValueError):  # closed meanwhile: let the locked path find out
            return True
        return bool(poller.poll(0))

    def clear(self) -> None:
        with self._lock:
            self._forget_all()

    def close(self) -> None:
        with self._lock:
            self._drop_tracking()

    # -- under self._lock ------------------------------------------------------------------------

    def _sync(self, drain: bool) -> bool:
        """Apply the announcements received (all of them when `drain`, else none are waiting);
        True when the cache may be used."""
        now = self.clock()
        if self._pid != os.getpid():  # a forked child must not read its parent's socket
            self._tracking, self._tracking_sock, self._pid = None, None, os.getpid()
            self._forget_all()
        if self._tracking is None:
            if now < self._next_attempt or not self._start_tracking():
                return False
        elif now - self._last_drain > self.idle_reset:
            self._forget_all()
        self._last_drain = now
        try:
            while drain and self._tracking.can_read(timeout=0):
                self._apply(self._tracking.read_response(), now)
            if now - self._last_ping >= self.heartbeat:
                # A PONG proves the announcements of every write Redis did before this PING are in.
                self._tracking.send_packed_command(self._tracking.pack_command("PING"), check_health=False)
                self._last_ping = now
                if self._unanswered_since is None:
                    self._unanswered_since = now
        except (RedisError, OSError) as error:
            log.warning("near cache: tracking connection lost (%s); reading through to Redis", error)
            self._drop_tracking()
            return False
        # Replaced only when, besides ten beats without a PONG, a PING has waited more than a beat: a site
        # idle for a while sent none, and its connection is not at fault (it used to be replaced, with a
        # warning, after every idle spell).
        silent = now - self._last_pong
        waiting = now - self._unanswered_since if self._unanswered_since is not None else 0.0
        if silent > 10 * self.heartbeat and waiting > self.heartbeat:
            log.warning("near cache: tracking connection silent for %.0f s; replacing it", silent)
            self._drop_tracking()
            return False
        if silent > 3 * self.heartbeat:
            self._forget_all()  # announcements may be lost on the way: answer from Redis
            return False
        return True

    def _apply(self, message, now: float) -> None:
        kind = _text(message[0]) if isinstance(message, list) and message else None
        if kind == "pong":
            self._last_pong = now
            self._unanswered_since = None
            return
        if kind != "message" or len(message) != 3:
            return
        keys = message[2]
        self._epoch += 1
        if keys is None:  # FLUSHDB / FLUSHALL, or the server dropped tracking state
            self._forget_all()
            return
        changed = {_text(key) for key in keys}
        for entry_key in [entry_key for entry_key in self._entries if entry_key[0] in changed]:
            del self._entries[entry_key]

    def _start_tracking(self) -> bool:
        breaker = getattr(self.redis, "breaker", None)  # the client's (`GuardedRedis`): Redis just failed
        if breaker is not None and not breaker.allow():
            return False
        pool = self.redis.connection_pool
        connection = pool.connection_class(**pool.connection_kwargs)
        try:
            connection.send_command("CLIENT", "ID")
            client_id = connection.read_response()
            connection.send_command("CLIENT", "TRACKING", "ON", "REDIRECT", client_id, "BCAST", "PREFIX", self.prefix)
            connection.read_response()
            connection.send_command("SUBSCRIBE", INVALIDATE_CHANNEL)
            connection.read_response()
        except ResponseError as error:  # a Redis before 6.0, or one that forbids CLIENT
            connection.disconnect()
            self._unsupported = True
            log.warning("near cache off: this Redis refuses CLIENT TRACKING (%s)", error)
            return False
        except (RedisError, OSError) as error:
            connection.disconnect()
            self._next_attempt = self.clock() + RETRY_AFTER
            if breaker is not None:
                breaker.trip()  # the read that follows does not wait for Redis a second time
            log.warning("near cache: cannot start tracking (%s); reading through to Redis", error)
            return False
        self._tracking = connection
        self._tracking_sock = connection._sock  # redis-py keeps the socket private
        self._forget_all()  # nothing cached before now was covered by announcements
        self._last_drain = self._last_ping = self._last_pong = self.clock()
        self._unanswered_since = None
        return True

    def _drop_tracking(self) -> None:
        if self._tracking is not None:
            self._tracking.disconnect()
        self._tracking, self._tracking_sock = None, None
        self._next_attempt = self.clock() + RETRY_AFTER
        self._forget_all()

    def _forget_all(self) -> None:
        self._epoch += 1
        self._entries.clear()


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
