"""Credit over HTTP: the credit class a penalty and a listing give, its weight on the risk grade, the
credit file (一户一档) that lists it all, a granted credit repair that ends the display and restores the
class, leads from upheld complaints and failed samples, and two regulators reviewing one lead at once."""

import threading
from datetime import timedelta

from backend.core.timeutil import today_shanghai, utcnow
from tests.support import assert_error

SMALL_FINE = [{"kind": "fine", "amount_yuan": 2000}]


def credit_file(api, regulator, business):
    answer = api.get(f"/api/v1/console/businesses/{business['id']}/credit-file", token=regulator)
    assert answer.status_code == 200, answer.text
    return answer.json()


def risk(api, regulator, business):
    return api.get(f"/api/v1/console/businesses/{business['id']}/risk-grade", token=regulator).json()


def _months_ago(app, model, record_id, field, months=4):
    """The clock moved on: the record is as old as the minimum period asks (test setup, not a service)."""
    with app.app_context():
        model.objects(id=record_id).update_one(**{f"set__{field}": today_shanghai() - timedelta(days=31 * months)})


def test_a_penalty_and_a_listing_lower_the_credit_class_and_a_granted_repair_restores_it(
    app, api, owned_business, console_login
):
    from backend.enforcement.models import Disclosure, DishonestListing

    business, owner, regulator = owned_business
    before = risk(api, regulator, business)
    assert credit_file(api, regulator, business)["credit_class"]["level"] == "A"
    on_the_spot = {"business_id": business["id"], "violation": "餐具未清洗消毒", "penalties": SMALL_FINE}
    case = api.post("/api/v1/console/cases/simplified", token=regulator, json=on_the_spot).json()
    record = credit_file(api, regulator, business)
    assert record["credit_class"]["level"] == "B" and record["credit_class"]["inputs"]["minor_penalty"] == 1
    graded = risk(api, regulator, business)  # the penalty and the class both weigh on the risk grade
    assert graded["inputs"]["penalty"] == 1 and graded["inputs"]["credit_class"] == "B"
    assert graded["score"] > before["score"]
    listing = {
        "business_id": business["id"],
        "basis": "如皋市监信〔2026〕7号",
        "reason": "拒不整改",
        "listed_by": "王建国",
    }
    listed = api.post("/api/v1/console/dishonest", token=regulator, json=listing).json()
    assert credit_file(api, regulator, business)["credit_class"]["level"] == "D"
    assert risk(api, regulator, business)["score"] > graded["score"]
    card = api.get(f"/api/v1/public/businesses/{business['public_code']}").json()
    assert "dishonest" in card, list(card)
    assert "credit" not in str(card).lower()  # the class is for regulators only

    # the file lists every record, newest first, each linked; another district's regulator has no file
    record = credit_file(api, regulator, business)
    sections = {entry["section"]: entry for entry in record["entries"]}
    assert {"licence", "case", "penalty", "listing"} <= set(sections)
    assert sections["case"]["link"] == f"/api/v1/console/cases/{case['id']}"
    assert api.get(sections["case"]["link"], token=regulator).status_code == 200
    days = [entry["on"] for entry in record["entries"] if entry["on"]]
    assert days == sorted(days, reverse=True)
    assert [c["level"] for c in record["credit_class"]["history"]] == ["D", "B"]  # A until a record came
    assert_error(
        api.get(
            f"/api/v1/console/businesses/{business['id']}/credit-file", token=console_login("regulator", ("310112",))
        ),
        404,
    )

    # repair: not while the fine is unpaid; once paid and closed, and the minimum period passed, granted
    repairs = f"/api/v1/mp/businesses/{business['id']}/credit-repairs"
    _months_ago(app, DishonestListing, listed["id"], "listed_on")
    statement = {"target": "listing", "target_id": listed["id"], "statement": "已全面整改，罚款已缴清，申请信用修复"}
    assert_error(api.post(repairs, token=owner, json=statement), 409)  # the case is open
    api.post(f"/api/v1/console/cases/{case['id']}/execution", token=regulator, json={"kind": "paid"})
    assert api.post(f"/api/v1/console/cases/{case['id']}/closing", token=regulator, json={}).status_code == 200
    applied = api.post(repairs, token=owner, json=statement)
    assert applied.status_code == 201, applied.text
    decision = f"/api/v1/console/credit-repairs/{applied.json()['id']}/decision"
    granted = api.post(decision, token=regulator, json={"grant": True, "reason": "整改到位"})
    assert granted.status_code == 200 and granted.json()["status"] == "granted"
    assert_error(api.post(decision, token=regulator, json={"grant": False, "reason": "重复"}), 409)
    assert api.get("/api/v1/public/dishonest").json() == []
    assert "dishonest" not in api.get(f"/api/v1/public/businesses/{business['public_code']}").json()
    assert credit_file(api, regulator, business)["credit_class"]["level"] == "B"  # the fine is still shown

    _months_ago(app, Disclosure, case["id"], "decided_on")
    statement = {"target": "disclosure", "target_id": case["id"], "statement": "罚款已缴清，餐具消毒设施已更换"}
    applied = api.post(repairs, token=owner, json=statement).json()
    decision = f"/api/v1/console/credit-repairs/{applied['id']}/decision"
    assert api.post(decision, token=regulator, json={"grant": True, "reason": "已履行"}).status_code == 200
    assert api.get("/api/v1/public/penalties").json() == []
    assert "penalties" not in api.get(f"/api/v1/public/businesses/{business['public_code']}").json()
    record = credit_file(api, regulator, business)
    regraded = risk(api, regulator, business)  # the class is restored; the year's penalty still counts
    assert record["credit_class"]["level"] == "A" and regraded["inputs"]["credit_class"] == "A"
    assert before["score"] < regraded["score"] < graded["score"] and regraded["inputs"]["penalty"] == 1
    statuses = {entry["section"]: entry["status"] for entry in record["entries"]}
    assert statuses["penalty"] == "withdrawn" and statuses["listing"] == "removed" and statuses["repair"] == "granted"
    rows = api.get("/api/v1/console/enforcement/kpis", token=regulator, params={"district": "320682"}).json()
    value = {row["code"]: row for row in rows}
    assert (value["enforcement.repairs_granted"]["numerator"], value["enforcement.repairs_granted"]["denominator"]) == (
        2,
        2,
    )


