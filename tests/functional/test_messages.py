"""Messages people read are Chinese unless the client asks for English; every error carries a stable
code for programs, whatever the wording."""

from tests.support import assert_error

ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}


def test_a_domain_error_in_chinese_or_english_with_its_stable_code(api, mp_login):
    token = mp_login()["access_token"]
    path = f"/api/v1/mp/businesses/{'0' * 24}/staff"
    body = assert_error(api.get(path, token=token), 404)
    assert body["message"] == "没有该经营主体。" and body["error"] == "registry.business_not_found"
    body = assert_error(api.get(path, token=token, headers=ENGLISH), 404)
    assert body["message"] == "No such business." and body["error"] == "registry.business_not_found"


def test_request_errors_speak_the_clients_language(api, mp_login):
    token = mp_login()["access_token"]
    invalid = assert_error(api.post("/api/v1/mp/businesses", token=token, json={"kind": "restaurant_small"}), 422)
    assert invalid["message"] == "部分字段不符合要求。" and invalid["error"] == "invalid_input"
    assert "name" in invalid["errors"]
    english = assert_error(api.post("/api/v1/mp/businesses", token=token, json={}, headers=ENGLISH), 422)
    assert english["message"] == "Some fields are not valid."
    broken = api.post(
        "/api/v1/mp/businesses", token=token, data="{not json", headers={"Content-Type": "application/json"}
    )
    body = assert_error(broken, 400)
    assert body["error"] == "invalid_json" and body["message"] == "请求体不是有效的 JSON。"
    missing = assert_error(api.get("/api/v1/no-such-thing"), 404)
    assert missing["error"] == "not_found" and missing["message"] == "未找到。"
    unsigned = assert_error(api.get("/api/v1/mp/complaints"), 401)
    assert unsigned["error"] == "accounts.invalid_token"


def test_the_openapi_document_declares_the_stable_code(api):
    schema = api.get("/api/openapi.json").json()["components"]["schemas"]["Error"]
    assert "error" in schema["properties"]


def test_the_reasons_fields_are_refused_for_are_in_the_clients_language(api, mp_login):
    token = mp_login()["access_token"]
    body = {"kind": "restaurant_small", "name": "x" * 200, "district_code": "320682", "colour": "red"}
    chinese = assert_error(api.post("/api/v1/mp/businesses", token=token, json=body), 422)["errors"]
    assert chinese["colour"] == ["不认识的字段。"]
    english = assert_error(api.post("/api/v1/mp/businesses", token=token, json=body, headers=ENGLISH), 422)["errors"]
    assert english["colour"] == ["Unknown field."]
    complaint = {"kind": "report", "category": "hygiene", "description": "后厨老鼠出没"}
    reasons = assert_error(api.post("/api/v1/public/complaints", json=complaint), 422)["errors"]
    assert reasons["business_name"] == ["未提供公示码时必填。"]


def test_a_message_written_for_the_case_names_the_state_in_the_clients_language(api, owned_business):
    business, owner, regulator = owned_business
    path = f"/api/v1/mp/businesses/{business['id']}"
    body = assert_error(api.delete(path, token=owner), 409)
    assert body["message"] == "只有草稿可以删除；该主体为“正常经营”。"
    english = assert_error(api.delete(path, token=owner, headers=ENGLISH), 409)
    assert english["message"] == "Only a draft can be deleted; this business is approved."
    assert body["error"] == english["error"] == "registry.invalid_transition"
    # the one state-change helper's own words, when a second approval loses
    approve = f"/api/v1/console/businesses/{business['id']}/approve"
    again = assert_error(api.post(approve, token=regulator, json={}), 409)
    assert again["message"] == "该经营主体当前为“正常经营”，不能进行此操作；请刷新后重试。"
    english = assert_error(api.post(approve, token=regulator, json={}, headers=ENGLISH), 409)
    assert english["message"] == "Cannot approve this business: it is approved; reload it and try again."


def test_a_fields_reason_written_by_a_schema_or_service_is_in_the_clients_language(api, mp_login):
    token = mp_login()["access_token"]
    body = {
        "kind": "restaurant_small",
        "name": "新店",
        "district_code": "320682",
        "licence": {"issued_on": "1800-01-01"},
    }
    chinese = assert_error(api.post("/api/v1/mp/businesses", token=token, json=body), 422)["errors"]
    assert chinese["licence"]["issued_on"] == ["日期应在 1900 年到 2199 年之间。"]
    english = assert_error(api.post("/api/v1/mp/businesses", token=token, json=body, headers=ENGLISH), 422)["errors"]
    assert english["licence"]["issued_on"] == ["A date between 1900 and 2199."]
    located = api.put(
        "/api/v1/mp/businesses/" + "0" * 24 + "/location", token=token, json={"latitude": "x", "longitude": 1}
    )
    assert assert_error(located, 422)["errors"]["latitude"] == ["应为数字。"]


def test_registration_rules_say_their_reason_in_chinese_with_chinese_labels(api, mp_login):
    from tests.builders import restaurant_body

    token = mp_login()["access_token"]
    body = restaurant_body()
    body["licence"] = {**body["licence"], "number": "SC" + "1" * 14}  # a producer's licence on a restaurant
    short = assert_error(api.post("/api/v1/mp/businesses", token=token, json={**body, "uscc": "123"}), 422)
    assert short["errors"]["uscc"] == ["应为 18 个字符。"]  # was 长度应在 18 到 18 个字符之间
    refused = assert_error(api.post("/api/v1/mp/businesses", token=token, json=body), 422)
    assert refused["errors"]["licence"]["number"] == ["小餐饮应持有 JY 开头的许可证。"]
    body["licence"] = {**body["licence"], "number": "AB123"}
    shape = assert_error(api.post("/api/v1/mp/businesses", token=token, json=body, headers=ENGLISH), 422)
    assert shape["errors"]["licence"]["number"] == ["Expected JY + 14 digits, SC + 14 digits or a YB filing number."]
