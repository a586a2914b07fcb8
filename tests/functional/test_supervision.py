"""包保 over HTTP: the 食安办 creates an official, who binds a WeChat account with the invitation code,
signs the pledge (as does the business head), is paired with a business by the level rules, supervises
it remotely from the scoped overview, and completes the quarter's task with a minor risk (a
rectification the business sees) and a violation (handed to the 食安办 and passed on as a lead); pairings
from a spreadsheet, all rows or none; and the indicators."""

import io

from pypdf import PdfReader

from backend.core.timeutil import today_shanghai
from tests.builders import bound_official, new_official
from tests.support import assert_error, eventually


def quarter() -> str:
    today = today_shanghai()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def all_items(api, token, result="passed"):
    checklist = api.get("/api/v1/mp/official/checklist", token=token).json()
    return [{"item": item["code"], "result": result} for item in checklist["items"]]


def test_an_official_binds_signs_is_paired_and_supervises_remotely(api, owned_business, console_login, mp_login):
    business, owner, regulator = owned_business
    office = console_login("office", ("320682",))
    assert_error(api.post("/api/v1/console/officials", token=regulator, json={}), 403)  # the 食安办 arranges it
    official, token = bound_official(api, office, mp_login)
    assert official["phone"] == "139****0001" and "invitation_code" in official
    again = api.post(
        "/api/v1/mp/official/bind", token=mp_login()["access_token"], json={"code": official["invitation_code"]}
    )
    assert "code" in assert_error(again, 422)["errors"]  # the code works once

    # the level must fit the business: a city leader does not take a small restaurant
    city = new_official(api, office, level="city", phone="13900000002")
    refused = api.post(
        "/api/v1/console/assignments", token=office, json={"official_id": city["id"], "business_id": business["id"]}
    )
    assert "official_id" in assert_error(refused, 422)["errors"]
    wider = console_login("office", ("320682", "320623"))
    elsewhere = new_official(api, wider, district="320623", phone="13900000003")  # 如东: not the business's county
    refused = api.post(
        "/api/v1/console/assignments",
        token=wider,
        json={"official_id": elsewhere["id"], "business_id": business["id"]},
    )
    assert_error(refused, 422)
    unassigned = api.get("/api/v1/console/assignments/unassigned", token=office).json()
    assert [entry["id"] for entry in unassigned] == [business["id"]]
    paired = api.post(
        "/api/v1/console/assignments", token=office, json={"official_id": official["id"], "business_id": business["id"]}
    )
    assert paired.status_code == 201 and paired.json()["level"] == "village"
    assert api.get("/api/v1/console/assignments/unassigned", token=office).json() == []
    (mine,) = api.get("/api/v1/mp/official/businesses", token=token).json()
    assert mine["business_id"] == business["id"]

    # pledges: the official's own and the business head's, once each on the current text, printable
    (to_sign,) = api.get("/api/v1/mp/pledges", token=token).json()
    assert to_sign["kind"] == "official" and to_sign["signed"] is None and "包保" in to_sign["text"]["title"]
    sign = {
        "kind": "official",
        "subject_id": to_sign["subject_id"],
        "signed_name": "陈建军",
        "text_version": to_sign["text"]["version"],
        "text_sha256": to_sign["text"]["sha256"],
    }
    assert_error(api.post("/api/v1/mp/pledges", token=token, json={**sign, "text_sha256": "0" * 64}), 409)
    signed = api.post("/api/v1/mp/pledges", token=token, json=sign, headers={"X-Device": "iPhone 15 / WeChat 8.0"})
    assert signed.status_code == 201, signed.text
    assert_error(api.post("/api/v1/mp/pledges", token=token, json=sign), 409)  # once per text
    (heads,) = api.get("/api/v1/mp/pledges", token=owner).json()
    assert heads["kind"] == "business" and heads["subject_id"] == business["id"]
    business_sign = {
        **sign,
        "kind": "business",
        "subject_id": business["id"],
        "signed_name": "张志明",
        "text_version": heads["text"]["version"],
        "text_sha256": heads["text"]["sha256"],
    }
    assert_error(api.post("/api/v1/mp/pledges", token=token, json=business_sign), 404)  # not the official's to sign
    assert api.post("/api/v1/mp/pledges", token=owner, json=business_sign).status_code == 201
    pdf = api.get(signed.json()["pdf_url"], token=token)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).replace("\n", "")
    assert "陈建军" in text and "iPhone 15" in text and signed.json()["text_sha256"] in text
    assert_error(api.get(signed.json()["pdf_url"], token=owner), 404)

    # the quarter's task, and the remote view of the official's own business only
    made = api.post("/api/v1/console/supervision-tasks/generate", token=office, json={"quarter": quarter()})
    assert made.json()["created"] == 1
    assert (
        api.post("/api/v1/console/supervision-tasks/generate", token=office, json={"quarter": quarter()}).json()[
            "created"
        ]
        == 0
    )
    (task,) = api.get("/api/v1/mp/official/tasks", token=token).json()
    # the official may use the console too, with a password the 食安办 gives: their own tasks only
    login = {"username": "chenjianjun", "password": "a-long-password-2026"}
    given = api.post(f"/api/v1/console/officials/{official['id']}/console-login", token=office, json=login)
    assert given.status_code == 200, given.text
    unbound = api.post(
        f"/api/v1/console/officials/{city['id']}/console-login", token=office, json={**login, "username": "ji"}
    )
    assert_error(unbound, 422)  # a username too short is refused before anything
    not_bound = {**login, "username": "jiguohua"}
    assert_error(api.post(f"/api/v1/console/officials/{city['id']}/console-login", token=office, json=not_bound), 409)
    console = api.post("/api/v1/auth/token", json=login).json()
    assert console["user"]["role"] == "official"
    listed = api.get("/api/v1/console/supervision-tasks", token=console["access_token"]).json()
    assert [t["id"] for t in listed] == [task["id"]]
    assert_error(api.get("/api/v1/console/cases", token=console["access_token"]), 403)
    assert task["status"] == "open" and task["on_site_required"] is False
    overview = api.get(f"/api/v1/mp/official/businesses/{business['id']}/overview", token=token)
    assert overview.status_code == 200, overview.text
    assert overview.json()["business"]["name"] == business["name"] and overview.json()["daily_checks"]["of_days"] == 7
    from tests.builders import submitted_business

    other_owner = mp_login()["access_token"]
    other = submitted_business(api, other_owner)
    api.post(f"/api/v1/console/businesses/{other['id']}/approve", token=regulator, json={})
    assert_error(api.get(f"/api/v1/mp/official/businesses/{other['id']}/overview", token=token), 404)
    assert_error(api.get(f"/api/v1/mp/official/businesses/{business['id']}/overview", token=owner), 403)

    complete = f"/api/v1/mp/official/tasks/{task['id']}/complete"
    partial = {"mode": "remote", "results": all_items(api, token)[:3]}
    assert "results" in assert_error(api.post(complete, token=token, json=partial), 422)["errors"]
    on_site = {"mode": "on_site", "results": all_items(api, token)}
    errors = assert_error(api.post(complete, token=token, json=on_site), 422)["errors"]
    assert {"photos", "latitude"} <= set(errors)
    body = {
        "mode": "remote",
        "results": all_items(api, token),
        "findings": [
            {"kind": "minor", "note": "后厨垃圾桶未加盖"},
            {"kind": "violation", "note": "发现使用过期食品原料"},
        ],
    }
    done = api.post(complete, token=token, json=body)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done" and done.json()["mode"] == "remote"
    assert_error(api.post(complete, token=token, json=body), 409)
    minor, violation = done.json()["findings"]
    rectifications = api.get(f"/api/v1/mp/businesses/{business['id']}/rectifications", token=owner).json()
    assert [(r["source"], r["id"]) for r in rectifications] == [("supervision", minor["rectification_id"])]
    (handover,) = api.get("/api/v1/console/handovers", token=office, params={"status": "pending"}).json()
    assert handover["id"] == violation["handover_id"]
    decision = f"/api/v1/console/handovers/{handover['id']}/decision"
    assert api.post(decision, token=office, json={"pass_on": True, "reason": "移交市场监管局查处"}).status_code == 200
    assert_error(api.post(decision, token=office, json={"pass_on": False, "reason": "重复"}), 409)
    (lead,) = api.get("/api/v1/console/leads", token=regulator).json()
    assert (lead["source_kind"], lead["source_id"]) == ("supervision", handover["id"]) and "过期" in lead["summary"]

    rows = api.get("/api/v1/console/supervision/kpis", token=office, params={"period": quarter()}).json()
    value = {row["code"]: row for row in rows}
    assert (
        value["supervision.official_pledge_rate"]["numerator"],
        value["supervision.official_pledge_rate"]["denominator"],
    ) == (1, 2)  # the village official signed; the city leader not yet
    assert value["supervision.business_pledge_rate"]["value"] == 1
    assert value["supervision.quarterly_completion"]["value"] == 1 and value["supervision.remote_share"]["value"] == 1
    assert value["supervision.quarterly_completion.village"]["denominator"] == 1
    assert value["supervision.violations_handed_over"]["value"] == 1
    assert value["supervision.unassigned_businesses"]["value"] == 1  # the other business

    # the bulletin the 食安办 sends round: per district and level, as JSON, CSV and PDF
    (row,) = api.get("/api/v1/console/bulletins", token=office, params={"period": quarter()}).json()
    assert (row["district_code"], row["level"], row["businesses"], row["tasks_done"]) == ("320682", "village", 1, 1)
    assert row["staffing_gaps"] == 1 and row["open_problems"] == 1  # no head or officer yet; the rectification
    csv = api.get("/api/v1/console/bulletins.csv", token=office, params={"period": quarter()}).content.decode(
        "utf-8-sig"
    )
    assert csv.splitlines()[0].startswith("地区代码,包保层级") and "村（社区）级" in csv
    pdf = api.get("/api/v1/console/bulletins.pdf", token=office, params={"period": quarter(), "level": "village"})
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).replace("\n", "")
    assert "食品安全包保工作定期通报" in text and "村（社区）级" in text
    assert_error(api.get("/api/v1/console/bulletins", token=office, params={"district": "310112"}), 404)
    assert_error(api.get("/api/v1/console/bulletins", token=office, params={"level": "county"}), 422)


