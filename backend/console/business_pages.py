"""`/console/businesses`: registrations as a regulator reviews them — a list (status, kind and name
filters, paging) and a page per business (一户一档) with its details, its documents shown inline, the
review forms (approve; reject with a reason), and its file: the credit class and everything the
platform knows about it, newest first (the enforcement domain's credit file). The forms carry the console's CSRF token; a reason left out is
shown beside its field with what was typed kept; a review someone else made first is a 409 page that
says so. Everything goes through the registry's services, as the JSON API does."""

from __future__ import annotations

from flask import Blueprint, redirect, request

from backend.console.indicator_pages import render_page, signed_in_page
from backend.console.page_session import confirmed, exported, form_allowed, listing
from backend.core.errors import InvalidInput
from backend.core.principal import Principal
from backend.enforcement import credit_file
from backend.registry import services
from backend.registry.errors import InvalidTransition
from backend.registry.models import CLOSURE, KIND_LABELS, KINDS, STATUSES, SUBMITTED
from backend.web.downloads import document_response

blp = Blueprint("console_business_pages", __name__)
PER_PAGE = 20
STATUS_LABELS = {
    "draft": "草稿",
    "submitted": "待审核",
    "approved": "已批准",
    "rejected": "已驳回",
    "suspended": "已责令停业",
    "revoked": "已吊销",
}
DOCUMENT_LABELS = {
    "licence": "食品经营许可证",
    "uscc_certificate": "营业执照",
    "hygiene_certificate": "卫生许可",
    "storefront_photo": "门头照片",
    "other": "其他材料",
}
CONSOLE_PAGES = (("/api/v1/console/complaints/", "/console/complaints/"),)
MESSAGES = {"approve": "已批准，经营者的公示二维码已生成。", "reject": "已驳回，经营者会收到驳回理由。"}
CHANGE_MESSAGES = {
    "change_approved": "已批准变更，主体信息和公示卡已更新。",
    "closure_approved": "已批准注销，公示卡显示已注销。",
    "change_rejected": "已驳回申请，经营者会收到驳回理由。",
}


SORTS = {"updated": "最近更新在前", "name": "按名称"}


def _filters() -> tuple[str, str, str, str]:
    status = request.args.get("status", SUBMITTED)
    status = status if status in STATUSES or status == "" else SUBMITTED
    kind = request.args.get("kind", "")
    kind = kind if kind in KINDS else ""
    sort = request.args.get("sort", "")
    return status, kind, (request.args.get("q") or "").strip()[:100], (sort if sort in SORTS else "updated")


def _found(principal: Principal):
    status, kind, q, sort = _filters()
    return services.search_for_regulator(principal, status=status or None, kind=kind or None, q=q or None, order=sort)


@blp.get("/console/businesses.csv")
@signed_in_page
def businesses_csv(principal: Principal):
    return exported(
        _found(principal),
        ["名称", "业态", "统一社会信用代码", "地址", "状态", "更新"],
        lambda b: (
            b.name,
            KIND_LABELS.get(b.kind, b.kind),
            b.uscc,
            b.address,
            STATUS_LABELS.get(b.status),
            b.updated_at.date(),
        ),
        "businesses.csv",
    )


@blp.get("/console/businesses")
@signed_in_page
def businesses_page(principal: Principal):
    status, kind, q, sort = _filters()
    return render_page(
        "console/businesses.html",
        principal,
        **listing(_found(principal), PER_PAGE),
        status_filter=status,
        kind=kind,
        q=q,
        sort=sort,
        sorts=SORTS,
        statuses=STATUS_LABELS,
        kinds=KIND_LABELS,
    )


def _page_link(link: str | None) -> str | None:
    """A file entry's link as a page of this console where one exists (the API's record otherwise is
    JSON, which is no page for a person)."""
    for api, page in CONSOLE_PAGES:
        if link and link.startswith(api):
            return page + link[len(api) :]
    return None


def _detail(principal: Principal, business_id: str, status: int = 200, **values):
    business = services.with_documents(services.get_for_regulator(principal, business_id))
    found = credit_file.credit_file(principal, business.id)
    entries = [entry | {"link": _page_link(entry["link"])} for entry in found["entries"]]
    return render_page(
        "console/business.html",
        principal,
        status,
        business=business,
        statuses=STATUS_LABELS,
        kinds=KIND_LABELS,
        document_labels=DOCUMENT_LABELS,
        can_review=business.status == SUBMITTED,
        change=services.pending_change_for_regulator(principal, business.id),
        credit=found["credit_class"],
        counts=[count for count in found["counts"] if count["total"]],
        entries=entries,
        sections=credit_file.SECTIONS,
        message=(MESSAGES | CHANGE_MESSAGES).get(request.args.get("done", "")),
        **values,
    )


@blp.get("/console/businesses/<string:business_id>")
@signed_in_page
def business_page(principal: Principal, business_id: str):
    return _detail(principal, business_id)


@blp.post("/console/businesses/<string:business_id>/review")
@signed_in_page
def review(principal: Principal, business_id: str):
    if not form_allowed():
        return _detail(principal, business_id, 403, problem="form")
    action = request.form.get("action")
    if action not in MESSAGES:
        return _detail(principal, business_id, 422, problem="action")
    reason = (request.form.get("reason") or "").strip()[:1000]
    if action == "approve" and not confirmed():
        return _detail(principal, business_id, 422, problem="unconfirmed")
    try:
        services.review(principal, business_id, action, reason or None)
    except InvalidInput:
        return _detail(principal, business_id, 422, problem="reason", reason=reason)
    except InvalidTransition:
        return _detail(principal, business_id, 409, problem="taken")
    return redirect(f"/console/businesses/{business_id}?done={action}", code=303)


@blp.post("/console/businesses/<string:business_id>/changes/<string:change_id>")
@signed_in_page
def review_change(principal: Principal, business_id: str, change_id: str):
    """A change (变更) or closure (注销) approved — the business and its card take it at once, so it is
    confirmed first — or rejected with the reason."""
    if not form_allowed():
        return _detail(principal, business_id, 403, problem="form")
    approve = request.form.get("action") == "approve"
    reason = (request.form.get("reason") or "").strip()[:1000]
    pending = services.pending_change_for_regulator(principal, business_id)
    if pending is None or str(pending.id) != change_id:  # reviewed meanwhile (or a double click)
        return _detail(principal, business_id, 409, problem="taken")
    if approve and not confirmed():
        return _detail(principal, business_id, 422, problem="change_unconfirmed", reason=reason)
    try:
        reviewed = services.review_change(principal, change_id, approve, reason or None)
    except InvalidInput:
        return _detail(principal, business_id, 422, problem="change_reason", reason=reason)
    except InvalidTransition:
        return _detail(principal, business_id, 409, problem="taken")
    done = ("closure_approved" if reviewed.kind == CLOSURE else "change_approved") if approve else "change_rejected"
    return redirect(f"/console/businesses/{business_id}?done={done}", code=303)


@blp.get("/console/businesses/<string:business_id>/documents/<string:document_id>")
@signed_in_page
def document(principal: Principal, business_id: str, document_id: str):
    return document_response(*services.get_document(principal, business_id, document_id))
