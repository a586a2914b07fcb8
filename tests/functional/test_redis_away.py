"""Redis stopped or stalled: liveness and MongoDB-only paths keep answering, the public card falls back
to MongoDB, and what needs Redis answers 503 with Retry-After at once instead of hanging."""

import os
import signal
import time

import pytest
import requests

from backend.devtools.processes import RedisServer
from tests.support import LiveServer, assert_error

QUICK = 3.0  # seconds: far below what a hang looks like, above REDIS_TIMEOUT plus a slow CI


@pytest.fixture
def own_redis():
    server = RedisServer()
    yield server
    try:
        os.kill(server.process.pid, signal.SIGCONT)
    except ProcessLookupError:
        pass
    server.stop()


@pytest.fixture
def platform(config, own_redis, make_console_user):
    """A platform on a Redis of its own, with an approved business whose card was read once."""
    from backend.app import create_app

    app = create_app({**config, "REDIS_URL": own_redis.url, "REDIS_TIMEOUT": 0.5})
    server = LiveServer(app)
    with app.app_context():
        from tests.builders import approved

        business = approved()
    assert requests.get(f"{server.url}/q/{business.public_code}", timeout=15).status_code == 200
    yield server, business
    server.stop()


def timed(method, url, **kwargs):
    started = time.monotonic()
    response = requests.request(method, url, timeout=15, **kwargs)
    return response, time.monotonic() - started


@pytest.mark.parametrize("how", ["stalled", "stopped"])
def test_platform_answers_fast_with_redis_away(platform, own_redis, how):
    server, business = platform
    os.kill(own_redis.process.pid, signal.SIGSTOP if how == "stalled" else signal.SIGTERM)
    if how == "stopped":
        own_redis.process.wait(timeout=10)
    try:
        live, took = timed("GET", f"{server.url}/healthz")
        assert live.status_code == 200 and took < QUICK
        for _ in range(3):  # the first may wait one REDIS_TIMEOUT; the next skip Redis
            card, took = timed("GET", f"{server.url}/q/{business.public_code}")
            assert card.status_code == 200 and business.name in card.text and took < QUICK
        card_json, took = timed("GET", f"{server.url}/api/v1/public/businesses/{business.public_code}")
        assert card_json.status_code == 200 and card_json.json()["business"]["name"] == business.name
        login, took = timed(
            "POST", f"{server.url}/api/v1/auth/token", json={"username": "someone", "password": "x" * 12}
        )
        assert_error(login, 503)
        assert int(login.headers["Retry-After"]) >= 1 and took < QUICK
        ready, took = timed("GET", f"{server.url}/readyz")
        assert ready.status_code == 503 and "redis" in ready.json()["message"] and took < QUICK
    finally:
        if how == "stalled":
            os.kill(own_redis.process.pid, signal.SIGCONT)
