"""`/console/complaints`: complaints as their regulators handle them — a list (status and overdue
filters, paging, by deadline) and a page per complaint with its deadlines, the complainant masked, the
timeline and the next step's form: accept or refuse, take it on or hand it to a colleague (交办/转办, with
an office), record handling, reply, extend a report once, close. Steps that cannot be undone (refuse,
close) carry a confirmation box. The assigned handler may see the full contact data, by a form, and each
look is audited. Forms carry the console's CSRF token; a required field left out is shown beside it with
what was typed kept; a step someone else took first is a 409 page. Everything goes through the
complaints' services."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from flask import Blueprint, redirect, request

from backend.accounts import services as accounts
from backend.complaints import services
from backend.complaints.models import CATEGORIES, KIND_LABELS, STATUS_LABELS, STATUSES
from backend.console.indicator_pages import render_page, signed_in_page
from backend.console.page_session import confirmed, exported, form_allowed, listing
from backend.core.errors import Forbidden, InvalidInput
from backend.core.principal import REGULATOR, Principal
from backend.core.timeutil import today_shanghai
from backend.web.downloads import private_response
from backend.workflow.errors import TransitionConflict

blp = Blueprint("console_complaint_pages", __name__)
PER_PAGE = 20
TEXT_LIMIT = 2000


class Step(NamedTuple):
    field: str | None  # the text the step needs, if any
    call: Callable  # (principal, number, text, form) -> the complaint
    notice: str  # shown after it
    irreversible: bool = False  # a confirmation box must be ticked


ACTIONS = {
    "accept": Step(None, lambda p, n, text, form: services.accept(p, n), "已受理。"),
    "refuse": Step("reason", lambda p, n, text, form: services.refuse(p, n, text), "已决定不予受理。", True),
    "assign": Step(None, lambda p, n, text, form: services.assign(p, n, p.user_id, None), "已由您承办。"),
    "transfer": Step(
        None,
        lambda p, n, text, form: services.assign(
            p, n, form.get("assignee_id", ""), (form.get("office") or "").strip()[:64] or None
        ),
        "已交由所选人员承办。",
    ),
    "handle": Step("note", lambda p, n, text, form: services.handle(p, n, text), "已记录办理情况。"),
    "reply": Step("text", lambda p, n, text, form: services.reply(p, n, text), "已答复投诉举报人。"),
    "extend": Step("reason", lambda p, n, text, form: services.extend(p, n, text), "办理期限已延长 15 个工作日。"),
    "close": Step(
        "result",
        lambda p, n, text, form: services.close(p, n, text, upheld=form.get("upheld") == "yes"),
        "已办结。",
        True,
    ),
}


SORTS = {"deadline": "期限近的在前", "received": "最新收到在前"}


def _filters() -> tuple[str, bool, str]:
    status, sort = request.args.get("status", ""), request.args.get("sort", "")
    overdue = request.args.get("overdue") == "1"
    return (status if status in STATUSES else ""), overdue, (sort if sort in SORTS else "deadline")


def _found(principal: Principal):
    status, overdue, sort = _filters()
    return services.search(principal, status=status or None, overdue=overdue, order=sort)


@blp.get("/console/complaints.csv")
@signed_in_page
def complaints_csv(principal: Principal):
    """The list as filtered (the complainant never)."""
    return exported(
        _found(principal),
        ["编号", "类别", "分类", "对象", "状态", "收到", "本阶段期限"],
        lambda c: (
            c.number,
            KIND_LABELS[c.kind],
            CATEGORIES.get(c.category, c.category),
            c.business_name,
            STATUS_LABELS.get(c.status, c.status),
            c.received_on,
            c.current_due,
        ),
        "complaints.csv",
    )


@blp.get("/console/complaints")
@signed_in_page
def complaints_page(principal: Principal):
    status, overdue, sort = _filters()
    shown = listing(_found(principal), PER_PAGE)
    return render_page(
        "console/complaints.html",
        principal,
        **shown,
        status_filter=status,
        overdue=overdue,
        sort=sort,
        sorts=SORTS,
        statuses=STATUS_LABELS,
        kinds=KIND_LABELS,
        today=today_shanghai(),
    )


def _detail(principal: Principal, number: str, code: int = 200, **values):
    complaint = services.get_for_regulator(principal, number)
    colleagues = [
        user
        for user in accounts.colleagues(principal, district=complaint.district_code)
        if user.role == REGULATOR and str(user.id) != str(complaint.assigned_to)
    ]
    return render_page(
        "console/complaint.html",
        principal,
        code,
        complaint=complaint,
        complainant=services.masked_complainant(complaint),
        handler=complaint.assigned_to is not None and str(complaint.assigned_to) == principal.user_id,
        statuses=STATUS_LABELS,
        kinds=KIND_LABELS,
        categories=CATEGORIES,
        colleagues=colleagues,
        today=today_shanghai(),
        notice=ACTIONS[request.args["done"]].notice if request.args.get("done") in ACTIONS else None,
        **values,
    )


@blp.get("/console/complaints/<string:number>")
@signed_in_page
def complaint_page(principal: Principal, number: str):
    return _detail(principal, number)


@blp.post("/console/complaints/<string:number>/contact")
@signed_in_page
def contact(principal: Principal, number: str):
    """The full contact data, for the assigned handler (audited by the service): a form, not a link,
    because each look is recorded."""
    if not form_allowed():
        return _detail(principal, number, 403, problem="form")
    try:
        shown = services.contact_for_handler(principal, number)
    except Forbidden:
        return _detail(principal, number, 403, problem="not_handler")
    return _detail(principal, number, contact=shown)


@blp.post("/console/complaints/<string:number>/<string:action>")
@signed_in_page
def act(principal: Principal, number: str, action: str):
    if action not in ACTIONS:
        return _detail(principal, number, 404, problem="action")
    if not form_allowed():
        return _detail(principal, number, 403, problem="form")
    step = ACTIONS[action]
    field = step.field
    text = (request.form.get(field) or "").strip()[:TEXT_LIMIT] if field else ""
    if field and not text:
        return _detail(principal, number, 422, problem="required", field=field, typed=text, submitted=action)
    if step.irreversible and not confirmed():
        return _detail(principal, number, 422, problem="unconfirmed", field=field, typed=text, submitted=action)
    try:
        step.call(principal, number, text, request.form)
    except InvalidInput as error:
        field = next(iter(error.errors or {}), field)
        return _detail(principal, number, 422, problem="invalid", field=field, typed=text, submitted=action)
    except Forbidden:
        return _detail(principal, number, 403, problem="not_handler")
    except TransitionConflict:
        return _detail(principal, number, 409, problem="taken")
    return redirect(f"/console/complaints/{number}?done={action}", code=303)


@blp.get("/console/complaints/<string:number>/photos/<int:index>")
@signed_in_page
def photo(principal: Principal, number: str, index: int):
    content_type, data = services.photo_for_regulator(principal, number, index)
    return private_response(data, content_type)
