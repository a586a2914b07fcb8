"""The console's pages for indicators: sign-in and sign-out, `/console/indicators` (every indicator of a
district and period against its target), `/console/indicators/<code>` (its definition, its months
against the target and its districts side by side, drawn as SVG on the server: no JavaScript, no
CDN), and `/console/dashboard` (the command centre's 1920×1080 大屏, refreshing itself).

Pages render what the services answer (the same rows the JSON API gives) and run no query of their
own; the session is the console's cookie (`page_session`)."""

from __future__ import annotations

import functools
import os
from functools import wraps

from flask import Blueprint, redirect, request

from backend.cameras.models import STATUS_LABELS
from backend.console import language
from backend.console.page_session import (
    csrf_token,
    form_allowed,
    keep_csrf_secret,
    page,
    renewed,
    safe_next,
    set_session_cookie,
    sign_in,
    sign_out,
)
from backend.core import districts as gbt2260
from backend.core.errors import DomainError, InvalidInput, NotFound
from backend.core.indicators import Period
from backend.core.principal import ADMIN, OFFICE, REGULATOR, VIEWER, Principal
from backend.core.timeutil import to_shanghai, today_shanghai
from backend.indicators import charts, dashboard, services
from backend.registry import services as registry
from backend.registry.models import KIND_LABELS
from backend.web.access import PAGE_COOKIE, PUBLIC, access, page_principal

blp = Blueprint(
    "console_pages", __name__, template_folder="templates", static_folder="static", static_url_path="/console/static"
)
blp.add_app_template_global(csrf_token)  # every console form carries it (the wall's too)
blp.add_app_template_global(language.t, "t")
blp.add_app_template_global(language.language, "language")
blp.add_app_template_global(language.LANGUAGES, "languages")


@blp.app_template_global()
@functools.cache
def vendored(filename: str) -> bool:
    """Whether set-up installed a front-end library (`scripts/bootstrap.sh` → static/vendor/): pages
    load it only then, and work without it."""
    return os.path.isfile(os.path.join(blp.static_folder, "vendor", filename))


blp.add_app_template_filter(to_shanghai, "shanghai")  # times are stored in UTC, shown in Beijing time
blp.after_app_request(keep_csrf_secret)
ROLES = (REGULATOR, ADMIN, OFFICE, VIEWER)
REFRESH_SECONDS = 60
MET_LABELS = {True: "达标", False: "未达标", None: "—"}


def _menu(principal: Principal) -> list[tuple[str, str]]:
    items = [("/console/", "今日待办")] if principal.role == OFFICE else []
    items += (
        [
            ("/console/", "今日待办"),
            ("/console/businesses", "登记审核"),
            ("/console/complaints", "投诉举报"),
            ("/console/inspections", "监督检查"),
            ("/console/sampling", "抽检导入"),
            ("/console/dispositions", "核查处置"),
            ("/console/recalls", "追溯召回"),
        ]
        if principal.is_console_user
        else []
    )
    items += [("/console/indicators", "指标"), ("/console/dashboard", "大屏")]
    if principal.role in (REGULATOR, ADMIN):
        items += [("/console/wall", "监管墙"), ("/console/cameras/events", "视频事件")]
    if principal.role in (REGULATOR, ADMIN):
        items.append(("/console/districts", "辖区设置"))
    if principal.role == ADMIN:
        items.append(("/console/users", "账号"))
    return items


def render_page(template: str, principal: Principal | None, status: int = 200, **values):
    """A console page on the base layout, with the person's menu, renewing their session."""
    html = language.render(template, principal=principal, menu=_menu(principal) if principal else [], **values)
    response = page(html, status)
    return renewed(response) if principal is not None else response


def signed_in_page(view):
    """A page for the console's readers: the sign-in form when there is no session; a domain error
    (another district, an unknown indicator) as a Chinese page with its status, never a traceback."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            principal = page_principal(*ROLES)
        except DomainError:
            return render_page("console/error.html", None, 403, reason="forbidden")
        if principal is None:
            return render_page("console/login.html", None, next=request.full_path.rstrip("?"))
        try:
            return view(principal, *args, **kwargs)
        except NotFound:
            return render_page("console/error.html", principal, 404, reason="not_found")
        except DomainError:
            return render_page("console/error.html", principal, 404, reason="outside")

    return access(PUBLIC)(wrapper)  # the page's own sign-in: the cookie is checked above


@blp.post("/console/language")
@access(PUBLIC)
def choose_language():
    """中文 or English for this browser's console pages (a preference, kept a year); back to the page."""
    target = safe_next(request.form.get("next"))
    if not form_allowed():
        return redirect(target, code=303)
    response = redirect(target, code=303)
    chosen = request.form.get("lang", "zh")
    response.set_cookie(
        language.LANGUAGE_COOKIE,
        chosen if chosen in language.LANGUAGES else "zh",
        max_age=language.COOKIE_MAX_AGE,
        samesite="Strict",
        secure=request.is_secure,
        path="/console/",
    )
    return response


@blp.get("/console/login")
@access(PUBLIC)
def login_form():
    return render_page("console/login.html", None, next=safe_next(request.args.get("next")))


@blp.post("/console/login")
@access(PUBLIC)
def login():
    target = safe_next(request.form.get("next"))
    if not form_allowed():
        return render_page("console/login.html", None, 403, reason="cross_site", next=target)
    token = sign_in()
    if token is None:
        username = request.form.get("username")
        return render_page("console/login.html", None, 401, reason="wrong", next=target, username=username)
    response = redirect(target, code=303)
    set_session_cookie(response, token)
    return response


