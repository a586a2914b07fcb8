"""Sign-in flows over real HTTP against the loopback WeChat imitation and a real Redis."""

import io
import json
import logging
import threading

import pytest

from backend.accounts.models import User
from tests.support import assert_error


def test_wechat_login_creates_the_user_once_and_me_answers(api, wechat, app):
    first = api.post("/api/v1/mp/auth/login", json={"code": "code-alice-1"})
    assert first.status_code == 200, first.text
    body = first.json()
    assert set(body) == {"access_token", "refresh_token", "expires_in", "token_type", "user"}
    assert body["user"]["role"] == "citizen"
    assert "session_key" not in first.text and "openid" not in first.text
    me = api.get("/api/v1/mp/auth/me", token=body["access_token"])
    assert me.status_code == 200 and me.json()["id"] == body["user"]["id"]
    # the server called WeChat with the right parameters
    call = wechat.requests[-1]
    assert (call["appid"], call["js_code"], call["grant_type"]) == (wechat.appid, "code-alice-1", "authorization_code")
    with app.app_context():
        assert User.objects.count() == 1


def test_second_login_of_same_openid_reuses_the_account(api, app, wechat):
    wechat.release_slow.set()
    one = api.post("/api/v1/mp/auth/login", json={"code": "u-bob"}).json()
    # "slow-u-bob" is the same WeChat identity under a new code
    two = api.post("/api/v1/mp/auth/login", json={"code": "slow-u-bob"}).json()
    assert one["user"]["id"] == two["user"]["id"]
    with app.app_context():
        user = User.objects.get(id=one["user"]["id"])
        assert user.unionid and user.openid == wechat.openid_for("u-bob")


def test_session_key_is_kept_server_side_and_never_logged(api, app, wechat):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logging.getLogger().addHandler(handler)
    try:
        body = api.post("/api/v1/mp/auth/login", json={"code": "code-carol"}).json()
    finally:
        logging.getLogger().removeHandler(handler)
    key = app.extensions["sfs.stores"].redis.get(f"wechat:session-key:{body['user']['id']}")
    assert key and key not in stream.getvalue() and key not in str(body)


@pytest.mark.parametrize(
    "code,status",
    [
        ("invalid-x", 401),
        ("used-x", 401),
        ("quota-x", 429),
        ("busy-x", 503),
        ("html-x", 503),
    ],
)
def test_wechat_errors_are_mapped(api, app, code, status):
    response = api.post("/api/v1/mp/auth/login", json={"code": code})
    assert_error(response, status)
    if status in (429, 503):
        assert int(response.headers["Retry-After"]) >= 1
    with app.app_context():
        assert User.objects.count() == 0  # nothing half-written


def test_a_code_works_once(api):
    assert api.post("/api/v1/mp/auth/login", json={"code": "code-once"}).status_code == 200
    assert_error(api.post("/api/v1/mp/auth/login", json={"code": "code-once"}), 401)


def test_slow_wechat_times_out_with_503(api, wechat):
    response = api.post("/api/v1/mp/auth/login", json={"code": "slow-dave"})
    wechat.release_slow.set()
    assert_error(response, 503)
    assert response.headers["Retry-After"]


def test_unreachable_wechat_is_503(config):
    from backend.app import create_app
    from tests.support import free_port

    app = create_app({**config, "WECHAT_API_BASE": f"http://127.0.0.1:{free_port()}"})
    response = app.test_client().post("/api/v1/mp/auth/login", json={"code": "code-x"})
    assert response.status_code == 503 and response.headers["Retry-After"]


def test_concurrent_first_logins_create_one_account(api, app, wechat):
    results = []
    codes = ["u-erin", "slow-u-erin"]

    def login(code):
        results.append(api.post("/api/v1/mp/auth/login", json={"code": code}).json())

    threads = [threading.Thread(target=login, args=(c,)) for c in codes]
    for thread in threads:
        thread.start()
    wechat.release_slow.set()
    for thread in threads:
        thread.join()
    assert len({r["user"]["id"] for r in results}) == 1
    with app.app_context():
        assert User.objects.count() == 1


def test_password_login_refresh_rotation_and_logout(api, make_console_user, redis_server):
    username, password = make_console_user("regulator")
    pair = api.post("/api/v1/auth/token", json={"username": username, "password": password}).json()
    assert pair["user"]["districts"] == ["320682"] and "password_hash" not in str(pair)
    rotated = api.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert rotated.status_code == 200
    new = rotated.json()
    # a mobile retry of the same refresh gets the same answer and keeps the session ...
    retried = api.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert retried.status_code == 200 and retried.json()["refresh_token"] == new["refresh_token"]
    assert api.get("/api/v1/auth/me", token=new["access_token"]).status_code == 200
    # ... but replaying a spent token after the grace window ends the whole session
    redis = redis_server.client()  # an hour passes since the first use
    for key in redis.scan_iter("auth:refresh:*"):
        if redis.hexists(key, "next"):
            spent = json.loads(redis.hget(key, "next"))
            redis.hset(key, "next", json.dumps({**spent, "at": spent["at"] - 3600}))
    assert_error(api.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}), 401)
    assert_error(api.post("/api/v1/auth/refresh", json={"refresh_token": new["refresh_token"]}), 401)
    assert_error(api.get("/api/v1/auth/me", token=new["access_token"]), 401)
    # a fresh sign-in works, and logout ends it
    fresh = api.post("/api/v1/auth/token", json={"username": username, "password": password}).json()
    assert api.get("/api/v1/auth/me", token=fresh["access_token"]).status_code == 200
    assert api.post("/api/v1/auth/logout", token=fresh["access_token"]).status_code == 204
    assert_error(api.get("/api/v1/auth/me", token=fresh["access_token"]), 401)
    assert_error(api.post("/api/v1/auth/refresh", json={"refresh_token": fresh["refresh_token"]}), 401)


