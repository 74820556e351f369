"""Panels not about one indicator: 数字底座's 政务外网 coverage, 一网共享 records and cameras.

Each builder takes the region, the month and the scope and reads the same ``data_access``
functions as ``pages/infrastructure.py``, drawing with the same ``components.theme_charts``.
Registered in :data:`EXTRA` by the ``kind`` the export menu names.
"""

from __future__ import annotations

from collections.abc import Callable

from components.format import fmt_period, fmt_ytd_period, plot_text
from components.theme_charts import coverage_bars, sharing_bars
from data_access.exports import Column, Table
from data_access.infrastructure import (
    network_coverage,
    sharing_by_department,
    sharing_by_month,
    video_by_region,
)
from data_access.periods import month_range
from data_access.regions import Region
from data_access.scope import Scope

from .panels import Panel, _base, _notes

SERVICES = "政务服务和数据管理局"
SHARING_COLUMNS = ("归集", "回流", "共享")


def govnet(reg: Region, month: str, scope: Scope) -> Panel:
    """政务外网 connected units by level (the page's bars) with the counts behind the rates."""
    rows = network_coverage(reg.code, month, scope)
    title = f"{reg.name}政务外网接入情况（按层级）"
    base = _base(
        "govnet", title, reg, None, month, fmt_period(month), unit="%", source=SERVICES, size=(1000, 520)
    )
    columns = [
        Column("层级"),
        Column("已接入", "个", "number", 0),
        Column("应接入", "个", "number", 0),
        Column("接入率", "%", "number", 1),
        Column("已报送单位", "个", "number", 0),
        Column("应报送单位", "个", "number", 0),
    ]
    data = [(r.label, r.connected, r.total, r.rate, r.reported, r.expected) for r in rows]
    return Panel(
        **base, schematic=False, figure=coverage_bars(rows), table=Table(title, columns, data, _notes(base))
    )


def _sharing(kind: str, reg: Region, month: str, scope: Scope, *, by_month: bool) -> Panel:
    if by_month:
        first = month_range(month, 12)[0]
        rows = sharing_by_month(reg.code, scope, first, month)
        title, label, key = (
            f"{reg.name}一网共享数据归集、回流、共享（按月）",
            f"{fmt_period(first)}—{fmt_period(month)}",
            "月份",
        )
    else:
        rows = sharing_by_department(reg.code, scope, f"{month[:4]}-01", month)
        title, label, key = f"{reg.name}一网共享数据（按部门，本年累计）", fmt_ytd_period(month), "部门"
    base = _base(kind, title, reg, None, month, label, unit="万条", source=SERVICES, size=(1100, 600))
    columns = [Column(key), *(Column(name, "条", "number", 0) for name in SHARING_COLUMNS)]
    data = [(fmt_period(r.key) if by_month else r.key, r.collected, r.returned, r.shared) for r in rows]
    figure = sharing_bars(rows, by_month=by_month)
    return Panel(**base, schematic=False, figure=figure, table=Table(title, columns, data, _notes(base)))


def cameras(reg: Region, month: str, scope: Scope) -> Panel:
    """Cameras, connected, online and online rate of the region's children and the region."""
    own, kids = video_by_region(reg.code, scope)
    title = f"{reg.name}视频资源（按地区）"
    base = _base("cameras", title, reg, None, month, "当前", unit="个、%", source=SERVICES, size=(1000, 560))
    columns = [
        Column("地区代码"),
        Column("地区"),
        Column("点位数", "个", "number", 0),
        Column("接入省平台", "个", "number", 0),
        Column("在线", "个", "number", 0),
        Column("在线率", "%", "number", 1),
    ]
    data = [(v.code, v.name, v.cameras, v.connected, v.online, v.online_rate) for v in [*kids, own]]
    named = [v for v in kids if v.cameras]
    figure = {
        "data": [
            {
                "type": "bar",
                "name": "点位数",
                "x": [plot_text(v.name) for v in named],
                "y": [v.cameras for v in named],
                "marker": {"color": "#9aa7b5"},
            },
            {
                "type": "bar",
                "name": "在线",
                "x": [plot_text(v.name) for v in named],
                "y": [v.online for v in named],
                "marker": {"color": "#1f5f8b"},
            },
        ],
        "layout": {
            "barmode": "group",
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
            "yaxis": {"title": {"text": "个"}, "gridcolor": "#e3e8ee"},
            "legend": {"orientation": "h", "x": 0, "y": 1.12},
            "margin": {"l": 64, "r": 16, "t": 28, "b": 60},
        },
    }
    return Panel(**base, schematic=False, figure=figure, table=Table(title, columns, data, _notes(base)))


