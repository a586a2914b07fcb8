"""`/console/inspections/plan` and `/console/inspections/draws`: the year's inspection plan as a
regulator works through it — each business of the districts with its risk grade, inspections required
and done, and whether it is due, overdue (not inspected within two years) or done, with the coverage
rate and a CSV; then 双随机, a draw of businesses from a filter paired with inspectors, whose page shows
the pairs, re-runs the draw from its recorded seed (anyone can check it was not chosen by hand) and
starts each inspection. The form is read by the API's own schema (`DrawInSchema`); everything goes
through the inspections' planning service, as the JSON API does."""

from __future__ import annotations

from flask import Blueprint, redirect, request
from marshmallow import ValidationError

from backend.console.indicator_pages import render_page, signed_in_page
from backend.console.page_session import field_problems, form_allowed, listing
from backend.core.errors import InvalidInput
from backend.core.principal import Principal
from backend.core.tables import csv_text
from backend.core.timeutil import today_shanghai
from backend.inspections import planning
from backend.inspections.schemas import DrawInSchema
from backend.registry.models import KIND_LABELS
from backend.web.downloads import csv_download

blp = Blueprint("console_planning_pages", __name__)
PER_PAGE = 50
STATES = {"overdue": "逾期（两年内未检查）", "due": "本年待检查", "done": "本年已完成"}
RISK_GRADES = ("A", "B", "C", "D")
DRAW_FIELDS = ("count", "district", "kind", "risk_grade")


def _plan():
    """The plan the query string asks for: the year (this one unless a sensible other), the district
    (one of the person's, or all), the state; with the rows that state keeps."""
    this_year = today_shanghai().year
    text = request.args.get("year", "")
    year = int(text) if text.isdigit() and this_year - 5 <= int(text) <= this_year + 1 else this_year
    district = request.args.get("district", "")
    state = request.args.get("state", "")
    return year, district, (state if state in STATES else "")


def _plan_rows(principal: Principal):
    year, district, state = _plan()
    plan = planning.inspection_plan(principal, year=year, district=district or None, state=state or None)
    return plan, plan["rows"], year, district, state


@blp.get("/console/inspections/plan.csv")
@signed_in_page
def plan_csv(principal: Principal):
    plan, rows, year, _district, _state = _plan_rows(principal)
    table = [
        (
            r["name"],
            r["district_code"],
            r["risk_grade"],
            r["required_this_year"],
            r["done_this_year"],
            r["last_inspected_on"] or "",
            STATES[r["state"]],
        )
        for r in rows
    ]
    header = ["名称", "地区", "风险等级", "本年应检", "本年已检", "最近检查", "状态"]
    return csv_download(csv_text(header, table), f"inspection-plan-{year}.csv")


def _plan_page(principal: Principal, code: int = 200, **values):
    plan, rows, year, district, state = _plan_rows(principal)
    return render_page(
        "console/plan.html",
        principal,
        code,
        **listing(rows, PER_PAGE),
        plan=plan,
        counts=plan["counts"],
        year=year,
        district=district,
        state=state,
        states=STATES,
        districts=principal.districts,
        kinds=KIND_LABELS,
        grades=RISK_GRADES,
        draws=planning.draws_for(principal)[:10],
        typed=values.pop("typed", {}),
        errors=values.pop("errors", {}),
        **values,
    )


@blp.get("/console/inspections/plan")
@signed_in_page
def plan_page(principal: Principal):
    return _plan_page(principal)


@blp.post("/console/inspections/draws")
@signed_in_page
def draw(principal: Principal):
    typed = {name: (request.form.get(name) or "").strip()[:40] for name in DRAW_FIELDS}
    if not form_allowed():
        return _plan_page(principal, 403, typed=typed, problem="form")
    try:
        body = DrawInSchema().load({name: value for name, value in typed.items() if value})
        made = planning.draw(principal, **body)
    except (ValidationError, InvalidInput) as error:
        return _plan_page(principal, 422, typed=typed, errors=field_problems(error, "count"))
    return redirect(f"/console/inspections/draws/{made.id}", code=303)


@blp.get("/console/inspections/draws/<string:draw_id>")
@signed_in_page
def draw_page(principal: Principal, draw_id: str):
    made = planning.get_draw(principal, draw_id)
    return render_page(
        "console/draw.html",
        principal,
        draw=made,
        names=planning.draw_names(made),
        reproduced=planning.verify_draw(principal, draw_id),
        kinds=KIND_LABELS,
    )
