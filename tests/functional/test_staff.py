"""Staff and health certificates end to end: the mini-program, the console and the public card."""

from datetime import timedelta

from backend.core.timeutil import today_shanghai
from tests.builders import fresh_id_number, jpeg_bytes, submitted_business
from tests.support import assert_error


def _person(**overrides):
    return {
        "name": "张晓明",
        "post": "chef",
        "phone": "13912340000",
        "id_number": fresh_id_number(),
        "started_on": "2025-03-01",
        **overrides,
    }


def test_staff_certificates_and_the_card_end_to_end(api, owned_business):
    business, owner, regulator = owned_business
    base = f"/api/v1/mp/businesses/{business['id']}"
    body = _person(safety_roles=["officer"])
    headers = {"Idempotency-Key": "staff-add-0001"}
    added = api.post(f"{base}/staff", token=owner, json=body, headers=headers)
    assert added.status_code == 201, added.text
    person = added.json()
    assert person["id_number"] == "*" * 14 + body["id_number"][-4:] and body["id_number"] not in added.text
    again = api.post(f"{base}/staff", token=owner, json=body, headers=headers)  # a kitchen's flaky network
    assert again.json()["id"] == person["id"] and again.headers["Idempotent-Replayed"] == "true"
    assert len(api.get(f"{base}/staff", token=owner).json()) == 1
    # no certificate yet: flagged, on the console and on the card
    (handler,) = api.get(f"{base}/food-handlers", token=owner).json()
    assert handler["may_handle_food"] is False and handler["may_not_handle_since"] == "2025-03-01"
    uncovered = api.get("/api/v1/console/staff/uncovered-businesses", token=regulator).json()
    assert [(b["business_id"], b["uncovered"]) for b in uncovered] == [(business["id"], 1)]
    card = api.get(f"/api/v1/public/businesses/{business['public_code']}").json()
    assert card["health_certificates"]["food_handlers"] == 1 and card["health_certificates"]["valid"] == 0
    # a certificate, then its scan
    issued = (today_shanghai() - timedelta(days=20)).isoformat()
    certificate = api.post(
        f"{base}/staff/{person['id']}/health-certificates",
        token=owner,
        json={"number": "JKZ-2026-001", "issuer": "如皋市疾病预防控制中心", "issued_on": issued},
    )
    assert certificate.status_code == 201, certificate.text
    scan_path = f"{base}/staff/{person['id']}/health-certificates/{certificate.json()['id']}/scan"
    assert_error(
        api.post(scan_path, token=owner, files={"file": ("scan.jpg", b"MZ\x90\x00 not an image", "image/jpeg")}), 415
    )
    assert api.post(scan_path, token=owner, files={"file": ("scan.jpg", jpeg_bytes(), "image/jpeg")}).json()["has_scan"]
    card = api.get(f"/api/v1/public/businesses/{business['public_code']}").json()
    assert card["health_certificates"]["valid"] == 1 and card["health_certificates"]["officers"] == ["张*明"]
    assert "13912340000" not in str(card) and "张晓明" not in str(card)
    assert api.get("/api/v1/console/staff/uncovered-businesses", token=regulator).json() == []
    page = api.get(f"/q/{business['public_code']}")
    assert "从业人员健康证明" in page.text and "张*明" in page.text
    # the person leaves: history kept, gone from the card
    ended = api.post(f"{base}/staff/{person['id']}/end", token=owner, json={"ended_on": today_shanghai().isoformat()})
    assert ended.status_code == 200 and ended.json()["ended_on"] == today_shanghai().isoformat()
    assert_error(api.patch(f"{base}/staff/{person['id']}", token=owner, json={"post": "prep"}), 409)


def test_bad_input_and_other_peoples_businesses(api, owned_business, mp_login, console_login):
    business, owner, regulator = owned_business
    base = f"/api/v1/mp/businesses/{business['id']}"
    bad_id = _person(id_number="110105194912310021")
    assert "id_number" in assert_error(api.post(f"{base}/staff", token=owner, json=bad_id), 422)["errors"]
    future = _person(started_on=(today_shanghai() + timedelta(days=3)).isoformat())
    assert_error(api.post(f"{base}/staff", token=owner, json=future), 422)
    person = api.post(f"{base}/staff", token=owner, json=_person()).json()
    certificates = f"{base}/staff/{person['id']}/health-certificates"
    too_long = {"number": "A1", "issuer": "疾控", "issued_on": "2026-01-10", "expires_on": "2027-06-01"}
    assert "expires_on" in assert_error(api.post(certificates, token=owner, json=too_long), 422)["errors"]
    stranger = mp_login()["access_token"]
    assert_error(api.get(f"{base}/staff", token=stranger), 404)
    other = submitted_business(api, stranger)
    assert_error(
        api.post(
            f"/api/v1/mp/businesses/{other['id']}/staff/{person['id']}/health-certificates",
            token=stranger,
            json={"number": "A1", "issuer": "疾控", "issued_on": "2026-01-10"},
        ),
        404,
    )
    elsewhere = console_login("regulator", ("310112",))
    assert_error(api.get(f"/api/v1/console/businesses/{business['id']}/food-handlers", token=elsewhere), 404)
    handlers = api.get(f"/api/v1/console/businesses/{business['id']}/food-handlers", token=regulator).json()
    assert [h["phone"] for h in handlers] == ["139****0000"]
