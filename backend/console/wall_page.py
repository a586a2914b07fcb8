"""`/console/wall`: the supervision wall as a plain server-rendered page for officials' browsers (no
JavaScript): each camera of their districts with its latest snapshot, status and age, a filter by
status, and a form to capture the current frame as evidence. It refreshes itself every 10 s.

Sign-in is the console's own (password) through a form; the session is the access token in an
HttpOnly, SameSite=Strict cookie, so other sites can neither read it nor post with it. While the wall
is open its refreshes keep the session alive (a new token once the current one is half spent), up to
PAGE_SESSION_MAX after the sign-in; logout ends it at once."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template_string, request

from backend.cameras import services
from backend.cameras.models import STATUS_LABELS, STATUSES
from backend.console.page_session import form_allowed, page, renewed, set_session_cookie, sign_in, sign_out
from backend.core.principal import ADMIN, REGULATOR
from backend.web.access import PAGE_COOKIE, PUBLIC, access, page_principal

blp = Blueprint("wall_page", __name__)
ROLES = (REGULATOR, ADMIN)

_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
{% if refresh %}<meta http-equiv="refresh" content="10">{% endif %}<title>{{ title }}</title>
<style>body{font:15px/1.5 sans-serif;margin:0;background:#111;color:#eee}header{padding:10px 14px;background:#1f2937}
a{color:#93c5fd}main{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:10px;padding:10px}
figure{margin:0;background:#1f2937;border-radius:8px;overflow:hidden}img{width:100%;display:block;background:#000;aspect-ratio:16/9}
figcaption{padding:6px 8px}.s{font-weight:bold}.online{color:#4ade80}.offline,.covered,.dark,.looped,.frozen{color:#f87171}
.blurred,.moved,.pending{color:#fbbf24}form.login{max-width:20em;margin:3em auto;background:#1f2937;padding:1.5em;border-radius:8px}
input,button{font:inherit;padding:.4em;width:100%;margin:.2em 0;box-sizing:border-box}.biz{font-weight:bold}.err{color:#f87171}</style></head><body>
{% block %}{% endblock %}</body></html>"""

_LOGIN = _PAGE.replace(
    "{% block %}{% endblock %}",
    """<form class="login" method="post" action="/console/wall/login"><h1>明厨亮灶 · 远程监管</h1>
<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
{% if error %}<p class="err">{{ error }}</p>{% endif %}
<label>用户名<input name="username" autocomplete="username" required></label>
<label>密码<input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">登录</button></form>""",
)

_WALL = _PAGE.replace(
    "{% block %}{% endblock %}",
    """<header>明厨亮灶 · 远程监管墙（{{ rows|length }} 路）
 · 状态：<a href="/console/wall">全部</a>{% for s in statuses %} <a href="/console/wall?status={{ s }}">{{ labels[s] }}</a>{% endfor %}
 · <form method="post" action="/console/wall/logout" style="display:inline"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}"><button style="width:auto">退出</button></form>
{% if message %}<p>{{ message }}</p>{% endif %}</header><main>
{% for r in rows %}<figure id="camera-{{ r.camera.id }}">
{% if r.snapshot_url %}<img src="/console/wall/cameras/{{ r.camera.id }}.jpg?t={{ r.age_key }}" alt="{{ r.camera.name }}">{% else %}<img alt="暂无画面">{% endif %}
<figcaption><b class="biz">{{ r.business_name or "" }}</b><br><span class="s {{ r.status }}">{{ r.status_label }}</span> · {{ r.camera.name }} · {{ areas[r.camera.area] }}
{% if r.age_seconds is not none %} · {{ r.age_seconds|round|int }} 秒前{% endif %}
<form method="post" action="/console/wall/cameras/{{ r.camera.id }}/capture"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}"><input name="note" placeholder="不规范操作说明" required maxlength="1000"><button>抓拍取证</button></form>
</figcaption></figure>{% else %}<p>辖区内暂无摄像头。</p>{% endfor %}</main>""",
)


# What a redirect after a form may say: fixed words by code, never text from the URL (a link could
# otherwise make the page say anything).
MESSAGES = {"captured": "已抓拍取证，已通知经营者整改", "note_missing": "请填写抓拍说明"}


def _login_page(error: str | None = None, status: int = 200):
    return page(render_template_string(_LOGIN, title="登录 · 远程监管", error=error, refresh=False), status)


@blp.get("/console/wall")
@access(PUBLIC)  # the page's own sign-in: the cookie is checked below
def wall_page():
    principal = page_principal(*ROLES)
    if principal is None:
        return _login_page()
    status = request.args.get("status")
    rows = services.wall(principal, status=status if status in STATUSES else None)
    for row in rows:
        row["age_key"] = int(row["captured_at"].timestamp()) if row["captured_at"] else 0
    from backend.cameras.models import AREAS

    response = page(
        render_template_string(
            _WALL,
            title="远程监管墙",
            rows=rows,
            statuses=STATUSES,
            labels=STATUS_LABELS,
            areas=AREAS,
            message=MESSAGES.get(request.args.get("message", "")),
            refresh=True,
        )
    )
    return renewed(response)


@blp.post("/console/wall/login")
@access(PUBLIC)
def wall_login():
    if not form_allowed():
        return _login_page("请从本站登录。", 403)
    token = sign_in()
    if token is None:
        return _login_page("用户名或密码不正确，或尝试过于频繁。", 401)
    response = redirect("/console/wall", code=303)
    set_session_cookie(response, token)
    return response


@blp.post("/console/wall/logout")
@access(PUBLIC)
def wall_logout():
    """Ends the session itself, not only the cookie: the token stops working everywhere."""
    if not form_allowed():
        return _login_page("请从本站退出。", 403)
    sign_out(*ROLES)
    response = redirect("/console/wall", code=303)
    response.delete_cookie(PAGE_COOKIE, path="/console/")
    return response


@blp.get("/console/wall/cameras/<camera_id>.jpg")
@access(PUBLIC)
def wall_snapshot(camera_id: str):
    principal = page_principal(*ROLES)
    if principal is None:
        return Response(status=401)
    image = services.snapshot_for_regulator(principal, camera_id)
    return Response(image, mimetype="image/jpeg", headers={"Cache-Control": "no-store"})


@blp.post("/console/wall/cameras/<camera_id>/capture")
@access(PUBLIC)
def wall_capture(camera_id: str):
    principal = page_principal(*ROLES)
    if principal is None:
        return _login_page("请重新登录。", 401)
    if not form_allowed():
        return _login_page("表单已过期或不是从本站提交的，请刷新页面后重试。", 403)
    note = (request.form.get("note") or "").strip()[:1000]
    if not note:
        return redirect("/console/wall?message=note_missing", code=303)
    services.capture(principal, camera_id, note)
    return redirect("/console/wall?message=captured", code=303)