def camera_map(reg: Region, month: str, scope: Scope) -> Panel:
    """``camera-map``: the children coloured by camera online rate with every camera a point
    (blue online, red offline), as 数字底座's 视频点位分布; its data is every point."""
    from components.theme_charts import OFFLINE_COLOUR, ONLINE_COLOUR
    from data_access.infrastructure import camera_points
    from geo.prepare import get_layer

    from .mapfig import _merc, static_map

    _, kids = video_by_region(reg.code, scope)
    points = camera_points(reg.code, scope)
    names = {k.code: k.name for k in kids}
    title = f"{reg.name}视频点位分布与在线率"
    base = _base("camera-map", title, reg, None, month, "当前", unit="%", source=SERVICES, size=(1000, 760))
    layer = get_layer(reg.code)
    figure = static_map(
        layer.body,
        layer.overlay,
        {k.code: k.online_rate for k in kids},
        unit="%",
        decimals=1,
        schematic=layer.schematic,
    )
    names_at = next((i for i, t in enumerate(figure["data"]) if t.get("mode") == "text"), len(figure["data"]))
    for online, name, colour in ((True, "在线点位", ONLINE_COLOUR), (False, "离线点位", OFFLINE_COLOUR)):
        xy = [_merc(p.lon, p.lat) for p in points if p.online == online]
        figure["data"].insert(  # below the names, so the labels stay readable
            names_at,
            {
                "type": "scatter",
                "mode": "markers",
                "name": f"{name}（{len(xy):,} 个）",
                "x": [x for x, _ in xy],
                "y": [y for _, y in xy],
                "marker": {"size": 4 if online else 6, "color": colour, "opacity": 0.85},
                "hoverinfo": "skip",
                "showlegend": True,
            },
        )
        names_at += 1
    figure["layout"]["showlegend"] = True
    from data_access.regions import region_index

    index = region_index()  # the points are all in the region's subtree, read under the scope
    where = {c: index.by_code[c].name for c in {p.region_code for p in points} if c in index.by_code}
    columns = [
        Column("点位编号"),
        Column("地区代码"),
        Column("地区"),
        Column("位置"),
        Column("经度", "°", "number", 6),
        Column("纬度", "°", "number", 6),
        Column("在线"),
        Column("接入省平台"),
    ]
    rows = [
        (
            p.camera_id,
            p.region_code,
            where.get(p.region_code, names.get(p.region_code, "")),
            p.location,
            p.lon,
            p.lat,
            "在线" if p.online else "离线",
            "已接入" if p.connected else "未接入",
        )
        for p in points
    ]
    online = sum(1 for p in points if p.online)
    notes = (*_notes(base), f"有坐标的视频点位 {len(points):,} 个，其中在线 {online:,} 个")
    return Panel(**base, schematic=layer.schematic, figure=figure, table=Table(title, columns, rows, notes))


def attention(reg: Region, month: str, scope: Scope) -> Panel:
    """``attention``: the overview's 需关注 list (the page's own items), a list: data only."""
    from components.attention import TAGS
    from pages._views import attention_items

    items = attention_items(reg.code, month, scope)
    title = f"{reg.name}需关注事项"
    base = _base(
        "attention", title, reg, None, month, fmt_period(month), source="各指标牵头部门", size=(0, 0)
    )
    columns = [Column("序号", "", "number", 0), Column("类别"), Column("内容")]
    rows = [(i, TAGS.get(item.kind, item.kind), item.text) for i, item in enumerate(items, start=1)]
    return Panel(**base, schematic=False, figure=None, table=Table(title, columns, rows, _notes(base)))


def profile(reg: Region, month: str, scope: Scope) -> Panel:
    """``profile``: /map's 地区概况 — every indicator of the region with its own period and unit,
    同比, target progress, rank among siblings and completeness (``values.region_profile``)."""
    from data_access.indicators import THEMES, get_indicator
    from data_access.values import region_profile

    rows = region_profile(reg.code, month, scope)
    title = f"{reg.name}指标概况"
    depts = (get_indicator(r["code"]).source_dept for r in rows)
    sources = "、".join(dict.fromkeys(d for d in depts if d))
    base = _base(
        "profile", title, reg, None, month, fmt_period(month), unit="见各行", source=sources, size=(0, 0)
    )
    columns = [
        Column("板块"),
        Column("指标代码"),
        Column("指标"),
        Column("统计期"),
        Column("数值", "", "number"),
        Column("单位"),
        Column("同比增速", "%", "number", 1),
        Column("同比增减", "个百分点", "number", 2),
        Column("年度目标完成", "%", "number", 1),
        Column("时间进度", "%", "number", 1),
        Column("同级排名", "", "number", 0),
        Column("同级地区数", "个", "number", 0),
        Column("已报送", "个", "number", 0),
        Column("应报送", "个", "number", 0),
    ]

    def part(obj, name: str):  # noqa: ANN001, ANN202 - a dataclass or its dict (cached)
        return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)

    data = []
    for r in rows:
        value, change, progress, rank = r.get("value"), r.get("yoy"), r.get("progress"), r.get("rank")
        kind = part(change, "kind") if change is not None else None
        share = part(progress, "progress") if progress is not None else None
        schedule = part(progress, "schedule") if progress is not None else None
        data.append(
            (
                THEMES.get(r.get("theme"), r.get("theme") or ""),
                r.get("code"),
                r.get("name"),
                r.get("period"),
                None if value is None else round(value, r.get("decimals", 1)),
                r.get("unit"),
                part(change, "value") if kind == "pct" else None,
                part(change, "value") if kind == "pp" else None,
                None if share is None else share * 100,
                None if schedule is None else schedule * 100,
                rank[0] if rank else None,
                rank[1] if rank else None,
                r.get("reported"),
                r.get("expected"),
            )
        )
    return Panel(**base, schematic=False, figure=None, table=Table(title, columns, data, _notes(base)))


