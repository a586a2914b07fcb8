"""Rural banquets over HTTP: a travelling chef registers, adds a health certificate and is approved (a
banned person is not), with a public card that shows nothing private; a host reports a banquet (late
reports flagged, a retried report the same one), the chef's checklist for a small banquet, each dish's
sample; and a suspected incident reported by anyone, handled, confirmed — a lead opened and the
business's grade held."""

import uuid
from datetime import timedelta

from backend.core.timeutil import today_shanghai
from tests.builders import fresh_id_number, jpeg_bytes
from tests.support import assert_error


def approved_chef(api, mp_login, regulator, id_number=None):
    token = mp_login()["access_token"]
    body = {
        "name": "李大厨",
        "id_number": id_number or fresh_id_number(),
        "phone": "13912340000",
        "district_code": "320682",
        "training_hours_this_year": 12,
        "team": [{"name": "王帮厨", "role": "帮厨"}],
    }
    made = api.post("/api/v1/mp/chefs", token=token, json=body)
    assert made.status_code == 201, made.text
    chef = made.json()
    review = {"approve": True, "reason": "资料齐全"}
    refused = api.post(f"/api/v1/console/chefs/{chef['id']}/review", token=regulator, json=review)
    assert_error(refused, 409)  # no health certificate yet
    certificate = {
        "number": "JKZ-2026-001",
        "issuer": "如皋市疾控中心",
        "issued_on": (today_shanghai() - timedelta(days=30)).isoformat(),
    }
    added = api.post(f"/api/v1/mp/chefs/{chef['id']}/certificates", token=token, json=certificate)
    assert added.status_code == 201, added.text
    approved = api.post(f"/api/v1/console/chefs/{chef['id']}/review", token=regulator, json=review)
    assert approved.status_code == 200 and approved.json()["status"] == "approved", approved.text
    return approved.json(), token, body


def banquet_body(chef, **overrides):
    body = {
        "client_key": uuid.uuid4().hex,
        "host_name": "张三",
        "host_phone": "13800001111",
        "occasion": "婚宴",
        "held_on": (today_shanghai() + timedelta(days=5)).isoformat(),
        "meal": "lunch",
        "address": "江苏省如皋市如城街道海阳村五组",
        "district_code": "320682",
        "guests": 80,
        "tables": 8,
        "dishes": ["红烧肉", "清蒸鱼", "炒青菜"],
        "chef_code": chef["public_code"],
        "pledge_name": "张三",
    }
    return {**body, **overrides}


def test_a_chef_is_approved_with_a_card_that_shows_nothing_private(api, owned_business, mp_login, console_login):
    _business, _owner, regulator = owned_business
    chef, token, body = approved_chef(api, mp_login, regulator)
    assert chef["phone"] == "139****0000" and "id_number" not in chef and chef["id_last4"] == body["id_number"][-4:]
    photo = api.put(
        f"/api/v1/mp/chefs/{chef['id']}/photo", token=token, files={"file": ("me.jpg", jpeg_bytes(), "image/jpeg")}
    )
    assert photo.status_code == 200 and photo.json()["has_photo"] is True
    seen = api.get(f"/api/v1/console/chefs/{chef['id']}/photo", token=regulator)
    assert seen.status_code == 200 and seen.headers["Content-Type"] == "image/jpeg"
    assert_error(
        api.get(f"/api/v1/console/chefs/{chef['id']}/photo", token=console_login("regulator", ("310112",))), 404
    )
    lying = api.put(
        f"/api/v1/mp/chefs/{chef['id']}/photo", token=token, files={"file": ("me.jpg", b"not a picture", "image/jpeg")}
    )
    assert lying.status_code in (415, 422)
    assert_error(
        api.put(
            f"/api/v1/mp/chefs/{chef['id']}/photo",
            token=mp_login()["access_token"],
            files={"file": ("x.jpg", jpeg_bytes(), "image/jpeg")},
        ),
        404,
    )
    again = api.post("/api/v1/mp/chefs", token=mp_login()["access_token"], json=body)
    assert_error(again, 409)  # one person, one chef record
    card = api.get(f"/api/v1/public/chefs/{chef['public_code']}").json()
    assert card["name"] == "李*厨" and card["certificate_valid"] is True and card["training_hours_this_year"] == 12
    for private in (body["id_number"], body["id_number"][-4:], "13912340000", "李大厨"):
        assert private not in str(card)
    page = api.get(f"/chef/{chef['public_code']}")
    assert page.status_code == 200 and "李*厨" in page.text and "13912340000" not in page.text
    assert api.get(f"/chef/{chef['public_code']}/qr.svg").headers["Content-Type"].startswith("image/svg+xml")
    assert api.get("/chef/nosuchcode").status_code == 404
    elsewhere = api.get("/api/v1/console/chefs", token=console_login("regulator", ("310112",))).json()
    assert elsewhere == []


