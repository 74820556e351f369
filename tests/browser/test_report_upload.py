"""The upload on /report in real headless Chromium: the 雷州市 staff account (``leizhou``) downloads
the 村级百千万工程工作月报 template, fills it with openpyxl, uploads it, sees the preview, commits, and
then sees /reporting and the map change for its villages; a file naming a 廉江市 village is refused
with its row named. Screenshots at 1920×1080 and 1440×900 go to ``COCKPIT_SCREENSHOT_DIR`` when set.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import PASSWORD, login
from tests.pages.conftest import COCKPIT

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("COCKPIT_SCREENSHOT_DIR", "")
TASK_NAME = "村级百千万工程工作月报"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
            page.screenshot(path=str(Path(SHOTS) / f"upload-{name}-{w}.png"), full_page=True)
        page.set_viewport_size({"width": 1920, "height": 1080})


def _open_upload(page, base: str) -> str:
    """/report with the upload set to the village monthly task; the period it offers."""
    page.goto(f"{base}/report?task=village_monthly")
    page.wait_for_selector("#report-upload .import-drop")
    page.click("#report-upload-task")
    page.get_by_role("option", name=TASK_NAME, exact=True).click()
    page.wait_for_function("() => document.querySelector('#report-upload-period').value.length >= 7")
    return page.input_value("#report-upload-period")


def _download_template(page) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.click("#report-upload-template-button")
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def _upload(page, name: str, data: bytes) -> None:
    page.set_input_files(
        "#report-upload-file input[type=file]", files=[{"name": name, "mimeType": XLSX, "buffer": data}]
    )


def _town_counts(page, base: str, town: str, period: str) -> tuple[int, int]:
    """(应报, 已报) of the town's row on /reporting for 雷州市, the task and the month."""
    page.goto(f"{base}/reporting?region=440882&month={period}&task=village_monthly")
    row = page.locator(f"#reporting-children tr[data-code='{town}000']")
    row.wait_for()
    cells = row.locator("td").all_inner_texts()
    return int(cells[1].replace(",", "")), int(cells[2].replace(",", ""))


def _town_most_pending(path: Path, period: str) -> str:
    """The 雷州市 town (9 digits) with the most villages not yet reported for the round."""
    with sqlite3.connect(path) as conn:
        row = conn.execute(
            "SELECT substr(region_code, 1, 9) AS town, count(*) AS n FROM submission "
            "WHERE task_code = 'village_monthly' AND period = ? AND region_code LIKE '440882%' "
            "AND status != 'submitted' GROUP BY town ORDER BY n DESC, town LIMIT 1",
            (period,),
        ).fetchone()
    conn.close()
    assert row, "the demo has no pending village of 雷州市 for the round"
    return row[0]


def test_bimp001_template_filled_uploaded_previewed_committed_and_seen(
    leizhou_page, live_server, browser_store
):
    page = leizhou_page
    period = _open_upload(page, live_server)
    name, data = _download_template(page)
    assert name == f"{TASK_NAME}_{period}.xlsx"
    book = load_workbook(io.BytesIO(data))
    ws = book.active
    header = [c.value for c in ws[3]]
    assert header[:3] == ["区划代码", "单位名称", "期别"]
    rows = list(ws.iter_rows(min_row=4))
    codes = [r[0].value for r in rows]
    assert codes and all(c.startswith("440882") for c in codes)  # 雷州市's villages only
    assert len(codes) == sum(
        1 for p in browser_store.regions.values() if p.level == 5 and p.code.startswith("440882")
    )
    # the template carries the figures the store already has for the round; keep only the rows of
    # the town with the most villages still to report, fill them (any empty field as last period,
    # 粤智助业务办理量 with a figure to look for) and empty every other row (not filled: skipped)
    town = _town_most_pending(browser_store.path, period)
    col = {h: j for j, h in enumerate(header)}
    fields = [j for h, j in col.items() if j >= 3 and h != "备注" and not str(h).startswith("上期")]
    filled = [r for r in rows if r[0].value.startswith(town)]
    for r in rows:
        if r not in filled:
            for j in [*fields, col["备注"]]:
                r[j].value = None
    for n, r in enumerate(filled):
        for j in fields:
            prev = r[col.get(f"上期{header[j]}", j)].value
            if r[j].value is None:
                r[j].value = prev if prev is not None else 1
        r[col["粤智助业务办理量（笔）"]].value = 4000 + n
        r[col["备注"]].value = "=浏览器测试 备注"
        r[col["备注"]].data_type = "s"
    out = io.BytesIO()
    book.save(out)
    before = _town_counts(page, live_server, town, period)
    assert before[1] < before[0]  # some of the town's villages had not reported

    _open_upload(page, live_server)
    _upload(page, name, out.getvalue())
    plan = page.locator("#report-upload-plan")
    plan.filter(has_text="可以导入").wait_for()
    full = sum(
        1
        for r in rows
        if all(
            r[j].value is not None
            for h, j in col.items()
            if j >= 3 and h != "备注" and not str(h).startswith("上期")
        )
    )
    assert f"修改 {len(filled)} 项" in plan.inner_text()  # 粤智助业务办理量 of the town's villages
    assert f"完成报送 {full} 个单位" in plan.inner_text()  # every full row is that unit's submission
    assert "4,000" in plan.locator(".import-items").inner_text()
    _shot(page, "preview")
    assert page.locator("#report-upload-commit").is_enabled()
    page.click("#report-upload-commit")
    page.locator("#report-upload-done", has_text="已写入").wait_for()
    _shot(page, "done")

    assert _town_counts(page, live_server, town, period) == (len(filled), len(filled))  # all reported now

    first = filled[0][0].value
    page.goto(f"{live_server}/map?region={town}&indicator=kiosk_uses&period={period}")
    page.wait_for_selector(f"#map-table .ag-row[row-id='{first}']")
    assert "4,000" in page.locator(f"#map-table .ag-row[row-id='{first}']").inner_text()


def test_bimp002_a_lianjiang_village_is_refused_with_its_row_named(leizhou_page, live_server, browser_store):
    page = leizhou_page
    _open_upload(page, live_server)
    name, data = _download_template(page)
    book = load_workbook(io.BytesIO(data))
    ws = book.active
    lianjiang = next(
        p for p in browser_store.regions.values() if p.level == 5 and p.code.startswith("440881")
    )
    ws.cell(row=5, column=1, value=lianjiang.code)
    ws.cell(row=5, column=2, value=lianjiang.name)
    for j in range(4, 7):
        ws.cell(row=5, column=j, value=1)
    out = io.BytesIO()
    book.save(out)
    _upload(page, "廉江.xlsx", out.getvalue())
    plan = page.locator("#report-upload-plan")
    plan.filter(has_text="不能导入").wait_for()
    errors = plan.locator(".import-errors tbody tr").first.inner_text()
    assert "5" in errors.split("\t")[1] and lianjiang.name in errors and "不在您的管辖范围" in errors
    assert page.locator("#report-upload-commit").is_disabled()
    _shot(page, "refused")
