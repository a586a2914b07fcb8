"""Registration to approval purely through the HTTP API; review within district scopes."""

import threading

import pytest

from backend.audit.models import AuditEntry
from tests.builders import fresh_uscc, household_body, jpeg_bytes, restaurant_body, submitted_business, upload
from tests.support import assert_error


@pytest.fixture
def owner(mp_login):
    return mp_login()["access_token"]


@pytest.fixture
def rugao(console_login):
    return console_login("regulator", ("320682",))


def test_from_wechat_login_to_approved_business_with_public_code(api, mp_login, rugao, app):
    token = mp_login("code-owner-zhang")["access_token"]
    created = api.post("/api/v1/mp/businesses", token=token, json=restaurant_body())
    assert created.status_code == 201
    business = created.json()
    assert business["status"] == "draft" and business["public_code"] is None
    assert business["district_name"] == "江苏省南通市如皋市"

    # incomplete: the licence scan is missing
    body = assert_error(api.post(f"/api/v1/mp/businesses/{business['id']}/submit", token=token), 422)
    assert "documents" in body["errors"]
    assert upload(api, token, business["id"], jpeg_bytes()).status_code == 201
    submitted = api.post(f"/api/v1/mp/businesses/{business['id']}/submit", token=token).json()
    assert submitted["status"] == "submitted" and submitted["submission_count"] == 1

    listed = api.get("/api/v1/console/businesses", token=rugao, params={"status": "submitted"})
    assert [b["id"] for b in listed.json()] == [business["id"]]
    approved = api.post(f"/api/v1/console/businesses/{business['id']}/approve", token=rugao, json={})
    assert approved.status_code == 200
    code = approved.json()["public_code"]
    assert approved.json()["status"] == "approved" and len(code) >= 16  # 96 random bits, URL-safe
    assert code.replace("-", "").replace("_", "").isalnum()
    mine = api.get("/api/v1/mp/businesses/mine", token=token).json()
    assert mine[0]["public_code"] == code and mine[0]["my_role"] == "owner"
    with app.app_context():
        actions = [
            e.action for e in AuditEntry.objects(target_type="business", target_id=business["id"]).in_chain_order()
        ]
    assert actions == ["business.created", "business.document_added", "business.submit", "business.approve"]


def test_reject_resubmit_approve_suspend_revoke_reinstate(api, owner, rugao):
    business = submitted_business(api, owner)
    url = f"/api/v1/console/businesses/{business['id']}"
    assert_error(api.post(url + "/reject", token=rugao, json={}), 422)  # reason required
    rejected = api.post(url + "/reject", token=rugao, json={"reason": "许可证扫描件不清晰"}).json()
    assert (rejected["status"], rejected["status_reason"]) == ("rejected", "许可证扫描件不清晰")
    # the owner fixes it and resubmits
    fixed = api.patch(f"/api/v1/mp/businesses/{business['id']}", token=owner, json={"address": "如城街道海阳南路90号"})
    assert fixed.status_code == 200
    again = api.post(f"/api/v1/mp/businesses/{business['id']}/submit", token=owner).json()
    assert again["status"] == "submitted" and again["submission_count"] == 2 and again["status_reason"] is None
    code = api.post(url + "/approve", token=rugao, json={}).json()["public_code"]
    assert api.post(url + "/suspend", token=rugao, json={"reason": "后厨卫生整改"}).json()["status"] == "suspended"
    assert_error(api.post(url + "/approve", token=rugao, json={}), 409)
    assert_error(api.post(url + "/suspend", token=rugao, json={"reason": "again"}), 409)
    reinstated = api.post(url + "/reinstate", token=rugao, json={"reason": "整改完成"}).json()
    assert reinstated["status"] == "approved" and reinstated["public_code"] == code  # stable for life
    assert api.post(url + "/revoke", token=rugao, json={"reason": "吊销许可证"}).json()["status"] == "revoked"
    assert api.post(url + "/reinstate", token=rugao, json={"reason": "复议撤销"}).json()["public_code"] == code


def test_submitted_and_approved_businesses_cannot_be_edited_or_resubmitted(api, owner, rugao):
    business = submitted_business(api, owner)
    assert_error(api.patch(f"/api/v1/mp/businesses/{business['id']}", token=owner, json={"name": "新名字"}), 409)
    assert_error(api.post(f"/api/v1/mp/businesses/{business['id']}/submit", token=owner), 409)


