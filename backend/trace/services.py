"""Trace (一品一码): produce certificates, the public trace page's facts, trace backward and forward
across any number of hops, recalls with their confirmations, and the FSMA 204 and EPCIS exports.

Trace and recall walk the lot graph a hop at a time with one query per hop (`$in` over the whole
frontier), so the queries grow with the depth of the chain, never with how wide it fans out.

A regulator starts a trace or a recall from a lot (or supplier) that touches their districts; the chain
it follows then crosses districts freely, because food does, and the recall is shown to the regulators
of every district it reaches.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from bson import ObjectId
from dateutil.relativedelta import relativedelta

from backend.accounts.models import User
from backend.core import context, districts, tables
from backend.core.errors import Forbidden, InvalidInput
from backend.core.ids import object_id
from backend.core.principal import Principal
from backend.core.text import Text
from backend.core.timeutil import SHANGHAI, today_shanghai, utcnow
from backend.notifications.services import notify, notify_business
from backend.public_card import services as cards
from backend.registry.models import APPROVED, MANAGER, OWNER, Business, Membership
from backend.registry.services import get_for_member, member_role
from backend.sampling.models import FAIL, VERDICT_LABELS, Sample
from backend.trace.errors import CertificateNotFound, LotNotFound, RecallNotFound, TraceCodeNotFound
from backend.trace.lots import TRACE_CODE_ALPHABET
from backend.trace.models import (
    ACCEPTED,
    CERTIFICATE_RETENTION_MONTHS,
    CONFIRMED,
    DISPOSALS,
    OPEN,
    PENDING,
    PLEDGE_BASES,
    PLEDGES,
    REJECTED,
    Lot,
    ProduceCertificate,
    Recall,
    RecallTarget,
)
from backend.workflow.services import change_state, create_record

CARD_SECTION = "recall"
MAX_HOPS = 50
MAX_TRACED_LOTS = 20_000
MAX_EXPORT_LOTS = 20_000


def _number(prefix: str) -> str:
    return f"{prefix}{today_shanghai():%Y%m%d}" + "".join(secrets.choice(TRACE_CODE_ALPHABET) for _ in range(6))


# -- produce certificates (承诺达标合格证) ------------------------------------------------------------


def issue_certificate(user_id: Any, business_id: Any, values: dict) -> ProduceCertificate:
    business, _role = get_for_member(user_id, business_id, roles=(OWNER, MANAGER))
    if business.kind != "farm_base":
        raise Forbidden(Text("Produce certificates (承诺达标合格证) are issued by farm bases (种养殖基地)."))
    if business.status != APPROVED:
        raise Forbidden(Text("The business is not approved."))
    if values["issued_on"] > today_shanghai():
        raise InvalidInput(errors={"issued_on": [Text("In the future.")]})
    if values["basis"] in ("own_test", "commissioned_test") and not values.get("test_report"):
        raise InvalidInput(errors={"test_report": [Text("A pledge based on a test names the test report.")]})
    certificate = ProduceCertificate(
        number=_number("HG"),
        issuer_id=business.id,
        pledges=list(PLEDGES),
        keep_until=values["issued_on"] + relativedelta(months=CERTIFICATE_RETENTION_MONTHS),
        district_scopes=list(business.district_scopes),
        **values,
    )
    return create_record(certificate, action="issued", actor_id=user_id, target_type="produce_certificate")


def certificates_of(user_id: Any, business_id: Any):
    business, _role = get_for_member(user_id, business_id)
    return ProduceCertificate.objects(issuer_id=business.id).order_by("-issued_on", "-id")


def get_certificate(user_id: Any, certificate_id: Any) -> ProduceCertificate:
    """The issuer's members see their certificates; so do buyers holding a lot that carries it."""
    certificate = ProduceCertificate.objects(id=object_id(certificate_id)).first()
    if certificate is None:
        raise CertificateNotFound()
    if member_role(certificate.issuer_id, user_id):
        return certificate
    holders = Lot.objects(certificate_id=certificate.id).distinct("buyer_business_id")
    if any(member_role(holder, user_id) for holder in holders if holder):
        return certificate
    if Lot.objects(certificate_id=certificate.id, buyer_user_id=object_id(user_id), buyer_business_id=None).count():
        return certificate
    raise CertificateNotFound()


