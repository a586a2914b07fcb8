"""`/console/sampling`: result files uploaded as a regulator does it — a form (the file, whole or
partial, the district of unregistered units) and the imports of the person's districts; then a page per
import whose progress bar follows the background job (the page refreshes itself while it runs: no
JavaScript), with the result, the row errors shown and downloadable as CSV. A finished import's results
are announced (公告) from its page, or listed sampling numbers from `/console/sampling/announcements`,
which lists the announcements made: until then no result is public. The form is read by the API's own
schema (`AnnounceInSchema`) and announced by the same service. Everything goes through the sampling
services, as the JSON API does."""

from __future__ import annotations

import re

from flask import Blueprint, redirect, request
from marshmallow import ValidationError

from backend.console.indicator_pages import render_page, signed_in_page
from backend.console.page_session import confirmed, exported, field_problems, form_allowed, listing
from backend.core import context
from backend.core.errors import InvalidInput, PayloadTooLarge
from backend.core.principal import Principal
from backend.core.tables import csv_text
from backend.core.timeutil import to_shanghai, today_shanghai
from backend.sampling import publishing, services
from backend.sampling.models import DONE, FAILED, PARTIAL, QUEUED, REFUSED, RUNNING, WHOLE
from backend.sampling.reading import column_labels
from backend.sampling.schemas import AnnounceInSchema
from backend.web.downloads import csv_download

blp = Blueprint("console_sampling_pages", __name__)
PER_PAGE = 20
REFRESH_SECONDS = 2
STATUS_LABELS = {
    QUEUED: "排队中",
    RUNNING: "导入中",
    DONE: "已完成",
    REFUSED: "未导入（文件有问题）",
    FAILED: "导入失败",
}
PHASE_LABELS = {"checking": "检查文件", "importing": "写入结果"}


def _upload_page(principal: Principal, code: int = 200, **values):
    shown = listing(services.list_imports(principal), PER_PAGE)
    return render_page(
        "console/sampling.html",
        principal,
        code,
        **shown,
        statuses=STATUS_LABELS,
        districts=principal.districts,
        max_mb=context.settings().IMPORT_MAX_BYTES // (1024 * 1024),
        **values,
    )


@blp.get("/console/sampling/imports.csv")
@signed_in_page
def imports_csv(principal: Principal):
    return exported(
        services.list_imports(principal),
        ["文件", "方式", "状态", "已处理行", "总行数", "问题", "上传时间"],
        lambda r: (
            r.filename,
            "部分导入" if r.mode == PARTIAL else "整体导入",
            STATUS_LABELS.get(r.status, r.status),
            r.rows_done or 0,
            r.rows_total or "",
            r.error_count or 0,
            f"{to_shanghai(r.created_at):%Y-%m-%d %H:%M}",
        ),
        "sampling-imports.csv",
    )


@blp.get("/console/sampling")
@signed_in_page
def sampling_page(principal: Principal):
    return _upload_page(principal)


@blp.post("/console/sampling/imports")
@signed_in_page
def upload(principal: Principal):
    if not form_allowed():
        return _upload_page(principal, 403, problem="form")
    mode = request.form.get("mode", WHOLE)
    mode = mode if mode in (WHOLE, PARTIAL) else WHOLE
    district = request.form.get("district") or None
    upload_file = request.files.get("file")
    if upload_file is None or not upload_file.filename:
        return _upload_page(principal, 422, file_error="请选择要上传的结果文件（CSV 或 XLSX）。", mode=mode)
    data = upload_file.stream.read(context.settings().IMPORT_MAX_BYTES + 1)
    try:
        record = services.start_import(
            principal, filename=upload_file.filename, data=data, district=district, mode=mode
        )
    except PayloadTooLarge as error:
        return _upload_page(principal, 413, file_error=field_problems(error, "file")["file"], mode=mode)
    except InvalidInput as error:
        return _upload_page(principal, 422, file_error=field_problems(error, "file")["file"], mode=mode)
    return redirect(f"/console/sampling/imports/{record.id}", code=303)


