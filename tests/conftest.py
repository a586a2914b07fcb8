from __future__ import annotations

import os
import shutil
import uuid

import mongoengine
import pytest
import requests

from backend.demo.wechat_imitation import WeChatImitation
from backend.devtools.processes import LocalRedisCluster
from backend.devtools.query_shapes import Recorder
from tests.support import (
    TEST_SECRET,
    LiveServer,
    MongoCommandCounter,
    RedisServer,
    console_pages_session,
    mongodb_test_uri,
)

MongoCommandCounter.register_monitor()
QUERY_SHAPES = Recorder()  # every query shape the suite runs in its own process (tests/test_index_coverage.py)


@pytest.fixture(scope="session", autouse=True)
def recorded_query_shapes():
    """Records the shape of every MongoDB query while the suite runs: at the collection layer on
    mongomock, from command monitoring on a real server (MONGODB_URI)."""
    patch = pytest.MonkeyPatch()
    if os.environ.get("MONGODB_URI"):
        from pymongo import monitoring

        class Listener(monitoring.CommandListener):
            def started(self, event):
                QUERY_SHAPES.record_command(event.command_name, event.command)

            def succeeded(self, event):
                pass

            def failed(self, event):
                pass

        monitoring.register(Listener())
    else:
        QUERY_SHAPES.install_mongomock(patch)
    yield QUERY_SHAPES
    patch.undo()
    QUERY_SHAPES.dump(os.path.join(os.path.dirname(__file__), "..", "test-artifacts", "query-shapes.json"))


def pytest_collection_modifyitems(items):
    """The index-coverage test reads what every other test ran: it goes last."""
    items.sort(key=lambda item: item.nodeid.startswith("tests/test_index_coverage.py"))


@pytest.fixture(scope="session")
def redis_server():
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_cluster():
    """A 3-master Redis Cluster of real redis-server processes, started the first time a test asks."""
    cluster = LocalRedisCluster()
    yield cluster
    cluster.stop()


def pytest_generate_tests(metafunc):
    """A test marked `redis_cluster` runs twice: on one Redis server and on a Redis Cluster."""
    if metafunc.definition.get_closest_marker("redis_cluster") and "redis_kind" in metafunc.fixturenames:
        metafunc.parametrize("redis_kind", ["server", "cluster"], indirect=True)


@pytest.fixture
def redis_kind(request):
    return getattr(request, "param", "server")


@pytest.fixture
def redis_client(request, redis_kind, redis_server):
    """A client (text replies) of the Redis the platform under test uses."""
    client = request.getfixturevalue("redis_cluster").client() if redis_kind == "cluster" else redis_server.client()
    yield client
    client.close()


@pytest.fixture(scope="session")
def mongo_db_name():
    return f"sfs_test_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def wechat():
    imitation = WeChatImitation().start()
    yield imitation
    imitation.stop()


@pytest.fixture
def config(request, redis_kind, redis_server, mongo_db_name, wechat, tmp_path):
    redis_server.client().flushall()  # every test starts with an empty Redis
    redis_urls = {"REDIS_URL": redis_server.url}
    if redis_kind == "cluster":
        cluster = request.getfixturevalue("redis_cluster")
        cluster.flushall()
        redis_urls = {"REDIS_URL": cluster.url, "JOBS_REDIS_URL": redis_server.url}
    return {
        "APP_ENV": "test",
        "MONGODB_URI": mongodb_test_uri(mongo_db_name),
        **redis_urls,
        "SECRET_KEY": TEST_SECRET,
        "WECHAT_APPID": wechat.appid,
        "WECHAT_SECRET": wechat.secret,
        "WECHAT_API_BASE": wechat.base_url,
        "WECHAT_TIMEOUT": 2,
        "PUBLIC_BASE_URL": "http://sfs.test",
        "BLOB_DIR": str(tmp_path / "blobs"),
        "LOG_LEVEL": "WARNING",
        # Limits are tested where they are the subject; elsewhere many requests come from one IP.
        "PUBLIC_RATE_LIMIT": "off",
        "COMPLAINT_RATE_LIMIT": "off",
        # The test client is the proxy: tests name the client's address in X-Forwarded-For.
        "TRUSTED_PROXIES": "127.0.0.1",
        # Camera streams in tests are served on loopback (the video tests add a folder of clips).
        "CAMERA_ALLOW_PRIVATE_ADDRESSES": True,
        # The demo's year of history is tested on its own (tests/unit/demo), not made for every demo.
        "DEMO_HISTORY_MONTHS": 0,
    }


