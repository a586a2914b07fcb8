"""Redis killed or stalled: liveness and MongoDB-only paths keep answering, the public card falls back
to MongoDB, and what needs Redis answers 503 with Retry-After at once instead of hanging."""

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from backend.core.timeutil import today_shanghai
from backend.devtools.processes import RedisServer
from tests.support import LiveServer, assert_error

QUICK = 1.6  # seconds: one REDIS_TIMEOUT (1 s, retries included) and a margin; never two timeouts


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

    app = create_app({**config, "REDIS_URL": own_redis.url, "REDIS_TIMEOUT": 1, "PUBLIC_RATE_LIMIT": "600/minute"})
    server = LiveServer(app)
    with app.app_context():
        from tests.builders import approved

        business = approved()
    assert requests.get(f"{server.url}/q/{business.public_code}", timeout=15).status_code == 200
    yield server, business, app
    server.stop()


def timed(method, url, **kwargs):
    started = time.monotonic()
    response = requests.request(method, url, timeout=15, **kwargs)
    return response, time.monotonic() - started


def _away(redis_server, how: str) -> None:
    if how == "stalled":
        os.kill(redis_server.process.pid, signal.SIGSTOP)
    else:
        os.kill(redis_server.process.pid, signal.SIGKILL)
        redis_server.process.wait(timeout=10)


@pytest.mark.parametrize("how", ["stalled", "killed"])
@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_platform_answers_fast_with_redis_away(platform, own_redis, how, warm):
    """Liveness, both public card endpoints (a card read before, or one never read), a login and
    readiness: each answers within QUICK, from MongoDB or 503 with Retry-After, and a burst of them at
    once too (nothing waits behind another request's Redis call)."""
    server, business, app = platform
    if not warm:
        from tests.builders import approved

        with app.app_context():
            business = approved()
    _away(own_redis, how)
    card_urls = [
        f"{server.url}/q/{business.public_code}",
        f"{server.url}/api/v1/public/businesses/{business.public_code}",
    ]
    live, took = timed("GET", f"{server.url}/healthz")
    assert live.status_code == 200 and took < QUICK
    for _ in range(2):  # the first meets Redis away; the next know it
        for url in card_urls:
            card, took = timed("GET", url)
            assert card.status_code == 200 and business.name in card.text, card.text
            assert took < QUICK, (url, took)
        login, took = timed(
            "POST", f"{server.url}/api/v1/auth/token", json={"username": "someone", "password": "x" * 12}
        )
        assert_error(login, 503)
        assert int(login.headers["Retry-After"]) >= 1 and took < QUICK, took
    ready, took = timed("GET", f"{server.url}/readyz")
    assert ready.status_code == 503 and "redis" in ready.json()["message"] and took < QUICK, took

    with ThreadPoolExecutor(8) as pool:
        burst = list(pool.map(lambda url: timed("GET", url), card_urls * 4))
    assert all(response.status_code == 200 for response, _ in burst)
    assert max(took for _, took in burst) < QUICK, [took for _, took in burst]


def test_published_indicators_of_a_closed_period_are_counted_from_mongodb_with_redis_stalled(platform, own_redis):
    """A closed period's figures come from Redis when kept there; with Redis stalled they are counted
    from MongoDB instead, quickly (the breaker: one timeout, then no more waiting)."""
    server, _business, _app = platform
    url = f"{server.url}/api/v1/public/indicators"
    closed = {"district": "320682", "period": str(today_shanghai().year - 1)}
    kept, _took = timed("GET", url, params=closed)
    assert kept.status_code == 200
    _away(own_redis, "stalled")
    again, took = timed("GET", url, params=closed)
    assert again.status_code == 200, again.text
    assert again.json() == kept.json() and took < QUICK, took


@pytest.mark.parametrize("how", ["stalled", "killed"])
def test_a_console_page_with_redis_away_is_a_chinese_503_page_at_once(platform, own_redis, make_console_user, how):
    """The console's session lives in Redis: with Redis away a signed-in page cannot be shown, and says
    so in Chinese within a timeout, never with JSON or a traceback."""
    from tests.support import form_token

    server, _business, _app = platform
    username, password = make_console_user("regulator", ("320682",))
    browser = requests.Session()
    token = form_token(browser, f"{server.url}/console/login")
    browser.post(f"{server.url}/console/login", data={"username": username, "password": password, "csrf_token": token})
    assert browser.get(f"{server.url}/console/complaints", timeout=15).status_code == 200
    _away(own_redis, how)
    shown, seconds = timed("GET", f"{server.url}/console/complaints", cookies=browser.cookies)
    assert (
        shown.status_code == 503
        and "暂时不可用" in shown.text
        and shown.headers["Content-Type"].startswith("text/html")
    )
    assert seconds < 1 + 2  # one REDIS_TIMEOUT and margin
