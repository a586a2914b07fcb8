"""Purchasing and trace through HTTP: a farm base sells to a wholesaler, who splits and merges its lots
to a school canteen and a household; trace pages, trace across hops, a recall through every hop with
its confirmations and the card's banner, the exports, and the order state machine under races."""

from __future__ import annotations

import csv
import io
import json
import threading
import uuid

import pytest
import requests

from backend.trace import epcis
from tests.builders import submitted_business
from tests.support import assert_error


def key() -> dict:
    return {"Idempotency-Key": uuid.uuid4().hex}


@pytest.fixture
def chain(api, mp_login, console_login):
    """Approved farm base (如皋), wholesaler (张家港), school canteen (闵行) and a household citizen, the
    regulators of each district, and each supplier's product."""

    def business(kind, name, district):
        owner = mp_login()["access_token"]
        made = submitted_business(api, owner, kind=kind, name=name, district_code=district)
        regulator = console_login("regulator", (district,))
        approved = api.post(f"/api/v1/console/businesses/{made['id']}/approve", token=regulator, json={})
        assert approved.status_code == 200, approved.text
        return {"id": made["id"], "owner": owner, "regulator": regulator, "code": approved.json()["public_code"]}

    farm = business("farm_base", "如皋市长江镇绿源蔬菜种植基地", "320682")
    wholesaler = business("wholesaler", "张家港市鑫达蔬菜批发部", "320582")
    canteen = business("school_canteen", "上海市闵行区莘庄实验小学食堂", "310112")
    household = {"owner": mp_login()["access_token"]}
    for supplier, price in ((farm, 300), (wholesaler, 450)):
        product = api.post(
            f"/api/v1/mp/businesses/{supplier['id']}/products",
            token=supplier["owner"],
            json={
                "name": "韭菜",
                "category": "edible_produce",
                "unit": "公斤",
                "price_cents": price,
                "origin": "江苏如皋",
            },
        )
        assert product.status_code == 201, product.text
        supplier["product"] = product.json()["id"]
    return {"farm": farm, "wholesaler": wholesaler, "canteen": canteen, "household": household}


def place(api, buyer_token, supplier, quantity, buyer_business=None, headers=None):
    body = {"supplier_id": supplier["id"], "lines": [{"product_id": supplier["product"], "quantity": quantity}]}
    if buyer_business:
        body["buyer_business_id"] = buyer_business["id"]
    return api.post("/api/v1/mp/orders", token=buyer_token, json=body, headers=key() if headers is None else headers)


def ok(response, code=200):
    assert response.status_code == code, response.text
    return response.json()


def certificate(api, farm) -> dict:
    return ok(
        api.post(
            "/api/v1/mp/certificates",
            token=farm["owner"],
            json={
                "business_id": farm["id"],
                "product": "韭菜",
                "quantity": 100,
                "unit": "公斤",
                "origin": "江苏省如皋市长江镇",
                "producer": "顾长春",
                "contact_phone": "13951300211",
                "issued_on": "2026-11-30",
                "basis": "own_test",
                "test_report": "ZJ-2026-1130",
            },
        ),
        201,
    )


def lot(line=0, code="L1", quantity=10.0, **extra) -> dict:
    return {
        "line": line,
        "lot_code": code,
        "quantity": quantity,
        "unit": "公斤",
        "produced_on": "2026-11-30",
        "shelf_life_days": 5,
        "origin": "江苏省如皋市长江镇",
        **extra,
    }


