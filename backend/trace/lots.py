"""Lots as they are shipped and received: the rules of a lot (its code, its certificate or test report,
the inbound lots it came from) and of the buyer's check on receipt (进货查验). Purchasing calls these
with the order; nothing here knows an order's states."""

from __future__ import annotations

import secrets
from typing import Any

from bson import ObjectId
from mongoengine import NotUniqueError

from backend.core.errors import InvalidInput
from backend.core.text import Items, Text
from backend.core.timeutil import today_shanghai, utcnow
from backend.registry.models import Business
from backend.routine.models import RoutinePhoto
from backend.trace.errors import LotAlreadyChecked, LotCodeTaken
from backend.trace.models import ACCEPTED, IN_TRANSIT, REJECTED, Lot, LotInput, ProduceCertificate, Receipt
from backend.workflow.services import change_state, create_records

TRACE_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read off a label and typed
TRACE_CODE_LENGTH = 12  # 60 random bits: not guessable, short enough to type
EDIBLE_PRODUCE = "edible_produce"


def new_trace_code() -> str:
    return "".join(secrets.choice(TRACE_CODE_ALPHABET) for _ in range(TRACE_CODE_LENGTH))


def unused_trace_codes(count: int) -> list[str]:
    """`count` new trace codes no lot has. The index keeps codes unique per supplier only (a unique
    index on a sharded collection starts with the shard key), and 60 random bits meet again once in a
    few hundred million lots: so new codes are looked up among every supplier's first (one query)."""
    codes: set[str] = set()
    while len(codes) < count:
        candidates = {new_trace_code() for _ in range(count - len(codes))} - codes
        codes |= candidates - set(Lot.objects(trace_code__in=sorted(candidates)).distinct("trace_code"))
    return sorted(codes)


def create_lots(order, lots: list[dict], *, actor_id: Any, trace_codes: list[str] | None = None) -> list[Lot]:
    """Check every lot, then write them all; a lot code this supplier used before is a 409 and writes
    nothing. `trace_codes`: the lots' codes when the caller chooses them, one per lot (the demo keeps
    its codes across starts, as it does its public codes); new random ones otherwise."""
    if trace_codes is not None and len(trace_codes) != len(lots):
        raise ValueError("one trace code per lot")
    supplier = Business.objects.get(id=order.supplier_id)
    buyer = Business.objects(id=order.buyer_business_id).first() if order.buyer_business_id else None
    problems: dict[str, dict] = {}
    codes = [lot["lot_code"] for lot in lots]
    if len(set(codes)) != len(codes):
        raise InvalidInput(errors={"lots": {"lot_code": [Text("Each lot of a shipment has its own lot code.")]}})
    taken = Lot.objects(supplier_id=supplier.id, supplier_lot__in=[f"{supplier.id}:{code}" for code in codes]).distinct(
        "lot_code"
    )
    if taken:
        raise LotCodeTaken(Text("Lot codes already shipped by this supplier: {items}.", items=Items(sorted(taken))))
    inputs = _inputs_by_code(supplier.id, lots)
    certificates = _certificates(supplier.id, lots, inputs)
    made: list[Lot] = []
    today = today_shanghai()
    scopes = sorted(set(supplier.district_scopes) | set(buyer.district_scopes if buyer else ()))
    for index, lot in enumerate(lots):
        errors = {}
        if lot["produced_on"] > today:
            errors["produced_on"] = [Text("In the future.")]
        line = order.lines[lot["line"]]
        certificate = certificates.get(lot.get("certificate_number") or "")
        if lot.get("certificate_number") and certificate is None:
            errors["certificate_number"] = [
                Text("No produce certificate of yours, or of the lots this one came from, has this number.")
            ]
        if not lot.get("certificate_number") and not lot.get("test_report"):
            errors["certificate_number"] = [Text("Give the producer's certificate (承诺达标合格证) or a test report.")]
        lot_inputs = []
        for entry in lot.get("inputs", []):
            source = inputs.get(entry["trace_code"])
            if source is None:
                errors.setdefault("inputs", []).append(
                    f"{entry['trace_code']}: not a lot this business received and accepted."
                )
                continue
            lot_inputs.append(LotInput(lot_id=source.id, trace_code=source.trace_code, quantity=entry["quantity"]))
        if errors:
            problems[str(index)] = errors
            continue
        made.append(
            Lot(
                trace_code=trace_codes[index] if trace_codes else None,
                supplier_id=supplier.id,
                supplier_name=supplier.name,
                lot_code=lot["lot_code"],
                supplier_lot=f"{supplier.id}:{lot['lot_code']}",
                order_id=order.id,
                order_number=order.number,
                line=lot["line"],
                product_id=line.product_id,
                product_name=line.product_name,
                category=line.category,
                quantity=lot["quantity"],
                unit=lot["unit"],
                produced_on=lot["produced_on"],
                shelf_life_days=lot.get("shelf_life_days"),
                origin=lot["origin"],
                certificate_id=certificate.id if certificate else None,
                certificate_number=certificate.number if certificate else None,
                test_report=lot.get("test_report"),
                inputs=lot_inputs,
                input_ids=[entry.lot_id for entry in lot_inputs],
                buyer_user_id=order.buyer_user_id,
                buyer_business_id=order.buyer_business_id,
                buyer_name=order.buyer_name,
                shipped_at=utcnow(),
                district_scopes=scopes,
            )
        )
    if problems:
        raise InvalidInput(errors={"lots": problems})
    if not trace_codes:
        for lot, code in zip(made, unused_trace_codes(len(made)), strict=True):
            lot.trace_code = code
    _check_drawn_quantities(made, inputs)
    try:
        return create_records(made, action="shipped", actor_id=actor_id, target_type="lot")
    except NotUniqueError:  # a lot code taken meanwhile, by a concurrent shipment of this supplier
        raise LotCodeTaken(Text("A lot code was used by another shipment meanwhile; use new lot codes.")) from None


