"""The test results part of the public card: the latest announced results and, for a failed one,
where its disposition stands."""

from __future__ import annotations

from backend.core import html
from backend.public_card.sections import CardSection
from backend.sampling.publishing import CARD_SECTION

_TEMPLATE = html.from_string(
    '<section class="card" id="test-results"><h2>抽检结果</h2>'
    "{% for r in data.recent %}<p>{{ r.sampled_on }} {{ r.food_name }}（{{ r.food_category }}）："
    '<b class="{{ "bad" if r.verdict == "fail" else "ok" }}">{{ r.verdict_label }}</b>'
    "{% if r.failed_items %}，不合格项目 {{ r.failed_items|join('、') }}{% endif %}"
    "{% if r.disposition %}，{{ r.disposition }}{% endif %}"
    '<br><span class="muted">{{ r.lab }}{% if r.announcement %} · 公告 {{ r.announcement }}{% endif %}</span></p>'
    '{% else %}<p class="muted">暂无公告的抽检结果。</p>{% endfor %}'
    '<p class="muted"><a href="/sampling">全部抽检公告</a></p></section>'
)

SECTION = CardSection(name=CARD_SECTION, order=25, render=lambda data: _TEMPLATE.render(data=data), top_level=True)
