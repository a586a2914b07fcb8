"""Console: door stickers printed in batch for a district, one page each (one PDF)."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.core.principal import ADMIN, REGULATOR
from backend.core.schemas import DistrictCode, StrictSchema
from backend.core.timeutil import today_shanghai
from backend.public_card import qr
from backend.public_card import services as cards
from backend.registry import services as registry
from backend.web.access import access, current_principal

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
        codes = registry.codes_for_printing(current_principal(), query["district"])
        printable = [qr.Sticker.from_card(card) for card in cards.printable_cards(codes)]
        body = qr.stickers_pdf(printable, printed_on=today_shanghai(), title=f"食品安全信息二维码 {query['district']}")
        return Response(
            body,
            mimetype="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="stickers-{query["district"]}.pdf"'},
        )
