"""Public pages for a scanned code (Simplified Chinese, no external requests; nothing needs JavaScript)."""

from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import urlencode

from flask import Blueprint, Flask, render_template, render_template_string, request
from werkzeug.exceptions import HTTPException

from backend.core import districts
from backend.core.timeutil import today_shanghai
from backend.public_card import qr
from backend.public_card import services as cards
from backend.web.access import PUBLIC, access
from backend.web.downloads import cached_response
from backend.web.limits import limit_public

blp = Blueprint("pages", __name__)

HTML = "text/html"
QR_CACHE_CONTROL = "public, max-age=86400"
SEARCH_PAGE = 20
NEAR_RADII = ("1", "3", "5", "10", "20")
DEFAULT_RADIUS = "3"
GRADES = {level: f"{level}级 · {label}" for level, (_, label) in cards.GRADE_COLOURS.items()} | {"none": "暂未评级"}
NEAR_PATTERN = re.compile(r"^\s*(-?\d{1,3}(?:\.\d{1,8})?)\s*[,，]\s*(-?\d{1,3}(?:\.\d{1,8})?)\s*$")


class _NoPublicCard(Exception):
    def __init__(self, card: cards.CardView):
        self.card = card


@blp.get("/q/<code>")
@access(PUBLIC)
def card_page(code: str):
    limit_public()
    card = cards.view(code, "html")
    return cached_response(card.body, etag=card.etag, mimetype=HTML, status=card.http_status)


