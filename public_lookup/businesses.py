"""`/api/v1/public/businesses/<code>`: the public card as JSON, the same content as the QR page."""

from __future__ import annotations

from flask.views import MethodView

from backend.public_card import services as cards
from backend.public_card.errors import CardNotFound, CodeReplaced
from backend.public_card.schemas import PublicCardSchema, PublicListingSchema, PublicSearchQuerySchema
from backend.web.access import PUBLIC, access
from backend.web.blueprint import Blueprint
from backend.web.downloads import cached_response
from backend.web.limits import limit_public
from backend.web.pagination import paginate

blp = Blueprint(
    "public_businesses",
    __name__,
    url_prefix="/api/v1/public/businesses",
    description="Public food-safety information of a business, by its public (QR) code",
)


@blp.route("/<code>")
class PublicBusiness(MethodView):
    @access(PUBLIC)
    @blp.response(200, PublicCardSchema)
    @blp.alt_response(304, description="Not modified (If-None-Match matched the ETag)")
    @blp.alt_response(404, description="Unknown code")
    @blp.alt_response(410, description="The code was replaced by a regulator")
    @blp.alt_response(429, description="Rate limited (per client IP); see Retry-After")
    def get(self, code):
        """Licence, grade, status and the capability sections for a public code (cached; ETag)"""
        limit_public()
        card = cards.view(code, "json")
        if card.kind == cards.MISSING:
            raise CardNotFound()
        if card.kind == cards.REPLACED:
            raise CodeReplaced()
        return cached_response(card.body, etag=card.etag, mimetype="application/json")


@blp.route("")
class PublicBusinesses(MethodView):
    @access(PUBLIC)
    @blp.arguments(PublicSearchQuerySchema, location="query")
    @blp.response(200, PublicListingSchema(many=True))
    def get(self, query):
        """Find a business without its QR code: by name, address or licence number, per district, or near a point"""
        limit_public()
        if query.get("near"):
            latitude, longitude = (float(part) for part in query["near"].split(","))
            found = cards.search_near(
                (latitude, longitude),
                query["radius_km"],
                q=query.get("q"),
                district=query.get("district"),
                grade=query.get("grade"),
            )
            return [
                cards.listing_entry(card, distance)
                for card, distance in paginate(found, query["page"], query["per_page"])
            ]
        found = cards.search(q=query.get("q"), district=query.get("district"), grade=query.get("grade"))
        return [cards.listing_entry(card) for card in paginate(found, query["page"], query["per_page"])]