def certificate_view(certificate: ProduceCertificate) -> dict:
    issuer = Business.objects(id=certificate.issuer_id).only("name", "public_code").first()
    return {
        "number": certificate.number,
        "product": certificate.product,
        "quantity": certificate.quantity,
        "unit": certificate.unit,
        "origin": certificate.origin,
        "producer": certificate.producer,
        "contact_phone": certificate.contact_phone,
        "issued_on": certificate.issued_on,
        "basis": certificate.basis,
        "basis_label": PLEDGE_BASES[certificate.basis],
        "test_report": certificate.test_report,
        "pledges": list(certificate.pledges),
        "issuer": issuer.name if issuer else None,
    }


# -- the public trace page --------------------------------------------------------------------------


def lot_by_trace_code(code: str) -> Lot:
    lot = Lot.objects.by_trace_code(code).first() if code else None
    if lot is None:
        raise TraceCodeNotFound()
    return lot


def public_trace(code: str) -> dict:
    """What anyone holding the product may know: the product, where and when it was made, who
    supplied it, its certificate, its announced test results and where it came from. No price, no
    buyer."""
    lot = lot_by_trace_code(code)
    certificate = ProduceCertificate.objects(id=lot.certificate_id).first() if lot.certificate_id else None
    sources: dict[tuple, dict] = {}  # one line per lot a person can tell apart (two lines alike say "2 批")
    for hops, source in _walk([lot], backward=True):
        if hops == 0:
            continue
        line = {
            "product": source.product_name,
            "supplier": source.supplier_name,
            "lot_code": source.lot_code,
            "origin": source.origin,
            "produced_on": source.produced_on,
            "hops": hops,
        }
        key = tuple(line.values())
        if key in sources:
            sources[key]["lots"] += 1
        elif len(sources) < 20:
            sources[key] = {**line, "lots": 1}
    codes = [lot.trace_code, *[entry.trace_code for entry in lot.inputs]]
    tests = Sample.objects(trace_code__in=codes, announcement_id__ne=None).order_by("-sampled_on").limit(5)
    return {
        "trace_code": lot.trace_code,
        "product": lot.product_name,
        "lot_code": lot.lot_code,
        "quantity": lot.quantity,
        "unit": lot.unit,
        "origin": lot.origin,
        "supplier": lot.supplier_name,
        "produced_on": lot.produced_on,
        "shelf_life_days": lot.shelf_life_days,
        "use_by": lot.produced_on + timedelta(days=lot.shelf_life_days) if lot.shelf_life_days else None,
        "shipped_on": lot.shipped_at.astimezone(SHANGHAI).date(),
        "certificate": {k: v for k, v in certificate_view(certificate).items() if k != "contact_phone"}
        if certificate
        else None,
        "test_report": lot.test_report,
        "test_results": [
            {
                "food_name": sample.food_name,
                "sampled_on": sample.sampled_on,
                "verdict": sample.verdict,
                "verdict_label": VERDICT_LABELS[sample.verdict],
                "lab": sample.lab,
            }
            for sample in tests
        ],
        "sources": list(sources.values()),
        "recalled": Recall.objects(status=OPEN, targets__lot_id=lot.id).count() > 0,
    }


def trace_url(code: str) -> str:
    return f"{context.settings().PUBLIC_BASE_URL.rstrip('/')}/t/{code}"


def certificate_url(number: str) -> str:
    return f"{context.settings().PUBLIC_BASE_URL.rstrip('/')}/c/{number}"


def public_certificate(number: str) -> dict:
    """A certificate as anyone scanning its QR code may check it."""
    number = (number or "").strip().upper()  # read off paper: 合格证 numbers are upper case
    certificate = ProduceCertificate.objects(number=number).first() if number else None
    if certificate is None:
        raise CertificateNotFound(Text("No such certificate."))
    return certificate_view(certificate)


# -- trace across hops ---------------------------------------------------------------------------------


