"""Demo purchasing through the real services: the farm base lists vegetables and issues a produce
certificate, the wholesaler buys two lots and ships a merge of them to the school canteen and a split
to a household, each checked on receipt; every lot has a trace page (/t/<code>)."""

from __future__ import annotations

from datetime import timedelta

from backend.accounts.models import User
from backend.core.principal import REGULATOR, Principal
from backend.core.timeutil import today_shanghai
from backend.demo.registry_seed import demo_code
from backend.purchasing import services as purchasing
from backend.purchasing.models import Order
from backend.registry.models import Business
from backend.trace import lots
from backend.trace import services as trace
from backend.trace.models import Lot

FARM = "如皋市长江镇绿源蔬菜种植基地"
WHOLESALER = "张家港市农副产品批发市场鑫达水产经营部"
CANTEEN = "上海市闵行区莘庄实验小学食堂"


def _product(owner, business, name, price_cents):
    return purchasing.add_product(
        owner.id,
        business.id,
        {"name": name, "category": "edible_produce", "unit": "公斤", "price_cents": price_cents, "origin": "江苏如皋"},
    )


def _order(buyer_user, buyer, supplier, supplier_user, product, quantity, key):
    order, _ = purchasing.place_order(
        buyer_user.id,
        request_key=f"demo-{key}",
        values={
            "supplier_id": str(supplier.id),
            "buyer_business_id": str(buyer.id) if buyer else None,
            "lines": [{"product_id": str(product.id), "quantity": quantity}],
        },
    )
    purchasing.accept_order(supplier_user.id, order.id)
    return order


def _codes(*lot_codes: str) -> list[str]:
    """The same trace code for the same demo lot on every start, as the demo's public codes are."""
    return [demo_code(f"lot:{code}", lots.TRACE_CODE_LENGTH, lots.TRACE_CODE_ALPHABET) for code in lot_codes]


def _receive(user, order, certificate_number):
    checks = [
        {"trace_code": lot.trace_code, "accepted": True, "certificate_number": certificate_number}
        for lot in Lot.objects(supplier_id=order.supplier_id, order_id=order.id)
    ]
    purchasing.receive_order(user.id, order.id, checks)


def seed_trace(users: dict) -> None:
    if Order.objects.count():
        return
    farm, wholesaler, canteen = (Business.objects(name=name).first() for name in (FARM, WHOLESALER, CANTEEN))
    if not (farm and wholesaler and canteen):
        return
    today = today_shanghai()
    leek = _product(users["farm"], farm, "韭菜", 320)
    _product(users["farm"], farm, "青菜", 260)
    resold = _product(users["wholesaler"], wholesaler, "韭菜", 480)
    certificate = trace.issue_certificate(
        users["farm"].id,
        farm.id,
        {
            "product": "韭菜",
            "quantity": 200,
            "unit": "公斤",
            "origin": "江苏省如皋市长江镇",
            "producer": "顾长春",
            "contact_phone": "13951300211",
            "issued_on": today - timedelta(days=2),
            "basis": "own_test",
            "test_report": "ZJ-2026-1201",
        },
    )
    lot = {
        "unit": "公斤",
        "origin": "江苏省如皋市长江镇",
        "shelf_life_days": 5,
        "certificate_number": certificate.number,
    }
    inbound = _order(users["wholesaler"], wholesaler, farm, users["farm"], leek, 200, "inbound")
    purchasing.ship_order(
        users["farm"].id,
        inbound.id,
        [
            {**lot, "line": 0, "lot_code": "LY-JC-A", "quantity": 120, "produced_on": today - timedelta(days=2)},
            {**lot, "line": 0, "lot_code": "LY-JC-B", "quantity": 80, "produced_on": today - timedelta(days=2)},
        ],
        trace_codes=_codes("LY-JC-A", "LY-JC-B"),
    )
    _receive(users["wholesaler"], inbound, certificate.number)
    first, second = Lot.objects(supplier_id=inbound.supplier_id, order_id=inbound.id).order_by("lot_code")
    to_canteen = _order(users["canteen"], canteen, wholesaler, users["wholesaler"], resold, 60, "canteen")
    merged = [{"trace_code": first.trace_code, "quantity": 40}, {"trace_code": second.trace_code, "quantity": 20}]
    purchasing.ship_order(
        users["wholesaler"].id,
        to_canteen.id,
        [{**lot, "line": 0, "lot_code": "XD-1", "quantity": 60, "produced_on": first.produced_on, "inputs": merged}],
        trace_codes=_codes("XD-1"),
    )
    _receive(users["canteen"], to_canteen, certificate.number)
    to_home = _order(users["household"], None, wholesaler, users["wholesaler"], resold, 3, "household")
    split = [{"trace_code": first.trace_code, "quantity": 3}]
    purchasing.ship_order(
        users["wholesaler"].id,
        to_home.id,
        [{**lot, "line": 0, "lot_code": "XD-2", "quantity": 3, "produced_on": first.produced_on, "inputs": split}],
        trace_codes=_codes("XD-2"),
    )
    _recall(users, second, Lot.objects(supplier_id=wholesaler.id, lot_code="XD-1").first())


def _recall(users: dict, lot: Lot, merged: Lot) -> None:
    """A recall of 如皋's regulator from one of the farm's lots: the canteen it reached through the
    wholesaler's merged lot has confirmed; the wholesaler has not yet."""
    user = User.objects.by_username("rugao").first()
    if user is None or merged is None:
        return
    regulator = Principal(user_id=str(user.id), role=REGULATOR, session_id="demo-seed", districts=tuple(user.districts))
    recall = trace.start_recall(regulator, reason="快检发现毒死蜱残留超标（演示）", trace_code=lot.trace_code)
    trace.confirm_recall(
        users["canteen"].id, recall.id, trace_code=merged.trace_code, disposal="destroyed", note="已封存并销毁"
    )


def demo_trace_urls(base_url: str) -> list[tuple[str, str]]:
    return [
        (f"{lot.product_name} {lot.supplier_name} → {lot.buyer_name}", f"{base_url.rstrip('/')}/t/{lot.trace_code}")
        for lot in Lot.objects(inputs__ne=[]).order_by("lot_code")
    ]
