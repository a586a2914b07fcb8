"""Reading one camera's stream with OpenCV's FFmpeg backend, designed around its traps:

- `open()` is serialised across the process unless OPENCV_FFMPEG_IS_THREAD_SAFE=1, so one hung
  camera would delay every other: `configure()` sets it before the first capture opens.
- Open and read timeouts apply only when passed to `open()`; a stalled stream then blocks for about
  three read timeouts, after which `grab()` fails while `isOpened()` still says True: the reader
  releases and reopens on the first failed grab.
- The backend buffers, so a frame read after a pause is seconds old: the reader grabs continuously
  and decodes (`retrieve`) only the first frame it grabs after a sample is asked for; with
  `avdiscard;nonkey` only keyframes are decoded at all (0.5% of a core per 720p camera against 4.2%
  for every frame, measured), so a sample waits at most one GOP for its frame. The capture object is
  touched by the reader's thread alone.
- RTSP over TCP. Reconnects back off exponentially (capped, with jitter).
- Files (demo clips) are read at their own frame rate and looped, as a live camera would be.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

OPEN_TIMEOUT_MS = 10000
# Longer than any keyframe interval: with keyframe-only decoding one grab waits for the next keyframe,
# and cameras send one every 1-4 s (measured: GOP 2 s, the first grab after opening took 3.2 s). A
# stalled stream is `offline` by the sampler's clock long before this ends the grab.
READ_TIMEOUT_MS = 10000
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 30.0
MAX_FRAME_PIXELS = 7680 * 4320  # 8K: a larger frame (a 16K one is 400 MB decoded) is refused unread
CAPTURE_OPTIONS = "rtsp_transport;tcp|avdiscard;nonkey"


def configure() -> None:
    """Before any capture opens (the backend reads these when it opens a stream)."""
    os.environ["OPENCV_FFMPEG_IS_THREAD_SAFE"] = "1"
    os.environ.setdefault("OPENCV_FFMPEG_CAPTURE_OPTIONS", CAPTURE_OPTIONS)
    # a camera that is away is expected: the worker logs it once, not OpenCV and FFmpeg at every try
    os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    import cv2

    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)


def backoff(attempt: int) -> float:
    """Seconds before reconnect number `attempt` (1, 2, …): doubling, capped, with full jitter so that
    cameras that fell together do not come back together."""
    ceiling = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, attempt - 1))
    return random.uniform(ceiling / 2, ceiling)


class StreamReader:
    """Keeps one stream open in its own thread, grabbing continuously; `sample()` decodes the latest
    grabbed frame. `on_frame_failure` is told of every reconnect."""

    def __init__(self, url: str, *, name: str, on_reconnect: Callable[[], None] | None = None):
        import cv2

        self.cv2 = cv2
        self.url, self.name = url, name
        self.is_file = urlsplit(url).scheme in ("file", "")
        self.on_reconnect = on_reconnect or (lambda: None)
        self.last_grab = 0.0  # monotonic time of the last good grab
        self.reconnects = 0
        self.problem: str | None = None  # why the stream is refused, when it is
        self._stop = threading.Event()
        self._wanted = False  # a sample asked for the next grabbed frame
        self._frame = None
        self._delivered = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"reader-{name}", daemon=True)

    def start(self) -> StreamReader:
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self._thread.join(timeout)  # a grab stuck in a stalled stream ends within its read timeout

    def _open(self):
        cv2 = self.cv2
        source = urlsplit(self.url).path if self.is_file else self.url
        params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, OPEN_TIMEOUT_MS, cv2.CAP_PROP_READ_TIMEOUT_MSEC, READ_TIMEOUT_MS]
        capture = cv2.VideoCapture(source, cv2.CAP_FFMPEG, params)
        if not capture.isOpened():
            capture.release()
            self.problem = "the stream does not open"
            return None
        width, height = capture.get(cv2.CAP_PROP_FRAME_WIDTH), capture.get(cv2.CAP_PROP_FRAME_HEIGHT)
        if width * height > MAX_FRAME_PIXELS:
            capture.release()
            self.problem = f"frames of {int(width)}×{int(height)} are larger than 8K"
            return None
        self.problem = None
        return capture

    def _run(self) -> None:
        attempt = 0
        while not self._stop.is_set():
            capture = self._open()
            if capture is None:
                attempt += 1
                self._stop.wait(backoff(attempt))
                continue
            fps = capture.get(self.cv2.CAP_PROP_FPS) or 25.0
            pace = 1.0 / min(max(fps, 1.0), 60.0) if self.is_file else 0.0
            while not self._stop.is_set():
                ok = capture.grab()
                if not ok and self.is_file:  # the end of a demo clip: loop it
                    capture.set(self.cv2.CAP_PROP_POS_FRAMES, 0)
                    ok = capture.grab()
                if not ok:
                    break
                attempt = 0
                self.last_grab = time.monotonic()
                if self._wanted:
                    self._wanted = False
                    decoded, frame = capture.retrieve()
                    if decoded:
                        self._frame = frame
                        self._delivered.set()
                if pace:
                    self._stop.wait(pace)
            capture.release()
            if self._stop.is_set():
                return
            self.reconnects += 1
            self.on_reconnect()
            attempt += 1
            self._stop.wait(backoff(attempt))

    def sample(self, wait: float):
        """The first frame grabbed after this call, decoded; None when none came within `wait` seconds
        (a stream that is down, or stalled: the caller decides when that makes it offline)."""
        self._delivered.clear()
        self._frame = None
        self._wanted = True
        if not self._delivered.wait(wait):
            self._wanted = False
            return None
        frame, self._frame = self._frame, None
        return frame