def _walk(start: list[Lot], *, backward: bool, cycles: list | None = None) -> Iterable[tuple[int, Lot]]:
    """(hops, lot) for the starting lots and every lot before (backward) or after (forward) them, one
    query per hop. Lots rejected on receipt went back and lead nowhere further. Each lot is visited
    once, so lots that feed each other (bad data) end the walk; each such loop is added to `cycles` as
    the trace codes around it, from the lot met again back to itself."""
    seen = {lot.id: lot for lot in start}
    starting = set(seen)
    reached_from: dict = {lot.id: set() for lot in start}  # the lots each was reached through
    frontier = list(start)
    for lot in start:
        yield 0, lot
    for hops in range(1, MAX_HOPS + 1):
        if backward:
            wanted = {lot_id for lot in frontier for lot_id in lot.input_ids}
            found = list(Lot.objects(id__in=list(wanted - set(seen)))) if wanted - set(seen) else []
            links = [(lot, source_id) for lot in frontier for source_id in lot.input_ids]
        else:
            by_id = {lot.id: lot for lot in frontier if lot.status != REJECTED}
            reached = list(Lot.objects(input_ids__in=list(by_id))) if by_id else []
            found = [lot for lot in reached if lot.id not in seen]
            links = [(by_id[source], lot.id) for lot in reached for source in lot.input_ids if source in by_id]
        for via, lot_id in links:
            if lot_id in seen and cycles is not None and _leads_back(reached_from, via.id, lot_id):
                cycles.append(_loop(reached_from, seen, via.id, lot_id))
        for lot in found:
            reached_from.setdefault(lot.id, set())
        for via, lot_id in links:
            if lot_id in reached_from and lot_id not in starting:
                reached_from[lot_id].add(via.id)
        if not found:
            return
        for lot in found:
            seen[lot.id] = lot
            yield hops, lot
        if len(seen) > MAX_TRACED_LOTS:
            raise InvalidInput(
                Text(
                    "The chain holds more than {max_traced_lots} lots; export it by date range.",
                    max_traced_lots=MAX_TRACED_LOTS,
                )
            )
        frontier = found


def _leads_back(reached_from: dict, via, target) -> bool:
    """Whether the walk reached `via` through `target` (or `via` is `target`): a link from `via` to
    `target` then closes a loop. In memory, over the lots already walked."""
    stack, visited = [via], set()
    while stack:
        current = stack.pop()
        if current == target:
            return True
        if current not in visited:
            visited.add(current)
            stack.extend(reached_from.get(current, ()))
    return False


def _loop(reached_from: dict, seen: dict, via, target) -> list[str]:
    """The trace codes from `target` along the walk to `via`, and back to `target`."""
    path, current = [via], via
    while current != target:
        current = next(iter(sorted(p for p in reached_from.get(current, ()) if _leads_back(reached_from, p, target))))
        path.append(current)
    codes = [seen[lot_id].trace_code for lot_id in reversed(path)]
    return codes + [codes[0]]


def _visible_lot(principal: Principal, code: str) -> Lot:
    return Lot.objects.get_visible(principal, LotNotFound, trace_code=code)


def trace_lot_entry(hops: int, lot: Lot) -> dict:
    return {
        "hops": hops,
        "trace_code": lot.trace_code,
        "lot_code": lot.lot_code,
        "product": lot.product_name,
        "quantity": lot.quantity,
        "unit": lot.unit,
        "produced_on": lot.produced_on,
        "origin": lot.origin,
        "supplier_id": str(lot.supplier_id),
        "supplier": lot.supplier_name,
        "buyer_business_id": str(lot.buyer_business_id) if lot.buyer_business_id else None,
        "buyer": lot.buyer_name,
        "household": lot.buyer_business_id is None,
        "status": lot.status,
        "shipped_at": lot.shipped_at,
        "order_number": lot.order_number,
        "certificate_number": lot.certificate_number,
        "inputs": [entry.trace_code for entry in lot.inputs],
    }


