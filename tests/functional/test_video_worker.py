"""The video worker against real streams on loopback: clips written with OpenCV and played as files,
and served live by ffmpeg as MJPEG and as H.264 MPEG-TS over HTTP. Statuses as the wall shows them,
a killed and a stalled server, scenes, faces blurred on the public card, two workers sharing cameras
through Redis leases, and the regulator's captures, reviews and the business's answers."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from datetime import timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest

from backend.core import context
from backend.core.timeutil import today_shanghai
from tests.support import assert_error, eventually, form_token
from tests.video import FfmpegStream, RtspStream, channel_mean_model, kitchen, photo, write_clip
from video_worker import analysis
from video_worker.worker import Worker, lease_key

INTERVAL = 1


@pytest.fixture
def config(config, tmp_path):
    """Cameras may be clip files in this test's folder (the demo seeds its cameras there too)."""
    return {**config, "CAMERA_FILE_DIR": str(tmp_path / "clips"), "CAMERA_MIN_INTERVAL": 1}


@pytest.fixture
def clips(config) -> Path:
    folder = Path(config["CAMERA_FILE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def runtime(app):
    with app.app_context():
        return context.current()


@pytest.fixture
def start_worker(runtime):
    started: list[tuple[Worker, threading.Thread]] = []

    def start(**options) -> Worker:
        worker = Worker(runtime, lease_seconds=options.pop("lease_seconds", 3), **options)
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        started.append((worker, thread))
        return worker

    yield start
    for worker, thread in started:
        worker.stop()
        thread.join(15)


def sampled_at_pace(api, regulator, camera_id, count: int = 3) -> None:
    """`count` new snapshots of the camera in a row, each within 2.5 intervals of the one before."""
    seen = wall(api, regulator)[camera_id]["captured_at"]
    for _ in range(count):
        seen = eventually(
            lambda last=seen: (now := wall(api, regulator)[camera_id]["captured_at"]) != last and now,
            2.5 * INTERVAL,
            "the next snapshot at the camera's pace",
        )


def camera(api, owner, business_id, url, **extra) -> dict:
    body = {
        "name": extra.pop("name", "后厨"),
        "area": "cooking",
        "stream_url": url,
        "interval_seconds": INTERVAL,
        **extra,
    }
    response = api.post(f"/api/v1/mp/businesses/{business_id}/cameras", token=owner, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def wall(api, regulator) -> dict:
    response = api.get("/api/v1/console/camera-wall", token=regulator)
    assert response.status_code == 200, response.text
    return {row["camera"]["id"]: row for row in response.json()}


def status_of(api, regulator, camera_id):
    return wall(api, regulator).get(camera_id, {}).get("status")


def file_url(path: Path) -> str:
    return f"file://{path}"


def test_live_streams_are_sampled_and_offline_and_stalled_servers_are_seen(api, owned_business, clips, start_worker):
    business, owner, regulator = owned_business
    clip = write_clip(clips / "live.avi", [kitchen(step) for step in range(40)])
    mjpeg = FfmpegStream(clip, "mjpeg").start()
    mpegts = FfmpegStream(clip, "mpegts").start()
    rtsp = RtspStream(clip).start()
    try:
        cameras = {
            "rtsp": camera(api, owner, business["id"], rtsp.url, name="专间")["id"],
            "file": camera(api, owner, business["id"], file_url(clip), name="仓库")["id"],
            "mjpeg": camera(api, owner, business["id"], mjpeg.url, name="切配")["id"],
            "mpegts": camera(api, owner, business["id"], mpegts.url, name="烹饪")["id"],
        }
        start_worker()
        for name, camera_id in cameras.items():
            eventually(
                lambda c=camera_id: status_of(api, regulator, c) == "online",
                20,
                f"{name} online {wall(api, regulator)}",
            )
        snapshot = api.get(f"/api/v1/console/cameras/{cameras['mjpeg']}/snapshot.jpg", token=regulator)
        assert snapshot.status_code == 200 and len(snapshot.content) <= 100 * 1024
        assert cv2.imdecode(np.frombuffer(snapshot.content, np.uint8), cv2.IMREAD_COLOR).shape[1] <= 640

        # the server dies: offline within two intervals (plus the wall's own polling), back when it returns
        mjpeg.kill()
        killed = time.monotonic()
        eventually(lambda: status_of(api, regulator, cameras["mjpeg"]) == "offline", 2 * INTERVAL + 1, "offline")
        assert time.monotonic() - killed <= 2 * INTERVAL + 1
        mjpeg = FfmpegStream(clip, "mjpeg", port=mjpeg.port).start()
        eventually(lambda: status_of(api, regulator, cameras["mjpeg"]) == "online", 40, "online again")

        # the server stalls (SIGSTOP): offline in bounded time, while the others keep their rate
        mpegts.pause()
        try:
            eventually(lambda: status_of(api, regulator, cameras["mpegts"]) == "offline", 2 * INTERVAL + 1, "stalled")
            sampled_at_pace(api, regulator, cameras["file"])
        finally:
            mpegts.resume()

        events = api.get(
            "/api/v1/console/camera-events", token=regulator, params={"camera_id": cameras["mjpeg"]}
        ).json()
        labels = [event["label"] for event in events]
        assert "offline" in labels and "online" in labels
        evidence = next(event for event in events if event["label"] == "online" and event["evidence"])["evidence"][0]
        assert len(evidence["sha256"]) == 64
    finally:
        mjpeg.kill()
        mpegts.kill()
        rtsp.kill()


@pytest.mark.parametrize(
    ("scene", "frames", "status"),
    [
        ("dark", lambda: [(kitchen(step) * 0.06).astype(np.uint8) for step in range(20)], "dark"),
        ("covered", lambda: [np.full((360, 640, 3), 160, np.uint8)] * 20, "covered"),
        ("frozen", lambda: [kitchen(7)] * 20, "frozen"),
        ("blurred", lambda: [cv2.GaussianBlur(kitchen(step), (0, 0), 7) for step in range(20)], "blurred"),
        (
            "looped",
            lambda: [photo(name) for name in ("coffee", "chelsea", "astronaut", "rocket", "camera") for _ in range(10)],
            "looped",
        ),
    ],
)
def test_bad_feeds_are_told_apart(api, owned_business, clips, start_worker, scene, frames, status):
    business, owner, regulator = owned_business
    clip = write_clip(clips / f"{scene}.avi", frames())
    camera_id = camera(api, owner, business["id"], file_url(clip))["id"]
    start_worker()
    eventually(lambda: status_of(api, regulator, camera_id) == status, 25, status)  # the latest sample's

    def recorded() -> bool:  # an event once the status has held (CAMERA_STATUS_HOLD samples)
        events = api.get("/api/v1/console/camera-events", token=regulator, params={"camera_id": camera_id}).json()
        return status in [event["label"] for event in events]

    eventually(recorded, 10, f"a {status} event")


@pytest.mark.redis_cluster
def test_the_public_card_shows_an_approved_camera_with_faces_blurred(api, owned_business, clips, start_worker):
    business, owner, regulator = owned_business
    face = np.full((360, 640, 3), 90, np.uint8)
    face[:, 140:500] = cv2.resize(photo("astronaut"), (360, 360))  # the photograph at its own aspect
    clip = write_clip(clips / "face.avi", [face] * 10)
    created = camera(api, owner, business["id"], file_url(clip), public=True)
    camera_id = created["id"]
    # the area it films is published at once (the law), before any picture is: with or without signage
    card = api.get(f"/api/v1/public/businesses/{business['public_code']}").json()
    assert card["cameras"] == {
        "cameras": [],
        "monitored": [{"area": "cooking", "area_label": "烹饪", "signage": False}],
    }
    assert "监控区域：烹饪（未张贴提示标识）" in api.get(f"/q/{business['public_code']}").text
    signed = api.patch(
        f"/api/v1/mp/businesses/{business['id']}/cameras/{camera_id}", token=owner, json={"signage": True}
    )
    assert signed.status_code == 200 and signed.json()["signage"] is True
    assert "监控区域：烹饪</p>" in api.get(f"/q/{business['public_code']}").text
    # not public before a person approved it, and never before the staff were told
    assert_error(api.post(f"/api/v1/console/cameras/{camera_id}/approve", token=regulator), 422)
    start_worker()
    eventually(lambda: wall(api, regulator).get(camera_id, {}).get("captured_at"), 20, "first snapshot")
    assert_error(api.post(f"/api/v1/console/cameras/{camera_id}/approve", token=regulator), 422)
    patched = api.patch(
        f"/api/v1/mp/businesses/{business['id']}/cameras/{camera_id}", token=owner, json={"staff_informed": True}
    )
    assert patched.status_code == 200, patched.text
    approved = api.post(f"/api/v1/console/cameras/{camera_id}/approve", token=regulator)
    assert approved.status_code == 200 and approved.json()["public_approved"] is True

    card = api.get(f"/api/v1/public/businesses/{business['public_code']}").json()
    assert "cameras" in card, card
    (shown,) = card["cameras"]["cameras"]
    assert card["cameras"]["monitored"] == [{"area": "cooking", "area_label": "烹饪", "signage": True}]
    assert shown["area_label"] == "烹饪" and shown["snapshot_url"].endswith(f"/cameras/{camera_id}.jpg")
    public = api.get(f"/q/{business['public_code']}/cameras/{camera_id}.jpg")
    assert public.status_code == 200 and public.headers["Content-Type"] == "image/jpeg"
    full = api.get(f"/api/v1/console/cameras/{camera_id}/snapshot.jpg", token=regulator)
    found = analysis.faces(cv2.imdecode(np.frombuffer(full.content, np.uint8), cv2.IMREAD_COLOR))
    face_box = max(found, key=lambda box: box[2] * box[3])  # the astronaut's (a background patch may pass too)
    public_image = cv2.imdecode(np.frombuffer(public.content, np.uint8), cv2.IMREAD_COLOR)
    x, y, w, h = face_box
    region = cv2.cvtColor(public_image[y : y + h, x : x + w], cv2.COLOR_BGR2GRAY)
    assert cv2.Laplacian(region, cv2.CV_64F).var() < 50  # no detail left where the face was
    # another camera id, or a camera not approved, has no public picture
    assert api.get(f"/q/{business['public_code']}/cameras/{'0' * 24}.jpg").status_code == 404


@pytest.mark.redis_cluster
def test_two_workers_share_the_cameras_and_take_over_a_dead_ones(
    api, owned_business, clips, start_worker, redis_client
):
    business, owner, regulator = owned_business
    clip = write_clip(clips / "shared.avi", [kitchen(step) for step in range(30)])
    ids = [camera(api, owner, business["id"], file_url(clip), name=f"摄像头{n}")["id"] for n in range(6)]
    first = start_worker(worker_id="worker-a", max_cameras=4)
    second = start_worker(worker_id="worker-b", max_cameras=4)
    redis = redis_client

    def owners():
        return {camera_id: redis.get(lease_key(camera_id)) for camera_id in ids}

    # leased, and sampled (a worker starts its sampler just after taking the lease)
    eventually(lambda: all(owners().values()) and len(first.samplers) + len(second.samplers) == 6, 15, "all leased")
    held_a, held_b = set(first.samplers.copy()), set(second.samplers.copy())
    assert held_a.isdisjoint(held_b) and held_a | held_b == set(ids)
    assert {owner_ for owner_ in owners().values()} == {"worker-a", "worker-b"}
    # worker A dies without releasing anything (as under SIGKILL): B takes its cameras, up to its limit
    first.stop(release=False)
    eventually(lambda: len(second.samplers) == 4, 3 * 3 + 3, "taken over within a lease period")
    third = start_worker(worker_id="worker-c", max_cameras=4)
    eventually(lambda: len(third.samplers) == 2, 12, "the rest claimed")
    assert set(second.samplers.copy()).isdisjoint(third.samplers.copy())
    # SIGTERM-like stop: its leases are released at once
    second.stop()
    eventually(lambda: not any(owner_ == "worker-b" for owner_ in owners().values()), 10, "released")


def test_a_business_flooding_the_worker_does_not_keep_anothers_first_camera_waiting(
    api, owned_business, clips, start_worker, mp_login, console_login
):
    from tests.builders import submitted_business

    business, owner, regulator = owned_business
    clip = write_clip(clips / "flood.avi", [kitchen(step) for step in range(30)])
    flood = [camera(api, owner, business["id"], file_url(clip), name=f"f{n}")["id"] for n in range(3)]
    worker = start_worker(worker_id="worker-fair", max_cameras=2)
    eventually(lambda: len(worker.samplers.copy()) == 2, 15, "the worker is full")
    other_owner = mp_login()["access_token"]
    other = submitted_business(api, other_owner)
    approved = api.post(f"/api/v1/console/businesses/{other['id']}/approve", token=regulator, json={})
    assert approved.status_code == 200, approved.text
    late = camera(api, other_owner, other["id"], file_url(clip), name="late")["id"]
    eventually(lambda: late in worker.samplers.copy(), 15, "the other business's first camera sampled")
    assert len(set(worker.samplers.copy()) & set(flood)) == 1


def test_captures_reviews_and_answers(app, api, owned_business, clips, start_worker, console_login):
    business, owner, regulator = owned_business
    clip = write_clip(clips / "kitchen.avi", [kitchen(step) for step in range(30)])
    camera_id = camera(api, owner, business["id"], file_url(clip))["id"]
    start_worker()
    eventually(lambda: status_of(api, regulator, camera_id) == "online", 20, "online")
    recent = api.get(f"/api/v1/console/cameras/{camera_id}/snapshots", token=regulator).json()
    assert recent and api.get(recent[0]["url"], token=regulator).status_code == 200

    captured = api.post(
        f"/api/v1/console/cameras/{camera_id}/capture", token=regulator, json={"note": "操作人员未戴口罩"}
    )
    assert captured.status_code == 201, captured.text
    event = captured.json()
    assert event["problem"]["status"] == "open"
    # the evidence is the stored blob whose SHA-256 it names
    from backend.blobs.store import blob_store

    with app.app_context():
        stored = blob_store().get(event["evidence"][0]["sha256"])
    assert hashlib.sha256(stored).hexdigest() == event["evidence"][0]["sha256"]

    # another district's regulator sees none of it
    stranger = console_login("regulator", ("110101",))
    assert api.get("/api/v1/console/camera-wall", token=stranger).json() == []
    assert_error(api.post(f"/api/v1/console/cameras/{camera_id}/capture", token=stranger, json={"note": "x"}), 404)

    # the status event is reviewed: dismissed once, and a second review loses
    status_event = eventually(  # recorded once "online" has held for CAMERA_STATUS_HOLD samples
        lambda: api.get(
            "/api/v1/console/camera-events", token=regulator, params={"kind": "status_change", "status": "new"}
        ).json(),
        10,
        "the status event",
    )[0]
    review = {"decision": "confirm", "reason": "画面显示存在问题，请整改"}
    assert (
        api.post(f"/api/v1/console/camera-events/{status_event['id']}/review", token=regulator, json=review).status_code
        == 200
    )
    assert_error(
        api.post(f"/api/v1/console/camera-events/{status_event['id']}/review", token=regulator, json=review), 409
    )

    problems = api.get(f"/api/v1/mp/businesses/{business['id']}/camera-problems", token=owner).json()
    assert {p["id"] for p in problems} == {event["id"], status_event["id"]}
    # the business sees what was captured in its kitchen (faces blurred) and the regulator's note
    (shown,) = [p for p in problems if p["id"] == event["id"]]
    assert shown["note"] == "操作人员未戴口罩" and len(shown["pictures"]) == 1
    picture = api.get(shown["pictures"][0]["url"], token=owner)
    assert picture.status_code == 200 and picture.headers["Content-Type"] == "image/jpeg"
    assert picture.content[:2] == b"\xff\xd8"
    assert_error(api.get(shown["pictures"][0]["url"], token=stranger), 403)
    # and its own cameras' latest snapshot
    own = api.get(f"/api/v1/mp/businesses/{business['id']}/cameras/{camera_id}/snapshot.jpg", token=owner)
    assert own.status_code == 200 and own.content[:2] == b"\xff\xd8" and own.headers["Last-Modified"]
    answered = api.post(
        f"/api/v1/mp/businesses/{business['id']}/camera-problems/{event['id']}/answer",
        token=owner,
        json={"note": "已对员工进行培训，要求全程佩戴口罩"},
    )
    assert answered.status_code == 200 and answered.json()["problem"]["status"] == "answered"
    assert answered.json()["problem"]["note"] == "已对员工进行培训，要求全程佩戴口罩"
    closed = api.post(f"/api/v1/console/camera-events/{event['id']}/close", token=regulator, json={"note": "整改到位"})
    assert closed.status_code == 200 and closed.json()["problem"]["status"] == "closed"
    assert_error(
        api.post(
            f"/api/v1/mp/businesses/{business['id']}/camera-problems/{event['id']}/answer",
            token=owner,
            json={"note": "再补充"},
        ),
        409,
    )
    # 非现场执法: the other problem has its deadlines; disputed, then escalated to a lead with its frame
    (other,) = [p for p in problems if p["id"] == status_event["id"]]
    assert other["problem"]["plan_due"] < other["problem"]["recheck_due"]
    disputed = api.post(
        f"/api/v1/mp/businesses/{business['id']}/camera-problems/{status_event['id']}/answer",
        token=owner,
        json={"stance": "dispute", "note": "画面中为员工休息时间"},
    )
    assert disputed.status_code == 200 and disputed.json()["problem"]["stance"] == "dispute"
    escalated = api.post(
        f"/api/v1/console/camera-events/{status_event['id']}/escalate", token=regulator, json={"note": "异议不成立"}
    )
    assert escalated.status_code == 200 and escalated.json()["problem"]["status"] == "escalated"
    (lead,) = api.get("/api/v1/console/leads", token=regulator, params={"status": "new"}).json()
    assert (lead["source_kind"], lead["source_id"]) == ("camera", status_event["id"])
    assert lead["evidence"] == [e["sha256"] for e in status_event["evidence"]] and "异议不成立" in lead["summary"]
    assert_error(
        api.post(f"/api/v1/console/camera-events/{status_event['id']}/escalate", token=regulator, json={"note": "再"}),
        409,
    )


def test_a_capture_becomes_a_lead_whose_frame_only_the_cases_officer_sees_unblurred(
    app, api, owned_business, clips, start_worker, console_login
):
    """非现场执法 from a real capture: escalated to a lead; every regulator but the case's officer, and the
    business, see the frame with faces blurred; the officer sees it as captured, and that reading is
    audited."""
    from backend.audit.models import AuditEntry

    business, owner, regulator = owned_business
    face = np.full((360, 640, 3), 90, np.uint8)
    face[:, 140:500] = cv2.resize(photo("astronaut"), (360, 360))
    frames = []
    for step in range(30):  # a cook's face, and something moving beside it: a live feed
        frame = cv2.add(face, np.random.default_rng(step).integers(0, 6, face.shape, dtype=np.uint8))
        cv2.rectangle(frame, (10, 40 + step * 9), (110, 100 + step * 9), (30, 120, 200), -1)
        frames.append(frame)
    camera_id = camera(api, owner, business["id"], file_url(write_clip(clips / "cook.avi", frames)))["id"]
    start_worker()
    eventually(lambda: status_of(api, regulator, camera_id) == "online", 20, "online")
    colleague = console_login("regulator", ("320682",))

    def escalated_lead(note):
        event = api.post(f"/api/v1/console/cameras/{camera_id}/capture", token=regulator, json={"note": note}).json()
        answer = api.post(f"/api/v1/console/camera-events/{event['id']}/escalate", token=regulator, json={"note": note})
        assert answer.status_code == 200, answer.text
        (lead,) = [
            found
            for found in api.get("/api/v1/console/leads", token=regulator, params={"status": "new"}).json()
            if found["source_id"] == event["id"]
        ]
        problems = api.get(f"/api/v1/mp/businesses/{business['id']}/camera-problems", token=owner).json()
        (problem,) = [p for p in problems if p["id"] == event["id"]]
        blurred = api.get(problem["pictures"][0]["url"], token=owner).content
        return lead, event, blurred

    lead, event, blurred = escalated_lead("生熟混放，操作人员未戴口罩")
    assert lead["evidence"] == [event["evidence"][0]["sha256"]] and len(lead["pictures"]) == 1
    seen = api.get(lead["pictures"][0], token=regulator)
    assert seen.status_code == 200 and seen.headers["Content-Type"] == "image/jpeg" and seen.content == blurred
    review = {"action": "open_case", "reason": "抓拍属实", "violation": "未按规定佩戴口罩", "approved_by": "李局长"}
    reviewed = api.post(f"/api/v1/console/leads/{lead['id']}/review", token=regulator, json=review)
    case = api.get(f"/api/v1/console/cases/{reviewed.json()['case_id']}", token=regulator).json()
    assert [e["sha256"] for e in case["evidence"]] == lead["evidence"]  # the frame is the case's first evidence
    as_captured = api.get(lead["pictures"][0], token=regulator).content  # now the case's officer
    assert hashlib.sha256(as_captured).hexdigest() == lead["evidence"][0] and as_captured != blurred
    assert api.get(lead["pictures"][0], token=colleague).content == blurred
    assert_error(api.get(lead["pictures"][0], token=console_login("regulator", ("110101",))), 404)
    with app.app_context():
        viewed = AuditEntry.objects(target_type="lead", target_id=lead["id"], action="lead.evidence_viewed")
        assert viewed.count() == 1 and viewed.first().after["sha256"] == lead["evidence"][0]

    # handed to the business instead: it sees its own frame, blurred, and answers on the phone
    handed, _event, blurred = escalated_lead("垃圾桶未加盖")
    due = (today_shanghai() + timedelta(days=3)).isoformat()
    review = {"action": "rectify", "reason": "责令整改", "due_on": due}
    assert api.post(f"/api/v1/console/leads/{handed['id']}/review", token=regulator, json=review).status_code == 200
    (mine,) = api.get(f"/api/v1/mp/businesses/{business['id']}/leads", token=owner).json()
    picture = api.get(mine["pictures"][0], token=owner)
    assert picture.status_code == 200 and picture.content == blurred
    assert_error(api.get(mine["pictures"][0], token=colleague), 403)  # the mini-program is for the business
    assert_error(api.get(f"/api/v1/mp/businesses/{business['id']}/leads/{lead['id']}/evidence/0", token=owner), 404)


def test_camera_urls_are_checked_and_credentials_never_shown(app, api, owned_business, clips, config):
    from backend.app import create_api_app
    from backend.core.config import load_settings
    from tests.support import LiveServer

    business, owner, _regulator = owned_business
    created = camera(api, owner, business["id"], "rtsp://admin:s3cret-pass@127.0.0.1:8554/stream1")
    assert "s3cret" not in str(created) and created["has_credentials"] is True
    assert created["stream_url"] == "rtsp://127.0.0.1:8554/stream1"
    listed = api.get(f"/api/v1/mp/businesses/{business['id']}/cameras", token=owner).text
    assert "s3cret" not in listed
    outside = clips.parent / "secret.avi"
    write_clip(outside, [kitchen(1)])
    settings = load_settings({**config, "CAMERA_ALLOW_PRIVATE_ADDRESSES": False})
    strict = LiveServer(create_api_app(settings=settings, stores=app.extensions["sfs.stores"]))
    try:
        strict_api = type(api)(strict.url)  # the same client, on the stricter app
        for url in (
            "rtsp://127.0.0.1/live",
            "http://10.1.2.3/mjpeg",
            "http://[::1]:8080/x",
            "http://169.254.169.254/latest/meta-data",
            "http://localhost/x",
            f"file://{outside}",
            "file:///etc/passwd",
            "gopher://example.com/",
            "javascript:alert(1)",
            "rtsp://8.8.8.8:99999/live",
            "rtsp://8.8.8.8:-1/live",
            "rtsp://8.8.8.8:1e3/live",
            "rtsp://8.8.8.8:0/live",
            "http://[::127.0.0.1]/x",
            "http://[64:ff9b::169.254.169.254]/x",
            "http://[2002:7f00:1::]/x",
            "http://[::ffff:0:127.0.0.1]/x",
            "http://[fec0::1]/x",
        ):
            body = {"name": "x", "area": "cooking", "stream_url": url}
            response = strict_api.post(f"/api/v1/mp/businesses/{business['id']}/cameras", token=owner, json=body)
            assert response.status_code == 422, (url, response.text)
            assert "stream_url" in response.json()["errors"]
    finally:
        strict.stop()
    # a secret in the query string is kept, never shown
    secret = camera(api, owner, business["id"], "http://127.0.0.1:8080/video.cgi?user=admin&pwd=s3cret-q&ch=1")
    assert secret["stream_url"] == "http://127.0.0.1:8080/video.cgi?user=***&pwd=***&ch=1"
    assert "s3cret-q" not in api.get(f"/api/v1/mp/businesses/{business['id']}/cameras", token=owner).text


def test_cameras_are_capped_and_only_for_approved_businesses(app, api, owned_business, config):
    """A camera flood: a draft registers none, a business at most CAMERA_MAX_PER_BUSINESS, none
    sampled more often than CAMERA_MIN_INTERVAL."""
    from backend.app import create_api_app
    from backend.core.config import load_settings
    from tests.builders import submitted_business
    from tests.support import LiveServer

    business, owner, _regulator = owned_business
    settings = load_settings({**config, "CAMERA_MAX_PER_BUSINESS": 2, "CAMERA_MIN_INTERVAL": 5})
    capped = LiveServer(create_api_app(settings=settings, stores=app.extensions["sfs.stores"]))
    try:
        capped_api = type(api)(capped.url)
        body = {"name": "x", "area": "cooking", "stream_url": "rtsp://127.0.0.1:8554/a", "interval_seconds": 5}
        pending = submitted_business(capped_api, owner)
        refused = capped_api.post(f"/api/v1/mp/businesses/{pending['id']}/cameras", token=owner, json=body)
        assert refused.status_code == 422 and "business" in refused.json()["errors"]
        too_often = capped_api.post(
            f"/api/v1/mp/businesses/{business['id']}/cameras", token=owner, json={**body, "interval_seconds": 2}
        )
        assert too_often.status_code == 422 and "interval_seconds" in too_often.json()["errors"]
        for _ in range(2):
            added = capped_api.post(f"/api/v1/mp/businesses/{business['id']}/cameras", token=owner, json=body)
            assert added.status_code == 201, added.text
        third = capped_api.post(f"/api/v1/mp/businesses/{business['id']}/cameras", token=owner, json=body)
        assert third.status_code == 422 and "2" in third.json()["errors"]["business"][0]
    finally:
        capped.stop()


def test_the_demo_cameras_show_a_live_snapshot_and_each_state(config):
    from backend.app import create_app
    from backend.cameras import services
    from backend.cameras.models import Camera
    from backend.registry.models import Business

    app = create_app({**config, "SEED_DEMO": True})
    with app.app_context():
        runtime = context.current()
        restaurant = Business.objects(name="如皋老张面馆").first()
        assert Camera.objects.count() == 5  # the restaurant's two, the school canteen's two, the banquet venue's
    worker = Worker(runtime, lease_seconds=3)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:

        def statuses():
            with app.app_context():
                return {camera.name: camera.status for camera in Camera.objects}

        seen = eventually(
            lambda: (s := statuses()) and "pending" not in s.values() and s, 20, "every demo camera sampled"
        )
        assert set(seen.values()) == {"online", "dark", "covered"}
        client = app.test_client()
        card = client.get(f"/api/v1/public/businesses/{restaurant.public_code}").get_json()
        (shown,) = card["cameras"]["cameras"]
        with app.app_context():
            assert services.public_snapshot(restaurant.public_code, shown["id"]) is not None
    finally:
        worker.stop()
        thread.join(15)


def test_the_wall_page_works_in_a_browser(
    browser_page, live_server, owned_business, clips, start_worker, make_console_user, api
):
    business, owner, _regulator = owned_business
    clip = write_clip(clips / "wall.avi", [kitchen(step) for step in range(30)])
    dark = write_clip(clips / "wall-dark.avi", [(kitchen(step) * 0.05).astype(np.uint8) for step in range(30)])
    live_id = camera(api, owner, business["id"], file_url(clip), name="烹饪区")["id"]
    dark_id = camera(api, owner, business["id"], file_url(dark), name="仓库")["id"]
    start_worker()
    username, password = make_console_user("regulator", ("320682",))
    page = browser_page
    page.goto(f"{live_server.url}/console/wall")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.login button")
    page.wait_for_url(f"{live_server.url}/console/wall")

    def shown() -> bool:
        page.goto(f"{live_server.url}/console/wall")
        return "正常" in page.inner_text(f"#camera-{live_id}") and "画面过暗" in page.inner_text(f"#camera-{dark_id}")

    eventually(shown, 20, "both cameras on the wall")
    assert business["name"] in page.inner_text(f"#camera-{live_id}")  # whose kitchen it is
    overflow = page.eval_on_selector(
        f"#camera-{live_id}",
        "tile => [...tile.querySelectorAll('input,button')].some(e => e.getBoundingClientRect().right > tile.getBoundingClientRect().right + 0.5)",
    )
    assert not overflow  # the capture form stays inside its tile
    natural_width = page.eval_on_selector(f"#camera-{live_id} img", "img => img.naturalWidth")
    assert natural_width == 640  # the snapshot loaded, with the page's cookie
    page.goto(f"{live_server.url}/console/wall?status=dark")
    assert page.locator("figure").count() == 1
    # capture the frame with a note: the business gets a problem to answer
    page.fill(f"#camera-{dark_id} input[name=note]", "后厨夜间无人值守却未断电")
    page.click(f"#camera-{dark_id} button")
    assert "已抓拍取证" in page.inner_text(".notice")
    problems = api.get(f"/api/v1/mp/businesses/{business['id']}/camera-problems", token=owner).json()
    assert [p["note"] for p in problems] == ["后厨夜间无人值守却未断电"]
    # without the cookie there is only the sign-in form, and no picture
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/console/wall")
    assert page.locator("input[name=password]").count() == 1
    assert api.get(f"/console/wall/cameras/{live_id}.jpg").status_code == 401


def test_the_wall_page_says_only_its_own_words_and_signing_out_ends_the_session(live_server, make_console_user):
    import requests

    username, password = make_console_user("regulator", ("320682",))
    own = {"Origin": live_server.url}
    browser = requests.Session()
    token = form_token(browser, f"{live_server.url}/console/wall")  # the sign-in form, back to the wall after
    signed_in = browser.post(
        f"{live_server.url}/console/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/console/wall"},
        headers=own,
    )
    assert signed_in.status_code == 200 and "远程监管墙" in signed_in.text
    token = browser.cookies.get("sfs_console")
    assert token
    page = browser.get(f"{live_server.url}/console/wall?message=<b>请拨打 110 转账</b>")
    assert "请拨打" not in page.text and page.headers["Cache-Control"] == "no-store"
    assert "已抓拍取证" in browser.get(f"{live_server.url}/console/wall?message=captured").text
    # the page's own refreshes keep the session alive: a half-spent token comes back renewed
    from tests.support import aged_token

    half_spent = {"Cookie": f"sfs_console={aged_token(token, left=200, signed_in_ago=1800)}"}
    refreshed = requests.get(f"{live_server.url}/console/wall", headers=half_spent, timeout=10)
    assert "远程监管墙" in refreshed.text and refreshed.cookies.get("sfs_console") not in (None, token)
    lookalike = {"Origin": f"{live_server.url}.evil.example"}
    form = {"csrf_token": form_token(browser, f"{live_server.url}/console/wall")}
    assert browser.post(f"{live_server.url}/console/logout", data=form, headers=lookalike).status_code == 403
    assert browser.post(f"{live_server.url}/console/logout", headers=own).status_code == 403  # no token
    assert browser.post(f"{live_server.url}/console/logout", data=form, headers=own).status_code == 200
    wall_api = requests.get(
        f"{live_server.url}/api/v1/console/camera-wall", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert wall_api.status_code == 401  # the token itself no longer works, not only the cookie gone


def test_a_detector_finding_becomes_a_scene_event(api, owned_business, clips, start_worker, tmp_path):
    from video_worker.detectors import OnnxDetector

    business, owner, regulator = owned_business
    red = kitchen(1)
    red[:, :, 2] = 255  # the model reads a red frame as "no_chef_hat"
    clip = write_clip(clips / "red.avi", [red] * 20)
    camera_id = camera(api, owner, business["id"], file_url(clip))["id"]
    start_worker(detectors=[OnnxDetector(channel_mean_model(tmp_path / "scene.onnx"))])

    def scenes():
        events = api.get("/api/v1/console/camera-events", token=regulator, params={"kind": "scene"}).json()
        return [event for event in events if event["camera_id"] == camera_id]

    (event,) = eventually(scenes, 20, "a scene event")
    assert event["label"] == "no_chef_hat" and event["score"] >= 0.6 and event["details"]["detector"] == "scene"
    assert len(event["evidence"]) == 1
    assert len(scenes()) == 1  # once per hour, however many samples show it


class GarbageStream:
    """An HTTP server that answers every request with random bytes, for ever."""

    def __init__(self):
        import socketserver

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: video/mp2t\r\n\r\n")
                noise = np.random.default_rng(0)
                try:
                    while not server.stopping:
                        self.wfile.write(noise.bytes(65536))
                        time.sleep(0.05)
                except OSError:
                    pass

        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.stopping = False
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}/live"
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.stopping = True
        self.server.shutdown()
        self.server.server_close()


def test_garbage_and_giant_frames_are_offline_and_harm_no_other_camera(api, owned_business, clips, start_worker):
    import subprocess

    business, owner, regulator = owned_business
    garbage = GarbageStream()
    giant = clips / "16k.avi"
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "color=c=gray:s=15360x8640:r=1",
            "-t",
            "2",
            "-c:v",
            "mjpeg",
            str(giant),
        ],
        check=True,
    )
    clip = write_clip(clips / "fine.avi", [kitchen(step) for step in range(30)])
    try:
        noisy_id = camera(api, owner, business["id"], garbage.url, name="乱码")["id"]
        giant_id = camera(api, owner, business["id"], file_url(giant), name="16K")["id"]
        fine_id = camera(api, owner, business["id"], file_url(clip), name="正常")["id"]
        start_worker()
        eventually(lambda: status_of(api, regulator, fine_id) == "online", 20, "the good camera online")
        for camera_id in (noisy_id, giant_id):
            eventually(lambda c=camera_id: status_of(api, regulator, c) == "offline", 20, "offline")
        events = api.get("/api/v1/console/camera-events", token=regulator, params={"camera_id": giant_id}).json()
        assert "larger than 8K" in (events[0]["details"].get("problem") or "")
        sampled_at_pace(api, regulator, fine_id)
    finally:
        garbage.stop()


