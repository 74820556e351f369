"""The briefing as a 16:9 PowerPoint deck (python-pptx).

Bar and line charts are native PowerPoint charts with their data inside (staff can restyle them
or edit a figure); the map is a picture drawn by the warm renderer; the KPI figures and summary
sentences are ordinary text boxes, so the wording can be edited. Every slide has the cockpit's
header colour, the source line and a page number.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from .content import Briefing
from .panels import Panel

WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 13.333 × 7.5 in: exactly 16:9
FONT = "Microsoft YaHei"  # on the office PCs that open the deck; East Asian text set explicitly
NAVY = RGBColor(0x17, 0x32, 0x4D)
ACCENT = RGBColor(0x1F, 0x5F, 0x8B)
MUTED = RGBColor(0x5B, 0x68, 0x78)
GREY = RGBColor(0x9A, 0xA7, 0xB5)
WARN = RGBColor(0xA7, 0x6A, 0x00)
BAD = RGBColor(0xB3, 0x36, 0x2C)
SOFT = RGBColor(0xE5, 0xEE, 0xF6)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
MapImage = Callable[[Panel], bytes]


def _style(run, size: float, colour: RGBColor = NAVY, bold: bool = False) -> None:
    font = run.font
    font.size, font.bold, font.name = Pt(size), bold, FONT
    font.color.rgb = colour
    rpr = run._r.get_or_add_rPr()
    for tag in ("a:ea", "a:cs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            rpr.append(el)
        el.set("typeface", FONT)


def _text(slide, left, top, width, height, lines, size=16, colour=NAVY, bold=False, align=None):
    """A text box with one paragraph per line; returns the shape."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if align is not None:
            para.alignment = align
        run = para.add_run()
        run.text = line
        _style(run, size, colour, bold)
    return box


class Deck:
    """A deck being written: slides share header, footer and page numbers."""

    def __init__(self, briefing: Briefing) -> None:
        self.b = briefing
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = WIDTH, HEIGHT
        self.blank = self.prs.slide_layouts[6]

    def slide(self, title: str):
        slide = self.prs.slides.add_slide(self.blank)
        bar = slide.shapes.add_shape(1, 0, 0, WIDTH, Inches(0.95))
        bar.fill.solid()
        bar.fill.fore_color.rgb = NAVY
        bar.line.fill.background()
        _text(slide, Inches(0.5), Inches(0.18), Inches(10.5), Inches(0.6), [title], 26, WHITE, True)
        _text(
            slide,
            Inches(10.3),
            Inches(0.28),
            Inches(2.6),
            Inches(0.5),
            [self.b.region.name],
            16,
            WHITE,
            align=PP_ALIGN.RIGHT,
        )
        self._footer(slide)
        return slide

    def _footer(self, slide) -> None:
        _text(slide, Inches(0.5), Inches(7.0), Inches(11.3), Inches(0.4), [self.b.source_line], 10, MUTED)
        number = len(self.prs.slides)
        _text(
            slide,
            Inches(11.9),
            Inches(7.0),
            Inches(1.0),
            Inches(0.4),
            [str(number)],
            10,
            MUTED,
            align=PP_ALIGN.RIGHT,
        )

    def save(self) -> bytes:
        total = len(self.prs.slides)
        for i, slide in enumerate(self.prs.slides, start=1):  # "3" → "3 / 9" once the count is known
            for shape in slide.shapes:
                if shape.has_text_frame and shape.text_frame.text == str(i) and shape.left > Inches(11):
                    shape.text_frame.paragraphs[0].runs[0].text = f"{i} / {total}"
        buf = io.BytesIO()
        self.prs.save(buf)
        return buf.getvalue()


def write_pptx(briefing: Briefing, map_image: MapImage) -> bytes:
    """The deck as bytes. ``map_image(panel)`` draws the map (PNG bytes)."""
    deck = Deck(briefing)
    _cover(deck)
    _kpis(deck)
    _summary(deck)
    if briefing.map_panel is not None:
        _map(deck, briefing.map_panel, map_image(briefing.map_panel))
    if briefing.ranking is not None:
        _ranking(deck, briefing.ranking)
    if briefing.trend is not None:
        _trend(deck, briefing.trend)
    if briefing.small_trends:
        _small_trends(deck, briefing.small_trends)
    _attention(deck)
    return deck.save()