def trace(principal: Principal, code: str, *, backward: bool) -> dict:
    lot = _visible_lot(principal, code)
    cycles: list = []
    entries = [trace_lot_entry(hops, found) for hops, found in _walk([lot], backward=backward, cycles=cycles)]
    return {
        "cycles": [" → ".join(codes) for codes in cycles[:20]],
        "trace_code": code,
        "direction": "backward" if backward else "forward",
        "lots": entries,
        "hops": max(entry["hops"] for entry in entries),
        "businesses": len({e["supplier_id"] for e in entries} | {e["buyer_business_id"] for e in entries} - {None}),
    }


# -- recalls ---------------------------------------------------------------------------------------


def start_recall(
    principal: Principal,
    *,
    reason: str,
    trace_code: str | None = None,
    supplier_id: Any = None,
    product_id: Any = None,
    produced_from: date | None = None,
    produced_to: date | None = None,
    sampling_number: str | None = None,
) -> Recall:
    """From a lot, from a supplier's product over production dates, or from a failed sample carrying a
    trace code: every lot downstream, through every hop, is recalled from whoever holds it."""
    source, roots = _recall_roots(
        principal,
        trace_code=trace_code,
        supplier_id=supplier_id,
        product_id=product_id,
        produced_from=produced_from,
        produced_to=produced_to,
        sampling_number=sampling_number,
    )
    targets, scopes, cycles = [], set(), []
    for hops, lot in _walk(roots, backward=False, cycles=cycles):
        if lot.status == REJECTED:
            continue  # went back to its supplier, who holds it as part of their own stock
        scopes.update(lot.district_scopes)
        targets.append(
            RecallTarget(
                lot_id=lot.id,
                trace_code=lot.trace_code,
                product_name=lot.product_name,
                quantity=lot.quantity,
                unit=lot.unit,
                holder_business_id=lot.buyer_business_id,
                holder_user_id=lot.buyer_user_id,
                holder_name=lot.buyer_name,
                hops=hops,
            )
        )
    if not targets:
        raise InvalidInput(errors={"source": [Text("No lot reached a buyer: there is nothing to recall.")]})
    district = sorted(principal.districts)[0] if principal.districts else (sorted(scopes)[0] if scopes else "")
    scopes.update(districts.enclosing_codes(district) if district else ())
    recall = Recall(
        number=_number("ZH"),
        reason=reason,
        source=source[0],
        source_ref=source[1],
        started_by=object_id(principal.user_id),
        district_code=district,
        district_scopes=sorted(scopes),
        root_lot_ids=[lot.id for lot in roots],
        targets=targets,
        cycles=[" → ".join(codes) for codes in cycles[:20]],
    )
    create_record(recall, action="started", actor_id=principal.user_id, target_type="recall")
    _notify_holders(recall)
    for business_id in {t.holder_business_id for t in recall.targets if t.holder_business_id}:
        publish_card(business_id)
    return recall


def _recall_roots(principal: Principal, **given) -> tuple[tuple[str, str], list[Lot]]:
    chosen = [
        name
        for name, present in (
            ("lot", given["trace_code"]),
            ("supplier_product", given["supplier_id"] or given["product_id"]),
            ("sample", given["sampling_number"]),
        )
        if present
    ]
    if len(chosen) != 1:
        raise InvalidInput(
            errors={
                "source": [Text("Start from one of: trace_code; supplier_id + product_id (+ dates); sampling_number.")]
            }
        )
    if chosen[0] == "lot":
        return ("lot", given["trace_code"]), [_visible_lot(principal, given["trace_code"])]
    if chosen[0] == "sample":
        sample = Sample.objects.visible_to(principal).filter(sampling_number=given["sampling_number"]).first()
        if sample is None:
            raise LotNotFound(Text("No such sample in your districts."))
        if sample.verdict != FAIL:
            raise InvalidInput(errors={"sampling_number": [Text("The sample passed; nothing to recall.")]})
        if not sample.trace_code:
            raise InvalidInput(
                errors={
                    "sampling_number": [Text("The sample carries no trace code: start from the lot or the supplier.")]
                }
            )
        roots = list(Lot.objects(trace_code=sample.trace_code))
        if not roots:
            raise InvalidInput(
                errors={"sampling_number": [Text("No lot on the platform has the sample's trace code.")]}
            )
        return ("sample", sample.sampling_number), roots
    supplier = Business.objects.visible_to(principal).filter(id=object_id(given["supplier_id"])).first()
    if supplier is None or not given["product_id"]:
        raise InvalidInput(errors={"supplier_id": [Text("A supplier in your districts, with product_id.")]})
    found = Lot.objects(supplier_id=supplier.id, product_id=object_id(given["product_id"]))
    if given["produced_from"]:
        found = found.filter(produced_on__gte=given["produced_from"])
    if given["produced_to"]:
        found = found.filter(produced_on__lte=given["produced_to"])
    roots = list(found)
    if not roots:
        raise InvalidInput(errors={"product_id": [Text("The supplier shipped no lot of this product in those dates.")]})
    criteria = f"{supplier.id}:{given['product_id']}:{given['produced_from'] or ''}..{given['produced_to'] or ''}"
    return ("supplier_product", criteria), roots


