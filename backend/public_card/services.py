"""The public card: a read model (`PublicCard`, one document per business) that the services owning
each part keep up to date when they write (`publish_business`, `publish_section`); built from that
one document in one query, rendered to HTML and JSON, cached in Redis with ETags, and invalidated by
`invalidate`, which every write that changes what a card shows calls after the write.

A card built from data read before a concurrent write must not be cached after that write's
invalidation: each code has a generation counter that `invalidate` bumps, and the cache is filled
only if the generation is still the one read before the build (compare-and-set in Redis).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from bson import ObjectId
from markupsafe import Markup
from redis.exceptions import RedisError

from backend.core import context
from backend.core.html import get_template as template
from backend.core.nearcache import NearCache
from backend.core.timeutil import SHANGHAI, to_shanghai, today_shanghai, utcnow
from backend.public_card.models import PublicCard
from backend.public_card.schemas import PublicCardSchema
from backend.public_card.sections import MAX_SECTION_BYTES, registry

# A card and its generation share a hash slot (the code in braces): the fill script reads one and
# writes the other, which a Redis Cluster allows only within one slot.
CARD_PREFIX = "card:v2:"
GENERATION_PREFIX = "card:gen:"
GENERATION_TTL = 30 * 24 * 3600
MISSING_TTL = 60
CODE_SHAPE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
EXPIRING_DAYS = 30

FOUND, REPLACED, MISSING = "found", "replaced", "missing"
APPROVED, SUSPENDED, REVOKED = "approved", "suspended", "revoked"
PUBLIC_STATUSES = (APPROVED, SUSPENDED, REVOKED)
GRADE_COLOURS = {"A": ("green", "绿码"), "B": ("yellow", "黄码"), "C": ("red", "红码")}
STATUS_LABELS = {APPROVED: "正常经营", SUSPENDED: "已被责令停业整改", REVOKED: "许可已被吊销/注销"}
LICENCE_STATES = {"valid": "有效", "expiring": "即将到期", "expired": "已过期"}

_FILL_IF_CURRENT = """
local current = redis.call('GET', KEYS[2]) or ''
if current ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
"""


@dataclass(frozen=True)
class CachedCard:
    kind: str  # found | replaced | missing
    html: str
    json: str
    etag_html: str
    etag_json: str


def card_key(code: str) -> str:
    return f"{CARD_PREFIX}{{{code}}}"


def generation_key(code: str) -> str:
    return f"{GENERATION_PREFIX}{{{code}}}"


def _etag(body: str) -> str:
    return '"' + hashlib.sha256(body.encode("utf-8")).hexdigest()[:32] + '"'


def _seconds_until_next_midnight() -> int:
    now = utcnow().astimezone(SHANGHAI)
    midnight = datetime.combine(now.date() + timedelta(days=1), time(0, 5), tzinfo=SHANGHAI)
    return max(60, int((midnight - now).total_seconds()))


def _licence(licence: dict | None, today: date) -> dict | None:
    if not licence or not licence.get("number"):
        return None
    expires = date.fromisoformat(licence["expires_on"]) if licence.get("expires_on") else None
    if expires is None or expires > today + timedelta(days=EXPIRING_DAYS):
        state = "valid"
    elif expires < today:
        state = "expired"
    else:
        state = "expiring"
    issued = date.fromisoformat(licence["issued_on"]) if licence.get("issued_on") else None
    return {
        "number": licence["number"],
        "issued_on": issued,
        "expires_on": expires,
        "authority": licence.get("authority"),
        "scope": licence.get("scope"),
        "state": state,
        "state_label": LICENCE_STATES[state],
    }


def _grade(sections: Iterable[dict]) -> dict:
    for summary in sections:
        grade = summary.get("grade") or {}
        if grade.get("level") in GRADE_COLOURS:
            colour, code_label = GRADE_COLOURS[grade["level"]]
            return {
                "level": grade["level"],
                "colour": colour,
                "label": f"{grade['level']}级 · {code_label}",
                "rated_on": date.fromisoformat(grade["rated_on"]) if grade.get("rated_on") else None,
            }
    return {"level": None, "colour": "grey", "label": "暂未评级", "rated_on": None}


def printable_cards(codes: list[str]) -> list[dict]:
    """What a door sticker shows of each code's card (url, business, grade, licence), in the order of
    `codes`: one query for the batch, and no page rendered (a county's 500 stickers rendered whole cards
    for seconds of CPU)."""
    base_url = context.settings().PUBLIC_BASE_URL.rstrip("/")
    today = today_shanghai()
    found = {card.public_code: card for card in PublicCard.objects(public_code__in=list(codes))}
    printable = []
    for code in codes:
        card = found.get(code)
        if card is None or card.status not in PUBLIC_STATUSES:
            continue
        summaries = [card.sections[section.name] for section in registry.ordered() if section.name in card.sections]
        printable.append(
            {
                "url": f"{base_url}/q/{code}",
                "business": card.business,
                "grade": _grade(summaries),
                "licence": _licence(card.licence, today),
            }
        )
    return printable


def build(code: str) -> tuple[str, dict, str]:
    """(kind, public JSON, HTML) for a code, from one MongoDB query (sections.QUERIES_PER_MISS)."""
    base_url = context.settings().PUBLIC_BASE_URL.rstrip("/")
    card = PublicCard.objects.by_code(code).first() if CODE_SHAPE.match(code) else None
    if card is None or card.status not in PUBLIC_STATUSES:
        return MISSING, {"code": code, "found": False}, template("backend.public_card:missing.html").render()
    if card.public_code != code:
        data = {"code": code, "replaced": True, "message": "该二维码已被监管部门更换，请扫描店内张贴的新二维码。"}
        return REPLACED, data, template("backend.public_card:replaced.html").render(card=data)
    today = today_shanghai()
    shown = [(section, card.sections[section.name]) for section in registry.ordered() if section.name in card.sections]
    presented = {section.name: section.present(summary["data"], today) for section, summary in shown}
    latest_change = max(
        [card.updated_at]
        + [summary["updated_at"] for _, summary in shown if isinstance(summary.get("updated_at"), datetime)]
    )
    data: dict[str, Any] = {
        "code": code,
        "url": f"{base_url}/q/{code}",
        "status": card.status,
        "status_label": STATUS_LABELS[card.status],
        "status_reason": card.status_reason if card.status != APPROVED else None,
        "business": card.business,
        "licence": _licence(card.licence, today),
        "grade": _grade(summary for _, summary in shown),
        "alerts": [alert for _, summary in shown for alert in summary.get("alerts", [])],
        "sections": {section.name: presented[section.name] for section, _ in shown if not section.top_level},
        **{section.name: presented[section.name] for section, _ in shown if section.top_level},
        "complaint_url": f"{base_url}/complaints/new?code={code}",
        "updated_at": to_shanghai(latest_change).replace(microsecond=0),
        "as_of": today,
    }
    data = PublicCardSchema().dump(data)
    fragments = [section.render(presented[section.name]) for section, _ in shown]
    html = template("backend.public_card:card.html").render(
        card=data,
        fragments=[Markup(f) for f in fragments if f],  # each section's own template escaped its fragment
        updated_at=to_shanghai(latest_change).strftime("%Y-%m-%d %H:%M"),
        nearby_url=(
            f"{base_url}/search?near={card.latitude:.6f},{card.longitude:.6f}&except={code}"
            if card.latitude is not None
            else None
        ),
    )
    return FOUND, data, html


# --- writes: each part of the card is published by the service that owns it ---------------------------


def publish_business(
    business_id: Any,
    *,
    public_code: str | None,
    retired_codes: Iterable[str],
    status: str | None,
    status_reason: str | None,
    business: dict,
    licence: dict | None,
    district_scopes: Iterable[str] = (),
    location: tuple[float, float] | None = None,
) -> None:
    """The registry's part: identity, licence and public status (None: not public)."""
    PublicCard.objects(id=ObjectId(str(business_id))).update_one(
        upsert=True,
        set__district_scopes=list(district_scopes),
        set__public_code=public_code,
        set__retired_codes=list(retired_codes),
        set__status=status if status in PUBLIC_STATUSES else None,
        set__status_reason=status_reason,
        set__business=business,
        set__licence=licence or {},
        set__latitude=location[0] if location else None,
        set__longitude=location[1] if location else None,
        set__updated_at=utcnow(),
    )


