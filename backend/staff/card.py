"""The staff part of the public card: food handlers' health-certificate status (健康证明公示)."""

from __future__ import annotations

from datetime import date

from backend.core import html
from backend.public_card.sections import CardSection
from backend.staff.services import CARD_SECTION

_TEMPLATE = html.from_string("""<section class="card" id="health-certificates">
  <h2>从业人员健康证明</h2>
  <p>{{ data.food_handlers }} 名接触直接入口食品的从业人员，{{ data.valid }} 人持有效健康证明{% if data.food_handlers > data.valid %}，<b class="warn">{{ data.food_handlers - data.valid }} 人未持有效证明</b>{% endif %}。</p>
  {% if data.people %}
  <table><tr><th>岗位</th><th>姓名</th><th>有效期至</th></tr>
  {% for person in data.people %}<tr><td>{{ person.post }}</td><td>{{ person.name }}</td><td>{{ person.valid_until or "无有效证明" }}</td></tr>
  {% endfor %}</table>
  {% endif %}
  {% if data.officers %}<p class="muted">食品安全员：{{ data.officers | join("、") }}</p>{% endif %}
  {% if data.directors %}<p class="muted">食品安全总监：{{ data.directors | join("、") }}</p>{% endif %}
</section>""")


def present(summary: dict, today: date) -> dict:
    """Counts made on the day the card is shown, from the valid-until dates published at write time."""
    day = today.isoformat()
    valid_until = summary.get("valid_until", [])
    return {
        "food_handlers": len(valid_until),
        "valid": sum(1 for until in valid_until if until and until >= day),
        "people": [
            {**person, "valid": bool(person["valid_until"] and person["valid_until"] >= day)}
            for person in summary.get("people", [])
        ],
        "officers": summary.get("officers", []),
        "directors": summary.get("directors", []),
    }


def render(shown: dict) -> str:
    return _TEMPLATE.render(data=shown)


SECTION = CardSection(name=CARD_SECTION, order=20, render=render, present=present, top_level=True)
