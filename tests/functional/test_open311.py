"""Open311 GeoReport v2 as an Open311 client uses it: XML beside JSON, discovery, a plain client's
request placed by its address, what it sends kept, errors in its own field names."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from backend.complaints.models import Complaint


def xml(response) -> ET.Element:
    assert response.headers["Content-Type"].startswith("text/xml"), response.text
    return ET.fromstring(response.content)


def test_discovery_in_json_and_xml(api):
    found = api.get("/open311/discovery.json").json()
    (endpoint,) = found["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and "text/xml" in endpoint["formats"]
    root = xml(api.get("/open311/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]


def test_services_definitions_and_requests_in_xml(api):
    services = xml(api.get("/open311/v2/services.xml"))
    codes = [s.findtext("service_code") for s in services.findall("service")]
    assert "report.unlicensed" in codes and services.find("service/metadata").text == "true"
    definition = xml(api.get("/open311/v2/services/complaint.hygiene.xml"))
    attributes = definition.findall("attributes/attribute")
    required = {a.findtext("code") for a in attributes if a.findtext("required") == "true"}
    assert required == set()  # a plain client need not send them: without them it is a report
    claim = next(a for a in attributes if a.findtext("code") == "claim")
    assert "按举报受理" in claim.findtext("description")
    assert xml(api.get("/open311/v2/services/nope.xml")).findtext("error/code") == "404"


def test_an_error_about_a_field_named_with_control_characters_is_still_xml(api):
    refused = api.post("/open311/v2/requests.xml", data={"service_code": "report.hygiene", "x\x01\x1by": "1"})
    assert refused.status_code in (400, 422)
    assert xml(refused).findtext("error/code") == str(refused.status_code)  # parses


def test_a_plain_client_posts_service_code_address_and_description(api, app):
    created = api.post(
        "/open311/v2/requests.xml",
        data={
            "service_code": "report.hygiene",
            "description": "后厨老鼠出没，地面油污",
            "address_string": "江苏省如皋市如城街道海阳南路120号",
            "lat": "32.37",
            "long": "120.56",
            "media_url": "https://photos.example.com/a.jpg",
            "email": "citizen@example.com",
            "device_id": "ios-123",
            "first_name": "小勇",
            "last_name": "吴",
            "phone": "13773861234",
        },
    )
    assert created.status_code == 201, created.text
    number = xml(created).findtext("request/service_request_id")
    with app.app_context():
        complaint = Complaint.objects.get(number=number)
        assert complaint.district_code == "320682" and complaint.business_name == "未注明"
        assert complaint.complainant.name == "吴小勇"  # a Chinese name is not split with a space
        assert complaint.external == {
            "media_url": "https://photos.example.com/a.jpg",
            "email": "citizen@example.com",
            "device_id": "ios-123",
            "lat": 32.37,
            "long": 120.56,
        }
    one = xml(api.get(f"/open311/v2/requests/{number}.xml"))
    assert one.findtext("request/agency_responsible") == "如皋市市场监督管理局"
    assert "citizen@example.com" not in api.get(f"/open311/v2/requests/{number}.json").text


def test_errors_name_the_fields_as_open311_does(api):
    nowhere = api.post(
        "/open311/v2/requests.json",
        data={"service_code": "report.hygiene", "description": "后厨老鼠出没", "lat": "32.37", "long": "120.56"},
    )
    assert nowhere.status_code == 400
    description = nowhere.json()[0]["description"]
    assert "attribute[district_code]" in description and "address_string" in description
    as_xml = api.post(
        "/open311/v2/requests.xml",
        data={
            "service_code": "complaint.hygiene",
            "description": "脏乱差的后厨",
            "address_string": "如皋市海阳路1号",
            "first_name": "勇",
            "last_name": "吴",
            "phone": "12345",
            "attribute[claim]": "退款",
            "attribute[complainant_address]": "如皋市海阳路2号",
        },
    )
    error = xml(as_xml)
    assert as_xml.status_code == 400 and error.findtext("error/code") == "400"
    assert "(phone: " in error.findtext("error/description")
    assert xml(api.post("/open311/v2/requests.xml", data={"service_code": "x"})).findtext("error/code") == "400"
    # descriptions are for people: Chinese unless the client asks for English, field by field
    missing = api.post("/open311/v2/requests.json", data={"service_code": "report.hygiene"}).json()[0]
    assert missing["description"] == "description: 必填。"
    english = api.post(
        "/open311/v2/requests.json", data={"service_code": "report.hygiene"}, headers={"Accept-Language": "en"}
    ).json()[0]
    assert english["description"] == "description: Missing data for required field."
    assert "不在本平台服务的任何县区内" in description  # no regulator here yet: no county is served


def test_a_plain_client_with_a_point_and_no_address_is_placed_by_the_county_boundary(api, app, console_login):
    console_login("regulator", ("320600",))  # Nantong's counties are served
    console_login("regulator", ("310112",))  # and Minhang
    rugao = {"service_code": "report.hygiene", "description": "后厨老鼠出没", "lat": "32.3716", "long": "120.5661"}
    created = api.post("/open311/v2/requests.json", data=rugao)
    assert created.status_code == 201, created.text
    minhang = {**rugao, "lat": "31.1128", "long": "121.3817"}  # 莘庄
    other = api.post("/open311/v2/requests.json", data=minhang)
    assert other.status_code == 201, other.text
    with app.app_context():
        numbers = [created.json()[0]["service_request_id"], other.json()[0]["service_request_id"]]
        assert [Complaint.objects.get(number=n).district_code for n in numbers] == ["320682", "310112"]
    beijing = api.post("/open311/v2/requests.json", data={**rugao, "lat": "39.9087", "long": "116.3975"})
    assert beijing.status_code == 400 and "address_string" in beijing.json()[0]["description"]


def test_a_complaint_without_the_complainants_details_is_a_report_and_json_is_accepted(api, app):
    plain = {
        "service_code": "complaint.hygiene",
        "description": "买到的熟食有异味",
        "address_string": "江苏省如皋市如城街道海阳南路120号",
    }
    created = api.post("/open311/v2/requests.json", json=plain)  # JSON, with the form's keys
    assert created.status_code == 201, created.text
    (answer,) = created.json()
    assert "按举报受理" in answer["service_notice"]
    full = {
        **plain,
        "description": "买到的熟食有异味，要求退款",
        "first_name": "小勇",
        "last_name": "吴",
        "phone": "13773861234",
        "attribute[claim]": "退款",
        "attribute[complainant_address]": "如皋市海阳路2号",
    }
    complaint = api.post("/open311/v2/requests.json", json=full)
    assert complaint.status_code == 201 and "按举报受理" not in complaint.json()[0]["service_notice"]
    with app.app_context():
        kinds = [Complaint.objects.get(number=r.json()[0]["service_request_id"]).kind for r in (created, complaint)]
    assert kinds == ["report", "complaint"]
    refused = api.post("/open311/v2/requests.json", json={"service_code": "report.hygiene"})
    assert refused.status_code == 400 and refused.json()[0]["description"].startswith("description")
    broken = api.post(
        "/open311/v2/requests.json", data=b'{"a\xb9', headers={"Content-Type": "application/json"}
    )  # not JSON at all
    assert broken.status_code == 400 and broken.json()[0]["code"] == 400


def test_a_suspected_incident_comes_through_open311_to_the_regulators(api, approved_business):
    _business, regulator = approved_business
    services = api.get("/open311/v2/services.json").json()
    assert "incident.food_poisoning" in {s["service_code"] for s in services}
    definition = api.get("/open311/v2/services/incident.food_poisoning.json").json()
    assert {a["code"]: a["required"] for a in definition["attributes"]}["ill"] is True
    base = {
        "service_code": "incident.food_poisoning",
        "description": "村里办酒后十余人呕吐腹泻",
        "address_string": "江苏省如皋市如城街道海阳村",
    }
    missing = api.post("/open311/v2/requests.json", data=base)
    assert missing.status_code == 400 and "attribute[ill]" in missing.text
    created = api.post("/open311/v2/requests.json", data={**base, "attribute[ill]": "12", "phone": "13773861234"})
    assert created.status_code == 201, created.text
    (receipt,) = created.json()
    number = receipt["service_request_id"]
    assert number.startswith("SG") and receipt["query_key"] is None
    (incident,) = api.get("/api/v1/console/incidents", token=regulator).json()
    assert incident["number"] == number and incident["ill"] == 12 and incident["district_code"] == "320682"
    (seen,) = api.get(f"/open311/v2/requests/{number}.json").json()
    assert seen["status"] == "open" and seen["address"] is None and "13773861234" not in str(seen)
    assert api.get("/open311/v2/requests.json", params={"service_code": "incident.food_poisoning"}).json() == []
