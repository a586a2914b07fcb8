"""The public QR page, its JSON, QR codes and sticker, over real HTTP with a real Redis."""

import io
import re

import cv2
import numpy as np
import pytest
import requests
from pypdf import PdfReader

from tests.support import LiveServer, assert_error


@pytest.mark.redis_cluster
def test_card_page_shows_the_business_in_chinese_without_private_data(api, approved_business):
    business, _ = approved_business
    code = business["public_code"]
    page = api.get(f"/q/{code}")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    html = page.text
    for expected in (
        business["name"],
        "小餐饮",
        business["address"],
        business["licence"]["number"],
        "有效",
        "暂未评级",
        "我要投诉",
        f"/complaints/new?code={code}",
        "信息更新于",
    ):
        assert expected in html, expected
    assert 'lang="zh-CN"' in html
    assert len(page.content) <= 30 * 1024
    # no JavaScript, no external requests (only links back to our own base URL)
    assert "<script" not in html.lower() and "javascript:" not in html.lower()
    assert not re.search(r'(src|href)="(?!http://sfs\.test/)(https?:)?//', html)
    assert not re.search(r"<(img|link|iframe)[^>]+src=", html)
    # privacy: no phone, no USCC, no internal id, no contact name
    for secret in (business["contact"]["phone"], business["uscc"], business["id"], business["contact"]["name"]):
        assert secret not in html


@pytest.mark.redis_cluster
def test_json_has_the_same_content_and_is_documented(api, approved_business):
    business, _ = approved_business
    code = business["public_code"]
    card = api.get(f"/api/v1/public/businesses/{code}")
    assert card.status_code == 200
    data = card.json()
    assert data["business"]["name"] == business["name"]
    assert data["licence"]["state"] == "valid" and data["grade"]["label"] == "暂未评级"
    assert data["status"] == "approved" and data["url"] == f"http://sfs.test/q/{code}"
    assert data["sections"] == {} and data["alerts"] == []  # capabilities without data show nothing
    for secret in (business["contact"]["phone"], business["uscc"], business["id"]):
        assert secret not in card.text
    assert "/api/v1/public/businesses/{code}" in api.get("/api/openapi.json").json()["paths"]


@pytest.mark.redis_cluster
def test_etag_and_cache_headers(api, approved_business):
    code = approved_business[0]["public_code"]
    for path in (f"/q/{code}", f"/api/v1/public/businesses/{code}", f"/q/{code}/qr.svg"):
        first = api.get(path)
        assert first.headers["ETag"] and first.headers["Cache-Control"].startswith("public, max-age=")
        again = api.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.content == b""
        assert api.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    assert api.get(f"/q/{code}").headers["Cache-Control"] == "public, max-age=60"


@pytest.mark.redis_cluster
def test_card_is_never_stale_after_a_change(api, approved_business):
    business, regulator = approved_business
    code = business["public_code"]
    url = f"/api/v1/console/businesses/{business['id']}"
    assert "正常经营" not in api.get(f"/q/{code}").text  # warm the cache
    assert api.post(url + "/suspend", token=regulator, json={"reason": "后厨卫生不合格"}).status_code == 200
    suspended = api.get(f"/q/{code}")
    assert suspended.status_code == 200
    assert "责令停业整改" in suspended.text and "后厨卫生不合格" in suspended.text and 'class="alert"' in suspended.text
    badge = suspended.text.split('id="grade"')[0].rsplit("<div", 1)[1]
    assert 'class="badge grey"' in badge  # no green badge on a suspended business
    assert api.get(f"/api/v1/public/businesses/{code}").json()["status"] == "suspended"
    api.post(url + "/reinstate", token=regulator, json={"reason": "整改完成"})
    assert "责令停业整改" not in api.get(f"/q/{code}").text
    api.post(url + "/revoke", token=regulator, json={"reason": "吊销许可证"})
    revoked = api.get(f"/q/{code}")
    assert revoked.status_code == 200 and "吊销" in revoked.text