def _notify_holders(recall: Recall) -> None:
    settings = context.settings()
    for target in recall.targets:
        message = {
            "kind": "recall",
            "template": settings.WECHAT_TEMPLATE_RECALL,
            "data": {
                "character_string1": recall.number,
                "thing2": target.product_name[:20],
                "thing3": recall.reason[:20],
            },
            "page": f"pages/recalls/detail?id={recall.id}",
        }
        key = f"recall:{recall.id}:{target.lot_id}"
        if target.holder_business_id:
            notify_business(target.holder_business_id, dedupe_key=key, **message)
            continue
        user = User.objects(id=target.holder_user_id, is_active=True, openid__ne=None).first()
        if user is not None:
            notify(business_id=None, user=user, dedupe_key=f"{key}:{user.id}", **message)


def recalls_for_regulator(principal: Principal, *, status: str | None = None):
    found = Recall.objects.visible_to(principal)
    if status:
        found = found.filter(status=status)
    return found.order_by("-created_at", "-id")


def unconfirmed_holders(now: datetime):
    """(recall, target) for each business holding a lot of an open recall it has not confirmed within
    RECALL_CONFIRM_DAYS of the recall's start."""
    started_before = now - timedelta(days=context.settings().RECALL_CONFIRM_DAYS)
    for recall in Recall.objects(status=OPEN, created_at__lt=started_before).only("number", "reason", "targets"):
        for target in recall.targets:
            if target.status == PENDING and target.holder_business_id is not None:
                yield recall, target


def get_recall_for_regulator(principal: Principal, recall_id: Any) -> Recall:
    return Recall.objects.get_visible(principal, RecallNotFound, id=recall_id)


def _holder_businesses(user_id: Any) -> list[ObjectId]:
    return list(Membership.objects.business_ids(user_id, (OWNER, MANAGER)))


def _holds(target: RecallTarget, user_id: Any, businesses: list[ObjectId]) -> bool:
    if target.holder_business_id is None:
        return str(target.holder_user_id) == str(user_id)
    return target.holder_business_id in businesses


def recalls_for_holder(user_id: Any):
    return Recall.objects.involving(object_id(user_id), _holder_businesses(user_id)).order_by("-created_at", "-id")


def holder_view(recall: Recall, user_id: Any) -> dict:
    """A recall as one who holds its lots sees it: their own lots only, nobody else's."""
    businesses = _holder_businesses(user_id)
    return {**recall_summary(recall), "targets": [t for t in recall.targets if _holds(t, user_id, businesses)]}


def get_recall_for_holder(user_id: Any, recall_id: Any) -> Recall:
    recall = Recall.objects(id=object_id(recall_id)).first()
    businesses = _holder_businesses(user_id)
    if recall is None or not any(_holds(t, user_id, businesses) for t in recall.targets):
        raise RecallNotFound()
    return recall