def test_people_outside_opening_hours_are_an_event(api, owned_business, clips, start_worker):
    from datetime import datetime, timedelta

    from backend.core.timeutil import SHANGHAI

    business, owner, regulator = owned_business
    face = np.full((360, 640, 3), 90, np.uint8)
    face[:, 140:500] = cv2.resize(photo("astronaut"), (360, 360))
    clip = write_clip(clips / "night.avi", [face] * 10)
    now = datetime.now(SHANGHAI)
    hours = {  # the kitchen closed an hour ago and opens in two
        "opens_at": (now + timedelta(hours=2)).strftime("%H:%M"),
        "closes_at": (now - timedelta(hours=1)).strftime("%H:%M"),
    }
    camera_id = camera(api, owner, business["id"], file_url(clip), **hours)["id"]
    start_worker()

    def after_hours():
        events = api.get("/api/v1/console/camera-events", token=regulator, params={"kind": "scene"}).json()
        return [e for e in events if e["camera_id"] == camera_id and e["label"] == "people_after_hours"]

    (event,) = eventually(after_hours, 20, "people after hours")
    assert event["details"]["faces"] >= 1 and event["evidence"]


@pytest.mark.skipif(not os.environ.get("MONGODB_URI"), reason="worker processes share cameras through a real MongoDB")
def test_worker_processes_are_killed_and_stopped(app, api, owned_business, clips, config, redis_server):
    import signal
    import subprocess
    import sys

    business, owner, _regulator = owned_business
    clip = write_clip(clips / "procs.avi", [kitchen(step) for step in range(30)])
    ids = [camera(api, owner, business["id"], file_url(clip), name=f"p{n}")["id"] for n in range(4)]
    env = {
        **os.environ,
        "MONGODB_URI": config["MONGODB_URI"],
        "REDIS_URL": config["REDIS_URL"],
        "SECRET_KEY": config["SECRET_KEY"],
        "APP_ENV": "test",
        "CAMERA_FILE_DIR": config["CAMERA_FILE_DIR"],
        "VIDEO_LEASE_SECONDS": "3",
        "VIDEO_MAX_CAMERAS": "4",
    }
    redis = redis_server.client()
    first = subprocess.Popen([sys.executable, "-m", "video_worker"], env=env)
    second = None
    try:
        eventually(lambda: all(redis.get(lease_key(c)) for c in ids), 20, "every camera leased")
        holder = redis.get(lease_key(ids[0]))
        second = subprocess.Popen([sys.executable, "-m", "video_worker"], env=env)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        eventually(lambda: all((redis.get(lease_key(c)) or holder) != holder for c in ids), 3 + 10, "taken over")
        second.send_signal(signal.SIGTERM)
        assert second.wait(15) == 0
        assert not any(redis.get(lease_key(c)) for c in ids)  # released on the way out
    finally:
        for process in (first, second):
            if process and process.poll() is None:
                process.kill()


