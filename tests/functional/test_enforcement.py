"""Enforcement over HTTP: a lead reviewed (dismissed, handed to the business, or a case), the business
answering in the mini-program, and a penalty case through every step of the ordinary procedure with
the party's rights (statement, hearing, consent to electronic delivery), the simplified procedure, and
the deadlines that refuse a step."""

import hashlib
from datetime import date, timedelta

from backend.core.timeutil import today_shanghai
from tests.support import assert_error, pdf_text

FINE = [{"kind": "fine", "amount_yuan": 5000}]


def lead(api, regulator, business, summary="群众电话反映后厨使用过期原料"):
    made = api.post("/api/v1/console/leads", token=regulator, json={"business_id": business["id"], "summary": summary})
    assert made.status_code == 201, made.text
    return made.json()


def opened_case(api, regulator, business):
    found = lead(api, regulator, business)
    review = {
        "action": "open_case",
        "reason": "初查属实",
        "violation": "使用超过保质期的食品原料",
        "approved_by": "王局长",
    }
    reviewed = api.post(f"/api/v1/console/leads/{found['id']}/review", token=regulator, json=review)
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()["status"] == "case_opened"
    case = api.get(f"/api/v1/console/cases/{reviewed.json()['case_id']}", token=regulator).json()
    assert case["status"] == "filed" and case["lead_id"] == found["id"]
    return case


def step(api, regulator, case, name, body=None, code=200):
    answer = api.post(f"/api/v1/console/cases/{case['id']}/{name}", token=regulator, json=body or {})
    assert answer.status_code == code, answer.text
    return answer.json()


def test_a_lead_is_reviewed_by_a_person_and_the_business_answers_what_it_is_handed(
    api, owned_business, console_login, mp_login
):
    business, owner, regulator = owned_business
    found = lead(api, regulator, business)
    assert found["status"] == "new" and found["source_kind"] == "manual" and found["filing_due"] > found["received_on"]
    elsewhere = console_login("regulator", ("310112",))
    assert_error(api.get(f"/api/v1/console/leads/{found['id']}", token=elsewhere), 404)
    assert api.get("/api/v1/console/leads", token=elsewhere).json() == []
    base = f"/api/v1/mp/businesses/{business['id']}/leads"
    assert api.get(base, token=owner).json() == []  # not shown while it is being reviewed
    review = f"/api/v1/console/leads/{found['id']}/review"
    assert "reason" in assert_error(api.post(review, token=regulator, json={"action": "dismiss"}), 422)["errors"]
    due = (today_shanghai() + timedelta(days=3)).isoformat()
    handed = api.post(review, token=regulator, json={"action": "rectify", "reason": "责令整改", "due_on": due})
    assert handed.status_code == 200 and handed.json()["status"] == "rectification"
    assert_error(api.post(review, token=regulator, json={"action": "dismiss", "reason": "再审"}), 409)
    (shown,) = api.get(base, token=owner).json()
    assert shown["rectification_due"] == due and "reviewed_by" not in shown and "evidence" not in shown
    answer = {"stance": "confirm", "note": "已清理过期原料，建立进货查验台账"}
    assert_error(api.post(f"{base}/{found['id']}/answer", token=mp_login()["access_token"], json=answer), 404)
    answered = api.post(f"{base}/{found['id']}/answer", token=owner, json=answer)
    assert answered.status_code == 200 and answered.json()["response"]["stance"] == "confirm"
    seen = api.get(f"/api/v1/console/leads/{found['id']}", token=regulator).json()
    assert seen["response"]["note"] == answer["note"]