def confirm_recall(user_id: Any, recall_id: Any, *, trace_code: str, disposal: str, note: str | None = None) -> Recall:
    """The holder of a recalled lot confirms what became of it; the card's banner goes when the
    business has confirmed all its lots. A lot confirmed already is a 409."""
    recall = get_recall_for_holder(user_id, recall_id)
    businesses = _holder_businesses(user_id)
    index = next(
        (i for i, t in enumerate(recall.targets) if t.trace_code == trace_code and _holds(t, user_id, businesses)), None
    )
    if index is None:
        raise InvalidInput(errors={"trace_code": [Text("Not a lot of yours in this recall.")]})
    target = recall.targets[index]
    if disposal not in DISPOSALS:
        raise InvalidInput(errors={"disposal": [Text("One of {items}.", items=", ".join(DISPOSALS))]})
    # by position: the targets never change order once the recall exists (and mongomock's positional
    # `$` after `$elemMatch` updates the wrong element)
    updated = change_state(
        Recall.objects,
        recall.id,
        action="confirmed",
        actor_id=user_id,
        target_type="recall",
        from_statuses=(OPEN,),
        conditions={f"targets__{index}__lot_id": target.lot_id, f"targets__{index}__status": PENDING},
        updates={
            f"set__targets__{index}__status": CONFIRMED,
            f"set__targets__{index}__disposal": disposal,
            f"set__targets__{index}__note": note,
            f"set__targets__{index}__confirmed_by": object_id(user_id),
            f"set__targets__{index}__confirmed_at": utcnow(),
        },
        audit_extra={"trace_code": trace_code, "disposal": disposal},
        conflict_message=Text("This lot's recall was confirmed already."),
    )
    if target.holder_business_id:
        publish_card(target.holder_business_id)
    return updated


def recall_summary(recall: Recall) -> dict:
    total = len(recall.targets)
    confirmed = sum(1 for t in recall.targets if t.status == CONFIRMED)
    return {
        "id": str(recall.id),
        "number": recall.number,
        "reason": recall.reason,
        "source": recall.source,
        "source_ref": recall.source_ref,
        "status": recall.status,
        "created_at": recall.created_at,
        "targets_total": total,
        "targets_confirmed": confirmed,
        "completion_rate": round(confirmed / total, 4) if total else 1.0,
        "holders": len(
            {(t.holder_business_id, t.holder_user_id if not t.holder_business_id else None) for t in recall.targets}
        ),
    }


def publish_card(business_id: Any) -> None:
    """The recall banner on the business's card: its lots under an open recall it has not confirmed."""
    pending = []
    for recall in Recall.objects(
        status=OPEN, targets__match={"holder_business_id": object_id(business_id), "status": PENDING}
    ).order_by("-created_at")[:5]:
        for target in recall.targets:
            if target.holder_business_id == object_id(business_id) and target.status == PENDING:
                pending.append(
                    {
                        "number": recall.number,
                        "product": target.product_name,
                        "trace_code": target.trace_code,
                        "reason": recall.reason[:100],
                        "since": recall.created_at.astimezone(SHANGHAI).date().isoformat(),
                    }
                )
    if not pending:
        cards.withdraw_section(business_id, CARD_SECTION)
        return
    pending = pending[:10]
    alerts = [f"召回中：{entry['product']}（追溯码 {entry['trace_code']}），{entry['reason']}" for entry in pending[:3]]
    cards.publish_section(business_id, CARD_SECTION, {"pending": pending}, alerts=alerts)


# -- exports ---------------------------------------------------------------------------------------

FSMA_COLUMNS = (
    "event_type",
    "traceability_lot_code",
    "lot_code",
    "product",
    "quantity",
    "unit",
    "location",
    "location_district",
    "event_date",
    "event_time",
    "reference_document_type",
    "reference_document_number",
    "source_traceability_lot_codes",
)
SORT_KEYS = {
    "date": lambda e: (e["event_time"], e["traceability_lot_code"], e["event_type"]),
    "lot": lambda e: (e["traceability_lot_code"], e["event_time"], e["event_type"]),
    "event": lambda e: (e["event_type"], e["event_time"], e["traceability_lot_code"]),
}


