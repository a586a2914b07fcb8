"""`/console/sampling`: result files uploaded as a regulator does it — a form (the file, whole or
partial, the district of unregistered units) and the imports of the person's districts; then a page per
import whose progress bar follows the background job (the page refreshes itself while it runs: no
JavaScript), with the result, the row errors shown and downloadable as CSV. Everything goes through the
sampling services, as the JSON API does."""

from __future__ import annotations

from flask import Blueprint, redirect, request

from backend.console.indicator_pages import render_page, signed_in_page
from backend.console.page_session import form_allowed, listing
from backend.core import context
from backend.core.errors import InvalidInput, PayloadTooLarge
from backend.core.principal import Principal
from backend.core.tables import csv_text
from backend.core.text import in_both_languages
from backend.sampling import services
from backend.sampling.models import DONE, FAILED, PARTIAL, QUEUED, REFUSED, RUNNING, WHOLE
from backend.sampling.reading import column_labels
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


def _chinese(error: Exception) -> str:
    message = getattr(error, "message", None) or str(error)
    return in_both_languages("m", message)["m_zh"]


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
        return _upload_page(principal, 413, file_error=_chinese(error), mode=mode)
    except InvalidInput as error:
        return _upload_page(principal, 422, file_error=_chinese(error), mode=mode)
    return redirect(f"/console/sampling/imports/{record.id}", code=303)


@blp.get("/console/sampling/imports/<string:import_id>")
@signed_in_page
def import_page(principal: Principal, import_id: str):
    record = services.get_import(principal, import_id)
    running = record.status in (QUEUED, RUNNING)
    return render_page(
        "console/import.html",
        principal,
        record=record,
        running=running,
        refresh_seconds=REFRESH_SECONDS if running else None,
        statuses=STATUS_LABELS,
        phases=PHASE_LABELS,
        percent=int(100 * record.rows_done / record.rows_total) if record.rows_total else 0,
        columns=column_labels(),
    )


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
