"""The near cache against a real Redis: reads served in the process, and never stale after a write."""

import select
import threading

import pytest
import redis

from backend.core.nearcache import NearCache
from tests.support import SilenceableProxy

PREFIX = "card:v1:"
FIELDS = ("kind", "html")


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def redis_client(redis_server):
    client = redis_server.client()
    client.flushall()
    client.config_resetstat()
    yield client
    client.close()


@pytest.fixture
def cache(redis_client):
    near = NearCache(redis_client, PREFIX)
    yield near
    near.close()


def hmget_calls(redis_client) -> int:
    return int(redis_client.info("commandstats").get("cmdstat_hmget", {}).get("calls", 0))


def test_a_second_read_does_not_go_to_redis(cache, redis_client):
    redis_client.hset(PREFIX + "a", mapping={"kind": "found", "html": "<p>1</p>"})
    assert cache.hmget(PREFIX + "a", FIELDS) == ["found", "<p>1</p>"]
    assert cache.hmget(PREFIX + "a", FIELDS) == ["found", "<p>1</p>"]
    assert hmget_calls(redis_client) == 1


def test_missing_keys_and_keys_outside_the_prefix_are_always_read(cache, redis_client):
    assert cache.hmget(PREFIX + "none", FIELDS) == [None, None]
    redis_client.hset(PREFIX + "none", mapping={"kind": "found", "html": "new"})
    assert cache.hmget(PREFIX + "none", FIELDS) == ["found", "new"]
    redis_client.hset("other:a", mapping={"kind": "x", "html": "y"})
    cache.hmget("other:a", FIELDS)
    cache.hmget("other:a", FIELDS)
    assert hmget_calls(redis_client) == 4


def test_a_write_by_another_client_is_seen_by_the_very_next_read(cache, redis_client):
    key = PREFIX + "a"
    for version in range(200):
        redis_client.hset(key, mapping={"kind": "found", "html": str(version)})
        assert cache.hmget(key, FIELDS) == ["found", str(version)]
        assert cache.hmget(key, FIELDS) == ["found", str(version)]  # cached, and current
    redis_client.delete(key)
    assert cache.hmget(key, FIELDS) == [None, None]