def _import_page(principal: Principal, import_id: str, code: int = 200, **values):
    record = services.get_import(principal, import_id)
    running = record.status in (QUEUED, RUNNING)
    unannounced = 0 if running else services.samples_for(principal, import_id=record.id, announced=False).count()
    return render_page(
        "console/import.html",
        principal,
        code,
        record=record,
        unannounced=unannounced,
        districts=principal.districts,
        today=today_shanghai(),
        typed=values.pop("typed", {}),
        errors=values.pop("errors", {}),
        **values,
        running=running,
        refresh_seconds=REFRESH_SECONDS if running else None,
        statuses=STATUS_LABELS,
        phases=PHASE_LABELS,
        percent=int(100 * record.rows_done / record.rows_total) if record.rows_total else 0,
        columns=column_labels(),
    )


@blp.get("/console/sampling/imports/<string:import_id>")
@signed_in_page
def import_page(principal: Principal, import_id: str):
    return _import_page(principal, import_id)


@blp.get("/console/sampling/imports/<string:import_id>/errors.csv")
@signed_in_page
def import_errors(principal: Principal, import_id: str):
    record = services.get_import(principal, import_id)
    columns = column_labels()
    rows = [
        (e.get("row"), columns.get(e.get("column"), e.get("column")), e.get("reason_zh") or e.get("reason"))
        for e in record.errors
    ]
    return csv_download(csv_text(["行号", "列", "问题"], rows), f"import-{record.id}-errors.csv")


ANNOUNCE_FIELDS = ("number", "title", "announced_on", "district", "sampling_numbers", "import_id")


def _announcements_page(principal: Principal, code: int = 200, **values):
    shown = listing(publishing.announcements_for(principal), PER_PAGE)
    return render_page(
        "console/announcements.html",
        principal,
        code,
        **shown,
        districts=principal.districts,
        today=today_shanghai(),
        typed=values.pop("typed", {}),
        errors=values.pop("errors", {}),
        done=request.args.get("done"),
        **values,
    )


@blp.get("/console/sampling/announcements.csv")
@signed_in_page
def announcements_csv(principal: Principal):
    return exported(
        publishing.announcements_for(principal),
        ["公告号", "标题", "公告日期", "地区", "样品", "不合格"],
        lambda a: (a.number, a.title, a.announced_on, a.district_code, a.samples, a.failed),
        "sampling-announcements.csv",
    )


@blp.get("/console/sampling/announcements")
@signed_in_page
def announcements_page(principal: Principal):
    return _announcements_page(principal)


@blp.post("/console/sampling/announcements")
@signed_in_page
def announce(principal: Principal):
    """An import's results (its page's form) or listed sampling numbers (this page's) made public.
    Refusals go back beside the fields of the form that was sent, with what was typed kept."""
    typed = {name: (request.form.get(name) or "").strip()[:20_000] for name in ANNOUNCE_FIELDS}
    import_id = typed["import_id"]

    def refused(status: int, errors: dict):
        if import_id:
            return _import_page(principal, import_id, status, typed=typed, errors=errors)
        return _announcements_page(principal, status, typed=typed, errors=errors)

    if not form_allowed():
        return refused(403, {"form": "表单已过期或不是从本站提交的，请刷新页面后重试。"})
    sent = {name: typed[name] for name in ("number", "title", "announced_on", "district", "import_id") if typed[name]}
    if not import_id:
        sent["sampling_numbers"] = [n for n in re.split(r"[\s,，;；]+", typed["sampling_numbers"]) if n]
    if not confirmed():
        return refused(422, {"confirmed": "unconfirmed"})
    try:
        body = AnnounceInSchema().load(sent)
        announcement = publishing.announce(
            principal,
            number=body["number"],
            title=body["title"],
            announced_on=body["announced_on"],
            district=body.get("district"),
            sampling_numbers=body.get("sampling_numbers"),
            import_id=body.get("import_id"),
        )
    except (ValidationError, InvalidInput) as error:
        return refused(422, field_problems(error, "sampling_numbers"))
    return redirect(f"/console/sampling/announcements?done={announcement.id}", code=303)
