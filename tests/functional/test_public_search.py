"""Finding a business without its QR code: JSON with paging, and a page that needs no JavaScript."""

import json
import re

from tests.builders import restaurant_body, submitted_business
from tests.support import assert_error


def test_search_by_name_address_licence_and_district(api, owned_business, mp_login, console_login):
    business, owner, regulator = owned_business
    other_owner = mp_login()["access_token"]
    licence = {**restaurant_body()["licence"], "number": "JY23206820099999"}
    other = submitted_business(
        api, other_owner, name="海阳路早点铺", address="江苏省如皋市海阳北路6号", licence=licence
    )
    api.post(f"/api/v1/console/businesses/{other['id']}/approve", token=regulator, json={})
    submitted_business(api, mp_login()["access_token"], name="老张面馆分店")  # submitted, not approved: unlisted

    def find(**params):
        response = api.get("/api/v1/public/businesses", params=params)
        assert response.status_code == 200, response.text
        return response

    assert [r["name"] for r in find(q="老张").json()] == [business["name"]]
    assert {r["name"] for r in find(q="海阳").json()} == {business["name"], "海阳路早点铺"}  # addresses too
    assert [r["code"] for r in find(q=business["licence"]["number"].lower()).json()] == [business["public_code"]]
    listed = find(district="320600", per_page=1)  # Nantong covers Rugao
    assert json.loads(listed.headers["X-Pagination"])["total"] == 2 and len(listed.json()) == 1
    assert find(district="310112").json() == [] and find(q=".*").json() == []
    text = find(q="海阳").text
    for private in (business["uscc"], business["contact"]["phone"], business["id"]):
        assert private not in text
    assert_error(api.get("/api/v1/public/businesses", params={"per_page": 1000}), 422)


def test_the_search_page_lists_and_picks_districts(api, owned_business):
    business, _owner, _regulator = owned_business
    page = api.get("/search", params={"q": "老张"})
    assert page.status_code == 200 and business["name"] in page.text and f"/q/{business['public_code']}" in page.text
    assert "江苏省南通市如皋市" in page.text  # the picker
    # nothing needs JavaScript: the one script only adds a "use my position" button
    assert page.text.count("<script") == 1 and "使用我的位置" not in page.text.split("<script")[0]
    assert "没有找到" in api.get("/search", params={"q": "不存在的店"}).text
    assert restaurant_body()["contact"]["phone"] not in page.text


