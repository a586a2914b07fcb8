"""The gate between FFmpeg and the cameras, against real servers on loopback: addresses checked at each
connection (a name that resolves elsewhere the second time is refused), redirects and playlists kept
to the camera's own host, RTSP redirects cut."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from video_worker.gate import Gate, Origin, Refused, rewrite_playlist


class Camera(BaseHTTPRequestHandler):
    """/stream: bytes; /here: redirect on the same host; /away: redirect to another host;
    /live.m3u8 and /bad.m3u8: playlists."""

    protocol_version = "HTTP/1.0"
    seen_hosts: list

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802
        self.seen_hosts.append(self.headers["Host"])
        port = self.server.server_port
        if self.path == "/here":
            return self._redirect("/stream")
        if self.path == "/away":
            return self._redirect(f"http://localhost:{port}/stream")
        if self.path == "/live.m3u8":
            return self._send(
                b'#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI="key.bin"\nseg1.ts\n/abs/seg2.ts\n',
                "application/vnd.apple.mpegurl",
            )
        if self.path == "/bad.m3u8":
            return self._send(b"#EXTM3U\nhttp://169.254.169.254/latest/meta-data\n", "application/vnd.apple.mpegurl")
        return self._send(b"kitchen frames", "video/mp2t")

    def _redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.end_headers()

    def _send(self, body, content_type):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def camera_server():
    handler = type("Handler", (Camera,), {"seen_hosts": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, handler.seen_hosts
    server.shutdown()
    server.server_close()


@pytest.fixture
def gate():
    gates = []

    def make(allow_private: bool) -> Gate:
        gates.append(Gate(allow_private=allow_private))
        return gates[-1]

    yield make
    for opened in gates:
        opened.close()


def test_a_stream_is_relayed_with_the_cameras_host_and_credentials(camera_server, gate):
    server, seen = camera_server
    local = gate(True).route(f"http://user:pw@127.0.0.1:{server.server_port}/stream")
    assert (
        local.startswith("http://user:pw@127.0.0.1:")
        and str(server.server_port) not in local.split("@")[1].split("/")[0]
    )
    response = requests.get(local, timeout=5)
    assert response.status_code == 200 and response.content == b"kitchen frames"
    assert seen == [f"127.0.0.1:{server.server_port}"]


def test_an_address_inside_our_networks_is_refused_at_connection(camera_server, gate, monkeypatch):
    """A name that resolved to a public address when the camera was registered and to a private one
    now (DNS rebinding) is refused: the gate resolves and checks at every connection."""
    server, seen = camera_server
    local = gate(False).route(f"http://camera.example:{server.server_port}/stream")
    real = socket.getaddrinfo
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, *args, **kwargs: real("127.0.0.1" if host == "camera.example" else host, *args, **kwargs),
    )
    assert requests.get(local, timeout=5).status_code == 403
    assert seen == []  # never connected


def test_redirects_stay_on_the_cameras_host(camera_server, gate):
    server, seen = camera_server
    opened = gate(True)
    here = requests.get(opened.route(f"http://127.0.0.1:{server.server_port}/here"), timeout=5)
    assert here.status_code == 200 and here.content == b"kitchen frames" and len(here.history) == 1
    assert here.history[0].headers["Location"].startswith("/")  # back through the gate
    away = requests.get(opened.route(f"http://127.0.0.1:{server.server_port}/away"), timeout=5, allow_redirects=False)
    assert away.status_code == 403
    assert seen == [f"127.0.0.1:{server.server_port}"] * 3  # /here, /stream, /away: nothing from localhost


def test_playlists_name_only_the_cameras_host(camera_server, gate):
    server, _seen = camera_server
    opened = gate(True)
    local = opened.route(f"http://127.0.0.1:{server.server_port}/live.m3u8")
    token = local.split("/")[3]
    playlist = requests.get(local, timeout=5).text.splitlines()
    assert playlist[1] == f'#EXT-X-KEY:METHOD=AES-128,URI="/{token}/key.bin"'
    assert playlist[2:] == [f"/{token}/seg1.ts", f"/{token}/abs/seg2.ts"]
    bad = opened.route(f"http://127.0.0.1:{server.server_port}/bad.m3u8")
    assert requests.get(bad, timeout=5).status_code == 403
    with pytest.raises(Refused):
        rewrite_playlist("#EXTM3U\nftp://cam/seg.ts\n", "http://cam/live.m3u8", Origin.of("http://cam/live.m3u8"), "/t")


def _rtsp_server(reply: bytes):
    """One connection: records the request head, answers `reply` and then some interleaved data."""
    listener = socket.create_server(("127.0.0.1", 0))
    received = []

    def serve():
        connection, _ = listener.accept()
        with connection:
            data = b""
            while b"\r\n\r\n" not in data:
                data += connection.recv(4096)
            received.append(data)
            connection.sendall(reply + b"$\x00\x00\x04abcd")
            connection.recv(1)

    threading.Thread(target=serve, daemon=True).start()
    return listener, received


def _ask(local: str) -> bytes:
    port = int(local.split(":")[2].split("/")[0])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        client.sendall(f"DESCRIBE {local} RTSP/1.0\r\nCSeq: 1\r\n\r\n".encode())
        answer = b""
        while True:
            chunk = client.recv(4096)
            if not chunk:
                return answer
            answer += chunk
            if answer.endswith(b"abcd"):
                return answer


def test_rtsp_is_relayed_with_the_cameras_address_and_redirects_are_cut(gate):
    opened = gate(True)
    listener, received = _rtsp_server(b"RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 3\r\n\r\nv=0")
    local = opened.route(f"rtsp://127.0.0.1:{listener.getsockname()[1]}/live")
    answer = _ask(local)
    assert answer.startswith(b"RTSP/1.0 200 OK") and answer.endswith(b"v=0$\x00\x00\x04abcd")
    assert received[0].startswith(f"DESCRIBE rtsp://127.0.0.1:{listener.getsockname()[1]}/live RTSP/1.0".encode())
    listener.close()

    listener, _ = _rtsp_server(b"RTSP/1.0 302 Moved\r\nCSeq: 1\r\nLocation: rtsp://10.0.0.1/live\r\n\r\n")
    answer = _ask(opened.route(f"rtsp://127.0.0.1:{listener.getsockname()[1]}/live"))
    assert b"302" not in answer and b"10.0.0.1" not in answer
    listener.close()
