"""Console: every domain's indicators in one table (`backend.core.indicators`), as JSON, CSV and XLSX."""

from __future__ import annotations

from backend.web.blueprint import Blueprint
from backend.web.indicators import indicator_views

blp = Blueprint("console_indicators", __name__, url_prefix="/api/v1/console", description="Indicators of every domain")

indicator_views(blp, "/indicators", None, what="Every domain's indicators", filename="indicators")
