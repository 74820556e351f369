"""Fixtures for access control: the 湛江 demo store with one account per role, logged-in clients.

The demo store is the one ``cockpit demo`` builds once per backend (``tests.pages.conftest``);
the accounts below are added to it once (idempotent), with a password the tests know.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from data_access.settings import get_settings
from tests.conftest import BACKENDS, REDIS_URL

PASSWORD = "correct-horse-battery-42"
# role → (username, scope region). Every account can read 雷州市; only leader and admin 廉江市.
ACCOUNTS = {
    "leader": ("t_leader", "440800"),
    "admin": ("t_admin", "440800"),
    "staff": ("t_staff", "440882"),
}
ROLES = tuple(ACCOUNTS)
IN_SCOPE = "440882000000"  # 雷州市: inside every account's scope
# A region outside each role's scope: 廉江市 for the 雷州市 staff, 广东省 (above the city) for the others.
OUT_OF_SCOPE = {"leader": "440000000000", "admin": "440000000000", "staff": "440881000000"}
LIANJIANG = "440881000000"

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def ensure_accounts() -> None:
    """Create the test accounts in the configured store if they are missing."""
    from data_access import users

    for role, (name, region) in ACCOUNTS.items():
        if users.find_user(name) is None:
            users.add_user(name, PASSWORD, role, region, display_name=f"测试{users.ROLE_NAMES[role]}")


def login(
    client,
    username: str,
    password: str = PASSWORD,
    next_path: str = "/",
    address: str | None = None,
    headers: dict | None = None,
):
    """Log in through the real form (fetches the CSRF token first); returns the POST response."""
    environ = {"REMOTE_ADDR": address} if address else {}
    page = client.get("/login", environ_base=environ, headers=headers)
    match = _CSRF.search(page.get_data(as_text=True))
    token = match.group(1) if match else ""
    form = {"username": username, "password": password, "csrf_token": token, "next": next_path}
    return client.post("/login", data=form, environ_base=environ, headers=headers)


def logout(client, address: str | None = None):
    """Log out as the header's 退出 button does: POST /logout with the session's CSRF token."""
    environ = {"REMOTE_ADDR": address} if address else {}
    with client.session_transaction() as session:
        token = session.get("login_csrf", "")
    return client.post("/logout", data={"csrf_token": token}, environ_base=environ)


@pytest.fixture(params=BACKENDS)
def zj_settings(request, tmp_path):
    """Settings bound to the 湛江 demo store of each backend, with the test accounts present."""
    from data_access import store
    from data_access.cache import clear
    from tests.pages.conftest import demo_store_url

    settings = get_settings(
        database_url=demo_store_url(request.param),
        instance_dir=str(tmp_path / "instance"),
        cache_url=REDIS_URL or "",
        root_region="440800",
    )
    store.configure(settings)
    clear()
    ensure_accounts()
    yield settings
    store.engine().dispose()


@pytest.fixture
def zj_app(zj_settings):
    """The whole app on the demo store, with access control on."""
    from app import create_app

    return create_app(zj_settings)


@pytest.fixture
def clients(zj_app):
    """role → a test client logged in as that role's account; None → a client without session."""
    result = {None: zj_app.server.test_client()}
    for role, (name, _region) in ACCOUNTS.items():
        client = zj_app.server.test_client()
        assert login(client, name).status_code == 302
        result[role] = client
    return result


@pytest.fixture
def tiny_app(tiny_store):
    """The app on the tiny hierarchy (fresh store per test), root 测试市, access control on."""
    from app import create_app

    return create_app(dataclasses.replace(tiny_store, root_region="990100"))


@pytest.fixture
def tiny_users(tiny_app):
    """Accounts on the tiny store: a leader of 测试市 and a staff member of 甲区; returns the app."""
    from data_access import users

    users.add_user("boss", PASSWORD, "leader", "990100")
    users.add_user("clerk", PASSWORD, "staff", "990101")
    return tiny_app