def test_another_lookup_process_is_never_stale_either(app, api, approved_business, config, redis_server):
    """A separately deployed lookup app (its own Redis client, near cache and tracking connection;
    only the embedded MongoDB is shared, as a real one would be) that holds the card in memory shows
    a change made through the platform on its very next request."""
    from backend.app import create_lookup_app
    from backend.core.config import load_settings
    from backend.core.stores import Stores, connect_redis

    business, regulator = approved_business
    code = business["public_code"]
    settings = load_settings(config)
    stores = Stores(mongo=app.extensions["sfs.stores"].mongo, redis=connect_redis(settings), settings=settings)
    lookup = LiveServer(create_lookup_app(config, stores=stores))
    try:
        for _ in range(2):  # builds the card, then reads it into memory (the build's fill is announced too)
            assert "责令停业整改" not in requests.get(f"{lookup.url}/q/{code}", timeout=15).text
        stores.redis.config_resetstat()
        assert "责令停业整改" not in requests.get(f"{lookup.url}/q/{code}", timeout=15).text
        assert "cmdstat_hmget" not in stores.redis.info("commandstats")  # answered from its memory
        for action, shown in (("suspend", True), ("reinstate", False), ("suspend", True)):
            assert (
                api.post(
                    f"/api/v1/console/businesses/{business['id']}/{action}",
                    token=regulator,
                    json={"reason": "现场检查"},
                ).status_code
                == 200
            )
            assert ("责令停业整改" in requests.get(f"{lookup.url}/q/{code}", timeout=15).text) is shown
    finally:
        lookup.stop()
        stores.redis.close()


@pytest.mark.redis_cluster
def test_replaced_code_says_so_and_the_new_code_works(api, approved_business):
    business, regulator = approved_business
    old = business["public_code"]
    api.get(f"/q/{old}")  # cached under the old code
    new = api.post(
        f"/api/v1/console/businesses/{business['id']}/public-code", token=regulator, json={"reason": "二维码被冒用"}
    ).json()["public_code"]
    replaced = api.get(f"/q/{old}")
    assert replaced.status_code == 410 and "二维码已更换" in replaced.text and business["name"] not in replaced.text
    assert_error(api.get(f"/api/v1/public/businesses/{old}"), 410)
    assert api.get(f"/q/{new}").status_code == 200 and business["name"] in api.get(f"/q/{new}").text
    assert api.get(f"/q/{old}/qr.png").status_code == 410


@pytest.mark.parametrize("code", ["abcdefghijklmnop", "short", "x" * 100, "..%2F..%2Fetc", "<script>"])
def test_unknown_codes_get_a_chinese_404(api, code):
    page = api.get(f"/q/{code}")
    assert page.status_code == 404 and "未找到" in page.text and "<script>" not in page.text
    assert api.get(f"/q/{code}/sticker.pdf").status_code == 404


def test_unapproved_and_household_businesses_have_no_public_page(api, mp_login, console_login):
    from tests.builders import household_body, submitted_business

    owner = mp_login()["access_token"]
    household = api.post(
        "/api/v1/mp/businesses",
        token=owner,
        json=household_body(),
    ).json()
    api.post(f"/api/v1/mp/businesses/{household['id']}/submit", token=owner)
    approved = api.post(
        f"/api/v1/console/businesses/{household['id']}/approve", token=console_login("regulator", ("310112",)), json={}
    ).json()
    assert approved["public_code"] is None
    assert submitted_business(api, owner)["public_code"] is None


def decode_qr(image):
    # OpenCV's older QRCodeDetector misreads about 1 in 100 of our (valid) codes; this one read 600 of 600.
    return cv2.QRCodeDetectorAruco().detectAndDecode(image)


def test_qr_codes_encode_the_public_url(api, approved_business):
    code = approved_business[0]["public_code"]
    png = api.get(f"/q/{code}/qr.png")
    assert png.headers["Content-Type"] == "image/png"
    image = cv2.imdecode(np.frombuffer(png.content, np.uint8), cv2.IMREAD_GRAYSCALE)
    decoded, _, _ = decode_qr(image)
    assert decoded == f"http://sfs.test/q/{code}"
    svg = api.get(f"/q/{code}/qr.svg")
    assert svg.headers["Content-Type"].startswith("image/svg+xml") and svg.text.lstrip().startswith("<")
    assert "<script" not in svg.text


def test_qr_survives_a_dirty_door(api, approved_business):
    """Error correction Q: the code still reads with a block of it smeared over."""
    code = approved_business[0]["public_code"]
    image = cv2.imdecode(np.frombuffer(api.get(f"/q/{code}/qr.png").content, np.uint8), cv2.IMREAD_GRAYSCALE)
    height, width = image.shape
    dirty = image.copy()
    cv2.rectangle(dirty, (int(width * 0.42), int(height * 0.42)), (int(width * 0.58), int(height * 0.58)), 0, -1)
    decoded, _, _ = decode_qr(dirty)
    assert decoded == f"http://sfs.test/q/{code}"


