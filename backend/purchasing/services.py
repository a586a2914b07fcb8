"""Purchasing through the platform: suppliers' catalogues, orders and their states, shipping in lots
and the buyer's check on receipt (进货查验). Every rule of the domain lives here.

Order states: placed → accepted | declined (supplier); accepted → shipped (supplier, with its lots);
shipped → partly_received (some lots checked) → received (every lot checked) → completed (buyer);
the buyer cancels while placed or accepted. Each transition is one `change_state`: of a concurrent
accept and cancel exactly one wins and the other is a 409.

An order is placed with the buyer's Idempotency-Key, kept on the order (unique per buyer): the same key
is the same order for ever, whatever happened to Redis; the same key with another body is a 422.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from bson import ObjectId
from mongoengine import NotUniqueError

from backend.accounts.models import User
from backend.core import context
from backend.core.errors import Forbidden, IdempotencyKeyReused, InvalidInput
from backend.core.ids import object_id
from backend.core.masking import mask_name
from backend.core.text import State, Text
from backend.core.timeutil import today_shanghai
from backend.notifications.services import notify, notify_business
from backend.public_card import services as cards
from backend.purchasing.errors import OrderConflict, OrderNotFound, ProductNotFound, SupplierUnavailable
from backend.purchasing.models import (
    ACCEPTED,
    CANCELLABLE,
    CANCELLED,
    COMPLETED,
    DECLINED,
    PARTLY_RECEIVED,
    PLACED,
    RECEIVED,
    SHIPPED,
    Order,
    OrderLine,
    Product,
)
from backend.registry.models import APPROVED, MANAGER, OWNER, STAFF, SUPPLIER_KINDS, Business, Membership
from backend.registry.services import get_for_member, member_role
from backend.trace import lots as trace_lots
from backend.workflow.services import change_state, create_record

# A household (anyone with a WeChat account) has at most this many orders waiting for suppliers to
# accept, and at most MAX_WAITING_PER_SUPPLIER with one supplier: a new account must not flood a
# supplier with orders and notifications. Businesses are registered and reviewed, and not capped.
MAX_WAITING_HOUSEHOLD_ORDERS = 10
MAX_WAITING_PER_SUPPLIER = 3
ORDER_NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


# -- catalogue -------------------------------------------------------------------------------------


def _supplier(user_id: Any, business_id: Any) -> Business:
    business, _role = get_for_member(user_id, business_id, roles=(OWNER, MANAGER))
    if business.kind not in SUPPLIER_KINDS:
        raise Forbidden(Text("Only suppliers (farm bases, wholesalers, food sellers, central kitchens) list products."))
    return business


def add_product(user_id: Any, business_id: Any, values: dict) -> Product:
    business = _supplier(user_id, business_id)
    product = Product(supplier_id=business.id, **values)
    return create_record(product, action="created", actor_id=user_id, target_type="product")


def update_product(user_id: Any, business_id: Any, product_id: Any, values: dict) -> Product:
    business = _supplier(user_id, business_id)
    return change_state(
        Product.objects.of_supplier(business.id),
        object_id(product_id),
        action="updated",
        actor_id=user_id,
        target_type="product",
        updates={f"set__{name}": value for name, value in values.items()},
        not_found=ProductNotFound,
    )


def products_of(user_id: Any, business_id: Any):
    business, _role = get_for_member(user_id, business_id)
    return Product.objects.of_supplier(business.id).order_by("name", "id")


def suppliers_on_sale(supplier_id: Any = None) -> list[ObjectId]:
    """Suppliers whose products may be bought: approved (not suspended, not revoked) supplier kinds."""
    found = Business.objects(kind__in=SUPPLIER_KINDS, status=APPROVED)
    if supplier_id is not None:
        found = found.filter(id=object_id(supplier_id))
    return list(found.distinct("id"))


def catalogue(*, q: str | None = None, category: str | None = None, supplier_id: Any = None):
    supplier_names = {b.id: b.name for b in Business.objects(id__in=suppliers_on_sale(supplier_id)).only("id", "name")}
    return Product.objects.on_sale(supplier_names, q=q, category=category), supplier_names


# -- orders ----------------------------------------------------------------------------------------


def _body_hash(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def _new_order_number() -> str:
    """A number no order has yet. The index keeps numbers unique per buyer only (a unique index on a
    sharded collection starts with the shard key), and 8 random letters a day meet again within days
    at a province's volume: so a new one is looked up among every buyer's first."""
    while True:
        number = f"PO{today_shanghai():%Y%m%d}" + "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _ in range(8))
        if Order.objects(number=number).only("id").first() is None:
            return number


def _buyer(user_id: Any, buyer_business_id: Any) -> tuple[Business | None, str, list[str]]:
    """The buying business (a member who runs it) or, with no business, the user's household."""
    if buyer_business_id is None:
        user = User.objects(id=object_id(user_id)).first()
        return None, f"{mask_name(user.display_name) if user and user.display_name else '百姓'}家庭", []
    business, _role = get_for_member(user_id, buyer_business_id, roles=(OWNER, MANAGER))
    if business.status != APPROVED:
        raise InvalidInput(errors={"buyer_business_id": [Text("The buying business is not approved or is suspended.")]})
    return business, business.name, list(business.district_scopes)