@blp.get("/search")
@access(PUBLIC)
def search_page():
    """Find a business without its QR code: name, address or licence number; district; or near a point
    (`near=lat,lng`: the card page links its neighbours, the mini-program passes the phone's position,
    and an optional script offers the browser's; everything works without JavaScript)."""
    limit_public()
    q = request.args.get("q", "").strip()[:100]
    district = request.args.get("district", "")
    district = district if district.isdigit() and len(district) == 6 else ""
    try:
        page = max(1, min(10_000, int(request.args.get("page", "1"))))
    except ValueError:
        page = 1
    near = request.args.get("near", "").strip()[:40]
    grade = request.args.get("grade", "")
    grade = grade if grade in GRADES else ""
    radius, radius_error = _radius(request.args.get("radius_km", "").strip()[:10])
    point, near_error = _point(near) if near else (None, None)
    if radius_error:
        point = None
    excluding = request.args.get("except", "").strip()[:40] or None
    if point is not None:
        nearby = cards.search_near(point, float(radius), q=q, district=district, grade=grade, excluding=excluding)
        total = len(nearby)
        start = (page - 1) * SEARCH_PAGE
        results = [cards.listing_entry(card, distance) for card, distance in nearby[start : start + SEARCH_PAGE]]
    elif (q or district or grade) and not (near_error or radius_error):
        found = cards.search(q=q, district=district, grade=grade)
        total = found.count()
        results = [cards.listing_entry(card) for card in found.skip((page - 1) * SEARCH_PAGE).limit(SEARCH_PAGE)]
    else:
        total, results = 0, []
    html = render_template(
        "search.html",
        q=q,
        district=district,
        districts=cards.listed_districts(),
        near=near,
        near_error=near_error,
        radius=radius,
        radius_error=radius_error,
        radii=NEAR_RADII,
        grade=grade,
        grades=GRADES,
        searched=bool(q or district or grade or point),
        results=results,
        total=total,
        page=page,
        pages=max(1, -(-total // SEARCH_PAGE)),
        query=lambda **changes: urlencode(
            {
                key: value
                for key, value in {
                    "q": q,
                    "district": district,
                    "grade": grade,
                    "near": near,
                    "radius_km": radius if near else "",
                    "except": excluding if near else "",
                    **changes,
                }.items()
                if value
            }
        ),
    )
    return html, 200, {"Cache-Control": "public, max-age=60"}


def _radius(asked: str) -> tuple[str, str | None]:
    """The radius picked from the list, or the default and why what was asked is not one of them (a
    shared link with `radius_km=50` used to become 3 km without a word)."""
    if not asked or asked in NEAR_RADII:
        return asked or DEFAULT_RADIUS, None
    try:
        number = float(asked)
    except ValueError:
        number = None
    if number is not None and number == int(number) and str(int(number)) in NEAR_RADII:
        return str(int(number)), None
    return DEFAULT_RADIUS, f"没有“{asked} 公里”这一范围，可选 {'、'.join(NEAR_RADII)} 公里，请重新选择。"


def _point(near: str) -> tuple[tuple[float, float] | None, str | None]:
    """`lat,lng` as typed or passed on: the point, or why it is not one (in Chinese, beside the field)."""
    match = NEAR_PATTERN.match(near)
    if match is None:
        return None, "请按“纬度,经度”填写，例如 32.3910,120.5560。"
    latitude, longitude = float(match[1]), float(match[2])
    if not districts.in_china(latitude, longitude):
        return None, "该位置不在中国境内（经纬度是否填反了？）。"
    return (latitude, longitude), None


def _found_json(code: str) -> dict:
    limit_public()
    card = cards.view(code, "json")
    if card.kind != cards.FOUND:
        raise _NoPublicCard(cards.view(code, "html"))
    return json.loads(card.body)


def _qr_etag(kind: str, content: str) -> str:
    return '"' + hashlib.sha256(f"{kind}:{content}".encode()).hexdigest()[:32] + '"'


QR_FORMATS = {"svg": (qr.svg, "image/svg+xml"), "png": (qr.png, "image/png")}


@blp.get("/q/<code>/qr.<any(svg, png):image_format>")
@access(PUBLIC)
def qr_image(code: str, image_format: str):
    url = _found_json(code)["url"]
    render, mimetype = QR_FORMATS[image_format]
    return cached_response(
        render(url), etag=_qr_etag(image_format, url), mimetype=mimetype, cache_control=QR_CACHE_CONTROL
    )


@blp.get("/q/<code>/sticker.pdf")
@access(PUBLIC)
def sticker(code: str):
    data = _found_json(code)
    etag = _qr_etag(
        "pdf",
        json.dumps(
            [data["url"], data["business"]["name"], data["grade"], data.get("licence"), str(today_shanghai())],
            ensure_ascii=False,
        ),
    )
    body = qr.sticker_pdf(qr.Sticker.from_card(data), printed_on=today_shanghai())
    response = cached_response(body, etag=etag, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="sticker-{code}.pdf"'
    return response


_ERROR_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{ title }}</title>
<style>body{font-family:-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:0;padding:2em 1em;
color:#222;background:#f2f4f7}main{max-width:32em;margin:auto;background:#fff;border-radius:12px;padding:1.5em}
h1{font-size:1.3em}</style></head>
<body><main><h1>{{ title }}</h1><p>{{ message }}</p></main></body></html>"""

_MESSAGES = {
    404: ("未找到", "没有找到该页面或该经营主体。请确认二维码是否完整、清晰。"),
    405: ("请求方式不支持", "该页面不支持此请求方式。"),
    429: ("访问过于频繁", "您的访问过于频繁，请稍后再试。"),
}


def render_error_page(code: int, headers: dict | None = None):
    title, message = _MESSAGES.get(code, ("出错了", "服务暂时不可用，请稍后再试。"))
    body = render_template_string(_ERROR_PAGE, title=title, message=message)
    return body, code, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", **(headers or {})}


def register_page_errors(app: Flask) -> None:
    from backend.core.errors import DomainError

    @app.errorhandler(_NoPublicCard)
    def _no_public_card(error: _NoPublicCard):
        return cached_response(error.card.body, etag=error.card.etag, mimetype=HTML, status=error.card.http_status)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        return render_error_page(error.code or 500)

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        return render_error_page(error.http_status, error.headers)
