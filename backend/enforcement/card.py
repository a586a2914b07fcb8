"""The penalties part of the public card: the decisions in display (行政处罚信息公示), each until its
display period ends, dropped on the day it does (not only when the section is next published)."""

from __future__ import annotations

from datetime import date

from backend.core import html
from backend.enforcement.services import CARD_SECTION, DISHONEST_SECTION
from backend.public_card.sections import CardSection

_TEMPLATE = html.from_string(
    '<section class="card" id="penalties"><h2>行政处罚信息</h2>'
    "{% for p in data.penalties %}<dl>"
    "<dt>文号</dt><dd>{{ p.number }}</dd><dt>违法行为</dt><dd>{{ p.violation }}</dd>"
    "<dt>处罚内容</dt><dd>{{ p.penalties|join('；') }}</dd><dt>处罚机关</dt><dd>{{ p.authority }}</dd>"
    "<dt>决定日期</dt><dd>{{ p.decided_on }}</dd></dl>{% endfor %}"
    '<p class="muted">依法公示，公示期满后不再显示。<a href="/penalties">查看全部行政处罚信息</a></p></section>'
)


def _in_display(data: dict, today: date) -> dict:
    return {"penalties": [p for p in data.get("penalties", []) if p["display_until"] >= today.isoformat()]}


def _render(data: dict) -> str:
    return _TEMPLATE.render(data=data) if data["penalties"] else ""


SECTION = CardSection(name=CARD_SECTION, order=12, render=_render, present=_in_display, top_level=True)


_DISHONEST = html.from_string(
    '<section class="card" id="dishonest"><h2>严重违法失信名单</h2>'
    "<p>该经营者已被{{ data.authority }}列入严重违法失信名单（{{ data.basis }}，{{ data.listed_on }}）。</p>"
    '<p class="muted"><a href="/dishonest">查看严重违法失信名单</a></p></section>'
)


def _still_listed(data: dict, today: date) -> dict:
    return data if data.get("remove_after", "") >= today.isoformat() else {}


DISHONEST_CARD = CardSection(
    name=DISHONEST_SECTION,
    order=11,
    render=lambda data: _DISHONEST.render(data=data) if data else "",
    present=_still_listed,
    top_level=True,
)
