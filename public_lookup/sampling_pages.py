"""`/sampling`: the public list of announced sampling results (no JavaScript), failed and passed."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from backend.core import districts
from backend.sampling import publishing
from backend.sampling.models import FAIL, PASS
from backend.web.access import PUBLIC, access
from backend.web.limits import limit_public

blp = Blueprint("sampling_pages", __name__)
PAGE = 50


def _date(name: str) -> date | None:
    try:
        value = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return value if 1900 <= value.year <= 2199 else None


@blp.get("/sampling")
@access(PUBLIC)
def sampling_page():
    limit_public()
    city = request.args.get("city", "")
    city = city if districts.is_known(city) else ""
    date_from, date_to = _date("from"), _date("to")
    try:
        page = max(1, min(10_000, int(request.args.get("page", "1"))))
    except ValueError:
        page = 1
    lists = {}
    pages = 1
    for verdict in (FAIL, PASS):
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
        city_name=districts.full_name(city) if city else "",
        date_from=date_from.isoformat() if date_from else "",
        date_to=date_to.isoformat() if date_to else "",
        failed=lists[FAIL],
        passed=lists[PASS],
        page=page,
        pages=pages,
        query=query,
    )
    return html, 200, {"Cache-Control": "public, max-age=60"}
