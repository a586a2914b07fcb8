"""Rate limits against a real Redis: exact counting, the sliding window, and batched sharing."""

import threading

import pytest

from backend.core.errors import RateLimited
from backend.core.ratelimit import BatchedRateLimit, RateLimit

WINDOW_START = 60.0 * 1000  # a minute boundary


class Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


pytestmark = pytest.mark.redis_cluster


@pytest.fixture
def redis_client(redis_client):
    redis_client.flushall()
    return redis_client


@pytest.fixture
def drop_connections(request, redis_kind, redis_server):
    """Closes every client connection of the Redis in use (as a network drop would), from a client of
    its own: the test's client may share its pool with the limiter."""
    servers = request.getfixturevalue("redis_cluster").nodes if redis_kind == "cluster" else [redis_server]

    def drop():
        for server in servers:
            client = server.client()
            client.client_kill_filter(_type="normal", skipme=True)
            client.close()

    return drop


def counted(redis_client, name: str, identity: str, seconds: int, at: float) -> int:
    return int(redis_client.get(f"ratelimit:{{{name}:{identity}}}:{seconds}:{int(at // seconds)}") or 0)


# a batched limit that flushes only when the test says so
def batched(name, spec, client, clock):
    return BatchedRateLimit(name, spec, client, clock=clock, flush_interval=3600)


@pytest.fixture(params=["exact", "batched"])
def make_limit(request, redis_client):
    def make(spec: str, clock: Clock, name: str = "t"):
        if request.param == "exact":
            return RateLimit(name, spec, redis_client, "慢一点", clock=clock)
        return batched(name, spec, redis_client, clock)

    return make


def test_the_hit_over_the_limit_is_refused_until_the_full_window_has_faded(make_limit):
    clock = Clock(WINDOW_START + 20)
    limit = make_limit("3/minute", clock)
    for _ in range(3):
        limit.hit("1.2.3.4")
    with pytest.raises(RateLimited) as refused:
        limit.hit("1.2.3.4")
    assert refused.value.http_status == 429
    # the window ends in 40 s; then its 3 hits weigh 3 * (1 - t/60) and leave room for one at t = 20 s
    assert refused.value.headers["Retry-After"] == "60"
    limit.hit("5.6.7.8")  # another client is not affected
    if isinstance(limit, BatchedRateLimit):
        limit.flush()
    clock.now = WINDOW_START + 60 + 19
    with pytest.raises(RateLimited):
        limit.hit("1.2.3.4")  # coming back when the window ends would be refused again
    clock.now = WINDOW_START + 60 + 20
    limit.hit("1.2.3.4")


def test_refused_hits_are_not_counted(redis_client):
    clock = Clock(WINDOW_START + 1)
    limit = RateLimit("t", "2/minute", redis_client, clock=clock)
    limit.hit("a")
    limit.hit("a")
    for _ in range(5):
        with pytest.raises(RateLimited):
            limit.hit("a")
    assert counted(redis_client, "t", "a", 60, clock.now) == 2


def test_the_previous_window_counts_by_its_remaining_overlap(make_limit):
    clock = Clock(WINDOW_START)
    limit = make_limit("4/minute", clock)
    for _ in range(4):
        limit.hit("a")
    clock.now = WINDOW_START + 60 + 15  # a quarter into the next window: the previous 4 weigh 3
    limit.hit("a")
    with pytest.raises(RateLimited) as refused:
        limit.hit("a")
    # 3 * (1 - t/60) + 2 <= 4 from t = 30 s, 15 s from now
    assert refused.value.headers["Retry-After"] == "15"
    clock.now = WINDOW_START + 60 + 30
    limit.hit("a")


def test_several_limits_are_all_or_nothing(make_limit, redis_client):
    clock = Clock(WINDOW_START + 0.5)
    limit = make_limit("2/second;3/minute", clock, name="multi")
    limit.hit("a")
    limit.hit("a")
    with pytest.raises(RateLimited):
        limit.hit("a")  # the per-second limit refuses: the minute must not count it either
    if isinstance(limit, BatchedRateLimit):
        limit.flush()
    assert counted(redis_client, "multi", "a", 60, clock.now) == 2
    clock.now += 1
    limit.hit("a")
    with pytest.raises(RateLimited):
        limit.hit("a")  # now the minute limit refuses


def test_off_counts_nothing(make_limit, redis_client):
    limit = make_limit("off", Clock(WINDOW_START))
    for _ in range(100):
        limit.hit("a")
    assert redis_client.dbsize() == 0