def test_near_me_finds_located_businesses_nearest_first(api, owned_business, mp_login, console_login):
    business, owner, regulator = owned_business
    # the owner picks the shop on a map: 如皋 town centre
    located = api.put(
        f"/api/v1/mp/businesses/{business['id']}/location",
        token=owner,
        json={"latitude": 32.3716, "longitude": 120.5661},
    )
    assert located.status_code == 200 and located.json()["latitude"] == 32.3716

    def placed(name: str, latitude: float, longitude: float) -> str:
        """Another approved business, placed by its owner; the owner's token."""
        owner_token = mp_login()["access_token"]
        made = submitted_business(api, owner_token, name=name)
        api.post(f"/api/v1/console/businesses/{made['id']}/approve", token=regulator, json={})
        put = api.put(
            f"/api/v1/mp/businesses/{made['id']}/location",
            token=owner_token,
            json={"latitude": latitude, "longitude": longitude},
        )
        assert put.status_code == 200, put.text
        return owner_token

    other_owner = placed("如皋城北小吃", 32.3900, 120.5700)
    placed("南通远处饭店", 32.0150, 120.8640)

    near = api.get("/api/v1/public/businesses", params={"near": "32.3720,120.5650", "radius_km": 5})
    assert near.status_code == 200, near.text
    found = near.json()
    assert [entry["name"] for entry in found] == [business["name"], "如皋城北小吃"]  # nearest first; 南通 is 48 km off
    assert 0 < found[0]["distance_m"] < found[1]["distance_m"] < 5000
    assert json.loads(near.headers["X-Pagination"])["total"] == 2
    paged = api.get(
        "/api/v1/public/businesses", params={"near": "32.3720,120.5650", "radius_km": 5, "per_page": 1, "page": 2}
    )
    assert [entry["name"] for entry in paged.json()] == ["如皋城北小吃"]
    wider = api.get(
        "/api/v1/public/businesses", params={"near": "32.3720,120.5650", "radius_km": 20, "q": "饭店"}
    ).json()
    assert wider == []  # 48 km: beyond the largest radius
    # the page: the same search, nearest first with distances, paged links that keep the point
    page = api.get("/search", params={"near": "32.3720,120.5650", "radius_km": "5"})
    assert page.status_code == 200
    listed = page.text.split('id="results"')[1]
    assert listed.index(business["name"]) < listed.index("如皋城北小吃") and "南通远处饭店" not in listed
    assert "约 " in listed and " 米" in listed and "5 公里内，由近及远" in listed
    second = api.get("/search", params={"near": "32.3720,120.5650", "radius_km": "20", "q": "如皋"}).text
    assert "如皋城北小吃" in second and 'value="32.3720,120.5650"' in second
    # a mistyped point is said beside the field, and what was typed is kept
    typo = api.get("/search", params={"near": "120.5650,32.3720", "q": "老张"}).text
    assert 'aria-invalid="true"' in typo and "不在中国境内" in typo and 'value="120.5650,32.3720"' in typo
    assert "请按“纬度,经度”填写" in api.get("/search", params={"near": "如皋"}).text
    # a located business's card links its neighbours
    card = api.get(f"/q/{business['public_code']}").text
    assert "/search?near=32.371600,120.566100" in card and "查看附近的其他经营主体" in card
    link = re.search(r'href="[^"]*(/search\?[^"]+)"', card).group(1).replace("&amp;", "&")
    neighbours = api.get(link).text.split('id="results"')[1]
    assert "如皋城北小吃" in neighbours and business["name"] not in neighbours  # not itself first, at 约 0 米
    # a point outside China (latitude and longitude swapped), and bad near values
    swapped = api.put(
        f"/api/v1/mp/businesses/{business['id']}/location", token=owner, json={"latitude": 120.5, "longitude": 32.3}
    )
    assert_error(swapped, 422)
    assert_error(api.get("/api/v1/public/businesses", params={"near": "北京"}), 422)
    assert_error(api.get("/api/v1/public/businesses", params={"near": "32.3,120.5", "radius_km": 500}), 422)
    # only the owner places the business
    assert_error(
        api.put(
            f"/api/v1/mp/businesses/{business['id']}/location",
            token=other_owner,
            json={"latitude": 32.0, "longitude": 120.0},
        ),
        404,
    )


def test_a_radius_not_on_the_list_is_said_beside_the_field_and_grade_filters(api, owned_business):
    business, _owner, _regulator = owned_business
    page = api.get("/search", params={"near": "32.3720,120.5650", "radius_km": "50"})
    assert page.status_code == 200 and 'id="radius-error"' in page.text and "没有“50 公里”这一范围" in page.text
    assert 'value="32.3720,120.5650"' in page.text  # the input is kept
    assert "共 " not in page.text  # nothing silently searched at 3 km
    assert 'id="radius-error"' not in api.get("/search", params={"near": "32.3720,120.5650", "radius_km": "5"}).text
    # the demo business is not yet rated: "none" finds it, "A" does not, in the page and the API
    unrated = api.get("/search", params={"q": "老张", "grade": "none"})
    assert f"/q/{business['public_code']}" in unrated.text and '<option value="none" selected>' in unrated.text
    assert f"/q/{business['public_code']}" not in api.get("/search", params={"q": "老张", "grade": "A"}).text
    assert api.get("/api/v1/public/businesses", params={"q": "老张", "grade": "A"}).json() == []
    assert [r["code"] for r in api.get("/api/v1/public/businesses", params={"grade": "none"}).json()] == [
        business["public_code"]
    ]
    assert "grade" in assert_error(api.get("/api/v1/public/businesses", params={"grade": "D"}), 422)["errors"]