def export_lots(
    principal: Principal, *, trace_code: str | None, date_from: date | None, date_to: date | None
) -> list[Lot]:
    """The lots of an export: a lot's whole chain (backward and forward), or the lots shipped in a date
    range that touch the regulator's districts."""
    if trace_code:
        lot = _visible_lot(principal, trace_code)
        chain = {found.id: found for _hops, found in _walk([lot], backward=True)}
        chain.update({found.id: found for _hops, found in _walk([lot], backward=False)})
        return list(chain.values())
    if not date_from or not date_to:
        raise InvalidInput(errors={"trace_code": [Text("Give a trace_code, or date_from and date_to.")]})
    if date_to < date_from:
        raise InvalidInput(errors={"date_to": [Text("Before date_from.")]})
    start = datetime.combine(date_from, datetime.min.time(), tzinfo=SHANGHAI)
    end = datetime.combine(date_to + timedelta(days=1), datetime.min.time(), tzinfo=SHANGHAI)
    found = Lot.objects.visible_to(principal).filter(shipped_at__gte=start, shipped_at__lt=end)
    if found.count() > MAX_EXPORT_LOTS:
        raise InvalidInput(
            errors={
                "date_to": [
                    Text("More than {max_export_lots} lots: choose a shorter range.", max_export_lots=MAX_EXPORT_LOTS)
                ]
            }
        )
    return list(found)


def _locations(lots: list[Lot]) -> dict[ObjectId, Business]:
    ids = {lot.supplier_id for lot in lots} | {lot.buyer_business_id for lot in lots if lot.buyer_business_id}
    return {b.id: b for b in Business.objects(id__in=list(ids)).only("id", "name", "district_code", "address")}


def tracking_events(lots: list[Lot]) -> list[dict]:
    """Critical tracking events with their key data elements: shipping, receiving, and transformation
    (a lot made from other lots). A household's receipt is located as 百姓家庭, never by name."""
    places = _locations(lots)
    events = []

    def place(business_id) -> tuple[str, str]:
        business = places.get(business_id)
        return (business.name, business.district_code or "") if business else ("百姓家庭", "")

    for lot in lots:
        shipped = lot.shipped_at.astimezone(SHANGHAI)
        base = {
            "traceability_lot_code": lot.trace_code,
            "lot_code": lot.lot_code,
            "product": lot.product_name,
            "unit": lot.unit,
        }
        if lot.inputs:
            name, district = place(lot.supplier_id)
            events.append(
                {
                    **base,
                    "event_type": "transformation",
                    "quantity": lot.quantity,
                    "location": name,
                    "location_district": district,
                    "event_time": shipped.isoformat(timespec="seconds"),
                    "reference_document_type": "lot_code",
                    "reference_document_number": lot.lot_code,
                    "source_traceability_lot_codes": " ".join(entry.trace_code for entry in lot.inputs),
                }
            )
        name, district = place(lot.supplier_id)
        events.append(
            {
                **base,
                "event_type": "shipping",
                "quantity": lot.quantity,
                "location": name,
                "location_district": district,
                "event_time": shipped.isoformat(timespec="seconds"),
                "reference_document_type": "purchase_order",
                "reference_document_number": lot.order_number,
                "source_traceability_lot_codes": "",
            }
        )
        if lot.receipt is not None and lot.status == ACCEPTED:
            name, district = place(lot.buyer_business_id)
            events.append(
                {
                    **base,
                    "event_type": "receiving",
                    "quantity": lot.receipt.quantity,
                    "location": name,
                    "location_district": district,
                    "event_time": lot.receipt.at.astimezone(SHANGHAI).isoformat(timespec="seconds"),
                    "reference_document_type": "produce_certificate" if lot.certificate_number else "purchase_order",
                    "reference_document_number": lot.certificate_number or lot.order_number,
                    "source_traceability_lot_codes": "",
                }
            )
    for event in events:
        event["event_date"] = event["event_time"][:10]
    return events


def fsma_csv(events: list[dict], sort: str = "date") -> str:
    ordered = sorted(events, key=SORT_KEYS.get(sort, SORT_KEYS["date"]))
    return tables.csv_text(FSMA_COLUMNS, ([event[column] for column in FSMA_COLUMNS] for event in ordered))
