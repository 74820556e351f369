"""cockpit briefing, the renderer without Chromium, the PDF text fix, the export menu (file code brf)."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from pptx import Presentation

from briefing import renderer as renderer_module
from briefing.pdffix import _fix_cmap, radical_map
from components.export_menu import NO_RENDERER, briefing_menu, export_menu

OTHER_COUNTIES = ("廉江市", "吴川市", "遂溪县", "徐闻县", "赤坎区", "霞山区", "坡头区", "麻章区")


def _texts(component) -> list[str]:
    out = []

    def walk(node):
        if isinstance(node, str):
            out.append(node)
            return
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None:
                walk(child)

    walk(component)
    return out


def _hrefs(component) -> list[str]:
    out = []

    def walk(node):
        if getattr(node, "href", None):
            out.append(node.href)
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and not isinstance(child, str):
                walk(child)

    walk(component)
    return out


def test_brf001_cli_writes_staff_briefing_in_scope(tmp_path):
    from tests.pages.conftest import COCKPIT, cockpit_env, demo_store_url

    env = cockpit_env(demo_store_url("sqlite"), tmp_path / "instance")
    env["PYTHONPATH"] = os.getcwd()
    out = tmp_path / "雷州.pptx"
    args = ["briefing", "--page", "overview", "--region", "440882", "--as", "leizhou", "--out", str(out)]
    proc = subprocess.run([str(COCKPIT), *args], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "雷州市_百千万工程运行简报_" in proc.stdout
    prs = Presentation(io.BytesIO(out.read_bytes()))
    text = "\n".join(s.text_frame.text for slide in prs.slides for s in slide.shapes if s.has_text_frame)
    text += "\n".join(
        str(c)
        for slide in prs.slides
        for s in slide.shapes
        if s.has_chart
        for c in s.chart.plots[0].categories
    )
    assert "雷州市百千万工程运行简报" in text
    for name in OTHER_COUNTIES:
        assert name not in text
    outside = subprocess.run(
        [
            str(COCKPIT),
            "briefing",
            "--page",
            "overview",
            "--region",
            "440881",
            "--as",
            "leizhou",
            "--out",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert outside.returncode == 2 and "错误" in outside.stderr
    bad = subprocess.run(
        [
            str(COCKPIT),
            "briefing",
            "--page",
            "overview",
            "--region",
            "440882",
            "--out",
            str(tmp_path / "x.docx"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode == 2 and ".pptx 或 .pdf" in bad.stderr


def test_brf002_without_chromium_it_says_so(monkeypatch):
    monkeypatch.setattr(renderer_module, "_configured", lambda: "/nonexistent/chromium")  # COCKPIT_CHROMIUM
    assert renderer_module.available() is False
    fresh = renderer_module.Renderer()
    with pytest.raises(renderer_module.RendererUnavailable, match="Chromium") as info:
        fresh.figure({"data": [], "layout": {}}, "png", width=10, height=10)
    assert info.value.status == 503
    fresh.close()
    menu = export_menu("map", "440882", "gdp", "2026-10")
    hrefs = _hrefs(menu)
    assert [h.rsplit("format=", 1)[1] for h in hrefs] == ["xlsx", "csv"]  # data still exports
    assert NO_RENDERER in _texts(menu)
    brief = briefing_menu("economy", "440882", "2026-10")
    assert _hrefs(brief) == [] and NO_RENDERER in _texts(brief)


def test_brf003_menus_link_to_the_panel_on_screen():
    menu = export_menu("ranking", "440882", "online_rate", "2026-10", images=True)
    hrefs = _hrefs(menu)
    assert len(hrefs) == 4
    assert (
        hrefs[0] == "/export/panel?kind=ranking&region=440882&indicator=online_rate&period=2026-10&format=png"
    )
    assert "导出" in _texts(menu)
    brief = briefing_menu("map", "440882", "2026-10", indicator="gdp", available=True)
    assert _hrefs(brief) == [
        "/export/briefing?page=map&region=440882&period=2026-10&indicator=gdp&format=pptx",
        "/export/briefing?page=map&region=440882&period=2026-10&indicator=gdp&format=pdf",
    ]


def test_brf004_to_unicode_radicals_become_ideographs():
    mapping = radical_map()
    assert mapping[0x2F8F] == ord("行")  # Kangxi radical ⾏ (NFKC)
    assert mapping[0x2015] == 0x2014  # ― → — as in 1—10月
    if os.path.exists("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"):
        assert mapping[0x2ED3] == ord("长")  # radical supplement ⻓: from the font's own cmap
    cmap = b"3 beginbfchar\n<45> <2F8F>\n<46> <884C>\n<02> <2015>\nendbfchar\n1 beginbfrange\n<11> <14> <0030>\nendbfrange"
    fixed = _fix_cmap(cmap, mapping)
    assert b"<45> <884C>" in fixed and b"<02> <2014>" in fixed and b"<11> <14> <0030>" in fixed


def test_brf005_renderer_draws_cjk_png_and_reuses_one_browser():
    r = renderer_module.Renderer()
    try:
        fig = {"data": [{"type": "bar", "x": ["雷州市"], "y": [1]}], "layout": {}}
        first = r.figure(fig, "png", width=200, height=100, scale=2)
        second = r.figure(fig, "svg", width=200, height=100)
        assert first[:8] == b"\x89PNG\r\n\x1a\n" and b"<svg" in second and "雷州市".encode() in second
        assert r.starts == 1
    finally:
        r.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))
