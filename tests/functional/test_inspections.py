"""The inspection loop over HTTP: inspect → sign → the business acknowledges → evidence → accept →
the grade and the card follow."""

from datetime import date

from backend.core.timeutil import today_shanghai
from tests.support import assert_error


def _me(api, token):
    return api.get("/api/v1/auth/me", token=token).json()["id"]


def test_the_full_inspection_loop(api, owned_business, console_login, app):
    business, owner, lead = owned_business
    second = console_login("regulator", ("320682",))
    with app.app_context():
        from backend.inspections.models import Checklist
        from backend.inspections.services import ensure_shipped_checklists

        ensure_shipped_checklists()
        codes = [item.code for item in Checklist.objects.latest_for("catering").items]
    results = [{"item": code, "result": "passed"} for code in codes]
    failed = results.index({"item": "samples_kept", "result": "passed"})
    results[failed] = {"item": "samples_kept", "result": "failed", "note": "午餐未留样"}
    body = {
        "business_id": business["id"],
        "inspected_on": today_shanghai().isoformat(),
        "type": "routine",
        "results": results,
    }
    assert "inspectors" in assert_error(api.post("/api/v1/console/inspections", token=lead, json=body), 422)["errors"]
    draft = api.post("/api/v1/console/inspections", token=lead, json={**body, "inspectors": [_me(api, second)]})
    assert draft.status_code == 201, draft.text
    inspection = draft.json()
    colleague = console_login("regulator", ("320682",))  # of the district, not among the inspectors
    assert_error(
        api.patch(f"/api/v1/console/inspections/{inspection['id']}", token=colleague, json={"results": []}), 403
    )
    assert api.get(f"/api/v1/console/inspections/{inspection['id']}", token=colleague).json()["results"]  # unchanged
    assert_error(
        api.get(f"/api/v1/mp/businesses/{business['id']}/inspections/{inspection['id']}/acknowledge", token=owner), 405
    )
    assert api.get(f"/api/v1/mp/businesses/{business['id']}/inspections", token=owner).json() == []  # drafts unseen
    signed = api.post(f"/api/v1/console/inspections/{inspection['id']}/sign", token=lead)
    assert signed.status_code == 200 and signed.json()["result"] == "non_compliant"  # a key item failed
    (raised,) = api.get("/api/v1/console/leads", token=lead).json()  # enforcement reviews it
    assert (raised["source_kind"], raised["source_id"], raised["status"]) == ("inspection", inspection["id"], "new")
    assert "监督检查结果不符合" in raised["summary"]
    assert_error(api.patch(f"/api/v1/console/inspections/{inspection['id']}", token=lead, json={"results": []}), 409)
    base = f"/api/v1/mp/businesses/{business['id']}"
    (seen,) = api.get(f"{base}/inspections", token=owner).json()
    acknowledged = api.post(f"{base}/inspections/{seen['id']}/acknowledge", token=owner, json={"name": "张志明"})
    assert acknowledged.status_code == 200 and acknowledged.json()["acknowledgement"]["name"] == "张志明"
    card = api.get(f"/api/v1/public/businesses/{business['public_code']}").json()
    assert (
        card["latest_inspection"]["result_label"] == "不符合" and card["latest_inspection"]["open_rectifications"] == 1
    )
    assert card["grade"]["colour"] == "green"  # one key failure still scores 9.5: 优秀 → A
    (fix,) = api.get(f"{base}/rectifications", token=owner).json()
    assert fix["overdue"] is False
    with app.app_context():
        from backend.inspections.models import Rectification

        Rectification.objects(id=fix["id"]).update_one(set__deadline=date(2020, 1, 2))
    assert api.get(f"{base}/rectifications", token=owner).json()[0]["overdue"] is True
    unknown_photo = {"note": "已补留样", "photos": ["0" * 64]}
    refused = assert_error(
        api.post(f"{base}/rectifications/{fix['id']}/evidence", token=owner, json=unknown_photo), 422
    )
    assert "请先上传整改照片" in refused["errors"]["photos"][0] and "/" not in refused["errors"]["photos"][0]
    sent = api.post(f"{base}/rectifications/{fix['id']}/evidence", token=owner, json={"note": "已补留样，专人负责"})
    assert sent.status_code == 200 and sent.json()["status"] == "submitted"
    accepted = api.post(f"/api/v1/console/rectifications/{fix['id']}/accept", token=lead, json={})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert_error(api.post(f"/api/v1/console/rectifications/{fix['id']}/send-back", token=second, json={}), 409)
    card = api.get(f"/api/v1/public/businesses/{business['public_code']}").json()
    assert card["latest_inspection"]["open_rectifications"] == 0
    set_by_hand = api.put(
        f"/api/v1/console/businesses/{business['id']}/annual-grade",
        token=lead,
        json={"level": "C", "reason": "发生食物中毒事件"},
    )
    assert set_by_hand.status_code == 200 and set_by_hand.json()["history"][-1]["by_hand"] is True
    assert_error(
        api.put(f"/api/v1/console/businesses/{business['id']}/annual-grade", token=lead, json={"level": "B"}), 422
    )
    assert api.get(f"/api/v1/public/businesses/{business['public_code']}").json()["grade"]["colour"] == "red"
    page = api.get(f"/q/{business['public_code']}").text
    assert "红码" in page and "不符合" in page and "绿码 A级" in page  # the colours explained in one line


