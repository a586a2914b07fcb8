"""Complaints and reports end to end over real HTTP: submission, workflow, deadlines, privacy, Open311."""

import csv
import io
import threading
import uuid
from datetime import date, timedelta

import pytest
import requests

from backend.complaints.models import Complaint
from backend.core.timeutil import utcnow
from tests.builders import jpeg_bytes, report_body
from tests.support import LiveServer, assert_error


def complaint_body(code=None, **overrides):
    body = {
        "kind": "complaint",
        "category": "hygiene",
        "description": f"后厨地面积水，餐具未消毒。{uuid.uuid4().hex[:6]}",
        "occurred_at": (utcnow() - timedelta(days=1)).isoformat(),
        "claim": "要求退还餐费并整改",
        "complainant": {"name": "王小明", "phone": "13912345678", "address": "如皋市如城街道1号"},
    }
    if code:
        body["business_code"] = code
    else:
        body.update(business_name="无名小吃", business_address="如皋市如城街道人民路5号", district_code="320682")
    body.update(overrides)
    return body


@pytest.fixture
def submitted(api, approved_business):
    business, regulator = approved_business
    response = api.post("/api/v1/public/complaints", json=complaint_body(business["public_code"]))
    assert response.status_code == 201, response.text
    return response.json(), business, regulator


def test_submission_answers_number_and_key_and_status_needs_the_key(api, submitted):
    result, business, _ = submitted
    assert result["number"].startswith("TS" + date.today().strftime("%Y")[:2])
    assert len(result["query_key"]) >= 20 and result["status"] == "received"
    status = api.get(f"/api/v1/public/complaints/{result['number']}", params={"key": result["query_key"]})
    assert status.status_code == 200
    body = status.json()
    assert body["status_label"] == "已登记，待受理" and body["business_name"] == business["name"]
    assert "13912345678" not in status.text and "王小明" not in status.text  # no personal data
    assert_error(api.get(f"/api/v1/public/complaints/{result['number']}", params={"key": "wrong-key"}), 404)
    assert_error(api.get(f"/api/v1/public/complaints/{result['number']}"), 422)


def test_complaint_needs_the_legal_fields_but_a_report_may_be_anonymous(api, approved_business):
    code = approved_business[0]["public_code"]
    body = assert_error(
        api.post("/api/v1/public/complaints", json=complaint_body(code, complainant=None, claim=None)), 422
    )
    assert {"complainant", "claim"} <= set(body["errors"])
    report = api.post(
        "/api/v1/public/complaints",
        json={
            "kind": "report",
            "category": "illegal_additive",
            "business_code": code,
            "description": "疑似使用工业明胶制作肉冻",
        },
    )
    assert report.status_code == 201 and report.json()["number"].startswith("JB")


@pytest.mark.parametrize(
    "change,field",
    [
        ({"kind": "praise"}, "kind"),
        ({"category": "noise"}, "category"),
        ({"description": "短"}, "description"),
        ({"business_code": "no-such-code-123"}, "business_code"),
        ({"photos": ["x"] * 10}, "photos"),
        ({"photos": ["made-up-upload-id"]}, "photos"),
        ({"occurred_at": "2019-01-01T00:00:00+08:00"}, "occurred_at"),
        ({"complainant": {"name": "王", "phone": "123", "address": "x"}}, "complainant"),
        ({"description": {"$ne": None}}, "description"),
        ({"extra": 1}, "extra"),
    ],
)
def test_bad_submissions_are_422(api, approved_business, change, field):
    body = assert_error(
        api.post("/api/v1/public/complaints", json=complaint_body(approved_business[0]["public_code"], **change)), 422
    )
    assert field in body["errors"]


def test_target_by_name_needs_address_and_district(api):
    body = assert_error(api.post("/api/v1/public/complaints", json=complaint_body(district_code=None)), 422)
    assert "district_code" in body["errors"]
    assert api.post("/api/v1/public/complaints", json=complaint_body()).status_code == 201


