"""Public pages for a scanned code (Simplified Chinese, no JavaScript, no external requests)."""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Flask, render_template, render_template_string, request
from werkzeug.exceptions import HTTPException

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
    """Find a business without its QR code (no JavaScript): name, address or licence number; district."""
    limit_public()
    q = request.args.get("q", "").strip()[:100]
    district = request.args.get("district", "")
    district = district if district.isdigit() and len(district) == 6 else ""
    try:
        page = max(1, min(10_000, int(request.args.get("page", "1"))))
    except ValueError:
        page = 1
    found = cards.search(q=q, district=district) if (q or district) else None
    total = found.count() if found is not None else 0
    results = (
        [cards.listing_entry(card) for card in found.skip((page - 1) * SEARCH_PAGE).limit(SEARCH_PAGE)]
        if found is not None
        else []
    )
    html = render_template(
        "search.html",
        q=q,
        district=district,
        districts=cards.listed_districts(),
        results=results,
        total=total,
        page=page,
        pages=max(1, -(-total // SEARCH_PAGE)),
    )
    return html, 200, {"Cache-Control": "public, max-age=60"}


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