def publish_section(
    business_id: Any, name: str, data: dict, *, alerts: Iterable[str] = (), grade: dict | None = None
) -> None:
    """A domain's summary for the card (masked: no personal data), replacing the previous one; then
    invalidate the cached card. `grade`: {"level": "A"|"B"|"C", "rated_on": "YYYY-MM-DD"}."""
    if registry.get(name) is None:
        raise ValueError(f"no card section named {name!r} is registered")
    summary = {"data": data, "alerts": list(alerts), "grade": grade, "updated_at": utcnow()}
    size = len(json.dumps(summary, ensure_ascii=False, default=_json_default).encode())
    if size > MAX_SECTION_BYTES:
        raise ValueError(f"card section {name!r} is {size} bytes; a summary may have {MAX_SECTION_BYTES}")
    PublicCard.objects(id=ObjectId(str(business_id))).update_one(upsert=True, **{f"set__sections__{name}": summary})
    invalidate(business_id)


def presented_sections(business_ids: Iterable[Any], name: str) -> dict:
    """{business id: the section as the public sees it today} for the businesses that have it, in one
    query (a buyer's catalogue shows its suppliers' serious-dishonesty listings from their cards)."""
    section = registry.get(name)
    today = today_shanghai()
    found = PublicCard.objects(id__in=list(business_ids), **{f"sections__{name}__exists": True}).only(
        f"sections.{name}"
    )
    shown = {card.id: section.present(card.sections[name]["data"], today) for card in found}
    return {business_id: data for business_id, data in shown.items() if data}