def test_no_stale_read_while_other_threads_fill_the_cache(cache, redis_client):
    """A reader that fetched the old version just before a write must not store it after the
    write's announcement has been applied by another thread."""
    key = PREFIX + "race"
    redis_client.hset(key, mapping={"kind": "found", "html": "0"})
    stop = threading.Event()

    def read_forever():
        while not stop.is_set():
            cache.hmget(key, FIELDS)

    readers = [threading.Thread(target=read_forever) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        for version in range(1, 300):
            redis_client.hset(key, "html", str(version))
            assert cache.hmget(key, FIELDS) == ["found", str(version)]
    finally:
        stop.set()
        for reader in readers:
            reader.join()


def test_flushing_redis_empties_the_cache(cache, redis_client):
    redis_client.hset(PREFIX + "a", mapping={"kind": "found", "html": "1"})
    cache.hmget(PREFIX + "a", FIELDS)
    redis_client.flushdb()
    redis_client.ping()  # a flush is announced just after its reply, before the next command's
    assert cache.hmget(PREFIX + "a", FIELDS) == [None, None]


def test_a_lost_tracking_connection_empties_the_cache(cache, redis_client):
    key = PREFIX + "a"
    redis_client.hset(key, mapping={"kind": "found", "html": "1"})
    cache.hmget(key, FIELDS)
    redis_client.client_kill_filter(_type="pubsub")
    redis_client.hset(key, "html", "2")  # announced to nobody
    assert cache.hmget(key, FIELDS) == ["found", "2"]


def test_entries_live_no_longer_than_their_key_or_max_age(redis_client):
    clock = Clock()
    cache = NearCache(redis_client, PREFIX, max_age=30, idle_reset=3600, heartbeat=3600, clock=clock)
    redis_client.hset(PREFIX + "short", mapping={"kind": "found", "html": "s"})
    redis_client.expire(PREFIX + "short", 10)
    redis_client.hset(PREFIX + "long", mapping={"kind": "found", "html": "l"})
    for key in ("short", "long"):
        cache.hmget(PREFIX + key, FIELDS)
    clock.now += 11
    cache.hmget(PREFIX + "short", FIELDS)  # past its key's TTL: read again
    cache.hmget(PREFIX + "long", FIELDS)  # still within max_age
    assert hmget_calls(redis_client) == 3
    clock.now += 20
    cache.hmget(PREFIX + "long", FIELDS)  # past max_age
    assert hmget_calls(redis_client) == 4
    cache.close()


def test_an_idle_process_starts_empty(redis_client):
    clock = Clock()
    cache = NearCache(redis_client, PREFIX, idle_reset=2, heartbeat=3600, clock=clock)
    redis_client.hset(PREFIX + "a", mapping={"kind": "found", "html": "1"})
    cache.hmget(PREFIX + "a", FIELDS)
    clock.now += 3
    cache.hmget(PREFIX + "a", FIELDS)
    assert hmget_calls(redis_client) == 2
    cache.close()


def test_the_cache_holds_at_most_max_entries(redis_client):
    cache = NearCache(redis_client, PREFIX, max_entries=2)
    for name in "abc":
        redis_client.hset(PREFIX + name, mapping={"kind": "found", "html": name})
        cache.hmget(PREFIX + name, FIELDS)
    cache.hmget(PREFIX + "c", FIELDS)  # the two newest are held
    cache.hmget(PREFIX + "b", FIELDS)
    assert hmget_calls(redis_client) == 3
    cache.hmget(PREFIX + "a", FIELDS)  # the oldest was dropped
    assert hmget_calls(redis_client) == 4
    cache.close()


def test_size_zero_turns_it_off(redis_client):
    cache = NearCache(redis_client, PREFIX, max_entries=0)
    redis_client.hset(PREFIX + "a", mapping={"kind": "found", "html": "1"})
    cache.hmget(PREFIX + "a", FIELDS)
    cache.hmget(PREFIX + "a", FIELDS)
    assert hmget_calls(redis_client) == 2
    assert not any(client["flags"] == "P" for client in redis_client.client_list())


def test_a_redis_that_refuses_client_tracking_turns_it_off():
    from tests.support import RedisServer

    server = RedisServer("--rename-command", "CLIENT", "")  # as a managed Redis may
    client = server.client()
    try:
        cache = NearCache(client, PREFIX)
        client.hset(PREFIX + "a", mapping={"kind": "found", "html": "1"})
        assert cache.hmget(PREFIX + "a", FIELDS) == ["found", "1"]
        client.hset(PREFIX + "a", "html", "2")
        assert cache.hmget(PREFIX + "a", FIELDS) == ["found", "2"]
        assert not cache.enabled and hmget_calls(client) == 2
    finally:
        client.close()
        server.stop()


def wait_until_readable(sock) -> None:
    """Until the PONG to the PING just sent is on the socket (an event, not a duration)."""
    assert select.select([sock], [], [], 10)[0], "no PONG within 10 s"


def test_pongs_keep_the_cache_in_use(redis_client):
    clock = Clock()
    cache = NearCache(redis_client, PREFIX, max_age=3600, idle_reset=3600, heartbeat=1, clock=clock)
    redis_client.hset(PREFIX + "a", mapping={"kind": "found", "html": "1"})
    cache.hmget(PREFIX + "a", FIELDS)
    for _ in range(20):  # 20 beats: without PONGs the cache would have been dropped at the 3rd
        clock.now += 1
        assert cache.hmget(PREFIX + "a", FIELDS) == ["found", "1"]  # sends a PING
        wait_until_readable(cache._tracking_sock)
    assert hmget_calls(redis_client) == 1
    cache.close()


def test_a_tracking_connection_that_goes_silent_stops_the_cache_within_three_beats(redis_server, redis_client):
    proxy = SilenceableProxy(redis_server.port)
    via_proxy = redis.Redis(port=proxy.port, decode_responses=True, socket_timeout=10)
    clock = Clock()
    cache = NearCache(via_proxy, PREFIX, idle_reset=3600, heartbeat=1, clock=clock)
    try:
        key = PREFIX + "a"
        redis_client.hset(key, mapping={"kind": "found", "html": "1"})
        cache.hmget(key, FIELDS)
        assert cache.hmget(key, FIELDS) == ["found", "1"]
        proxy.silence_existing_connections()  # the tracking connection, and the pool's
        via_proxy.connection_pool.disconnect()  # reads through make new, working connections
        redis_client.hset(key, "html", "2")  # its announcement is lost on the way
        clock.now += 3.5  # no PONG for more than three beats
        assert cache.hmget(key, FIELDS) == ["found", "2"]
        clock.now += 10  # ten beats: the connection is replaced, and the cache works again
        cache.hmget(key, FIELDS)
        clock.now += 1.5
        cache.hmget(key, FIELDS)
        calls = hmget_calls(redis_client)
        assert cache.hmget(key, FIELDS) == ["found", "2"]
        assert hmget_calls(redis_client) == calls
        redis_client.hset(key, "html", "3")
        # the proxy relays the announcement a moment after Redis sent it (and no PING is pending)
        wait_until_readable(cache._tracking_sock)
        assert cache.hmget(key, FIELDS) == ["found", "3"]
    finally:
        cache.close()
        via_proxy.close()
        proxy.stop()


def test_an_idle_spell_neither_replaces_the_connection_nor_warns(redis_server, redis_client, caplog):
    clock = Clock()
    cache = NearCache(redis_server.client(), PREFIX, idle_reset=3600, heartbeat=0.5, clock=clock)
    try:
        key = PREFIX + "idle"
        redis_client.hset(key, mapping={"kind": "found", "html": "1"})
        cache.hmget(key, FIELDS)
        tracking = cache._tracking
        clock.now += 60  # nobody looked at the site for a minute
        assert cache.hmget(key, FIELDS) == ["found", "1"]
        assert cache._tracking is tracking
        assert "replacing it" not in caplog.text
    finally:
        cache.close()
