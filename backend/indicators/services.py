"""Indicators against their targets. The catalogue is data (`data/catalogue.json`); a target is found
for a district and year by inheritance — the county's own, else its city's, else its province's, else
one for everywhere, else the catalogue's default from the city plan; each indicator is computed by the
domain that counts it (its provider, through the KPI contract) for the period asked and the period
before it, so every row carries its value, target, whether it is met and its trend."""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta

from redis.exceptions import RedisError

from backend.core import context, domains
from backend.core.districts import any_covers, enclosing_codes
from backend.core.errors import Forbidden, InvalidInput
from backend.core.indicators import IndicatorRow, Period, scopes
from backend.core.principal import ADMIN, REGULATOR, Principal
from backend.core.text import Text
from backend.core.timeutil import today_shanghai, utcnow
from backend.indicators.errors import IndicatorNotFound
from backend.indicators.models import EVERYWHERE, Target, TargetChange
from backend.registry import services as registry
from backend.workflow.services import upsert_record

# where each code's provider lives, when the code's first part is not the domain's name
PROVIDER_DOMAIN = {"sector": "supervision", "platform": "supervision"}
# an aggregate reader for the public subset: the providers count records of the district asked and
# return nothing else (the catalogue marks which codes are public)
PUBLIC_READER = Principal(user_id="000000000000000000000000", role=ADMIN)
# A provider's rows for one district and a closed period are kept in Redis until recomputed at the
# next closing (`close_periods`); a period still running is counted afresh (its records keep arriving
# and people check a figure right after changing it).
CLOSED_PERIOD_SECONDS = 400 * 24 * 3600
MAX_SERIES_MONTHS = 24


def catalogue() -> dict:
    return domains.data_file("backend.indicators", "data/catalogue.json")


def definitions() -> list[dict]:
    """The catalogue as published: each indicator with the providers that compute it and what their
    queries count (the provider's own description), so the words and the code can be read side by side."""
    found = []
    for item in catalogue()["indicators"]:
        references = _providers(item["code"])
        queries = [" ".join(_described(domains.resolve(reference)).split()) for reference in references]
        found.append({**item, "computed_by": references, "query": " ".join(q for q in queries if q) or None})
    return found


def _described(provider) -> str:
    """A provider's description: its own docstring, else its module's (where a kpis module says it)."""
    return provider.__doc__ or sys.modules[provider.__module__].__doc__ or ""


def entry(code: str) -> dict:
    """The catalogue's entry for a code, or for its family (supervision.quarterly_completion.town)."""
    by_code = {item["code"]: item for item in catalogue()["indicators"]}
    parts = code.split(".")
    for length in range(len(parts), 1, -1):
        found = by_code.get(".".join(parts[:length]))
        if found is not None:
            return found
    raise IndicatorNotFound()


def _chain(district_code: str | None) -> list[str]:
    own = enclosing_codes(district_code) if district_code else []
    return sorted(own, key=lambda code: (code.endswith("0000"), code.endswith("00"))) + [EVERYWHERE]  # nearest first


def targets_table(codes, district_codes, year: int):
    """A lookup (code, district) → target for many rows at once, from one query: the district's own
    for the year, or every year, then its city's, its province's, everywhere's, and last the
    catalogue's default."""
    chains = {district: _chain(district) for district in set(district_codes)}
    places = sorted({place for chain in chains.values() for place in chain})
    found = {
        (t.code, t.district_code, t.year): t.value
        for t in Target.objects(code__in=sorted(set(codes)), district_code__in=places, year__in=[year, None]).only(
            "code", "district_code", "year", "value"
        )
    }

    def lookup(code: str, district: str | None) -> float | None:
        for place in chains[district]:
            for wanted_year in (year, None):
                if (code, place, wanted_year) in found:
                    return found[(code, place, wanted_year)]
        return entry(code).get("default_target")

    return lookup


def target_for(code: str, district_code: str | None, year: int) -> float | None:
    """One target by inheritance (see `targets_table`)."""
    return targets_table([code], [district_code], year)(code, district_code)


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


def _providers(code: str) -> list[str]:
    domain = PROVIDER_DOMAIN.get(code.split(".")[0], code.split(".")[0])
    wanted = next((d for d in domains.loaded() if d.name == domain), None)
    if wanted is None:
        raise IndicatorNotFound()
    return list(wanted.indicators)


def _cache_key(reference: str, district: str, period: Period, sector: str | None) -> str:
    return f"kpi:{catalogue()['version']}:{reference}:{district}:{period.label}:{sector or '-'}"


def provider_rows(
    principal: Principal, reference: str, district: str | None, period: Period, sector: str | None, *, fresh=False
) -> list[IndicatorRow]:
    """One provider's rows for one district; a closed period's from the cache when it has them. A
    district's figures are the same for everyone allowed to see that district (the scope was checked
    before), so they are shared; "everything the principal sees" (no district) depends on who asks and
    is never cached. Redis away: computed every time."""
    provider = domains.resolve(reference)
    if district is None or period.end >= today_shanghai():
        return provider(principal, districts=(district,), period=period, sector=sector)
    key = _cache_key(reference, district, period, sector)
    if not fresh:
        try:
            cached = context.redis().get(key)
        except RedisError:
            cached = None
        if cached is not None:
            return [IndicatorRow(**row) for row in json.loads(cached)]
    rows = provider(principal, districts=(district,), period=period, sector=sector)
    try:
        context.redis().set(key, json.dumps([row.as_dict() for row in rows]), ex=CLOSED_PERIOD_SECONDS)
    except RedisError:
        pass
    return rows