def test_a_case_through_the_ordinary_procedure_with_the_partys_rights(api, owned_business, mp_login):
    business, owner, regulator = owned_business
    case = opened_case(api, regulator, business)
    assert_error(api.get(f"/api/v1/mp/cases/{case['id']}", token=owner), 404)  # not told of it yet
    step(api, regulator, case, "decision", {"penalties": FINE}, code=409)  # no notice yet
    notice = {"facts": "2026年11月检查发现使用过期面粉", "rule_broken": "《食品安全法》第三十四条", "intended": FINE}
    notified = step(api, regulator, case, "notice", notice)
    assert notified["status"] == "notified" and notified["notice"]["hearing_eligible"] is False
    party = api.get(f"/api/v1/mp/cases/{case['id']}", token=owner)
    assert party.status_code == 200 and "陈述和申辩" in party.json()["notice"]["rights"]
    assert "approved_by" not in party.json()
    assert_error(api.get(f"/api/v1/mp/cases/{case['id']}", token=mp_login()["access_token"]), 404)
    assert_error(api.post(f"/api/v1/mp/cases/{case['id']}/hearing-request", token=owner, json={}), 409)
    early = step(api, regulator, case, "decision", {"penalties": FINE}, code=409)
    assert notified["notice"]["statement_due"] in early["message"]  # the party's time to speak first
    stated = api.post(
        f"/api/v1/mp/cases/{case['id']}/statement", token=owner, json={"text": "初次违法，已整改，请求从轻"}
    )
    assert stated.status_code == 200 and stated.json()["statement"]["text"].startswith("初次违法")
    decided = step(api, regulator, case, "decision", {"penalties": FINE})
    assert decided["status"] == "decided" and decided["decision"]["penalties"][0]["label"] == "罚款 5000 元"
    step(api, regulator, case, "delivery", {"method": "electronic"}, code=409)  # no consent
    consent = api.put(f"/api/v1/mp/cases/{case['id']}/consent", token=owner, json={"signed_name": "张志明"})
    assert consent.status_code == 200 and consent.json()["in_force"] is True
    delivered = step(api, regulator, case, "delivery", {"method": "electronic"})
    assert delivered["delivery"]["method"] == "electronic"
    step(api, regulator, case, "closing", code=409)  # the fine is not paid yet
    step(api, regulator, case, "execution", {"kind": "paid"})
    closed = step(api, regulator, case, "closing")
    assert closed["status"] == "closed" and closed["closed_on"] == today_shanghai().isoformat()
    # published once delivered: the summary fields only, on the card, the list, the page and the CSV
    year = today_shanghai().year
    assert decided["number"] == f"如皋市监罚〔{year}〕1号" and decided["authority"] == "如皋市市场监督管理局"
    (shown,) = api.get("/api/v1/public/penalties", params={"q": "保质期"}).json()
    assert shown["number"] == decided["number"] and shown["penalties"] == ["罚款 5000 元"]
    assert shown["party"] == business["name"] and set(shown) == {
        "number",
        "party",
        "violation",
        "penalties",
        "authority",
        "decided_on",
        "display_until",
    }
    assert shown["display_until"] == f"{year + 3}{shown['decided_on'][4:]}"  # above a small fine: 3 years
    card = api.get(f"/q/{business['public_code']}").text
    assert "行政处罚信息" in card and decided["number"] in card
    page = api.get("/penalties", params={"q": business["name"][:3]})
    assert page.status_code == 200 and decided["number"] in page.text and "初次违法" not in page.text
    csv = api.get("/api/v1/public/penalties.csv").content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("文号,当事人,违法行为类型") and decided["number"] in csv


