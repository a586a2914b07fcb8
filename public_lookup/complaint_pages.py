"""投诉举报 pages: a form that works without JavaScript, and the submitter's status page."""

from __future__ import annotations

import json

from flask import Blueprint, redirect, render_template, request, url_for
from marshmallow import ValidationError

from backend.blobs.services import read_capped
from backend.complaints import services
from backend.complaints.models import CATEGORIES, KIND_LABELS
from backend.complaints.schemas import ComplaintFormSchema, RatingSchema
from backend.core.errors import DomainError, RateLimited
from backend.core.timeutil import to_shanghai
from backend.public_card import services as cards
from backend.web.access import PUBLIC, access
from backend.web.limits import limit_public, limit_submission, limit_upload, public_client
from backend.web.messages import reason_in_chinese as chinese

blp = Blueprint("complaint_pages", __name__)

FORM_FIELDS = (
    "kind",
    "category",
    "description",
    "occurred_at",
    "business_code",
    "business_name",
    "business_address",
    "district_code",
    "name",
    "phone",
    "address",
    "claim",
)
PERSONAL_FIELDS = ("name", "phone", "address")


def _target_name(code: str | None) -> str | None:
    if not code:
        return None
    card = cards.view(code, "json")
    if card.kind != cards.FOUND:
        return None
    return json.loads(card.body)["business"]["name"]


def _form_page(form: dict, errors: dict | None = None, status: int = 200):
    html = render_template(
        "complaint_form.html",
        form=form,
        errors=errors or {},
        categories=CATEGORIES,
        kinds=KIND_LABELS,
        target_name=_target_name(form.get("business_code")),
    )
    return html, status, {"Cache-Control": "no-store"}


# The service's reasons in Chinese, whatever the browser asks for: this page is Chinese only.
def _flatten(errors: dict) -> dict[str, str]:
    """Service errors ({"complainant": {"phone": [...]}}) as one message per form field."""
    flat = {}
    for field, reasons in errors.items():
        if isinstance(reasons, dict):
            flat.update(_flatten(reasons))
        else:
            flat[field] = "；".join(chinese(r) for r in reasons) if isinstance(reasons, list) else chinese(reasons)
    return flat


@blp.get("/complaints/new")
@access(PUBLIC)
def new_complaint():
    limit_public()
    return _form_page({"kind": "complaint", "business_code": request.args.get("code", "")[:64]})


# What a person is told beside a field the schema refused (the service's own reasons are shown as
# they come).
FIELD_HINTS = {
    "kind": "请选择投诉或举报",
    "category": "请选择问题类别",
    "description": "请描述事实经过（5至2000字）",
    "occurred_at": "时间格式不正确",
    "business_name": "经营者名称最多100字",
    "business_address": "经营地址最多200字",
    "district_code": "请填写县区名称或6位行政区划代码",
    "name": "姓名最多32字",
    "phone": "电话号码不正确",
    "address": "地址最多200字",
    "claim": "诉求最多1000字",
    "business_code": "公示码不正确",
    "consent": "请阅读并同意个人信息使用说明",
    "photos": f"最多上传{services.MAX_PHOTOS}张照片",
}


@blp.post("/complaints/new")
@access(PUBLIC)
def submit_complaint():
    typed = {field: request.form.get(field, "") for field in (*FORM_FIELDS, "consent")}
    try:
        limit_public()
    except RateLimited as refused:
        return _refused_for_now(typed, refused)
    # every problem of the form in one round, each beside its own field
    errors: dict[str, str] = {}
    try:
        values = ComplaintFormSchema().load(request.form.to_dict())
    except ValidationError as invalid:
        values = ComplaintFormSchema.as_submission(invalid.valid_data or {})
        errors = {
            field: FIELD_HINTS.get(field, "；".join(map(str, reasons))) for field, reasons in invalid.messages.items()
        }
    errors = {**_flatten(services.problems(values)), **errors}
    if any(typed[field].strip() for field in PERSONAL_FIELDS) and request.form.get("consent") != "yes":
        errors["consent"] = FIELD_HINTS["consent"]
    photos = [upload for upload in request.files.getlist("photos") if upload.filename]
    if len(photos) > services.MAX_PHOTOS:
        errors["photos"] = FIELD_HINTS["photos"]
    if errors:
        return _form_page(typed, errors, 422)
    client = public_client()
    try:
        tokens = []
        for upload in photos:
            limit_upload(client, None)
            tokens.append(services.store_public_upload(read_capped(upload.stream), client).token)
        result = services.submit(
            {**values, "photos": tokens}, client=client, source="web", throttle=lambda: limit_submission(client, None)
        )
    except RateLimited as refused:
        return _refused_for_now(typed, refused)
    except DomainError as error:
        if error.http_status == 422:
            return _form_page(typed, _flatten(error.errors) or {"form": chinese(error.message)}, 422)
        if error.http_status == 409:
            number = (error.errors.get("number") or [""])[0]
            return _form_page(typed, {"form": f"24小时内已提交过相同内容，编号 {number}"}, 409)
        raise
    # post, redirect, get: a refresh of the next page re-posts nothing
    target = url_for("complaint_pages.complaint_status", number=result.complaint.number, key=result.query_key, new=1)
    return redirect(target, 303)


def _refused_for_now(typed: dict, refused: RateLimited):
    """The rate limit said no: say when to try again, and keep what was typed."""
    wait = int(refused.headers.get("Retry-After", "60"))
    when = f"{wait}秒" if wait < 120 else f"{-(-wait // 60)}分钟"
    html, _status, headers = _form_page(typed, {"form": f"提交过于频繁，请在{when}后再试。您填写的内容已保留。"}, 429)
    return html, 429, {**headers, "Retry-After": str(wait)}


def _status_page(number: str, key: str, rating_error: str | None = None, status_code: int = 200):
    status = services.public_status(services.get_for_submitter(number, key))
    html = render_template(
        "complaint_status.html",
        status=status,
        key=key,
        just_submitted=request.args.get("new") == "1",
        to_local=to_shanghai,
        kind=KIND_LABELS[status["kind"]],
        rating_error=rating_error,
    )
    return html, status_code, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@blp.get("/complaints/<number>")
@access(PUBLIC)
def complaint_status(number: str):
    limit_public()
    return _status_page(number, request.args.get("key", ""))


@blp.post("/complaints/<number>/rating")
@access(PUBLIC)
def rate_complaint(number: str):
    limit_public()
    form = {name: value for name, value in request.form.items() if value.strip()}
    try:
        rating = RatingSchema().load(form)  # the same contract as the JSON API
    except ValidationError as invalid:
        reason = "请选择1至5分" if "rating" in invalid.messages else "评价意见最多500字"
        return _status_page(number, request.form.get("key", ""), rating_error=reason, status_code=422)
    services.rate(number, rating["key"], rating["rating"], rating.get("comment"))
    return redirect(url_for("complaint_pages.complaint_status", number=number, key=rating["key"]), 303)
