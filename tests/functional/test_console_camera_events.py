"""视频事件 (`/console/cameras/events`): a camera's status change, as the video worker records it, waits
for review; a regulator confirms it or dismisses it with a reason by form; a reason left out, a forged
form and a decision someone else made are refused; another district sees none of it."""

from backend.cameras import services as cameras
from tests.builders import jpeg_bytes
from tests.support import form_token


def test_review_camera_events_by_form(api, app, live_server, owned_business, console_pages):
    business, owner, _regulator = owned_business
    made = api.post(
        f"/api/v1/mp/businesses/{business['id']}/cameras",
        token=owner,
        json={"name": "后厨", "area": "cooking", "stream_url": "rtsp://127.0.0.1:1/live", "interval_seconds": 10},
    )
    assert made.status_code == 201, made.text
    with app.app_context():  # what the video worker records when a feed goes dark
        cameras.record_status(made.json()["id"], "dark", previous="online", evidence_jpeg=None, details={})
    first, second = console_pages(), console_pages()
    page_url = f"{live_server.url}/console/cameras/events"
    shown = first.get(page_url, timeout=30)
    assert shown.status_code == 200 and "画面过暗" in shown.text and "待查看" in shown.text
    event_id = shown.text.split('id="event-', 1)[1].split('"', 1)[0]
    review = f"{live_server.url}/console/cameras/events/{event_id}/review"
    token, other_token = form_token(first, page_url), form_token(second, page_url)
    bare = first.post(review, data={"csrf_token": token, "decision": "confirm"})
    assert bare.status_code == 422 and f'id="reason-{event_id}-error"' in bare.text
    assert first.post(review, data={"csrf_token": "x", "decision": "confirm", "reason": "x"}).status_code == 403
    done = first.post(review, data={"csrf_token": token, "decision": "confirm", "reason": "夜间后厨无照明"})
    assert done.status_code == 200 and "已确认，经营者需要答复" in done.text and "没有符合条件的事件" in done.text
    late = second.post(review, data={"csrf_token": other_token, "decision": "dismiss", "reason": "误报"})
    assert late.status_code == 409 and "已被他人处理" in late.text
    assert "已确认" in first.get(page_url, params={"status": "confirmed"}, timeout=30).text

    elsewhere = console_pages(districts=("320582",))
    assert "没有符合条件的事件" in elsewhere.get(page_url, params={"status": ""}, timeout=30).text


def test_an_events_evidence_is_shown_and_exported_to_its_regulators_only(
    api, app, live_server, owned_business, console_pages, console_login
):
    business, owner, _regulator = owned_business
    made = api.post(
        f"/api/v1/mp/businesses/{business['id']}/cameras",
        token=owner,
        json={"name": "后厨", "area": "cooking", "stream_url": "rtsp://127.0.0.1:1/live", "interval_seconds": 10},
    )
    frame = jpeg_bytes()
    with app.app_context():  # a covered lens, with the frame the worker kept
        cameras.record_status(made.json()["id"], "covered", previous="online", evidence_jpeg=frame, details={})
    regulator = console_pages()
    page_url = f"{live_server.url}/console/cameras/events"
    shown = regulator.get(page_url, timeout=30).text
    assert business["name"] in shown  # which business, linked to its file
    event_id = shown.split('id="event-', 1)[1].split('"', 1)[0]
    picture = f"/console/cameras/events/{event_id}/evidence/0.jpg"
    assert f'src="{picture}"' in shown
    served = regulator.get(f"{live_server.url}{picture}", timeout=30)
    assert served.status_code == 200 and served.content == frame and served.headers["Content-Type"] == "image/jpeg"
    assert "no-store" in served.headers["Cache-Control"]
    assert regulator.get(f"{live_server.url}/console/cameras/events/{event_id}/evidence/1.jpg").status_code == 404
    exported = regulator.get(f"{live_server.url}/console/cameras/events.csv", timeout=30).content.decode("utf-8-sig")
    assert exported.splitlines()[0] == "时间,经营主体,类别,内容,状态,处理理由,取证画面"
    assert business["name"] in exported and "SHA-256 " in exported

    elsewhere = console_pages(districts=("320582",))
    assert elsewhere.get(f"{live_server.url}{picture}", timeout=30).status_code == 404
    assert business["name"] not in elsewhere.get(f"{live_server.url}/console/cameras/events.csv").text
    api_picture = f"/api/v1/console/camera-events/{event_id}/evidence/0.jpg"
    assert api.get(api_picture, token=console_login("regulator", ("320682",))).content == frame  # the API's too
    assert api.get(api_picture, token=console_login("regulator", ("320582",))).status_code == 404
    assert api.get(api_picture, token=owner).status_code == 403  # the business sees the blurred copy only
