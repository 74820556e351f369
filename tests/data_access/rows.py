"""Rows for the tiny store's ``indicator`` and ``observation`` tables (tests insert them directly)."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def indicator_row(code: str, name: str, unit: str, **fields: Any) -> dict[str, Any]:
    """A monthly flow summed from the county level unless ``fields`` say otherwise."""
    return {
        "code": code,
        "name": name,
        "unit": unit,
        "theme": "economy",
        "definition": "",
        "source_dept": "统计局",
        "frequency": "month",
        "value_type": "flow",
        "aggregation": "sum",
        "factor": 1.0,
        "direction": 1,
        "decimals": 1,
        "lowest_level": 3,
        "sort_order": 0,
        "headline": False,
        **fields,
    }


def observation_row(code: str, region: str, period: str, value: float | None) -> dict[str, Any]:
    """A reported value, as an import would write it."""
    return {
        "indicator_code": code,
        "region_code": region,
        "period": period,
        "value": value,
        "status": "reported",
        "source": "test",
        "reported_at": datetime(2026, 11, 1),
        "reported_by": "t",
    }
