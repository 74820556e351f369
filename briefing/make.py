"""Make a briefing file or a panel export: the one entry point for the CLI and the web."""

from __future__ import annotations

from datetime import datetime

from data_access.errors import InvalidInput
from data_access.scope import Scope

from .content import Briefing, build_briefing
from .renderer import get_renderer

BRIEFING_FORMATS = ("pptx", "pdf")
MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
    "png": "image/png",
    "svg": "image/svg+xml",
}
MAP_SCALE = 2  # the map picture in a briefing: twice its CSS size, sharp on a projector


def render(briefing: Briefing, fmt: str) -> bytes:
    """The briefing as ``pptx`` or ``pdf`` bytes (draws through the warm renderer)."""
    renderer = get_renderer()

    def draw(figure: dict, kind: str, width: int, height: int) -> bytes:
        return renderer.figure(
            figure, kind, width=width, height=height, scale=MAP_SCALE if kind == "png" else 1
        )

    if fmt == "pptx":
        from .pptx_writer import write_pptx

        return write_pptx(briefing, lambda p: draw(p.figure, "png", *p.size))
    if fmt == "pdf":
        from .pdf_writer import write_pdf

        return write_pdf(briefing, draw, renderer.pdf)
    raise InvalidInput(f"不支持的简报格式：{str(fmt)[:10]!r}（可选 pptx、pdf）")


def make_briefing(
    page: str,
    region: str,
    period: str | None,
    fmt: str,
    scope: Scope,
    *,
    indicator: str | None = None,
    user: str = "",
    now: datetime | None = None,
) -> tuple[bytes, str, Briefing]:
    """(file bytes, file name, the briefing) for a page, region and month under ``scope``."""
    if fmt not in BRIEFING_FORMATS:
        raise InvalidInput(f"不支持的简报格式：{str(fmt)[:10]!r}（可选 pptx、pdf）")
    briefing = build_briefing(page, region, period, scope, indicator=indicator, generated_by=user, now=now)
    return render(briefing, fmt), briefing.file_name(fmt), briefing