def test_batched_limits_share_their_counts_through_redis(redis_client):
    clock = Clock(WINDOW_START + 5)
    one, other = (batched("shared", "5/minute", redis_client, clock) for _ in range(2))  # two processes
    for _ in range(3):
        one.hit("a")
    assert one.flush() == 3
    other.hit("a")  # not yet known to `other`: it counts from what Redis told it last
    other.flush()  # sends its hit, learns the 3 of `one`
    assert counted(redis_client, "shared", "a", 60, clock.now) == 4
    other.hit("a")  # the 5th
    with pytest.raises(RateLimited):
        other.hit("a")
    one.flush()
    assert counted(redis_client, "shared", "a", 60, clock.now) == 4  # `one` had nothing new to send
    one.hit("a")  # `one` still believes 3: the overshoot is bounded by one flush interval
    one.flush()
    with pytest.raises(RateLimited):
        one.hit("a")
    other.flush()
    assert counted(redis_client, "shared", "a", 60, clock.now) == 6  # one over the limit of 5, no more


def test_batched_hits_survive_a_failed_flush(redis_client, drop_connections):
    clock = Clock(WINDOW_START + 5)
    limit = batched("lost", "10/minute", redis_client, clock)
    limit.hit("a")
    assert limit.flush() == 1
    limit.hit("a")
    limit.hit("a")
    drop_connections()  # the limiter's connection drops
    # The limiter's own connection fails this flush and keeps the hits for the next; a cluster client's
    # pool sees the dropped socket when it lends it and sends on a new one. Either way nothing is lost.
    first = limit.flush()
    assert first in (0, 2) and counted(redis_client, "lost", "a", 60, clock.now) == 1 + first
    assert first + limit.flush() == 2
    assert counted(redis_client, "lost", "a", 60, clock.now) == 3


def test_batched_limit_flushes_by_itself(redis_client):
    """The background flusher sends the hits without being asked (waits on Redis, not on a timer)."""
    limit = BatchedRateLimit("auto", "10/minute", redis_client, flush_interval=0.01)
    limit.hit("a")
    key = f"ratelimit:{{auto:a}}:60:{int(limit.clock() // 60)}"
    pubsub = redis_client.pubsub()
    redis_client.config_set("notify-keyspace-events", "K$")
    try:
        pubsub.subscribe(f"__keyspace@0__:{key}")
        if redis_client.get(key) is None:  # not flushed before we subscribed
            message = None
            while message is None or message["type"] != "message":
                message = pubsub.get_message(timeout=10)
                assert message is not None, "the flusher did not send the hit"
        assert redis_client.get(key) == "1"
    finally:
        redis_client.config_set("notify-keyspace-events", "")
        pubsub.close()


def test_batched_hits_of_windows_that_no_longer_matter_are_dropped_after_a_failed_flush(redis_server):
    """On one server only: a cluster client's pool replaces a dropped connection, so its flush does
    not fail (the test above)."""
    redis_client = redis_server.client()
    redis_client.flushall()
    clock = Clock(WINDOW_START + 5)
    limit = batched("old", "10/minute", redis_client, clock)
    limit.hit("a")
    limit.flush()
    limit.hit("a")
    limit.hit("a")
    redis_client.client_kill_filter(_type="normal", skipme=True)
    assert limit.flush() == 0
    clock.now += 120  # two windows later, the unsent hits count for nothing
    limit.hit("a")
    assert limit.flush() == 1
    assert counted(redis_client, "old", "a", 60, WINDOW_START + 5) == 1
    assert counted(redis_client, "old", "a", 60, clock.now) == 1


def test_a_concurrent_burst_from_one_client_gets_no_more_than_the_limit(make_limit, redis_client):
    clock = Clock(WINDOW_START + 5)
    limit = make_limit("5/minute", clock, name="burst")
    start = threading.Barrier(20)
    allowed = []

    def request():
        start.wait()
        try:
            limit.hit("a")
            allowed.append(1)
        except RateLimited:
            pass

    threads = [threading.Thread(target=request) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if isinstance(limit, BatchedRateLimit):
        assert len(allowed) == 5  # one process decides under one lock: exact
        limit.flush()
    else:
        assert 1 <= len(allowed) <= 5  # a refusal's DECR may briefly refuse another: strict side
    assert counted(redis_client, "burst", "a", 60, clock.now) == len(allowed)
