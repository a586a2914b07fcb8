"""`/console/inspections`: inspections as inspectors carry them out on a tablet — start one from a
business's page (the date, the type, the fellow inspectors of its district), then a checklist form with
a result, a note and a photo from the device's camera for each item, saved as often as needed, and
signed when every item has its result. Signed inspections read as the record. Everything goes through
the inspections' services, as the JSON API does; photos are uploaded through the same service first and
named in the results."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, request

from backend.accounts import services as accounts
from backend.blobs.services import read_capped
from backend.console.indicator_pages import render_page, signed_in_page
from backend.console.page_session import confirmed, exported, field_problems, form_allowed, listing
from backend.core.errors import DomainError, InvalidInput
from backend.core.principal import REGULATOR, Principal
from backend.core.timeutil import today_shanghai
from backend.inspections import services
from backend.inspections.errors import InspectionSigned
from backend.inspections.models import DRAFT, TYPES
from backend.inspections.rules import FAILED, GRADE_LABELS, NOT_APPLICABLE, PASSED, RESULT_LABELS
from backend.registry import services as registry
from backend.workflow.errors import TransitionConflict

blp = Blueprint("console_inspection_pages", __name__)
PER_PAGE = 20
ITEM_RESULTS = {PASSED: "符合", FAILED: "不符合", NOT_APPLICABLE: "不适用"}
NOTICES = {
    "created": "已开始检查，请逐项填写。",
    "saved": "已保存。",
    "signed": "已签字，检查结果已生效。",
    "accepted": "已确认整改完成。",
    "sent_back": "已退回，经营者需继续整改。",
}
RECTIFICATION_STATES = {"open": "整改中", "submitted": "待复核", "accepted": "已完成"}


def _status() -> str:
    status = request.args.get("status", "")
    return status if status in ("draft", "signed") else ""


def _names(principal: Principal, inspections) -> dict[str, str]:
    return registry.names_for_regulator(principal, [i.business_id for i in inspections])


@blp.get("/console/inspections.csv")
@signed_in_page
def inspections_csv(principal: Principal):
    return exported(
        services.search(principal, status=_status() or None),
        ["检查日期", "经营主体", "类型", "检查人员", "状态", "结果"],
        lambda i, names: (
            i.inspected_on,
            names.get(str(i.business_id), ""),
            TYPES.get(i.type, i.type),
            "、".join(i.inspector_names),
            "已签字" if i.status == "signed" else "填写中",
            RESULT_LABELS.get(i.result, "") if i.result else "",
        ),
        "inspections.csv",
        lookup=lambda rows: _names(principal, rows),
    )


@blp.get("/console/inspections")
@signed_in_page
def inspections_page(principal: Principal):
    status = _status()
    shown = listing(services.search(principal, status=status or None), PER_PAGE)
    return render_page(
        "console/inspections.html",
        principal,
        **shown,
        names=_names(principal, shown["rows"]),
        status_filter=status,
        types=TYPES,
        results=RESULT_LABELS,
    )


def _new_page(principal: Principal, business_id: str, code: int = 200, **values):
    business = registry.get_for_regulator(principal, business_id)
    colleagues = [
        user
        for user in accounts.colleagues(principal, district=business.district_code)
        if user.role == REGULATOR and str(user.id) != principal.user_id
    ]
    return render_page(
        "console/inspection_new.html",
        principal,
        code,
        business=business,
        colleagues=colleagues,
        types=TYPES,
        today=today_shanghai(),
        typed=values.pop("typed", {}),
        errors=values.pop("errors", {}),
        **values,
    )


@blp.get("/console/inspections/new")
@signed_in_page
def new_page(principal: Principal):
    return _new_page(principal, request.args.get("business", ""))


@blp.post("/console/inspections")
@signed_in_page
def create(principal: Principal):
    business_id = request.form.get("business_id", "")
    if not form_allowed():
        return _new_page(principal, business_id, 403, problem="form")
    typed = {
        "inspected_on": request.form.get("inspected_on", ""),
        "type": request.form.get("type", "routine"),
        "inspectors": request.form.getlist("inspectors"),
    }
    try:
        inspected_on = date.fromisoformat(typed["inspected_on"])
    except ValueError:
        return _new_page(principal, business_id, 422, typed=typed, errors={"inspected_on": "请填写检查日期。"})
    if typed["type"] not in TYPES:
        typed["type"] = "routine"
    values = {"business_id": business_id, "inspected_on": inspected_on, "type": typed["type"]}
    values["inspectors"] = typed["inspectors"]
    try:
        inspection = services.create_draft(principal, values)
    except InvalidInput as error:
        return _new_page(principal, business_id, 422, typed=typed, errors=field_problems(error, "inspectors"))
    return redirect(f"/console/inspections/{inspection.id}?done=created", code=303)


def _detail(principal: Principal, inspection_id: str, code: int = 200, **values):
    inspection = services.get_for_regulator(principal, inspection_id)
    checklist = services.checklist(inspection.checklist_kind, inspection.checklist_version)
    mine = principal.user_id in {str(i) for i in inspection.inspectors} or principal.is_admin
    return render_page(
        "console/inspection.html",
        principal,
        code,
        inspection=inspection,
        checklist=checklist,
        recorded={r.item: r for r in inspection.results},
        editable=inspection.status == DRAFT and mine,
        item_results=ITEM_RESULTS,
        types=TYPES,
        results=RESULT_LABELS,
        grades=GRADE_LABELS,
        notice=NOTICES.get(request.args.get("done", "")),
        rectifications=list(services.rectifications_of(principal, inspection.id)) if inspection.status != DRAFT else [],
        rectification_states=RECTIFICATION_STATES,
        errors=values.pop("errors", {}),
        **values,
    )


@blp.get("/console/inspections/<string:inspection_id>")
@signed_in_page
def inspection_page(principal: Principal, inspection_id: str):
    return _detail(principal, inspection_id)


@blp.post("/console/inspections/<string:inspection_id>/results")
@signed_in_page
def save_results(principal: Principal, inspection_id: str):
    """The checklist form: each item's result, note and (optionally) a new photo, kept with the photos
    it had; saved on the version the form was read at, so two tablets cannot overwrite each other."""
    if not form_allowed():
        return _detail(principal, inspection_id, 403, problem="form")
    inspection = services.get_for_regulator(principal, inspection_id)
    checklist = services.checklist(inspection.checklist_kind, inspection.checklist_version)
    before = {r.item: r for r in inspection.results}
    results = []
    try:
        for item in checklist.items:
            result = request.form.get(f"result-{item.code}")
            if result not in ITEM_RESULTS:
                continue
            photos = list(before[item.code].photos) if item.code in before else []
            upload = request.files.get(f"photo-{item.code}")
            if upload is not None and upload.filename:
                photos.append(services.upload_photo(principal, read_capped(upload.stream)).sha256)
            note = (request.form.get(f"note-{item.code}") or "").strip()[:500] or None
            results.append({"item": item.code, "result": result, "note": note, "photos": photos[-9:]})
        version = request.form.get("version", "")
        services.update_draft(
            principal, inspection_id, {"results": results, "version": int(version) if version.isdigit() else None}
        )
    except InspectionSigned:
        return _detail(principal, inspection_id, 409, problem="taken")
    except DomainError as error:
        errors = field_problems(error, "results")
        return _detail(principal, inspection_id, error.http_status, errors=errors)
    return redirect(f"/console/inspections/{inspection_id}?done=saved", code=303)


@blp.post("/console/inspections/<string:inspection_id>/sign")
@signed_in_page
def sign(principal: Principal, inspection_id: str):
    if not form_allowed():
        return _detail(principal, inspection_id, 403, problem="form")
    if not confirmed():
        return _detail(principal, inspection_id, 422, problem="unconfirmed")
    try:
        services.sign(principal, inspection_id)
    except InspectionSigned:
        return _detail(principal, inspection_id, 409, problem="taken")
    except InvalidInput as error:
        return _detail(principal, inspection_id, 422, errors=field_problems(error, "results"))
    return redirect(f"/console/inspections/{inspection_id}?done=signed", code=303)


@blp.post("/console/inspections/<string:inspection_id>/rectifications/<string:rectification_id>")
@signed_in_page
def review_rectification(principal: Principal, inspection_id: str, rectification_id: str):
    """Accept a fix the business submitted, or send it back with a note saying what is still missing."""
    if not form_allowed():
        return _detail(principal, inspection_id, 403, problem="form")
    accept = request.form.get("decision") == "accept"
    note = (request.form.get("note") or "").strip()[:1000] or None
    if not accept and not note:
        return _detail(
            principal, inspection_id, 422, errors={f"note-{rectification_id}": "退回时请写明还需整改的内容。"}
        )
    try:
        services.review_rectification(principal, rectification_id, accept, note)
    except TransitionConflict:
        return _detail(principal, inspection_id, 409, problem="taken")
    return redirect(f"/console/inspections/{inspection_id}?done={'accepted' if accept else 'sent_back'}", code=303)
