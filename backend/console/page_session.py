"""The console pages' session, shared by every server-rendered page: the access token in an HttpOnly,
SameSite=Strict cookie scoped to /console/, forms accepted only from this site's own origin and with
this browser's CSRF token, pages never kept by a browser or a proxy, and a session kept alive by the
pages' own refreshes (a new token once the current one is half spent, up to PAGE_SESSION_MAX after the
sign-in). A session nobody uses ends when its token does (ACCESS_TOKEN_TTL): that is the idle timeout.

CSRF tokens are a signed double-submit cookie (OWASP's pattern where the session itself is a cookie):
each browser gets a random secret in an HttpOnly cookie, and each form carries that secret signed with
SECRET_KEY (itsdangerous). Another site can make a browser post, but can neither read the token nor
forge one. The secret is replaced at sign-in and at sign-out, so a form taken before either no longer
posts."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Response, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from marshmallow import ValidationError

from backend.accounts import services as accounts
from backend.console.language import language
from backend.core import context
from backend.core.errors import DomainError
from backend.core.tables import csv_text
from backend.core.text import Text
from backend.web.access import PAGE_COOKIE, page_principal
from backend.web.downloads import csv_download
from backend.web.limits import limit_public
from backend.web.messages import localised, reason_in_chinese
from backend.web.pagination import paginate


def same_origin() -> bool:
    """Forms post from this site only (the cookie is SameSite=Strict too): the Origin (or Referer)
    must be this site's scheme, host and port exactly — `http://host:port.evil.example` is not."""
    sent = request.headers.get("Origin") or request.headers.get("Referer") or ""
    if not sent:
        return True
    origin, own = urlsplit(sent), urlsplit(request.host_url)
    return (origin.scheme, origin.netloc) == (own.scheme, own.netloc)


CSRF_COOKIE = "sfs_console_form"
CSRF_FIELD = "csrf_token"
CSRF_MAX_AGE = 12 * 3600  # a form left open for a working day still posts


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(context.settings().SECRET_KEY, salt="console-form")


def csrf_token() -> str:
    """The token this browser's forms carry (templates: `{{ csrf_token() }}`)."""
    secret = g.get("csrf_secret") or request.cookies.get(CSRF_COOKIE)
    if not secret:
        secret = g.csrf_secret = secrets.token_urlsafe(32)
    return _signer().dumps(secret)


def new_csrf_secret() -> None:
    """A new secret for this browser (at sign-in and sign-out): tokens taken before no longer post."""
    g.csrf_secret = secrets.token_urlsafe(32)


def keep_csrf_secret(response: Response) -> Response:
    """Sends the browser a secret made during this request (after every request of the app)."""
    secret = g.get("csrf_secret")
    if secret:
        response.set_cookie(
            CSRF_COOKIE,
            secret,
            max_age=CSRF_MAX_AGE,
            httponly=True,
            samesite="Strict",
            secure=request.is_secure,
            path="/console/",
        )
    return response


def form_allowed() -> bool:
    """A posted form is this site's own: from its origin, with a token that signs this browser's secret."""
    secret, sent = request.cookies.get(CSRF_COOKIE), request.form.get(CSRF_FIELD, "")
    if not (same_origin() and secret and sent):
        return False
    try:
        signed = _signer().loads(sent, max_age=CSRF_MAX_AGE)
    except BadSignature:
        return False
    return isinstance(signed, str) and hmac.compare_digest(signed, secret)


CONFIRM_FIELD = "confirmed"


def confirmed() -> bool:
    """A step that cannot be undone was confirmed with its box (`_forms.html`'s `confirm`): browsers
    refuse the form without it, and this refuses a post that skipped the browser."""
    return request.form.get(CONFIRM_FIELD) == "yes"


def field_problems(error: Exception, default_field: str) -> dict[str, str]:
    """What a schema (marshmallow's ValidationError) or a service (a DomainError's `errors`) refused,
    one line per field in the page's language (as the API gives it), for beside the fields; a refusal
    that names no field goes beside `default_field`."""
    chosen = language()

    def lines(reasons) -> list[str]:
        if isinstance(reasons, dict):  # a list's items or a nested object: {index or field: reasons}
            return [line for value in reasons.values() for line in lines(value)]
        if isinstance(reasons, list):
            return [line for value in reasons for line in lines(value)]
        if chosen == "en":
            return [str(reasons.render("en") if isinstance(reasons, Text) else reasons)]
        return [str(reason_in_chinese(reasons))]

    errors = error.messages if isinstance(error, ValidationError) else getattr(error, "errors", None)
    shown = {field: "；".join(dict.fromkeys(lines(reasons))) for field, reasons in (errors or {}).items()}
    if not shown or not isinstance(errors, dict):
        message = getattr(error, "message", None) or str(error)
        if isinstance(error, DomainError):
            message = localised(error.error_code(), message, chosen)
        shown = {default_field: str(message) if chosen == "en" else str(reason_in_chinese(message))}
    return shown


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
    new_csrf_secret()
    return pair.access_token


def sign_out(*roles: str) -> None:
    """Ends the session itself, not only the cookie: the token stops working everywhere."""
    try:
        principal = page_principal(*roles)
    except DomainError:
        principal = None
    if principal is not None:
        accounts.logout(principal.session_id)
    new_csrf_secret()


def listing(found, per_page: int) -> dict:
    """One page of a list for a template: `rows`, `total`, `page` (from `?page=`, 1 when unreadable)
    and `pages`. Paged by the API's own helper, so a page and the JSON list agree."""
    text = request.args.get("page", "1")
    page = int(text) if text.isdigit() and 0 < int(text) < 10_000 else 1
    rows = paginate(found, page, per_page)
    total = g.pagination["total"]
    return {"rows": rows, "total": total, "page": page, "pages": max(1, -(-total // per_page))}


EXPORT_ROWS = 10_000  # a spreadsheet's worth; a longer list is narrowed by its filters first


def exported(found, header: list[str], row, filename: str, lookup=None) -> Response:
    """A list as its page filters it, for a spreadsheet (CSV with a BOM, formulas neutralised): `row`
    gives a record's cells — `row(record, looked_up)` when `lookup(records)` first fetches what the rows
    name (business names: one query for the lot). At most EXPORT_ROWS rows; a last line says when
    there were more."""
    rows = paginate(found, 1, EXPORT_ROWS)
    total = g.pagination["total"]
    looked_up = lookup(rows) if lookup else None
    table = [row(record, looked_up) if lookup else row(record) for record in rows]
    if total > len(rows):
        table.append([f"仅导出前 {EXPORT_ROWS} 行（共 {total} 行），请用筛选条件缩小范围后再导出。"])
    return csv_download(csv_text(header, table), filename)


def safe_next(target: str | None, default: str = "/console/") -> str:
    """Where to go after signing in: a console path of this site only (never `//evil.example`)."""
    if target and target.startswith("/console/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
