"""`/console/users` (admins): the console accounts, found by name, and a form that creates one — a
regulator, a food-safety office, a sector bureau, a read-only viewer or an admin, with its districts.
A field the accounts service refuses is shown beside it, in Chinese, with what was typed kept (never
the password). Everything goes through the accounts service, as the JSON API does."""

from __future__ import annotations

from flask import Blueprint, redirect, request

from backend.accounts import services
from backend.console.indicator_pages import render_page, signed_in_page
from backend.console.page_session import exported, field_problems, form_allowed, listing
from backend.core.errors import DomainError, InvalidInput
from backend.core.principal import ADMIN, BUREAU, OFFICE, REGULATOR, SECTOR_KINDS, VIEWER, Principal
from backend.registry.models import KIND_LABELS
from backend.workflow.errors import TransitionConflict

blp = Blueprint("console_user_pages", __name__)
PER_PAGE = 50
ROLE_LABELS = {REGULATOR: "监管人员", OFFICE: "食安办", BUREAU: "行业主管部门", VIEWER: "只读（大屏）", ADMIN: "管理员"}
FIELDS = ("username", "role", "districts", "display_name", "organisation", "sectors")
CHANGED = {"deactivate": "已停用该账号，其所有页面和接口即刻不能再用。", "reactivate": "已恢复该账号，可以重新登录。"}


def _users_page(principal: Principal, code: int = 200, **values):
    q = (request.args.get("q") or "").strip()[:50]
    shown = listing(services.colleagues(principal, q=q or None), PER_PAGE)
    return render_page(
        "console/users.html",
        principal,
        code,
        **shown,
        q=q,
        roles=ROLE_LABELS,
        sectors={kind: KIND_LABELS[kind] for kind in SECTOR_KINDS},
        typed=values.pop("typed", {}),
        errors=values.pop("errors", {}),
        done=request.args.get("done"),
        changed=CHANGED.get(request.args.get("changed", "")),
        **values,
    )


def _admins_only(principal: Principal):
    if principal.role != ADMIN:
        return render_page("console/error.html", principal, 403, reason="forbidden")
    return None


@blp.get("/console/users.csv")
@signed_in_page
def users_csv(principal: Principal):
    """The accounts as found (no password hash, no token: the fields an admin sees on the page)."""
    q = (request.args.get("q") or "").strip()[:50]
    return _admins_only(principal) or exported(
        services.colleagues(principal, q=q or None),
        ["用户名", "姓名", "角色", "地区", "单位", "在岗"],
        lambda u: (
            u.username or "",
            u.display_name or "",
            ROLE_LABELS.get(u.role, u.role),
            "、".join(u.districts),
            u.organisation or "",
            "是" if u.is_active else "否",
        ),
        "users.csv",
    )


@blp.get("/console/users")
@signed_in_page
def users_page(principal: Principal):
    return _admins_only(principal) or _users_page(principal)


@blp.post("/console/users")
@signed_in_page
def create(principal: Principal):
    refused = _admins_only(principal)
    if refused:
        return refused
    if not form_allowed():
        return _users_page(principal, 403, problem="form")
    typed = {name: (request.form.get(name) or "").strip()[:200] for name in FIELDS}
    typed["sectors"] = [kind for kind in request.form.getlist("sectors") if kind in SECTOR_KINDS]
    districts = [code.strip() for code in typed["districts"].replace("，", ",").split(",") if code.strip()]
    try:
        user = services.create_console_user(
            actor_id=principal.user_id,
            username=typed["username"],
            password=request.form.get("password") or "",
            role=typed["role"],
            districts=districts,
            display_name=typed["display_name"] or None,
            organisation=typed["organisation"] or None,
            sectors=typed["sectors"],
        )
    except DomainError as error:
        return _users_page(principal, error.http_status, typed=typed, errors=field_problems(error, "username"))
    return redirect(f"/console/users?done={user.username}", code=303)


@blp.post("/console/users/<string:user_id>/<any(deactivate, reactivate):action>")
@signed_in_page
def set_active(principal: Principal, user_id: str, action: str):
    """Stop an account (with the reason) or let it sign in again; a state someone else set first is a 409."""
    refused = _admins_only(principal)
    if refused:
        return refused
    if not form_allowed():
        return _users_page(principal, 403, problem="form")
    reason = (request.form.get("reason") or "").strip()[:1000]
    try:
        services.set_active(principal, user_id, action == "reactivate", reason or None)
    except TransitionConflict:
        return _users_page(principal, 409, problem="taken")
    except InvalidInput as error:
        problems = field_problems(error, "user_id")
        if "reason" in problems:  # beside the row's reason field
            return _users_page(principal, 422, errors={"stop": problems["reason"]}, stopped=user_id)
        return _users_page(principal, 422, refusal=problems["user_id"])
    return redirect(f"/console/users?changed={action}", code=303)
