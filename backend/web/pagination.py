"""Page pagination: the page's items in the body, totals in an `X-Pagination` header (JSON)."""

from __future__ import annotations

import json
import math

from flask import g


def paginate(queryset, page: int, per_page: int):
    """A page of a queryset, or of a list already computed (e.g. sorted by distance)."""
    total = len(queryset) if isinstance(queryset, list) else queryset.count()
    g.pagination = {"page": page, "per_page": per_page, "total": total, "pages": max(1, math.ceil(total / per_page))}
    if isinstance(queryset, list):
        return queryset[(page - 1) * per_page : page * per_page]
    return list(queryset.skip((page - 1) * per_page).limit(per_page))


def add_pagination_header(response):
    meta = g.get("pagination")
    if meta is not None:
        response.headers["X-Pagination"] = json.dumps(meta)
    return response
