"""One camera, sampled every `interval_seconds` in its own thread: the latest frame is analysed, its
snapshots go to Redis, and a change of status or a notable scene is recorded with evidence. A camera
whose stream gave no frame for OFFLINE_AFTER intervals is `offline`, whatever its reader is stuck in."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from backend.cameras import services, snapshots
from backend.cameras.models import OFFLINE
from backend.core import context
from backend.core.timeutil import SHANGHAI
from video_worker import analysis
from video_worker.capture import StreamReader
from video_worker.detectors import Detector
from video_worker.gate import Gate
from video_worker.metrics import Metrics

log = logging.getLogger(__name__)
OFFLINE_AFTER = 1.5  # intervals without a frame
WATCH_FRACTION = 0.25  # of an interval, between two looks for silence
SAMPLE_WAIT = 5.0  # seconds a sample waits for its frame at most: a GOP of keyframe-only decoding


@dataclass(frozen=True)
class CameraConfig:
    id: str
    url: str
    interval: float
    opens_at: str
    closes_at: str
    reference_hash: str | None
    status: str

    @classmethod
    def of(cls, camera) -> CameraConfig:
        return cls(
            id=str(camera.id),
            url=services.connection_url(camera),
            interval=float(camera.interval_seconds),
            opens_at=camera.opens_at,
            closes_at=camera.closes_at,
            reference_hash=camera.reference_hash,
            status=camera.status,
        )


class StatusHold:
    """A status seen in a sample becomes the camera's only once it holds for `samples` samples in a row:
    a stream that flips online ↔ looped at every sample (the demo clips did, 45 times in 23 minutes)
    must not flood the review queue, the audit chain and the wall with events."""

    def __init__(self, current: str, samples: int):
        self.current, self.samples = current, samples
        self._candidate: str | None = None
        self._seen = 0

    def observe(self, status: str) -> str | None:
        """The new status to record, or None while it has not held long enough (or is no change)."""
        if status == self.current:
            self._candidate, self._seen = None, 0
            return None
        if status != self._candidate:
            self._candidate, self._seen = status, 0
        self._seen += 1
        if self._seen < self.samples:
            return None
        self.settle(status)
        return status

    def settle(self, status: str) -> None:
        """The camera's status is now `status` (also when silence made it offline, outside the samples)."""
        self.current, self._candidate, self._seen = status, None, 0


def within_hours(opens_at: str, closes_at: str, moment: datetime) -> bool:
    now = moment.astimezone(SHANGHAI).strftime("%H:%M")
    if opens_at <= closes_at:
        return opens_at <= now < closes_at
    return now >= opens_at or now < closes_at  # open across midnight