def place_order(user_id: Any, *, request_key: str, values: dict) -> tuple[Order, bool]:
    """Returns the order and whether this call created it (False: the key's earlier order)."""
    key = f"{user_id}:{request_key}"
    body_hash = _body_hash(values)
    existing = Order.objects(buyer_user_id=object_id(user_id), request_key=key).first()
    if existing is not None:
        return _same_request(existing, body_hash), False
    buyer, buyer_name, buyer_scopes = _buyer(user_id, values.get("buyer_business_id"))
    supplier = Business.objects(id=object_id(values["supplier_id"]), kind__in=SUPPLIER_KINDS, status=APPROVED).first()
    if supplier is None:
        raise SupplierUnavailable(errors={"supplier_id": [Text("Not an approved supplier (or it is suspended).")]})
    if buyer is not None and buyer.id == supplier.id:
        raise InvalidInput(errors={"supplier_id": [Text("A business does not order from itself.")]})
    if buyer is None:
        _check_household_waiting(user_id, supplier.id)
    wanted = values["lines"]
    product_ids = [object_id(line["product_id"]) for line in wanted]
    if len(set(product_ids)) != len(product_ids):
        raise InvalidInput(errors={"lines": [Text("Each product once: put the whole quantity on one line.")]})
    products = {p.id: p for p in Product.objects(id__in=product_ids, supplier_id=supplier.id, available=True)}
    lines, problems = [], {}
    for index, (line, product_id) in enumerate(zip(wanted, product_ids, strict=True)):
        product = products.get(product_id)
        if product is None:
            problems[str(index)] = {"product_id": [Text("Not a product this supplier has on sale.")]}
            continue
        lines.append(
            OrderLine(
                product_id=product.id,
                product_name=product.name,
                category=product.category,
                unit=product.unit,
                quantity=line["quantity"],
                price_cents=product.price_cents,
            )
        )
    if problems:
        raise InvalidInput(errors={"lines": problems})
    order = Order(
        number=_new_order_number(),
        supplier_id=supplier.id,
        supplier_name=supplier.name,
        buyer_user_id=object_id(user_id),
        buyer_business_id=buyer.id if buyer else None,
        buyer_name=buyer_name,
        delivery_address=values.get("delivery_address"),
        note=values.get("note"),
        lines=lines,
        total_cents=sum(round(line.quantity * line.price_cents) for line in lines),
        request_key=key,
        request_hash=body_hash,
        district_scopes=sorted(set(supplier.district_scopes) | set(buyer_scopes)),
    )
    try:
        create_record(order, action="placed", actor_id=user_id, target_type="order")
    except NotUniqueError:  # the same key sent twice at once: the other request made it
        return _same_request(Order.objects.get(buyer_user_id=order.buyer_user_id, request_key=key), body_hash), False
    _tell_supplier(order, "新订单")
    return order, True


def _check_household_waiting(user_id: Any, supplier_id: ObjectId) -> None:
    waiting = Order.objects(buyer_user_id=object_id(user_id), buyer_business_id=None, status=PLACED)
    if waiting.count() >= MAX_WAITING_HOUSEHOLD_ORDERS:
        raise InvalidInput(
            errors={
                "supplier_id": [
                    Text("At most {count} orders may wait for suppliers at a time.", count=MAX_WAITING_HOUSEHOLD_ORDERS)
                ]
            }
        )
    if waiting.filter(supplier_id=supplier_id).count() >= MAX_WAITING_PER_SUPPLIER:
        raise InvalidInput(
            errors={
                "supplier_id": [
                    Text("At most {count} orders may wait for this supplier at a time.", count=MAX_WAITING_PER_SUPPLIER)
                ]
            }
        )


def _same_request(order: Order, body_hash: str) -> Order:
    if order.request_hash != body_hash:
        raise IdempotencyKeyReused()
    return order