def test_duplicate_within_24h_is_409_pointing_to_the_first(api, approved_business):
    body = complaint_body(approved_business[0]["public_code"])
    first = api.post("/api/v1/public/complaints", json=body).json()
    again = api.post("/api/v1/public/complaints", json={**body, "description": "  " + body["description"] + " "})
    error = assert_error(again, 409)
    assert first["number"] in error["message"] and error["errors"]["number"] == [first["number"]]


def test_concurrent_submissions_get_distinct_numbers(api, approved_business):
    code = approved_business[0]["public_code"]
    numbers, statuses = [], []
    barrier = threading.Barrier(8)

    def submit(i):
        barrier.wait()
        response = api.post(
            "/api/v1/public/complaints",
            json=complaint_body(code, complainant={"name": "张三", "phone": f"1391234{i:04d}", "address": "如皋"}),
        )
        statuses.append(response.status_code)
        numbers.append(response.json().get("number"))

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * 8
    assert len(set(numbers)) == 8


def test_photos_are_uploaded_first_and_referenced(api, approved_business, app, mp_login):
    upload = api.post("/api/v1/public/uploads", files={"file": ("dish.png", jpeg_bytes(), "image/png")})
    assert upload.status_code == 201
    photo = upload.json()
    assert photo["content_type"] == "image/jpeg"
    pdf = api.post("/api/v1/public/uploads", files={"file": ("a.jpg", b"%PDF-1.4 fake", "image/jpeg")})
    assert_error(pdf, 415)  # photos only
    created = api.post(
        "/api/v1/public/complaints", json=complaint_body(approved_business[0]["public_code"], photos=[photo["id"]])
    )
    assert created.status_code == 201
    number = created.json()["number"]
    with app.app_context():
        assert len(Complaint.objects.get(number=number).photos) == 1
    regulator = approved_business[1]
    shown = api.get(f"/api/v1/console/complaints/{number}/photos/0", token=regulator)
    assert (
        shown.status_code == 200
        and shown.headers["Content-Type"] == "image/jpeg"
        and shown.content[:3] == b"\xff\xd8\xff"
    )
    assert_error(api.get(f"/api/v1/console/complaints/{number}/photos/1", token=regulator), 404)

    # an upload belongs to whoever uploaded it: a signed-in user cannot attach this anonymous one
    citizen = mp_login()["access_token"]
    body = complaint_body(approved_business[0]["public_code"], photos=[photo["id"]])
    body["description"] += " 另一位"
    assert "photos" in assert_error(api.post("/api/v1/public/complaints", token=citizen, json=body), 422)["errors"]


def test_html_and_scripts_are_stored_as_text_and_rendered_escaped(api, approved_business):
    code = approved_business[0]["public_code"]
    evil = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    created = api.post("/api/v1/public/complaints", json=complaint_body(code, description=evil + " 后厨脏乱")).json()
    page = api.get(f"/complaints/{created['number']}", params={"key": created["query_key"]})
    assert page.status_code == 200 and "<script>" not in page.text and "onerror=alert" not in page.text.replace("&", "")
    form = api.get("/complaints/new", params={"code": code + '"><script>'})
    assert "<script>" not in form.text


def _console(api, token, number, action, body=None):
    return api.post(f"/api/v1/console/complaints/{number}/{action}", token=token, json=body or {})


