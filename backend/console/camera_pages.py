"""`/console/cameras/events`: the camera events of the person's districts as a reviewer works through
them — status changes, notable scenes and captures, new ones first by default — each new one confirmed
(the business must answer it) or dismissed, with a reason, by form. Everything goes through the cameras'
services, as the JSON API does."""

from __future__ import annotations

from flask import Blueprint, redirect, request

from backend.cameras import services
from backend.cameras.models import CAPTURE, EVENT_STATUSES, NEW, SCENE, STATUS_CHANGE, STATUS_LABELS
from backend.console.indicator_pages import render_page, signed_in_page
from backend.console.page_session import exported, form_allowed, listing
from backend.core.principal import Principal
from backend.core.timeutil import to_shanghai
from backend.registry import services as registry
from backend.web.downloads import private_response
from backend.workflow.errors import TransitionConflict

blp = Blueprint("console_camera_pages", __name__)
PER_PAGE = 30
KIND_LABELS = {STATUS_CHANGE: "状态变化", SCENE: "画面识别", CAPTURE: "抓拍取证"}
EVENT_STATES = {"new": "待查看", "confirmed": "已确认", "dismissed": "已排除"}
NOTICES = {"confirmed": "已确认，经营者需要答复。", "dismissed": "已排除。"}


def _filters() -> tuple[str, str]:
    status = request.args.get("status", NEW)
    kind = request.args.get("kind", "")
    return (status if status in EVENT_STATUSES or status == "" else NEW), (kind if kind in KIND_LABELS else "")


def _names(principal: Principal, events) -> dict[str, str]:
    return registry.names_for_regulator(principal, [e.business_id for e in events])


def _content(event) -> str:
    text = STATUS_LABELS.get(event.label, event.label)
    if event.previous:
        text += f"（原为{STATUS_LABELS.get(event.previous, event.previous)}）"
    return text + (f" · {event.note}" if event.note else "")


@blp.get("/console/cameras/events.csv")
@signed_in_page
def events_csv(principal: Principal):
    status, kind = _filters()
    return exported(
        services.events_for_regulator(principal, status=status or None, kind=kind or None),
        ["时间", "经营主体", "类别", "内容", "状态", "处理理由", "取证画面"],
        lambda e, names: (
            f"{to_shanghai(e.created_at):%Y-%m-%d %H:%M}",
            names.get(str(e.business_id), ""),
            KIND_LABELS.get(e.kind, e.kind),
            _content(e),
            EVENT_STATES.get(e.status, e.status),
            e.review_reason or "",
            "；".join(f"SHA-256 {evidence.sha256}" for evidence in e.evidence),
        ),
        "camera-events.csv",
        lookup=lambda rows: _names(principal, rows),
    )


def _events_page(principal: Principal, code: int = 200, **values):
    status, kind = _filters()
    found = services.events_for_regulator(principal, status=status or None, kind=kind or None)
    shown = listing(found, PER_PAGE)
    return render_page(
        "console/camera_events.html",
        principal,
        code,
        **shown,
        names=_names(principal, shown["rows"]),
        status_filter=status,
        kind_filter=kind,
        kinds=KIND_LABELS,
        states=EVENT_STATES,
        labels=STATUS_LABELS,
        notice=NOTICES.get(request.args.get("done", "")),
        **values,
    )


@blp.get("/console/cameras/events")
@signed_in_page
def events_page(principal: Principal):
    return _events_page(principal)


@blp.post("/console/cameras/events/<string:event_id>/review")
@signed_in_page
def review(principal: Principal, event_id: str):
    if not form_allowed():
        return _events_page(principal, 403, problem="form")
    decision = request.form.get("decision")
    reason = (request.form.get("reason") or "").strip()[:1000]
    if decision not in ("confirm", "dismiss") or not reason:
        return _events_page(principal, 422, reason_error=event_id)
    try:
        services.review_event(principal, event_id, confirm=decision == "confirm", reason=reason)
    except TransitionConflict:
        return _events_page(principal, 409, problem="taken")
    done = "confirmed" if decision == "confirm" else "dismissed"
    return redirect(f"/console/cameras/events?done={done}", code=303)


@blp.get("/console/cameras/events/<string:event_id>/evidence/<int:index>.jpg")
@signed_in_page
def evidence(principal: Principal, event_id: str, index: int):
    return private_response(services.evidence_for_regulator(principal, event_id, index), "image/jpeg")