def test_pairings_from_a_spreadsheet_are_all_written_or_none(api, owned_business, console_login, job_worker):
    business, _owner, _regulator = owned_business
    office = console_login("office", ("320682",))
    official = new_official(api, office, phone="13900000009")
    header = "统一社会信用代码,包保干部手机号,备注\n"

    def imported(text):
        data = text.encode("utf-8-sig")
        started = api.post(
            "/api/v1/console/assignments/import", token=office, files={"file": ("pairs.csv", data, "text/csv")}
        )
        assert started.status_code == 202, started.text
        path = f"/api/v1/console/assignments/imports/{started.json()['id']}"
        return eventually(
            lambda: (lambda r: r if r["status"] in ("done", "failed") else None)(api.get(path, token=office).json()),
            20,
            "the import",
        )

    bad = imported(header + f"{business['uscc']},13900000009,首批\n91320682MA1XXXXXX0,13900000009,\n")
    assert (
        bad["status"] == "failed"
        and list(bad["row_errors"]) == ["row 3"]
        and "统一社会信用代码" in bad["row_errors"]["row 3"][0]
    )
    assert api.get("/api/v1/console/assignments", token=office).json() == []  # nothing half-written
    unreadable = api.post(
        "/api/v1/console/assignments/import",
        token=office,
        files={"file": ("p.csv", "统一社会信用代码,备注\nX,Y\n".encode(), "text/csv")},
    )
    assert unreadable.status_code == 422 and "phone" in unreadable.text  # refused at once: a column is missing
    good = imported(header + f"{business['uscc']},13900000009,首批\n")
    assert (good["status"], good["rows_total"], good["rows_done"], good["paired"]) == ("done", 1, 1, 1)
    (pair,) = api.get("/api/v1/console/assignments", token=office).json()
    assert pair["official_id"] == official["id"] and pair["reason"] == "首批"
    assert imported(header + f"{business['uscc']},13900000009,首批\n")["paired"] == 0  # the same again: no change
    assert len(api.get("/api/v1/console/assignments", token=office, params={"history": True}).json()) == 1
    other_office = console_login("office", ("320682",))
    assert_error(api.get(f"/api/v1/console/assignments/imports/{good['id']}", token=other_office), 404)