class CameraSampler:
    def __init__(
        self,
        config: CameraConfig,
        *,
        runtime,
        worker_id: str,
        metrics: Metrics,
        detectors: list[Detector] = (),
        gate: Gate | None = None,
    ):
        self.config, self.runtime, self.worker_id = config, runtime, worker_id
        self.metrics, self.detectors = metrics, list(detectors)
        self.status = config.status
        self.hold = StatusHold(config.status, runtime.settings.CAMERA_STATUS_HOLD)
        self.tracker = analysis.SceneTracker(config.reference_hash)
        self.last_sample = 0.0  # monotonic
        self.gate = gate
        self.opened_url = gate.route(config.url) if gate is not None else config.url
        self.reader = StreamReader(self.opened_url, name=config.id, on_reconnect=metrics.reconnects.inc)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"camera-{config.id}", daemon=True)
        self.started = time.monotonic()

    def start(self) -> CameraSampler:
        self.reader.start()
        self._thread.start()
        return self

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        self.reader.stop(timeout)
        self._thread.join(timeout)
        if self.gate is not None:
            self.gate.release(self.opened_url)

    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        """Samples every interval; between samples, watches for silence often enough that a stream that
        stops is `offline` within OFFLINE_AFTER + WATCH_FRACTION intervals (under two)."""
        with context.use(self.runtime):
            interval = self.config.interval
            next_at = time.monotonic()
            while not self._stop.is_set():
                now = time.monotonic()
                try:
                    if now >= next_at:
                        next_at = max(next_at + interval, now)
                        self._sample(interval)
                    else:
                        self._watch(interval)
                except Exception:  # a Redis or MongoDB hiccup: this sample is lost, not the camera
                    log.exception("camera sample failed", extra={"camera": self.config.id})
                self._stop.wait(max(0.0, min(next_at - time.monotonic(), WATCH_FRACTION * interval, 1.0)))

    def _silence(self) -> float:
        return time.monotonic() - max(self.reader.last_grab, self.started)

    def _watch(self, interval: float) -> None:
        silence = self._silence()
        if silence > OFFLINE_AFTER * interval and self.status != OFFLINE:
            details = {"seconds_without_frames": round(silence, 1), "problem": self.reader.problem}
            self._change(OFFLINE, evidence=None, details=details)
            snapshots.set_status(services.binary_redis(), self.config.id, OFFLINE)

    def _sample(self, interval: float) -> None:
        # a stream silent for a whole interval will not deliver within the wait: do not block on it
        wait = 0.0 if self._silence() > interval else min(interval * 0.8, SAMPLE_WAIT)
        frame = self.reader.sample(wait=wait)
        if frame is None:
            self.metrics.failures.inc()
            self._watch(interval)
            return
        self.process(frame)

    def process(self, frame) -> analysis.Observation:
        observation = self.tracker.observe(frame)
        small = analysis.snapshot_size(frame)
        public, faces = analysis.blur_faces(small)
        full_jpeg, public_jpeg = analysis.snapshot_jpeg(small), analysis.snapshot_jpeg(public)
        captured = time.time()
        snapshots.store(
            services.binary_redis(),
            self.config.id,
            public_jpeg=public_jpeg,
            full_jpeg=full_jpeg,
            meta={
                "captured_at": captured,
                "status": observation.status,
                "activity": round(observation.activity, 4),
                "phash": observation.phash,
                "worker": self.worker_id,
                "faces": faces,
            },
        )
        self.last_sample = time.monotonic()
        self.metrics.samples.inc()
        self.metrics.age.labels(self.config.id).set(0)
        if self.hold.observe(observation.status) is not None:
            self._change(
                observation.status,
                evidence=full_jpeg,
                shown=public_jpeg,
                details={
                    "brightness": round(observation.brightness, 1),
                    "sharpness": round(observation.sharpness, 1),
                    "activity": round(observation.activity, 4),
                },
            )
        moment = datetime.fromtimestamp(captured, SHANGHAI)
        if faces and not within_hours(self.config.opens_at, self.config.closes_at, moment):
            services.record_scene(
                self.config.id,
                "people_after_hours",
                evidence_jpeg=full_jpeg,
                shown_jpeg=public_jpeg,
                score=None,
                details={"faces": faces},
                bucket=moment.strftime("%Y%m%d%H"),
            )
        for detector in self.detectors:
            for finding in detector.detect(frame):
                services.record_scene(
                    self.config.id,
                    finding.label,
                    evidence_jpeg=full_jpeg,
                    shown_jpeg=public_jpeg,
                    score=finding.score,
                    details={"detector": detector.name},
                    bucket=moment.strftime("%Y%m%d%H"),
                )
        return observation

    def _change(self, status: str, *, evidence: bytes | None, details: dict, shown: bytes | None = None) -> None:
        previous, self.status = self.status, status
        self.hold.settle(status)
        self.metrics.set_status(self.config.id, status)
        services.record_status(
            self.config.id, status, previous=previous, evidence_jpeg=evidence, shown_jpeg=shown, details=details
        )
        log.info("camera status", extra={"camera": self.config.id, "status": status, "previous": previous})
