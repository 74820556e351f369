"""指标体系 as a page shows it: every indicator's metadata, latest period and reporting coverage.

Coverage is the share of the units expected to report (at the indicator's lowest level under the
region) that did report in the latest period with data — from :mod:`data_access.values`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cache import versioned
from .indicators import AGGREGATION_NAMES, FREQUENCY_NAMES, LEVEL_SHORT, THEMES, list_indicators
from .periods import parse_period, period_for
from .regions import get_region
from .scope import Scope
from .values import latest_period, region_value

SEARCH_FIELDS = ("code", "name", "definition", "source_dept", "unit")


@dataclass(frozen=True)
class CatalogueRow:
    """One indicator of the catalogue with its latest period and coverage for one region."""

    code: str
    name: str
    unit: str
    theme: str
    theme_name: str
    definition: str
    source_dept: str
    frequency_name: str
    aggregation_name: str
    lowest_level_name: str
    latest_period: str | None
    coverage_period: str | None  # the period the coverage counts (latest, or the asked month's)
    reported: int
    expected: int

    @property
    def coverage(self) -> float | None:
        """Reported ÷ expected × 100; None when no unit is expected (or no period to count)."""
        return self.reported / self.expected * 100 if self.expected and self.coverage_period else None


@versioned
def catalogue_rows(region: str, scope: Scope, month: str | None = None) -> list[CatalogueRow]:
    """Every indicator in catalogue order, with latest period and coverage under ``region``.

    Coverage counts the latest period with data, or with ``month`` (``YYYY-MM``) the indicator's
    period for that month (``period_for``: 2026-10 → 2026-Q3 for a quarterly indicator).
    """
    reg = get_region(region, scope)
    month = parse_period(month, "month").text if month else None
    rows = []
    for ind in list_indicators():
        latest = latest_period(ind.code, scope)
        counted = period_for(ind.frequency, month) if month else latest
        value = region_value(ind.code, reg.code, counted, scope) if counted else None
        rows.append(
            CatalogueRow(
                code=ind.code,
                name=ind.name,
                unit=ind.unit,
                theme=ind.theme,
                theme_name=THEMES.get(ind.theme, ind.theme),
                definition=ind.definition,
                source_dept=ind.source_dept,
                frequency_name=FREQUENCY_NAMES.get(ind.frequency, ind.frequency),
                aggregation_name=AGGREGATION_NAMES.get(ind.aggregation, ind.aggregation),
                lowest_level_name=f"{LEVEL_SHORT.get(ind.lowest_level, '?')}级",
                latest_period=latest,
                coverage_period=counted,
                reported=value.reported if value else 0,
                expected=value.expected if value else 0,
            )
        )
    return rows


def filter_rows(
    rows: list[CatalogueRow], theme: str | None = None, text: str | None = None
) -> list[CatalogueRow]:
    """Rows of one theme (None or "" = all) whose code, name, definition, department or unit
    contains every word of ``text`` (case-insensitive)."""
    words = [w.lower() for w in (text or "").split()]
    out = []
    for row in rows:
        if theme and row.theme != theme:
            continue
        haystack = " ".join(str(getattr(row, f)) for f in SEARCH_FIELDS).lower()
        if all(w in haystack for w in words):
            out.append(row)
    return out


@dataclass(frozen=True)
class CatalogueSummary:
    """The catalogue in counts (the wall screen's 指标体系): (label, count) pairs per grouping."""

    total: int
    with_data: int  # indicators with at least one period of data
    complete: int  # every unit expected to report did (coverage 100 %)
    incomplete: int  # some units expected to report did not
    by_theme: list[tuple[str, int]]  # in the order of THEMES
    by_level: list[tuple[str, int]]  # lowest collection level, from the top (市级) down
    by_source: list[tuple[str, int]]  # most indicators first, then by name


def summarise(rows: list[CatalogueRow]) -> CatalogueSummary:
    """Count the rows per theme, per lowest collection level and per source department."""

    def count(key) -> dict[str, int]:
        out: dict[str, int] = {}
        for row in rows:
            out[key(row)] = out.get(key(row), 0) + 1
        return out

    themes = count(lambda r: r.theme_name)
    theme_order = list(THEMES.values())
    levels = count(lambda r: r.lowest_level_name)
    level_order = [f"{name}级" for _, name in sorted(LEVEL_SHORT.items())]
    sources = count(lambda r: r.source_dept)
    return CatalogueSummary(
        total=len(rows),
        with_data=sum(1 for r in rows if r.latest_period),
        complete=sum(1 for r in rows if r.coverage is not None and r.reported >= r.expected),
        incomplete=sum(1 for r in rows if r.coverage is not None and r.reported < r.expected),
        by_theme=sorted(themes.items(), key=lambda kv: _position(theme_order, kv[0])),
        by_level=sorted(levels.items(), key=lambda kv: _position(level_order, kv[0])),
        by_source=sorted(sources.items(), key=lambda kv: (-kv[1], kv[0])),
    )


def _position(order: list[str], label: str) -> tuple[int, str]:
    return (order.index(label) if label in order else len(order), label)


def lowest_coverage(rows: list[CatalogueRow], limit: int) -> list[CatalogueRow]:
    """The ``limit`` rows with the lowest reporting coverage (catalogue order among equals);
    rows without a coverage (not collected under the region, no period) are left out."""
    counted = [(r.coverage, i, r) for i, r in enumerate(rows) if r.coverage is not None]
    return [r for _, _, r in sorted(counted, key=lambda t: (t[0], t[1]))[:limit]]
