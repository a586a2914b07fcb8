"""The console pages' session, shared by every server-rendered page: the access token in an HttpOnly,
SameSite=Strict cookie scoped to /console/, forms accepted only from this site's own origin, pages
never kept by a browser or a proxy, and a session kept alive by the pages' own refreshes (a new token
once the current one is half spent, up to PAGE_SESSION_MAX after the sign-in)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, request

from backend.accounts import services as accounts
from backend.core import context
from backend.core.errors import DomainError
from backend.web.access import PAGE_COOKIE, page_principal
from backend.web.limits import limit_public


def same_origin() -> bool:
    """Forms post from this site only (the cookie is SameSite=Strict too): the Origin (or Referer)
    must be this site's scheme, host and port exactly — `http://host:port.evil.example` is not."""
    sent = request.headers.get("Origin") or request.headers.get("Referer") or ""
    if not sent:
        return True
    origin, own = urlsplit(sent), urlsplit(request.host_url)
    return (origin.scheme, origin.netloc) == (own.scheme, own.netloc)


def page(html: str, status: int = 200) -> Response:
    """A page that shows a signed-in person's records: never kept by a browser or a proxy."""
    return Response(html, status=status, mimetype="text/html", headers={"Cache-Control": "no-store"})


def set_session_cookie(response: Response, token: str) -> None:
    response.set_cookie(
        PAGE_COOKIE,
        token,
        max_age=context.settings().ACCESS_TOKEN_TTL,
        httponly=True,
        samesite="Strict",
        secure=request.is_secure,
        path="/console/",
    )


def renewed(response: Response) -> Response:
    """The response with a fresh session cookie when the current token is half spent."""
    token = accounts.renew_page_session(request.cookies[PAGE_COOKIE])
    if token is not None:
        set_session_cookie(response, token)
    return response


def sign_in() -> str | None:
    """The access token for the posted username and password, or None (wrong, or too many tries)."""
    try:
        _user, pair = accounts.login_with_password(
            request.form.get("username", ""), request.form.get("password", ""), client=limit_public()
        )
    except DomainError:
        return None
    return pair.access_token


def sign_out(*roles: str) -> None:
    """Ends the session itself, not only the cookie: the token stops working everywhere."""
    try:
        principal = page_principal(*roles)
    except DomainError:
        principal = None
    if principal is not None:
        accounts.logout(principal.session_id)


def safe_next(target: str | None, default: str = "/console/indicators") -> str:
    """Where to go after signing in: a console path of this site only (never `//evil.example`)."""
    if target and target.startswith("/console/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
