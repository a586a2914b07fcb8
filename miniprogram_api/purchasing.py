"""Mini-program: suppliers' catalogues, the catalogue buyers browse, and orders from placing to
receipt (进货查验). Households (a citizen without a business) order and receive here too."""

from __future__ import annotations

from flask import request
from flask.views import MethodView

from backend.core.principal import CITIZEN
from backend.core.schemas import PaginationQuerySchema
from backend.purchasing import services
from backend.purchasing.schemas import (
    CancelReasonSchema,
    CatalogueEntrySchema,
    CatalogueQuerySchema,
    OrderDetailSchema,
    OrderInSchema,
    OrderQuerySchema,
    OrderReasonSchema,
    OrderSchema,
    OrderVersionSchema,
    ProductInSchema,
    ProductSchema,
    ProductUpdateSchema,
    ReceiveSchema,
    ShipSchema,
)
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.idempotency import HEADER, idempotent
from backend.web.pagination import paginate

blp = Blueprint(
    "mp_purchasing",
    __name__,
    url_prefix="/api/v1/mp",
    description="Purchasing: catalogues, orders, shipping in lots, receipt checks (进货查验)",
)


def _user_id() -> str:
    return current_principal().user_id


@blp.route("/products")
class Catalogue(MethodView):
    @access(CITIZEN)
    @blp.arguments(CatalogueQuerySchema, location="query")
    @blp.response(200, CatalogueEntrySchema(many=True))
    def get(self, query):
        """Products on sale from approved (not suspended) suppliers"""
        found, names = services.catalogue(
            q=query.get("q"), category=query.get("category"), supplier_id=query.get("supplier_id")
        )
        return services.catalogue_entries(paginate(found, query["page"], query["per_page"]), names)


@blp.route("/businesses/<oid:business_id>/products")
class SupplierProducts(MethodView):
    @access(CITIZEN)
    @blp.arguments(PaginationQuerySchema, location="query")
    @blp.response(200, ProductSchema(many=True))
    def get(self, query, business_id):
        """The supplier's own products, on sale or not"""
        return paginate(services.products_of(_user_id(), business_id), query["page"], query["per_page"])

    @access(CITIZEN)
    @idempotent
    @blp.arguments(ProductInSchema)
    @blp.response(201, ProductSchema)
    def post(self, body, business_id):
        """List a product (owners and managers of a supplier)"""
        return services.add_product(_user_id(), business_id, body)


@blp.route("/businesses/<oid:business_id>/products/<oid:product_id>")
class SupplierProduct(MethodView):
    @access(CITIZEN)
    @blp.arguments(ProductUpdateSchema)
    @blp.response(200, ProductSchema)
    def patch(self, body, business_id, product_id):
        """Change a product: price, availability, …"""
        return services.update_product(_user_id(), business_id, product_id, body)


@blp.route("/orders")
class Orders(MethodView):
    @access(CITIZEN)
    @blp.arguments(OrderQuerySchema, location="query")
    @blp.response(200, OrderSchema(many=True))
    def get(self, query):
        """Your orders: placed for your household or your businesses, and those your businesses supply"""
        found = services.orders_for(_user_id(), side=query.get("side"), status=query.get("status"))
        return paginate(found, query["page"], query["per_page"])

    @access(CITIZEN)
    @idempotent(required=True, kept_by_service=True)
    @blp.arguments(OrderInSchema)
    @blp.response(201, OrderSchema)
    def post(self, body):
        """Place an order (Idempotency-Key required: the same key is the same order)"""
        order, _created = services.place_order(_user_id(), request_key=request.headers[HEADER], values=body)
        return order


@blp.route("/orders/<oid:order_id>")
class OrderDetail(MethodView):
    @access(CITIZEN)
    @blp.response(200, OrderDetailSchema)
    def get(self, order_id):
        """One order with its lots and their trace codes"""
        return services.order_detail(_user_id(), order_id)


@blp.route("/orders/<oid:order_id>/accept")
class AcceptOrder(MethodView):
    @access(CITIZEN)
    @idempotent
    @blp.arguments(OrderVersionSchema)
    @blp.response(200, OrderSchema)
    def post(self, body, order_id):
        """The supplier accepts a placed order"""
        return services.accept_order(_user_id(), order_id, body.get("version"))


@blp.route("/orders/<oid:order_id>/decline")
class DeclineOrder(MethodView):
    @access(CITIZEN)
    @idempotent
    @blp.arguments(OrderReasonSchema)
    @blp.response(200, OrderSchema)
    def post(self, body, order_id):
        """The supplier declines a placed order, with a reason"""
        return services.decline_order(_user_id(), order_id, body["reason"], body.get("version"))


@blp.route("/orders/<oid:order_id>/cancel")
class CancelOrder(MethodView):
    @access(CITIZEN)
    @idempotent
    @blp.arguments(CancelReasonSchema)
    @blp.response(200, OrderSchema)
    def post(self, body, order_id):
        """The buyer cancels before shipping"""
        return services.cancel_order(_user_id(), order_id, body.get("reason"), body.get("version"))


@blp.route("/orders/<oid:order_id>/ship")
class ShipOrder(MethodView):
    @access(CITIZEN)
    @idempotent
    @blp.arguments(ShipSchema)
    @blp.response(200, OrderDetailSchema)
    def post(self, body, order_id):
        """The supplier ships the accepted order in lots; each lot gets its trace code (一品一码)"""
        services.ship_order(_user_id(), order_id, body["lots"])
        return services.order_detail(_user_id(), order_id)


@blp.route("/orders/<oid:order_id>/receive")
class ReceiveOrder(MethodView):
    @access(CITIZEN)
    @idempotent
    @blp.arguments(ReceiveSchema)
    @blp.response(200, OrderDetailSchema)
    def post(self, body, order_id):
        """The buyer checks lots on receipt (进货查验): accepted with the certificate received, or rejected"""
        services.receive_order(_user_id(), order_id, body["checks"])
        return services.order_detail(_user_id(), order_id)


@blp.route("/orders/<oid:order_id>/complete")
class CompleteOrder(MethodView):
    @access(CITIZEN)
    @idempotent
    @blp.response(200, OrderSchema)
    def post(self, order_id):
        """The buyer closes a received order"""
        return services.complete_order(_user_id(), order_id)