def _tell_supplier(order: Order, what: str) -> None:
    notify_business(
        order.supplier_id,
        dedupe_key=f"order:{order.id}:{order.status}",
        kind="order",
        template=context.settings().WECHAT_TEMPLATE_ORDER,
        data={"character_string1": order.number, "thing2": what, "thing3": order.buyer_name[:20]},
        page=f"pages/orders/detail?id={order.id}",
    )


def _tell_buyer(order: Order, what: str) -> None:
    message = {
        "dedupe_key": f"order:{order.id}:{order.status}",
        "kind": "order",
        "template": context.settings().WECHAT_TEMPLATE_ORDER,
        "data": {"character_string1": order.number, "thing2": what, "thing3": order.supplier_name[:20]},
        "page": f"pages/orders/detail?id={order.id}",
    }
    if order.buyer_business_id is not None:
        notify_business(order.buyer_business_id, **message)
        return
    user = User.objects(id=order.buyer_user_id, is_active=True, openid__ne=None).first()
    if user is not None:
        notify(business_id=None, user=user, **{**message, "dedupe_key": f"{message['dedupe_key']}:{user.id}"})


BUYER, SUPPLIER = "buyer", "supplier"


def _my_businesses(user_id: Any, roles=(OWNER, MANAGER, STAFF)) -> list[ObjectId]:
    return list(Membership.objects.business_ids(user_id, roles))


def orders_for(user_id: Any, *, side: str | None = None, status: str | None = None):
    """One who runs both businesses of an order sees it on both sides."""
    found = Order.objects.for_party(
        object_id(user_id), _my_businesses(user_id), buying=side != SUPPLIER, supplying=side != BUYER
    )
    if status:
        found = found.filter(status=status)
    return found.order_by("-created_at", "-id")


def order_sides(order: Order, user_id: Any) -> set[str]:
    """The sides of the order the user is on: buying, supplying, both (one person running both
    businesses), or neither."""
    sides = set()
    if order.buyer_business_id is None and str(order.buyer_user_id) == str(user_id):
        sides.add(BUYER)
    if order.buyer_business_id is not None and member_role(order.buyer_business_id, user_id):
        sides.add(BUYER)
    if member_role(order.supplier_id, user_id):
        sides.add(SUPPLIER)
    return sides


def order_side(order: Order, user_id: Any) -> str | None:
    """The side the order's detail shows the user (the buying side when on both)."""
    sides = order_sides(order, user_id)
    return BUYER if BUYER in sides else SUPPLIER if sides else None


def get_order(user_id: Any, order_id: Any, *, side: str | None = None, manage: bool = False) -> Order:
    """The order when the user is on its `side` (any side when None); managing it takes an owner or
    manager of the business. Otherwise it does not exist (404)."""
    order = Order.objects(id=object_id(order_id)).first()
    sides = order_sides(order, user_id) if order else set()
    if not sides or (side and side not in sides):
        raise OrderNotFound()
    found = side or order_side(order, user_id)
    if manage:
        business_id = order.supplier_id if found == SUPPLIER else order.buyer_business_id
        if business_id is not None and member_role(business_id, user_id) not in (OWNER, MANAGER):
            raise Forbidden(Text("Only the business's owner or manager may do this."))
    return order


def _transition(
    order: Order, user_id: Any, *, action: str, from_statuses, to_status: str, updates=None, version=None
) -> Order:
    return change_state(
        Order.objects,
        order.id,
        action=action,
        actor_id=user_id,
        target_type="order",
        from_statuses=from_statuses,
        to_status=to_status,
        updates=updates,
        expected_version=version,
        conflict=OrderConflict,
    )


def accept_order(user_id: Any, order_id: Any, version: int | None = None) -> Order:
    order = get_order(user_id, order_id, side=SUPPLIER, manage=True)
    order = _transition(order, user_id, action="accepted", from_statuses=(PLACED,), to_status=ACCEPTED, version=version)
    _tell_buyer(order, "供货方已接单")
    return order


def decline_order(user_id: Any, order_id: Any, reason: str, version: int | None = None) -> Order:
    order = get_order(user_id, order_id, side=SUPPLIER, manage=True)
    order = _transition(
        order,
        user_id,
        action="declined",
        from_statuses=(PLACED,),
        to_status=DECLINED,
        updates={"set__status_reason": reason},
        version=version,
    )
    _tell_buyer(order, "供货方已拒单")
    return order


