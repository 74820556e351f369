"""/command in real headless Chromium against ``cockpit serve`` on the 湛江 demo store.

The directory shown must equal :func:`data_access.directory.contacts` for the same region, search
and user (full numbers with ``tel:`` links for a leader, masked without links for staff); search,
the 含下级地区 switch and the export work; region links click through to /map; nothing overflows.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from tests.browser.conftest import add_account, login
from tests.browser.test_reporting import SIZES, overflow
from tests.browser.test_reporting import scope as scope  # noqa: F401 - the fixture, shared

pytestmark = pytest.mark.browser

# Screenshots land in docs/screenshots only when asked (COCKPIT_SCREENSHOTS=1), never on CI runs.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SAVE_SCREENSHOTS = os.environ.get("COCKPIT_SCREENSHOTS") == "1"
LEIZHOU = "440882000000"


def open_page(page, base_url: str, path: str, ready: str = "#command-list") -> None:
    page.goto(base_url + path)
    page.wait_for_selector(ready)
    page.wait_for_load_state("networkidle")


def shown_rows(page) -> list[list[str]]:
    return page.locator("#command-list tr[data-contact]").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))"
    )


def expected_rows(people, reveal: bool) -> list[list[str]]:
    return [
        [p.region_name, p.role, p.name, p.title, p.organisation, f"☎ {p.phone}" if reveal else p.phone]
        for p in people
    ]


def test_cmd201_leader_sees_the_directory_with_calls_at_root_and_county(leader_page, live_server, scope):
    from data_access import directory

    page = leader_page
    for region in ("440800", "440882"):
        people = directory.contacts(region, scope, reveal_phones=True)
        open_page(page, live_server, f"/command?region={region}")
        assert shown_rows(page) == expected_rows(people, reveal=True)
        assert [r[1] for r in shown_rows(page)][:4] == [
            "总指挥",
            "第一副总指挥",
            "常务副总指挥",
            "指挥办负责人",
        ]
        calls = page.locator("#command-list a[href^='tel:']").evaluate_all("as => as.map(a => a.href)")
        assert calls == [f"tel:{p.phone}" for p in people]


def test_cmd202_search_and_subtree(leader_page, live_server, scope):
    from data_access import directory

    page = leader_page
    open_page(page, live_server, "/command?region=440882")
    page.click("#command-subtree >> text=含下级地区")
    page.wait_for_url("**/command?region=440882000000&sub=1")
    everyone = directory.contacts("440882", scope, subtree=True, reveal_phones=True)
    page.wait_for_selector(f"#command-count:has-text('雷州市及下级地区共 {len(everyone):,} 人')")
    assert page.locator("#command-list tr[data-contact]").count() == len(everyone)
    page.fill("#command-search", "驻镇帮镇扶村")
    page.press("#command-search", "Enter")
    page.wait_for_url("**/command?region=440882000000&q=*&sub=1")
    found = directory.contacts("440882", scope, query="驻镇帮镇扶村", subtree=True, reveal_phones=True)
    page.wait_for_selector(f"#command-count:has-text('共 {len(found):,} 人（搜索：驻镇帮镇扶村）')")
    assert found and shown_rows(page) == expected_rows(found, reveal=True)
    with page.expect_download() as info:  # the export is the list as shown
        page.click("#command-export-csv")
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[1:] == [list(p.export_row()) for p in found]


def test_cmd203_export_downloads_the_list_as_shown(leader_page, live_server, scope):
    from data_access import directory

    page = leader_page
    open_page(page, live_server, "/command?region=440882")
    people = directory.contacts("440882", scope, reveal_phones=True)
    with page.expect_download() as info:
        page.click("#command-export-csv")
    download = info.value
    assert download.suggested_filename == "指挥体系通讯录_雷州市.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["地区", "职务", "姓名", "职位", "单位", "电话"]
    assert rows[1:] == [list(p.export_row()) for p in people]
    with page.expect_download() as info:
        page.click("#command-export-xlsx")
    assert info.value.suggested_filename.endswith(".xlsx")
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"


def test_cmd204_regions_click_through_to_the_map(leader_page, live_server):
    page = leader_page
    open_page(page, live_server, "/command")
    page.locator(f"#command-children [data-code='{LEIZHOU}'] a.map-link").click()
    page.wait_for_url(f"**/map?region={LEIZHOU}")
    open_page(page, live_server, "/command")
    page.locator(f"#command-children [data-code='{LEIZHOU}'] a.drill-link").click()
    page.wait_for_url(f"**/command?region={LEIZHOU}")
    page.wait_for_selector("#command-count:has-text('雷州市本级')")
    page.locator("#command-list tr[data-contact] a").first.click()
    page.wait_for_url(f"**/map?region={LEIZHOU}")


def test_cmd205_staff_sees_masked_numbers_only_in_their_county(page, live_server, browser_store, scope):
    from data_access import directory

    add_account(browser_store, "cmd_staff", "staff", "440882")
    login(page, live_server, "cmd_staff")
    open_page(page, live_server, "/command")
    people = directory.contacts("440882", scope)
    assert shown_rows(page) == expected_rows(people, reveal=False)
    assert all("****" in r[5] for r in shown_rows(page))
    assert page.locator("a[href^='tel:']").count() == 0
    with page.expect_download() as info:
        page.click("#command-export-csv")
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    full = directory.contacts("440882", scope, reveal_phones=True)
    assert full[0].phone not in text and people[0].phone in text
    open_page(page, live_server, "/command?region=440881", ready=".notice-error")
    assert "无权查看" in page.locator("#command-message").inner_text()


@pytest.mark.parametrize("region", [None, "440882"])
def test_cmd206_no_overflow_and_screenshot(leader_page, live_server, region):
    page = leader_page
    path = "/command" + (f"?region={region}&sub=1" if region else "")
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        open_page(page, live_server, path)
        assert overflow(page) == [], (path, width)
        # the directory's note comes first; the 会商 form has its own
        assert page.locator(".source-note").first.inner_text().startswith("数据来源")
        if SAVE_SCREENSHOTS and region is None and width == 1920:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "command.png"), full_page=True)


@pytest.mark.parametrize("region", ["440800", "440882"])
def test_cmd207_wall_shows_the_leaders_of_the_area_in_one_screen(leader_page, live_server, scope, region):
    from data_access import consultations, directory
    from tests.browser.wallfit import assert_fits

    page = leader_page
    open_page(page, live_server, f"/command?region={region}&screen=wall", ready="#command-wall")
    page.wait_for_selector(".shell.theme-wall")
    assert_fits(page)
    # the region's own command as cards: role, name (large) and a call link, in command order
    people = directory.contacts(region, scope, reveal_phones=True)
    cards = page.locator("#command-wall .leader-card").evaluate_all(
        """cs => cs.map(c => [c.querySelector('.leader-role').innerText, c.querySelector('.leader-name').innerText,
                             c.querySelector('a[href^="tel:"]').getAttribute('href'),
                             parseFloat(getComputedStyle(c.querySelector('.leader-name')).fontSize)])"""
    )
    assert [c[:3] for c in cards] == [[p.role, p.name, f"tel:{p.phone}"] for p in people[:6]]
    assert cards[0][:2] == ["总指挥", people[0].name] and all(c[3] >= 36 for c in cards)
    # every child region with its head and 指挥办负责人 (a town: 书记 and 镇长), with call links
    leads = directory.children_leads(region, scope, reveal_phones=True)
    rows = page.locator("#command-wall tr[data-code]")
    assert rows.count() == len(leads) > 0
    for i, lead in enumerate(leads):
        row = rows.nth(i)
        assert row.get_attribute("data-code") == lead.region_code
        text = row.inner_text()
        for person in (lead.head, lead.office):
            assert person.name in text
        assert row.locator("a[href^='tel:']").evaluate_all("as => as.map(a => a.getAttribute('href'))") == [
            f"tel:{lead.head.phone}",
            f"tel:{lead.office.phone}",
        ]
    # the next few 会商 only, soonest first; no search, export or 会商 form on the wall
    upcoming, _ = consultations.listing(scope)
    topics = page.locator("#command-wall-consult .consult-next-topic").all_inner_texts()
    assert topics == [c.topic for c in upcoming[:3]]
    for hidden in (
        "#command-search",
        "#command-export-csv",
        "#consult-form",
        "#consult-list-panel",
        "#command-list",
    ):
        assert not page.locator(hidden).is_visible(), hidden
    # the desk keeps its directory and no wall cards
    open_page(page, live_server, f"/command?region={region}&screen=desk")
    assert page.locator("#command-search").is_visible() and not page.locator("#command-wall").is_visible()
