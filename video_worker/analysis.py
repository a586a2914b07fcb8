"""What a sampled frame says about a kitchen camera: its status, how much moved, whether people are in
view, and the public copy of the snapshot (faces blurred, JPEG at most SNAPSHOT_MAX_BYTES).

Everything works on a small grey copy of the frame (ANALYSIS_WIDTH wide), so a sample costs a few
milliseconds whatever the camera's resolution. Statuses, most serious first:
- `dark`: the lights are off (mean brightness below DARK_MEAN);
- `covered`: a uniform frame (brightness varies less than COVERED_STD): a lens cap, tape, a wall;
- `frozen`: FROZEN_SAMPLES samples in a row with no pixel changing (a stuck encoder, a still image);
- `looped`: the last LOOP_RUN samples repeat an earlier run of samples in the history (perceptual
  hashes within LOOP_DISTANCE bits each): a recording played in a loop to cheat the camera;
- `blurred`: too little detail (variance of the Laplacian below BLUR_VARIANCE): defocus, a dirty lens;
- `moved`: the scene differs from the approved reference by more than MOVED_DISTANCE bits;
- `online`: none of these.
"""

from __future__ import annotations

import functools
from collections import deque
from dataclasses import dataclass

import cv2
import numpy as np

ANALYSIS_WIDTH = 320
DARK_MEAN = 28.0
COVERED_STD = 6.0
FROZEN_SAMPLES = 3
FROZEN_MAX_DIFF = 1  # grey levels: a live sensor is never this still
LOOP_RUN = 3
LOOP_DISTANCE = 6
HISTORY = 120
BLUR_VARIANCE = 20.0
MOVED_DISTANCE = 22
SNAPSHOT_WIDTH = 640
SNAPSHOT_MAX_BYTES = 100 * 1024


@dataclass(frozen=True)
class Observation:
    status: str
    phash: str
    brightness: float
    sharpness: float
    activity: float  # 0..1: the mean change since the previous sample
    faces: int


def small_grey(frame: np.ndarray) -> np.ndarray:
    height, width = frame.shape[:2]
    scale = ANALYSIS_WIDTH / width
    resized = cv2.resize(frame, (ANALYSIS_WIDTH, max(1, round(height * scale))), interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(resized, cv2.COLOR_BGR2GRAY) if resized.ndim == 3 else resized


def phash(grey: np.ndarray) -> int:
    """A 64-bit perceptual hash: the signs of the lowest 8×8 DCT frequencies against their median."""
    block = cv2.resize(grey, (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)
    low = cv2.dct(block)[:8, :8].flatten()
    bits = low > np.median(low[1:])
    return int("".join("1" if bit else "0" for bit in bits), 2)


def distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


class SceneTracker:
    """The memory one camera's analysis needs: the previous sample and a history of hashes."""

    def __init__(self, reference_hash: str | None = None):
        self.reference = int(reference_hash, 16) if reference_hash else None
        self.previous: np.ndarray | None = None
        self.still = 0
        self.hashes: deque[int] = deque(maxlen=HISTORY)

    def observe(self, frame: np.ndarray) -> Observation:
        grey = small_grey(frame)
        brightness, spread = float(grey.mean()), float(grey.std())
        sharpness = float(cv2.Laplacian(grey, cv2.CV_64F).var())
        activity = 0.0
        if self.previous is not None and self.previous.shape == grey.shape:
            difference = cv2.absdiff(grey, self.previous)
            activity = float(difference.mean()) / 255.0
            self.still = self.still + 1 if int(difference.max()) <= FROZEN_MAX_DIFF else 0
        else:
            self.still = 0
        self.previous = grey
        current = phash(grey)
        looped = self._looped(current)
        self.hashes.append(current)
        if brightness < DARK_MEAN:
            status = "dark"
        elif spread < COVERED_STD:
            status = "covered"
        elif self.still >= FROZEN_SAMPLES - 1:
            status = "frozen"
        elif looped:
            status = "looped"
        elif sharpness < BLUR_VARIANCE:
            status = "blurred"
        elif self.reference is not None and distance(self.reference, current) > MOVED_DISTANCE:
            status = "moved"
        else:
            status = "online"
        return Observation(status, f"{current:016x}", brightness, sharpness, activity, 0)

    def _looped(self, current: int) -> bool:
        """Whether the last LOOP_RUN - 1 hashes and this one repeat an earlier run, which must itself
        change (a still scene repeats trivially: that is `frozen`)."""
        recent = [*list(self.hashes)[-(LOOP_RUN - 1) :], current]
        if len(self.hashes) < LOOP_RUN * 2 - 1 or len(recent) < LOOP_RUN:
            return False
        if all(distance(recent[0], h) <= LOOP_DISTANCE for h in recent[1:]):
            return False
        history = list(self.hashes)[: -(LOOP_RUN - 1)]
        for start in range(len(history) - LOOP_RUN + 1):
            if all(distance(history[start + i], recent[i]) <= LOOP_DISTANCE for i in range(LOOP_RUN)):
                return True
        return False


@functools.cache
def _face_detector():
    path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
    detector = cv2.CascadeClassifier(path)
    if detector.empty():
        raise RuntimeError(f"cannot load the face cascade at {path}")
    return detector


def faces(frame: np.ndarray) -> list[tuple[int, int, int, int]]:
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) if frame.ndim == 3 else frame
    found = _face_detector().detectMultiScale(grey, scaleFactor=1.1, minNeighbors=4, minSize=(24, 24))
    return [tuple(int(v) for v in box) for box in found]


def blur_faces(frame: np.ndarray) -> tuple[np.ndarray, int]:
    """A copy with every detected face blurred beyond recognition (with a margin around it)."""
    out = frame.copy()
    boxes = faces(frame)
    height, width = out.shape[:2]
    for x, y, w, h in boxes:
        margin_x, margin_y = w // 4, h // 4
        x0, y0 = max(0, x - margin_x), max(0, y - margin_y)
        x1, y1 = min(width, x + w + margin_x), min(height, y + h + margin_y)
        region = out[y0:y1, x0:x1]
        # a 5×5 mosaic, softened: nothing of the features is left to recognise (or to detect again)
        mosaic = cv2.resize(region, (5, 5), interpolation=cv2.INTER_AREA)
        mosaic = cv2.resize(mosaic, (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST)
        out[y0:y1, x0:x1] = cv2.GaussianBlur(mosaic, (0, 0), sigmaX=max(2.0, (x1 - x0) / 12))
    return out, len(boxes)


def snapshot_size(frame: np.ndarray) -> np.ndarray:
    """The frame at SNAPSHOT_WIDTH at most: what snapshots keep, and where faces are looked for."""
    height, width = frame.shape[:2]
    if width <= SNAPSHOT_WIDTH:
        return frame
    return cv2.resize(frame, (SNAPSHOT_WIDTH, round(height * SNAPSHOT_WIDTH / width)), interpolation=cv2.INTER_AREA)


def snapshot_jpeg(frame: np.ndarray, *, max_bytes: int = SNAPSHOT_MAX_BYTES) -> bytes:
    """Resized to SNAPSHOT_WIDTH at most and encoded with the best quality that fits `max_bytes`."""
    frame = snapshot_size(frame)
    for quality in (85, 75, 65, 50, 35, 20):
        ok, encoded = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if ok and len(encoded) <= max_bytes:
            return encoded.tobytes()
    smaller = cv2.resize(frame, (frame.shape[1] // 2, frame.shape[0] // 2), interpolation=cv2.INTER_AREA)
    return snapshot_jpeg(smaller, max_bytes=max_bytes)