def _me(api, token):
    return api.get("/api/v1/auth/me", token=token).json()


def test_an_upheld_complaint_and_a_failed_sample_closed_for_a_penalty_become_leads(
    api, owned_business, make_console_user
):
    business, owner, regulator = owned_business
    name, password = make_console_user("regulator", ("320682",))
    handler = api.post("/api/v1/auth/token", json={"username": name, "password": password}).json()
    numbers = []
    for upheld in (True, False):
        body = {
            "kind": "complaint",
            "category": "hygiene",
            "description": f"后厨老鼠出没（{upheld}）",
            "business_code": business["public_code"],
            "occurred_at": (utcnow() - timedelta(days=1)).isoformat(),
            "claim": "要求整改",
            "complainant": {"name": "王小明", "phone": "13912345678", "address": "如皋市如城街道1号"},
        }
        number = api.post("/api/v1/public/complaints", json=body).json()["number"]
        base = f"/api/v1/console/complaints/{number}"
        api.post(f"{base}/accept", token=regulator, json={})
        api.post(f"{base}/assign", token=regulator, json={"assignee_id": handler["user"]["id"], "office": "如城分局"})
        api.post(f"{base}/handle", token=handler["access_token"], json={"note": "现场核查"})
        api.post(f"{base}/reply", token=handler["access_token"], json={"text": "经核查属实，已责令整改。"})
        closing = {"result": "已责令整改", "upheld": upheld}
        assert api.post(f"{base}/close", token=handler["access_token"], json=closing).status_code == 200
        numbers.append(number)
    assert_error(
        api.post(
            f"/api/v1/console/complaints/{numbers[0]}/close",
            token=handler["access_token"],
            json={"result": "x", "upheld": {"$ne": None}},
        ),
        422,
    )

    rapid = {
        "food_name": "青菜",
        "item": "有机磷和氨基甲酸酯类农药残留",
        "verdict": "fail",
        "operator": "王检测",
        "tested_at": (utcnow() - timedelta(minutes=30)).isoformat(),
    }
    tested = api.post(f"/api/v1/mp/businesses/{business['id']}/rapid-tests", token=owner, json=rapid).json()
    closing = {"outcome": "penalty", "note": "农药残留超标，移交立案"}
    closed = api.post(f"/api/v1/console/dispositions/R-{tested['id']}/close", token=regulator, json=closing)
    assert closed.status_code == 200, closed.text

    leads = api.get("/api/v1/console/leads", token=regulator, params={"status": "new"}).json()
    assert sorted((lead["source_kind"], lead["source_id"]) for lead in leads) == [
        ("complaint", numbers[0]),  # the complaint not upheld raised nothing
        ("sample", f"R-{tested['id']}"),
    ]
    (from_complaint,) = [lead for lead in leads if lead["source_kind"] == "complaint"]
    assert "投诉查实" in from_complaint["summary"] and "13912345678" not in from_complaint["summary"]
    record = credit_file(api, regulator, business)
    assert [e["link"] for e in record["entries"] if e["section"] == "complaint"] == [
        f"/api/v1/console/complaints/{numbers[0]}"
    ]