@pytest.fixture
def shipped_chain(api, chain):
    """farm → wholesaler (two lots), wholesaler → canteen (a merge of both) and → household (a split)."""
    farm, wholesaler, canteen, household = (chain[k] for k in ("farm", "wholesaler", "canteen", "household"))
    cert = certificate(api, farm)
    inbound = ok(place(api, wholesaler["owner"], farm, 100, buyer_business=wholesaler), 201)
    ok(api.post(f"/api/v1/mp/orders/{inbound['id']}/accept", token=farm["owner"]))
    shipped = ok(
        api.post(
            f"/api/v1/mp/orders/{inbound['id']}/ship",
            token=farm["owner"],
            json={
                "lots": [
                    lot(code="JC-1130-A", quantity=60, certificate_number=cert["number"]),
                    lot(code="JC-1130-B", quantity=40, certificate_number=cert["number"]),
                ]
            },
        )
    )
    farm_lots = [entry["trace_code"] for entry in shipped["lots"]]
    checks = [{"trace_code": code, "accepted": True, "certificate_number": cert["number"]} for code in farm_lots]
    received = ok(
        api.post(f"/api/v1/mp/orders/{inbound['id']}/receive", token=wholesaler["owner"], json={"checks": checks})
    )
    assert received["order"]["status"] == "received"

    to_canteen = ok(place(api, canteen["owner"], wholesaler, 50, buyer_business=canteen), 201)
    to_home = ok(place(api, household["owner"], wholesaler, 5), 201)
    for order in (to_canteen, to_home):
        ok(api.post(f"/api/v1/mp/orders/{order['id']}/accept", token=wholesaler["owner"]))
    merged = lot(
        code="ZJG-1201-1",
        quantity=50,
        certificate_number=cert["number"],
        inputs=[{"trace_code": farm_lots[0], "quantity": 30}, {"trace_code": farm_lots[1], "quantity": 20}],
    )
    canteen_lot = ok(
        api.post(f"/api/v1/mp/orders/{to_canteen['id']}/ship", token=wholesaler["owner"], json={"lots": [merged]})
    )["lots"][0]["trace_code"]
    split = lot(
        code="ZJG-1201-2",
        quantity=5,
        certificate_number=cert["number"],
        inputs=[{"trace_code": farm_lots[0], "quantity": 5}],
    )
    home_lot = ok(
        api.post(f"/api/v1/mp/orders/{to_home['id']}/ship", token=wholesaler["owner"], json={"lots": [split]})
    )["lots"][0]["trace_code"]
    return {
        **chain,
        "certificate": cert,
        "farm_lots": farm_lots,
        "canteen_order": to_canteen,
        "home_order": to_home,
        "canteen_lot": canteen_lot,
        "home_lot": home_lot,
    }


def test_orders_need_a_key_and_the_same_key_is_the_same_order(api, chain):
    farm, wholesaler = chain["farm"], chain["wholesaler"]
    assert_error(place(api, wholesaler["owner"], farm, 10, buyer_business=wholesaler, headers={}), 422)
    headers = key()
    first = ok(place(api, wholesaler["owner"], farm, 10, buyer_business=wholesaler, headers=headers), 201)
    again = ok(place(api, wholesaler["owner"], farm, 10, buyer_business=wholesaler, headers=headers), 201)
    assert again["id"] == first["id"] and first["status"] == "placed" and first["total_cents"] == 3000
    body = assert_error(place(api, wholesaler["owner"], farm, 11, buyer_business=wholesaler, headers=headers), 422)
    assert "Idempotency-Key" in body["errors"]
    listed = ok(api.get("/api/v1/mp/orders", token=wholesaler["owner"]))
    assert [order["id"] for order in listed] == [first["id"]]


