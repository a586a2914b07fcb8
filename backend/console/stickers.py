"""Console: door stickers printed in batch for a district, one page each (one PDF)."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView

from backend.core.principal import ADMIN, REGULATOR
from backend.core.schemas import DistrictCode, StrictSchema
from backend.registry import services as registry
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint

blp = Blueprint("console_stickers", __name__, url_prefix="/api/v1/console", description="Door stickers in batch")


class StickerQuerySchema(StrictSchema):
    district = DistrictCode(required=True, metadata={"description": "a county (or a city) you cover"})


@blp.route("/stickers.pdf")
class Stickers(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(StickerQuerySchema, location="query")
    @blp.response(200, content_type="application/pdf")
    def get(self, query):
        """Every approved business's door sticker in the district, one A6 page each"""
        return Response(
            registry.district_stickers_pdf(current_principal(), query["district"]),
            mimetype="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="stickers-{query["district"]}.pdf"'},
        )