@blp.post("/console/logout")
@access(PUBLIC)
def logout():
    if not form_allowed():
        return render_page("console/login.html", None, 403, reason="cross_site", next="/console/indicators")
    sign_out(*ROLES)
    response = redirect("/console/login", code=303)
    response.delete_cookie(PAGE_COOKIE, path="/console/")
    return response


# -- what the pages show -----------------------------------------------------------------------------


def _place(code: str | None) -> str:
    return gbt2260.full_name(code) if code else "全部辖区"


def display(row: dict) -> dict:
    """A row as the pages print it. Pure."""
    unit = row["unit"]
    trend = row.get("trend")
    if trend is None:
        trend_shown, arrow = "—", ""
    else:
        step = trend * 100 if unit == "ratio" else trend
        trend_shown = f"{'+' if step > 0 else ''}{step:.1f}{'个百分点' if unit == 'ratio' else ''}"
        arrow = "↑" if trend > 0 else ("↓" if trend < 0 else "→")
    return {
        **row,
        "place": _place(row["district_code"]),
        "month": (row.get("period") or "")[:7],
        "shown": charts.shown(row["value"], unit),
        "parts": "—" if row["denominator"] is None else f"{row['numerator']:g}/{row['denominator']:g}",
        "target_shown": "—" if row["target"] is None else charts.shown(row["target"], unit),
        "met_label": MET_LABELS[row["met"]],
        "state": {True: "met", False: "missed", None: "none"}[row["met"]],
        "trend_shown": trend_shown,
        "trend_arrow": arrow,
        "sector_label": KIND_LABELS.get(row.get("sector") or "", row.get("sector") or ""),
    }


def _choices(principal: Principal) -> tuple[list[tuple[str, str]], bool]:
    """The districts a reader may pick, and whether "all of them" is a choice (an admin's)."""
    codes = registry.served_districts(principal) if principal.role == ADMIN else list(principal.districts)
    return [(code, _place(code)) for code in codes], principal.role == ADMIN


def _district(principal: Principal) -> str | None:
    """The district asked in the query string (a code that names none: 404), else the reader's first
    (an admin's default: all of them). Whether the reader may see it the services check."""
    asked = request.args.get("district")
    if asked:
        if not gbt2260.is_known(asked):
            raise NotFound()
        return asked
    return principal.districts[0] if principal.districts and principal.role != ADMIN else None


def _question(principal: Principal, default_period: str) -> tuple[str | None, Period, str, str | None]:
    """The district and period asked in the query string; a period that cannot be read falls back to
    the default with the reason shown."""
    district = _district(principal)
    text = (request.args.get("period") or default_period).strip()[:40]
    try:
        return district, Period.parse(text), text, None
    except ValueError:
        return (
            district,
            Period.parse(default_period),
            default_period,
            "期间格式不正确：应为 2026、2026-Q3、2026-11 或 2026-01-01..2026-06-30。",
        )


@blp.get("/console/indicators")
@signed_in_page
def indicators_page(principal: Principal):
    today = today_shanghai()
    district, period, text, error = _question(principal, f"{today.year}-Q{(today.month - 1) // 3 + 1}")
    try:
        rows = services.evaluate_many(principal, None, districts=[district] if district else None, period=period)
    except InvalidInput:
        error, rows = "该期间尚未开始。", []
    shown = [display(row) for row in rows]
    counts = {
        "met": sum(row["met"] is True for row in rows),
        "missed": sum(row["met"] is False for row in rows),
        "none": sum(row["met"] is None for row in rows),
    }
    choices, all_option = _choices(principal)
    return render_page(
        "console/indicators.html",
        principal,
        rows=shown,
        counts=counts,
        districts=choices,
        all_option=all_option,
        district=district,
        period_text=text,
        period_label=f"{period.start.isoformat()} 至 {period.end.isoformat()}",
        error=error,
    )


@blp.get("/console/indicators/<string:code>")
@signed_in_page
def indicator_page(principal: Principal, code: str):
    item = services.entry(code)
    district, period, text, _error = _question(principal, str(today_shanghai().year))
    districts = [district] if district else None
    series = services.series(principal, code, districts=districts, period=period)
    compared = services.by_district(principal, code, period=period)
    return render_page(
        "console/indicator.html",
        principal,
        item=item | {"code": code},
        sources=services.catalogue()["sources"],
        series=[display(row) for row in series],
        trend_svg=charts.svg(charts.trend(series), f"{item['name']}逐月趋势"),
        bars_svg=charts.svg(charts.bars(compared), f"{item['name']}各地区对比"),
        districts=_choices(principal)[0],
        all_option=_choices(principal)[1],
        district=district,
        period_text=text,
    )


@blp.get("/console/dashboard")
@signed_in_page
def dashboard_page(principal: Principal):
    district = _district(principal)
    shown = dashboard.dashboard(principal, district=district, indicator=request.args.get("indicator") or None)
    return render_page(
        "console/dashboard.html",
        principal,
        place=_place(district),
        district=district,
        today=shown["today"],
        indicator=shown["indicator"],
        headline=[display(row) for row in shown["headline"]],
        grid=[display(row) for row in shown["grid"]],
        map_svg=charts.district_map(shown["grid"]),
        trend_svg=charts.svg(charts.trend(shown["trend"], width=880, height=330), f"{shown['indicator']['name']}趋势"),
        cameras=[(status, STATUS_LABELS[status], value) for status, value in shown["cameras"]],
        complaints_today=shown["complaints_today"],
        complaints_late=shown["complaints_late"],
        incidents_today=shown["incidents_today"],
        choices=shown["choices"],
        refresh_seconds=REFRESH_SECONDS,
    )
