"""EPCIS 2.0 JSON-LD: the lots' events as an EPCISDocument, and a check of what the standard requires.

No maintained Python package ships the EPCIS 2.0 JSON schema (epcpyyes, the one named, covers EPCIS 1.2
XML only), so `problems` checks the 2.0 standard's required fields and shapes itself: the document's
@context, type, schemaVersion and creationDate; each event's type, eventTime and eventTimeZoneOffset;
`action` where the event type has one and never on a TransformationEvent; what each type must name
(epcList or quantityList; a bizTransactionList for a TransactionEvent; inputs or outputs for a
TransformationEvent); quantity elements with an epcClass URI; CBV or URI values for bizStep and
disposition; readPoint and bizLocation as {"id": URI}.

Each lot is an EPC class of its own (its public trace URL), counted in its unit; locations are the
businesses' public card URLs.
"""

from __future__ import annotations

import re
from datetime import datetime

from backend.core import context
from backend.core.timeutil import SHANGHAI, utcnow

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
EVENT_TYPES = ("ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent")
ACTIONS = ("ADD", "OBSERVE", "DELETE")
_OFFSET = re.compile(r"^[+-](?:0\d|1[0-4]):[0-5]\d$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_CBV_WORD = re.compile(r"^[a-z_]+$")
UNITS = {
    "kg": "KGM",
    "公斤": "KGM",
    "千克": "KGM",
    "g": "GRM",
    "克": "GRM",
    "t": "TNE",
    "吨": "TNE",
    "L": "LTR",
    "升": "LTR",
}


def _base() -> str:
    return context.settings().PUBLIC_BASE_URL.rstrip("/")


def _class(trace_code: str) -> str:
    return f"{_base()}/t/{trace_code}"


def _quantity(trace_code: str, quantity: float, unit: str) -> dict:
    element = {"epcClass": _class(trace_code), "quantity": quantity}
    if unit in UNITS:
        element["uom"] = UNITS[unit]
    return element


def _place(business_id) -> dict:
    return {"id": f"{_base()}/businesses/{business_id}" if business_id else f"{_base()}/households"}


def _time(moment: datetime) -> tuple[str, str]:
    local = moment.astimezone(SHANGHAI)
    return local.isoformat(timespec="milliseconds"), local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:]


