"""账号 (`/console/users`, admins): an admin finds accounts and creates one by form; a refused field is
shown beside it with what was typed kept (never the password); a regulator may not open the page."""

import requests

from tests.support import form_token


def signed_in(live_server, make_console_user, role, districts):
    username, password = make_console_user(role, districts)
    session = requests.Session()
    token = form_token(session, f"{live_server.url}/console/login")
    session.post(
        f"{live_server.url}/console/login", data={"username": username, "password": password, "csrf_token": token}
    )
    return session


def test_an_admin_creates_a_regulator_and_mistakes_are_shown_beside_their_fields(live_server, make_console_user):
    admin = signed_in(live_server, make_console_user, "admin", ())
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

    regulator = signed_in(live_server, make_console_user, "regulator", ("320682",))
    refused = regulator.get(page, timeout=30)
    assert refused.status_code == 403 and "无权" in refused.text
    assert "账号" not in regulator.get(f"{live_server.url}/console/", timeout=30).text.split("<main")[0]
