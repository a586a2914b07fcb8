"""Helpers the tests share: a real redis-server process, a real HTTP server and a TCP proxy on loopback."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from werkzeug.serving import make_server

from backend.devtools.mongo_commands import MongoCommandCounter  # noqa: F401  (tests import it from here)
from backend.devtools.processes import RedisServer, free_port  # noqa: F401  (tests import them from here)

TEST_SECRET = "test-secret-" + "x" * 40

_T = TypeVar("_T")


def eventually(check: Callable[[], _T], timeout: float, what: str, *, every: float = 0.05) -> _T:
    """Poll `check` until it returns something truthy (returned) or `timeout` seconds pass (an
    AssertionError naming `what`). The one way tests wait for another process or thread: for a state,
    never for a fixed time. `check` may raise AssertionError to stop at once (a process that died)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(every)


class SilenceableProxy:
    """A TCP proxy on loopback whose connections can be made to go silent: bytes are swallowed in
    both directions and nothing is closed, as when a network drops a connection without a word."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.pairs: list[tuple[socket.socket, socket.socket, threading.Event]] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            silent = threading.Event()
            self.pairs.append((client, upstream, silent))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink, silent), daemon=True).start()

    @staticmethod
    def _pump(source, sink, silent):
        try:
            while data := source.recv(65536):
                if not silent.is_set():
                    sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def silence_existing_connections(self):
        for _client, _upstream, silent in self.pairs:
            silent.set()

    def stop(self):
        self.listener.close()
        for client, upstream, _silent in self.pairs:
            client.close()
            upstream.close()


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


ERROR_KEYS = {"code", "status", "error", "message", "errors"}


def assert_error(response, code):
    assert response.status_code == code, response.text
    body = response.json()
    assert set(body) == ERROR_KEYS and body["code"] == code
    assert body["error"] and body["error"].replace(".", "").replace("_", "").isalpha()  # a stable code
    return body


def aged_token(token: str, *, left: int, signed_in_ago: int, ttl: int = 900) -> str:
    """The same session's access token as if issued earlier: `left` seconds to live, its sign-in
    `signed_in_ago` seconds back (signed with the tests' secret)."""
    import jwt

    claims = jwt.decode(token, TEST_SECRET, algorithms=["HS256"])
    now = int(time.time())
    claims.update(exp=now + left, iat=now + left - ttl, auth_time=now - signed_in_ago)
    return jwt.encode(claims, TEST_SECRET, algorithm="HS256")


def pdf_text(data: bytes) -> str:
    """A PDF's text, after checking that every glyph comes from an embedded font (a printer without
    Chinese fonts prints it)."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object()), font.get("/BaseFont")
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def form_token(session, url: str) -> str:
    """The CSRF token the forms of a console page carry, read from the page as a browser has it (the
    session keeps the cookie it signs)."""
    import re

    shown = session.get(url, timeout=30)
    found = re.search(r'name="csrf_token" value="([^"]+)"', shown.text)
    assert found, f"no form on {url} ({shown.status_code})"
    return found.group(1)


def console_pages_session(base_url: str, username: str, password: str):
    """A session signed in to the console's pages as a browser is: the sign-in form with its CSRF
    token; the session keeps the cookies. `.username` says who it is."""
    import requests

    session = requests.Session()
    token = form_token(session, f"{base_url}/console/login")
    signed = session.post(
        f"{base_url}/console/login", data={"username": username, "password": password, "csrf_token": token}, timeout=30
    )
    assert signed.status_code == 200 and "/console/login" not in signed.url, f"{username} could not sign in"
    session.username = username
    return session


# A regulator's console lists, each as its menu or area links to it with every row shown (no status
# filter where the page has one by default).
CONSOLE_LISTS = (
    "/console/businesses?status=",
    "/console/complaints",
    "/console/inspections",
    "/console/inspections/plan",
    "/console/sampling",
    "/console/sampling/announcements",
    "/console/dispositions",
    "/console/recalls",
    "/console/cameras/events?status=",
)
