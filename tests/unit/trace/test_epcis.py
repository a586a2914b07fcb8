"""The EPCIS 2.0 check: what it refuses (the exports are checked by it in the functional tests)."""

import copy

import pytest

from backend.trace.epcis import CONTEXT, problems

GOOD = {
    "@context": [CONTEXT],
    "type": "EPCISDocument",
    "schemaVersion": "2.0",
    "creationDate": "2026-12-02T10:00:00.000Z",
    "epcisBody": {
        "eventList": [
            {
                "type": "ObjectEvent",
                "action": "ADD",
                "eventTime": "2026-12-01T08:00:00.000+08:00",
                "eventTimeZoneOffset": "+08:00",
                "quantityList": [{"epcClass": "https://x.example/t/ABC", "quantity": 3, "uom": "KGM"}],
                "bizStep": "commissioning",
                "readPoint": {"id": "https://x.example/businesses/1"},
            },
            {
                "type": "TransformationEvent",
                "eventTime": "2026-12-01T09:00:00+08:00",
                "eventTimeZoneOffset": "+08:00",
                "inputQuantityList": [{"epcClass": "https://x.example/t/ABC", "quantity": 3}],
                "outputQuantityList": [{"epcClass": "https://x.example/t/DEF", "quantity": 3}],
            },
            {
                "type": "TransactionEvent",
                "action": "ADD",
                "eventTime": "2026-12-01T10:00:00+08:00",
                "eventTimeZoneOffset": "+08:00",
                "bizTransactionList": [{"type": "po", "bizTransaction": "https://x.example/orders/PO1"}],
                "quantityList": [{"epcClass": "https://x.example/t/DEF", "quantity": 3}],
            },
        ]
    },
}


def test_a_good_document_has_no_problems():
    assert problems(GOOD) == []


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        (("schemaVersion",), "1.2", "schemaVersion"),
        (("creationDate",), "2026-12-02 10:00", "creationDate"),
        (("epcisBody", "eventList", 0, "action"), "CREATE", "eventList[0].action"),
        (("epcisBody", "eventList", 0, "eventTimeZoneOffset"), "8", "eventList[0].eventTimeZoneOffset"),
        (("epcisBody", "eventList", 0, "quantityList"), [], "eventList[0].epcList or quantityList"),
        (("epcisBody", "eventList", 1, "action"), "ADD", "eventList[1].action"),
        (("epcisBody", "eventList", 2, "bizTransactionList"), [], "eventList[2].bizTransactionList"),
        (("epcisBody", "eventList", 2, "quantityList"), [{"epcClass": "not a uri"}], "eventList[2].quantityList"),
        (("epcisBody", "eventList", 0, "readPoint"), "here", "eventList[0].readPoint"),
        (("epcisBody", "eventList", 0, "type"), "Event", "eventList[0].type"),
    ],
)
def test_each_missing_or_wrong_field_is_named(path, value, problem):
    doc = copy.deepcopy(GOOD)
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    found = problems(doc)
    assert any(p.startswith(problem) for p in found), found
