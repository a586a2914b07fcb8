"""The demo gives every console list something to show: a regulator of 如皋 (rugao) and the admin sign
in to the platform seeded as `./scripts/run` seeds it, and no list of their menus or areas is empty."""

import re

import pytest

from backend.demo.seed import DEMO_PASSWORD
from tests.support import CONSOLE_LISTS, LiveServer, console_pages_session

EMPTY = re.compile(r"还没有|没有符合|没有找到|没有核查处置|无需办理")


@pytest.fixture
def demo_server(config, tmp_path):
    from backend.app import create_app

    server = LiveServer(create_app({**config, "SEED_DEMO": True, "CAMERA_FILE_DIR": str(tmp_path)}))
    yield server
    server.stop()


def test_every_console_list_of_the_demo_has_rows(demo_server):
    regulator = console_pages_session(demo_server.url, "rugao", DEMO_PASSWORD)
    empty = []
    for path in ("/console/", *CONSOLE_LISTS, "/console/districts"):
        page = regulator.get(f"{demo_server.url}{path}", timeout=60)
        assert page.status_code == 200, path
        main = page.text.split("<main", 1)[1]
        assert "<tbody>" in main or "<li" in main, path
        empty += [f"{path}: {found.group(0)}" for found in EMPTY.finditer(main)]
    assert empty == [], "\n".join(empty)
    admin = console_pages_session(demo_server.url, "admin", DEMO_PASSWORD)
    accounts = admin.get(f"{demo_server.url}/console/users", timeout=60).text
    assert "rugao" in accounts and "shianban" in accounts
