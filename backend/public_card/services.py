"""The public card: built once from MongoDB (one query for the business, at most one per section),
rendered to HTML and JSON, cached in Redis with ETags, and invalidated by `invalidate`, which every
service that changes what a card shows calls after its write.

A card built from data read before a concurrent write must not be cached after that write's
invalidation: each code has a generation counter that `invalidate` bumps, and the cache is filled
only if the generation is still the one read before the build (compare-and-set in Redis).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable

from bson import ObjectId
from jinja2 import Environment, PackageLoader, select_autoescape

from backend.core import context
from backend.core.nearcache import NearCache
from backend.core.timeutil import SHANGHAI, to_shanghai, utcnow
from backend.public_card.sections import SectionOutput, registry
from backend.registry import districts
from backend.registry.models import APPROVED, KIND_LABELS, PUBLIC_STATUSES, REVOKED, SUSPENDED, Business

CARD_KEY = "card:v1:{}"
GENERATION_KEY = "card:gen:{}"
GENERATION_TTL = 30 * 24 * 3600
MISSING_TTL = 60
CODE_SHAPE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
EXPIRING_DAYS = 30

FOUND, REPLACED, MISSING = "found", "replaced", "missing"
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

_env = Environment(loader=PackageLoader("backend.public_card", "templates"),
                   autoescape=select_autoescape(default=True, default_for_string=True),
                   trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True)
class CachedCard:
    kind: str                 # found | replaced | missing
    html: str
    json: str
    etag_html: str
    etag_json: str


def card_key(code: str) -> str:
    return CARD_KEY.format(code)


def _etag(body: str) -> str:
    return '"' + hashlib.sha256(body.encode("utf-8")).hexdigest()[:32] + '"'


def _today() -> date:
    return utcnow().astimezone(SHANGHAI).date()


def _seconds_until_next_midnight() -> int:
    now = utcnow().astimezone(SHANGHAI)
    midnight = datetime.combine(now.date() + timedelta(days=1), time(0, 5), tzinfo=SHANGHAI)
    return max(60, int((midnight - now).total_seconds()))


def _licence(business: Business, today: date) -> dict | None:
    licence = business.licence
    if not licence or not licence.number:
        return None
    expires = licence.expires_on
    if expires is not None and isinstance(expires, datetime):
        expires = expires.date()
    issued = licence.issued_on.date() if isinstance(licence.issued_on, datetime) else licence.issued_on
    if expires is None:
        state = "valid"
    elif expires < today:
        state = "expired"
    elif expires <= today + timedelta(days=EXPIRING_DAYS):
        state = "expiring"
    else:
        state = "valid"
    return {"number": licence.number, "issued_on": issued.isoformat() if issued else None,
            "expires_on": expires.isoformat() if expires else None, "authority": licence.authority,
            "scope": licence.scope, "state": state, "state_label": LICENCE_STATES[state]}


def _grade(outputs: Iterable[SectionOutput]) -> dict:
    for output in outputs:
        if output.grade and output.grade.get("level") in GRADE_COLOURS:
            colour, code_label = GRADE_COLOURS[output.grade["level"]]
            return {"level": output.grade["level"], "colour": colour, "label": f"{output.grade['level']}级 · {code_label}",
                    "rated_on": output.grade.get("rated_on")}
    return {"level": None, "colour": "grey", "label": "暂未评级", "rated_on": None}


def build(code: str) -> tuple[str, dict, str]:
    """(kind, public JSON, HTML) for a code, from MongoDB."""
    base_url = context.settings().PUBLIC_BASE_URL.rstrip("/")
    business = Business.objects.by_public_code(code).first() if CODE_SHAPE.match(code) else None
    if business is None or business.status not in PUBLIC_STATUSES:
        return MISSING, {"code": code, "found": False}, _env.get_template("missing.html").render()
    if business.public_code != code:
        data = {"code": code, "replaced": True, "message": "该二维码已被监管部门更换，请扫描店内张贴的新二维码。"}
        return REPLACED, data, _env.get_template("replaced.html").render(card=data)
    today = _today()
    outputs = []
    for section in registry.ordered():
        output = section.load(business)
        if output is not None:
            outputs.append((section.name, output))
    latest_change = max([business.updated_at] + [o.data.get("updated_at") for _, o in outputs
                                                 if isinstance(o.data.get("updated_at"), datetime)])
    data: dict[str, Any] = {
        "code": code,
        "url": f"{base_url}/q/{code}",
        "status": business.status,
        "status_label": STATUS_LABELS[business.status],
        "status_reason": business.status_reason if business.status != APPROVED else None,
        "business": {"name": business.name, "kind": business.kind, "kind_label": KIND_LABELS[business.kind],
                     "address": business.address, "district": districts.full_name(business.district_code)},
        "licence": _licence(business, today),
        "grade": _grade(o for _, o in outputs),
        "alerts": [alert for _, o in outputs for alert in o.alerts],
        "sections": {name: o.data for name, o in outputs},
        "complaint_url": f"{base_url}/complaints/new?code={code}",
        "updated_at": to_shanghai(latest_change).isoformat(timespec="seconds"),
        "as_of": today.isoformat(),
    }
    html = _env.get_template("card.html").render(
        card=data, fragments=[o.html for _, o in outputs if o.html],
        updated_at=to_shanghai(latest_change).strftime("%Y-%m-%d %H:%M"))
    return FOUND, data, html


def _json_default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, ObjectId):
        raise TypeError("internal ids never go on the public card")
    raise TypeError(type(value).__name__)


def _build_and_cache(code: str) -> CachedCard:
    """Build from MongoDB and fill the cache, unless the card was invalidated meanwhile."""
    redis = context.redis()
    generation = redis.get(GENERATION_KEY.format(code)) or ""
    kind, data, html = build(code)
    body = json.dumps(data, ensure_ascii=False, default=_json_default)
    card = CachedCard(kind, html, body, _etag(html), _etag(body))
    ttl = MISSING_TTL if kind == MISSING else _seconds_until_next_midnight()  # licence states change by date
    redis.eval(_FILL_IF_CURRENT, 2, card_key(code), GENERATION_KEY.format(code), generation, ttl,
               "kind", card.kind, "html", card.html, "json", card.json,
               "etag_html", card.etag_html, "etag_json", card.etag_json)
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


def view(code: str, representation: str, *, client: str | None = None) -> CardView:
    """The card for a code as HTML or JSON, from the process's near cache of Redis when it holds a
    current copy. With `client`, the public rate limit is counted for it first."""
    from backend.public_card.ratelimit import public_limiter

    if client is not None:
        public_limiter().hit(client)
    if not CODE_SHAPE.match(code):
        card = _render_missing(code)
    else:
        fetched = near_cache().hmget(card_key(code), ("kind", representation, f"etag_{representation}"))
        if fetched[0] is not None:
            return CardView(*fetched)
        card = _build_and_cache(code)
    return CardView(card.kind, getattr(card, representation), getattr(card, f"etag_{representation}"))


def near_cache() -> NearCache:
    """Recently read cards, kept in the process and dropped the moment Redis announces a change."""
    size = context.settings().PUBLIC_CARD_MEMORY_CACHE
    return context.stores().helper("public_card:near_cache",
                                   lambda: NearCache(context.redis(), CARD_KEY.format(""), max_entries=size))


def _render_missing(code: str) -> CachedCard:
    kind, data, html = build(code)
    body = json.dumps(data, ensure_ascii=False, default=_json_default)
    return CachedCard(kind, html, body, _etag(html), _etag(body))


def get(code: str) -> CachedCard:
    """The whole cached card (every representation); builds it on a miss."""
    cached = context.redis().hmget(card_key(code), "kind", "html", "json", "etag_html", "etag_json") \
        if CODE_SHAPE.match(code) else [None]
    if cached[0] is not None:
        return CachedCard(*cached)
    return _build_and_cache(code) if CODE_SHAPE.match(code) else _render_missing(code)


def invalidate(business_id: Any, extra_codes: Iterable[str] = ()) -> None:
    """Drop the cached cards of a business under every code it has had. Call after the write."""
    business = Business.objects(id=ObjectId(str(business_id))).only("public_code", "retired_public_codes").first()
    codes = set(extra_codes)
    if business is not None:
        codes.update(code for code in [business.public_code, *business.retired_public_codes] if code)
    if not codes:
        return
    pipe = context.redis().pipeline()
    for code in codes:
        pipe.incr(GENERATION_KEY.format(code))
        pipe.expire(GENERATION_KEY.format(code), GENERATION_TTL)
        pipe.delete(card_key(code))
    pipe.execute()
