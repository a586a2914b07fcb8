"""The cameras domain through its services: stream URLs as user input, who may add cameras and how
many, what the workers share (approved businesses, fairly), and a status change recorded once."""

from __future__ import annotations

import pytest

from backend.cameras import services
from backend.cameras.errors import EventNotFound, StreamUrlRefused
from backend.cameras.models import Camera, CameraEvent, Problem, shown_url
from backend.core import context
from backend.core.errors import InvalidInput
from backend.public_card import services as cards
from backend.registry.errors import BusinessNotFound
from tests.builders import approved, citizen, submitted


def values(**overrides) -> dict:
    return {"name": "后厨", "area": "cooking", "stream_url": "rtsp://127.0.0.1:8554/live", **overrides}


@pytest.fixture
def shop(app_context):
    owner = citizen()
    return approved(owner), owner


def test_credentials_leave_the_url_and_query_secrets_are_never_shown(app_context):
    url, credentials = services.split_stream_url("rtsp://admin:p%40ss@127.0.0.1:8554/stream1")
    assert (url, credentials) == ("rtsp://127.0.0.1:8554/stream1", "admin:p@ss")
    url, _ = services.split_stream_url("http://127.0.0.1/cgi?user=admin&pwd=s3cret&channel=1")
    assert "s3cret" in url and shown_url(url) == "http://127.0.0.1/cgi?user=***&pwd=***&channel=1"


@pytest.mark.parametrize(
    "url",
    ["rtsp://127.0.0.1:99999/x", "rtsp://127.0.0.1:-1/x", "rtsp://127.0.0.1:1e3/x", "ftp://127.0.0.1/x", "rtsp:///x"],
)
def test_urls_a_worker_cannot_open_are_refused_with_the_field(app_context, url):
    with pytest.raises(StreamUrlRefused) as refused:
        services.split_stream_url(url)
    assert "stream_url" in refused.value.errors


def test_only_an_approved_business_adds_cameras_up_to_its_cap_and_no_faster_than_the_minimum(shop):
    business, owner = shop
    draft, draft_owner = submitted()
    with pytest.raises(InvalidInput) as pending:
        services.add_camera(draft_owner.user_id, draft.id, values())
    assert "business" in pending.value.errors
    with pytest.raises(InvalidInput) as too_often:
        services.add_camera(owner.user_id, business.id, values(interval_seconds=1))
    assert "interval_seconds" in too_often.value.errors
    runtime = context.current()
    capped = runtime.settings.replace(CAMERA_MAX_PER_BUSINESS=2)
    with context.use(context.Runtime(capped, runtime.stores)):
        for n in range(2):
            services.add_camera(owner.user_id, business.id, values(name=f"c{n}"))
        with pytest.raises(InvalidInput) as full:
            services.add_camera(owner.user_id, business.id, values(name="c3"))
    assert "2" in str(full.value.errors["business"][0])


def test_a_household_has_no_cameras(app_context):
    from backend.registry.models import Business

    owner = citizen()
    home = approved(owner)
    Business.objects(id=home.id).update_one(set__kind="household")  # a household is no kitchen to film
    with pytest.raises(InvalidInput) as refused:
        services.add_camera(owner.user_id, home.id, values())
    assert "0" in str(refused.value.errors["business"][0])


def test_the_workers_take_approved_businesses_cameras_each_ones_first_before_any_second(app_context):
    flood_owner, other_owner = citizen(), citizen()
    flood, other = approved(flood_owner), approved(other_owner)
    flooded = [services.add_camera(flood_owner.user_id, flood.id, values(name=f"f{n}")) for n in range(3)]
    late = services.add_camera(other_owner.user_id, other.id, values(name="late"))
    draft, _ = submitted()
    Camera(business_id=draft.id, name="draft", area="cooking", stream_url="rtsp://127.0.0.1/d").save()
    order = [camera.id for camera in services.worker_cameras()]
    assert order[:2] == [flooded[0].id, late.id] or order[:2] == [late.id, flooded[0].id]
    assert set(order) == {c.id for c in flooded} | {late.id}  # the draft's camera is nobody's to sample


def test_a_status_change_is_recorded_once_and_reaches_the_card(shop):
    business, owner = shop
    camera = services.add_camera(owner.user_id, business.id, values(public=True, staff_informed=True))
    Camera.objects(id=camera.id).update_one(set__public_approved=True)
    for _ in range(2):  # a worker's retry within the same second
        services.record_status(camera.id, "offline", previous="pending", evidence_jpeg=None, details={})
    assert CameraEvent.objects(camera_id=camera.id, label="offline").count() == 1
    card = cards.view(business.public_code, "json")
    assert '"status": "offline"' in card.body


def test_the_business_is_shown_the_faces_blurred_copy_of_a_problems_frame(shop):
    business, owner = shop
    camera = services.add_camera(owner.user_id, business.id, values())
    services.record_scene(
        camera.id,
        "no_mask",
        evidence_jpeg=b"full-frame",
        shown_jpeg=b"blurred-frame",
        score=0.9,
        details={},
        bucket="h1",
    )
    event = CameraEvent.objects(camera_id=camera.id).get()
    event.update(set__problem=Problem(status="open"), set__status="confirmed")
    assert services.problem_picture(owner.user_id, business.id, event.id, 0) == b"blurred-frame"
    with pytest.raises(EventNotFound):
        services.problem_picture(owner.user_id, business.id, event.id, 1)
    with pytest.raises(BusinessNotFound):
        services.problem_picture(citizen().user_id, business.id, event.id, 0)
