"""Accounts: sign-in (password, WeChat), token rotation, console users."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from bson import ObjectId
from bson.errors import InvalidId
from mongoengine import NotUniqueError

from backend.accounts import tokens, wechat
from backend.accounts.errors import AccountStateConflict, InvalidCredentials, LoginLocked, UsernameTaken
from backend.accounts.models import User
from backend.core import context, districts
from backend.core.errors import Forbidden, InvalidInput, NotFound
from backend.core.principal import ADMIN, BUREAU, CITIZEN, OFFICE, PASSWORD_ROLES, REGULATOR, VIEWER, Principal
from backend.core.text import Text
from backend.core.timeutil import utcnow
from backend.workflow.services import change_state, create_record

log = logging.getLogger(__name__)

_hasher = PasswordHasher()
# Verified against when the username does not exist, so both paths cost one argon2 verification.
_DUMMY_HASH = _hasher.hash("not-a-real-password-but-a-timing-equaliser")
_FAILURES_KEY = "auth:failures:{{{}}}:{}"  # the address in braces: both counts in one hash slot
_WECHAT_SESSION_KEY = "wechat:session-key:{}"
WECHAT_SESSION_KEY_TTL = 3 * 24 * 3600
MIN_PASSWORD_LENGTH = 10
ADDRESS_FAILURE_FACTOR = 4


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _password_matches(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def get_user(user_id: str) -> User:
    try:
        user = User.objects(id=ObjectId(user_id)).first()
    except (InvalidId, TypeError):
        user = None
    if user is None:
        raise NotFound(Text("No such user."))
    return user


def active_role(user_id: str) -> str | None:
    """The role a user signs in with now, or None when the user may not sign in."""
    try:
        user = get_user(user_id)
    except NotFound:
        return None
    return user.role if user.is_active else None


def login_with_password(username: str, password: str, *, client: str = "unknown") -> tuple[User, tokens.TokenPair]:
    """Sign in a console user. Failures are counted per address *and* username: after
    LOGIN_MAX_FAILURES the pair waits LOGIN_LOCKOUT_SECONDS, so an attacker elsewhere cannot lock a
    regulator out. An address failing for many usernames (ADDRESS_FAILURE_FACTOR times as many)
    waits too, so one address cannot spray passwords over every account."""
    settings = context.settings()
    redis = context.redis()
    address = hashlib.sha256(client.encode()).hexdigest()[:32]
    pair_key = _FAILURES_KEY.format(address, username.lower())
    address_key = _FAILURES_KEY.format(address, "*")
    pair_failures, address_failures = (int(n or 0) for n in redis.mget(pair_key, address_key))
    for key, count, limit in (
        (pair_key, pair_failures, settings.LOGIN_MAX_FAILURES),
        (address_key, address_failures, settings.LOGIN_MAX_FAILURES * ADDRESS_FAILURE_FACTOR),
    ):
        if count >= limit:
            raise LoginLocked(retry_after=max(redis.ttl(key), 1))
    user = User.objects.by_username(username.lower()).first()
    if not _password_matches(user.password_hash if user else None, password) or not user.is_active:
        pipe = redis.pipeline()
        for key in (pair_key, address_key):
            pipe.incr(key)
            pipe.expire(key, settings.LOGIN_LOCKOUT_SECONDS)
        count, _, _, _ = pipe.execute()
        log.info("password sign-in failed", extra={"failures": count})
        if count >= settings.LOGIN_MAX_FAILURES:
            raise LoginLocked(retry_after=settings.LOGIN_LOCKOUT_SECONDS)
        raise InvalidCredentials()
    redis.delete(pair_key)
    if _hasher.check_needs_rehash(user.password_hash):
        User.objects(id=user.id).update_one(set__password_hash=hash_password(password))
    User.objects(id=user.id).update_one(set__last_login_at=utcnow())
    return user, tokens.issue(str(user.id), user.role)


def login_with_wechat(code: str) -> tuple[User, tokens.TokenPair]:
    settings = context.settings()
    session = wechat.code_to_session(
        code,
        api_base=settings.WECHAT_API_BASE,
        appid=settings.WECHAT_APPID or "",
        secret=settings.WECHAT_SECRET or "",
        timeout=settings.WECHAT_TIMEOUT,
    )
    user = User.objects.by_openid(session.openid).first()
    if user is None:
        try:
            new_id = ObjectId()  # the new user is the actor of their own registration
            user = create_record(
                User(id=new_id, role=CITIZEN, openid=session.openid, unionid=session.unionid, last_login_at=utcnow()),
                action="registered_via_wechat",
                actor_id=new_id,
                target_type="user",
            )
        except NotUniqueError:
            # The same user signed in twice at once; the other request created the account.
            user = User.objects.by_openid(session.openid).first()
    if not user.is_active:
        raise InvalidCredentials(Text("This account is disabled."))
    updates = {"set__last_login_at": utcnow()}
    if session.unionid and user.unionid != session.unionid:
        updates["set__unionid"] = session.unionid
    User.objects(id=user.id).update_one(**updates)
    context.redis().set(_WECHAT_SESSION_KEY.format(user.id), session.session_key, ex=WECHAT_SESSION_KEY_TTL)
    return user, tokens.issue(str(user.id), user.role)


def refresh(refresh_token: str) -> tokens.TokenPair:
    return tokens.rotate(refresh_token, active_role)


def renew_page_session(token: str) -> str | None:
    """See `tokens.renewed_for_page`: the console pages' keep-alive, bounded by PAGE_SESSION_MAX."""
    return tokens.renewed_for_page(token)


