"""The cameras part of the public card (明厨亮灶): the areas the business monitors (published, by
law) with their signage, and each camera approved for the public with its status and latest snapshot
(faces blurred), served by the lookup app."""

from __future__ import annotations

from backend.cameras.services import CARD_SECTION
from backend.core import html
from backend.public_card.sections import CardSection

_TEMPLATE = html.from_string(
    '<section class="card" id="cameras"><h2>明厨亮灶</h2>'
    "{% if data.monitored %}<p>监控区域："
    "{% for m in data.monitored %}{{ m.area_label }}{% if not m.signage %}（未张贴提示标识）{% endif %}"
    "{% if not loop.last %}、{% endif %}{% endfor %}</p>{% endif %}"
    '{% for c in data.cameras %}<figure style="margin:0 0 10px">'
    '<img src="{{ c.snapshot_url }}" alt="{{ c.area_label }}实时画面" loading="lazy" style="width:100%;border-radius:8px">'
    "<figcaption>{{ c.area_label }} · {{ c.name }} · {{ c.status_label }}</figcaption></figure>{% endfor %}"
    '{% if data.cameras %}<p class="muted">画面每隔数秒更新，人脸已做模糊处理。</p>{% endif %}</section>'
)


SECTION = CardSection(name=CARD_SECTION, order=15, render=lambda data: _TEMPLATE.render(data=data), top_level=True)
