"""追溯召回 pages (`/console/recalls`): a regulator looks a trace code up, sees the chain drawn, starts a
recall from it and watches the holders' confirmations — in a real browser; and over HTTP an unknown
code, a recall without a reason, and a regulator of another district."""

import os
import re

from backend.trace import services as trace
from tests.builders import approved, citizen, shipped_lots, supplier_with_product
from tests.support import form_token

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts")


def _chain(app):
    """A farm's lot bought by a wholesaler, part of it sold on to a canteen: two lots, one hop."""
    with app.app_context():
        farm, farm_owner, produce = supplier_with_product()
        wholesaler, wholesaler_owner, resold = supplier_with_product(kind="wholesaler")
        (first,) = shipped_lots(wholesaler_owner, wholesaler, farm, farm_owner, produce, [20.0])
        canteen_owner = citizen()
        canteen = approved(canteen_owner, name="如皋某学校食堂")
        (second,) = shipped_lots(
            canteen_owner, canteen, wholesaler, wholesaler_owner, resold, [5.0], inputs=[[(first.trace_code, 5.0)]]
        )
        return first.trace_code, second.trace_code, canteen_owner


def test_trace_and_recall_in_a_browser(app, browser_page, live_server, make_console_user):
    first, second, canteen_owner = _chain(app)
    username, password = make_console_user("regulator", ("320682",))
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/console/recalls")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form.login button")
    page.wait_for_url(f"{live_server.url}/console/recalls")
    page.fill("#code", first)
    page.click("text=查询")
    page.wait_for_selector("svg.chain rect")
    assert page.locator("svg.chain rect").count() == 2 and page.locator("svg.chain line").count() == 1
    assert second in page.text_content("svg.chain")
    page.fill("#reason", "农药残留超标")
    page.check("#recall-confirmed")
    page.click("button.recall")
    page.wait_for_url(re.compile(r"/console/recalls/[0-9a-f]{24}$"))
    assert "0/2" in page.inner_text("main") and page.locator("#live[hx-trigger='every 10s']").count() == 1
    recall_id = page.url.rsplit("/", 1)[1]
    assert '<noscript><meta http-equiv="refresh" content="10"></noscript>' in page.content()  # without JavaScript
    page.evaluate("window.sameDocument = true")
    with app.app_context():
        trace.confirm_recall(canteen_owner.user_id, recall_id, trace_code=second, disposal="destroyed")
    page.wait_for_selector("text=1/2", timeout=15_000)  # the confirmations update in place every 10 s
    assert "已销毁" in page.inner_text("table") and page.evaluate("window.sameDocument") is True
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.screenshot(path=os.path.join(ARTIFACTS, "recall-1366x768.png"), full_page=True)


def test_trace_and_recall_forms_over_http(app, live_server, console_pages):
    first, _second, _owner = _chain(app)

    regulator = console_pages()
    unknown = regulator.get(f"{live_server.url}/console/recalls", params={"code": "ZZZZZZZZZZZZ"}, timeout=30)
    assert unknown.status_code == 404 and 'id="code-error"' in unknown.text and 'value="ZZZZZZZZZZZZ"' in unknown.text
    backward = regulator.get(f"{live_server.url}/console/recalls", params={"code": first, "direction": "backward"})
    assert backward.status_code == 200 and "向上游追溯：1 个批次" in backward.text
    token = form_token(regulator, f"{live_server.url}/console/recalls?code={first}")
    no_reason = regulator.post(f"{live_server.url}/console/recalls", data={"csrf_token": token, "trace_code": first})
    assert no_reason.status_code == 422 and 'id="reason-error"' in no_reason.text
    unconfirmed = regulator.post(
        f"{live_server.url}/console/recalls", data={"csrf_token": token, "trace_code": first, "reason": "农药残留超标"}
    )
    assert unconfirmed.status_code == 422 and 'id="recall-confirmed-error"' in unconfirmed.text
    assert "农药残留超标" in unconfirmed.text  # kept
    forged = regulator.post(
        f"{live_server.url}/console/recalls", data={"csrf_token": "x", "trace_code": first, "reason": "x"}
    )
    assert forged.status_code == 403
    assert "还没有召回" in regulator.get(f"{live_server.url}/console/recalls", timeout=30).text  # nothing written

    elsewhere = console_pages(districts=("320582",))
    assert elsewhere.get(f"{live_server.url}/console/recalls", params={"code": first}, timeout=30).status_code == 404
