"""Public HTML pages (Simplified Chinese, no JavaScript, no external requests)."""
from __future__ import annotations

from flask import Blueprint, Flask, render_template_string
from werkzeug.exceptions import HTTPException

blp = Blueprint("pages", __name__)

_ERROR_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{ title }}</title>
<style>body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;padding:2em 1em;
color:#222;background:#f6f7f9}main{max-width:32em;margin:auto;background:#fff;border-radius:8px;padding:1.5em}
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
    return body, code, {"Content-Type": "text/html; charset=utf-8", **(headers or {})}


def register_page_errors(app: Flask) -> None:
    from backend.core.errors import DomainError

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        return render_error_page(error.code or 500)

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        return render_error_page(error.http_status, error.headers)