def cancel_order(user_id: Any, order_id: Any, reason: str | None, version: int | None = None) -> Order:
    """Before shipping. With the `version` the buyer saw, an order the supplier accepted meanwhile is a
    409 (the buyer decides again knowing it); without, an accepted order is cancelled too."""
    order = get_order(user_id, order_id, side=BUYER, manage=True)
    order = _transition(
        order,
        user_id,
        action="cancelled",
        from_statuses=CANCELLABLE,
        to_status=CANCELLED,
        updates={"set__status_reason": reason},
        version=version,
    )
    _tell_supplier(order, "买方已取消订单")
    return order


def ship_order(user_id: Any, order_id: Any, lots: list[dict], *, trace_codes: list[str] | None = None) -> Order:
    """Ship the accepted order in lots (each order line in one or more). The lots are written first,
    then the order moves to shipped; when it cannot (cancelled meanwhile), the lots are taken back,
    so a lost race leaves nothing behind."""
    order = get_order(user_id, order_id, side=SUPPLIER, manage=True)
    if order.status != ACCEPTED:
        raise OrderConflict(
            Text("Only an accepted order is shipped; this one is {state}.", state=State("order", order.status))
        )
    _check_line_quantities(order, lots)
    made = trace_lots.create_lots(order, lots, actor_id=user_id, trace_codes=trace_codes)
    try:
        order = _transition(order, user_id, action="shipped", from_statuses=(ACCEPTED,), to_status=SHIPPED)
    except OrderConflict:
        trace_lots.withdraw_lots(made)
        raise
    _tell_buyer(order, "已发货，请验收")
    return order


def _check_line_quantities(order: Order, lots: list[dict]) -> None:
    shipped: dict[int, float] = {}
    problems: dict[str, dict] = {}
    for index, lot in enumerate(lots):
        line = lot["line"]
        if line >= len(order.lines):
            problems[str(index)] = {"line": [Text("The order has lines 0 to {last}.", last=len(order.lines) - 1)]}
            continue
        if lot["unit"] != order.lines[line].unit:
            problems[str(index)] = {"unit": [Text("The order line is in {unit}.", unit=order.lines[line].unit)]}
        shipped[line] = shipped.get(line, 0) + lot["quantity"]
    for line, quantity in shipped.items():
        if quantity > order.lines[line].quantity + 1e-9:
            problems.setdefault(f"line {line}", {})["quantity"] = [
                Text(
                    "{shipped:g} shipped, {ordered:g} ordered: do not ship more than ordered.",
                    shipped=quantity,
                    ordered=order.lines[line].quantity,
                )
            ]
    if problems:
        raise InvalidInput(errors={"lots": problems})


def receive_order(user_id: Any, order_id: Any, checks: list[dict]) -> Order:
    """The buyer checks lots on receipt (进货查验): accepted (with the quantity received and the produce
    certificate received) or rejected with a reason. Once every lot is checked the order is received."""
    order = get_order(user_id, order_id, side=BUYER)
    if order.status not in (SHIPPED, PARTLY_RECEIVED):
        raise OrderConflict(
            Text("Only a shipped order is received; this one is {state}.", state=State("order", order.status))
        )
    trace_lots.check_receipt(order, checks, actor_id=user_id)
    pending = trace_lots.unchecked_count(order)
    target, sources = (RECEIVED, (SHIPPED, PARTLY_RECEIVED)) if pending == 0 else (PARTLY_RECEIVED, (SHIPPED,))
    try:
        order = _transition(order, user_id, action=target, from_statuses=sources, to_status=target)
    except OrderConflict:  # a concurrent check moved it already: the lots are what counts
        order = Order.objects.get(id=order.id)
    if order.status == RECEIVED:
        _tell_supplier(order, "买方已验收")
    return order


def complete_order(user_id: Any, order_id: Any) -> Order:
    order = get_order(user_id, order_id, side=BUYER, manage=True)
    return _transition(order, user_id, action="completed", from_statuses=(RECEIVED,), to_status=COMPLETED)


def order_detail(user_id: Any, order_id: Any) -> dict:
    """The order and its lots, for whichever side the user is on (a household sees its own order, the
    lots it received and their trace pages)."""
    order = get_order(user_id, order_id)
    return {"order": order, "side": order_side(order, user_id), "lots": trace_lots.lots_of_order(order)}


def catalogue_entries(products, supplier_names: dict) -> list[dict]:
    """Each product with its supplier's name and, where the supplier is on the serious-dishonesty list,
    that listing as its public card shows it (buyers see whom they buy from)."""
    products = list(products)
    listed = cards.presented_sections({product.supplier_id for product in products}, "dishonest")
    return [
        {
            "product": product,
            "supplier": supplier_names.get(product.supplier_id),
            "supplier_dishonest": listed.get(product.supplier_id),
        }
        for product in products
    ]
