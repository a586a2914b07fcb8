"""The worker's Prometheus text and health endpoint, over HTTP."""

import requests

from tests.video import free_port
from video_worker.metrics import Metrics, serve


def test_metrics_and_health_are_served():
    metrics = Metrics()
    port = free_port()
    server = serve(metrics, port, health=lambda: {"cameras": 2})
    try:
        metrics.samples.inc(3)
        metrics.set_status("cam1", "online")
        metrics.set_status("cam1", "offline")
        metrics.age.labels("cam1").set(4.5)
        text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        assert "video_samples_total 3.0" in text
        assert 'video_camera_status{camera="cam1",status="offline"} 1.0' in text
        assert 'status="online"' not in text  # a camera has one status at a time
        assert 'video_last_sample_age_seconds{camera="cam1"} 4.5' in text
        health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        assert health.status_code == 200 and health.json()["cameras"] == 2
        metrics.healthy = False
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 503
        metrics.forget("cam1")
        assert "cam1" not in requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    finally:
        server.shutdown()
        server.server_close()