def test_a_banned_person_is_not_approved_as_a_chef(api, owned_business, mp_login):
    _business, _owner, regulator = owned_business
    number = fresh_id_number()
    ban = {
        "id_number": number,
        "name": "赵某",
        "reason": "licence_revoked",
        "basis": "如皋市监罚〔2026〕9号",
        "since": today_shanghai().isoformat(),
    }
    assert api.post("/api/v1/console/banned-persons", token=regulator, json=ban).status_code == 201
    token = mp_login()["access_token"]
    body = {"name": "赵某", "id_number": number, "phone": "13912340001", "district_code": "320682"}
    chef = api.post("/api/v1/mp/chefs", token=token, json=body).json()
    certificate = {"number": "JKZ-1", "issuer": "疾控", "issued_on": today_shanghai().isoformat()}
    api.post(f"/api/v1/mp/chefs/{chef['id']}/certificates", token=token, json=certificate)
    refused = api.post(
        f"/api/v1/console/chefs/{chef['id']}/review", token=regulator, json={"approve": True, "reason": "x"}
    )
    assert "从业禁止" in assert_error(refused, 409)["message"]


def test_a_banquet_is_reported_guided_and_its_samples_kept(api, owned_business, mp_login):
    _business, _owner, regulator = owned_business
    chef, chef_token, _body = approved_chef(api, mp_login, regulator)
    host = mp_login()["access_token"]
    body = banquet_body(chef)
    made = api.post("/api/v1/mp/banquets", token=host, json=body)
    assert made.status_code == 201, made.text
    banquet = made.json()
    assert (banquet["required"], banquet["late"], banquet["size"], banquet["chef_certificate_valid"]) == (
        True,
        False,
        "small",
        True,
    )
    assert banquet["host_phone"] == "138****1111"
    assert api.post("/api/v1/mp/banquets", token=host, json=body).json()["id"] == banquet["id"]  # a retry
    late = api.post(
        "/api/v1/mp/banquets",
        token=host,
        json=banquet_body(chef, held_on=(today_shanghai() + timedelta(days=1)).isoformat()),
    )
    assert late.json()["late"] is True  # accepted, flagged: 1 day's notice where 3 are asked
    small = api.post("/api/v1/mp/banquets", token=host, json=banquet_body(chef, guests=20, tables=2))
    assert small.json()["required"] is False
    for wrong, field in (
        ({"held_on": (today_shanghai() - timedelta(days=1)).isoformat()}, "held_on"),
        ({"held_on": (today_shanghai() + timedelta(days=800)).isoformat()}, "held_on"),
        ({"guests": 0}, "guests"),
        ({"guests": 100000}, "guests"),
        ({"tables": 1}, "tables"),
        ({"chef_code": "nosuch"}, "chef_code"),
        ({"guests": {"$ne": None}}, "guests"),
    ):
        answer = api.post("/api/v1/mp/banquets", token=host, json=banquet_body(chef, **wrong))
        assert field in assert_error(answer, 422)["errors"], (wrong, answer.text)

    # the small banquet's guidance is the chef's checklist; the chef sees the banquet and keeps samples
    (task,) = [
        t for t in api.get("/api/v1/mp/guidance-tasks", token=chef_token).json() if t["banquet_id"] == banquet["id"]
    ]
    assert (task["guidance"], task["by"]) == ("checklist", "chef")
    items = [
        {"item": code, "result": "passed"}
        for code in (
            "chef_certificate",
            "venue_clean",
            "water_safe",
            "raw_separate",
            "ingredients_checked",
            "tableware_disinfected",
            "high_risk_avoided",
            "samples_kept",
        )
    ]
    assert_error(
        api.post(f"/api/v1/mp/guidance-tasks/{task['id']}/done", token=host, json={"results": items, "result": "x"}),
        404,
    )
    photo = {"file": ("kitchen.jpg", jpeg_bytes(), "image/jpeg")}
    assert api.post(f"/api/v1/mp/guidance-tasks/{task['id']}/photos", token=chef_token, files=photo).status_code == 201
    done = api.post(
        f"/api/v1/mp/guidance-tasks/{task['id']}/done",
        token=chef_token,
        json={"results": items, "result": "已按要求落实"},
    )
    assert done.status_code == 200 and done.json()["status"] == "done" and len(done.json()["photos"]) == 1
    assert_error(api.post(f"/api/v1/mp/guidance-tasks/{task['id']}/photos", token=chef_token, files=photo), 409)
    samples = f"/api/v1/mp/banquets/{banquet['id']}/samples"

    def keep(token, dish, grams):
        return api.post(
            samples,
            token=token,
            data={"dish": dish, "grams": str(grams)},
            files={"file": ("s.jpg", jpeg_bytes(), "image/jpeg")},
        )

    assert "grams" in assert_error(keep(chef_token, "红烧肉", 50), 422)["errors"]
    assert "dish" in assert_error(keep(chef_token, "佛跳墙", 150), 422)["errors"]
    kept = keep(chef_token, "红烧肉", 150)
    assert kept.status_code == 201 and kept.json()["samples_missing"] == ["清蒸鱼", "炒青菜"]
    assert "dish" in assert_error(keep(chef_token, "红烧肉", 150), 422)["errors"]  # once per dish
    assert_error(keep(mp_login()["access_token"], "清蒸鱼", 150), 404)  # someone else's banquet
    listed = api.get("/api/v1/console/banquets", token=regulator, params={"late": True}).json()
    assert [b["id"] for b in listed] == [late.json()["id"]]


