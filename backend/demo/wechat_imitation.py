"""A loopback HTTP server that answers like WeChat's `/sns/jscode2session`.

Used by the tests and by the embedded demo run (where no real WeChat can be reached). Codes:

    any code not listed below   -> success; openid derived from the code, unionid for codes "u-..."
    "invalid-..."               -> 40029 invalid code
    "used-..."                  -> 40163 code been used (so does any code presented twice)
    "quota-..."                 -> 45011 frequency limit
    "busy-..."                  -> -1 system busy
    "html-..."                  -> an HTML error page (non-JSON)
    "slow-..."                  -> waits until `release_slow` is set (or 30 s), then succeeds

Every code is accepted once, as WeChat does: a second use answers 40163. Answers are JSON sent as
text/plain, like the real service. Wrong appid/secret -> 40013 / 40125.

It also answers `/cgi-bin/token` (an access token) and `/cgi-bin/message/subscribe/send` (subscribe
messages, kept in `messages`; openids in `refusing` get 43101, as when a user declined the template).
"""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class WeChatImitation:
    def __init__(self, appid: str = "wx-test-appid", secret: str = "wx-test-secret", host: str = "127.0.0.1"):
        self.appid = appid
        self.secret = secret
        self.release_slow = threading.Event()
        self.requests: list[dict] = []
        self.messages: list[dict] = []  # subscribe messages received, in order
        self.refusing: set[str] = set()  # openids that refused a template (answered 43101)
        self.tokens_issued = 0
        self._used: set[str] = set()
        self._lock = threading.Lock()
        imitation = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                parsed = urlparse(self.path)
                if parsed.path == "/cgi-bin/token":
                    params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
                    self._send(200, *imitation.answer_token(params))
                    return
                if parsed.path != "/sns/jscode2session":
                    self._send(404, b"not found", "text/html")
                    return
                params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
                status, body, content_type = imitation.answer(params)
                self._send(status, body, content_type)

            def do_POST(self):
                parsed = urlparse(self.path)
                if parsed.path != "/cgi-bin/message/subscribe/send":
                    self._send(404, b"not found", "text/html")
                    return
                token = {k: v[0] for k, v in parse_qs(parsed.query).items()}.get("access_token", "")
                length = int(self.headers.get("Content-Length") or 0)
                self._send(200, *imitation.answer_message(token, self.rfile.read(length)))

            def _send(self, status: int, body: bytes, content_type: str):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeouts): nothing to deliver

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> WeChatImitation:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release_slow.set()
        self.server.shutdown()
        self.server.server_close()

    def _access_token(self) -> str:
        return "token-" + hashlib.sha256(self.secret.encode()).hexdigest()[:16]

    def answer_token(self, params: dict) -> tuple[bytes, str]:
        """`/cgi-bin/token`: an access token for the right appid and secret."""
        if params.get("appid") != self.appid or params.get("secret") != self.secret:
            return json.dumps({"errcode": 40125, "errmsg": "invalid appsecret"}).encode(), "text/plain"
        with self._lock:
            self.tokens_issued += 1
        return json.dumps({"access_token": self._access_token(), "expires_in": 7200}).encode(), "text/plain"

    def answer_message(self, token: str, raw: bytes) -> tuple[bytes, str]:
        """`/cgi-bin/message/subscribe/send`: recorded; 43101 when the user refused the template."""
        if token != self._access_token():
            return json.dumps({"errcode": 40001, "errmsg": "invalid credential"}).encode(), "application/json"
        message = json.loads(raw or b"{}")
        if message.get("touser") in self.refusing:
            return json.dumps(
                {"errcode": 43101, "errmsg": "user refuse to accept the msg"}
            ).encode(), "application/json"
        with self._lock:
            self.messages.append(message)
        return json.dumps({"errcode": 0, "errmsg": "ok"}).encode(), "application/json"

    @staticmethod
    def openid_for(code: str) -> str:
        return "o" + hashlib.sha256(code.encode()).hexdigest()[:27]

    def answer(self, params: dict) -> tuple[int, bytes, str]:
        self.requests.append({k: v for k, v in params.items() if k != "secret"})
        if params.get("appid") != self.appid:
            return self._json({"errcode": 40013, "errmsg": "invalid appid"})
        if params.get("secret") != self.secret:
            return self._json({"errcode": 40125, "errmsg": "invalid appsecret"})
        if params.get("grant_type") != "authorization_code":
            return self._json({"errcode": 40002, "errmsg": "invalid grant_type"})
        code = params.get("js_code", "")
        if not code or code.startswith("invalid-"):
            return self._json({"errcode": 40029, "errmsg": "invalid code"})
        if code.startswith("used-"):
            return self._json({"errcode": 40163, "errmsg": "code been used"})
        if code.startswith("quota-"):
            return self._json({"errcode": 45011, "errmsg": "api minute-quota reach limit"})
        if code.startswith("busy-"):
            return self._json({"errcode": -1, "errmsg": "system error"})
        if code.startswith("html-"):
            return 502, b"<html><body>502 Bad Gateway</body></html>", "text/html"
        if code.startswith("slow-"):
            self.release_slow.wait(timeout=30)
        # Demo codes ("demo-...") stand for a fixed person and may be reused; real codes work once.
        if not code.startswith("demo-"):
            with self._lock:
                if code in self._used:
                    return self._json({"errcode": 40163, "errmsg": "code been used"})
                self._used.add(code)
        # "slow-x" and "x" are the same person, so tests can tell a retry from a new account.
        identity = code.removeprefix("slow-")
        body = {
            "openid": self.openid_for(identity),
            "session_key": hashlib.sha256(b"sk" + code.encode()).hexdigest()[:24],
        }
        if identity.startswith("u-"):
            body["unionid"] = "u" + hashlib.sha256(identity.encode()).hexdigest()[:27]
        return self._json(body)

    @staticmethod
    def _json(body: dict) -> tuple[int, bytes, str]:
        return 200, json.dumps(body).encode(), "text/plain"
