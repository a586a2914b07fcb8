"""The printable produce certificate (承诺达标合格证) with its QR code, and the recall part of the
public card. HTML from templates that escape everything; no Flask."""

from __future__ import annotations

from markupsafe import Markup

from backend.core import html
from backend.public_card import qr
from backend.public_card.sections import CardSection
from backend.trace import services

_CERTIFICATE = html.from_string(
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>承诺达标合格证 {{ c.number }}</title>'
    "<style>body{font:15px/1.6 sans-serif;margin:0}.sheet{width:90mm;margin:8mm auto;border:2px solid #16a34a;"
    "padding:6mm}h1{font-size:20px;text-align:center;color:#166534;margin:0 0 4mm}dl{display:grid;"
    "grid-template-columns:6em 1fr;gap:1mm 2mm;margin:0}dt{color:#555}dd{margin:0}.qr{text-align:center}"
    ".qr svg{width:32mm;height:32mm}@media print{.sheet{margin:0}}</style></head><body><div class=sheet>"
    "<h1>承诺达标合格证</h1><dl>"
    "<dt>编号</dt><dd>{{ c.number }}</dd><dt>产品名称</dt><dd>{{ c.product }}</dd>"
    "<dt>数量（重量）</dt><dd>{{ '%g'|format(c.quantity) }} {{ c.unit }}</dd><dt>产地</dt><dd>{{ c.origin }}</dd>"
    "<dt>生产者</dt><dd>{{ c.producer }}</dd><dt>联系方式</dt><dd>{{ c.contact_phone }}</dd>"
    "<dt>开具日期</dt><dd>{{ c.issued_on }}</dd></dl>"
    "<p>我承诺对生产销售的食用农产品：{% for p in c.pledges %}<br>☑ {{ p }}{% endfor %}</p>"
    "<p>承诺依据：☑ {{ basis }}{% if c.test_report %}（报告编号 {{ c.test_report }}）{% endif %}</p>"
    '<div class="qr">{{ svg }}<br><small>承诺达标合格证 · 扫码查验</small></div></div></body></html>'
)

_SECTION = html.from_string(
    '<section class="alert" id="recall"><b>召回提示</b>'
    "{% for r in data.pending %}<p>{{ r.product }}（追溯码 {{ r.trace_code }}）：{{ r.reason }}"
    '<br><span class="muted">召回编号 {{ r.number }} · {{ r.since }} 起</span></p>{% endfor %}</section>'
)

SECTION = CardSection(
    name=services.CARD_SECTION, order=5, render=lambda data: _SECTION.render(data=data), top_level=True
)


def certificate_html(certificate) -> str:
    view = services.certificate_view(certificate)
    svg = qr.svg(services.certificate_url(certificate.number)).decode()
    return _CERTIFICATE.render(c=certificate, basis=view["basis_label"], svg=Markup(svg))
