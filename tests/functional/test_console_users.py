"""账号 (`/console/users`, admins): an admin finds accounts and creates one by form; a refused field is
shown beside it with what was typed kept (never the password); a regulator may not open the page."""

import requests

from tests.support import form_token


def test_an_admin_creates_a_regulator_and_mistakes_are_shown_beside_their_fields(live_server, console_pages):
    admin = console_pages("admin", ())
    page = f"{live_server.url}/console/users"
    token = form_token(admin, page)
    wrong = admin.post(
        page,
        data={
            "csrf_token": token,
            "username": "zhangjian",
            "password": "short",
            "role": "regulator",
            "districts": "999999",
            "display_name": "<b>张检</b>",
        },
    )
    assert wrong.status_code == 422 and 'id="districts-error"' in wrong.text
    assert 'value="zhangjian"' in wrong.text and 'value="999999"' in wrong.text and "short" not in wrong.text
    assert "&lt;b&gt;张检&lt;/b&gt;" in wrong.text
    made = admin.post(
        page,
        data={
            "csrf_token": token,
            "username": "zhangjian",
            "password": "correct-horse-42",
            "role": "regulator",
            "districts": "320682，320681",
            "display_name": "张检",
        },
    )
    assert made.status_code == 200 and "已创建账号 zhangjian" in made.text and "320681、320682" in made.text
    again = admin.post(
        page,
        data={
            "csrf_token": token,
            "username": "zhangjian",
            "password": "correct-horse-42",
            "role": "regulator",
            "districts": "320682",
        },
    )
    assert again.status_code == 409 and 'id="username-error"' in again.text
    found = admin.get(page, params={"q": "张检"}, timeout=30)
    assert "zhangjian" in found.text

    signed = requests.Session()
    login = form_token(signed, f"{live_server.url}/console/login")
    done = signed.post(
        f"{live_server.url}/console/login",
        data={"username": "zhangjian", "password": "correct-horse-42", "csrf_token": login},
    )
    assert done.status_code == 200 and "今日待办" in done.text  # the new account signs in

    regulator = console_pages("regulator", ("320682",))
    refused = regulator.get(page, timeout=30)
    assert refused.status_code == 403 and "无权" in refused.text
    assert "账号" not in regulator.get(f"{live_server.url}/console/", timeout=30).text.split("<main")[0]


def test_an_admin_stops_an_account_at_once_and_lets_it_back(
    app, api, live_server, make_console_user, console_pages, console_login
):
    username, password = make_console_user("regulator", ("320682",))
    regulator = requests.Session()
    login = f"{live_server.url}/console/login"
    regulator.post(login, data={"username": username, "password": password, "csrf_token": form_token(regulator, login)})
    api_token = api.post("/api/v1/auth/token", json={"username": username, "password": password}).json()["access_token"]
    assert regulator.get(f"{live_server.url}/console/", timeout=30).status_code == 200
    admin = console_pages("admin", ())
    page = f"{live_server.url}/console/users"
    token = form_token(admin, page)
    with app.app_context():
        from backend.accounts.models import User

        user_id = str(User.objects(username=username).get().id)
        admin_id = str(User.objects(role="admin").order_by("-created_at").first().id)

    no_reason = admin.post(f"{page}/{user_id}/deactivate", data={"csrf_token": token, "reason": ""})
    assert no_reason.status_code == 422 and f'id="stop-{user_id}-error"' in no_reason.text
    stopped = admin.post(f"{page}/{user_id}/deactivate", data={"csrf_token": token, "reason": "调离如皋市局"})
    assert stopped.status_code == 200 and "已停用该账号" in stopped.text and "已停用</td>" not in stopped.text
    ended = regulator.get(f"{live_server.url}/console/", timeout=30)  # the open session too: back to sign-in
    assert 'id="username"' in ended.text and "<h1>今日待办" not in ended.text
    assert api.get("/api/v1/console/complaints", token=api_token).status_code in (401, 403)
    assert api.post("/api/v1/auth/token", json={"username": username, "password": password}).status_code == 401
    again = admin.post(f"{page}/{user_id}/deactivate", data={"csrf_token": token, "reason": "调离"})
    assert again.status_code == 409
    myself = admin.post(f"{page}/{admin_id}/deactivate", data={"csrf_token": token, "reason": "试试"})
    assert myself.status_code == 422 and "不能停用自己的账号" in myself.text
    assert admin.post(f"{page}/not-an-id/deactivate", data={"csrf_token": token, "reason": "x"}).status_code == 404

    admin_token = console_login("admin", ())
    api_url = f"/api/v1/console/users/{user_id}"
    assert api.post(f"{api_url}/deactivate", token=admin_token, json={"reason": "  "}).status_code == 422
    assert api.post(f"{api_url}/deactivate", token=admin_token, json={"reason": {"$ne": None}}).status_code == 422
    assert api.post(f"{api_url}/deactivate", token=admin_token, json={"reason": "again"}).status_code == 409
    back = admin.post(f"{page}/{user_id}/reactivate", data={"csrf_token": token})
    assert back.status_code == 200 and "已恢复该账号" in back.text
    assert api.post("/api/v1/auth/token", json={"username": username, "password": password}).status_code == 200
    with app.app_context():
        from backend.audit.models import AuditEntry

        actions = [e.action for e in AuditEntry.objects(target_type="user", target_id=user_id).order_by("seq")]
    assert actions[-2:] == ["user.deactivated", "user.reactivated"]
    other = console_pages("regulator", ("320682",))
    refused = other.post(
        f"{page}/{user_id}/deactivate", data={"csrf_token": form_token(other, f"{live_server.url}/console/")}
    )
    assert refused.status_code == 403
