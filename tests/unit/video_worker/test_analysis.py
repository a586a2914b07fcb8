"""Statuses from frames: dark, covered, frozen, looped, blurred, moved, online; faces blurred in the
public copy; snapshots within their size."""

import cv2
import numpy as np

from tests.video import kitchen, photo
from video_worker import analysis


def statuses(frames, reference=None) -> list[str]:
    tracker = analysis.SceneTracker(reference)
    return [tracker.observe(frame).status for frame in frames]


def test_a_live_scene_is_online_with_activity():
    tracker = analysis.SceneTracker()
    observed = [tracker.observe(kitchen(step)) for step in range(6)]
    assert {o.status for o in observed} == {"online"}
    assert observed[-1].activity > 0.001


def test_lights_off_is_dark_and_a_uniform_frame_is_covered():
    assert statuses([(kitchen(1) * 0.07).astype(np.uint8)]) == ["dark"]
    assert statuses([np.full((360, 640, 3), 150, np.uint8)]) == ["covered"]


def test_identical_samples_are_frozen():
    frame = kitchen(3)
    assert statuses([frame, frame.copy(), frame.copy(), frame.copy()]) == ["online", "online", "frozen", "frozen"]


def test_a_repeating_sequence_is_looped():
    scenes = [photo(name) for name in ("coffee", "chelsea", "astronaut", "rocket", "camera")]
    # five different scenes, then the same five again: the second pass repeats the first
    seen = statuses(scenes + scenes)
    assert "looped" not in seen[:5] and seen[-1] == "looped"


def test_a_defocused_lens_is_blurred():
    frames = [cv2.GaussianBlur(kitchen(step), (0, 0), 6) for step in range(3)]
    assert statuses(frames)[-1] == "blurred"


def test_a_scene_unlike_the_approved_one_is_moved():
    reference = analysis.SceneTracker().observe(photo("coffee")).phash
    assert statuses([kitchen(1)], reference) == ["online"]
    assert statuses([cv2.flip(photo("rocket"), 1)], reference) == ["moved"]


def overlap(a, b) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    width, height = min(ax + aw, bx + bw) - max(ax, bx), min(ay + ah, by + bh) - max(ay, by)
    inter = max(0, width) * max(0, height)
    return inter / (aw * ah + bw * bh - inter)


def test_faces_are_blurred_in_the_public_copy():
    frame = cv2.resize(photo("astronaut"), (640, 640))
    (face,) = analysis.faces(frame)
    public, blurred = analysis.blur_faces(frame)
    assert blurred == 1
    # the face is no longer found where it was, and its detail is gone
    assert all(overlap(face, found) < 0.3 for found in analysis.faces(public))
    x, y, w, h = face

    def detail(image):
        return cv2.Laplacian(cv2.cvtColor(image[y : y + h, x : x + w], cv2.COLOR_BGR2GRAY), cv2.CV_64F).var()

    assert detail(public) < detail(frame) / 20


def test_snapshots_fit_their_size_whatever_the_frame():
    noisy = np.random.default_rng(1).integers(0, 255, (2160, 3840, 3), dtype=np.uint8)  # 4K of pure noise
    jpeg = analysis.snapshot_jpeg(noisy)
    assert len(jpeg) <= analysis.SNAPSHOT_MAX_BYTES
    decoded = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert decoded.shape[1] <= analysis.SNAPSHOT_WIDTH


def test_a_status_becomes_the_cameras_only_when_it_holds():
    from video_worker.sampler import StatusHold

    hold = StatusHold("online", samples=2)
    flapping = [hold.observe(s) for s in ("looped", "online", "looped", "online", "looped", "online")]
    assert flapping == [None] * 6  # 45 flips in 23 minutes were 45 events; now none
    assert [hold.observe(s) for s in ("dark", "dark", "dark")] == [None, "dark", None]
    hold.settle("offline")  # silence decided it, between samples
    assert [hold.observe(s) for s in ("online", "online")] == [None, "online"]
    assert StatusHold("pending", samples=1).observe("online") == "online"