def kiosks(reg: Region, month: str, scope: Scope) -> Panel:
    """政务服务 粤智助 at the level that reads (``theme_views.kiosk_map``, as on the page): a county's
    or town's villages by kiosks, a city's towns or the province's cities by coverage."""
    from data_access.theme_views import kiosk_map
    from geo.prepare import get_layer

    from .mapfig import static_map

    view = kiosk_map(reg.code, month, scope)
    place, villages = view.place, view.level == 5
    unit, decimals = ("台", 0) if villages else ("%", 1)
    words = {2: "各市", 3: "各县（市、区）", 4: "各镇（街道）"}.get(view.level, "各村（社区）")
    what = "粤智助自助机布设" if villages else "粤智助行政村覆盖率"
    title = f"{place.name}{words}{what}"
    base = _base(
        "kiosks", title, place, None, month, fmt_period(month), unit=unit, source=SERVICES, size=(1000, 760)
    )
    layer = get_layer(place.code, None if view.level == place.level + 1 else view.level)
    figure = static_map(
        layer.body,
        layer.outline,
        {v.code: v.value for v in view.values},
        unit=unit,
        decimals=decimals,
        schematic=layer.schematic,
    )
    name = {2: "市", 3: "县（市、区）", 4: "镇（街道）"}.get(view.level, "村（社区）")
    value = (
        Column("粤智助自助机", "台", "number", 0)
        if villages
        else Column("粤智助行政村覆盖率", "%", "number", 1)
    )
    columns = [Column("地区代码"), Column(name), value]
    rows = [(v.code, v.name, v.value) for v in view.values]
    covered = "—" if view.covered is None else f"{view.covered:,.0f}"
    total = "—" if view.total is None else f"{view.total:,.0f}"
    notes = (*_notes(base), f"已布设的村（社区）{covered} 个，共 {total} 个")
    return Panel(**base, schematic=layer.schematic, figure=figure, table=Table(title, columns, rows, notes))


def _reporting(kind: str) -> Callable[..., Panel]:
    from . import reporting_panels

    if kind == "reporting-trend":
        return reporting_panels.trend
    tables = {
        "reporting-rounds": reporting_panels.rounds,
        "reporting-levels": reporting_panels.levels,
        "reporting-staff": reporting_panels.staff,
        "reporting-overdue": reporting_panels.overdue,
        "reporting-burden": reporting_panels.burden,
    }
    if kind in tables:
        return tables[kind]
    return lambda reg, month, scope, task=None: reporting_panels.children(kind, reg, month, scope, task)


def _governance(name: str) -> Callable[..., Panel]:
    from . import governance_panels

    return getattr(governance_panels, name)


# kind → builder(region, month, scope, task=None); ``task`` matters to 填表报数's panels only.
EXTRA: dict[str, Callable[..., Panel]] = {
    "govnet": lambda reg, month, scope, task=None: govnet(reg, month, scope),
    "sharing-month": lambda reg, month, scope, task=None: _sharing(
        "sharing-month", reg, month, scope, by_month=True
    ),
    "sharing-dept": lambda reg, month, scope, task=None: _sharing(
        "sharing-dept", reg, month, scope, by_month=False
    ),
    "cameras": lambda reg, month, scope, task=None: cameras(reg, month, scope),
    "kiosks": lambda reg, month, scope, task=None: kiosks(reg, month, scope),
    "governance-outcomes": lambda reg, month, scope, task=None: _governance("outcomes")(reg, month, scope),
    "governance-types": lambda reg, month, scope, task=None: _governance("types")(reg, month, scope),
    "governance-overdue": lambda reg, month, scope, task=None: _governance("overdue")(reg, month, scope),
    "attention": lambda reg, month, scope, task=None: attention(reg, month, scope),
    "profile": lambda reg, month, scope, task=None: profile(reg, month, scope),
    "camera-map": lambda reg, month, scope, task=None: camera_map(reg, month, scope),
    "reporting-ranking": _reporting("reporting-ranking"),
    "reporting-map": _reporting("reporting-map"),
    "reporting-trend": _reporting("reporting-trend"),
    **{
        kind: _reporting(kind)
        for kind in (
            "reporting-rounds",
            "reporting-levels",
            "reporting-staff",
            "reporting-overdue",
            "reporting-burden",
        )
    },
}