def _cover(deck: Deck) -> None:
    b = deck.b
    slide = deck.prs.slides.add_slide(deck.blank)
    band = slide.shapes.add_shape(1, 0, Inches(2.2), WIDTH, Inches(2.2))
    band.fill.solid()
    band.fill.fore_color.rgb = NAVY
    band.line.fill.background()
    _text(slide, Inches(0.8), Inches(2.55), Inches(11.7), Inches(1.0), [b.title], 36, WHITE, True)
    _text(
        slide,
        Inches(0.8),
        Inches(3.55),
        Inches(11.7),
        Inches(0.6),
        ["百千万工程驾驶舱 · 一键简报"],
        18,
        WHITE,
    )
    lines = [
        f"数据截至：{b.as_of}",
        f"生成时间：{b.generated_at:%Y-%m-%d %H:%M}"
        + (f" · 生成人：{b.generated_by}" if b.generated_by else ""),
    ]
    _text(slide, Inches(0.8), Inches(4.8), Inches(11.7), Inches(1.0), lines, 16, MUTED)
    if b.demo:
        _text(
            slide,
            Inches(0.8),
            Inches(5.8),
            Inches(6),
            Inches(0.6),
            ["演示数据 · 非真实统计数据"],
            18,
            WARN,
            True,
        )
    deck._footer(slide)


