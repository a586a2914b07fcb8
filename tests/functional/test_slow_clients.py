"""Slow clients (headers or a body one byte at a time) against the documented deployment: gunicorn
behind the shipped nginx configuration. Without nginx a handful of such sockets takes every gunicorn
thread; with it, everyone else is still served at once."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from string import Template

import pytest
import requests

from backend.devtools.processes import free_port
from tests.support import eventually

ROOT = Path(__file__).resolve().parents[2]
THREADS = 2
SLOW_SOCKETS = 8  # four times gunicorn's threads


def wait_for_port(port: int, process: subprocess.Popen, what: str) -> None:
    def listening() -> bool:
        assert process.poll() is None, f"{what} exited with {process.returncode}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            return False

    eventually(listening, 30, f"{what} listens on {port}")


@pytest.fixture
def gunicorn(redis_server, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "APP_ENV": "test",
        "REDIS_URL": redis_server.url,
        "SECRET_KEY": "s" * 48,
        "TRUSTED_PROXIES": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "BLOB_DIR": str(tmp_path / "blobs"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("MONGODB_URI", None)  # embedded store: one process
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "1",
            "-k",
            "gthread",
            "--threads",
            str(THREADS),
            "--timeout",
            "60",
            "-b",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, process, "gunicorn")
    yield port
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def nginx(gunicorn):
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    run_dir = tempfile.mkdtemp(prefix="sfs-nginx-")
    os.chmod(run_dir, 0o755)  # its workers may run as another user
    port = free_port()
    config = Template((ROOT / "scripts/deploy/nginx.conf").read_text()).safe_substitute(
        SFS_LISTEN=f"127.0.0.1:{port}", SFS_UPSTREAM=f"127.0.0.1:{gunicorn}", SFS_RUN_DIR=run_dir
    )
    config = config.replace("worker_processes auto;", "worker_processes 1;")
    path = Path(run_dir) / "nginx.conf"
    path.write_text(config)
    process = subprocess.Popen(
        [binary, "-p", run_dir, "-c", str(path), "-e", f"{run_dir}/error.log", "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, process, "nginx")
    yield port
    process.terminate()
    process.wait(timeout=30)
    shutil.rmtree(run_dir, ignore_errors=True)


def open_slow_sockets(port: int) -> list[socket.socket]:
    """Half the sockets stop in the middle of their headers, half in the middle of a body."""
    sockets = []
    for i in range(SLOW_SOCKETS):
        sock = socket.create_connection(("127.0.0.1", port))
        if i % 2:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: slow\r\nX-Slow: ")
        else:
            sock.sendall(
                b"POST /api/v1/auth/token HTTP/1.1\r\nHost: slow\r\nContent-Type: application/json\r\n"
                b"Content-Length: 1000\r\n\r\n{"
            )
        sockets.append(sock)
    return sockets


def test_slow_clients_do_not_starve_anyone_behind_nginx(nginx):
    slow = open_slow_sockets(nginx)
    try:
        started = time.monotonic()
        assert requests.get(f"http://127.0.0.1:{nginx}/healthz", timeout=5).status_code == 200
        signed_in = requests.post(
            f"http://127.0.0.1:{nginx}/api/v1/auth/token", timeout=5, json={"username": "nobody", "password": "x" * 12}
        )
        assert signed_in.status_code == 401  # a real answer from the app, through the proxy
        assert time.monotonic() - started < 5
    finally:
        for sock in slow:
            sock.close()


def test_gunicorn_alone_is_starved_by_the_same_clients(gunicorn):
    """What the proxy is for: the same sockets straight at gunicorn hold all its threads."""
    slow = open_slow_sockets(gunicorn)
    try:
        with pytest.raises(requests.exceptions.ReadTimeout):
            requests.get(f"http://127.0.0.1:{gunicorn}/healthz", timeout=3)
    finally:
        for sock in slow:
            sock.close()


def test_nginx_lets_a_result_file_through_and_caps_every_other_body(nginx):
    """Imports may be 64 MB (IMPORT_MAX_BYTES); everything else stops at 12 MB at nginx."""
    body = b"x" * (20 * 1024 * 1024)
    other = requests.post(f"http://127.0.0.1:{nginx}/api/v1/public/complaints", data=body, timeout=30)
    assert other.status_code == 413 and "nginx" in other.text
    upload = requests.post(f"http://127.0.0.1:{nginx}/api/v1/console/sampling/imports", data=body, timeout=30)
    assert upload.status_code != 413 and upload.json()["error"]  # reached the platform, which answers in its shape