@pytest.fixture
def app(config, redis_server):
    from backend.app import create_app

    application = create_app(config)
    yield application
    db = mongoengine.get_db()
    if config["MONGODB_URI"]:
        db.client.drop_database(db.name)
    mongoengine.disconnect_all()


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def live_server(app):
    server = LiveServer(app)
    yield server
    server.stop()


class Api:
    """A requests session bound to the live server, with bearer-token helpers."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.session = requests.Session()

    def request(self, method: str, path: str, token: str | None = None, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.session.request(method, self.base_url + path, headers=headers, timeout=15, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def api(live_server):
    return Api(live_server.url)


@pytest.fixture
def make_console_user(app):
    """Create a regulator, food-safety office or admin directly through the service; returns (username, password)."""
    from backend.accounts.services import create_console_user

    def make(role="regulator", districts=("320682",), username=None, password="correct-horse-battery", sectors=()):
        username = username or f"{role[:3]}{uuid.uuid4().hex[:8]}"
        with app.app_context():
            create_console_user(
                actor_id=None,
                username=username,
                password=password,
                role=role,
                districts=[] if role == "admin" else list(districts),
                sectors=list(sectors),
            )
        return username, password

    return make


@pytest.fixture
def console_pages(live_server, make_console_user):
    """Sign a new console user (role, districts) in to the live server's console pages; returns the
    session (`tests.support.console_pages_session`)."""

    def sign_in(role="regulator", districts=("320682",)):
        return console_pages_session(live_server.url, *make_console_user(role, districts))

    return sign_in


@pytest.fixture
def console_login(api, make_console_user):
    """Sign a new console user in over HTTP; returns the access token."""

    def login(role="regulator", districts=("320682",), sectors=()):
        username, password = make_console_user(role, districts, sectors=sectors)
        response = api.post("/api/v1/auth/token", json={"username": username, "password": password})
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    return login


@pytest.fixture
def mp_login(api):
    """Sign a mini-program user in over HTTP through the WeChat imitation; returns the token body."""

    def login(code=None):
        code = code or f"code-{uuid.uuid4().hex}"
        response = api.post("/api/v1/mp/auth/login", json={"code": code})
        assert response.status_code == 200, response.text
        return response.json()

    return login


@pytest.fixture
def owned_business(api, mp_login, console_login):
    """An approved restaurant in Rugao, registered and approved over HTTP.
    Returns (business, owner token, regulator token)."""
    from tests.builders import submitted_business

    owner = mp_login()["access_token"]
    business = submitted_business(api, owner)
    regulator = console_login("regulator", ("320682",))
    approved = api.post(f"/api/v1/console/businesses/{business['id']}/approve", token=regulator, json={})
    assert approved.status_code == 200, approved.text
    return approved.json(), owner, regulator


@pytest.fixture
def approved_business(owned_business):
    """The same, as (business, regulator token)."""
    business, _owner, regulator = owned_business
    return business, regulator


@pytest.fixture
def mongo_commands(app, monkeypatch):
    return MongoCommandCounter(monkeypatch)


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("chromium is missing: ./scripts/test installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 375, "height": 667}, device_scale_factor=2)
        requested = []
        page.on("request", lambda request: requested.append(request.url))
        page.requested = requested
        yield page
        browser.close()


@pytest.fixture
def job_worker(app):
    """The job queue worked in the app's process (as on the embedded default), for tests that queue jobs."""
    from backend.core.jobs import InProcessWorker

    worker = InProcessWorker(app.extensions["sfs.runtime"], poll=0.05).start()
    yield worker
    worker.stop()
