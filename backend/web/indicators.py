"""The indicator views every area shares: the same rows as JSON, CSV (Chinese headers, with a BOM for
Excel) and XLSX, from one provider (a domain's, or every domain's: `backend.core.indicators`)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response
from flask.views import MethodView

from backend.core import indicators
from backend.core.principal import ADMIN, REGULATOR
from backend.core.schemas import IndicatorPageQuerySchema, IndicatorQuerySchema, IndicatorRowSchema
from backend.web.access import access, current_principal
from backend.web.downloads import csv_download
from backend.web.pagination import paginate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def indicator_views(
    blp, path: str, provider: Callable[..., list] | None, *, what: str, filename: str, roles=(REGULATOR, ADMIN)
) -> None:
    """GET `path`, `path.csv` and `path.xlsx` on `blp` for `roles` (regulators and admins): one domain's
    `provider` (`Domain.indicators`), or every domain's when None."""

    def answer(query):
        if provider is None:
            return indicators.collect(current_principal(), **query)
        return indicators.run(provider, current_principal(), **query)

    class Json(MethodView):
        @access(*roles)
        @blp.arguments(IndicatorPageQuerySchema, location="query")
        @blp.response(200, IndicatorRowSchema(many=True))
        def get(self, query):
            page, per_page = query.pop("page"), query.pop("per_page")
            return paginate(answer(query), page, per_page)

    class Csv(MethodView):
        @access(*roles)
        @blp.arguments(IndicatorQuerySchema, location="query")
        @blp.response(200, content_type="text/csv")
        def get(self, query):
            return csv_download(indicators.to_csv(answer(query)), f"{filename}.csv")

    class Xlsx(MethodView):
        @access(*roles)
        @blp.arguments(IndicatorQuerySchema, location="query")
        @blp.response(200, content_type=XLSX)
        def get(self, query):
            response = Response(indicators.to_xlsx(answer(query)), mimetype=XLSX)
            response.headers["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
            return response

    endpoint = filename.replace("-", "_")
    for view, suffix, doc in (
        (Json, "", f"{what}: one row per indicator and district (value, numerator, denominator, unit)"),
        (Csv, ".csv", f"{what} as CSV (Chinese headers)"),
        (Xlsx, ".xlsx", f"{what} as XLSX (Chinese headers)"),
    ):
        view.get.__doc__ = doc
        view.__name__ = f"{endpoint}{suffix.replace('.', '_')}"
        blp.route(path + suffix, endpoint=f"{endpoint}{suffix.replace('.', '_')}")(view)