def withdraw_lots(lots: list[Lot]) -> None:
    """Take back lots whose shipment did not happen (the order changed meanwhile)."""
    if lots:
        Lot.objects(id__in=[lot.id for lot in lots], status=IN_TRANSIT).delete()


def _inputs_by_code(business_id: ObjectId, lots: list[dict]) -> dict[str, Lot]:
    """The inbound lots named as inputs, among those this business received and accepted."""
    codes = {entry["trace_code"] for lot in lots for entry in lot.get("inputs", [])}
    if not codes:
        return {}
    return {lot.trace_code: lot for lot in Lot.objects.received_by(business_id).filter(trace_code__in=sorted(codes))}


def _check_drawn_quantities(made: list[Lot], inputs: dict[str, Lot]) -> None:
    """No more may leave than came in: what earlier lots drew from an input plus what these draw stays
    within what was received (in the same unit)."""
    if not inputs:
        return
    drawn: dict[ObjectId, float] = {}
    for earlier in Lot.objects(input_ids__in=[lot.id for lot in inputs.values()]).only("inputs"):
        for entry in earlier.inputs:
            drawn[entry.lot_id] = drawn.get(entry.lot_id, 0) + (entry.quantity or 0)
    for lot in made:
        for entry in lot.inputs:
            drawn[entry.lot_id] = drawn.get(entry.lot_id, 0) + (entry.quantity or 0)
    for source in inputs.values():
        received = source.receipt.quantity if source.receipt else source.quantity
        if drawn.get(source.id, 0) > received + 1e-9:
            raise InvalidInput(
                errors={
                    "inputs": [
                        Text(
                            "{trace_code}: {drawn:g} {unit} drawn, {received:g} {unit} received.",
                            trace_code=source.trace_code,
                            drawn=drawn[source.id],
                            unit=source.unit,
                            received=received,
                        )
                    ]
                }
            )


