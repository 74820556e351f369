"""Login and region scoping in real headless Chromium (the shared ``live_server`` and ``page``).

The 雷州市 staff account of ``cockpit demo`` (``leizhou``) logs in through the form: its cockpit
opens at 雷州市, 廉江市 cannot be reached by URL, and phone numbers are masked; the city leader
sees 廉江市 and the full numbers. The ``page`` fixture fails a test on any console error, which
includes anything the Content-Security-Policy blocks.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.browser.conftest import PASSWORD, login
from tests.pages.conftest import COCKPIT

pytestmark = pytest.mark.browser

LEIZHOU, LIANJIANG = "440882000000", "440881000000"
MOBILE = re.compile(r"(?<!\d)1\d{10}(?!\d)")
MASKED = re.compile(r"1\d{2}\*{4}\d{4}")


@pytest.fixture(scope="module")
def staff_account(browser_store) -> str:
    """The demo's 雷州市 staff account with the browser tests' password."""
    proc = subprocess.run(
        [str(COCKPIT), "user", "passwd", "leizhou", "--password-stdin"],
        env=browser_store.env,
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return "leizhou"


def _text_has(page, selector: str, text: str) -> None:
    page.wait_for_function(
        "([sel, text]) => { const el = document.querySelector(sel); return !!el && el.innerText.includes(text); }",
        arg=[selector, text],
    )


def _first_step(page) -> str:
    return page.locator("#map-breadcrumb .breadcrumb-steps > *").first.inner_text().strip()


def _lianjiang_towns(browser_store) -> set[str]:
    own = {p.name for p in browser_store.regions.values() if p.code.startswith("440882")}
    return {p.name for p in browser_store.children(LIANJIANG)} - own


def test_auth001_anonymous_visit_goes_to_the_login_form(page, live_server):
    page.goto(f"{live_server}/map?region={LEIZHOU}")
    page.wait_for_selector("#login-username")
    assert "/login?next=" in page.url
    assert page.locator("input[name=password]").count() == 1
    page.fill("#login-username", "nobody")
    page.fill("#login-password", "wrong-password")
    page.click("#login-submit")
    _text_has(page, "#login-message", "用户名或密码错误")
    page.console_errors.clear()  # the 401 of the refused form is logged by the browser


def test_auth002_staff_cockpit_is_their_county(page, live_server, browser_store, staff_account):
    login(page, live_server, staff_account)
    _text_has(page, ".shell-root", "雷州市")
    page.goto(f"{live_server}/map")
    _text_has(page, "#map-breadcrumb", "雷州市")
    assert _first_step(page) == "雷州市"
    assert "湛江市" not in page.locator("#map-breadcrumb").inner_text()
    body = page.locator("body").inner_text()
    assert not [name for name in _lianjiang_towns(browser_store) if name in body]


def test_auth003_staff_cannot_reach_another_county_by_url(page, live_server, browser_store, staff_account):
    login(page, live_server, staff_account)
    for url in (f"/map?region={LIANJIANG}", "/map?region=440881", f"/command?region={LIANJIANG}", "/"):
        page.goto(f"{live_server}{url}")
        if url == "/":  # the overview shows the user's own region
            _text_has(page, ".shell-root", "雷州市")
        else:
            page.wait_for_function("() => document.body.innerText.includes('无权查看')")
        body = page.locator("body").inner_text()
        assert "廉江" not in body and not [n for n in _lianjiang_towns(browser_store) if n in body], url
    api = page.evaluate("(u) => fetch(u).then(r => r.status)", f"{live_server}/api/v1/regions/{LIANJIANG}")
    geo = page.evaluate("(u) => fetch(u).then(r => r.status)", f"{live_server}/geo/{LIANJIANG}.geojson")
    assert (api, geo) == (403, 403)
    page.console_errors.clear()  # the refused fetches above are logged by the browser


def test_auth004_staff_sees_masked_phone_numbers(page, live_server, staff_account):
    login(page, live_server, staff_account)
    page.goto(f"{live_server}/command")
    page.wait_for_selector("#command-list table")
    text = page.locator("#command-list").inner_text()
    assert MASKED.search(text), text[:300]
    assert not MOBILE.search(text)
    assert page.locator("#command-list a[href^='tel:']").count() == 0


def test_auth005_leader_sees_everything(leader_page, live_server):
    page = leader_page
    page.goto(f"{live_server}/map?region={LIANJIANG}")
    _text_has(page, "#map-breadcrumb", "廉江市")
    assert _first_step(page) == "湛江市"
    page.goto(f"{live_server}/command")
    page.wait_for_selector("#command-list table")
    text = page.locator("#command-list").inner_text()
    assert MOBILE.search(text) and not MASKED.search(text)


def test_auth006_admin_page_only_for_admins(page, live_server, browser_store, staff_account):
    login(page, live_server, staff_account)
    page.goto(f"{live_server}/admin")
    _text_has(page, "#admin-denied", "仅管理员")
    assert page.locator("#admin-audit").count() == 0
    assert "管理" not in page.locator("#shell-nav").inner_text()  # not offered to staff
    _text_has(page, ".shell-account", "工作人员")
    page.click("#shell-logout")
    page.wait_for_selector("#login-username")
    page.goto(f"{live_server}/admin")
    page.wait_for_selector("#login-username")  # logged out: back to the form
