"""The gate between FFmpeg and the cameras: every connection the worker makes to a camera is checked
and pinned here, because a camera URL is user input and FFmpeg would otherwise resolve the host
again when it connects (DNS rebinding), follow HTTP and RTSP redirects, and fetch HLS segments from
any host a playlist names.

FFmpeg is given a loopback URL instead of the camera's (`Gate.route`), and the gate:
- resolves the camera's host at each connection and checks every address it gets (public addresses
  only, unless CAMERA_ALLOW_PRIVATE_ADDRESSES), then connects to the address it checked: nothing
  resolves the name a second time;
- HTTP(S) (MJPEG, MPEG-TS, HLS): relays one request at a time with the camera's Host header (and SNI);
  a redirect is passed on only within the same scheme, host and port (rewritten to the gate), any
  other is refused; an HLS playlist is rewritten so each URI it names goes through the gate, and one
  naming another host is refused whole;
- RTSP(S) over TCP (the worker never uses UDP): relays the interleaved connection, putting the
  camera's address back in each request line, and cuts the connection at a redirect (3xx) reply.

The camera's user and password stay in the loopback URL: FFmpeg answers the camera's challenges
itself, and the gate passes them on.
"""

from __future__ import annotations

import http.client
import logging
import re
import secrets
import socket
import ssl
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urljoin, urlsplit, urlunsplit

from backend.cameras.addresses import AddressRefused, resolve_checked

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 15.0
MAX_PLAYLIST_BYTES = 1024 * 1024
MAX_RTSP_HEADER_BYTES = 64 * 1024
PASSED_REQUEST_HEADERS = ("Authorization", "Range", "User-Agent", "Accept", "Icy-MetaData")
PASSED_RESPONSE_HEADERS = ("Content-Type", "Content-Length", "WWW-Authenticate", "Content-Range", "Accept-Ranges")
DEFAULT_PORTS = {"http": 80, "https": 443, "rtsp": 554, "rtsps": 322}


class Refused(Exception):
    """The camera's server asked for something the gate does not allow (a redirect elsewhere, a
    playlist naming another host, an address inside our networks)."""


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, url: str) -> Origin:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        return cls(scheme, (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS[scheme])

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"

    def url(self, path_and_query: str) -> str:
        return f"{self.scheme}://{self.netloc}{path_and_query}"


def connect(origin: Origin, allow_private: bool, timeout: float = CONNECT_TIMEOUT) -> socket.socket:
    """A socket to the origin at an address checked just now (TLS for https and rtsps)."""
    infos = resolve_checked(origin.host, origin.port, allow_private)
    last_error: OSError | None = None
    for family, kind, proto, _name, address in infos:
        sock = socket.socket(family, kind, proto)
        sock.settimeout(timeout)
        try:
            sock.connect(address)
        except OSError as error:
            sock.close()
            last_error = error
            continue
        sock.settimeout(READ_TIMEOUT)
        if origin.scheme in ("https", "rtsps"):
            context = ssl.create_default_context()
            # as FFmpeg did: cameras mostly have self-signed certificates; the address is what we pin
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
            sock = context.wrap_socket(sock, server_hostname=origin.host)
        return sock
    raise last_error or OSError("no address to connect to")


def _path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path or "/", parts.query, ""))


def rewrite_playlist(text: str, base_url: str, origin: Origin, prefix: str) -> str:
    """An HLS playlist with every URI it names (lines and URI="…" attributes) put through the gate
    (`prefix` + path), or Refused when one is on another scheme, host or port."""

    def local(uri: str) -> str:
        target = urljoin(base_url, uri.strip())
        if urlsplit(target).scheme.lower() not in ("http", "https") or Origin.of(target) != origin:
            raise Refused(f"the playlist names another host: {urlsplit(target).hostname}")
        return prefix + _path_and_query(target)

    lines = []
    for line in text.splitlines():
        if line.startswith("#"):
            lines.append(re.sub(r'URI="([^"]*)"', lambda found: f'URI="{local(found.group(1))}"', line))
        elif line.strip():
            lines.append(local(line))
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