def logout(session_id: str) -> None:
    tokens.revoke_family(session_id)


def colleagues(principal: Principal, *, district: str | None = None, q: str | None = None):
    """Console accounts a principal may list (`UserQuerySet.colleagues_of`), optionally covering a
    district the principal may see, or matching part of a name; a queryset to page."""
    from mongoengine import Q

    if not principal.is_console_user:
        raise Forbidden()
    if district and not principal.is_admin and not districts.any_covers(principal.districts, district):
        raise InvalidInput(errors={"district": [Text("Outside your districts: {codes}.", codes=district)]})
    found = User.objects.colleagues_of(principal, district)
    if q:
        found = found.filter(Q(display_name__icontains=q) | Q(username__icontains=q))
    return found


def set_active(principal: Principal, user_id: Any, active: bool, reason: str | None = None) -> User:
    """An admin stops a console account (a regulator who left: every page and API call of theirs is
    refused from the next request, `web.access` reads `is_active` each time) or lets it sign in again;
    audited with the reason. An admin never stops their own account (someone must be left to undo it)."""
    if not principal.is_admin:
        raise Forbidden()
    if not active and not (reason or "").strip():
        raise InvalidInput(errors={"reason": [Text("Say why the account is stopped.")]})
    if str(user_id) == principal.user_id and not active:
        raise InvalidInput(errors={"user_id": [Text("An admin may not stop their own account.")]})
    try:
        user = User.objects(id=ObjectId(str(user_id)), role__in=list(PASSWORD_ROLES)).first()
    except InvalidId:
        user = None
    if user is None:
        raise NotFound(Text("Only console accounts are managed here."))
    return change_state(
        User.objects,
        user.id,
        action="reactivated" if active else "deactivated",
        actor_id=principal.user_id,
        target_type="user",
        updates={"set__is_active": active},
        conditions={"is_active": not active},
        audit_extra={"reason": reason} if reason else None,
        conflict=AccountStateConflict,
    )


def create_console_user(
    *,
    actor_id: str,
    username: str,
    password: str,
    role: str,
    districts: list[str],
    display_name: str | None = None,
    organisation: str | None = None,
    sectors: list[str] | None = None,
) -> User:
    if role not in (REGULATOR, ADMIN, OFFICE, BUREAU, VIEWER):
        raise InvalidInput(
            errors={
                "role": [
                    Text(
                        "Console users are regulators, food-safety offices, sector bureaus, read-only viewers or admins."
                    )
                ]
            }
        )
    if (role == BUREAU) != bool(sectors):
        raise InvalidInput(errors={"sectors": [Text("A sector bureau, and only one, names the kinds it oversees.")]})
    if role in (REGULATOR, OFFICE, BUREAU, VIEWER) and not districts:
        raise InvalidInput(errors={"districts": [Text("A regulator needs at least one district.")]})
    if role == ADMIN and districts:
        raise InvalidInput(errors={"districts": [Text("Admins are not scoped to districts.")]})
    from backend.core.districts import unknown_codes

    unknown = unknown_codes(districts)
    if unknown:
        raise InvalidInput(errors={"districts": [Text("Unknown GB/T 2260 code(s): {items}", items=", ".join(unknown))]})
    _check_password(username, password)
    user = User(
        role=role,
        username=username.lower(),
        password_hash=hash_password(password),
        districts=sorted(set(districts)),
        display_name=display_name,
        organisation=organisation,
        sectors=sorted(set(sectors or [])),
    )
    try:
        return create_record(user, action="created", actor_id=actor_id, target_type="user")
    except NotUniqueError:
        raise UsernameTaken(errors={"username": [Text("Already taken.")]}) from None


def _check_password(username: str, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH or password.lower() == username.lower():
        raise InvalidInput(
            errors={
                "password": [
                    Text(
                        "Use at least {min_password_length} characters, not the username.",
                        min_password_length=MIN_PASSWORD_LENGTH,
                    )
                ]
            }
        )


def give_password_login(*, actor_id: Any, user_id: Any, username: str, password: str) -> User:
    """A mini-program account (a 包保 official's) may also sign in on the console with a password."""
    _check_password(username, password)
    try:
        return change_state(
            User.objects,
            user_id,
            action="password_login_given",
            actor_id=actor_id,
            target_type="user",
            updates={"set__username": username.lower(), "set__password_hash": hash_password(password)},
        )
    except NotUniqueError:
        raise UsernameTaken(errors={"username": [Text("Already taken.")]}) from None


def ensure_bootstrap_admin(username: str, password: str) -> bool:
    """Create the configured admin unless a user of that name exists. Returns whether it was created."""
    if User.objects.by_username(username.lower()).first():
        return False
    try:
        create_console_user(actor_id=None, username=username, password=password, role=ADMIN, districts=[])
    except UsernameTaken:
        return False
    return True