def test_full_workflow_with_rating(api, submitted, console_login, make_console_user, app):
    result, business, regulator = submitted
    number, key = result["number"], result["query_key"]
    listed = api.get("/api/v1/console/complaints", token=regulator).json()
    assert [c["number"] for c in listed] == [number]
    assert listed[0]["complainant"]["phone"] == "139****5678"  # masked in lists and records
    assert "*" in listed[0]["complainant"]["name"]
    assert _console(api, regulator, number, "accept").json()["status"] == "accepted"
    assert_error(_console(api, regulator, number, "accept"), 409)
    # assign to a regulator of the district
    handler_name, handler_password = make_console_user("regulator", ("320682",))
    handler = api.post("/api/v1/auth/token", json={"username": handler_name, "password": handler_password}).json()
    other_district = console_login("regulator", ("320582",))
    assert_error(api.get(f"/api/v1/console/complaints/{number}", token=other_district), 404)
    with app.app_context():
        from backend.accounts.models import User

        zjg_user = str(User.objects(districts="320582").first().id)
    assert_error(_console(api, regulator, number, "assign", {"assignee_id": zjg_user}), 422)
    assigned = _console(api, regulator, number, "assign", {"assignee_id": handler["user"]["id"], "office": "如城分局"})
    assert assigned.json()["status"] == "assigned"
    # records show the phone masked to everyone; only the handler may ask for it in full, and that
    # look is audited; only the handler may handle, reply and close
    assert (
        api.get(f"/api/v1/console/complaints/{number}", token=handler["access_token"]).json()["complainant"]["phone"]
        == "139****5678"
    )
    contact = api.get(f"/api/v1/console/complaints/{number}/contact", token=handler["access_token"])
    assert contact.status_code == 200 and contact.json()["phone"] == "13912345678"
    assert_error(api.get(f"/api/v1/console/complaints/{number}/contact", token=regulator), 403)
    assert_error(_console(api, regulator, number, "reply", {"text": "x"}), 403)
    token = handler["access_token"]
    assert _console(api, token, number, "handle", {"note": "现场检查属实"}).json()["status"] == "handling"
    assert_error(_console(api, token, number, "close", {"result": "x"}), 409)  # reply first
    assert (
        _console(api, token, number, "reply", {"text": "经核查属实，已责令整改并退还餐费。"}).json()["status"]
        == "replied"
    )
    # the submitter cannot rate before closure
    assert_error(api.post(f"/api/v1/public/complaints/{number}/rating", json={"key": key, "rating": 5}), 409)
    closed = _console(api, token, number, "close", {"result": "调解成功"}).json()
    assert closed["status"] == "closed" and closed["closed_at"]
    status = api.get(f"/api/v1/public/complaints/{number}", params={"key": key}).json()
    assert status["replies"][0]["text"].startswith("经核查属实") and status["can_rate"]
    assert [s["status"] for s in status["timeline"]] == [
        "received",
        "accepted",
        "assigned",
        "handling",
        "replied",
        "closed",
    ]
    assert_error(api.post(f"/api/v1/public/complaints/{number}/rating", json={"key": "bad", "rating": 5}), 404)
    assert_error(api.post(f"/api/v1/public/complaints/{number}/rating", json={"key": key, "rating": 6}), 422)
    rated = api.post(
        f"/api/v1/public/complaints/{number}/rating", json={"key": key, "rating": 4, "comment": "处理及时"}
    )
    assert rated.status_code == 200 and rated.json()["rating"] == 4
    assert_error(api.post(f"/api/v1/public/complaints/{number}/rating", json={"key": key, "rating": 1}), 409)
    with app.app_context():
        from backend.audit.models import AuditEntry

        actions = [e.action for e in AuditEntry.objects(target_type="complaint", target_id=number).in_chain_order()]
    assert actions == [
        "complaint.submitted",
        "complaint.accept",
        "complaint.assign",
        "complaint.contact_viewed",
        "complaint.handle",
        "complaint.reply",
        "complaint.close",
        "complaint.rated",
    ]


def test_refusal_and_report_extension(api, approved_business):
    business, regulator = approved_business
    code = business["public_code"]
    refused = api.post("/api/v1/public/complaints", json=complaint_body(code)).json()
    assert_error(_console(api, regulator, refused["number"], "refuse"), 422)
    out = _console(api, regulator, refused["number"], "refuse", {"reason": "已由法院受理"}).json()
    assert out["status"] == "refused" and out["refused_reason"] == "已由法院受理"
    report = api.post(
        "/api/v1/public/complaints",
        json={"kind": "report", "category": "unlicensed", "business_code": code, "description": "后院无证加工"},
    ).json()
    detail = api.get(f"/api/v1/console/complaints/{report['number']}", token=regulator).json()
    extended = _console(api, regulator, report["number"], "extend", {"reason": "需要检验"}).json()
    assert (
        date.fromisoformat(extended["handle_due"]) > date.fromisoformat(detail["handle_due"]) and extended["extended"]
    )
    assert_error(_console(api, regulator, report["number"], "extend", {"reason": "again"}), 409)
    assert_error(_console(api, regulator, refused["number"], "extend", {"reason": "not a report"}), 409)