def test_a_suspected_incident_is_handled_and_confirmed(api, app, owned_business, console_login):
    business, _owner, regulator = owned_business
    report = {
        "description": "婚宴后多人腹泻呕吐",
        "ill": 12,
        "occurred_on": today_shanghai().isoformat(),
        "address": "江苏省如皋市如城街道海阳南路88号",
        "business_code": business["public_code"],
        "reporter_phone": "13700001234",
    }
    lying = api.post("/api/v1/public/incidents", json={**report, "district_code": "310112"})
    assert "district_code" in assert_error(lying, 422)["errors"]
    assert (
        "occurred_on"
        in assert_error(
            api.post(
                "/api/v1/public/incidents",
                json={**report, "occurred_on": (today_shanghai() + timedelta(days=2)).isoformat()},
            ),
            422,
        )["errors"]
    )
    made = api.post("/api/v1/public/incidents", json=report)
    assert made.status_code == 201 and made.json()["status"] == "suspected"
    (incident,) = api.get("/api/v1/console/incidents", token=regulator, params={"status": "suspected"}).json()
    (message,) = api.get("/api/v1/console/notifications", token=regulator, params={"unread": True}).json()
    assert incident["number"] in message["text"] and message["link"] == f"/api/v1/console/incidents/{incident['id']}"
    assert api.post(f"/api/v1/console/notifications/{message['id']}/read", token=regulator).status_code == 200
    assert api.get("/api/v1/console/notifications", token=regulator, params={"unread": True}).json() == []
    elsewhere = console_login("regulator", ("310112",))
    assert api.get("/api/v1/console/notifications", token=elsewhere).json() == []
    assert_error(api.post(f"/api/v1/console/notifications/{message['id']}/read", token=elsewhere), 404)
    hospital = {**report, "description": "医院报告：3 名学生食物中毒", "ill": 3}
    registered = api.post("/api/v1/console/incidents", token=regulator, json=hospital)
    assert registered.status_code == 201 and registered.json()["status"] == "suspected"
    assert incident["district_code"] == "320682" and incident["reporter_phone"] == "137****1234"
    assert api.get("/api/v1/console/incidents", token=console_login("regulator", ("310112",))).json() == []
    base = f"/api/v1/console/incidents/{incident['id']}"
    step = api.post(
        f"{base}/steps",
        token=regulator,
        json={"text": "现场封存剩余食品，采集呕吐物样本", "samples_taken": ["剩余凉菜"]},
    )
    assert step.status_code == 200 and len(step.json()["steps"]) == 1
    assert_error(api.post(f"{base}/recall", token=regulator), 409)  # not confirmed yet
    confirmed = api.post(f"{base}/decision", token=regulator, json={"confirm": True, "reason": "流行病学调查确认"})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert_error(api.post(f"{base}/decision", token=regulator, json={"confirm": False, "reason": "x"}), 409)
    (lead,) = api.get("/api/v1/console/leads", token=regulator).json()
    assert (lead["source_kind"], lead["source_id"]) == ("incident", incident["number"])
    with app.app_context():  # the business's grade is held: no grade for 6 months
        from backend.banquets.services import grade_hold
        from backend.core.ids import object_id

        assert grade_hold(object_id(business["id"]), today_shanghai()) is True
        assert grade_hold(object_id(business["id"]), today_shanghai() + timedelta(days=200)) is False
    # a recall from the lots the handling named
    with app.app_context():
        from tests.builders import approved, citizen, shipped_lots, supplier_with_product

        farm, farm_owner, product = supplier_with_product()
        kitchen_owner = citizen()
        (lot,) = shipped_lots(kitchen_owner, approved(kitchen_owner), farm, farm_owner, product, [20.0])
    assert "lot_codes" in assert_error(api.post(f"{base}/recall", token=regulator), 422)["errors"]
    api.post(f"{base}/steps", token=regulator, json={"text": "追溯到问题原料批次", "lot_codes": [lot.trace_code]})
    recalled = api.post(f"{base}/recall", token=regulator)
    assert recalled.status_code == 201 and len(recalled.json()["recalls"]) == 1
    (recall,) = api.get("/api/v1/console/recalls", token=regulator).json()
    assert recall["number"] == recalled.json()["recalls"][0] and incident["number"] in recall["reason"]
    rows = api.get("/api/v1/console/banquets/kpis", token=regulator).json()
    value = {row["code"]: row for row in rows}
    assert value["banquets.incidents_confirmed"]["value"] == 1 and value["banquets.people_ill"]["value"] == 12


