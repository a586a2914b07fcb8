"""`/console/` — 今日待办: what waits on the signed-in person, from every domain's lists
(`backend.core.worklist`), the most pressing first, each line with its deadline on the working-day
calendar and overdue marked. The page renders what the domains answer and runs no query of its own."""

from __future__ import annotations

from flask import Blueprint

from backend.console.indicator_pages import render_page, signed_in_page
from backend.core import worklist
from backend.core.principal import Principal
from backend.core.timeutil import today_shanghai

blp = Blueprint("console_work", __name__)


@blp.get("/console/")
@signed_in_page
def work_page(principal: Principal):
    today = today_shanghai()
    return render_page("console/work.html", principal, today=today, lists=worklist.for_person(principal, today))