def test_a_large_penalty_gives_a_hearing_and_a_late_decision_needs_an_extension(api, app, owned_business):
    business, owner, regulator = owned_business
    case = opened_case(api, regulator, business)
    notice = {"facts": "多次违法", "rule_broken": "《食品安全法》第一百二十四条", "intended": [{"kind": "revocation"}]}
    notified = step(api, regulator, case, "notice", notice)
    assert notified["notice"]["hearing_eligible"] is True and notified["notice"]["hearing_due"]
    asked = api.post(f"/api/v1/mp/cases/{case['id']}/hearing-request", token=owner, json={})
    assert asked.status_code == 200 and asked.json()["hearing_requested_at"]
    api.post(f"/api/v1/mp/cases/{case['id']}/statement", token=owner, json={"text": "请求听证"})
    step(api, regulator, case, "decision", {"penalties": [{"kind": "revocation"}]}, code=409)  # no hearing held
    with app.app_context():
        from backend.enforcement.models import Case

        Case.objects(id=case["id"]).update_one(set__decision_due=today_shanghai() - timedelta(days=1))
    late = step(
        api,
        regulator,
        case,
        "decision",
        {"penalties": [{"kind": "revocation"}], "hearing_held_on": "2026-12-01"},
        code=409,
    )
    assert "延期" in late["message"]
    extended = step(api, regulator, case, "extension", {"reason": "案情复杂", "approved_by": "李局长"})
    assert extended["decision_due"] > today_shanghai().isoformat() and extended["extension"]["days"] == 30
    step(api, regulator, case, "extension", {"reason": "再延", "approved_by": "李局长"}, code=409)
    decided = step(
        api,
        regulator,
        case,
        "decision",
        {"penalties": [{"kind": "revocation"}], "hearing_held_on": today_shanghai().isoformat()},
    )
    assert decided["status"] == "decided"


def test_the_simplified_procedure_is_a_warning_or_a_small_fine_on_the_spot(api, owned_business):
    business, _owner, regulator = owned_business
    base = {"business_id": business["id"], "violation": "未按规定公示健康证明"}
    too_much = api.post("/api/v1/console/cases/simplified", token=regulator, json={**base, "penalties": FINE})
    assert "penalties" in assert_error(too_much, 422)["errors"]
    warned = api.post(
        "/api/v1/console/cases/simplified", token=regulator, json={**base, "penalties": [{"kind": "warning"}]}
    )
    assert warned.status_code == 201, warned.text
    case = warned.json()
    assert (case["procedure"], case["status"], case["delivery"]["method"]) == ("simplified", "delivered", "in_person")
    assert step(api, regulator, case, "closing")["status"] == "closed"  # a warning is carried out by its delivery
    (shown,) = api.get("/api/v1/public/penalties").json()
    assert shown["penalties"] == ["警告"] and shown["number"] == case["number"]
    shown_for = date.fromisoformat(shown["display_until"]) - date.fromisoformat(shown["decided_on"])
    assert 89 <= shown_for.days <= 92  # a warning: 3 months


def test_a_banned_person_cannot_be_put_on_staff_and_one_already_employed_is_flagged(
    api, owned_business, console_login, mp_login
):
    from tests.builders import fresh_id_number, submitted_business

    business, owner, regulator = owned_business
    working, banned = fresh_id_number(), fresh_id_number("19850612")
    staff = f"/api/v1/mp/businesses/{business['id']}/staff"
    person = {"name": "周大厨", "post": "chef", "id_number": working, "started_on": "2025-03-01"}
    assert api.post(staff, token=owner, json=person).status_code == 201
    for number, reason in ((working, "licence_revoked"), (banned, "conviction")):
        recorded = api.post(
            "/api/v1/console/banned-persons",
            token=regulator,
            json={
                "id_number": number,
                "name": "周大厨",
                "reason": reason,
                "basis": "如皋市监罚〔2025〕9号",
                "since": "2025-06-01",
            },
        )
        assert recorded.status_code == 201, recorded.text
        assert number not in recorded.text and recorded.json()["id_last4"] == number[-4:]
    assert recorded.json()["until"] is None  # a conviction: for life
    (flagged,) = api.get("/api/v1/console/banned-persons", token=regulator, params={"employed": "true"}).json()
    assert flagged["employed_at"] == [business["id"]] and flagged["ban"]["until"] == "2030-06-01"
    elsewhere = console_login("regulator", ("310112",))
    assert api.get("/api/v1/console/banned-persons", token=elsewhere, params={"employed": "true"}).json() == []
    other_owner = mp_login()["access_token"]
    other = submitted_business(api, other_owner, name="另一家饭店")
    refused = api.post(
        f"/api/v1/mp/businesses/{other['id']}/staff", token=other_owner, json={**person, "id_number": banned}
    )
    assert "终身" in assert_error(refused, 422)["errors"]["id_number"][0]
    assert banned not in str(api.get("/api/v1/console/banned-persons", token=regulator).json())
    assert_error(api.post("/api/v1/console/banned-persons", token=owner, json={}), 403)