class Gate:
    """One per worker process: a loopback HTTP relay for every http(s) camera, and an RTSP relay per
    rtsp(s) camera."""

    def __init__(self, *, allow_private: bool = False):
        self.allow_private = allow_private
        self._routes: dict[str, Origin] = {}
        self._rtsp: dict[str, _RtspRelay] = {}
        self._lock = threading.Lock()
        gate = self

        class Handler(_HttpRelay):
            pass

        Handler.gate = gate
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        threading.Thread(target=self._http.serve_forever, name="gate-http", daemon=True).start()

    def route(self, url: str) -> str:
        """The loopback URL FFmpeg opens for this camera URL (a file is opened as it is)."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            return url
        origin = Origin.of(url)
        userinfo = parts.netloc.rpartition("@")[0]
        userinfo = f"{userinfo}@" if userinfo else ""
        path = _path_and_query(url)
        with self._lock:
            if scheme in ("http", "https"):
                token = secrets.token_urlsafe(12)
                self._routes[token] = origin
                return f"http://{userinfo}127.0.0.1:{self._http.server_port}/{token}{path}"
            relay = _RtspRelay(origin, self.allow_private)
            local = f"rtsp://{userinfo}127.0.0.1:{relay.port}{path}"
            self._rtsp[local] = relay
            return local

    def release(self, local_url: str) -> None:
        with self._lock:
            relay = self._rtsp.pop(local_url, None)
            token = urlsplit(local_url).path.lstrip("/").split("/", 1)[0]
            if urlsplit(local_url).scheme == "http":
                self._routes.pop(token, None)
        if relay is not None:
            relay.close()

    def origin(self, token: str) -> Origin | None:
        return self._routes.get(token)

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        for relay in list(self._rtsp.values()):
            relay.close()


class _HttpRelay(BaseHTTPRequestHandler):
    gate: Gate
    protocol_version = "HTTP/1.0"  # one request per connection, the body ends with it

    def log_message(self, format, *args):  # noqa: A002 - the signature is http.server's
        pass

    def do_GET(self):  # noqa: N802 - http.server's name
        token, _, rest = self.path.lstrip("/").partition("/")
        origin = self.gate.origin(token)
        if origin is None:
            self.send_error(404)
            return
        path = "/" + rest
        try:
            sock = connect(origin, self.gate.allow_private)
        except AddressRefused as refused:
            log.warning("camera refused by the gate: %s (%s)", origin.host, refused)
            self.send_error(403, str(refused))
            return
        except OSError:
            self.send_error(502, "the camera does not answer")
            return
        connection = http.client.HTTPConnection(origin.host, origin.port, timeout=READ_TIMEOUT)
        connection.sock = sock
        try:
            headers = {"Host": origin.netloc, "Connection": "close"}
            headers.update({name: self.headers[name] for name in PASSED_REQUEST_HEADERS if self.headers.get(name)})
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            self._answer(origin, token, path, response)
        except Refused as refused:
            log.warning("camera refused by the gate: %s (%s)", origin.host, refused)
            self.send_error(403, str(refused))
        except (OSError, http.client.HTTPException):
            pass  # the camera or FFmpeg went away mid-stream: FFmpeg reconnects
        finally:
            connection.close()

    def _answer(self, origin: Origin, token: str, path: str, response) -> None:
        prefix = f"/{token}"
        if 300 <= response.status < 400:
            target = urljoin(origin.url(path), response.getheader("Location") or "")
            if urlsplit(target).scheme.lower() not in ("http", "https") or Origin.of(target) != origin:
                raise Refused(f"a redirect to another host: {urlsplit(target).hostname}")
            self.send_response(response.status)
            self.send_header("Location", prefix + _path_and_query(target))
            self.end_headers()
            return
        content_type = (response.getheader("Content-Type") or "").lower()
        first = response.read1(65536) if response.status == 200 else b""
        if "mpegurl" in content_type or path.split("?")[0].endswith(".m3u8") or first.startswith(b"#EXTM3U"):
            body = first + response.read(MAX_PLAYLIST_BYTES + 1 - len(first))
            if len(body) > MAX_PLAYLIST_BYTES:
                raise Refused("a playlist larger than 1 MB")
            text = rewrite_playlist(body.decode("utf-8", "replace"), origin.url(path), origin, prefix).encode()
            self.send_response(response.status)
            self.send_header("Content-Type", response.getheader("Content-Type") or "application/vnd.apple.mpegurl")
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)
            return
        self.send_response(response.status)
        for name in PASSED_RESPONSE_HEADERS:
            if response.getheader(name):
                self.send_header(name, response.getheader(name))
        self.end_headers()
        chunk = first
        while chunk:
            self.wfile.write(chunk)
            chunk = response.read1(65536)


class _RtspRelay:
    """One rtsp(s) camera: a loopback listener whose connections are relayed to the camera."""

    def __init__(self, origin: Origin, allow_private: bool):
        self.origin, self.allow_private = origin, allow_private
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closed = threading.Event()
        self._sockets: set[socket.socket] = set()
        threading.Thread(target=self._accept, name=f"gate-rtsp-{self.port}", daemon=True).start()

    def close(self) -> None:
        self._closed.set()
        for sock in [self._listener, *self._sockets]:
            try:
                sock.close()
            except OSError:
                pass

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = connect(self.origin, self.allow_private)
        except (AddressRefused, OSError) as error:
            log.warning("camera refused by the gate: %s (%s)", self.origin.host, error)
            client.close()
            return
        self._sockets.update((client, upstream))
        local = f"rtsp://127.0.0.1:{self.port}".encode()
        remote = f"rtsp://{self.origin.netloc}".encode()
        back = threading.Thread(target=self._pump, args=(upstream, client, None, True), daemon=True)
        back.start()
        self._pump(client, upstream, (local, remote), False)
        back.join(READ_TIMEOUT)

    def _pump(self, source: socket.socket, target: socket.socket, rewrite, replies: bool) -> None:
        """Copy RTSP messages and interleaved packets from source to target, whole."""
        reader = source.makefile("rb")
        try:
            while True:
                first = reader.read(1)
                if not first:
                    return
                if first == b"$":  # interleaved RTP/RTCP: channel, 16-bit length, payload
                    header = reader.read(3)
                    payload = reader.read(int.from_bytes(header[1:3], "big"))
                    target.sendall(first + header + payload)
                    continue
                head = first + _read_head(reader)
                if replies and head[:9] in (b"RTSP/1.0 ", b"RTSP/2.0 ") and head[9:10] == b"3":
                    raise Refused("an RTSP redirect")
                if rewrite is not None:
                    head = head.replace(*rewrite)
                length = _content_length(head)
                target.sendall(head + (reader.read(length) if length else b""))
        except Refused as refused:
            log.warning("camera refused by the gate: %s (%s)", self.origin.host, refused)
        except (OSError, ValueError):
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def _read_head(reader) -> bytes:
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        line = reader.readline(8192)
        if not line:
            raise ValueError("the connection ended inside a message")
        head += line
        if len(head) > MAX_RTSP_HEADER_BYTES:
            raise ValueError("an RTSP message head over 64 KB")
        if head in (b"\r\n", b"\n"):
            head = b""
    return head


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
            if not 0 <= length <= 1024 * 1024:
                raise ValueError("an RTSP body over 1 MB")
            return length
    return 0
