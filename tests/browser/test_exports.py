"""Export menus in real headless Chromium: a chart and a map on two pages give a PNG of the right
size and an XLSX whose figures are the ones the map shows (file code exb)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image

from briefing.panels import SIZES
from components.format import fmt_value

pytestmark = pytest.mark.browser


def download(page, menu_selector: str, fmt: str) -> tuple[bytes, str]:
    """Open the menu with the keyboard (focus + Enter), click the format, return (bytes, file name)."""
    summary = page.locator(f"{menu_selector} summary")
    summary.focus()
    page.keyboard.press("Enter")
    link = page.locator(f"{menu_selector} a[data-format='{fmt}']")
    link.wait_for(state="visible")
    with page.expect_download(timeout=90_000) as info:
        link.click()
    dl = info.value
    data = Path(dl.path()).read_bytes()
    summary.click()  # close the menu again
    return data, dl.suggested_filename


def map_shows(page, graph_selector: str) -> dict[str, str]:
    """code → the value text the map shows for it (hover text of the drawn figure)."""
    return page.evaluate(
        """(sel) => {
        const gd = document.querySelector(sel);
        const out = {};
        for (const t of gd.data) {
          (t.locations || []).forEach((code, i) => { out[code] = t.customdata ? t.customdata[i] : null; });
        }
        return out;
    }""",
        graph_selector,
    )


def check_xlsx_equals_map(data: bytes, shown: dict[str, str]) -> None:
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows[1]
    unit = header[3].split("（", 1)[1].rstrip("）")
    decimals = (
        sheet.cell(row=3, column=4).number_format.count("0") - 1
        if "." in sheet.cell(row=3, column=4).number_format
        else 0
    )
    body = [r for r in rows[2:] if r[1] and str(r[1]).isdigit()]
    with_value = {r[1]: fmt_value(r[3], unit, decimals) for r in body if r[3] is not None}
    assert with_value, "no figures in the export"
    for code, text in with_value.items():
        assert shown.get(code) == text, (code, shown.get(code), text)


def test_exb001_economy_trend_png_and_map_xlsx(leader_page, live_server):
    page = leader_page
    page.goto(f"{live_server}/economy?region=440882&period=2026-10")
    page.wait_for_selector("#economy-map-panel .js-plotly-plot", timeout=60_000)
    page.wait_for_load_state("networkidle")
    png, name = download(page, "#economy-trend .export-menu", "png")
    assert name.endswith(".png") and "雷州市" in name
    assert Image.open(io.BytesIO(png)).size == (SIZES["trend"][0] * 2, SIZES["trend"][1] * 2)
    xlsx, name = download(page, "#economy-map-panel .export-menu", "xlsx")
    assert name.endswith(".xlsx")
    check_xlsx_equals_map(xlsx, map_shows(page, "#economy-map-panel .js-plotly-plot"))


def test_exb002_overview_map_png_and_xlsx(leader_page, live_server):
    page = leader_page
    page.wait_for_selector("#overview-map-export .export-menu", timeout=60_000)
    page.wait_for_function(
        "() => { const g = document.querySelector('#overview-map .js-plotly-plot'); return g && g.data && g.data.length > 0; }",
        timeout=60_000,
    )
    png, _ = download(page, "#overview-map-export .export-menu", "png")
    assert Image.open(io.BytesIO(png)).size == (SIZES["map"][0] * 2, SIZES["map"][1] * 2)
    xlsx, name = download(page, "#overview-map-export .export-menu", "xlsx")
    assert name.startswith("湛江市_")
    check_xlsx_equals_map(xlsx, map_shows(page, "#overview-map .js-plotly-plot"))
    # 生成简报 on the same page: a PPTX for the region on screen.
    pptx, name = download(page, "#briefing-menu", "pptx")
    assert name == "湛江市_百千万工程运行简报_2026-10.pptx" and pptx[:2] == b"PK"
