"""Demo kitchen cameras: clips drawn here (a kitchen with a cook moving about, the same kitchen with the
lights off, a covered lens) and played as cameras of the demo businesses, so the embedded run's
worker shows a live snapshot on the restaurant's public page and the wall a camera in each state.

The restaurant's kitchen camera is approved for the public page here, on the demo regulator's behalf:
in real use a person approves it after looking at its first snapshot."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from backend.accounts.models import User
from backend.cameras import services
from backend.cameras.models import Camera
from backend.core import context
from backend.core.timeutil import utcnow
from backend.registry.models import Business

SIZE = (640, 360)
FPS = 4
SECONDS = 300  # five minutes before the clip repeats, so the demo kitchen is not (rightly) seen as `looped`


def kitchen_frame(step: int, lights: float = 1.0) -> np.ndarray:
    frame = np.full((SIZE[1], SIZE[0], 3), (200, 205, 210), np.uint8)
    for x in range(0, SIZE[0], 32):  # wall tiles
        cv2.line(frame, (x, 0), (x, 180), (170, 175, 180), 1)
    for y in range(0, 180, 32):
        cv2.line(frame, (0, y), (SIZE[0], y), (170, 175, 180), 1)
    cv2.rectangle(frame, (0, 180), (SIZE[0], SIZE[1]), (120, 130, 140), -1)  # counter
    for x in (120, 260, 400):  # pots on the stove
        cv2.circle(frame, (x, 200), 40, (60, 60, 70), -1)
        cv2.circle(frame, (x, 200), 30, (90, 95, 100), 3)
    # a cook in white wandering along the counter (two incommensurate swings: no short period)
    cook_x = 80 + int(110 * (2 + np.sin(step / 7) + np.sin(step / (7 * 2.718))))
    cv2.rectangle(frame, (cook_x, 70), (cook_x + 60, 230), (245, 245, 245), -1)
    cv2.circle(frame, (cook_x + 30, 55), 22, (180, 200, 230), -1)
    clock = f"{step // FPS // 60:02d}:{step // FPS % 60:02d}"
    cv2.putText(frame, f"KITCHEN 01  {clock}", (10, 350), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (20, 20, 20), 2)
    noise = np.random.default_rng(step).integers(0, 8, frame.shape, dtype=np.uint8)
    return (cv2.add(frame, noise) * lights).astype(np.uint8)


CLIPS = {
    "kitchen.avi": lambda step: kitchen_frame(step),
    "lights-off.avi": lambda step: kitchen_frame(step % 40, lights=0.06),
    "covered.avi": lambda step: np.full((SIZE[1], SIZE[0], 3), 75, np.uint8),  # tape over the lens
}


def ensure_clips(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    for name, draw in CLIPS.items():
        path = folder / name
        if not path.exists():
            frames = FPS * SECONDS if name == "kitchen.avi" else FPS * 10  # the others look the same throughout
            partial = path.with_suffix(".partial.avi")
            writer = cv2.VideoWriter(str(partial), cv2.VideoWriter_fourcc(*"MJPG"), FPS, SIZE)
            writer.set(cv2.VIDEOWRITER_PROP_QUALITY, 60)
            for step in range(frames):
                writer.write(draw(step))
            writer.release()
            partial.rename(path)  # a clip cut short by a crash is never taken for a whole one
        made[name] = path
    return made


# business name -> [(camera name, area, clip, shown on the public page)]
PLAN = {
    "如皋老张面馆": [("后厨烹饪区", "cooking", "kitchen.avi", True), ("仓库", "storage", "lights-off.avi", False)],
    "如皋市如城街道海阳社区集中办酒场所": [("操作间", "cooking", "kitchen.avi", False)],
    "上海市闵行区莘庄实验小学食堂": [
        ("切配间", "cutting", "kitchen.avi", True),
        ("专间", "special_room", "covered.avi", False),
    ],
}


def _lights_went_off(camera: Camera | None) -> None:
    """An event waiting for the district's review, with the frame the worker kept as evidence (the
    kitchen dark), as the console's 视频事件 shows it before the worker has run."""
    if camera is None:
        return
    ok, jpeg = cv2.imencode(".jpg", kitchen_frame(12, lights=0.06))
    services.record_status(
        camera.id, "dark", previous="online", evidence_jpeg=jpeg.tobytes() if ok else None, details={}
    )


def seed_cameras(users: dict) -> None:
    folder = context.settings().CAMERA_FILE_DIR
    if not folder or Camera.objects.count():
        return
    clips = ensure_clips(Path(folder))
    owners = {
        "如皋老张面馆": users["restaurant"],
        "上海市闵行区莘庄实验小学食堂": users["canteen"],
        "如皋市如城街道海阳社区集中办酒场所": users["venue"],
    }
    for business_name, cameras in PLAN.items():
        business = Business.objects(name=business_name).first()
        if business is None:
            continue
        regulator = User.objects.regulators_covering(business.district_code).first()
        for name, area, clip, shown in cameras:
            camera = services.add_camera(
                owners[business_name].id,
                business.id,
                {
                    "name": name,
                    "area": area,
                    "stream_url": f"file://{clips[clip].resolve()}",
                    "public": shown,
                    "staff_informed": True,
                    "signage": True,
                    "opens_at": "00:00",
                    "closes_at": "23:59",
                    "interval_seconds": 5,
                },
            )
            if shown and regulator is not None:
                Camera.objects(id=camera.id).update(
                    set__public_approved=True, set__approved_by=regulator.id, set__approved_at=utcnow()
                )
        if business_name == "如皋老张面馆":
            _lights_went_off(Camera.objects(business_id=business.id).order_by("created_at").first())
        services.publish_card(business.id)
