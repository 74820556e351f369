"""The soft check of a figure against an earlier one: a move of more than 50 % is worth a note.

Warnings never refuse a file (only the errors of the plan do); the online form uses the same rule
to ask for a 情况说明.
"""

from __future__ import annotations

from ..indicators import Indicator

THRESHOLD = 0.5  # a change of more than 50 % of the earlier figure


def movement_reason(value: float, before: float | None, label: str, ind: Indicator) -> str | None:
    """A Chinese note when ``value`` moved more than 50 % against ``before``, else None.

    No earlier figure, or an earlier zero (no base to compare with), gives no note.
    """
    if before is None or before == 0:
        return None
    change = (value - before) / abs(before)
    if abs(change) <= THRESHOLD:
        return None
    digits = max(ind.decimals, 0)
    return f"较{label}（{before:,.{digits}f} {ind.unit}）{'增长' if change > 0 else '下降'} {abs(change) * 100:.0f}%，请核实"