def withdraw_section(business_id: Any, name: str) -> None:
    PublicCard.objects(id=ObjectId(str(business_id))).update_one(**{f"unset__sections__{name}": True})
    invalidate(business_id)


def _json_default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, ObjectId):
        raise TypeError("internal ids never go on the public card")
    raise TypeError(type(value).__name__)


def _render(code: str) -> CachedCard:
    kind, data, html = build(code)
    body = json.dumps(data, ensure_ascii=False, default=_json_default)
    return CachedCard(kind, html, body, _etag(html), _etag(body))


def _build_and_cache(code: str) -> CachedCard:
    """Build from MongoDB and fill the cache, unless the card was invalidated meanwhile. With Redis
    away the card is still served, built from MongoDB and not cached."""
    redis = context.redis()
    try:
        generation = redis.get(generation_key(code)) or ""
    except RedisError:  # away: the client's breaker keeps the next requests from waiting for it
        return _render(code)
    card = _render(code)
    ttl = MISSING_TTL if card.kind == MISSING else _seconds_until_next_midnight()  # licence states change by date
    try:
        redis.eval(
            _FILL_IF_CURRENT,
            2,
            card_key(code),
            generation_key(code),
            generation,
            ttl,
            "kind",
            card.kind,
            "html",
            card.html,
            "json",
            card.json,
            "etag_html",
            card.etag_html,
            "etag_json",
            card.etag_json,
        )
    except RedisError:
        pass  # served uncached; a request after the breaker's cool-off tries again
    return card


@dataclass(frozen=True)
class CardView:
    """One representation ("html" or "json") of a card."""

    kind: str
    body: str
    etag: str

    @property
    def http_status(self) -> int:
        return {FOUND: 200, REPLACED: 410, MISSING: 404}[self.kind]


def view(code: str, representation: str) -> CardView:
    """The card for a code as HTML or JSON, from the process's near cache of Redis when it holds a
    current copy, from Redis next, and built from MongoDB on a miss or while Redis is away."""
    if not CODE_SHAPE.match(code) or context.redis().breaker.tripped:
        card = _render(code)
    else:
        try:
            fetched = near_cache().hmget(card_key(code), ("kind", representation, f"etag_{representation}"))
        except RedisError:
            fetched = [None]
        if fetched[0] is not None:
            return CardView(*fetched)
        card = _build_and_cache(code)
    return CardView(card.kind, getattr(card, representation), getattr(card, f"etag_{representation}"))


def near_cache() -> NearCache:
    """Recently read cards, kept in the process and dropped the moment Redis announces a change. Off
    on a Redis Cluster: each primary announces only its own keys, and one tracking connection sees
    one primary."""
    settings = context.settings()
    size = 0 if settings.redis_cluster else settings.PUBLIC_CARD_MEMORY_CACHE
    return context.stores().helper(
        "public_card:near_cache", lambda: NearCache(context.redis(), CARD_PREFIX, max_entries=size)
    )