def test_the_chain_from_farm_to_canteen_and_household_is_traced_and_recalled(api, shipped_chain, console_login):
    c = shipped_chain
    farm, wholesaler, canteen, household = (c[k] for k in ("farm", "wholesaler", "canteen", "household"))

    # receipt checks (进货查验): the certificate that came with the lot must be recorded
    body = assert_error(
        api.post(
            f"/api/v1/mp/orders/{c['canteen_order']['id']}/receive",
            token=canteen["owner"],
            json={"checks": [{"trace_code": c["canteen_lot"], "accepted": True}]},
        ),
        422,
    )
    assert "certificate_number" in json.dumps(body["errors"])
    ok(
        api.post(
            f"/api/v1/mp/orders/{c['canteen_order']['id']}/receive",
            token=canteen["owner"],
            json={
                "checks": [
                    {"trace_code": c["canteen_lot"], "accepted": True, "certificate_number": c["certificate"]["number"]}
                ]
            },
        )
    )
    home = ok(
        api.post(
            f"/api/v1/mp/orders/{c['home_order']['id']}/receive",
            token=household["owner"],
            json={
                "checks": [
                    {
                        "trace_code": c["home_lot"],
                        "accepted": True,
                        "certificate_number": c["certificate"]["number"],
                        "quantity": 5,
                    }
                ]
            },
        )
    )
    assert home["order"]["status"] == "received" and home["order"]["household"] is True
    assert home["lots"][0]["trace_url"].endswith(f"/t/{c['home_lot']}")

    # the public trace page and JSON: origin, supplier, certificate, sources; no price, no buyer
    page = api.get(f"/t/{c['canteen_lot']}")
    assert page.status_code == 200 and "韭菜" in page.text and "承诺达标合格证" in page.text
    assert "莘庄实验小学" not in page.text and "450" not in page.text
    public = ok(api.get(f"/api/v1/public/trace/{c['canteen_lot']}"))
    assert (
        public["supplier"] == "张家港市鑫达蔬菜批发部" and public["certificate"]["number"] == c["certificate"]["number"]
    )
    assert {s["supplier"] for s in public["sources"]} == {"如皋市长江镇绿源蔬菜种植基地"}
    for source in public["sources"]:  # lots alike but for their code are told apart by it on the page
        assert f"批号 {source['lot_code']}" in page.text
    assert "price_cents" not in json.dumps(public) and "buyer" not in json.dumps(public)
    missing = api.get("/t/ZZZZZZZZZZZZ")
    assert missing.status_code == 404 and "未找到" in missing.text

    # trace across hops, from the console
    farm_regulator = farm["regulator"]
    backward = ok(api.get(f"/api/v1/console/trace/{c['canteen_lot']}/backward", token=canteen["regulator"]))
    assert {(e["hops"], e["trace_code"]) for e in backward["lots"]} == {(0, c["canteen_lot"])} | {
        (1, code) for code in c["farm_lots"]
    }
    forward = ok(api.get(f"/api/v1/console/trace/{c['farm_lots'][0]}/forward", token=farm_regulator))
    assert {(e["hops"], e["trace_code"]) for e in forward["lots"]} == {
        (0, c["farm_lots"][0]),
        (1, c["canteen_lot"]),
        (1, c["home_lot"]),
    }
    outsider = console_login("regulator", ("110101",))
    assert_error(api.get(f"/api/v1/console/trace/{c['farm_lots'][0]}/forward", token=outsider), 404)

    # a recall from the farm's first lot reaches the wholesaler, the canteen and the household
    recall = ok(
        api.post(
            "/api/v1/console/recalls",
            token=farm_regulator,
            json={"reason": "腐霉利超标", "trace_code": c["farm_lots"][0]},
            headers=key(),
        ),
        201,
    )
    assert {t["trace_code"] for t in recall["targets"]} == {c["farm_lots"][0], c["canteen_lot"], c["home_lot"]}
    assert recall["completion_rate"] == 0 and recall["holders"] == 3
    card = ok(api.get(f"/api/v1/public/businesses/{canteen['code']}"))
    assert any("召回" in alert for alert in card["alerts"])
    assert ok(api.get(f"/api/v1/public/trace/{c['canteen_lot']}"))["recalled"] is True
    # each holder sees only its own lots, and confirms them
    mine = ok(api.get("/api/v1/mp/recalls", token=household["owner"]))
    assert [t["trace_code"] for t in mine[0]["targets"]] == [c["home_lot"]]
    assert_error(
        api.post(
            f"/api/v1/mp/recalls/{recall['id']}/confirm",
            token=household["owner"],
            json={"trace_code": c["canteen_lot"], "disposal": "destroyed"},
        ),
        422,
    )
    for holder, code in ((canteen, c["canteen_lot"]), (household, c["home_lot"]), (wholesaler, c["farm_lots"][0])):
        ok(
            api.post(
                f"/api/v1/mp/recalls/{recall['id']}/confirm",
                token=holder["owner"],
                json={"trace_code": code, "disposal": "destroyed", "note": "已全部销毁"},
            )
        )
    again = api.post(
        f"/api/v1/mp/recalls/{recall['id']}/confirm",
        token=canteen["owner"],
        json={"trace_code": c["canteen_lot"], "disposal": "destroyed"},
    )
    assert_error(again, 409)
    done = ok(api.get(f"/api/v1/console/recalls/{recall['id']}", token=canteen["regulator"]))
    assert done["completion_rate"] == 1.0 and done["targets_confirmed"] == 3
    card = ok(api.get(f"/api/v1/public/businesses/{canteen['code']}"))
    assert not any("召回" in alert for alert in card["alerts"])

    # exports: FSMA 204 events of the lot's chain, sortable, and EPCIS 2.0
    exported = api.get(
        "/api/v1/console/exports/fsma204.csv",
        token=farm_regulator,
        params={"trace_code": c["farm_lots"][0], "sort": "lot"},
    )
    assert exported.status_code == 200
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    kinds = {(row["traceability_lot_code"], row["event_type"]) for row in rows}
    assert (c["canteen_lot"], "transformation") in kinds and (c["farm_lots"][0], "receiving") in kinds
    assert [row["traceability_lot_code"] for row in rows] == sorted(row["traceability_lot_code"] for row in rows)
    document = ok(
        api.get("/api/v1/console/exports/epcis.json", token=farm_regulator, params={"trace_code": c["farm_lots"][0]})
    )
    assert epcis.problems(document) == []
    types = {event["type"] for event in document["epcisBody"]["eventList"]}
    assert types == {"ObjectEvent", "TransactionEvent", "TransformationEvent"}
    # by date range: the lots touching the regulator's districts only (the canteen's)
    from datetime import date, timedelta

    today = date.today()
    window = {"date_from": (today - timedelta(days=2)).isoformat(), "date_to": (today + timedelta(days=1)).isoformat()}
    ranged = api.get("/api/v1/console/exports/fsma204.csv", token=canteen["regulator"], params=window)
    codes = {row["traceability_lot_code"] for row in csv.DictReader(io.StringIO(ranged.content.decode("utf-8-sig")))}
    assert codes == {c["canteen_lot"]}
    backwards = {**window, "date_from": window["date_to"], "date_to": window["date_from"]}
    assert_error(api.get("/api/v1/console/exports/fsma204.csv", token=canteen["regulator"], params=backwards), 422)
    assert_error(api.get("/api/v1/console/exports/epcis.json", token=canteen["regulator"]), 422)


