"""Public card cache. `invalidate` is the one function services call after a change a card shows."""
from __future__ import annotations

from typing import Any, Iterable

from bson import ObjectId

from backend.core import context

CARD_KEY = "card:v1:{}"


def card_key(code: str) -> str:
    return CARD_KEY.format(code)


def invalidate(business_id: Any, extra_codes: Iterable[str] = ()) -> None:
    """Drop the cached cards of a business under every code it has had."""
    from backend.registry.models import Business

    business = Business.objects(id=ObjectId(str(business_id))).only("public_code", "retired_public_codes").first()
    codes = set(extra_codes)
    if business is not None:
        codes.update(code for code in [business.public_code, *business.retired_public_codes] if code)
    if codes:
        context.redis().delete(*[card_key(code) for code in codes])