def test_stale_version_is_409(api, owner):
    business = api.post("/api/v1/mp/businesses", token=owner, json=restaurant_body()).json()
    url = f"/api/v1/mp/businesses/{business['id']}"
    assert api.patch(url, token=owner, json={"name": "一", "version": 1}).status_code == 200
    assert_error(api.patch(url, token=owner, json={"name": "二", "version": 1}), 409)
    assert api.get(url, token=owner).json()["name"] == "一"


def test_regulators_see_only_their_districts(api, owner, mp_login, console_login):
    rugao_business = submitted_business(api, owner)
    zjg_owner = mp_login()["access_token"]
    zjg_business = submitted_business(
        api,
        zjg_owner,
        district_code="320582",
        uscc=fresh_uscc("320582"),
        licence={
            "number": "JY23205820000001",
            "issued_on": "2024-01-01",
            "expires_on": "2029-01-01",
            "authority": "张家港市市场监督管理局",
        },
    )
    zhangjiagang = console_login("regulator", ("320582",))
    nantong = console_login("regulator", ("320600",))  # the city that Rugao belongs to
    admin = console_login("admin", ())
    # outside the scope: 404 for reads and actions alike, nothing changes
    assert_error(api.get(f"/api/v1/console/businesses/{rugao_business['id']}", token=zhangjiagang), 404)
    assert_error(
        api.post(f"/api/v1/console/businesses/{rugao_business['id']}/approve", token=zhangjiagang, json={}), 404
    )
    assert api.get(f"/api/v1/mp/businesses/{rugao_business['id']}", token=owner).json()["status"] == "submitted"
    assert [b["id"] for b in api.get("/api/v1/console/businesses", token=zhangjiagang).json()] == [zjg_business["id"]]
    # a city code covers its counties
    assert [b["id"] for b in api.get("/api/v1/console/businesses", token=nantong).json()] == [rugao_business["id"]]
    assert (
        api.post(f"/api/v1/console/businesses/{rugao_business['id']}/approve", token=nantong, json={}).status_code
        == 200
    )
    assert len(api.get("/api/v1/console/businesses", token=admin).json()) == 2


def test_drafts_are_invisible_to_regulators(api, owner, rugao):
    draft = api.post("/api/v1/mp/businesses", token=owner, json=restaurant_body()).json()
    assert_error(api.get(f"/api/v1/console/businesses/{draft['id']}", token=rugao), 404)
    assert api.get("/api/v1/console/businesses", token=rugao).json() == []


def test_console_filters_search_and_pagination(api, mp_login, rugao):
    names = ["如皋春风饭店", "如皋秋月小吃", "如皋春晖面馆"]
    ids = {}
    for name in names:
        ids[name] = submitted_business(api, mp_login()["access_token"], name=name)["id"]
    found = api.get("/api/v1/console/businesses", token=rugao, params={"q": "春"}).json()
    assert {b["name"] for b in found} == {"如皋春风饭店", "如皋春晖面馆"}
    uscc = api.get(f"/api/v1/console/businesses/{ids['如皋秋月小吃']}", token=rugao).json()["uscc"]
    assert [b["name"] for b in api.get("/api/v1/console/businesses", token=rugao, params={"q": uscc}).json()] == [
        "如皋秋月小吃"
    ]
    assert api.get("/api/v1/console/businesses", token=rugao, params={"q": ".*"}).json() == []  # no regex injection
    page = api.get("/api/v1/console/businesses", token=rugao, params={"per_page": 2, "page": 2})
    assert len(page.json()) == 1
    assert '"total": 3' in page.headers["X-Pagination"]
    assert api.get("/api/v1/console/businesses", token=rugao, params={"kind": "farm_base"}).json() == []
    assert_error(api.get("/api/v1/console/businesses", token=rugao, params={"per_page": 1000}), 422)
    assert_error(api.get("/api/v1/console/businesses", token=rugao, params={"status": "bogus"}), 422)