def test_a_concurrent_accept_and_cancel_have_one_winner(api, chain):
    farm, wholesaler = chain["farm"], chain["wholesaler"]
    for _ in range(3):
        order = ok(place(api, wholesaler["owner"], farm, 5, buyer_business=wholesaler), 201)
        barrier = threading.Barrier(2)
        results = {}

        def run(name, path, token):
            barrier.wait()
            results[name] = requests.post(
                f"{api.base_url}{path}", headers={"Authorization": f"Bearer {token}"}, json={"version": 1}, timeout=15
            )

        threads = [
            threading.Thread(target=run, args=("accept", f"/api/v1/mp/orders/{order['id']}/accept", farm["owner"])),
            threading.Thread(
                target=run, args=("cancel", f"/api/v1/mp/orders/{order['id']}/cancel", wholesaler["owner"])
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        codes = sorted(response.status_code for response in results.values())
        assert codes == [200, 409], {k: v.text for k, v in results.items()}
        final = ok(api.get(f"/api/v1/mp/orders/{order['id']}", token=wholesaler["owner"]))["order"]["status"]
        winner = next(name for name, response in results.items() if response.status_code == 200)
        assert final == {"accept": "accepted", "cancel": "cancelled"}[winner]


def test_bad_orders_lots_and_receipts_are_refused(api, chain, mp_login):
    farm, wholesaler, canteen = chain["farm"], chain["wholesaler"], chain["canteen"]
    for quantity in (-1, 0, 10_000_001, "多"):
        assert_error(place(api, wholesaler["owner"], farm, quantity, buyer_business=wholesaler), 422)
    body = {"supplier_id": {"$ne": None}, "lines": [{"product_id": farm["product"], "quantity": 1}]}
    assert_error(api.post("/api/v1/mp/orders", token=wholesaler["owner"], json=body, headers=key()), 422)
    # a buyer that is not a supplier cannot be ordered from
    body = {"supplier_id": canteen["id"], "lines": [{"product_id": farm["product"], "quantity": 1}]}
    assert_error(api.post("/api/v1/mp/orders", token=wholesaler["owner"], json=body, headers=key()), 422)
    # ordering for a business one does not run
    assert_error(place(api, wholesaler["owner"], farm, 1, buyer_business=canteen), 404)
    order = ok(place(api, wholesaler["owner"], farm, 10, buyer_business=wholesaler), 201)
    stranger = mp_login()["access_token"]
    assert_error(api.get(f"/api/v1/mp/orders/{order['id']}", token=stranger), 404)
    assert_error(api.post(f"/api/v1/mp/orders/{order['id']}/cancel", token=stranger, json={}), 404)
    assert_error(api.post(f"/api/v1/mp/orders/{order['id']}/accept", token=wholesaler["owner"]), 404)  # buyer side
    assert_error(
        api.post(f"/api/v1/mp/orders/{order['id']}/ship", token=farm["owner"], json={"lots": [lot(test_report="R1")]}),
        409,
    )
    ok(api.post(f"/api/v1/mp/orders/{order['id']}/accept", token=farm["owner"]))
    assert_error(
        api.post(
            f"/api/v1/mp/orders/{order['id']}/ship",
            token=farm["owner"],
            json={"lots": [lot(quantity=11, test_report="R1")]},
        ),
        422,
    )  # more than ordered
    assert_error(
        api.post(f"/api/v1/mp/orders/{order['id']}/ship", token=farm["owner"], json={"lots": [lot()]}), 422
    )  # no certificate
    shipped = ok(
        api.post(
            f"/api/v1/mp/orders/{order['id']}/ship",
            token=farm["owner"],
            json={"lots": [lot(code="X-1", test_report="R1")]},
        )
    )
    code = shipped["lots"][0]["trace_code"]
    # the same lot code again from this supplier
    second = ok(place(api, wholesaler["owner"], farm, 10, buyer_business=wholesaler), 201)
    ok(api.post(f"/api/v1/mp/orders/{second['id']}/accept", token=farm["owner"]))
    assert_error(
        api.post(
            f"/api/v1/mp/orders/{second['id']}/ship",
            token=farm["owner"],
            json={"lots": [lot(code="X-1", test_report="R1")]},
        ),
        409,
    )
    assert ok(api.get(f"/api/v1/mp/orders/{second['id']}", token=farm["owner"]))["order"]["status"] == "accepted"
    # receiving more than shipped, or a lot of another order
    over = {"checks": [{"trace_code": code, "accepted": True, "quantity": 10.5}]}
    assert_error(api.post(f"/api/v1/mp/orders/{order['id']}/receive", token=wholesaler["owner"], json=over), 422)
    rejected = {"checks": [{"trace_code": code, "accepted": False}]}
    assert_error(api.post(f"/api/v1/mp/orders/{order['id']}/receive", token=wholesaler["owner"], json=rejected), 422)
    rejected["checks"][0]["reason"] = "叶片发黄"
    assert (
        ok(api.post(f"/api/v1/mp/orders/{order['id']}/receive", token=wholesaler["owner"], json=rejected))["lots"][0][
            "status"
        ]
        == "rejected"
    )
    assert_error(api.post(f"/api/v1/mp/orders/{order['id']}/receive", token=wholesaler["owner"], json=rejected), 409)


def test_suspended_suppliers_leave_the_catalogue_and_take_no_orders(api, chain, console_login):
    farm, wholesaler = chain["farm"], chain["wholesaler"]
    catalogue = ok(api.get("/api/v1/mp/products", token=wholesaler["owner"], params={"q": "韭"}))
    assert {entry["supplier"] for entry in catalogue} == {"如皋市长江镇绿源蔬菜种植基地", "张家港市鑫达蔬菜批发部"}
    suspended = api.post(
        f"/api/v1/console/businesses/{farm['id']}/suspend", token=farm["regulator"], json={"reason": "停业整顿"}
    )
    assert suspended.status_code == 200, suspended.text
    catalogue = ok(api.get("/api/v1/mp/products", token=wholesaler["owner"]))
    assert {entry["supplier"] for entry in catalogue} == {"张家港市鑫达蔬菜批发部"}
    assert_error(place(api, wholesaler["owner"], farm, 1, buyer_business=wholesaler), 422)


def test_certificates_are_issued_by_farm_bases_and_printed_with_a_qr_code(api, chain):
    farm, wholesaler = chain["farm"], chain["wholesaler"]
    issued = certificate(api, farm)
    assert issued["keep_until"] == "2027-05-30" and len(issued["pledges"]) == 3
    printed = api.get(f"/api/v1/mp/certificates/{issued['id']}/print", token=farm["owner"])
    assert printed.status_code == 200 and "承诺达标合格证" in printed.text and "<svg" in printed.text
    assert api.get(f"/c/{issued['number']}").status_code == 200
    assert api.get(f"/c/{issued['number'].lower()}").status_code == 200  # as typed from the paper
    assert_error(api.get(f"/api/v1/mp/certificates/{issued['id']}", token=wholesaler["owner"]), 404)
    body = {
        **{
            k: v
            for k, v in issued.items()
            if k in ("product", "quantity", "unit", "origin", "producer", "contact_phone", "issued_on", "basis")
        }
    }
    assert_error(
        api.post("/api/v1/mp/certificates", token=wholesaler["owner"], json={**body, "business_id": wholesaler["id"]}),
        403,
    )
    assert_error(
        api.post("/api/v1/mp/certificates", token=farm["owner"], json={**body, "business_id": farm["id"]}), 422
    )  # no report


def test_a_product_changes_only_in_what_is_sent(api, chain):
    farm = chain["farm"]
    path = f"/api/v1/mp/businesses/{farm['id']}/products/{farm['product']}"
    changed = ok(api.patch(path, token=farm["owner"], json={"price_cents": 350}))
    assert changed["price_cents"] == 350 and changed["name"] == "韭菜" and changed["available"] is True
    ok(api.patch(path, token=farm["owner"], json={"available": False}))
    assert (
        ok(api.get("/api/v1/mp/products", token=chain["wholesaler"]["owner"], params={"supplier_id": farm["id"]})) == []
    )
    assert_error(api.patch(path, token=chain["wholesaler"]["owner"], json={"price_cents": 1}), 404)