def test_a_sector_bureau_reads_its_own_canteens_and_nothing_else(api, owned_business, console_login, mp_login):
    from tests.builders import submitted_business

    restaurant, _owner, regulator = owned_business
    school = submitted_business(api, mp_login()["access_token"], kind="school_canteen", name="如皋市实验小学食堂")
    assert api.post(f"/api/v1/console/businesses/{school['id']}/approve", token=regulator, json={}).status_code == 200
    education = console_login("bureau", ("320682",), sectors=("school_canteen",))
    (entry,) = api.get("/api/v1/console/sector/canteens", token=education).json()
    assert entry["business"]["id"] == school["id"] and entry["kind_label"] == "学校食堂"
    assert (entry["grade"], entry["cameras"], entry["open_problems"]) == (None, 0, 0)
    overview = api.get(f"/api/v1/console/sector/canteens/{school['id']}", token=education)
    assert overview.status_code == 200 and overview.json()["business"]["name"] == "如皋市实验小学食堂"
    assert_error(api.get(f"/api/v1/console/sector/canteens/{restaurant['id']}", token=education), 404)
    # read-only, and nothing beyond its canteens
    assert_error(api.get("/api/v1/console/cases", token=education), 403)
    assert_error(
        api.post("/api/v1/console/leads", token=education, json={"business_id": school["id"], "summary": "x"}), 403
    )
    assert_error(api.get("/api/v1/console/sector/canteens", token=regulator), 403)
    rows = api.get("/api/v1/console/sector/kpis", token=education).json()
    (good,) = [row for row in rows if row["code"] == "sector.graded_good"]
    assert (good["sector"], good["numerator"], good["denominator"]) == ("school_canteen", 0, 1)
    # the 食安办 sees every business of its districts read-only, and platform use per kind
    office = console_login("office", ("320682",))
    seen = {entry["business"]["id"] for entry in api.get("/api/v1/console/sector/canteens", token=office).json()}
    assert seen == {restaurant["id"], school["id"]}
    assert api.get(f"/api/v1/console/sector/canteens/{restaurant['id']}", token=office).status_code == 200
    registered = {
        row["sector"]: row["value"]
        for row in api.get("/api/v1/console/sector/kpis", token=office).json()
        if row["code"] == "platform.registered"
    }
    assert registered == {"restaurant_small": 1, "school_canteen": 1}
    admin = console_login("admin", ())
    user = {"username": "jiaoyuju", "password": "a-long-password", "role": "bureau", "districts": ["320682"]}
    assert "sectors" in assert_error(api.post("/api/v1/console/users", token=admin, json=user), 422)["errors"]
    made = api.post("/api/v1/console/users", token=admin, json={**user, "sectors": ["school_canteen"]})
    assert made.status_code == 201 and made.json()["sectors"] == ["school_canteen"]


