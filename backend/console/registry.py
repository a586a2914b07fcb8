"""Regulator console: review businesses within the regulator's districts."""

from __future__ import annotations

from flask.views import MethodView

from backend.core.principal import ADMIN, REGULATOR
from backend.core.schemas import ReasonSchema
from backend.registry import services
from backend.registry.schemas import (
    BusinessDetailSchema,
    BusinessSchema,
    ConsoleBusinessQuerySchema,
    OptionalReasonSchema,
)
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.downloads import document_response
from backend.web.pagination import paginate

blp = Blueprint(
    "console_businesses",
    __name__,
    url_prefix="/api/v1/console/businesses",
    description="Review of food businesses (regulators, within their districts)",
)


@blp.route("")
class ConsoleBusinesses(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(ConsoleBusinessQuerySchema, location="query")
    @blp.response(200, BusinessSchema(many=True))
    def get(self, query):
        """Businesses in your districts; filter by status, kind, district, name or USCC"""
        page, per_page = query.pop("page"), query.pop("per_page")
        return paginate(services.search_for_regulator(current_principal(), **query), page, per_page)


@blp.route("/<oid:business_id>")
class ConsoleBusiness(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, BusinessDetailSchema)
    def get(self, business_id):
        """One business with its documents"""
        return services.with_documents(services.get_for_regulator(current_principal(), business_id))


def _review_view(action: str, schema):
    class Review(MethodView):
        @access(REGULATOR, ADMIN)
        @blp.arguments(schema)
        @blp.response(200, BusinessSchema)
        def post(self, body, business_id):
            return services.review(current_principal(), business_id, action, body.get("reason"))

    Review.post.__doc__ = {
        "approve": "Approve a submitted registration; the business gets its public code",
        "reject": "Reject a submitted registration (reason required)",
        "suspend": "Suspend an approved business (reason required)",
        "revoke": "Revoke an approved or suspended business (reason required)",
        "reinstate": "Reinstate a suspended or revoked business (reason required)",
    }[action]
    Review.__name__ = f"{action.title()}Business"
    return Review


for _action, _schema in (
    ("approve", OptionalReasonSchema),
    ("reject", ReasonSchema),
    ("suspend", ReasonSchema),
    ("revoke", ReasonSchema),
    ("reinstate", ReasonSchema),
):
    blp.route(f"/<oid:business_id>/{_action}", endpoint=_action)(_review_view(_action, _schema))


@blp.route("/<oid:business_id>/public-code")
class ReplacePublicCode(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(ReasonSchema)
    @blp.response(200, BusinessSchema)
    def post(self, body, business_id):
        """Replace the public code; the old code's page then says it was replaced"""
        return services.replace_public_code(current_principal(), business_id, body["reason"])


@blp.route("/<oid:business_id>/documents/<oid:document_id>")
class ConsoleDocument(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, content_type="application/octet-stream")
    def get(self, business_id, document_id):
        """Download a document of a business in your districts"""
        return document_response(*services.get_document(current_principal(), business_id, document_id))
