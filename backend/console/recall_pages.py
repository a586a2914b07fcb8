"""`/console/recalls`: trace and recall as a regulator does it — a trace code looked up forward (where
the lot went) or backward (where it came from), the chain drawn as a graph (SVG on the server: columns by
hop, an arrow from each input to the lot made from it), a form to start a recall from that lot, the
recalls of the person's districts, and a page per recall whose holders' confirmations refresh while it
is open. Everything goes through the trace services, as the JSON API does."""

from __future__ import annotations

from flask import Blueprint, redirect, request
from markupsafe import Markup, escape

from backend.console.indicator_pages import render_page, signed_in_page
from backend.console.page_session import confirmed, exported, form_allowed, listing
from backend.core.errors import InvalidInput, NotFound
from backend.core.principal import Principal
from backend.core.timeutil import to_shanghai
from backend.trace import services
from backend.trace.models import CONFIRMED, DISPOSALS, OPEN

blp = Blueprint("console_recall_pages", __name__)
PER_PAGE = 20
REFRESH_SECONDS = 10
BOX_W, BOX_H, GAP_X, GAP_Y = 210, 46, 60, 16


def chain_svg(lots: list[dict], backward: bool) -> Markup:
    """The lots of a trace as boxes in columns by hop, with an arrow from each input to its product."""
    columns: dict[int, list[dict]] = {}
    for lot in lots:
        columns.setdefault(lot["hops"], []).append(lot)
    place = {}
    for hops, found in columns.items():
        column = hops if not backward else max(columns) - hops
        for row, lot in enumerate(found):
            place[lot["trace_code"]] = (column * (BOX_W + GAP_X), row * (BOX_H + GAP_Y))
    width = (max(columns) + 1) * (BOX_W + GAP_X)
    height = max(len(found) for found in columns.values()) * (BOX_H + GAP_Y)
    parts = [
        f'<svg class="chain" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="追溯链：{len(lots)} 个批次">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
        'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#6b7280"/></marker></defs>',
    ]
    for lot in lots:
        x, y = place[lot["trace_code"]]
        for source in lot["inputs"]:
            if source in place:
                sx, sy = place[source]
                parts.append(
                    f'<line x1="{sx + BOX_W}" y1="{sy + BOX_H / 2}" x2="{x}" y2="{y + BOX_H / 2}" '
                    'stroke="#6b7280" marker-end="url(#arrow)"/>'
                )
    for lot in lots:
        x, y = place[lot["trace_code"]]
        parts.append(
            f'<g><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="4" fill="#fff" stroke="#1d4ed8"/>'
            f'<text x="{x + 6}" y="{y + 18}" font-size="13">{escape(lot["product"])} · {escape(lot["trace_code"])}</text>'
            f'<text x="{x + 6}" y="{y + 36}" font-size="12" fill="#4b5563">{escape(lot["supplier"])} → '
            f"{escape(lot['buyer'])}</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


@blp.get("/console/recalls.csv")
@signed_in_page
def recalls_csv(principal: Principal):
    def row(recall):
        summary = services.recall_summary(recall)
        local = to_shanghai(recall.created_at)
        return (
            summary["number"],
            summary["reason"],
            "进行中" if summary["status"] == OPEN else "已完成",
            summary["targets_confirmed"],
            summary["targets_total"],
            f"{local:%Y-%m-%d %H:%M}",
        )

    return exported(
        services.recalls_for_regulator(principal),
        ["编号", "原因", "状态", "已确认", "应确认", "发起时间"],
        row,
        "recalls.csv",
    )


def _recalls_page(principal: Principal, code: int = 200, **values):
    shown = listing(services.recalls_for_regulator(principal), PER_PAGE)
    shown["rows"] = [services.recall_summary(recall) for recall in shown["rows"]]
    return render_page(
        "console/recalls.html",
        principal,
        code,
        **shown,
        **values,
    )


@blp.get("/console/recalls")
@signed_in_page
def recalls_page(principal: Principal):
    trace_code = (request.args.get("code") or "").strip().upper()[:24]
    backward = request.args.get("direction") == "backward"
    if not trace_code:
        return _recalls_page(principal)
    try:
        found = services.trace(principal, trace_code, backward=backward)
    except NotFound:
        return _recalls_page(principal, 404, trace_code=trace_code, backward=backward, code_error=True)
    return _recalls_page(
        principal,
        trace_code=trace_code,
        backward=backward,
        found=found,
        chain=chain_svg(found["lots"], backward),
    )


@blp.post("/console/recalls")
@signed_in_page
def start(principal: Principal):
    trace_code = (request.form.get("trace_code") or "").strip().upper()[:24]
    if not form_allowed():
        return _recalls_page(principal, 403, problem="form", trace_code=trace_code)
    reason = (request.form.get("reason") or "").strip()[:500]
    if not reason:
        return _recalls_page(principal, 422, trace_code=trace_code, reason_error=True)
    if not confirmed():
        return _recalls_page(principal, 422, trace_code=trace_code, confirm_error=True, reason=reason)
    try:
        recall = services.start_recall(principal, reason=reason, trace_code=trace_code)
    except NotFound:
        return _recalls_page(principal, 404, trace_code=trace_code, code_error=True, reason=reason)
    except InvalidInput:
        return _recalls_page(principal, 422, trace_code=trace_code, reason_error=True, reason=reason)
    return redirect(f"/console/recalls/{recall.id}", code=303)


@blp.get("/console/recalls/<string:recall_id>")
@signed_in_page
def recall_page(principal: Principal, recall_id: str):
    recall = services.get_recall_for_regulator(principal, recall_id)
    running = recall.status == OPEN
    return render_page(
        "console/recall.html",
        principal,
        recall=recall,
        summary=services.recall_summary(recall),
        confirmed=CONFIRMED,
        disposals=DISPOSALS,
        refresh_seconds=REFRESH_SECONDS if running else None,
    )
