"""Indicators against their targets. The catalogue is data (`data/catalogue.json`); a target is found
for a district and year by inheritance — the county's own, else its city's, else its province's, else
one for everywhere, else the catalogue's default from the city plan; each indicator is computed by the
domain that counts it (its provider, through the KPI contract) for the period asked and the period
before it, so every row carries its value, target, whether it is met and its trend."""

from __future__ import annotations

from datetime import date, timedelta

from backend.core import domains
from backend.core.districts import enclosing_codes
from backend.core.errors import Forbidden, InvalidInput
from backend.core.indicators import IndicatorRow, Period, scopes
from backend.core.principal import ADMIN, Principal
from backend.core.text import Text
from backend.core.timeutil import today_shanghai, utcnow
from backend.indicators.errors import IndicatorNotFound
from backend.indicators.models import EVERYWHERE, Target, TargetChange
from backend.workflow.services import upsert_record

# where each code's provider lives, when the code's first part is not the domain's name
PROVIDER_DOMAIN = {"sector": "supervision", "platform": "supervision"}
# an aggregate reader for the public subset: the providers count records of the district asked and
# return nothing else (the catalogue marks which codes are public)
PUBLIC_READER = Principal(user_id="000000000000000000000000", role=ADMIN)


def catalogue() -> dict:
    return domains.data_file("backend.indicators", "data/catalogue.json")


def entry(code: str) -> dict:
    """The catalogue's entry for a code, or for its family (supervision.quarterly_completion.town)."""
    by_code = {item["code"]: item for item in catalogue()["indicators"]}
    parts = code.split(".")
    for length in range(len(parts), 1, -1):
        found = by_code.get(".".join(parts[:length]))
        if found is not None:
            return found
    raise IndicatorNotFound()


def target_for(code: str, district_code: str | None, year: int) -> float | None:
    """The target by inheritance: the district's own for the year, or every year, then its city's,
    its province's, everywhere's, and last the catalogue's default."""
    own = enclosing_codes(district_code) if district_code else []
    chain = sorted(own, key=lambda code: (code.endswith("0000"), code.endswith("00"))) + [EVERYWHERE]  # nearest first
    found = {
        (t.district_code, t.year): t.value
        for t in Target.objects(code=code, district_code__in=chain, year__in=[year, None]).only(
            "district_code", "year", "value"
        )
    }
    for district in chain:
        for wanted_year in (year, None):
            if (district, wanted_year) in found:
                return found[(district, wanted_year)]
    return entry(code).get("default_target")


def met(value: float | None, target: float | None, direction: str) -> bool | None:
    """Whether a value meets its target (None: nothing counted, or no target). Pure."""
    if value is None or target is None:
        return None
    return value >= target if direction == "higher" else value <= target


def previous(period: Period) -> Period:
    """The period before: the month, quarter or year before a whole one; else as many days just before.
    Pure."""
    start, end = period.start, period.end
    if start.day == 1 and (end + timedelta(days=1)).day == 1:  # whole months
        months = (end.year * 12 + end.month) - (start.year * 12 + start.month) + 1
        first = start.year * 12 + start.month - 1 - months
        return Period(date(first // 12, first % 12 + 1, 1), start - timedelta(days=1))
    days = (end - start).days + 1
    return Period(start - timedelta(days=days), start - timedelta(days=1))


def _providers(code: str):
    domain = PROVIDER_DOMAIN.get(code.split(".")[0], code.split(".")[0])
    wanted = next((d for d in domains.loaded() if d.name == domain), None)
    if wanted is None:
        raise IndicatorNotFound()
    return [domains.resolve(reference) for reference in wanted.indicators]


def _rows(principal: Principal, code: str, districts: tuple, period: Period, sector: str | None) -> list[IndicatorRow]:
    rows = []
    for provider in _providers(code):
        rows += [
            row for row in provider(principal, districts=districts, period=period, sector=sector) if row.code == code
        ]
    return rows


def evaluate(principal: Principal, code: str, *, districts, period: Period, sector: str | None = None) -> list[dict]:
    """One indicator for the districts asked (within the principal's), the period and its sector: each
    row with its target, whether it is met, and the trend against the previous period."""
    item = entry(code)
    if period.start > today_shanghai():
        raise InvalidInput(errors={"period": [Text("The period has not begun.")]})
    wanted = scopes(principal, districts)
    now = _rows(principal, code, wanted, period, sector)
    before = {(r.district_code, r.sector): r.value for r in _rows(principal, code, wanted, previous(period), sector)}
    found = []
    for row in now:
        target = target_for(code, row.district_code, period.end.year)
        earlier = before.get((row.district_code, row.sector))
        found.append(
            {
                **row.as_dict(),
                "target": target,
                "met": met(row.value, target, item["direction"]),
                "direction": item["direction"],
                "previous": earlier,
                "trend": None if row.value is None or earlier is None else round(row.value - earlier, 4),
            }
        )
    return found


def public_indicators(district: str, period: Period) -> list[dict]:
    """What a city publishes (the catalogue's public codes) for one district: aggregates only."""
    rows = []
    for item in catalogue()["indicators"]:
        if item["public"]:
            rows += evaluate(PUBLIC_READER, item["code"], districts=[district], period=period)
    return rows


# -- targets ------------------------------------------------------------------------------------------


def targets(principal: Principal, *, code: str | None = None, district: str | None = None):
    if not principal.is_console_user:
        raise Forbidden()
    found = Target.objects
    if code:
        found = found.filter(code=code)
    if district:
        found = found.filter(district_code=district)
    return found.order_by("code", "district_code", "year")


def set_target(principal: Principal, values: dict) -> Target:
    """An admin sets a district's target for a year (or every year), with the reason; the change is kept
    and audited. A ratio's target is a share from 0 to 1."""
    if not principal.is_admin:
        raise Forbidden(Text("Only an admin sets targets."))
    item = entry(values["code"])
    if item["code"] != values["code"]:
        raise InvalidInput(errors={"code": [Text("Set the target of the indicator itself, not of a variant.")]})
    value = values["value"]
    if item["unit"] == "ratio" and not 0 <= value <= 1:
        raise InvalidInput(errors={"value": [Text("A share from 0 to 1 (0.98 is 98%).")]})
    if value < 0:
        raise InvalidInput(errors={"value": [Text("Not below zero.")]})
    key = {"code": values["code"], "district_code": values["district_code"], "year": values.get("year")}
    change = TargetChange(value=value, reason=values["reason"], by=principal.user_id, at=utcnow())
    return upsert_record(
        Target,
        key,
        updates={
            "set__value": value,
            "set__reason": values["reason"],
            "set__set_by": principal.user_id,
            "push__history": change,
        },
        action="set",
        actor_id=principal.user_id,
        target_type="indicator_target",
    )
