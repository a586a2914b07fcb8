"""The routine part of the public card: how many of the last 30 days have a daily check."""

from __future__ import annotations

from datetime import date, timedelta

from backend.core import html
from backend.public_card.sections import CardSection
from backend.routine.services import CARD_SECTION, CARD_WINDOW_DAYS

_TEMPLATE = html.from_string(
    '<section class="card" id="routine"><h2>食品安全自查</h2>'
    "<p>近{{ data.window_days }}天日管控 {{ data.days_recorded }}/{{ data.window_days }} 天</p></section>"
)


def present(summary: dict, today: date) -> dict:
    first = (today - timedelta(days=CARD_WINDOW_DAYS - 1)).isoformat()
    recorded = [day for day in summary.get("daily_check_days", []) if first <= day <= today.isoformat()]
    return {"window_days": CARD_WINDOW_DAYS, "days_recorded": len(recorded)}


SECTION = CardSection(name=CARD_SECTION, order=30, render=lambda data: _TEMPLATE.render(data=data), present=present)