def test_two_regulators_reviewing_at_once_exactly_one_wins(api, mp_login, console_login):
    regulators = [console_login("regulator", ("320682",)) for _ in range(2)]
    for _ in range(5):
        business = submitted_business(api, mp_login()["access_token"])
        results = []
        barrier = threading.Barrier(2)

        def act(token, action):
            barrier.wait()
            body = {} if action == "approve" else {"reason": "材料不全"}
            results.append(api.post(f"/api/v1/console/businesses/{business['id']}/{action}", token=token, json=body))

        threads = [
            threading.Thread(target=act, args=(token, action))
            for token, action in zip(regulators, ("approve", "reject"), strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(r.status_code for r in results) == [200, 409]
        winner = next(r for r in results if r.status_code == 200).json()
        final = api.get(f"/api/v1/console/businesses/{business['id']}", token=regulators[0]).json()
        assert final["status"] == winner["status"]


def test_one_uscc_registers_once_without_revealing_the_holder(api, owner, mp_login):
    uscc = fresh_uscc()
    first = submitted_business(api, owner, uscc=uscc, name="先来的")
    other = mp_login()["access_token"]
    late = api.post("/api/v1/mp/businesses", token=other, json=restaurant_body(uscc=uscc, name="后到的"))
    assert late.status_code == 201  # a draft reserves nothing ...
    assert upload(api, other, late.json()["id"], jpeg_bytes()).status_code == 201
    response = api.post(f"/api/v1/mp/businesses/{late.json()['id']}/submit", token=other)
    body = assert_error(response, 409)  # ... the first submission holds the USCC
    assert "uscc" in body["errors"] and "先来的" not in response.text and first["name"] not in response.text
    assert api.get(f"/api/v1/mp/businesses/{late.json()['id']}", token=other).json()["status"] == "draft"


def test_a_squatted_draft_does_not_block_the_real_owner_and_drafts_can_be_deleted(api, owner, mp_login):
    uscc = fresh_uscc()
    squatter = mp_login()["access_token"]
    squat = api.post("/api/v1/mp/businesses", token=squatter, json=restaurant_body(uscc=uscc, name="抢注的草稿"))
    assert squat.status_code == 201
    real = submitted_business(api, owner, uscc=uscc)  # the real owner submits: it holds the USCC
    assert real["status"] == "submitted"
    assert_error(api.delete(f"/api/v1/mp/businesses/{real['id']}", token=owner), 409)  # submitted: kept
    assert_error(api.delete(f"/api/v1/mp/businesses/{squat.json()['id']}", token=owner), 404)  # not theirs
    assert api.delete(f"/api/v1/mp/businesses/{squat.json()['id']}", token=squatter).status_code == 204
    assert api.get("/api/v1/mp/businesses/mine", token=squatter).json() == []


def test_drafts_per_user_are_capped(api, owner):
    from backend.registry.services import MAX_DRAFTS_PER_USER

    for _ in range(MAX_DRAFTS_PER_USER):
        assert api.post("/api/v1/mp/businesses", token=owner, json=restaurant_body()).status_code == 201
    assert_error(api.post("/api/v1/mp/businesses", token=owner, json=restaurant_body()), 422)


@pytest.mark.parametrize(
    "change,field",
    [
        ({"uscc": "91350100M000100Y44"}, "uscc"),
        ({"licence": {"number": "AB123"}}, "licence"),
        ({"licence": {"number": "JY23206820012345", "issued_on": "2025-01-01", "expires_on": "2024-01-01"}}, "licence"),
        ({"district_code": "999999"}, "district_code"),
        ({"contact": {"name": "张三", "phone": "12345"}}, "contact"),
        ({"kind": "spaceship"}, "kind"),
        ({"name": {"$ne": None}}, "name"),
        ({"uscc": {"$gt": ""}}, "uscc"),
        ({"district_code": 320682}, "district_code"),
        ({"owner_id": "someone"}, "owner_id"),
        ({"status": "approved"}, "status"),
    ],
)
def test_bad_registration_input_is_422_naming_the_field(api, owner, change, field):
    body = assert_error(api.post("/api/v1/mp/businesses", token=owner, json=restaurant_body(**change)), 422)
    assert field in body["errors"]
    assert api.get("/api/v1/mp/businesses/mine", token=owner).json() == []


def test_canteen_needs_a_jy_licence_and_household_has_none(api, owner):
    body = assert_error(
        api.post(
            "/api/v1/mp/businesses",
            token=owner,
            json=restaurant_body(kind="school_canteen", licence={"number": "SC10632068200123"}),
        ),
        422,
    )
    assert "licence" in body["errors"]
    assert_error(api.post("/api/v1/mp/businesses", token=owner, json=restaurant_body(kind="household")), 422)
    household = {
        "kind": "household",
        "name": "刘芳家庭",
        "address": "上海市闵行区古美路1200弄5号",
        "district_code": "310112",
        "contact": {"name": "刘芳", "phone": "13701897766"},
    }
    created = api.post("/api/v1/mp/businesses", token=owner, json=household)
    assert created.status_code == 201 and created.json()["uscc"] is None


def test_household_is_approved_without_a_public_code(api, owner, console_login):
    household = api.post(
        "/api/v1/mp/businesses",
        token=owner,
        json=household_body(),
    ).json()
    assert api.post(f"/api/v1/mp/businesses/{household['id']}/submit", token=owner).status_code == 200
    approved = api.post(
        f"/api/v1/console/businesses/{household['id']}/approve", token=console_login("regulator", ("310112",)), json={}
    ).json()
    assert approved["status"] == "approved" and approved["public_code"] is None


def test_other_users_cannot_see_or_touch_a_business(api, owner, mp_login):
    business = submitted_business(api, owner)
    stranger = mp_login()["access_token"]
    for method, path in (
        ("GET", ""),
        ("PATCH", ""),
        ("POST", "/submit"),
        ("GET", "/members"),
        ("POST", "/invitations"),
    ):
        json_body = {"name": "x"} if method == "PATCH" else ({"role": "staff"} if path == "/invitations" else None)
        assert_error(
            api.request(method, f"/api/v1/mp/businesses/{business['id']}{path}", token=stranger, json=json_body), 404
        )
    assert_error(api.get("/api/v1/mp/businesses/not-an-id", token=owner), 404)
    assert_error(api.get("/api/v1/console/businesses", token=stranger), 403)  # citizens are not regulators


def test_invitations_members_and_roles(api, owner, mp_login):
    business = api.post("/api/v1/mp/businesses", token=owner, json=restaurant_body()).json()
    base = f"/api/v1/mp/businesses/{business['id']}"
    invitation = api.post(base + "/invitations", token=owner, json={"role": "staff"})
    assert invitation.status_code == 201
    code = invitation.json()["code"]
    cook = mp_login()
    joined = api.post("/api/v1/mp/invitations/accept", token=cook["access_token"], json={"code": code.lower()})
    assert joined.status_code == 201 and joined.json()["role"] == "staff"
    # the code works once
    assert_error(api.post("/api/v1/mp/invitations/accept", token=mp_login()["access_token"], json={"code": code}), 404)
    # staff may look but not edit, invite or list members
    assert api.get(base, token=cook["access_token"]).status_code == 200
    assert_error(api.patch(base, token=cook["access_token"], json={"name": "偷改"}), 403)
    assert_error(api.post(base + "/invitations", token=cook["access_token"], json={"role": "manager"}), 403)
    # a manager may edit
    manager_code = api.post(base + "/invitations", token=owner, json={"role": "manager"}).json()["code"]
    manager = mp_login()["access_token"]
    api.post("/api/v1/mp/invitations/accept", token=manager, json={"code": manager_code})
    assert api.patch(base, token=manager, json={"name": "如皋老张面馆(海阳店)"}).status_code == 200
    members = api.get(base + "/members", token=owner).json()
    assert sorted(m["role"] for m in members) == ["manager", "owner", "staff"]
    assert_error(api.post(base + "/invitations", token=owner, json={"role": "owner"}), 422)
    # the owner removes the cook, who then loses access; the owner cannot be removed
    assert api.delete(f"{base}/members/{cook['user']['id']}", token=owner).status_code == 204
    assert_error(api.get(base, token=cook["access_token"]), 404)
    owner_id = next(m["user_id"] for m in members if m["role"] == "owner")
    assert_error(api.delete(f"{base}/members/{owner_id}", token=owner), 422)


def test_expired_invitation_is_refused(api, owner, mp_login, app):
    from datetime import timedelta

    from backend.core.timeutil import utcnow
    from backend.registry.models import Invitation

    business = api.post("/api/v1/mp/businesses", token=owner, json=restaurant_body()).json()
    code = api.post(f"/api/v1/mp/businesses/{business['id']}/invitations", token=owner, json={"role": "staff"}).json()[
        "code"
    ]
    with app.app_context():
        Invitation.objects.update(set__expires_at=utcnow() - timedelta(minutes=1))
    assert_error(api.post("/api/v1/mp/invitations/accept", token=mp_login()["access_token"], json={"code": code}), 404)


def test_documents_are_sniffed_and_served_only_to_members_and_regulators(api, owner, mp_login, rugao, console_login):
    from tests.builders import pdf, png_declaring

    business = submitted_business(api, owner)
    base = f"/api/v1/mp/businesses/{business['id']}/documents"
    # a PDF named .jpg and sent as image/jpeg is stored and served as a PDF
    lying = upload(api, owner, business["id"], pdf(), filename="photo.jpg", kind="other", content_type="image/jpeg")
    assert lying.status_code == 201, lying.text
    document = lying.json()
    assert document["content_type"] == "application/pdf" and document["filename"] == "photo.pdf"
    download = api.get(f"{base}/{document['id']}", token=owner)
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    # the business's regulator may download; other users and other districts may not
    console = api.get(f"/api/v1/console/businesses/{business['id']}/documents/{document['id']}", token=rugao)
    assert console.status_code == 200 and console.content == download.content
    assert_error(api.get(f"{base}/{document['id']}", token=mp_login()["access_token"]), 404)
    zjg = console_login("regulator", ("320582",))
    assert_error(api.get(f"/api/v1/console/businesses/{business['id']}/documents/{document['id']}", token=zjg), 404)
    # crafted uploads
    assert_error(
        upload(
            api, owner, business["id"], b"<html><script>x</script></html>", filename="a.png", content_type="image/png"
        ),
        415,
    )
    assert_error(upload(api, owner, business["id"], png_declaring(50_000, 50_000), filename="big.png"), 413)
    assert_error(upload(api, owner, business["id"], jpeg_bytes()[:200]), 422)
    assert_error(upload(api, owner, business["id"], b"x" * (10 * 1024 * 1024 + 10), filename="huge.jpg"), 413)
    missing_file = api.post(base, token=owner, data={"kind": "licence"}, files={"other": ("a", b"x")})
    assert_error(missing_file, 422)
    assert_error(upload(api, owner, business["id"], jpeg_bytes(), kind="selfie"), 422)


def test_create_retry_with_idempotency_key_makes_one_draft(api, owner):
    body = restaurant_body()
    headers = {"Idempotency-Key": "retry-key-0001"}
    first = api.post("/api/v1/mp/businesses", token=owner, json=body, headers=dict(headers))
    again = api.post("/api/v1/mp/businesses", token=owner, json=body, headers=dict(headers))
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert len(api.get("/api/v1/mp/businesses/mine", token=owner).json()) == 1
    different = api.post("/api/v1/mp/businesses", token=owner, json={**body, "name": "别的"}, headers=dict(headers))
    assert_error(different, 422)


def test_regulator_replaces_public_code(api, owner, rugao):
    business = submitted_business(api, owner)
    url = f"/api/v1/console/businesses/{business['id']}"
    old = api.post(url + "/approve", token=rugao, json={}).json()["public_code"]
    assert_error(api.post(url + "/public-code", token=rugao, json={}), 422)
    replaced = api.post(url + "/public-code", token=rugao, json={"reason": "二维码被冒用"}).json()
    assert replaced["public_code"] != old and len(replaced["public_code"]) >= 16


def test_console_users_do_not_use_the_mini_program(api, console_login):
    """A reviewer cannot register (and then approve) a business of their own: /api/v1/mp is for citizens."""
    for role, districts in (("regulator", ("320682",)), ("admin", ())):
        token = console_login(role, districts)
        assert_error(api.post("/api/v1/mp/businesses", token=token, json=restaurant_body()), 403)
        assert_error(api.get("/api/v1/mp/businesses/mine", token=token), 403)
