"""What a briefing says: one page's figures for a region and month, as plain data.

:func:`build_briefing` reads, under the caller's scope, the same things the page shows — the
``headlines.Headline`` figures of its KPI cards, the summary sentences of ``components.summary``,
the map, ranking and trend of the page's detail indicator (``briefing.panels``), the 需关注 list —
and returns a :class:`Briefing` that the PPTX and PDF writers lay out. Nothing here draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from components.attention import TAGS, target_item, worst_first
from components.format import fmt_change, fmt_completeness, fmt_covered, fmt_period, fmt_progress, fmt_value
from components.summary import headline_sentence, target_clause
from components.targets import target_is_level
from data_access import store
from data_access.errors import CockpitError, InvalidInput
from data_access.headlines import Headline, headline
from data_access.indicators import PAGE_INDICATORS, get_indicator
from data_access.periods import parse_period
from data_access.regions import Region, get_region
from data_access.scope import Scope
from data_access.theme_views import comparison_values

from .panels import Panel, as_of_text, build_panel

# page → (name in titles and file names, its indicators (None: the headline indicators), 累计 figures)
PAGES: dict[str, tuple[str, tuple[str, ...] | None, bool]] = {
    "overview": ("百千万工程运行", None, True),
    "economy": ("经济运行", PAGE_INDICATORS["economy"], True),
    "services": ("政务服务", PAGE_INDICATORS["services"], False),
    "infrastructure": ("数字底座", PAGE_INDICATORS["infrastructure"], False),
    "reporting": ("填表报数", None, False),  # its own figures: briefing.content._reporting
    "map": ("地区运行", None, False),  # the picked indicator (or the headline ones) for the region
}
SMALL_TRENDS = 6  # small trend charts of the other KPIs (one slide, 2 × 3)


@dataclass(frozen=True)
class Kpi:
    """One KPI as the card shows it."""

    code: str
    name: str
    value: float | None
    value_text: str  # 3,312.5 亿元 (fmt_value: the pages' formatting)
    covered: str  # 2026年1—10月
    change: str  # 同比 +4.8%
    target: str  # 完成年度目标 62%，时间进度 75%，落后 13.0 个百分点 | 低于年度目标（95.0%）… | ""
    completeness: str  # 报送 118/125


@dataclass(frozen=True)
class Briefing:
    """Everything a briefing shows; the writers only lay it out."""

    page: str
    page_name: str
    region: Region
    month: str
    as_of: str
    generated_at: datetime
    generated_by: str
    demo: bool
    kpis: list[Kpi]
    sentences: list[str]
    map_panel: Panel | None
    ranking: Panel | None
    trend: Panel | None
    small_trends: list[Panel] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)
    sources: str = ""
    quiet: str = "各项指标均未落后于时间进度或年度目标。"  # 需关注 when nothing is flagged

    @property
    def title(self) -> str:
        """雷州市经济运行简报（2026年10月）."""
        return f"{self.region.name}{self.page_name}简报（{fmt_period(self.month)}）"

    @property
    def summary_title(self) -> str:
        return f"{self.page_name}综述"

    @property
    def source_line(self) -> str:
        parts = [f"数据来源：{self.sources or '—'}", f"数据截至：{self.as_of}"]
        if self.demo:
            parts.append("演示数据")
        return " · ".join(parts)

    def file_name(self, ext: str) -> str:
        """``雷州市_经济运行简报_2026-10.pptx``."""
        return f"{self.region.name}_{self.page_name}简报_{self.month}.{ext}"

    @property
    def chart_count(self) -> int:
        return sum(1 for p in (self.map_panel, self.ranking, self.trend) if p) + len(self.small_trends)


def kpi_of(h: Headline) -> Kpi:
    """The card's texts for a headline (same functions as ``components.kpi.headline_card``)."""
    if target_is_level(h.unit):
        target = target_clause(h.progress, h.decimals) or ""
    elif h.progress is not None and h.progress.progress is not None:
        target = fmt_progress(h.progress.progress, h.progress.schedule, h.progress.gap_pp)
    else:
        target = ""
    return Kpi(
        code=h.code,
        name=h.name,
        value=h.value,
        value_text=fmt_value(h.value, h.unit, h.decimals),
        covered=fmt_covered(h.period, h.cumulative),
        change=fmt_change(h.change.value, h.change.kind) if h.change is not None else "",
        target=target,
        completeness=fmt_completeness(h.reported, h.expected) if h.expected else "",
    )


def _indicator_codes(page: str, region: Region, indicator: str | None) -> list[str]:
    from pages._views import headline_indicators

    _, codes, _ = PAGES[page]
    if page == "map" and indicator:
        return [get_indicator(indicator).code]
    listed = list(codes) if codes else [i.code for i in headline_indicators()]
    return [c for c in listed if get_indicator(c).lowest_level >= region.level]


