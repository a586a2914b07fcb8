"""The worker's own metrics (Prometheus text) and health endpoint, on VIDEO_METRICS_PORT."""

from __future__ import annotations

import json
import threading
import time
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, Counter, Gauge, make_wsgi_app


class Metrics:
    def __init__(self):
        self.registry = CollectorRegistry()
        self.samples = Counter("video_samples_total", "Frames sampled", registry=self.registry)
        self.failures = Counter("video_sample_failures_total", "Samples with no frame to take", registry=self.registry)
        self.reconnects = Counter("video_reconnects_total", "Stream reconnects", registry=self.registry)
        self.cameras = Gauge("video_cameras", "Cameras this worker holds", registry=self.registry)
        self.age = Gauge(
            "video_last_sample_age_seconds",
            "Seconds since the camera's last sample",
            ["camera"],
            registry=self.registry,
        )
        self.status = Gauge(
            "video_camera_status", "1 for the camera's current status", ["camera", "status"], registry=self.registry
        )
        self.started = time.monotonic()
        self.healthy = True
        self._current: dict[str, str] = {}

    def set_status(self, camera: str, status: str) -> None:
        previous = self._current.get(camera)
        if previous and previous != status:
            self.status.remove(camera, previous)
        self._current[camera] = status
        self.status.labels(camera, status).set(1)

    def forget(self, camera: str) -> None:
        previous = self._current.pop(camera, None)
        if previous:
            self.status.remove(camera, previous)
        try:
            self.age.remove(camera)
        except KeyError:
            pass


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):  # access logs would drown the worker's own
        pass


def serve(metrics: Metrics, port: int, host: str = "127.0.0.1", health=lambda: {}) -> WSGIServer:
    """/metrics (Prometheus text) and /healthz (JSON) in a daemon thread."""
    prometheus = make_wsgi_app(metrics.registry)

    def app(environ, start_response):
        if environ.get("PATH_INFO") == "/healthz":
            body = json.dumps(
                {"ok": metrics.healthy, "uptime_seconds": round(time.monotonic() - metrics.started), **health()}
            )
            start_response(
                "200 OK" if metrics.healthy else "503 Service Unavailable", [("Content-Type", "application/json")]
            )
            return [body.encode()]
        return prometheus(environ, start_response)

    server = make_server(host, port, app, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server
