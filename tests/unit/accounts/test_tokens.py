from datetime import timedelta

import jwt
import pytest

from backend.accounts import tokens
from backend.accounts.errors import InvalidToken
from backend.core.timeutil import utcnow
from tests.support import TEST_SECRET, aged_token

ALWAYS_CITIZEN = lambda user_id: "citizen"  # noqa: E731


def test_access_token_decodes_to_its_user_and_session(app_context):
    pair = tokens.issue("u1", "citizen")
    claims = tokens.decode_access(pair.access_token)
    assert (claims.user_id, claims.role) == ("u1", "citizen")
    assert pair.expires_in == 900


def test_refresh_rotates_and_each_token_works_once(app_context):
    first = tokens.issue("u1", "citizen")
    second = tokens.rotate(first.refresh_token, ALWAYS_CITIZEN)
    assert second.refresh_token != first.refresh_token
    third = tokens.rotate(second.refresh_token, ALWAYS_CITIZEN)
    assert tokens.decode_access(third.access_token).session_id == tokens.decode_access(first.access_token).session_id


@pytest.fixture
def no_grace(app_context):
    """REFRESH_REUSE_GRACE = 0: every re-sent refresh token counts as leaked."""
    import dataclasses

    settings = app_context.extensions["sfs.runtime"].settings
    runtime = app_context.extensions["sfs.runtime"]
    app_context.extensions["sfs.runtime"] = dataclasses.replace(
        runtime, settings=dataclasses.replace(settings, REFRESH_REUSE_GRACE=0)
    )
    yield
    app_context.extensions["sfs.runtime"] = runtime


def test_reusing_a_refresh_token_after_the_grace_revokes_the_whole_family(no_grace):
    first = tokens.issue("u1", "citizen")
    second = tokens.rotate(first.refresh_token, ALWAYS_CITIZEN)
    with pytest.raises(InvalidToken, match="already used"):
        tokens.rotate(first.refresh_token, ALWAYS_CITIZEN)
    # the legitimate successor dies with the family, and so do the access tokens
    with pytest.raises(InvalidToken):
        tokens.rotate(second.refresh_token, ALWAYS_CITIZEN)
    with pytest.raises(InvalidToken):
        tokens.decode_access(second.access_token)


def test_a_refresh_resent_within_the_grace_gets_the_same_pair_and_keeps_the_session(app_context):
    import threading

    first = tokens.issue("u1", "citizen")
    barrier, results = threading.Barrier(4), []

    def refresh():
        with app_context.app_context():
            barrier.wait()
            results.append(tokens.rotate(first.refresh_token, ALWAYS_CITIZEN))

    threads = [threading.Thread(target=refresh) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and len({pair.refresh_token for pair in results}) == 1  # one winner, resent to all
    assert tokens.decode_access(results[0].access_token).user_id == "u1"  # the session lives on
    assert tokens.rotate(results[0].refresh_token, ALWAYS_CITIZEN).refresh_token != results[0].refresh_token


def test_other_families_survive_a_revocation(app_context):
    phone = tokens.issue("u1", "citizen")
    laptop = tokens.issue("u1", "citizen")
    tokens.revoke_family(tokens.decode_access(phone.access_token).session_id)
    assert tokens.decode_access(laptop.access_token).user_id == "u1"


def test_disabled_user_cannot_refresh(app_context):
    pair = tokens.issue("u1", "citizen")
    with pytest.raises(InvalidToken):
        tokens.rotate(pair.refresh_token, lambda user_id: None)


def test_unknown_refresh_token_is_rejected(app_context):
    with pytest.raises(InvalidToken):
        tokens.rotate("never-issued", ALWAYS_CITIZEN)


def _forge(claims, key=TEST_SECRET, algorithm="HS256"):
    return jwt.encode(claims, key, algorithm=algorithm)


def test_forged_expired_and_wrong_type_tokens_are_rejected(app_context):
    sid = tokens.decode_access(tokens.issue("u1", "admin").access_token).session_id
    now = utcnow()
    good = {"sub": "u1", "role": "admin", "sid": sid, "typ": "access", "iat": now, "exp": now + timedelta(minutes=5)}
    assert tokens.decode_access(_forge(good)).role == "admin"
    for bad in (
        _forge(good, key="another-key-" + "y" * 40),
        _forge({**good, "exp": now - timedelta(seconds=1)}),
        _forge({**good, "typ": "refresh"}),
        _forge({**good, "sid": "no-such-session"}),
        _forge({k: v for k, v in good.items() if k != "sid"}),
        _forge(good).rsplit(".", 1)[0] + ".",  # signature stripped
        "not-a-jwt",
    ):
        with pytest.raises(InvalidToken):
            tokens.decode_access(bad)


def test_a_page_session_is_kept_alive_while_open_up_to_its_absolute_lifetime(app_context):
    from backend.core import context

    pair = tokens.issue("6b0000000000000000000099", "regulator")
    assert tokens.renewed_for_page(pair.access_token) is None  # fresh: nothing to renew
    half_spent = aged_token(pair.access_token, left=300, signed_in_ago=3600)
    renewed = tokens.renewed_for_page(half_spent)
    claims = jwt.decode(renewed, TEST_SECRET, algorithms=["HS256"])
    old = jwt.decode(half_spent, TEST_SECRET, algorithms=["HS256"])
    assert claims["sid"] == old["sid"] and claims["auth_time"] == old["auth_time"]  # same session, same sign-in
    assert claims["exp"] > old["exp"]
    limit = context.settings().PAGE_SESSION_MAX
    assert tokens.renewed_for_page(aged_token(pair.access_token, left=300, signed_in_ago=limit - 60)) is None
    tokens.revoke_family(tokens.decode_access(pair.access_token).session_id)  # logout ends it at once
    with pytest.raises(InvalidToken):
        tokens.renewed_for_page(half_spent)