def test_enforcement_indicators_count_what_was_done_in_time(api, owned_business):
    business, _owner, regulator = owned_business
    lead(api, regulator, business)  # not reviewed, not yet due: not counted against anyone
    opened_case(api, regulator, business)  # its lead was reviewed the day it came
    simplified = {"business_id": business["id"], "violation": "未公示健康证明", "penalties": [{"kind": "warning"}]}
    warned = api.post("/api/v1/console/cases/simplified", token=regulator, json=simplified).json()
    step(api, regulator, warned, "closing")
    rows = api.get("/api/v1/console/enforcement/kpis", token=regulator).json()
    value = {(row["code"], row["district_code"]): row for row in rows}
    district = "320682"  # the regulator's county: one row each
    assert value[("enforcement.leads_received", district)]["value"] == 2
    reviewed = value[("enforcement.leads_reviewed_in_time", district)]
    assert (reviewed["numerator"], reviewed["denominator"]) == (1, 1)
    closing = value[("enforcement.case_closing_rate", district)]
    assert (closing["numerator"], closing["denominator"], closing["value"]) == (1, 2, 0.5)
    disclosed = value[("enforcement.disclosed_in_time", district)]
    assert (disclosed["numerator"], disclosed["denominator"]) == (1, 1)
    assert value[("enforcement.dishonest_listed", district)]["value"] == 0
    granted = value[("enforcement.repairs_granted", district)]
    assert (granted["numerator"], granted["denominator"], granted["value"]) == (0, 0, None)
    everything = api.get("/api/v1/console/indicators", token=regulator).json()
    assert any(row["code"] == "enforcement.cases_filed" for row in everything)
    csv = api.get("/api/v1/console/enforcement/kpis.csv", token=regulator)
    assert csv.status_code == 200 and "按期结案率" in csv.content.decode("utf-8-sig")


def test_a_listed_business_is_published_refused_approval_and_repaired(api, owned_business):
    business, owner, regulator = owned_business
    body = {
        "business_id": business["id"],
        "basis": "如皋市监信〔2026〕1号",
        "reason": "一年内多次受到较重行政处罚",
        "listed_by": "王建国",
    }
    listed = api.post("/api/v1/console/dishonest", token=regulator, json=body)
    assert listed.status_code == 201, listed.text
    assert_error(api.post("/api/v1/console/dishonest", token=regulator, json=body), 409)
    (shown,) = api.get("/api/v1/public/dishonest").json()
    assert shown["party"] == business["name"] and "严重违法失信名单" in api.get(f"/q/{business['public_code']}").text
    early = {"target": "listing", "target_id": listed.json()["id"], "statement": "已全面整改并缴清罚款，申请信用修复"}
    refused = api.post(f"/api/v1/mp/businesses/{business['id']}/credit-repairs", token=owner, json=early)
    assert_error(refused, 409)  # before the minimum period


