"""Purchasing through the services: the kept Idempotency-Key, a shipment that loses its race leaves no
lot behind, and no more leaves a business than came in."""

import uuid
from datetime import date

import pytest

from backend.core.errors import IdempotencyKeyReused, InvalidInput
from backend.purchasing import services
from backend.purchasing.errors import OrderConflict
from backend.purchasing.models import CANCELLED, Order
from backend.trace import lots as trace_lots
from backend.trace.models import Lot
from tests.builders import citizen, shipped_lots, supplier_with_product


def order_values(supplier, product, quantity=10.0) -> dict:
    return {"supplier_id": str(supplier.id), "lines": [{"product_id": str(product.id), "quantity": quantity}]}


def lot_values(quantity=10.0, inputs=()) -> dict:
    return {
        "line": 0,
        "lot_code": uuid.uuid4().hex[:10],
        "quantity": quantity,
        "unit": "公斤",
        "produced_on": date(2026, 11, 30),
        "origin": "江苏如皋",
        "test_report": "R-1",
        "inputs": [{"trace_code": code, "quantity": drawn} for code, drawn in inputs],
    }


def test_the_key_is_kept_on_the_order_so_a_retry_after_redis_forgot_it_finds_it(app_context):
    farm, _owner, product = supplier_with_product()
    home = citizen()
    first, created = services.place_order(home.user_id, request_key="k-0001", values=order_values(farm, product))
    again, created_again = services.place_order(home.user_id, request_key="k-0001", values=order_values(farm, product))
    assert created and not created_again and again.id == first.id
    assert first.buyer_business_id is None and first.buyer_name.endswith("家庭")
    with pytest.raises(IdempotencyKeyReused) as reused:  # the web layer's own error for the same thing
        services.place_order(home.user_id, request_key="k-0001", values=order_values(farm, product, 11))
    assert reused.value.error_code() == "idempotency_key_reused" and "Idempotency-Key" in reused.value.errors
    # another user's same key is another order
    other, created_other = services.place_order(
        citizen().user_id, request_key="k-0001", values=order_values(farm, product)
    )
    assert created_other and other.id != first.id


def test_a_shipment_that_loses_to_a_cancel_leaves_no_lot(app_context, monkeypatch):
    farm, farm_owner, product = supplier_with_product()
    home = citizen()
    order, _ = services.place_order(home.user_id, request_key="k-0002", values=order_values(farm, product))
    services.accept_order(farm_owner.user_id, order.id)
    original = trace_lots.create_lots

    def cancelled_meanwhile(order_, lots, *, actor_id, trace_codes=None):
        made = original(order_, lots, actor_id=actor_id)
        services.cancel_order(home.user_id, order.id, "不要了")  # the buyer wins the race
        return made

    monkeypatch.setattr(trace_lots, "create_lots", cancelled_meanwhile)
    with pytest.raises(OrderConflict):
        services.ship_order(farm_owner.user_id, order.id, [lot_values()])
    assert Lot.objects(order_id=order.id).count() == 0
    assert Order.objects.get(id=order.id).status == CANCELLED


def test_no_more_leaves_a_business_than_it_received(app_context):
    farm, farm_owner, farm_product = supplier_with_product("farm_base")
    wholesaler, wholesaler_owner, wholesaler_product = supplier_with_product("wholesaler", "320582")
    (inbound,) = shipped_lots(wholesaler_owner, wholesaler, farm, farm_owner, farm_product, [10.0])
    home = citizen()
    order, _ = services.place_order(
        home.user_id, request_key="k-0003", values=order_values(wholesaler, wholesaler_product, 20)
    )
    services.accept_order(wholesaler_owner.user_id, order.id)
    with pytest.raises(InvalidInput) as refused:
        services.ship_order(
            wholesaler_owner.user_id,
            order.id,
            [lot_values(6, [(inbound.trace_code, 6)]), lot_values(6, [(inbound.trace_code, 6)])],
        )
    assert "12 公斤 drawn, 10 公斤 received" in str(refused.value.errors)
    # an inbound lot the business never received cannot be named
    stranger, stranger_owner, stranger_product = supplier_with_product("farm_base")
    (elsewhere,) = shipped_lots(citizen(), None, stranger, stranger_owner, stranger_product, [3.0])
    with pytest.raises(InvalidInput) as refused:
        services.ship_order(wholesaler_owner.user_id, order.id, [lot_values(3, [(elsewhere.trace_code, 3)])])
    assert "not a lot this business received" in str(refused.value.errors)
    assert Lot.objects(order_id=order.id).count() == 0


def test_a_household_cannot_flood_a_supplier_with_orders(app_context, monkeypatch):
    farm, farm_owner, product = supplier_with_product()
    home = citizen()
    for n in range(services.MAX_WAITING_PER_SUPPLIER):
        services.place_order(home.user_id, request_key=f"flood-{n:04d}", values=order_values(farm, product))
    with pytest.raises(InvalidInput) as refused:
        services.place_order(home.user_id, request_key="flood-more", values=order_values(farm, product))
    assert "supplier_id" in refused.value.errors
    first = Order.objects(buyer_user_id=home.user_id).first()
    services.accept_order(farm_owner.user_id, first.id)  # no longer waiting: room for one more
    services.place_order(home.user_id, request_key="flood-after", values=order_values(farm, product))
    monkeypatch.setattr(services, "MAX_WAITING_HOUSEHOLD_ORDERS", 3)
    other, _owner, other_product = supplier_with_product()
    with pytest.raises(InvalidInput):  # across suppliers too
        services.place_order(home.user_id, request_key="flood-other", values=order_values(other, other_product))


def test_one_person_running_both_businesses_acts_on_each_side(app_context):
    """The wholesaler's owner also runs the canteen that buys from it: they accept as the supplier and
    cancel as the buyer, and see the order on both sides."""
    from tests.builders import approved

    wholesaler, owner, product = supplier_with_product(kind="wholesaler")
    canteen = approved(owner, kind="school_canteen")
    values = {**order_values(wholesaler, product), "buyer_business_id": str(canteen.id)}
    order, _ = services.place_order(owner.user_id, request_key="both-0001", values=values)
    assert services.order_sides(order, owner.user_id) == {services.BUYER, services.SUPPLIER}
    assert [o.id for o in services.orders_for(owner.user_id, side=services.SUPPLIER)] == [order.id]
    assert [o.id for o in services.orders_for(owner.user_id, side=services.BUYER)] == [order.id]
    accepted = services.accept_order(owner.user_id, order.id)  # was a 404: only the buying side was seen
    assert accepted.status == "accepted"
    assert services.cancel_order(owner.user_id, order.id, "不要了").status == CANCELLED


def test_the_same_lot_twice_in_one_receipt_is_refused_before_anything_is_written(app_context):
    farm, farm_owner, product = supplier_with_product()
    home = citizen()
    order, _ = services.place_order(home.user_id, request_key="twice-0001", values=order_values(farm, product))
    services.accept_order(farm_owner.user_id, order.id)
    services.ship_order(farm_owner.user_id, order.id, [lot_values()])
    (lot,) = Lot.objects(order_id=order.id)
    check = {"trace_code": lot.trace_code, "accepted": True, "quantity": 10.0}
    with pytest.raises(InvalidInput) as refused:
        services.receive_order(home.user_id, order.id, [check, check])
    assert "trace_code" in str(refused.value.errors)
    assert Lot.objects.get(id=lot.id).status == "in_transit"  # nothing half-written: the order can still be received
    assert services.receive_order(home.user_id, order.id, [check]).status == "received"
