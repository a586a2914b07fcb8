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
    assert required == {"complainant_address", "claim"}
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
        data={"service_code": "complaint.hygiene", "description": "脏乱差的后厨", "address_string": "如皋市海阳路1号"},
    )
    error = xml(as_xml)
    assert as_xml.status_code == 400 and error.findtext("error/code") == "400"
    assert "attribute[claim]" in error.findtext("error/description")
    assert xml(api.post("/open311/v2/requests.xml", data={"service_code": "x"})).findtext("error/code") == "400"
    # descriptions are for people: Chinese unless the client asks for English, field by field
    missing = api.post("/open311/v2/requests.json", data={"service_code": "report.hygiene"}).json()[0]
    assert missing["description"] == "description: 必填。"
    english = api.post(
        "/open311/v2/requests.json", data={"service_code": "report.hygiene"}, headers={"Accept-Language": "en"}
    ).json()[0]
    assert english["description"] == "description: Missing data for required field."
    assert "无法根据 lat/long 确定所在县区" in description
