"""Public pages for a scanned code (Simplified Chinese, no JavaScript, no external requests)."""
from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Flask, render_template_string
from werkzeug.exceptions import HTTPException

from backend.accounts.access import PUBLIC, access
from backend.core import context
from backend.public_card import qr, services as cards
from backend.public_card.http import cached_response
from backend.public_card.ratelimit import limit_public_request

blp = Blueprint("pages", __name__)

HTML = "text/html"
QR_CACHE_CONTROL = "public, max-age=86400"


@blp.get("/q/<code>")
@access(PUBLIC)
def card_page(code: str):
    limit_public_request()
    card = cards.get(code)
    return cached_response(card.html, etag=card.etag_html, mimetype=HTML, status=card.http_status)


def _found(code: str) -> cards.CachedCard:
    limit_public_request()
    card = cards.get(code)
    if card.kind != cards.FOUND:
        raise _NotFound(card)
    return card


class _NotFound(Exception):
    def __init__(self, card):
        self.card = card


def _public_url(code: str) -> str:
    return f"{context.settings().PUBLIC_BASE_URL.rstrip('/')}/q/{code}"


def _qr_etag(kind: str, url: str) -> str:
    return '"' + hashlib.sha256(f"{kind}:{url}".encode()).hexdigest()[:32] + '"'


@blp.get("/q/<code>/qr.svg")
@access(PUBLIC)
def qr_svg(code: str):
    _found(code)
    url = _public_url(code)
    return cached_response(qr.svg(url), etag=_qr_etag("svg", url), mimetype="image/svg+xml",
                           cache_control=QR_CACHE_CONTROL)


@blp.get("/q/<code>/qr.png")
@access(PUBLIC)
def qr_png(code: str):
    _found(code)
    url = _public_url(code)
    return cached_response(qr.png(url), etag=_qr_etag("png", url), mimetype="image/png",
                           cache_control=QR_CACHE_CONTROL)


@blp.get("/q/<code>/sticker.pdf")
@access(PUBLIC)
def sticker(code: str):
    card = _found(code)
    data = json.loads(card.json)
    body = qr.sticker_pdf(url=data["url"], name=data["business"]["name"], grade_colour=data["grade"]["colour"],
                          grade_label=data["grade"]["label"])
    response = cached_response(body, etag=_qr_etag("pdf", card.etag_json), mimetype="application/pdf")
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

    @app.errorhandler(_NotFound)
    def _not_found(error: _NotFound):
        return cached_response(error.card.html, etag=error.card.etag_html, mimetype=HTML,
                               status=error.card.http_status)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        return render_error_page(error.code or 500)

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        return render_error_page(error.http_status, error.headers)