def build_briefing(
    page: str,
    region: str,
    month: str | None,
    scope: Scope,
    *,
    indicator: str | None = None,
    generated_by: str = "",
    now: datetime | None = None,
) -> Briefing:
    """The briefing of ``page`` for a region and month (default: the as-of month), under ``scope``.

    Raises:
        InvalidInput: unknown page or malformed month; OutOfScope, NotFound: as the queries.
    """
    from pages._views import as_of_month

    if page not in PAGES:
        raise InvalidInput(f"未知的页面：{str(page)[:20]!r}（可选 {'、'.join(PAGES)}）")
    reg = get_region(region, scope)
    month = parse_period(month, "month").text if month else as_of_month(scope)
    if month is None:
        raise InvalidInput("指标库中还没有数据，无法生成简报")
    name, _, ytd = PAGES[page]
    if page == "reporting":
        return _reporting(reg, month, scope, generated_by, now)
    codes = _indicator_codes(page, reg, indicator)
    heads = [headline(code, reg.code, month, scope, ytd=ytd) for code in codes]
    detail = _detail(heads, reg, indicator)
    map_panel = ranking = trend = None
    if detail is not None:
        trend = build_panel("trend", reg.code, detail.code, month, scope)
        try:
            parent, _ = comparison_values(detail.code, reg.code, month, scope)
            map_panel = build_panel("map", parent.code, detail.code, month, scope)
            ranking = build_panel("ranking", parent.code, detail.code, month, scope)
        except CockpitError:  # a village: nothing to compare with
            pass
    others = [h for h in heads if detail is None or h.code != detail.code][:SMALL_TRENDS]
    small = [build_panel("trend", reg.code, h.code, month, scope) for h in others]
    return Briefing(
        page=page,
        page_name=name,
        region=reg,
        month=month,
        as_of=as_of_text(),
        generated_at=(now or datetime.now()).replace(microsecond=0),
        generated_by=generated_by,
        demo=store.get_meta("demo") == "1",
        kpis=[kpi_of(h) for h in heads],
        sentences=[headline_sentence(h, scope.root) for h in heads],
        map_panel=map_panel,
        ranking=ranking,
        trend=trend,
        small_trends=small,
        attention=_attention(heads),
        sources="、".join(dict.fromkeys(h.source_dept for h in heads if h.source_dept)),
    )


def _detail(heads: list[Headline], reg: Region, indicator: str | None) -> Headline | None:
    """The indicator of the map, ranking and trend: the one asked for, else the first collected
    below the region (so the map has children to colour), else the first."""
    if not heads:
        return None
    picked = next((h for h in heads if h.code == indicator), None)
    if picked:
        return picked
    below = [h for h in heads if get_indicator(h.code).lowest_level > reg.level]
    return (below or heads)[0]


def _attention(heads: list[Headline]) -> list[str]:
    """需关注: indicators behind 时间进度 or below their target level, worst first (as the overview)."""
    items = []
    for h in heads:
        item = target_item(
            name=h.name,
            unit=h.unit,
            decimals=h.decimals,
            direction=h.direction,
            progress=h.progress,
            href=None,
        )
        if item is not None:
            items.append(item)
    lagging = [
        f"{h.name}：{fmt_completeness(h.reported, h.expected)}"
        for h in heads
        if h.expected and h.reported < h.expected
    ]
    flagged = [f"{TAGS[i.kind]} · {i.text}" for i in worst_first(items)]
    return flagged + [f"{TAGS['reporting']} · {t}" for t in lagging][:4]


def _reporting(reg: Region, month: str, scope: Scope, generated_by: str, now: datetime | None) -> Briefing:
    """填表报数: the month's rounds for the region (all tasks) — counts, rates, children, overdue."""
    from data_access import reporting

    from .reporting_panels import children, trend

    today = reporting.reference_date()
    t = reporting.region_tally(reg.code, month, scope, None, today)
    covered = f"{fmt_period(month)}报告期"

    def kpi(code: str, name: str, value: float | None, unit: str, decimals: int = 0) -> Kpi:
        return Kpi(code, name, value, fmt_value(value, unit, decimals), covered, "", "", "")

    pct = [None if s is None else s * 100 for s in (t.completeness, t.timeliness)]
    kpis = [
        kpi("expected", "应报单位", t.expected, "个"),
        kpi("reported", "已报送", t.reported, "个"),
        kpi("on-time", "按时报送", t.on_time, "个"),
        kpi("overdue", "逾期未报", t.overdue, "个"),
        kpi("completeness", "报送完整率", pct[0], "%", 1),
        kpi("timeliness", "按时报送率", pct[1], "%", 1),
    ]
    sentences = [
        f"{fmt_period(month)}报告期，{reg.name}应报单位 {t.expected:,} 个，已报送 {t.reported:,} 个，"
        f"报送完整率 {fmt_value(pct[0], '%', 1)}，按时报送率 {fmt_value(pct[1], '%', 1)}，逾期未报 {t.overdue:,} 个。"
    ]
    map_panel = ranking = None
    if reg.level < 5:
        ranking = children("reporting-ranking", reg, month, scope)
        map_panel = children("reporting-map", reg, month, scope)
        rated = [r for r in ranking.table.rows if r[3] is not None]
        if rated:
            best, worst = rated[0], rated[-1]
            sentences.append(
                f"{best[2]}报送完整率最高（{fmt_value(best[3], '%', 1)}），{worst[2]}最低（{fmt_value(worst[3], '%', 1)}）。"
            )
    overdue = reporting.overdue_units(reg.code, month, scope, None, today, False, limit=10)
    attention = [
        f"逾期未报 · {u.name}：{u.task_name}（{fmt_period(u.period)}），逾期 {u.days_overdue} 天"
        for u in overdue
    ]
    if t.overdue > 10:
        attention.append(f"另有 {t.overdue - 10} 个单位逾期未报，详见填表报数页面。")
    return Briefing(
        page="reporting",
        page_name=PAGES["reporting"][0],
        region=reg,
        month=month,
        as_of=as_of_text(),
        generated_at=(now or datetime.now()).replace(microsecond=0),
        generated_by=generated_by,
        demo=store.get_meta("demo") == "1",
        kpis=kpis,
        sentences=sentences,
        map_panel=map_panel,
        ranking=ranking,
        trend=trend(reg, month, scope),
        attention=attention,
        sources="填表报数系统",
        quiet="本报告期没有逾期未报的单位。",
    )
