"""`/console/wall`: the supervision wall for officials' browsers, on the console's layout (no
JavaScript): each camera of their districts with its latest snapshot, status and age, a filter by
status, and a form to capture the current frame as evidence. It refreshes itself every 10 s, and those
refreshes keep the session alive (a new token once the current one is half spent), up to
PAGE_SESSION_MAX after the sign-in. Sign-in and sign-out are the console's own."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request

from backend.cameras import services
from backend.cameras.models import AREAS, STATUS_LABELS, STATUSES
from backend.console.indicator_pages import render_page, signed_in_page
from backend.console.page_session import form_allowed
from backend.core.principal import ADMIN, REGULATOR, Principal
from backend.web.access import PUBLIC, access, page_principal

blp = Blueprint("wall_page", __name__)
ROLES = (REGULATOR, ADMIN)
REFRESH_SECONDS = 10

# What a redirect after a form may say: fixed words by code, never text from the URL (a link could
# otherwise make the page say anything).
MESSAGES = {"captured": "已抓拍取证，已通知经营者整改", "note_missing": "请填写抓拍说明"}


def _wall(principal: Principal, code: int = 200, problem: str | None = None):
    if principal.role not in ROLES:
        return render_page("console/error.html", principal, 403, reason="forbidden")
    status = request.args.get("status")
    rows = services.wall(principal, status=status if status in STATUSES else None)
    for row in rows:
        row["age_key"] = int(row["captured_at"].timestamp()) if row["captured_at"] else 0
    return render_page(
        "console/wall.html",
        principal,
        code,
        rows=rows,
        statuses=STATUSES,
        labels=STATUS_LABELS,
        areas=AREAS,
        message=MESSAGES.get(request.args.get("message", "")),
        problem=problem,
        refresh_seconds=REFRESH_SECONDS,
    )


@blp.get("/console/wall")
@signed_in_page
def wall_page(principal: Principal):
    return _wall(principal)


@blp.get("/console/wall/cameras/<camera_id>.jpg")
@access(PUBLIC)  # the page's own sign-in: the cookie is checked below
def wall_snapshot(camera_id: str):
    principal = page_principal(*ROLES)
    if principal is None:
        return Response(status=401)
    image = services.snapshot_for_regulator(principal, camera_id)
    return Response(image, mimetype="image/jpeg", headers={"Cache-Control": "no-store"})


@blp.post("/console/wall/cameras/<camera_id>/capture")
@signed_in_page
def wall_capture(principal: Principal, camera_id: str):
    if not form_allowed():
        return _wall(principal, 403, problem="form")
    note = (request.form.get("note") or "").strip()[:1000]
    if not note:
        return redirect("/console/wall?message=note_missing", code=303)
    services.capture(principal, camera_id, note)
    return redirect("/console/wall?message=captured", code=303)
