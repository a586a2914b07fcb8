"""投诉举报 pages: a form that works without JavaScript, and the submitter's status page."""
from __future__ import annotations

import json
from datetime import datetime

from flask import Blueprint, redirect, render_template, request, url_for

from backend.accounts.access import PUBLIC, access
from backend.blobs.services import read_capped
from backend.complaints import services
from backend.complaints.models import CATEGORIES, KIND_LABELS
from backend.complaints.ratelimit import limit_submission, limit_upload
from backend.core.errors import DomainError
from backend.core.timeutil import SHANGHAI, to_shanghai
from backend.public_card import services as cards
from backend.public_card.ratelimit import public_client
from backend.registry import districts

blp = Blueprint("complaint_pages", __name__)

FORM_FIELDS = ("kind", "category", "description", "occurred_at", "business_code", "business_name",
               "business_address", "district_code", "name", "phone", "address", "claim")
MAX_FIELD = 2000


def _target_name(code: str | None) -> str | None:
    if not code:
        return None
    card = cards.view(code, "json")
    if card.kind != cards.FOUND:
        return None
    return json.loads(card.body)["business"]["name"]


def _form_page(form: dict, errors: dict | None = None, status: int = 200):
    html = render_template("complaint_form.html", form=form, errors=errors or {}, categories=CATEGORIES,
                           kinds=KIND_LABELS, target_name=_target_name(form.get("business_code")))
    return html, status, {"Cache-Control": "no-store"}


def _flatten(errors: dict) -> dict[str, str]:
    """Service errors ({"complainant": {"phone": [...]}}) as one message per form field."""
    flat = {}
    for field, reasons in errors.items():
        if isinstance(reasons, dict):
            flat.update(_flatten(reasons))
        else:
            flat[field] = "；".join(str(r) for r in reasons) if isinstance(reasons, list) else str(reasons)
    return flat


@blp.get("/complaints/new")
@access(PUBLIC)
def new_complaint():
    return _form_page({"kind": "complaint", "business_code": request.args.get("code", "")[:64]})


@blp.post("/complaints/new")
@access(PUBLIC)
def submit_complaint():
    form = {field: request.form.get(field, "").strip()[:MAX_FIELD] for field in FORM_FIELDS}
    errors: dict[str, str] = {}
    occurred_at = None
    if form["occurred_at"]:
        try:
            occurred_at = datetime.fromisoformat(form["occurred_at"]).replace(tzinfo=SHANGHAI)
        except ValueError:
            errors["occurred_at"] = "时间格式不正确"
    if form["kind"] not in KIND_LABELS:
        errors["kind"] = "请选择投诉或举报"
    if form["category"] not in CATEGORIES:
        errors["category"] = "请选择问题类别"
    if len(form["description"]) < 5:
        errors["description"] = "请描述事实经过（至少5个字）"
    if form["district_code"] and not form["district_code"].isdigit():
        # people know their county's name, not its code: accept 如皋市 / 闵行区 when it is unambiguous
        matches = districts.codes_named(form["district_code"])
        if len(matches) == 1:
            form["district_code"] = matches[0]
        else:
            errors["district_code"] = "有多个同名县区，请填写6位行政区划代码" if matches else "未找到该县区，请检查名称或填写代码"
    if errors:
        return _form_page(form, errors, 422)
    client = public_client()
    try:
        limit_submission(client, None)
        photos = [upload for upload in request.files.getlist("photos") if upload.filename]
        if len(photos) > services.MAX_PHOTOS:
            return _form_page(form, {"photos": f"最多上传{services.MAX_PHOTOS}张照片"}, 422)
        tokens = []
        for upload in photos:
            limit_upload(client, None)
            tokens.append(services.store_public_upload(read_capped(upload.stream), client).token)
        values = {"kind": form["kind"], "category": form["category"], "description": form["description"],
                  "occurred_at": occurred_at, "photos": tokens, "claim": form["claim"] or None,
                  "business_code": form["business_code"] or None, "business_name": form["business_name"] or None,
                  "business_address": form["business_address"] or None, "district_code": form["district_code"] or None,
                  "complainant": {"name": form["name"] or None, "phone": form["phone"] or None,
                                  "address": form["address"] or None}}
        result = services.submit(values, client=client, source="web")
    except DomainError as error:
        if error.http_status == 422:
            return _form_page(form, _flatten(error.errors) or {"form": error.message}, 422)
        if error.http_status == 409:
            return _form_page(form, {"form": f"24小时内已提交过相同内容，编号 {(error.errors.get('number') or [''])[0]}"}, 409)
        raise
    html = render_template("complaint_submitted.html", number=result.complaint.number, key=result.query_key,
                           kind=KIND_LABELS[result.complaint.kind], accept_due=result.complaint.accept_due)
    return html, 201, {"Cache-Control": "no-store"}


@blp.get("/complaints/<number>")
@access(PUBLIC)
def complaint_status(number: str):
    key = request.args.get("key", "")
    status = services.public_status(services.get_for_submitter(number, key))
    html = render_template("complaint_status.html", status=status, key=key, to_local=to_shanghai,
                           kind=KIND_LABELS[status["kind"]])
    return html, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@blp.post("/complaints/<number>/rating")
@access(PUBLIC)
def rate_complaint(number: str):
    key = request.form.get("key", "")
    try:
        rating = int(request.form.get("rating", ""))
    except ValueError:
        rating = 0
    if not 1 <= rating <= 5:
        return redirect(url_for("complaint_pages.complaint_status", number=number, key=key), 303)
    services.rate(number, key, rating, request.form.get("comment", "").strip()[:500] or None)
    return redirect(url_for("complaint_pages.complaint_status", number=number, key=key), 303)