def test_each_step_issues_its_numbered_document_as_a_pdf_kept_as_issued(api, owned_business, mp_login):
    from backend.audit.models import AuditEntry

    business, owner, regulator = owned_business
    case = opened_case(api, regulator, business)
    notice = {"facts": "后厨冰箱内存放过期面粉两袋", "rule_broken": "《食品安全法》第三十四条", "intended": FINE}
    step(api, regulator, case, "notice", notice)
    api.post(f"/api/v1/mp/cases/{case['id']}/statement", token=owner, json={"text": "已销毁过期面粉"})
    step(api, regulator, case, "decision", {"penalties": FINE})
    delivered = step(api, regulator, case, "delivery", {"method": "in_person", "note": "店长签收"})
    year = today_shanghai().year
    issued = {d["kind"]: d for d in delivered["documents"]}
    assert {kind: d["number"] for kind, d in issued.items()} == {
        "filing": f"如皋市监立〔{year}〕1号",
        "notice": f"如皋市监罚告〔{year}〕1号",
        "decision": f"如皋市监罚〔{year}〕1号",
        "delivery": f"如皋市监送〔{year}〕1号",
    }
    expected = {
        "filing": ["立案审批表", "使用超过保质期的食品原料", "王局长", business["name"]],
        "notice": ["行政处罚告知书", "后厨冰箱内存放过期面粉两袋", "第三十四条", "罚款 5000 元", "陈述和申辩"],
        "decision": ["行政处罚决定书", "已销毁过期面粉", "罚款 5000 元", "行政复议", "如皋市市场监督管理局"],
        "delivery": ["送达回证", f"如皋市监罚〔{year}〕1号", "直接送达", "店长签收"],
    }
    audited = {e.action: e.after for e in AuditEntry.objects(target_type="case", target_id=case["id"]).in_chain_order()}
    for kind, words in expected.items():
        pdf = api.get(f"/api/v1/console/cases/{case['id']}/documents/{kind}.pdf", token=regulator)
        assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
        assert hashlib.sha256(pdf.content).hexdigest() == issued[kind]["sha256"]
        text = pdf_text(pdf.content)
        for word in [issued[kind]["number"], *words]:
            assert word in text, (kind, word)
    step_of = {
        "filing": "case.filed",
        "notice": "case.notified",
        "decision": "case.decided",
        "delivery": "case.delivered",
    }
    for kind, action in step_of.items():  # the step's audit entry names the hash of what it issued
        assert issued[kind]["sha256"] in {d["sha256"] for d in audited[action]["documents"]}, kind
    # the party reads what was sent to it, never the bureau's filing form; nobody else reads anything
    party = api.get(f"/api/v1/mp/cases/{case['id']}", token=owner).json()
    assert [d["kind"] for d in party["documents"]] == ["notice", "decision", "delivery"]
    sent = api.get(f"/api/v1/mp/cases/{case['id']}/documents/decision.pdf", token=owner)
    assert sent.status_code == 200 and hashlib.sha256(sent.content).hexdigest() == issued["decision"]["sha256"]
    assert api.get(f"/api/v1/mp/cases/{case['id']}/documents/filing.pdf", token=owner).status_code == 404
    stranger = mp_login()["access_token"]
    assert_error(api.get(f"/api/v1/mp/cases/{case['id']}/documents/notice.pdf", token=stranger), 404)
    fresh = opened_case(api, regulator, business)
    assert_error(api.get(f"/api/v1/console/cases/{fresh['id']}/documents/decision.pdf", token=regulator), 404)


def _signed_inspection(app, api, regulator, business, console_login) -> dict:
    from backend.inspections.models import Checklist
    from backend.inspections.services import ensure_shipped_checklists

    with app.app_context():
        ensure_shipped_checklists()
        codes = [item.code for item in Checklist.objects.latest_for("catering").items]
    partner = console_login("regulator", ("320682",))
    body = {
        "business_id": business["id"],
        "inspected_on": today_shanghai().isoformat(),
        "type": "routine",
        "inspectors": [api.get("/api/v1/auth/me", token=partner).json()["id"]],
        "results": [{"item": code, "result": "passed"} for code in codes],
    }
    draft = api.post("/api/v1/console/inspections", token=regulator, json=body).json()
    return api.post(f"/api/v1/console/inspections/{draft['id']}/sign", token=regulator).json()