def document(lots) -> dict:
    events = []
    for lot in lots:
        shipped, offset = _time(lot.shipped_at)
        quantity = [_quantity(lot.trace_code, lot.quantity, lot.unit)]
        if lot.inputs:
            events.append(
                {
                    "type": "TransformationEvent",
                    "eventTime": shipped,
                    "eventTimeZoneOffset": offset,
                    "inputQuantityList": [
                        _quantity(entry.trace_code, entry.quantity or 0, lot.unit) for entry in lot.inputs
                    ],
                    "outputQuantityList": quantity,
                    "bizStep": "repacking",
                    "readPoint": _place(lot.supplier_id),
                    "bizLocation": _place(lot.supplier_id),
                }
            )
        else:
            events.append(
                {
                    "type": "ObjectEvent",
                    "action": "ADD",
                    "eventTime": shipped,
                    "eventTimeZoneOffset": offset,
                    "quantityList": quantity,
                    "bizStep": "commissioning",
                    "disposition": "active",
                    "readPoint": _place(lot.supplier_id),
                    "ilmd": {"productionDate": lot.produced_on.isoformat(), "origin": lot.origin},
                }
            )
        events.append(
            {
                "type": "TransactionEvent",
                "action": "ADD",
                "eventTime": shipped,
                "eventTimeZoneOffset": offset,
                "bizTransactionList": [{"type": "po", "bizTransaction": f"{_base()}/orders/{lot.order_number}"}],
                "quantityList": quantity,
                "bizStep": "shipping",
                "disposition": "in_transit",
                "readPoint": _place(lot.supplier_id),
                "sourceList": [{"type": "owning_party", "source": _place(lot.supplier_id)["id"]}],
                "destinationList": [{"type": "owning_party", "destination": _place(lot.buyer_business_id)["id"]}],
            }
        )
        if lot.receipt is not None and lot.status == "accepted":
            received, offset = _time(lot.receipt.at)
            events.append(
                {
                    "type": "ObjectEvent",
                    "action": "OBSERVE",
                    "eventTime": received,
                    "eventTimeZoneOffset": offset,
                    "quantityList": [_quantity(lot.trace_code, lot.receipt.quantity, lot.unit)],
                    "bizStep": "receiving",
                    "disposition": "in_progress",
                    "readPoint": _place(lot.buyer_business_id),
                    "bizLocation": _place(lot.buyer_business_id),
                }
            )
    events.sort(key=lambda event: event["eventTime"])
    return {
        "@context": [CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": utcnow().isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "epcisBody": {"eventList": events},
    }


def problems(doc: dict) -> list[str]:
    """What keeps `doc` from being an EPCIS 2.0 document (empty when nothing does)."""
    found = []
    context_value = doc.get("@context")
    contexts = context_value if isinstance(context_value, list) else [context_value]
    if not any(isinstance(c, str) and c.startswith("https://ref.gs1.org/standards/epcis/") for c in contexts):
        found.append("@context: must name the EPCIS 2.0 context")
    if doc.get("type") != "EPCISDocument":
        found.append("type: must be EPCISDocument")
    if doc.get("schemaVersion") != "2.0":
        found.append("schemaVersion: must be 2.0")
    if not _is_time(doc.get("creationDate")):
        found.append("creationDate: must be a date-time with its offset")
    events = (doc.get("epcisBody") or {}).get("eventList")
    if not isinstance(events, list):
        return [*found, "epcisBody.eventList: required"]
    for index, event in enumerate(events):
        found.extend(f"eventList[{index}].{problem}" for problem in _event_problems(event))
    return found


def _event_problems(event: dict) -> list[str]:
    found = []
    kind = event.get("type")
    if kind not in EVENT_TYPES:
        return [f"type: one of {', '.join(EVENT_TYPES)}"]
    if not _is_time(event.get("eventTime")):
        found.append("eventTime: a date-time with its offset")
    if not isinstance(event.get("eventTimeZoneOffset"), str) or not _OFFSET.match(event["eventTimeZoneOffset"]):
        found.append("eventTimeZoneOffset: ±hh:mm")
    if kind == "TransformationEvent":
        if "action" in event:
            found.append("action: a TransformationEvent has none")
        if not any(
            event.get(name) for name in ("inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList")
        ):
            found.append("inputs or outputs: required")
    else:
        if event.get("action") not in ACTIONS:
            found.append(f"action: one of {', '.join(ACTIONS)}")
    if kind in ("ObjectEvent", "TransactionEvent") and not (event.get("epcList") or event.get("quantityList")):
        found.append("epcList or quantityList: required")
    if kind == "TransactionEvent":
        transactions = event.get("bizTransactionList")
        if not transactions or not all(_is_uri(t.get("bizTransaction")) for t in transactions):
            found.append("bizTransactionList: required, each with a bizTransaction URI")
    for name in ("quantityList", "inputQuantityList", "outputQuantityList"):
        for element in event.get(name) or []:
            if not _is_uri(element.get("epcClass")):
                found.append(f"{name}: each element needs an epcClass URI")
            if "quantity" in element and not isinstance(element["quantity"], (int, float)):
                found.append(f"{name}: quantity must be a number")
    for name in ("bizStep", "disposition"):
        value = event.get(name)
        if value is not None and not (_is_uri(value) or (isinstance(value, str) and _CBV_WORD.match(value))):
            found.append(f"{name}: a CBV value or a URI")
    for name in ("readPoint", "bizLocation"):
        value = event.get(name)
        if value is not None and not (isinstance(value, dict) and _is_uri(value.get("id"))):
            found.append(f"{name}: {{'id': URI}}")
    return found


def _is_uri(value) -> bool:
    return isinstance(value, str) and bool(_URI.match(value))


def _is_time(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return parsed.tzinfo is not None
