"""/report in real headless Chromium: the 雷州市 staff account fills one village's form online.

Logged in as the demo account ``leizhou`` (staff, scope 雷州市), the test opens 村级百千万工程工作月报
for the current round, picks the first village still to file, types a kiosk count outside the
valid range, sees the error next to the field, fixes it, submits, and sees the status change to
已报送 in the form and in the list; /reporting counts it at once. Screenshots at 1920×1080 and
1440×900 go to ``COCKPIT_SCREENSHOT_DIR`` when that is set (never on CI).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import PASSWORD, login
from tests.pages.conftest import COCKPIT

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("COCKPIT_SCREENSHOT_DIR", "")


@pytest.fixture
def leizhou_page(page, live_server, browser_store):
    subprocess.run(
        [str(COCKPIT), "user", "passwd", "leizhou", "--password-stdin"],
        env=browser_store.env, input=PASSWORD + "\n", capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    login(page, live_server, "leizhou")
    return page


def _shot(page, name: str) -> None:
    if SHOTS:
        for w, h in ((1920, 1080), (1440, 900)):
            page.set_viewport_size({"width": w, "height": h})
            page.screenshot(path=str(Path(SHOTS) / f"report-{name}-{w}.png"))
        page.set_viewport_size({"width": 1920, "height": 1080})


def test_brep001_fill_one_village_online_range_error_then_submit(leizhou_page, live_server):
    page = leizhou_page
    page.goto(f"{live_server}/report?task=village_monthly")
    page.wait_for_selector(".report-units")
    _shot(page, "list")
    first = page.locator(".report-units tbody tr").first
    status_before = first.locator(".status-tag").inner_text()
    assert status_before in ("未填", "逾期", "退回", "已填未报")
    village = first.locator("a").inner_text()
    first.locator("a").click()
    page.wait_for_selector(".report-form .field-box input")
    assert page.locator(".report-form-head .panel-title").inner_text() == village
    kiosks = page.locator(".field-row", has_text="粤智助自助机数").locator(".field-box input")
    original = kiosks.input_value()
    kiosks.fill("50")
    message = page.locator(".field-row", has_text="粤智助自助机数").locator(".field-msg")
    message.filter(has_text="超出有效范围").wait_for()
    assert "超出有效范围（0 ～ 20 台）" in message.inner_text()
    _shot(page, "error")
    page.click("#report-submit")  # refused: the range error blocks submitting
    page.locator("#report-result", has_text="未报送").wait_for()
    kiosks.fill(original or "1")
    page.wait_for_function(
        "() => !document.querySelector('.field-row .field-msg.field-error')", timeout=15_000
    )
    for note in page.locator(".field-note-box:visible input").all():
        note.fill("本月新增布设，已核实")  # a swing warning needs its 情况说明
    page.click("#report-submit")
    page.locator(".report-done", has_text="已报送").wait_for()
    assert page.locator(".report-form-head .status-tag").inner_text() == "已报送"
    row = page.locator(".report-units tbody tr", has_text=village)
    assert row.locator(".status-tag").inner_text() == "已报送"
    _shot(page, "submitted")
    assert page.console_errors == []