def _certificates(supplier_id: ObjectId, lots: list[dict], inputs: dict[str, Lot]) -> dict[str, ProduceCertificate]:
    """Certificates a lot may carry: the supplier's own, or those of the lots it came from."""
    numbers = {lot["certificate_number"] for lot in lots if lot.get("certificate_number")}
    if not numbers:
        return {}
    inherited = {lot.certificate_id for lot in inputs.values() if lot.certificate_id}
    found = ProduceCertificate.objects(number__in=sorted(numbers))
    return {c.number: c for c in found if c.issuer_id == supplier_id or c.id in inherited}


def check_receipt(order, checks: list[dict], *, actor_id: Any) -> list[Lot]:
    """Each lot once: accepted (a quantity up to what was shipped, and the produce certificate the buyer
    received when one travels with it) or rejected with a reason. A lot checked already is a 409."""
    by_code = {lot.trace_code: lot for lot in Lot.objects(supplier_id=order.supplier_id, order_id=order.id)}
    problems: dict[str, dict] = {}
    photos = {sha for check in checks for sha in check.get("photos", [])}
    if photos and order.buyer_business_id is None:
        problems["photos"] = {"photos": [Text("Households keep no photos here.")]}
    elif missing := RoutinePhoto.objects.missing(order.buyer_business_id, photos):
        problems["photos"] = {"photos": [Text("Not uploaded for this business: {count} photo(s).", count=len(missing))]}
    seen: set[str] = set()
    for index, check in enumerate(checks):
        lot = by_code.get(check["trace_code"])
        errors = {}
        if check["trace_code"] in seen:  # twice in one request: the second would fail after the first was written
            errors["trace_code"] = [Text("This lot is checked twice in this request.")]
        seen.add(check["trace_code"])
        if lot is None:
            errors["trace_code"] = [Text("Not a lot of this order.")]
        elif check["accepted"]:
            if check.get("quantity") is None:
                check["quantity"] = lot.quantity
            if check["quantity"] > lot.quantity + 1e-9:
                errors["quantity"] = [
                    Text("More than was shipped ({quantity:g} {unit}).", quantity=lot.quantity, unit=lot.unit)
                ]
            received = (check.get("certificate_number") or "").strip().upper()
            if lot.certificate_number and received != lot.certificate_number:
                errors["certificate_number"] = [
                    Text("Record the produce certificate (承诺达标合格证) that came with the lot: its number.")
                ]
        elif not check.get("reason"):
            errors["reason"] = [Text("Say why the lot is rejected.")]
        if errors:
            problems[str(index)] = errors
    if problems:
        raise InvalidInput(errors={"checks": problems})
    checked = []
    for check in checks:
        lot = by_code[check["trace_code"]]
        receipt = Receipt(
            quantity=check["quantity"] if check["accepted"] else 0,
            reason=check.get("reason"),
            photos=check.get("photos", []),
            certificate_number=check.get("certificate_number"),
            by=ObjectId(str(actor_id)),
            at=utcnow(),
        )
        updated = change_state(
            Lot.objects,
            lot.id,
            action="received" if check["accepted"] else "rejected",
            actor_id=actor_id,
            target_type="lot",
            from_statuses=(IN_TRANSIT,),
            to_status=ACCEPTED if check["accepted"] else REJECTED,
            updates={"set__receipt": receipt},
            conflict=LotAlreadyChecked,
            conflict_message=Text("Lot {trace_code} was checked already.", trace_code=lot.trace_code),
        )
        checked.append(updated)
    return checked


def unchecked_count(order) -> int:
    return Lot.objects(supplier_id=order.supplier_id, order_id=order.id, status=IN_TRANSIT).count()


def lots_of_order(order) -> list[Lot]:
    return list(Lot.objects(supplier_id=order.supplier_id, order_id=order.id).order_by("line", "lot_code"))
