"""Who may call an endpoint. Every view declares it with `@access(...)`; the app refuses to start
if any endpoint does not (see `assert_every_endpoint_declares_access`)."""

from __future__ import annotations

import functools

from flask import Flask, g, request

from backend.accounts import tokens
from backend.accounts.errors import InvalidToken
from backend.accounts.models import User
from backend.core.errors import Forbidden
from backend.core.principal import Principal
from backend.core.text import Text

PUBLIC = "public"
SIGNED_IN = "signed_in"
BEARER_SECURITY = [{"bearerAuth": []}]
# Endpoints that belong to libraries (OpenAPI JSON, docs UI, static files).
EXEMPT_ENDPOINT_PREFIXES = ("api-docs.", "static", "console_pages.static")  # files anyone may fetch


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken(Text("Send a bearer token in the Authorization header."))
    return token.strip()


PAGE_COOKIE = "sfs_console"  # the console pages' session: an access token, HttpOnly, SameSite=Strict


def authenticate(token: str | None = None) -> Principal:
    claims = tokens.decode_access(token or _bearer_token())
    user = User.objects(id=claims.user_id).only("role", "districts", "sectors", "is_active").first()
    if user is None or not user.is_active:
        raise InvalidToken()
    principal = Principal(
        user_id=str(user.id),
        role=user.role,
        session_id=claims.session_id,
        districts=tuple(user.districts or ()),
        sectors=tuple(user.sectors or ()),
    )
    g.principal = principal
    return principal


def current_principal() -> Principal:
    return g.principal


def access(*allowed: str):
    """`@access(PUBLIC)`, `@access(SIGNED_IN)` or `@access("regulator", "admin")`. Put it above the
    flask-smorest decorators so credentials are checked before the body is parsed."""
    if not allowed:
        raise ValueError("declare who may call the endpoint")

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if PUBLIC not in allowed:
                principal = authenticate()
                if SIGNED_IN not in allowed and principal.role not in allowed:
                    raise Forbidden()
            return view(*args, **kwargs)

        wrapper.__access__ = allowed
        if PUBLIC not in allowed:
            apidoc = dict(getattr(view, "_apidoc", {}))
            manual = dict(apidoc.get("manual_doc", {}))
            manual["security"] = BEARER_SECURITY
            manual.setdefault("description", f"Who may call: {', '.join(allowed)}.")
            apidoc["manual_doc"] = manual
            wrapper._apidoc = apidoc
        return wrapper

    return decorate


def assert_every_endpoint_declares_access(app: Flask) -> None:
    missing = []
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith(EXEMPT_ENDPOINT_PREFIXES):
            continue
        view_class = getattr(view, "view_class", None)
        if view_class is None:
            if not hasattr(view, "__access__"):
                missing.append(endpoint)
            continue
        for method in view_class.methods or ():
            handler = getattr(view_class, method.lower(), None)
            if handler is not None and not hasattr(handler, "__access__"):
                missing.append(f"{endpoint} {method}")
    if missing:
        raise RuntimeError(f"endpoints without an access declaration: {', '.join(sorted(missing))}")


def optional_principal() -> Principal | None:
    """For public endpoints that also serve signed-in users: a bad token is still 401."""
    if "Authorization" not in request.headers:
        return None
    return authenticate()


def page_principal(*allowed: str) -> Principal | None:
    """For the console's server-rendered pages: the principal of the page cookie, or None (sign in)."""
    token = request.cookies.get(PAGE_COOKIE)
    if not token:
        return None
    try:
        principal = authenticate(token)
    except InvalidToken:
        return None
    if principal.role not in allowed:
        raise Forbidden()
    return principal
