"""The video worker: any number of processes on any hosts share the enabled cameras through Redis
leases, each holding at most VIDEO_MAX_CAMERAS.

A lease is `cam:lease:<camera>` = the worker's id, set with NX and an expiry of VIDEO_LEASE_SECONDS.
Every tick (a third of the lease) a worker renews its own leases (compare-and-expire: a lease that
has passed to someone else is dropped with its sampler) and claims free cameras. A worker killed with
SIGKILL renews nothing, so its cameras are free, and claimed, within one lease period; SIGTERM stops
the samplers, deletes its own leases (compare-and-delete) and exits.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import socket
import threading
import time
import uuid

from backend.cameras import services
from backend.core import context
from video_worker import capture
from video_worker.detectors import Detector
from video_worker.gate import Gate
from video_worker.metrics import Metrics, serve
from video_worker.sampler import CameraConfig, CameraSampler

log = logging.getLogger(__name__)

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('expire', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
REFRESH_TICKS = 10  # re-read the cameras' settings every this many ticks


def lease_key(camera_id: str) -> str:
    return f"cam:lease:{camera_id}"


def _turns(cameras) -> dict[str, int]:
    """Each camera's place among its business's cameras (1 for the first), in the given order."""
    seen: dict = {}
    turns = {}
    for camera in cameras:
        seen[camera.business_id] = seen.get(camera.business_id, 0) + 1
        turns[str(camera.id)] = seen[camera.business_id]
    return turns


class Worker:
    def __init__(
        self,
        runtime: context.Runtime,
        *,
        worker_id: str | None = None,
        max_cameras: int | None = None,
        lease_seconds: int | None = None,
        detectors: list[Detector] = (),
    ):
        settings = runtime.settings
        self.runtime = runtime
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.max_cameras = max_cameras or settings.VIDEO_MAX_CAMERAS
        self.lease_seconds = lease_seconds or settings.VIDEO_LEASE_SECONDS
        self.detectors = list(detectors)
        self.metrics = Metrics()
        self.samplers: dict[str, CameraSampler] = {}
        self._stop = threading.Event()
        self._release_on_exit = True
        self._ticks = 0
        redis = runtime.stores.redis
        # every connection to a camera goes through the gate: checked, pinned, no redirect elsewhere
        self.gate = Gate(allow_private=settings.CAMERA_ALLOW_PRIVATE_ADDRESSES)
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)
        capture.configure()

    @property
    def tick_seconds(self) -> float:
        return self.lease_seconds / 3

    def tick(self) -> None:
        """Renew, drop what was lost, claim free cameras up to the limit, watch ages."""
        with context.use(self.runtime):
            redis = self.runtime.stores.redis
            self._renew_leases(redis)
            cameras = {str(camera.id): camera for camera in services.worker_cameras()}
            for camera_id in [c for c in self.samplers if c not in cameras]:  # disabled or deleted
                self._drop(camera_id, release=True)
            if self._ticks % REFRESH_TICKS == 0:
                self._refresh(cameras)
            free = [camera_id for camera_id in cameras if camera_id not in self.samplers]
            random.shuffle(free)  # workers starting together do not all race for the same cameras
            turns = _turns(cameras.values())
            free.sort(key=turns.get)  # fair: every business's first camera before any business's second
            for camera_id in free:
                if len(self.samplers) >= self.max_cameras:
                    # full: a camera further down its business's list makes room for one further up
                    # (a business that floods the workers cannot keep another's first camera waiting)
                    held = max(self.samplers, key=lambda held_id: turns.get(held_id, 0))
                    same_business = held in cameras and cameras[held].business_id == cameras[camera_id].business_id
                    if same_business or turns.get(held, 0) <= turns[camera_id] or redis.exists(lease_key(camera_id)):
                        continue
                    self._drop(held, release=True)
                if redis.set(lease_key(camera_id), self.worker_id, nx=True, ex=self.lease_seconds):
                    self._start(cameras[camera_id])
            now = time.monotonic()
            for camera_id, sampler in self.samplers.items():
                last = sampler.last_sample or sampler.started
                self.metrics.age.labels(camera_id).set(round(now - last, 1))
            self.metrics.cameras.set(len(self.samplers))
            self._ticks += 1

    def _renew_leases(self, redis) -> None:
        for camera_id in list(self.samplers):
            if not self._renew(keys=[lease_key(camera_id)], args=[self.worker_id, self.lease_seconds]):
                log.warning("camera lease lost", extra={"camera": camera_id, "worker": self.worker_id})
                self._drop(camera_id, release=False)

    def _refresh(self, cameras: dict) -> None:
        """A camera whose stream or interval changed is restarted with its new settings."""
        for camera_id, sampler in list(self.samplers.items()):
            camera = cameras.get(camera_id)
            if camera is None:
                continue
            fresh = CameraConfig.of(camera)
            if (fresh.url, fresh.interval, fresh.opens_at, fresh.closes_at, fresh.reference_hash) != (
                sampler.config.url,
                sampler.config.interval,
                sampler.config.opens_at,
                sampler.config.closes_at,
                sampler.config.reference_hash,
            ):
                sampler.stop()
                self.samplers[camera_id] = self._sampler(camera).start()

    def _sampler(self, camera) -> CameraSampler:
        return CameraSampler(
            CameraConfig.of(camera),
            runtime=self.runtime,
            worker_id=self.worker_id,
            metrics=self.metrics,
            detectors=self.detectors,
            gate=self.gate,
        )

    def _start(self, camera) -> None:
        self.samplers[str(camera.id)] = self._sampler(camera).start()
        log.info("camera claimed", extra={"camera": str(camera.id), "worker": self.worker_id})

    def _drop(self, camera_id: str, *, release: bool) -> None:
        sampler = self.samplers.pop(camera_id, None)
        if sampler is not None:
            sampler.stop()
        self.metrics.forget(camera_id)
        if release:
            self._release(keys=[lease_key(camera_id)], args=[self.worker_id])

    def run(self) -> None:
        """Until SIGTERM or SIGINT (or `stop()`); then stops the samplers and releases the leases."""
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: self._stop.set())
        log.info("video worker started", extra={"worker": self.worker_id, "max_cameras": self.max_cameras})
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                self.tick()
                self.metrics.healthy = True
            except Exception:  # Redis or MongoDB away: keep the samplers, try again
                self.metrics.healthy = False
                log.exception("video worker tick failed")
            self._stop.wait(max(0.0, self.tick_seconds - (time.monotonic() - started)))
        self.shutdown()

    def stop(self, *, release: bool = True) -> None:
        """End `run()`. `release=False` leaves the leases to expire, as a killed worker does (drills)."""
        self._release_on_exit = release
        self._stop.set()

    def shutdown(self) -> None:
        with context.use(self.runtime):
            for camera_id in list(self.samplers):
                self._drop(camera_id, release=self._release_on_exit)
        self.gate.close()
        log.info("video worker stopped", extra={"worker": self.worker_id})

    def health(self) -> dict:
        return {"worker": self.worker_id, "cameras": len(self.samplers)}


def main(argv: list[str] | None = None) -> int:
    """`python -m video_worker [--model PATH ...]`: sample cameras until SIGTERM."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m video_worker")
    parser.add_argument("--model", action="append", default=[], help="an ONNX scene detector (repeatable)")
    parser.add_argument("--max-cameras", type=int, help="cameras this process samples at most")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    runtime = context.from_environment()
    if runtime.settings.embedded_mongo or runtime.settings.embedded_redis:
        log.error(
            "MONGODB_URI is not set: a separate worker cannot see the web process's in-memory data. "
            "The embedded run samples its demo camera itself; set MONGODB_URI and REDIS_URL to run workers."
        )
        return 2
    from video_worker.detectors import load

    worker = Worker(runtime, max_cameras=arguments.max_cameras, detectors=load(arguments.model))
    if runtime.settings.VIDEO_METRICS_PORT:
        serve(worker.metrics, runtime.settings.VIDEO_METRICS_PORT, health=worker.health)
    worker.run()
    return 0