def test_plan_draws_and_kpis_over_http(api, owned_business, console_login):
    business, _owner, lead = owned_business
    console_login("regulator", ("320682",))  # a second inspector for the pairs
    year = today_shanghai().year
    plan = api.get("/api/v1/console/inspection-plan", token=lead, params={"year": year})
    assert plan.status_code == 200 and plan.json()["rows"][0]["state"] == "overdue"
    drawn = api.post("/api/v1/console/random-draws", token=lead, json={"count": 1, "district": "320682"})
    assert drawn.status_code == 201, drawn.text
    assert drawn.json()["pairs"][0]["business_id"] == business["id"] and len(drawn.json()["seed"]) == 32
    verified = api.get(f"/api/v1/console/random-draws/{drawn.json()['id']}/verify", token=lead)
    assert verified.json() == {"reproduced": True}
    assert (
        "count" in assert_error(api.post("/api/v1/console/random-draws", token=lead, json={"count": 99}), 422)["errors"]
    )
    kpis = api.get("/api/v1/console/inspections/kpis.csv", token=lead, params={"period": str(year)})
    assert kpis.status_code == 200 and "inspections.coverage_two_years" in kpis.text
    risk = api.get(f"/api/v1/console/businesses/{business['id']}/risk-grade", token=lead)
    assert risk.status_code == 200 and risk.json()["level"] in "ABCD"
    assert "risk" not in str(api.get(f"/api/v1/public/businesses/{business['public_code']}").json())  # never public


def test_an_admin_loads_a_checklist_from_xlsx(api, console_login):
    from tests.builders import checklist_workbook

    data = checklist_workbook([("samples_kept", "按规定留样", "重点", 10)])
    files = {"file": ("checklist.xlsx", data, "application/octet-stream")}
    loaded = api.post("/api/v1/console/checklists/file", token=console_login("admin", ()), files=files)
    assert loaded.status_code == 201, loaded.text
    assert loaded.json()["kind"] == "canteen" and loaded.json()["items"][0]["key"] is True
    assert_error(
        api.post("/api/v1/console/checklists/file", token=console_login("regulator", ("320682",)), files=files), 403
    )


def test_item_results_carry_photos_uploaded_first(api, owned_business, console_login):
    from tests.builders import jpeg_bytes

    business, _owner, lead = owned_business
    second = console_login("regulator", ("320682",))
    photo = api.post(
        "/api/v1/console/inspection-photos", token=lead, files={"file": ("p.jpg", jpeg_bytes(), "image/jpeg")}
    )
    assert photo.status_code == 201, photo.text
    sha = photo.json()["photo"]
    body = {
        "business_id": business["id"],
        "inspected_on": today_shanghai().isoformat(),
        "type": "routine",
        "inspectors": [_me(api, second)],
        "results": [{"item": "cold_chain", "result": "failed", "note": "冷柜12℃", "photos": [sha]}],
    }
    draft = api.post("/api/v1/console/inspections", token=lead, json=body)
    assert draft.status_code == 201 and draft.json()["results"][0]["photos"] == [sha]
    body["results"][0]["photos"] = ["0" * 64]
    refused = assert_error(api.post("/api/v1/console/inspections", token=lead, json=body), 422)
    assert "请先上传照片" in refused["errors"]["results"][0] and "/api" not in str(refused)  # no path for a person


def test_an_inspection_from_the_api_alone_colleagues_by_name_checklists_and_every_missing_item(
    api, owned_business, console_login, make_console_user
):
    business, _owner, lead = owned_business
    username, password = make_console_user("regulator", ("320682",))
    console_login("regulator", ("310112",))  # Shanghai: no colleague of a Rugao inspector
    city = console_login("regulator", ("320600",))
    listed = api.get("/api/v1/console/users", token=lead)
    assert listed.status_code == 200, listed.text
    names = {user["username"]: user for user in listed.json()}
    assert username in names and all(set(user["districts"]) & {"320682", "320600", "320000"} for user in listed.json())
    assert "password_hash" not in listed.text and "openid" not in listed.text
    # the city's regulator sees the county's; a district outside one's own is refused by name
    assert username in {user["username"] for user in api.get("/api/v1/console/users", token=city).json()}
    assert (
        "district"
        in assert_error(api.get("/api/v1/console/users", token=lead, params={"district": "310112"}), 422)["errors"]
    )
    assert_error(api.post("/api/v1/console/users", token=lead, json={}), 403)  # creating stays with admins
    # the checklist is readable; its items are what an inspection records
    (catering,) = [c for c in api.get("/api/v1/console/checklists", token=lead).json() if c["kind"] == "catering"]
    assert catering["items"] and all({"code", "text", "key", "points"} <= set(item) for item in catering["items"])
    one = api.get("/api/v1/console/checklists/catering", token=lead, params={"version": catering["version"]})
    assert one.status_code == 200 and one.json()["id"] == catering["id"]
    assert_error(api.get("/api/v1/console/checklists/nosuch", token=lead), 404)
    # a draft names its inspectors by name, and signing lists every missing item or says how many more
    colleague = names[username]
    body = {
        "business_id": business["id"],
        "inspected_on": today_shanghai().isoformat(),
        "type": "routine",
        "inspectors": [colleague["id"]],
        "results": [{"item": catering["items"][0]["code"], "result": "passed"}],
    }
    draft = api.post("/api/v1/console/inspections", token=lead, json=body).json()
    assert set(draft["inspector_names"]) == {colleague["display_name"] or username, _name(api, lead)}
    listed_names = api.get("/api/v1/console/inspections", token=lead).json()[0]["inspector_names"]
    assert listed_names == draft["inspector_names"]
    refused = assert_error(api.post(f"/api/v1/console/inspections/{draft['id']}/sign", token=lead), 422)
    (said,) = refused["errors"]["results"]
    assert catering["items"][1]["text"][:8] in said
    if len(catering["items"]) > 11:
        assert f"另有 {len(catering['items']) - 11} 项未列出" in said


def _name(api, token):
    me = api.get("/api/v1/auth/me", token=token).json()
    return me["display_name"] or me["username"]