def _at_once(calls):
    """Run the calls in threads released together; their responses in order."""
    import threading

    answers = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(index, call):
        start.wait()
        answers[index] = call()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_racing_pairings_leave_one_current_and_photos_stop_at_nine(api, owned_business, console_login, mp_login):
    from tests.builders import jpeg_bytes

    business, _owner, _regulator = owned_business
    office = console_login("office", ("320682",))
    first, token = bound_official(api, office, mp_login, phone="13900000061")
    second, _ = bound_official(api, office, mp_login, phone="13900000062")
    answers = _at_once(
        [
            lambda official=official: api.post(
                "/api/v1/console/assignments",
                token=office,
                json={"official_id": official["id"], "business_id": business["id"]},
            )
            for official in (first, second)
        ]
    )
    assert sorted(a.status_code for a in answers) in ([201, 201], [201, 409])  # a race lost, or one after the other
    assert len(api.get("/api/v1/console/assignments", token=office, params={"business_id": business["id"]}).json()) == 1
    if api.get("/api/v1/console/assignments", token=office).json()[0]["official_id"] != first["id"]:
        api.post(
            "/api/v1/console/assignments",
            token=office,
            json={"official_id": first["id"], "business_id": business["id"]},
        )
    api.post("/api/v1/console/supervision-tasks/generate", token=office, json={"quarter": quarter()})
    (task,) = api.get("/api/v1/mp/official/tasks", token=token).json()
    photos = f"/api/v1/mp/official/tasks/{task['id']}/photos"

    def upload():
        return api.post(photos, token=token, files={"file": ("p.jpg", jpeg_bytes(), "image/jpeg")})

    for _ in range(8):
        assert upload().status_code == 201
    answers = _at_once([upload, upload])
    assert sorted(a.status_code for a in answers) in ([201, 409], [201, 422])
    (after,) = api.get("/api/v1/mp/official/tasks", token=token).json()
    assert len(after["photos"]) == 9