def test_a_venue_records_its_insurance_and_its_paired_official_guides_a_medium_banquet(
    api, owned_business, mp_login, console_login
):
    from tests.builders import bound_official, submitted_business

    _business, _owner, regulator = owned_business
    venue_owner = mp_login()["access_token"]
    venue = submitted_business(api, venue_owner, kind="banquet_venue", name="海阳村集中办酒场所")
    assert api.post(f"/api/v1/console/businesses/{venue['id']}/approve", token=regulator, json={}).status_code == 200
    policy = {
        "policy_number": "PA2026-88",
        "insurer": "中国人保",
        "starts_on": today_shanghai().isoformat(),
        "ends_on": (today_shanghai() + timedelta(days=365)).isoformat(),
    }
    assert (
        "ends_on"
        in assert_error(
            api.post(
                f"/api/v1/mp/venues/{venue['id']}/insurance",
                token=venue_owner,
                json={**policy, "ends_on": policy["starts_on"]},
            ),
            422,
        )["errors"]
    )
    assert api.post(f"/api/v1/mp/venues/{venue['id']}/insurance", token=venue_owner, json=policy).status_code == 201
    (listed,) = api.get("/api/v1/console/venues", token=regulator).json()
    assert listed["business"]["id"] == venue["id"] and listed["insurance"]["policy_number"] == "PA2026-88"
    office = console_login("office", ("320682",))
    official, official_token = bound_official(api, office, mp_login, phone="13900000055")
    paired = api.post(
        "/api/v1/console/assignments", token=office, json={"official_id": official["id"], "business_id": venue["id"]}
    )
    assert paired.status_code == 201, paired.text

    chef, _chef_token, _body = approved_chef(api, mp_login, regulator)
    host = mp_login()["access_token"]
    body = banquet_body(chef, guests=150, tables=15, venue_id=venue["id"])
    del body["address"], body["district_code"]
    assert (
        "order_numbers"
        in assert_error(
            api.post("/api/v1/mp/banquets", token=host, json={**body, "order_numbers": ["PO20261201000001"]}), 422
        )["errors"]
    )
    made = api.post("/api/v1/mp/banquets", token=host, json=body)
    assert made.status_code == 201 and made.json()["size"] == "medium" and made.json()["address"] == venue["address"]
    (task,) = api.get("/api/v1/mp/guidance-tasks", token=official_token).json()
    assert (task["guidance"], task["by"], task["due_on"]) == (
        "visit",
        "official",
        (today_shanghai() + timedelta(days=4)).isoformat(),
    )
    items = [
        {"item": code, "result": "passed"}
        for code in (
            "chef_certificate",
            "venue_clean",
            "water_safe",
            "raw_separate",
            "ingredients_checked",
            "tableware_disinfected",
            "high_risk_avoided",
            "samples_kept",
        )
    ]
    done = api.post(
        f"/api/v1/mp/guidance-tasks/{task['id']}/done",
        token=official_token,
        json={"results": items, "result": "已上门指导"},
    )
    assert done.status_code == 200 and done.json()["status"] == "done"