def test_two_regulators_reviewing_one_lead_at_once_one_wins(api, owned_business, console_login):
    business, _owner, regulator = owned_business
    other = console_login("regulator", ("320682",))
    made = api.post(
        "/api/v1/console/leads", token=regulator, json={"business_id": business["id"], "summary": "群众反映无证经营"}
    ).json()
    review = f"/api/v1/console/leads/{made['id']}/review"
    due = (today_shanghai() + timedelta(days=5)).isoformat()
    bodies = [
        (regulator, {"action": "dismiss", "reason": "查无此事"}),
        (other, {"action": "rectify", "reason": "责令整改", "due_on": due}),
    ]
    answers = {}
    start = threading.Barrier(len(bodies))

    def act(token, body):
        start.wait()
        answers[body["action"]] = api.post(review, token=token, json=body)

    threads = [threading.Thread(target=act, args=pair) for pair in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(answer.status_code for answer in answers.values())
    assert codes == [200, 409], {k: v.text for k, v in answers.items()}
    (winner,) = [action for action, answer in answers.items() if answer.status_code == 200]
    final = api.get(f"/api/v1/console/leads/{made['id']}", token=regulator).json()
    assert final["status"] == {"dismiss": "dismissed", "rectify": "rectification"}[winner] and final["version"] == 2


def test_buyers_see_a_suppliers_listing_in_the_catalogue(app, api, owned_business, mp_login):
    from tests.builders import supplier_with_product

    _business, _owner, regulator = owned_business
    with app.app_context():
        farm, _farm_owner, product = supplier_with_product()
    buyer = mp_login()["access_token"]
    (entry,) = api.get("/api/v1/mp/products", token=buyer, params={"supplier_id": str(farm.id)}).json()
    assert entry["supplier_dishonest"] is None
    listing = {
        "business_id": str(farm.id),
        "basis": "如皋市监信〔2026〕9号",
        "reason": "销售禁用农药蔬菜",
        "listed_by": "王建国",
    }
    for day in ((today_shanghai() + timedelta(days=1)).isoformat(), "2019-01-01", {"$ne": None}):
        late = api.post("/api/v1/console/dishonest", token=regulator, json={**listing, "listed_on": day})
        assert "listed_on" in assert_error(late, 422)["errors"]  # not ahead, not before its period could run
    assert api.post("/api/v1/console/dishonest", token=regulator, json=listing).status_code == 201
    (entry,) = api.get("/api/v1/mp/products", token=buyer, params={"supplier_id": str(farm.id)}).json()
    assert entry["product"]["id"] == str(product.id) and entry["supplier_dishonest"]["basis"] == listing["basis"]