def _sign_in(api, username, password, address):
    return api.post(
        "/api/v1/auth/token", json={"username": username, "password": password}, headers={"X-Forwarded-For": address}
    )


def test_wrong_password_then_lockout_of_that_address_only(api, make_console_user):
    username, password = make_console_user("admin")
    attacker, regulator = "203.0.113.66", "198.51.100.7"
    for _ in range(4):
        assert_error(_sign_in(api, username, "wrong-password", attacker), 401)
    locked = _sign_in(api, username, "wrong-password", attacker)
    assert_error(locked, 429)
    assert int(locked.headers["Retry-After"]) > 0
    # even the right password is refused from that address while locked ...
    assert_error(_sign_in(api, username, password, attacker), 429)
    # ... but the attacker cannot lock the regulator out: from their own address they sign in
    assert _sign_in(api, username, password, regulator).status_code == 200


def test_one_address_cannot_spray_passwords_over_every_account(api, make_console_user):
    from backend.accounts.services import ADDRESS_FAILURE_FACTOR

    sprayer = "203.0.113.99"
    # four tries per account (no pair reaches 5) over as many accounts as the address is allowed
    users = [make_console_user("regulator")[0] for _ in range(6)]
    statuses = [_sign_in(api, user, "wrong-password", sprayer).status_code for user in users[:5] for _ in range(4)]
    assert statuses == [401] * 5 * ADDRESS_FAILURE_FACTOR
    assert_error(_sign_in(api, users[5], "wrong-password", sprayer), 429)  # the address has had its share
    assert_error(_sign_in(api, users[5], "wrong-password", "198.51.100.8"), 401)  # others have not


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(api):
    body = assert_error(api.post("/api/v1/auth/token", json={"username": "nobody", "password": "whatever1234"}), 401)
    assert body["message"] == "用户名或密码错误。" and body["error"] == "accounts.invalid_credentials"


def test_admin_creates_console_users_and_roles_are_enforced(api, console_login, mp_login):
    admin = console_login("admin", ())
    created = api.post(
        "/api/v1/console/users",
        token=admin,
        json={"username": "minhang2", "password": "a-long-password", "role": "regulator", "districts": ["310112"]},
    )
    assert created.status_code == 201, created.text
    assert created.json()["districts"] == ["310112"] and "password" not in created.json()
    assert_error(
        api.post(
            "/api/v1/console/users",
            token=admin,
            json={"username": "minhang2", "password": "a-long-password", "role": "regulator", "districts": ["310112"]},
        ),
        409,
    )
    body = assert_error(
        api.post(
            "/api/v1/console/users",
            token=admin,
            json={"username": "ghost", "password": "a-long-password", "role": "regulator", "districts": ["999999"]},
        ),
        422,
    )
    assert "districts" in body["errors"]
    assert_error(
        api.post(
            "/api/v1/console/users", token=admin, json={"username": "ghost", "password": "short", "role": "admin"}
        ),
        422,
    )
    assert_error(
        api.post(
            "/api/v1/console/users",
            token=admin,
            json={"username": "ghost", "password": "a-long-password", "role": "citizen"},
        ),
        422,
    )
    # a regulator and a citizen may not create users
    regulator = console_login("regulator")
    citizen = mp_login()["access_token"]
    for token in (regulator, citizen):
        assert_error(
            api.post(
                "/api/v1/console/users",
                token=token,
                json={"username": "x-user", "password": "a-long-password", "role": "admin"},
            ),
            403,
        )


def test_bootstrap_admin_is_created_at_start(config):
    from backend.app import create_app

    app = create_app({**config, "BOOTSTRAP_ADMIN_USERNAME": "root", "BOOTSTRAP_ADMIN_PASSWORD": "boot-strap-pass"})
    response = app.test_client().post("/api/v1/auth/token", json={"username": "root", "password": "boot-strap-pass"})
    assert response.status_code == 200 and response.json["user"]["role"] == "admin"


def test_audit_chain_verifies_over_http(api, console_login):
    admin = console_login("admin", ())
    api.post(
        "/api/v1/console/users",
        token=admin,
        json={"username": "rugao2", "password": "a-long-password", "role": "regulator", "districts": ["320682"]},
    )
    report = api.get("/api/v1/console/audit/verify", token=admin).json()
    assert report["ok"] is True and report["checked"] >= 2
    entries = api.get("/api/v1/console/audit", token=admin, params={"target_type": "user", "per_page": 5})
    assert entries.status_code == 200 and entries.json()[0]["action"] == "user.created"
    assert "X-Pagination" in entries.headers
    assert_error(api.get("/api/v1/console/audit/verify", token=console_login("regulator")), 403)