def test_the_incident_form_works_without_javascript(api, owned_business):
    business, _owner, regulator = owned_business
    form = api.get(f"/incidents/new?code={business['public_code']}")
    assert form.status_code == 200 and "报告疑似食品安全事故" in form.text and business["public_code"] in form.text
    wrong = {
        "description": "午饭后腹泻",
        "ill": "0",
        "occurred_on": today_shanghai().isoformat(),
        "address": "海阳南路88号",
        "reporter_phone": "13700001234",
    }
    refused = api.post("/incidents/new", data=wrong)
    assert refused.status_code == 422
    for hint in ("请填写发病人数", "请阅读并同意个人信息使用说明"):
        assert hint in refused.text
    assert "午饭后腹泻" in refused.text  # what was typed is kept
    nowhere = api.post("/incidents/new", data={**wrong, "ill": "3", "consent": "yes"})
    assert nowhere.status_code == 422 and "写明区县" in nowhere.text  # the address names no county
    sent = api.post(
        "/incidents/new", data={**wrong, "ill": "3", "consent": "yes", "address": "江苏省如皋市如城街道海阳南路88号"}
    )
    assert sent.status_code == 201 and "已收到您的报告" in sent.text
    (incident,) = api.get("/api/v1/console/incidents", token=regulator).json()
    assert incident["number"] in sent.text and incident["ill"] == 3
