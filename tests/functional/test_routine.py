"""The routine end to end: a phone records a daily check (twice: the network dropped), the console
follows it in JSON and CSV, the public page says how well it is kept."""

import uuid

from backend.core.timeutil import today_shanghai
from tests.support import assert_error


def test_daily_check_from_the_phone_to_the_console_and_the_card(api, owned_business, mp_login):
    business, owner, regulator = owned_business
    base = f"/api/v1/mp/businesses/{business['id']}"
    items = api.get(f"{base}/risk-list", token=owner).json()["items"]
    body = {
        "client_id": uuid.uuid4().hex,
        "day": today_shanghai().isoformat(),
        "signed_name": "李安全",
        "results": [{"item": item["code"], "result": "passed"} for item in items],
    }
    first = api.post(f"{base}/daily-checks", token=owner, json=body)
    assert first.status_code == 201, first.text
    again = api.post(f"{base}/daily-checks", token=owner, json=body)  # the kitchen's network dropped the answer
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert first.json()["summary"] == "未发现风险隐患"
    assert len(api.get(f"{base}/daily-checks", token=owner).json()) == 1
    stranger = mp_login()["access_token"]
    assert_error(api.post(f"{base}/daily-checks", token=stranger, json={**body, "client_id": uuid.uuid4().hex}), 404)
    period = {"from": today_shanghai().isoformat(), "to": today_shanghai().isoformat()}
    (row,) = api.get("/api/v1/console/routine/compliance", token=regulator, params=period).json()
    assert (row["business_id"], row["days_recorded"], row["days"]) == (business["id"], 1, 1)
    csv = api.get("/api/v1/console/routine/compliance.csv", token=regulator, params=period)
    assert csv.status_code == 200 and business["name"] in csv.content.decode("utf-8-sig")
    assert (
        api.get("/api/v1/console/routine/compliance/districts", token=regulator, params=period).json()[0][
            "days_recorded_share"
        ]
        == 1.0
    )
    assert "近30天日管控 1/30 天" in api.get(f"/q/{business['public_code']}").text


def test_huge_daily_checks_are_refused(api, owned_business):
    business, owner, _regulator = owned_business
    base = f"/api/v1/mp/businesses/{business['id']}"

    def body(count):
        return {
            "client_id": uuid.uuid4().hex,
            "day": today_shanghai().isoformat(),
            "signed_name": "李安全",
            "results": [{"item": f"item{n}", "result": "passed"} for n in range(count)],
        }

    assert_error(api.post(f"{base}/daily-checks", token=owner, json=body(10_000)), 413)
    assert "results" in assert_error(api.post(f"{base}/daily-checks", token=owner, json=body(300)), 422)["errors"]


def test_a_daily_check_is_corrected_not_recorded_twice_and_errors_name_items_in_chinese(api, owned_business):
    business, owner, _regulator = owned_business
    base = f"/api/v1/mp/businesses/{business['id']}"
    items = api.get(f"{base}/risk-list", token=owner).json()["items"]
    results = [{"item": item["code"], "result": "passed"} for item in items]
    body = {
        "client_id": uuid.uuid4().hex,
        "day": today_shanghai().isoformat(),
        "signed_name": "李安全",
        "results": results,
    }
    check = api.post(f"{base}/daily-checks", token=owner, json=body).json()
    # a second record of the day says to correct the first, and there is a way to
    again = assert_error(
        api.post(f"{base}/daily-checks", token=owner, json={**body, "client_id": uuid.uuid4().hex}), 409
    )
    assert "请更正原记录" in again["message"]
    failed = [{**results[0], "result": "failed", "note": "冷藏柜温度 9℃"}, *results[1:]]
    correction = {"version": check["version"], "results": failed, "signed_name": "王主管", "reason": "漏记了冷藏柜问题"}
    corrected = api.put(f"{base}/daily-checks/{check['id']}", token=owner, json=correction)
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["version"] == check["version"] + 1
    assert corrected.json()["results"][0]["result"] == "failed" and corrected.json()["signature"]["name"] == "王主管"
    stale = assert_error(api.put(f"{base}/daily-checks/{check['id']}", token=owner, json=correction), 409)
    assert "已被修改" in stale["message"] or "已变更" in stale["message"]
    # every missing item is named by its Chinese text, and how many are not listed is said
    partial = {**correction, "version": corrected.json()["version"], "results": results[:1]}
    missing = assert_error(api.put(f"{base}/daily-checks/{check['id']}", token=owner, json=partial), 422)
    (said,) = missing["errors"]["results"]
    assert items[1]["text"][:10] in said and "缺少" in said
    if len(items) > 11:
        assert f"另有 {len(items) - 11} 项未列出" in said
    # no one else's record, and none past the backfill window
    assert_error(api.put(f"{base}/daily-checks/{business['id']}", token=owner, json=correction), 404)
