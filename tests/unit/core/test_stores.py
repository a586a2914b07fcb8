import sys
import threading

import pytest

from backend.core.config import load_settings
from backend.core.stores import connect_mongo


@pytest.fixture
def eager_thread_switching():
    # Switch threads as often as possible so an unserialised store would lose races (it does in
    # most trials without the lock).
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


def test_embedded_mongo_serialises_conditional_updates(eager_thread_switching):
    """Two threads race find_one_and_update on the same precondition: exactly one may win."""
    db = connect_mongo(load_settings({"APP_ENV": "test"}, environ={}))
    collection = db["race"]
    for trial in range(300):
        collection.insert_one({"_id": trial, "status": "submitted"})
        winners = []
        barrier = threading.Barrier(2)

        def review(decision, trial=trial):
            barrier.wait()
            if collection.find_one_and_update({"_id": trial, "status": "submitted"}, {"$set": {"status": decision}}):
                winners.append(decision)

        threads = [threading.Thread(target=review, args=(d,)) for d in ("approved", "rejected")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(winners) == 1, f"trial {trial}: {winners}"
        assert collection.find_one({"_id": trial})["status"] == winners[0]


def test_the_breaker_skips_redis_after_a_failure_and_lets_one_caller_probe():
    from backend.core.stores import RedisAway, RedisBreaker

    now = [100.0]
    breaker = RedisBreaker(cool_off=5, clock=lambda: now[0])
    assert breaker.allow() and not breaker.tripped
    with pytest.raises(TimeoutError), breaker.guard():
        raise TimeoutError("stalled")
    assert breaker.tripped
    with pytest.raises(RedisAway), breaker.guard():
        pytest.fail("not asked while tripped")
    now[0] += 5
    assert breaker.allow()  # the probe
    assert not breaker.allow()  # the others wait for its outcome
    breaker.succeeded()
    assert breaker.allow() and not breaker.tripped


def test_a_dead_redis_costs_one_quick_failure_then_none(tmp_path):
    """No retry, no backoff: a refused connection fails at once, and the next call is not even tried."""
    import time

    import redis

    from backend.core.config import load_settings
    from backend.core.stores import RedisAway, connect_redis

    client = connect_redis(load_settings({"REDIS_URL": "redis://127.0.0.1:1/0"}, environ={}))
    started = time.monotonic()
    with pytest.raises(redis.ConnectionError):
        client.get("x")
    with pytest.raises(RedisAway):
        client.pipeline(transaction=False).get("x").execute()
    assert time.monotonic() - started < 0.5 and client.breaker.tripped