def _kpis(deck: Deck) -> None:
    b = deck.b
    slide = deck.slide(f"主要指标 · {b.region.name}")
    cols = 3 if len(b.kpis) <= 6 else 4 if len(b.kpis) <= 8 else 5
    rows = max(1, -(-len(b.kpis) // cols))
    gap = Inches(0.18)
    width = (WIDTH - Inches(1.0) - gap * (cols - 1)) / cols
    height = min(Inches(2.8), (Inches(5.8) - gap * (rows - 1)) / rows)
    for i, k in enumerate(b.kpis):
        left = Inches(0.5) + (width + gap) * (i % cols)
        top = Inches(1.15) + (height + gap) * (i // cols)
        card = slide.shapes.add_shape(1, int(left), int(top), int(width), int(height))
        card.fill.solid()
        card.fill.fore_color.rgb = SOFT
        card.line.fill.background()
        box = _text(
            slide,
            int(left + Inches(0.12)),
            int(top + Inches(0.06)),
            int(width - Inches(0.24)),
            int(height - Inches(0.1)),
            [k.name],
            13,
            MUTED,
            True,
        )
        frame = box.text_frame
        for text, size, colour, bold in (
            (k.value_text, 22, ACCENT, True),
            (k.covered, 10, MUTED, False),
            (k.change, 11, NAVY, False),
            (k.target, 9, BAD if "落后" in k.target or "低于" in k.target else NAVY, False),
            (k.completeness, 9, MUTED, False),
        ):
            if text:
                run = frame.add_paragraph().add_run()
                run.text = text
                _style(run, size, colour, bold)


def _summary(deck: Deck) -> None:
    b = deck.b
    slide = deck.slide(b.summary_title)
    box = slide.shapes.add_textbox(Inches(0.6), Inches(1.2), Inches(12.1), Inches(5.6))
    frame = box.text_frame
    frame.word_wrap = True
    size = 16 if len(b.sentences) <= 6 else 13
    for i, sentence in enumerate(b.sentences):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.space_after = Pt(8)
        run = para.add_run()
        run.text = f"● {sentence}"
        _style(run, size, NAVY)


def _map(deck: Deck, panel: Panel, png: bytes) -> None:
    slide = deck.slide(panel.title)
    _text(slide, Inches(0.5), Inches(1.0), Inches(12), Inches(0.4), [panel.subtitle], 12, MUTED)
    width, height = panel.size
    box_w, box_h = Inches(12.3), Inches(5.5)
    scale = min(box_w / width, box_h / height)
    pic_w, pic_h = int(width * scale), int(height * scale)
    slide.shapes.add_picture(io.BytesIO(png), int((WIDTH - pic_w) / 2), Inches(1.4), pic_w, pic_h)


def _series_values(panel: Panel, column: int) -> list[float | None]:
    decimals = max(panel.table.columns[column].decimals or 0, 0)
    return [None if r[column] is None else round(float(r[column]), decimals) for r in panel.table.rows]


def _number_format(decimals: int) -> str:
    return "#,##0" if decimals <= 0 else "#,##0." + "0" * decimals


def _ranking(deck: Deck, panel: Panel) -> None:
    """Ranking panels keep (rank, code, name, value, …) rows: bars of column 3, best at the top."""
    slide = deck.slide(panel.title)
    _text(slide, Inches(0.5), Inches(1.0), Inches(12), Inches(0.4), [panel.subtitle], 12, MUTED)
    column = panel.table.columns[3]
    decimals = max(column.decimals or 0, 0)
    rows = [r for r in panel.table.rows if r[3] is not None]
    data = CategoryChartData(number_format=_number_format(decimals))
    data.categories = [r[2] for r in reversed(rows)]  # bar charts draw the first category at the bottom
    data.add_series(column.header, [round(float(r[3]), decimals) for r in reversed(rows)])
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED, Inches(0.6), Inches(1.4), Inches(12.1), Inches(5.5), data
    )
    chart = frame.chart
    chart.has_legend = False
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = _number_format(decimals)
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.font.size = Pt(10)
    plot.series[0].format.fill.solid()
    plot.series[0].format.fill.fore_color.rgb = ACCENT
    _chart_font(chart)


def _line_chart(slide, panel: Panel, left, top, width, height, *, small: bool = False):
    """Trend panels keep (period, series…) rows: one line per series column (this year first)."""
    columns = panel.table.columns
    data = CategoryChartData(number_format=_number_format(max(columns[1].decimals or 0, 0)))
    data.categories = [r[0] for r in panel.table.rows]
    for i in range(1, len(columns)):
        data.add_series(columns[i].name, _series_values(panel, i))
    frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, left, top, width, height, data)
    chart = frame.chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.TOP
    chart.legend.include_in_layout = False
    for series, colour in zip(chart.plots[0].series, (ACCENT, GREY, WARN, BAD), strict=False):
        series.format.line.color.rgb = colour
        series.format.line.width = Pt(1.5 if small else 2.25)
        series.smooth = False
    if small:
        chart.has_title = True
        chart.chart_title.text_frame.text = columns[1].header
        for para in chart.chart_title.text_frame.paragraphs:
            for run in para.runs:
                _style(run, 11, NAVY, True)
    _chart_font(chart, 8 if small else 10)
    return chart


def _trend(deck: Deck, panel: Panel) -> None:
    slide = deck.slide(panel.title)
    _text(slide, Inches(0.5), Inches(1.0), Inches(12), Inches(0.4), [f"{panel.subtitle}"], 12, MUTED)
    _line_chart(slide, panel, Inches(0.6), Inches(1.4), Inches(12.1), Inches(5.5))


def _small_trends(deck: Deck, panels: list[Panel]) -> None:
    slide = deck.slide("主要指标走势（与上年同期比较）")
    width, height = Inches(4.0), Inches(2.75)
    for i, panel in enumerate(panels):
        left = Inches(0.5) + (width + Inches(0.17)) * (i % 3)
        top = Inches(1.1) + (height + Inches(0.1)) * (i // 3)
        _line_chart(slide, panel, int(left), int(top), int(width), int(height), small=True)


def _attention(deck: Deck) -> None:
    b = deck.b
    slide = deck.slide("需关注")
    lines = [f"● {a}" for a in b.attention] or [f"● {b.quiet}"]
    _text(slide, Inches(0.6), Inches(1.2), Inches(12.1), Inches(5.6), lines, 16, NAVY)


def _chart_font(chart, size: int = 10) -> None:
    chart.font.size = Pt(size)
    chart.font.name = FONT
    chart.font.color.rgb = NAVY


def slide_size() -> tuple[Emu, Emu]:
    return WIDTH, HEIGHT