def test_an_investigation_keeps_evidence_as_uploaded_and_links_the_records_it_relies_on(
    app, api, owned_business, console_login, mp_login
):
    from tests.builders import jpeg_bytes, pdf

    business, owner, regulator = owned_business
    case = opened_case(api, regulator, business)
    base = f"/api/v1/console/cases/{case['id']}"
    added = api.post(
        f"{base}/evidence",
        token=regulator,
        data={"caption": "冰箱内过期面粉"},
        files={"file": ("photo.jpg", jpeg_bytes(), "image/jpeg")},
    )
    assert added.status_code == 201, added.text
    (kept,) = added.json()["evidence"]
    picture = api.get(f"{base}/evidence/0", token=regulator)
    assert (
        picture.headers["Content-Type"] == "image/jpeg"
        and hashlib.sha256(picture.content).hexdigest() == kept["sha256"]
    )
    report = api.post(
        f"{base}/evidence",
        token=regulator,
        data={"caption": "检验报告"},
        files={"file": ("r.pdf", pdf(), "application/pdf")},
    )
    assert report.status_code == 201 and len(report.json()["evidence"]) == 2
    lying = api.post(
        f"{base}/evidence",
        token=regulator,
        data={"caption": "x"},
        files={"file": ("a.jpg", b"MZ\x90\x00 not a picture", "image/jpeg")},
    )
    assert lying.status_code in (415, 422) and len(api.get(base, token=regulator).json()["evidence"]) == 2
    assert_error(
        api.post(f"{base}/evidence", token=regulator, files={"file": ("a.jpg", jpeg_bytes(), "image/jpeg")}), 422
    )
    elsewhere = console_login("regulator", ("310112",))
    assert_error(api.get(f"{base}/evidence/0", token=elsewhere), 404)

    signed = _signed_inspection(app, api, regulator, business, console_login)
    linked = api.post(f"{base}/links", token=regulator, json={"inspections": [signed["id"]]})
    assert linked.status_code == 200 and linked.json()["linked_inspections"] == [signed["id"]]
    again = api.post(f"{base}/links", token=regulator, json={"inspections": [signed["id"]]})
    assert again.json()["linked_inspections"] == [signed["id"]]  # linked once
    assert (
        "samples"
        in assert_error(api.post(f"{base}/links", token=regulator, json={"samples": ["DC000"]}), 422)["errors"]
    )
    assert_error(api.post(f"{base}/links", token=regulator, json={"inspections": [{"$ne": None}]}), 422)
    other_owner = mp_login()["access_token"]
    from tests.builders import submitted_business

    other = submitted_business(api, other_owner)
    api.post(f"/api/v1/console/businesses/{other['id']}/approve", token=regulator, json={})
    foreign = _signed_inspection(app, api, regulator, other, console_login)
    assert (
        "inspections"
        in assert_error(api.post(f"{base}/links", token=regulator, json={"inspections": [foreign["id"]]}), 422)[
            "errors"
        ]
    )
    party = api.get(f"/api/v1/mp/cases/{case['id']}", token=owner)
    assert party.status_code == 404  # not told yet; once told, no evidence list either
    notice = {"facts": "过期面粉", "rule_broken": "《食品安全法》第三十四条", "intended": FINE}
    step(api, regulator, case, "notice", notice)
    assert "evidence" not in api.get(f"/api/v1/mp/cases/{case['id']}", token=owner).json()
    api.post(f"/api/v1/mp/cases/{case['id']}/statement", token=owner, json={"text": "无异议"})
    step(api, regulator, case, "decision", {"penalties": FINE})
    late = api.post(
        f"{base}/evidence",
        token=regulator,
        data={"caption": "补充"},
        files={"file": ("b.jpg", jpeg_bytes(), "image/jpeg")},
    )
    assert_error(late, 409)
