"""指标体系 as a page shows it: every indicator's metadata, latest period and reporting coverage.

Coverage is the share of the units expected to report (at the indicator's lowest level under the
region) that did report in the latest period with data — from :mod:`data_access.values`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cache import versioned
from .indicators import AGGREGATION_NAMES, FREQUENCY_NAMES, LEVEL_SHORT, THEMES, list_indicators
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
    reported: int
    expected: int

    @property
    def coverage(self) -> float | None:
        """Reported ÷ expected × 100; None when no unit is expected (or no data yet)."""
        return self.reported / self.expected * 100 if self.expected and self.latest_period else None


@versioned
def catalogue_rows(region: str, scope: Scope) -> list[CatalogueRow]:
    """Every indicator in catalogue order, with latest period and coverage under ``region``."""
    reg = get_region(region, scope)
    rows = []
    for ind in list_indicators():
        latest = latest_period(ind.code, scope)
        value = region_value(ind.code, reg.code, latest, scope) if latest else None
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