def _rows(principal: Principal, codes, districts: tuple, period: Period, sector: str | None) -> list[IndicatorRow]:
    """The rows of the codes asked (None: every row every domain counts), each provider asked once per
    district."""
    if codes is None:
        references = [reference for domain in domains.loaded() for reference in domain.indicators]
    else:
        references = list(dict.fromkeys(reference for code in codes for reference in _providers(code)))
    return [
        row
        for reference in references
        for district in districts
        for row in provider_rows(principal, reference, district, period, sector)
        if codes is None or row.code in codes
    ]


def reader(principal: Principal) -> Principal:
    """Whom the figures are counted as: an admin or a regulator as themselves; anyone else allowed to
    read indicators (a 食安办, the dashboard's read-only account) as a regulator of their own districts —
    the figures are aggregates of those districts, which the scope check allowed first."""
    if principal.role in (ADMIN, REGULATOR):
        return principal
    return Principal(user_id=principal.user_id, role=REGULATOR, districts=principal.districts)


def evaluate(principal: Principal, code: str, *, districts, period: Period, sector: str | None = None) -> list[dict]:
    """One indicator for the districts asked (within the principal's), the period and its sector: each
    row with its target, whether it is met, and the trend against the previous period."""
    return evaluate_many(principal, [code], districts=districts, period=period, sector=sector)


def evaluate_many(
    principal: Principal, codes: list[str] | None, *, districts, period: Period, sector: str | None = None
) -> list[dict]:
    """Several indicators (None: every one, with their variants) as `evaluate` gives one, each domain's
    provider asked once per district and period, the targets read in one query."""
    for code in codes or ():
        entry(code)  # an unknown code: 404 before anything is counted
    if period.start > today_shanghai():
        raise InvalidInput(errors={"period": [Text("The period has not begun.")]})
    wanted = scopes(principal, districts)
    principal = reader(principal)
    now = _rows(principal, codes, wanted, period, sector)
    before = {
        (r.code, r.district_code, r.sector): r.value for r in _rows(principal, codes, wanted, previous(period), sector)
    }
    target = targets_table([row.code for row in now], [row.district_code for row in now], period.end.year)
    found = []
    for row in now:
        item = entry(row.code)
        direction = item["direction"]
        goal = target(row.code, row.district_code)
        earlier = before.get((row.code, row.district_code, row.sector))
        found.append(
            {
                **row.as_dict(),
                "name": item["name"] if item["code"] == row.code else row.name,  # the catalogue's, for its own
                "target": goal,
                "met": met(row.value, goal, direction),
                "direction": direction,
                "previous": earlier,
                "trend": None if row.value is None or earlier is None else round(row.value - earlier, 4),
            }
        )
    return found


def series(principal: Principal, code: str, *, districts, period: Period, sector: str | None = None) -> list[dict]:
    """The indicator month by month through the period (each month evaluated as `evaluate` does): what a
    trend line against the target is drawn from."""
    months = []
    first = period.start.replace(day=1)
    while first <= min(period.end, today_shanghai()) and len(months) < MAX_SERIES_MONTHS:
        months.append(Period.parse(first.strftime("%Y-%m")))
        first = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return [
        row for month in months for row in evaluate(principal, code, districts=districts, period=month, sector=sector)
    ]


def by_district(principal: Principal, code: str, *, period: Period, sector: str | None = None) -> list[dict]:
    """The indicator for each county the principal oversees that has businesses: the bars of a
    comparison, and the tiles of the dashboard's district grid. (Whose businesses a reader sees is the
    registry's rule, which lets some roles see others' counties: only the reader's own are compared.)"""
    served = [
        county
        for county in registry.served_districts(reader(principal))
        if principal.role == ADMIN or any_covers(principal.districts, county)
    ]
    return evaluate(principal, code, districts=served or None, period=period, sector=sector)


def close_periods(principal: Principal, counties: list[str], month: str) -> int:
    """At a month's closing: count afresh, and keep, every provider's rows for the month — and for the
    quarter and the year when the month ends them — for each county and its city and province."""
    period = Period.parse(month)
    closing = [period]
    if period.end.month % 3 == 0:
        closing.append(Period.quarter_of(period.end))
    if period.end.month == 12:
        closing.append(Period.parse(str(period.end.year)))
    places = sorted({code for county in counties for code in enclosing_codes(county)})
    references = [reference for domain in domains.loaded() for reference in domain.indicators]
    for closed in closing:
        for place in places:
            for reference in references:
                provider_rows(principal, reference, place, closed, None, fresh=True)
    return len(closing) * len(places) * len(references)


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
