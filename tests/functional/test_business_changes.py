"""Changes after approval (变更) and closure (注销): the card keeps the approved version until a
regulator of the district approves."""

from tests.builders import jpeg_bytes, upload
from tests.support import assert_error

RENEWED = {
    "number": "JY23206820077777",
    "issued_on": "2026-11-01",
    "expires_on": "2031-10-31",
    "authority": "如皋市市场监督管理局",
    "scope": "热食类食品制售,冷食类食品制售",
}


def test_a_renewed_licence_shows_only_once_approved(api, owned_business, console_login):
    business, owner, regulator = owned_business
    base = f"/api/v1/mp/businesses/{business['id']}"
    missing_scan = api.post(f"{base}/changes", token=owner, json={"licence": RENEWED})
    assert "document_ids" in assert_error(missing_scan, 422)["errors"]
    scan = upload(api, owner, business["id"], jpeg_bytes((10, 120, 10)), filename="new-licence.jpg").json()
    requested = api.post(f"{base}/changes", token=owner, json={"licence": RENEWED, "document_ids": [scan["id"]]})
    assert requested.status_code == 201, requested.text
    change = requested.json()
    assert_error(api.post(f"{base}/changes", token=owner, json={"address": "如皋市新地址1号"}), 409)  # one at a time
    card = api.get(f"/api/v1/public/businesses/{business['public_code']}").json()
    assert card["licence"]["number"] == business["licence"]["number"]  # the approved version, still
    elsewhere = console_login("regulator", ("310112",))
    assert_error(api.post(f"/api/v1/console/business-changes/{change['id']}/approve", token=elsewhere, json={}), 404)
    pending = api.get("/api/v1/console/business-changes", token=regulator).json()
    assert [c["id"] for c in pending] == [change["id"]]
    approved = api.post(f"/api/v1/console/business-changes/{change['id']}/approve", token=regulator, json={})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    card = api.get(f"/api/v1/public/businesses/{business['public_code']}").json()
    assert card["licence"]["number"] == RENEWED["number"] and card["licence"]["expires_on"] == "2031-10-31"
    assert_error(
        api.post(f"/api/v1/console/business-changes/{change['id']}/reject", token=regulator, json={"reason": "晚了"}),
        409,
    )
    assert [c["status"] for c in api.get(f"{base}/changes", token=owner).json()] == ["approved"]


def test_a_rejected_change_needs_a_reason_and_a_closure_ends_the_public_card(api, owned_business):
    business, owner, regulator = owned_business
    base = f"/api/v1/mp/businesses/{business['id']}"
    change = api.post(f"{base}/changes", token=owner, json={"address": "如皋市海阳南路90号"}).json()
    assert_error(api.post(f"/api/v1/console/business-changes/{change['id']}/reject", token=regulator, json={}), 422)
    rejected = api.post(
        f"/api/v1/console/business-changes/{change['id']}/reject", token=regulator, json={"reason": "地址与许可不符"}
    )
    assert rejected.json()["status"] == "rejected"
    closing = api.post(f"{base}/closure", token=owner, json={"note": "店铺转让，申请注销"})
    assert closing.status_code == 201 and closing.json()["kind"] == "closure"
    assert api.get(f"/api/v1/public/businesses/{business['public_code']}").json()["status"] == "approved"
    api.post(f"/api/v1/console/business-changes/{closing.json()['id']}/approve", token=regulator, json={})
    card = api.get(f"/api/v1/public/businesses/{business['public_code']}").json()
    assert card["status"] == "revoked" and "注销" in card["status_reason"]
