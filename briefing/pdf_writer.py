"""The briefing as a PDF: the same pages as the deck, printed by Chromium (A4 landscape).

Why Chromium's print-to-PDF and not a PDF library: the renderer is already running for the
images, it lays out Chinese text with the cockpit's own CSS font stack (Noto Sans CJK, a CFF
OpenType font that reportlab cannot embed), embeds the font subset, keeps text selectable, and
draws the charts as vector SVG; nothing is fetched from outside. (Chromium embeds the CFF glyphs
as Type 3 outlines with ``ToUnicode`` maps; ``pdffix`` corrects the radicals in those maps.)
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from html import escape

from components.trend import FONT

from .content import Briefing
from .panels import Panel, framed_figure, ranking_figure

Draw = Callable[[dict, str, int, int], bytes]  # (figure, fmt, width, height) → bytes

CSS = f"""
@page {{ size: 297mm 210mm; margin: 0; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; font-family: {FONT}; color: #1d2733; }}
.page {{ width: 297mm; height: 210mm; position: relative; page-break-after: always; overflow: hidden; }}
.page:last-child {{ page-break-after: auto; }}
.head {{ background: #17324d; color: #fff; height: 22mm; padding: 5mm 12mm; display: flex;
         justify-content: space-between; align-items: center; }}
.head h1 {{ margin: 0; font-size: 20pt; }}
.head span {{ font-size: 13pt; opacity: .9; }}
.body {{ padding: 5mm 12mm; }}
.sub {{ color: #5b6878; font-size: 10pt; margin: 0 0 3mm; }}
.foot {{ position: absolute; bottom: 5mm; left: 12mm; right: 12mm; display: flex;
         justify-content: space-between; color: #5b6878; font-size: 8pt; }}
.cover .band {{ position: absolute; top: 60mm; left: 0; right: 0; height: 55mm; background: #17324d;
                color: #fff; padding: 12mm 18mm; }}
.cover h1 {{ margin: 0 0 4mm; font-size: 28pt; }}
.cover .meta {{ position: absolute; top: 125mm; left: 18mm; font-size: 13pt; color: #5b6878; line-height: 1.7; }}
.demo {{ color: #a76a00; font-weight: 700; }}
.kpis {{ display: grid; grid-template-columns: repeat(var(--cols), 1fr); gap: 4mm; }}
.kpi {{ background: #e5eef6; border-radius: 2mm; padding: 3mm 4mm; font-size: 8.5pt; line-height: 1.45; }}
.kpi .name {{ font-weight: 700; color: #5b6878; font-size: 10pt; }}
.kpi .value {{ font-size: 17pt; font-weight: 700; color: #1f5f8b; }}
.kpi .bad {{ color: #b3362c; }}
ul.text {{ font-size: 13pt; line-height: 1.75; padding-left: 6mm; margin: 2mm 0; }}
ul.text.small {{ font-size: 11pt; }}
.chart {{ text-align: center; }}
.chart img, .chart svg {{ max-width: 100%; max-height: 150mm; }}
.grid3 {{ display: grid; grid-template-columns: repeat(3, 1fr); gap: 3mm; }}
.grid3 svg {{ width: 100%; height: auto; }}
"""


def _page(b: Briefing, title: str, body: str, number: int, total: int) -> str:
    return (
        f'<section class="page"><div class="head"><h1>{escape(title)}</h1><span>{escape(b.region.name)}</span></div>'
        f'<div class="body">{body}</div>'
        f'<div class="foot"><span>{escape(b.source_line)}</span><span>{number} / {total}</span></div></section>'
    )


def _svg(draw: Draw, figure: dict, width: int, height: int) -> str:
    svg = draw(figure, "svg", width, height).decode("utf-8")
    return svg[svg.index("<svg") :]


def write_pdf(briefing: Briefing, draw: Draw, print_pdf: Callable[[str], bytes]) -> bytes:
    """The PDF bytes: ``draw`` renders figures, ``print_pdf`` prints the HTML."""
    from .pdffix import fix_to_unicode

    return fix_to_unicode(print_pdf(briefing_html(briefing, draw)))


def briefing_html(b: Briefing, draw: Draw) -> str:
    """The HTML document printed to PDF (one ``section.page`` per slide of the deck)."""
    pages: list[tuple[str, str]] = [("", "")]  # the cover is built apart
    cols = 3 if len(b.kpis) <= 6 else 4 if len(b.kpis) <= 8 else 5
    cards = "".join(
        '<div class="kpi">'
        f'<div class="name">{escape(k.name)}</div><div class="value">{escape(k.value_text)}</div>'
        f"<div>{escape(k.covered)}</div><div>{escape(k.change)}</div>"
        f'<div class="{"bad" if "落后" in k.target or "低于" in k.target else ""}">{escape(k.target)}</div>'
        f"<div>{escape(k.completeness)}</div></div>"
        for k in b.kpis
    )
    pages.append((f"主要指标 · {b.region.name}", f'<div class="kpis" style="--cols:{cols}">{cards}</div>'))
    small = " small" if len(b.sentences) > 6 else ""
    items = "".join(f"<li>{escape(s)}</li>" for s in b.sentences)
    pages.append((b.summary_title, f'<ul class="text{small}">{items}</ul>'))
    if b.map_panel is not None:
        pages.append(_map_page(b.map_panel, draw))
    if b.ranking is not None:
        p = b.ranking
        rows = [(r[2], r[3]) for r in p.table.rows if r[3] is not None]
        column = p.table.columns[3]
        figure = ranking_figure(rows, column.unit, max(column.decimals or 0, 0))
        pages.append(
            (
                p.title,
                f'<p class="sub">{escape(p.subtitle)}</p><div class="chart">{_svg(draw, figure, 1050, 560)}</div>',
            )
        )
    if b.trend is not None:
        p = b.trend
        pages.append(
            (
                p.title,
                f'<p class="sub">{escape(p.subtitle)}</p><div class="chart">{_svg(draw, p.figure, 1050, 560)}</div>',
            )
        )
    if b.small_trends:
        charts = "".join(_small(p, draw) for p in b.small_trends)
        pages.append(("主要指标走势（与上年同期比较）", f'<div class="grid3">{charts}</div>'))
    lines = "".join(f"<li>{escape(a)}</li>" for a in b.attention) or f"<li>{escape(b.quiet)}</li>"
    pages.append(("需关注", f'<ul class="text">{lines}</ul>'))
    total = len(pages)
    html = [_cover(b, total)] + [
        _page(b, t, body, i, total) for i, (t, body) in enumerate(pages[1:], start=2)
    ]
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(b.title)}</title>'
        f"<style>{CSS}</style></head><body>{''.join(html)}</body></html>"
    )


def _cover(b: Briefing, total: int) -> str:
    by = f" · 生成人：{escape(b.generated_by)}" if b.generated_by else ""
    demo = '<div class="demo">演示数据 · 非真实统计数据</div>' if b.demo else ""
    return (
        '<section class="page cover"><div class="band">'
        f"<h1>{escape(b.title)}</h1><div>百千万工程驾驶舱 · 一键简报</div></div>"
        f'<div class="meta"><div>数据截至：{escape(b.as_of)}</div>'
        f"<div>生成时间：{b.generated_at:%Y-%m-%d %H:%M}{by}</div>{demo}</div>"
        f'<div class="foot"><span>{escape(b.source_line)}</span><span>1 / {total}</span></div></section>'
    )


def _map_page(p: Panel, draw: Draw) -> tuple[str, str]:
    width, height = p.size
    png = draw(p.figure, "png", width, height)
    img = f'<img alt="{escape(p.title)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'
    return p.title, f'<p class="sub">{escape(p.subtitle)}</p><div class="chart">{img}</div>'


def _small(p: Panel, draw: Draw) -> str:
    figure = {
        "data": p.figure["data"],
        "layout": {
            **p.figure["layout"],
            "title": {"text": p.table.columns[1].header, "font": {"size": 14}},
            "margin": {"l": 56, "r": 12, "t": 56, "b": 32},
        },
    }
    return f"<div>{_svg(draw, figure, 480, 300)}</div>"


__all__ = ["briefing_html", "framed_figure", "write_pdf"]
