"""The field list of every demo reporting task (``task_field``): what each form asks, in order.

An indicator field names an indicator of the task's frequency collected at the task's level (never
a ratio: ratios derive from their numerator and denominator); a text field (备注, 情况说明 …) is
kept with the submission. Tasks whose level and frequency have no indicator ask in text.
"""

from __future__ import annotations

from ..catalogue import BY_CODE

# task code -> fields: ("indicator", indicator code, required) or ("text", name, required)
TASK_FIELDS: dict[str, list[tuple[str, str, bool]]] = {
    "village_monthly": [
        ("indicator", "kiosks", True),
        ("indicator", "kiosk_uses", True),
        ("indicator", "govnet_villages_connected", True),
        ("text", "备注", False),
    ],
    "town_monthly": [
        ("indicator", "items_handled", True),
        ("indicator", "items_online", True),
        ("indicator", "items_on_spot", True),
        ("indicator", "ratings_good", True),
        ("indicator", "ratings_total", True),
        ("indicator", "projects_planned", True),
        ("indicator", "projects_completed", True),
        ("indicator", "project_investment", True),
        ("indicator", "cameras_total", True),
        ("indicator", "cameras_online", True),
        ("indicator", "cameras_connected", True),
        ("indicator", "govnet_towns_connected", True),
        ("text", "情况说明", False),
    ],
    "county_monthly": [
        ("indicator", "industrial_va", True),
        ("indicator", "fixed_asset_investment", True),
        ("indicator", "retail_sales", True),
        ("indicator", "budget_revenue", True),
        ("indicator", "exports", True),
        ("indicator", "imports", True),
        ("indicator", "data_collected", True),
        ("indicator", "data_returned", True),
        ("indicator", "data_shared", True),
        ("indicator", "govnet_county_units", True),
        ("indicator", "govnet_county_connected", True),
        ("indicator", "platform_accounts", False),
        ("text", "情况说明", False),
    ],
    "town_projects": [
        ("text", "项目推进情况", True),
        ("text", "存在问题", False),
        ("text", "下一步计划", False),
    ],
    "city_quarterly": [
        ("text", "工作进展", True),
        ("text", "存在问题及建议", False),
        ("text", "下季度工作计划", False),
    ],
    "village_income": [
        ("indicator", "collective_income", True),
        ("indicator", "villages_income_10w", True),
        ("text", "备注", False),
    ],
}


def task_field_rows() -> list[tuple[str, int, str, str | None, str, bool]]:
    """``task_field`` rows: (task_code, position, kind, indicator_code, name, required)."""
    rows = []
    for task, fields in TASK_FIELDS.items():
        for position, (kind, ref, required) in enumerate(fields, 1):
            code = ref if kind == "indicator" else None
            name = BY_CODE[ref].name if kind == "indicator" else ref
            rows.append((task, position, kind, code, name, required))
    return rows
