"""The inspections part of the public card: the latest inspection, its face, the last few results
(a history, as FHRS and NYC show), and open rectifications.
(The colour of the annual grade is the card's own `grade`, fed by this section's summary.)"""

from __future__ import annotations

from backend.core import html
from backend.inspections.services import CARD_SECTION
from backend.public_card.sections import CardSection

_TEMPLATE = html.from_string(
    '<section class="card" id="latest-inspection"><h2>监督检查</h2>'
    "{% if data.date %}<p>最近一次检查：{{ data.date }}，结果 <b>{{ data.result_label }}</b>"
    "{% if data.dynamic_grade_label %}，动态等级 {{ data.dynamic_grade_label }}（{{ data.face }}）{% endif %}。</p>"
    '{% else %}<p class="muted">暂无检查记录。</p>{% endif %}'
    "{% if data.history and data.history|length > 1 %}<details open><summary>近期检查记录</summary>"
    '<table class="history"><tr><th>日期</th><th>类型</th><th>结果</th></tr>'
    "{% for h in data.history %}<tr><td>{{ h.date }}</td><td>{{ h.type_label }}</td>"
    "<td>{{ h.result_label }}{% if h.face %}（{{ h.face }}）{% endif %}</td></tr>{% endfor %}</table></details>{% endif %}"
    "{% if data.open_rectifications %}<p><b>整改中</b>：{{ data.open_rectifications }} 项问题正在整改。</p>{% endif %}"
    '<p class="muted">绿码 A级 良好 · 黄码 B级 一般 · 红码 C级 较差，依据近12个月监督检查评定。</p></section>'
)

SECTION = CardSection(name=CARD_SECTION, order=10, render=lambda data: _TEMPLATE.render(data=data), top_level=True)