def test_sticker_is_a6_with_name_call_to_scan_and_url(api, approved_business):
    business = approved_business[0]
    code = business["public_code"]
    response = api.get(f"/q/{code}/sticker.pdf")
    assert response.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    page = reader.pages[0]
    assert len(reader.pages) == 1
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (298, 420)  # A6 in points
    text = page.extract_text().replace("\n", "")
    licence = business["licence"]
    for expected in (
        business["name"],
        "扫码查看食品安全信息",
        f"http://sfs.test/q/{code}",
        f"许可证编号：{licence['number']}",
        f"发证机关：{licence['authority']}",
        "打印日期：",
    ):
        assert expected in text, expected
    # every font the page uses is embedded, the URL line's included (no reader-supplied Helvetica)
    for font in page["/Resources"]["/Font"].values():
        font = font.get_object()
        descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object()), font.get("/BaseFont")


def test_sticker_text_reaches_wcag_aa_on_every_band():
    from backend.public_card.qr import BAND_HEX, TEXT_HEX, band_text, contrast

    for colour, band in BAND_HEX.items():
        assert contrast(band_text(colour), band) >= 4.5, colour
    assert contrast(TEXT_HEX, "#ffffff") >= 4.5
    assert round(contrast("#ffffff", "#16a34a"), 1) < 4.5  # the card's bright green would not do on paper


@pytest.mark.redis_cluster
def test_regulators_print_a_districts_stickers_in_one_pdf(api, approved_business, console_login, mp_login):
    from tests.builders import submitted_business

    business, regulator = approved_business
    owner = mp_login()["access_token"]
    second = submitted_business(api, owner, name="如皋第二家面馆")
    assert api.post(f"/api/v1/console/businesses/{second['id']}/approve", token=regulator, json={}).status_code == 200
    response = api.get("/api/v1/console/stickers.pdf", token=regulator, params={"district": "320682"})
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    names = sorted(page.extract_text().replace("\n", "") for page in reader.pages)
    assert len(reader.pages) == 2
    assert any(business["name"] in text for text in names) and any("如皋第二家面馆" in text for text in names)
    elsewhere = console_login("regulator", ("310112",))
    assert api.get("/api/v1/console/stickers.pdf", token=elsewhere, params={"district": "320682"}).status_code == 403
    assert api.get("/api/v1/console/stickers.pdf", token=regulator, params={"district": "999999"}).status_code == 422


@pytest.mark.redis_cluster
def test_rate_limit_per_client_ip(config):
    from backend.app import create_app

    server = LiveServer(create_app({**config, "PUBLIC_RATE_LIMIT": "3/minute", "TRUSTED_PROXIES": ""}))
    try:
        statuses = [requests.get(f"{server.url}/q/abcdefghijkl", timeout=15).status_code for _ in range(3)]
        assert statuses == [404, 404, 404]
        limited = requests.get(f"{server.url}/q/abcdefghijkl", timeout=15)
        assert limited.status_code == 429 and "访问过于频繁" in limited.text
        assert int(limited.headers["Retry-After"]) >= 1
        json_limited = requests.get(f"{server.url}/api/v1/public/businesses/abcdefghijkl", timeout=15)
        assert json_limited.status_code == 429 and "访问过于频繁" in json_limited.json()["message"]
        # a spoofed X-Forwarded-For from an untrusted peer changes nothing
        spoofed = requests.get(f"{server.url}/q/abcdefghijkl", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=15)
        assert spoofed.status_code == 429
        assert requests.get(f"{server.url}/healthz", timeout=15).status_code == 200  # only public pages are limited
    finally:
        server.stop()


def test_forwarded_for_is_trusted_only_from_configured_proxies(config):
    from backend.app import create_app

    server = LiveServer(create_app({**config, "PUBLIC_RATE_LIMIT": "2/minute", "TRUSTED_PROXIES": "127.0.0.1"}))
    try:

        def get(client):
            return requests.get(f"{server.url}/q/abcdefghijkl", headers={"X-Forwarded-For": client}, timeout=15)

        assert [get("198.51.100.1").status_code for _ in range(3)] == [404, 404, 429]
        assert get("198.51.100.2").status_code == 404  # another client behind the same proxy
    finally:
        server.stop()


def test_rate_limit_off(config):
    from backend.app import create_app

    client = create_app({**config, "PUBLIC_RATE_LIMIT": "off"}).test_client()
    assert {client.get("/q/abcdefghijkl").status_code for _ in range(100)} == {404}
