"""Indicator metadata (指标体系), read from the ``indicator`` table and cached per data version."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from sqlalchemy import Connection, select

from . import store
from .cache import current_version
from .errors import NotFound
from .periods import FREQUENCY_NAMES
from .schema import indicator as indicator_table

THEMES: dict[str, str] = {
    "economy": "经济运行",
    "services": "政务服务",
    "programme": "百千万工程",
    "infrastructure": "数字底座",
    "reporting": "填表报数",
    "governance": "基层治理",
}
AGGREGATION_NAMES = {
    "sum": "求和",
    "ratio": "比率（Σ分子/Σ分母）",
    "weighted_mean": "加权平均",
    "min": "最小值",
    "max": "最大值",
}
VALUE_TYPE_NAMES = {"flow": "当期值", "cumulative": "累计值", "stock": "时点值"}
DIRECTION_NAMES = {1: "越高越好", -1: "越低越好"}
# The indicators each theme page shows (cards, summary, picker), in order; the briefings use the same.
PAGE_INDICATORS: dict[str, tuple[str, ...]] = {
    "economy": (
        "gdp",
        "industrial_va",
        "fixed_asset_investment",
        "retail_sales",
        "budget_revenue",
        "urban_income",
        "rural_income",
        "exports",
        "imports",
    ),
    "services": (
        "items_handled",
        "online_rate",
        "on_spot_rate",
        "satisfaction",
        "kiosk_coverage",
        "kiosk_uses",
    ),
    "infrastructure": (
        "govnet_town_rate",
        "govnet_village_rate",
        "camera_online_rate",
        "camera_connected_rate",
        "data_collected",
        "platform_accounts",
    ),
    "governance": (
        "disputes_received",
        "dispute_resolution_rate",
        "dispute_village_share",
        "dispute_town_share",
        "dispute_satisfaction",
        "disputes_escalated",
        "dispute_on_time_rate",
        "dispute_avg_days",
    ),
}
LEVEL_SHORT = {1: "省", 2: "市", 3: "县", 4: "镇", 5: "村"}
__all__ = [
    "AGGREGATION_NAMES",
    "DIRECTION_NAMES",
    "FREQUENCY_NAMES",
    "LEVEL_SHORT",
    "THEMES",
    "VALUE_TYPE_NAMES",
    "Indicator",
    "catalogue",
    "get_indicator",
    "list_indicators",
    "read_catalogue",
    "lookup",
]


@dataclass(frozen=True)
class Indicator:
    """One row of the ``indicator`` table."""

    code: str
    name: str
    unit: str
    theme: str
    definition: str
    source_dept: str
    frequency: str  # month|quarter|year
    value_type: str  # flow|cumulative|stock
    aggregation: str  # sum|ratio|weighted_mean|min|max
    numerator: str | None
    denominator: str | None
    weight: str | None
    factor: float
    direction: int  # 1 higher is better, -1 lower is better
    decimals: int
    min_value: float | None
    max_value: float | None
    lowest_level: int
    sort_order: int
    headline: bool

    @property
    def is_percent(self) -> bool:
        """Changes of a "%" indicator are differences in percentage points, not growth rates."""
        return self.unit.strip() == "%"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


_COLUMNS = [f.name for f in fields(Indicator)]


def read_catalogue(conn: Connection) -> dict[str, Indicator]:
    """Every indicator by code, in ``sort_order``, read on the caller's connection (no cache)."""
    stmt = select(*[indicator_table.c[name] for name in _COLUMNS]).order_by(
        indicator_table.c.sort_order, indicator_table.c.code
    )
    return {row.code: Indicator(*row[:-1], bool(row[-1])) for row in conn.execute(stmt).all()}


_LOCAL: dict[str, tuple[tuple[str, int], dict[str, Indicator]]] = {}


def _read() -> dict[str, Indicator]:
    with store.engine().connect() as conn:
        return read_catalogue(conn)


def _catalogue() -> dict[str, Indicator]:
    """The catalogue of the current store and data version, read once per process.

    Like the region index: a shared cache would unpickle all 67 indicators on every lookup
    (about 0.6 ms, twice per map drill); the version check keeps every process current.
    Callers must not modify the dict (``catalogue()`` hands out copies).
    """
    key = (str(store.engine().url), current_version())
    entry = _LOCAL.get("catalogue")
    if entry is None or entry[0] != key:
        entry = (key, _read())
        _LOCAL["catalogue"] = entry  # one assignment: a concurrent reader sees the old or new pair
    return entry[1]


def get_indicator(code: object) -> Indicator:
    """The indicator with this code.

    Raises:
        NotFound: no such indicator.
    """
    return lookup(_catalogue(), code)


def catalogue(cached: bool = True) -> dict[str, Indicator]:
    """Every indicator by code, in ``sort_order`` (memoized per data version unless ``cached=False``)."""
    return dict(_catalogue()) if cached else _read()


def lookup(indicators: dict[str, Indicator], code: object) -> Indicator:
    """``indicators[code]``, or ``NotFound`` naming the unknown code."""
    found = indicators.get(str(code).strip() if code is not None else "")
    if found is None:
        raise NotFound(f"未知指标：{str(code)[:40]}")
    return found


def list_indicators(theme: str | None = None) -> list[Indicator]:
    """Every indicator (or one theme's), ordered by ``sort_order``."""
    if theme is not None and theme not in THEMES:
        raise NotFound(f"未知主题：{theme}")
    return [i for i in _catalogue().values() if theme is None or i.theme == theme]
