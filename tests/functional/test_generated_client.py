"""A client generated from the OpenAPI document by openapi-python-client (as a client developer would)
installs, names its functions by operationId, types nested objects, and works: a console login, a
mini-program login, the public card and an order placed and accepted (with no body) through it."""

import importlib
import subprocess
import sys
import uuid
from pathlib import Path

from tests.builders import submitted_business

PACKAGE = "smart_food_safety_api_client"


def _generate(api, folder: Path):
    (folder / "openapi.json").write_text(api.get("/api/openapi.json").text, encoding="utf-8")
    tool = Path(sys.executable).with_name("openapi-python-client")
    done = subprocess.run(
        [
            str(tool),
            "generate",
            "--path",
            str(folder / "openapi.json"),
            "--meta",
            "none",
            "--output-path",
            str(folder / PACKAGE),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))


def test_a_generated_client_signs_in_reads_a_card_and_places_an_order(
    api, live_server, tmp_path, mp_login, console_login, make_console_user
):
    client_package = _generate(api, tmp_path)
    try:
        _use(client_package, api, live_server, mp_login, console_login, make_console_user)
    finally:
        for name in [name for name in sys.modules if name.startswith(PACKAGE)]:
            del sys.modules[name]


def _use(package, api, live_server, mp_login, console_login, make_console_user):
    from smart_food_safety_api_client.api.auth import post_auth_password_token
    from smart_food_safety_api_client.api.mp_auth import post_mp_auth_we_chat_login
    from smart_food_safety_api_client.api.mp_purchasing import (
        post_mp_purchasing_accept_order,
        post_mp_purchasing_orders,
    )
    from smart_food_safety_api_client.api.public_businesses import get_public_businesses_public_business
    from smart_food_safety_api_client.models import OrderIn, OrderLineIn, PasswordLogin, PublicLicence, WeChatLogin

    anonymous = package.Client(base_url=live_server.url, raise_on_unexpected_status=True)
    # a console login
    username, password = make_console_user("regulator", ("320682",))
    pair = post_auth_password_token.sync(client=anonymous, body=PasswordLogin(username=username, password=password))
    # a supplier with a product, set up over plain HTTP
    farm_owner = mp_login()["access_token"]
    farm = submitted_business(api, farm_owner, kind="farm_base", name="如皋市绿源蔬菜种植基地")
    approved = api.post(f"/api/v1/console/businesses/{farm['id']}/approve", token=pair.access_token, json={})
    assert approved.status_code == 200, approved.text
    product = api.post(
        f"/api/v1/mp/businesses/{farm['id']}/products",
        token=farm_owner,
        json={"name": "韭菜", "category": "edible_produce", "unit": "公斤", "price_cents": 300, "origin": "江苏如皋"},
    ).json()
    # the public card, with its nested licence typed as a model
    card = get_public_businesses_public_business.sync(approved.json()["public_code"], client=anonymous)
    assert card.business.name == "如皋市绿源蔬菜种植基地" and isinstance(card.licence, PublicLicence)
    # a mini-program login and an order, accepted by the supplier with no body
    buyer_pair = post_mp_auth_we_chat_login.sync(client=anonymous, body=WeChatLogin(code=f"code-{uuid.uuid4().hex}"))
    buyer = package.AuthenticatedClient(base_url=live_server.url, token=buyer_pair.access_token)
    order = post_mp_purchasing_orders.sync(
        client=buyer,
        body=OrderIn(supplier_id=farm["id"], lines=[OrderLineIn(product_id=product["id"], quantity=5)]),
        idempotency_key=uuid.uuid4().hex,
    )
    assert order.status == "placed" and order.lines[0].quantity == 5
    supplier = package.AuthenticatedClient(base_url=live_server.url, token=farm_owner)
    accepted = post_mp_purchasing_accept_order.sync(order.id, client=supplier)
    assert accepted.status == "accepted"
