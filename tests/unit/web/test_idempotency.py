"""Idempotency keys: a request that never finishes frees its key quickly, anonymous keys belong to no
address, and weak anonymous keys are refused."""

import threading
import uuid

import pytest
from flask import jsonify

from backend.core.principal import CITIZEN  # noqa: F401  (the app's roles are loaded)
from backend.web.access import PUBLIC, access
from backend.web.idempotency import PENDING_TTL, idempotent

pytestmark = pytest.mark.redis_cluster


@pytest.fixture
def slow_app(app):
    """The platform plus one anonymous endpoint that waits until told, answering a secret."""
    release, started = threading.Event(), threading.Event()
    runs = []

    @app.post("/test/slow")
    @access(PUBLIC)
    @idempotent
    def slow():
        started.set()
        release.wait(10)
        runs.append(1)
        return jsonify(secret=uuid.uuid4().hex), 201

    return app, release, started, runs


KEY = "k3Yq9-Zt7Lm2Wx8Rb4"


def test_a_key_in_flight_is_pending_for_less_than_a_minute_and_a_retry_is_409(slow_app, redis_client):
    app, release, started, runs = slow_app
    client = app.test_client()
    first = {}
    thread = threading.Thread(
        target=lambda: first.update(r=client.post("/test/slow", headers={"Idempotency-Key": KEY}))
    )
    thread.start()
    assert started.wait(10)
    (pending,) = list(redis_client.scan_iter("idem:*"))
    assert 0 < redis_client.ttl(pending) <= PENDING_TTL <= 120  # a killed process frees it that soon
    assert client.post("/test/slow", headers={"Idempotency-Key": KEY}).status_code == 409
    release.set()
    thread.join()
    assert first["r"].status_code == 201
    assert redis_client.ttl(pending) > 3600  # a finished answer is kept for a day
    replay = client.post("/test/slow", headers={"Idempotency-Key": KEY, "X-Forwarded-For": "203.0.113.5"})
    assert replay.json == first["r"].json and replay.headers["Idempotent-Replayed"] == "true" and len(runs) == 1


def test_anonymous_keys_belong_to_no_address(slow_app):
    app, release, _started, runs = slow_app
    release.set()
    client = app.test_client()
    mine = client.post("/test/slow", headers={"Idempotency-Key": KEY, "X-Forwarded-For": "198.51.100.1"})
    # another client behind the same proxy, with a key of its own, gets its own answer
    other = client.post(
        "/test/slow", headers={"Idempotency-Key": "Other-Client-77aZq1", "X-Forwarded-For": "198.51.100.1"}
    )
    assert other.json["secret"] != mine.json["secret"] and len(runs) == 2


@pytest.mark.parametrize("weak", ["retry-key-0001", "aaaaaaaaaaaaaaaaaaaa", "retry-retry-retry-retry"])
def test_weak_anonymous_keys_are_refused(slow_app, weak):
    app, release, _started, runs = slow_app
    release.set()
    response = app.test_client().post("/test/slow", headers={"Idempotency-Key": weak})
    assert response.status_code == 422 and "Idempotency-Key" in response.json["errors"] and not runs
