"""`/console/districts` (辖区设置): what a district's figures and deadlines rest on, kept by form — the
working-day calendar (how far public holidays are known, with the warning before it runs out; an admin
loads a year as the State Council publishes it), the residents of each district (常住人口, behind
samples per 1,000 residents; a regulator keeps their own districts') and the indicators' targets (an
admin sets one for a district or all, for a year or every year, with the reason). Each form is read by
the API's own schema and kept by the same service; a refusal is shown beside its field with what was
typed kept."""

from __future__ import annotations

from flask import Blueprint, redirect, request
from marshmallow import ValidationError

from backend.calendars import services as calendars
from backend.calendars.schemas import CalendarYearInSchema
from backend.console.indicator_pages import render_page, signed_in_page
from backend.console.language import language
from backend.console.page_session import field_problems, form_allowed, listing
from backend.core.errors import DomainError
from backend.core.principal import ADMIN, REGULATOR, Principal
from backend.core.text import rendered
from backend.indicators import services as indicators
from backend.indicators.schemas import TargetInSchema
from backend.sampling import kpis
from backend.sampling.schemas import ResidentsInSchema

blp = Blueprint("console_district_pages", __name__)
PER_PAGE = 30
NOTICES = {
    "calendar": "已载入该年度的节假日和调休上班日，此后的期限按新日历计算。",
    "residents": "已保存常住人口。",
    "target": "已保存指标目标，修改已记录。",
}


def _lines(text: str) -> list[str]:
    """Days typed one per line, or separated by commas or spaces (2027-02-05..2027-02-11 is a range)."""
    return [part for part in text.replace("，", ",").replace(",", " ").split() if part]


def _districts_page(principal: Principal, code: int = 200, **values):
    typed = values.pop("typed", {})
    status = calendars.status()
    return render_page(
        "console/districts.html",
        principal,
        code,
        calendar=status,
        calendar_warning=rendered(status["warning"], language()) if status["warning"] else None,
        residents=listing(kpis.residents_for(principal), PER_PAGE),
        targets=list(indicators.targets(principal)[:200]),
        names={item["code"]: item["name"] for item in indicators.catalogue()["indicators"]},
        units={item["code"]: item["unit"] for item in indicators.catalogue()["indicators"]},
        districts=principal.districts,
        admin=principal.role == ADMIN,
        typed=typed,
        errors=values.pop("errors", {}),
        notice=NOTICES.get(request.args.get("done", "")),
        **values,
    )


def _kept(principal: Principal, form: str, fields: tuple[str, ...], load, keep, default_field: str):
    """One of the page's forms: refused unless it is this site's, read by the API's schema, kept by
    the service; back to the page with the notice, or the refusal beside the form's fields."""
    typed = {f"{form}_{name}": (request.form.get(name) or "").strip()[:5000] for name in fields}
    if not form_allowed():
        return _districts_page(principal, 403, problem="form", typed=typed)
    try:
        keep(load({name: typed[f"{form}_{name}"] for name in fields}))
    except (ValidationError, DomainError) as error:
        problems = field_problems(error, default_field)
        errors = {f"{form}_{name}": text for name, text in problems.items()}
        return _districts_page(principal, getattr(error, "http_status", 422), typed=typed, errors=errors)
    return redirect(f"/console/districts?done={form}", code=303)


@blp.get("/console/districts")
@signed_in_page
def districts_page(principal: Principal):
    if principal.role not in (REGULATOR, ADMIN):
        return render_page("console/error.html", principal, 403, reason="forbidden")
    return _districts_page(principal)


@blp.post("/console/districts/calendar")
@signed_in_page
def load_calendar(principal: Principal):
    def load(values):
        values = {
            **values,
            "holidays": _lines(values["holidays"]),
            "makeup_workdays": _lines(values["makeup_workdays"]),
        }
        return CalendarYearInSchema().load(values)

    return _kept(
        principal,
        "calendar",
        ("year", "holidays", "makeup_workdays"),
        load,
        lambda body: calendars.load_year(principal, body["year"], body["holidays"], body["makeup_workdays"]),
        "holidays",
    )


@blp.post("/console/districts/residents")
@signed_in_page
def set_residents(principal: Principal):
    return _kept(
        principal,
        "residents",
        ("district", "year", "residents", "source"),
        lambda values: ResidentsInSchema().load({name: value for name, value in values.items() if value}),
        lambda body: kpis.set_residents(principal, **body),
        "district",
    )


def _share(value: str) -> str:
    """A target typed as a percentage (98%) is the share the catalogue keeps (0.98)."""
    if value.endswith(("%", "％")):
        try:
            return str(float(value[:-1]) / 100)
        except ValueError:
            return value
    return value


@blp.post("/console/districts/targets")
@signed_in_page
def set_target(principal: Principal):
    def load(values):
        values = {name: value for name, value in values.items() if value}
        if "value" in values:
            values["value"] = _share(values["value"])
        return TargetInSchema().load(values)

    return _kept(
        principal,
        "target",
        ("code", "district_code", "year", "value", "reason"),
        load,
        lambda body: indicators.set_target(principal, body),
        "code",
    )