def get(code: str) -> CachedCard:
    """The whole cached card (every representation); builds it on a miss."""
    if not CODE_SHAPE.match(code):
        return _render(code)
    cached = context.redis().hmget(card_key(code), "kind", "html", "json", "etag_html", "etag_json")
    if cached[0] is not None:
        return CachedCard(*cached)
    return _build_and_cache(code)


def invalidate(business_id: Any, extra_codes: Iterable[str] = ()) -> None:
    """Drop the cached cards of a business under every code it has had. Call after the write."""
    card = PublicCard.objects(id=ObjectId(str(business_id))).only("public_code", "retired_codes").first()
    codes = set(extra_codes)
    if card is not None:
        codes.update(code for code in [card.public_code, *card.retired_codes] if code)
    if not codes:
        return
    # No transaction (the codes lie in different hash slots): the order is enough. A fill that runs
    # after the INCR finds a new generation and writes nothing; one that ran before is deleted.
    pipe = context.redis().pipeline(transaction=False)
    for code in codes:
        pipe.incr(generation_key(code))
        pipe.expire(generation_key(code), GENERATION_TTL)
        pipe.delete(card_key(code))
    pipe.execute()


# --- finding a business without its QR code -------------------------------------------------------------


def search(*, q: str | None = None, district: str | None = None, grade: str | None = None):
    """Approved businesses by part of the name or address, or a licence number, in a district (a city
    or province covers its parts), with a grade (`GRADE_FILTERS`); a queryset to page. Only what the
    public card already shows."""
    from mongoengine import Q

    found = PublicCard.objects.listed()
    if district:
        found = found.filter(district_scopes=district)
    if grade:
        found = found.graded(grade, list(registry.sections))
    if q and q.strip():
        text = q.strip()
        found = found.filter(
            Q(business__name__icontains=text) | Q(business__address__icontains=text) | Q(licence__number=text.upper())
        )
    return found.order_by("business.name")


MAX_RADIUS_KM = 20
MAX_NEAR = 1000
EARTH_RADIUS_KM = 6371.0


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (latitude, longitude) points."""
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def search_near(
    point: tuple[float, float],
    radius_km: float,
    *,
    q: str | None = None,
    district: str | None = None,
    grade: str | None = None,
    excluding: str | None = None,
) -> list[tuple[PublicCard, float]]:
    """Listed businesses within `radius_km` of `point`, nearest first, with their distance. The box
    around the point is a plain range query on (latitude, longitude), which works on any MongoDB (and
    the embedded one) with an ordinary index; the exact distance is computed here."""
    radius_km = min(max(radius_km, 0.05), MAX_RADIUS_KM)
    lat, lng = point
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    dlng = math.degrees(radius_km / (EARTH_RADIUS_KM * max(math.cos(math.radians(lat)), 0.01)))
    box = search(q=q, district=district, grade=grade).filter(
        latitude__gte=lat - dlat, latitude__lte=lat + dlat, longitude__gte=lng - dlng, longitude__lte=lng + dlng
    )
    if excluding:  # "its neighbours", from a card: not the business itself at 0 m
        box = box.filter(public_code__ne=excluding)
    within = []
    for card in box.limit(MAX_NEAR * 4):
        distance = distance_km(point, (card.latitude, card.longitude))
        if distance <= radius_km:
            within.append((card, distance))
    within.sort(key=lambda entry: (entry[1], entry[0].public_code))
    return within[:MAX_NEAR]


def listing_entry(card: PublicCard, distance: float | None = None) -> dict:
    base_url = context.settings().PUBLIC_BASE_URL.rstrip("/")
    grade = _grade(card.sections.values())
    entry = {
        "code": card.public_code,
        "url": f"{base_url}/q/{card.public_code}",
        "name": card.business.get("name"),
        "kind_label": card.business.get("kind_label"),
        "address": card.business.get("address"),
        "district": card.business.get("district"),
        "grade": grade,
        "latitude": card.latitude,
        "longitude": card.longitude,
    }
    if distance is not None:
        entry["distance_m"] = round(distance * 1000)
    return entry


def listed_districts() -> list[tuple[str, str]]:
    """(code, full name) of the counties with listed businesses: the district picker."""
    from backend.core import districts

    codes = {card.business.get("district_code") for card in PublicCard.objects.listed().only("business")}
    return sorted((code, districts.full_name(code)) for code in codes if code)
