"""`/sampling`: the public list of announced sampling results (no JavaScript), failed and passed: cards
on a phone, the SAMR-style table where it fits; the place is picked by name from a list."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from backend.core import districts
from backend.core.text import rendered
from backend.sampling import publishing
from backend.sampling.models import FAIL, PASS
from backend.web.access import PUBLIC, access
from backend.web.limits import limit_public

blp = Blueprint("sampling_pages", __name__)
PAGE = 50
# what the page says beside a field (a Chinese page: the words are its own)
HINTS = {
    "date": "请按“年-月-日”填写日期，例如 2026-11-30。",
    "place": "没有找到“{asked}”：{reason}请从列表中选择市或县（区）。",
    "order": "结束日期应不早于开始日期。",
}


def _date(name: str, errors: dict) -> date | None:
    asked = request.args.get(name, "").strip()[:20]
    if not asked:
        return None
    try:
        value = date.fromisoformat(asked)
    except ValueError:
        value = None
    if value is None or not 1900 <= value.year <= 2199:
        errors[name] = HINTS["date"]
        return None
    return value


def _place(asked: str, places: list[tuple[str, str]], errors: dict) -> str:
    """The code of what was typed or picked: a full name from the list, a name (如皋, 如皋市) or a code."""
    if not asked:
        return ""
    by_name = {name: code for code, name in places}
    if asked in by_name:
        return by_name[asked]
    try:
        return districts.resolve(asked)
    except districts.UnknownDistrict as unknown:
        errors["city"] = HINTS["place"].format(asked=asked, reason=rendered(unknown.reason, "zh"))
        return ""


@blp.get("/sampling")
@access(PUBLIC)
def sampling_page():
    limit_public()
    errors: dict[str, str] = {}
    places = publishing.public_places()
    asked_place = request.args.get("city", "").strip()[:60]
    city = _place(asked_place, places, errors)
    date_from, date_to = _date("from", errors), _date("to", errors)
    if date_from and date_to and date_to < date_from:
        errors["to"] = HINTS["order"]
    try:
        page = max(1, min(10_000, int(request.args.get("page", "1"))))
    except ValueError:
        page = 1
    lists = {FAIL: {"total": 0, "rows": []}, PASS: {"total": 0, "rows": []}}
    pages = 1
    for verdict in () if errors else (FAIL, PASS):
        found = publishing.public_results(city=city or None, date_from=date_from, date_to=date_to, verdict=verdict)
        total = found.count()
        pages = max(pages, -(-total // PAGE))
        listed = list(found.skip((page - 1) * PAGE).limit(PAGE))
        announcements = publishing.announcement_numbers(listed)
        start = (page - 1) * PAGE
        lists[verdict] = {
            "total": total,
            "rows": [publishing.public_row(start + n, s, announcements) for n, s in enumerate(listed, start=1)],
        }
    query = "&".join(f"{k}={v}" for k, v in (("city", city), ("from", date_from or ""), ("to", date_to or "")) if v)
    html = render_template(
        "sampling.html",
        city=city,
        city_input=districts.full_name(city) if city else asked_place,
        places=places,
        errors=errors,
        city_name=districts.full_name(city) if city else "",
        date_from=date_from.isoformat() if date_from else request.args.get("from", "")[:20],
        date_to=date_to.isoformat() if date_to else request.args.get("to", "")[:20],
        failed=lists[FAIL],
        passed=lists[PASS],
        page=page,
        pages=pages,
        query=query,
    )
    return html, 200, {"Cache-Control": "public, max-age=60"}