@pytest.mark.redis_cluster
def test_sigterm_stops_the_worker_and_releases_its_leases(api, owned_business, clips, runtime, redis_client):
    """The worker's own signal handling, in this process's main thread (as `python -m video_worker` runs
    it): SIGTERM ends `run()`, and every lease it held is gone at once rather than left to expire."""
    import signal

    business, owner, _regulator = owned_business
    clip = write_clip(clips / "term.avi", [kitchen(step) for step in range(20)])
    ids = [camera(api, owner, business["id"], file_url(clip), name=f"t{n}")["id"] for n in range(2)]
    redis = redis_client
    worker = Worker(runtime, worker_id="worker-term", lease_seconds=30)

    def terminate_once_sampling():
        eventually(lambda: len(worker.samplers) == 2 and all(redis.get(lease_key(c)) for c in ids), 15, "leased")
        os.kill(os.getpid(), signal.SIGTERM)

    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    watcher = threading.Thread(target=terminate_once_sampling, daemon=True)
    watcher.start()
    started = time.monotonic()
    try:
        worker.run()  # returns on SIGTERM
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    watcher.join(5)
    assert time.monotonic() - started < 20
    assert worker.samplers == {} and not any(redis.get(lease_key(c)) for c in ids)  # released, not expiring (30 s)