def test_concurrent_accept_and_refuse_one_wins(api, approved_business, console_login):
    business, first = approved_business
    second = console_login("regulator", ("320682",))
    number = api.post("/api/v1/public/complaints", json=complaint_body(business["public_code"])).json()["number"]
    results = []
    barrier = threading.Barrier(2)

    def act(token, action, body):
        barrier.wait()
        results.append(_console(api, token, number, action, body).status_code)

    threads = [
        threading.Thread(target=act, args=(first, "accept", {})),
        threading.Thread(target=act, args=(second, "refuse", {"reason": "重复投诉"})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409]


def test_overdue_and_due_soon_lists(api, approved_business, app):
    business, regulator = approved_business
    code = business["public_code"]
    late = api.post("/api/v1/public/complaints", json=complaint_body(code)).json()["number"]
    fresh = api.post("/api/v1/public/complaints", json=complaint_body(code)).json()["number"]
    with app.app_context():
        Complaint.objects(number=late).update_one(
            set__current_due=date.today() - timedelta(days=3), set__accept_due=date.today() - timedelta(days=3)
        )
        Complaint.objects(number=fresh).update_one(set__current_due=date.today() + timedelta(days=1))
    overdue = api.get("/api/v1/console/complaints", token=regulator, params={"overdue": "true"}).json()
    assert [c["number"] for c in overdue] == [late]
    due_soon = api.get("/api/v1/console/complaints", token=regulator, params={"due_soon": "true"}).json()
    assert [c["number"] for c in due_soon] == [fresh]


def test_kpis_and_csv(api, submitted, make_console_user):
    result, business, regulator = submitted
    number = result["number"]
    name, password = make_console_user("regulator", ("320682",))
    handler = api.post("/api/v1/auth/token", json={"username": name, "password": password}).json()
    _console(api, regulator, number, "accept")
    _console(api, regulator, number, "assign", {"assignee_id": handler["user"]["id"]})
    _console(api, handler["access_token"], number, "reply", {"text": "已处理"})
    _console(api, handler["access_token"], number, "close", {"result": "办结"})
    api.post(f"/api/v1/public/complaints/{number}/rating", json={"key": result["query_key"], "rating": 5})
    api.post("/api/v1/public/complaints", json=complaint_body(business["public_code"]))  # still open
    params = {
        "period": f"{date.today() - timedelta(days=1)}..{date.today() + timedelta(days=1)}",
        "district": "320682",
    }
    rows = api.get("/api/v1/console/complaints/kpis", token=regulator, params=params).json()
    kpis = {row["code"]: row for row in rows}
    assert {row["district_code"] for row in rows} == {"320682"}
    assert kpis["complaints.received"]["value"] == 2
    assert (kpis["complaints.reply_rate"]["numerator"], kpis["complaints.reply_rate"]["denominator"]) == (1, 1)
    assert kpis["complaints.reply_rate"]["value"] == 1.0 and kpis["complaints.on_time_closure_rate"]["value"] == 1.0
    assert kpis["complaints.satisfaction"]["value"] == 5.0 and kpis["complaints.average_handling_days"]["value"] < 1
    csv_response = api.get("/api/v1/console/complaints/kpis.csv", token=regulator, params=params)
    assert csv_response.headers["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert table[0][:2] == ["指标代码", "指标名称"] and table[1][:2] == ["complaints.received", "收到投诉举报"]
    # the same rows among every domain's, and as XLSX
    every = api.get("/api/v1/console/indicators", token=regulator, params=params).json()
    assert kpis["complaints.received"] in every and any(r["code"].startswith("sampling.") for r in every)
    xlsx = api.get("/api/v1/console/indicators.xlsx", token=regulator, params=params)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert_error(api.get("/api/v1/console/complaints/kpis", token=regulator, params={"period": "x"}), 422)
    from backend.core.indicators import Period
    from backend.core.timeutil import today_shanghai

    this_quarter = api.get("/api/v1/console/complaints/kpis", token=regulator).json()  # no period: this quarter
    assert this_quarter[0]["period"] == Period.quarter_of(today_shanghai()).label
    assert_error(
        api.get("/api/v1/console/indicators", token=regulator, params={"period": "2026", "district": "320100"}), 404
    )


def test_citizens_and_other_districts_cannot_see_complaints(api, submitted, mp_login, console_login):
    result = submitted[0]
    citizen = mp_login()["access_token"]
    assert_error(api.get("/api/v1/console/complaints", token=citizen), 403)
    assert api.get("/api/v1/console/complaints", token=console_login("regulator", ("310112",))).json() == []
    assert (
        api.get("/api/v1/console/complaints", token=console_login("regulator", ("320600",))).json()[0]["number"]
        == result["number"]
    )


def test_rate_limit_per_ip(config):
    from backend.app import create_app

    server = LiveServer(create_app({**config, "COMPLAINT_RATE_LIMIT": "2/hour"}))
    try:
        responses = [
            requests.post(f"{server.url}/api/v1/public/complaints", json=complaint_body(), timeout=15) for _ in range(3)
        ]
        assert [r.status_code for r in responses] == [201, 201, 429]
        assert int(responses[2].headers["Retry-After"]) > 60 and "提交过于频繁" in responses[2].json()["message"]
    finally:
        server.stop()


def test_html_form_and_status_page(api, approved_business):
    business, regulator = approved_business
    code = business["public_code"]
    form = api.get("/complaints/new", params={"code": code})
    assert form.status_code == 200 and business["name"] in form.text and "<script" not in form.text
    assert 'name="business_code"' in form.text
    bad = api.post(
        "/complaints/new", data={"kind": "complaint", "business_code": code, "category": "", "description": "x"}
    )
    assert bad.status_code == 422 and "请选择问题类别" in bad.text
    filled = {
        "kind": "complaint",
        "business_code": code,
        "category": "spoiled_expired",
        "description": "买到过期酸奶两盒",
        "occurred_at": "2026-11-20T12:30",
        "claim": "退一赔十",
        "name": "李四",
        "phone": "13800001111",
        "address": "如皋",
    }
    no_consent = api.post("/complaints/new", data=filled)
    assert no_consent.status_code == 422 and "个人信息" in no_consent.text and "买到过期酸奶两盒" in no_consent.text
    created = api.post(
        "/complaints/new",
        data={**filled, "consent": "yes"},
        allow_redirects=False,
        files=[("photos", ("yoghurt.jpg", jpeg_bytes(), "image/jpeg"))],
    )
    assert created.status_code == 303, created.text  # post, redirect, get: a refresh posts nothing again
    status = api.get(created.headers["Location"])
    assert status.status_code == 200 and "提交成功" in status.text and "已登记，待受理" in status.text
    assert "13800001111" not in status.text and 'id="progress"' in status.text and "登记时间" in status.text
    number = created.headers["Location"].split("/complaints/")[1].split("?")[0]
    assert api.get(f"/complaints/{number}", params={"key": "nope"}).status_code == 404


def test_the_form_keeps_the_text_when_the_rate_limit_refuses(config):
    from backend.app import create_app

    server = LiveServer(create_app({**config, "COMPLAINT_RATE_LIMIT": "1/hour"}))
    try:
        form = {
            "kind": "report",
            "category": "hygiene",
            "description": "后厨老鼠出没，地面污水",
            "business_name": "路边摊",
            "business_address": "海阳路12号",
            "district_code": "320682",
        }
        first = requests.post(f"{server.url}/complaints/new", data=form, allow_redirects=False, timeout=15)
        assert first.status_code == 303
        again = requests.post(
            f"{server.url}/complaints/new",
            data={**form, "description": "另一件事：餐具未消毒"},
            allow_redirects=False,
            timeout=15,
        )
        assert again.status_code == 429 and "后再试" in again.text and "另一件事：餐具未消毒" in again.text
        assert int(again.headers["Retry-After"]) >= 1
    finally:
        server.stop()


def test_the_status_page_flags_an_overdue_deadline(api, app):
    created = api.post("/api/v1/public/complaints", json=report_body()).json()
    with app.app_context():
        Complaint.objects(number=created["number"]).update_one(set__current_due=date(2026, 1, 5))  # long past
    page = api.get(f"/complaints/{created['number']}", params={"key": created["query_key"]})
    assert 'id="overdue"' in page.text and "已超过办理期限" in page.text
    status = api.get(f"/api/v1/public/complaints/{created['number']}", params={"key": created["query_key"]}).json()
    assert status["overdue"] is True and [s["done"] for s in status["progress"]] == [True, False, False, False, False]


def test_open311(api, approved_business):
    business, _ = approved_business
    services = api.get("/open311/v2/services.json").json()
    assert {"complaint.hygiene", "report.unlicensed"} <= {s["service_code"] for s in services}
    definition = api.get("/open311/v2/services/complaint.hygiene.json").json()
    assert {a["code"] for a in definition["attributes"]} >= {"business_code", "claim"}
    assert api.get("/open311/v2/services/nope.json").status_code == 404
    created = api.post(
        "/open311/v2/requests.json",
        data={
            "service_code": "report.unlicensed",
            "description": "无证流动摊贩售卖凉皮",
            "address_string": "如皋市海阳路与宁海路交叉口",
            "attribute[business_name]": "路边凉皮摊",
            "attribute[district_code]": "320682",
        },
    )
    assert created.status_code == 201, created.text
    request_id = created.json()[0]["service_request_id"]
    one = api.get(f"/open311/v2/requests/{request_id}.json").json()[0]
    assert one["status"] == "open" and one["expected_datetime"] and "市场监督管理局" in one["agency_responsible"]
    assert "无证流动" not in str(one)  # no complaint text in public listings
    listed = api.get("/open311/v2/requests.json", params={"status": "open"}).json()
    assert request_id in [r["service_request_id"] for r in listed]
    missing = api.post(
        "/open311/v2/requests.json",
        data={"service_code": "complaint.hygiene", "attribute[business_code]": business["public_code"]},
    )
    assert missing.status_code == 400 and missing.json()[0]["code"] == 400
    assert api.get("/open311/v2/requests/NOPE.json").status_code == 404


def test_rate_limit_per_signed_in_user_across_addresses(config):
    from backend.app import create_app

    app = create_app({**config, "COMPLAINT_RATE_LIMIT": "2/hour", "TRUSTED_PROXIES": "127.0.0.1"})
    server = LiveServer(app)
    try:
        token = requests.post(f"{server.url}/api/v1/mp/auth/login", json={"code": "code-busy-user"}, timeout=15).json()[
            "access_token"
        ]

        def submit(address, **headers):
            return requests.post(
                f"{server.url}/api/v1/public/complaints",
                json=complaint_body(),
                timeout=15,
                headers={"X-Forwarded-For": address, **headers},
            ).status_code

        auth = {"Authorization": f"Bearer {token}"}
        assert [submit(f"198.51.100.{i}", **auth) for i in range(1, 4)] == [201, 201, 429]
        assert submit("198.51.100.9") == 201  # anonymous, from a fresh address: not this user's budget
    finally:
        server.stop()


def test_html_form_accepts_a_county_name_instead_of_a_code(api, app):
    form = {
        "kind": "report",
        "category": "unlicensed",
        "description": "无证加工熟食",
        "business_name": "路边摊",
        "business_address": "海阳路12号",
        "district_code": "如皋市",
    }
    created = api.post("/complaints/new", data=form, allow_redirects=False)
    assert created.status_code == 303, created.text
    number = created.headers["Location"].split("/complaints/")[1].split("?")[0]
    with app.app_context():
        assert Complaint.objects.get(number=number).district_code == "320682"
    ambiguous = api.post("/complaints/new", data={**form, "district_code": "城关区", "description": "另一处无证加工"})
    assert ambiguous.status_code == 422 and "同名" in ambiguous.text


def test_the_rating_form_keeps_the_api_contract(api, app):
    created = api.post("/api/v1/public/complaints", json=report_body()).json()
    number, key = created["number"], created["query_key"]
    with app.app_context():
        Complaint.objects(number=number).update_one(set__status="closed")  # as after the handler closed it
    too_long = api.post(
        f"/complaints/{number}/rating", data={"key": key, "rating": "4", "comment": "好" * 600}, allow_redirects=False
    )
    assert too_long.status_code == 422 and "最多500字" in too_long.text
    no_score = api.post(f"/complaints/{number}/rating", data={"key": key, "rating": "9"}, allow_redirects=False)
    assert no_score.status_code == 422 and "1至5分" in no_score.text
    rated = api.post(
        f"/complaints/{number}/rating", data={"key": key, "rating": "4", "comment": "处理及时"}, allow_redirects=False
    )
    assert rated.status_code == 303
    with app.app_context():
        stored = Complaint.objects.get(number=number)
        assert (stored.rating, stored.rating_comment) == (4, "处理及时")


def test_my_complaints_without_the_query_key(api, mp_login):
    me, other = mp_login()["access_token"], mp_login()["access_token"]
    mine = api.post("/api/v1/public/complaints", token=me, json=report_body(description="我的举报：后厨脏乱"))
    api.post("/api/v1/public/complaints", token=other, json=report_body(description="别人的举报：餐具未消毒"))
    api.post("/api/v1/public/complaints", json=report_body(description="匿名的举报：过期食品"))
    listed = api.get("/api/v1/mp/complaints", token=me)
    assert listed.status_code == 200 and [c["number"] for c in listed.json()] == [mine.json()["number"]]
    assert listed.json()[0]["status_label"] == "已登记，待受理" and "query_key" not in listed.text
    one = api.get(f"/api/v1/mp/complaints/{mine.json()['number']}", token=me)
    assert one.status_code == 200 and one.json()["timeline"][0]["status"] == "received"
    assert_error(api.get(f"/api/v1/mp/complaints/{mine.json()['number']}", token=other), 404)


def test_provisional_deadlines_and_the_calendar_status(api, approved_business, console_login, app):
    from backend.core.calendar import current_calendar
    from backend.core.timeutil import today_shanghai

    business, regulator = approved_business
    created = api.post("/api/v1/public/complaints", json=complaint_body(business["public_code"])).json()
    accepted = _console(api, regulator, created["number"], "accept").json()
    handle_due = date.fromisoformat(accepted["handle_due"])
    with app.app_context():
        expected = current_calendar().provisional(today_shanghai(), handle_due)
    assert accepted["deadlines_provisional"] is expected
    status = api.get("/api/v1/console/calendar", token=regulator).json()
    assert status["known_until"] >= "2026-12-31"
    ready = api.get("/readyz").json()
    assert ready["status"] == "ready" and ready["calendar"]["known_until"] == status["known_until"]
    if status["warning"]:  # near the end of the known calendar: said in the reader's language
        assert "法定节假日" in status["warning"] and "法定节假日" in ready["calendar"]["warning"]
        english = api.get("/readyz", headers={"Accept-Language": "en"}).json()["calendar"]["warning"]
        assert english.startswith("Public holidays are known until")
    admin = console_login("admin", ())
    year = handle_due.year + 1
    loaded = api.post(
        "/api/v1/console/calendar/years",
        token=admin,
        json={"year": year, "holidays": [f"{year}-01-01"], "makeup_workdays": []},
    )
    assert loaded.status_code == 200
    assert_error(api.post("/api/v1/console/calendar/years", token=regulator, json={"year": year, "holidays": []}), 403)


def test_query_keys_are_not_to_be_guessed_at_speed(config):
    from backend.app import create_app

    server = LiveServer(create_app({**config, "PUBLIC_RATE_LIMIT": "3/minute"}))
    try:
        url = f"{server.url}/api/v1/public/complaints/TS20261204000001?key=guess-0000000000000000"
        answers = [requests.get(url, timeout=15).status_code for _ in range(4)]
        assert answers == [404, 404, 404, 429]
    finally:
        server.stop()
